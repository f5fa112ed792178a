use super::*;

fn sample() -> Manifest {
    let stamp = Stamp::new(12, -5, 9).unwrap();
    Manifest {
        sealed_ns: 77,
        files: vec![
            ("en-us/a b/index.html".to_string(), Entry { key: [3; 32], stamp }),
            ("sitemap.xml".to_string(), Entry { key: [4; 32], stamp }),
        ],
        dirs: vec![("en-us".to_string(), stamp), ("en-us/a b".to_string(), stamp)],
    }
}

#[test]
fn a_manifest_reads_back_and_a_cut_or_hostile_one_is_refused() {
    let m = sample();
    let bytes = encode(&m);
    assert_eq!(decode(&bytes).as_ref(), Some(&m));
    for cut in [1, bytes.len() / 2, bytes.len() - 1] {
        assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"x");
    assert_eq!(decode(&longer), None);
    let mut hostile = sample();
    hostile.files[1].0 = "../sitemap.xml".to_string();
    assert_eq!(decode(&encode(&hostile)), None);
    // A file whose folder is not listed: the folder's stamp could not
    // say what else is in it.
    let mut open = sample();
    open.dirs.pop();
    assert_eq!(decode(&encode(&open)), None);
    // Out of order (or twice): not one this build wrote.
    let mut unsorted = sample();
    unsorted.files.swap(0, 1);
    assert_eq!(decode(&encode(&unsorted)), None);
    // A count larger than the bytes: refused before anything is made.
    let mut huge = bytes.clone();
    huge[HEADER.len() + 16..HEADER.len() + 24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(decode(&huge), None);
}

#[test]
fn each_path_gets_its_folder_also_where_sorting_puts_it_out_of_step() {
    let stamp = Stamp::new(1, 2, 3).unwrap();
    let entry = Entry { key: [1; 32], stamp };
    // ' ' and '-' sort before '/': "a b" and "a-c" come between "a"
    // and "a/b", and "a/z"'s folder comes before the one of the file
    // before it.
    let m = Manifest {
        sealed_ns: 0,
        files: ["a b/x", "a-c/x", "a/b/y", "a/z", "top"]
            .iter()
            .map(|p| (p.to_string(), entry))
            .collect(),
        dirs: ["a", "a b", "a-c", "a/b"]
            .iter()
            .map(|d| (d.to_string(), stamp))
            .collect(),
    };
    let t = decode_tree(encode(&m)).unwrap();
    assert_eq!(t.up, [TOP, TOP, TOP, 0, 1, 2, 3, 0, TOP]);
    assert_eq!(t.files_under("a/"), 2..4);
    assert_eq!(t.files_under("a b/"), 0..1);
    assert_eq!(t.files_under("b/"), 4..4);
    assert_eq!(t.find_file(t.files_under("a/"), "a/z"), Some(3));
    assert_eq!(t.find_file(t.files_under("a/"), "a-c/x"), None);
    assert_eq!(t.find_dir("a-c"), Some(2));
    // A folder whose folder is not listed: refused.
    let mut open = m;
    open.dirs.remove(0);
    assert!(decode_tree(encode(&open)).is_none());
}

#[test]
fn paths_written_after_their_neighbours_read_back_whole() {
    let stamp = Stamp::new(u64::MAX, i128::from(i64::MIN) * NS, 1 << 40).unwrap();
    let entry = Entry { key: [5; 32], stamp };
    // Neighbours sharing part of a two-byte character (é, ê), none, or
    // all of one.
    let paths = ["a/\u{e9}/index.html", "a/\u{e9}x/index.html", "a/\u{ea}", "b", "b/c"];
    let m = Manifest {
        sealed_ns: -1,
        files: paths.iter().map(|p| (p.to_string(), entry)).collect(),
        dirs: ["a", "a/\u{e9}", "a/\u{e9}x", "b"]
            .iter()
            .map(|d| (d.to_string(), stamp))
            .collect(),
    };
    let bytes = encode(&m);
    assert_eq!(decode(&bytes).as_ref(), Some(&m));
    // A shared length past the path before: refused.
    let mut out = Vec::new();
    put_varint(&mut out, 9);
    put_varint(&mut out, 1);
    out.push(b'x');
    let mut r = &out[..];
    let mut names = b"abc".to_vec();
    assert_eq!(take_path(&mut r, &mut names, 0), None);
    for v in [0, 127, 128, 1 << 35, u64::MAX] {
        let mut out = Vec::new();
        put_varint(&mut out, v);
        assert_eq!(take_varint(&mut &out[..]), Some(v));
    }
    assert_eq!(take_varint(&mut &[0xff; 10][..]), None);
}

#[test]
fn entries_copied_from_the_last_manifest_make_the_bytes_a_fresh_one_has() {
    // The last build's: 40 pages in 4 folders.
    let stamp = |i: u64| Stamp::new(i, 1_700_000_000_000_000_000 + i as i128, 1000 + i).unwrap();
    let file = |d: u32, p: u32| {
        (
            format!("en-us/s{d}/a{p}/index.html"),
            Entry {
                key: [(d * 10 + p) as u8; 32],
                stamp: stamp(u64::from(d * 10 + p)),
            },
        )
    };
    let mut last = Manifest {
        sealed_ns: 5,
        ..Default::default()
    };
    for d in 0..4 {
        for p in 0..10 {
            last.files.push(file(d, p));
        }
    }
    last.files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut dirs: Vec<String> = last
        .files
        .iter()
        .flat_map(|(f, _)| parents(f).map(String::from))
        .collect();
    dirs.sort();
    dirs.dedup();
    last.dirs = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), stamp(100 + i as u64)))
        .collect();
    let old = decode_tree(encode(&last)).unwrap();
    // This build's: one page rewritten, one gone, one new (between
    // two kept ones, and last), a folder stamped again, one gone.
    let mut next = Manifest {
        sealed_ns: 9,
        ..Default::default()
    };
    let mut files: Vec<(String, Src<Entry>)> = Vec::new();
    for (f, (p, e)) in last.files.iter().enumerate() {
        match p.as_str() {
            "en-us/s2/a0/index.html" => continue,
            "en-us/s2/a5/index.html" => {
                let e = Entry { key: [200; 32], ..*e };
                files.push((p.clone(), Src::New(e)));
                next.files.push((p.clone(), e));
            }
            _ => {
                files.push((p.clone(), Src::Old(f)));
                next.files.push((p.clone(), *e));
            }
        }
    }
    for p in ["en-us/s0/a10/index.html", "en-us/z/index.html"] {
        let e = Entry {
            key: [201; 32],
            stamp: stamp(7),
        };
        let at = files.partition_point(|(q, _)| q.as_str() < p);
        files.insert(at, (p.to_string(), Src::New(e)));
        next.files.insert(at, (p.to_string(), e));
    }
    let mut ds: Vec<(String, Src<Stamp>)> = Vec::new();
    for (d, (p, st)) in last.dirs.iter().enumerate() {
        match p.as_str() {
            "en-us/s2/a0" => continue,
            "en-us/s2" => {
                ds.push((p.clone(), Src::New(stamp(300))));
                next.dirs.push((p.clone(), stamp(300)));
            }
            _ => {
                ds.push((p.clone(), Src::Old(old.files + d)));
                next.dirs.push((p.clone(), *st));
            }
        }
    }
    for p in ["en-us/s0/a10", "en-us/z"] {
        let at = ds.partition_point(|(q, _)| q.as_str() < p);
        ds.insert(at, (p.to_string(), Src::New(stamp(8))));
        next.dirs.insert(at, (p.to_string(), stamp(8)));
    }
    let mut c = io::Cursor::new(Vec::new());
    write(&mut c, next.sealed_ns, &old, files, ds).unwrap();
    let patched = c.into_inner();
    assert_eq!(patched, encode(&next));
    assert_eq!(decode(&patched).unwrap(), next);
}
