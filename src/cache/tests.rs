use super::*;

#[test]
fn keys_are_ordered_as_their_bytes_are() {
    let mut keys: Vec<[u8; 32]> = Vec::new();
    for i in 0..300u32 {
        let mut k = [0u8; 32];
        // Many share their first 8 bytes (ordered by the rest then).
        k[(i % 4) as usize] = (i * 37 % 251) as u8;
        k[8 + (i % 24) as usize] = (i * 11 % 256) as u8;
        keys.push(k);
    }
    let mut ours = keys.clone();
    ours.sort_unstable_by(key_order);
    keys.sort_unstable();
    assert_eq!(ours, keys);
    for k in &keys {
        assert_eq!(ours.binary_search_by(|u| key_order(u, k)).map(|i| ours[i]), Ok(*k));
    }
}

/// Pruning keeps what a build used (read, touched, written, any number
/// of times), removes the rest of what the last one left, and leaves
/// the keys used, each once, in order, for the next.
#[test]
fn prune_removes_what_a_build_did_not_use_and_records_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c, d) = ([9u8; 32], [1u8; 32], [5u8; 32], [3u8; 32]);
    let first = Cache::open(dir.path()).unwrap();
    for k in [&a, &b, &c] {
        first.put(k, b"v");
    }
    assert_eq!(first.prune(), 0);
    // Entries older than the next build's start.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let next = Cache::open(dir.path()).unwrap();
    assert!(next.get(&a).is_some());
    next.touch(&a);
    next.touch_all(&[c, a]);
    next.put(&d, b"w");
    assert_eq!(next.prune(), 1, "b alone");
    assert!(next.peek(&b).is_none());
    assert!([a, c, d].iter().all(|k| next.peek(k).is_some()));
    let live = next.get_named(LIVE).unwrap();
    let (_, keys) = decode_live(&live).unwrap();
    assert_eq!(keys.copied().collect::<Vec<_>>(), vec![d, c, a]);
}

#[test]
fn hex_reads_back() {
    let k: [u8; 32] = std::array::from_fn(|i| (i * 37 + 11) as u8);
    let h = hex(&k);
    assert_eq!(h.len(), 64);
    assert!(h.starts_with("0b30"), "{h}");
    assert_eq!(unhex(&h), Some(k));
    assert_eq!(hex(&[0x00, 0xff, 0x9a]), "00ff9a");
}

#[test]
fn a_packed_entry_reads_back_and_a_plain_one_is_not_taken_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = Cache::open(dir.path()).unwrap();
    let page = "<p>The same words again and again.</p>\n".repeat(500);
    c.put_packed(&[1u8; 32], page.as_bytes());
    assert_eq!(c.get_packed(&[1u8; 32]).as_deref(), Some(page.as_bytes()));
    assert!(std::fs::metadata(c.path_of(&[1u8; 32])).unwrap().len() < page.len() as u64 / 10);
    c.put(&[2u8; 32], b"\xff\xff\xff\x7fplain");
    assert!(c.get_packed(&[2u8; 32]).is_none());
}

#[test]
fn a_truncated_or_altered_entry_is_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let c = Cache::open(dir.path()).unwrap();
    let k = [7u8; 32];
    c.put(&k, b"hello");
    assert_eq!(c.get(&k).as_deref(), Some(&b"hello"[..]));
    let p = c.path_of(&k);
    let whole = std::fs::read(&p).unwrap();
    std::fs::write(&p, &whole[..whole.len() - 1]).unwrap();
    assert!(c.get(&k).is_none());
    let mut altered = whole.clone();
    *altered.last_mut().unwrap() ^= 1;
    std::fs::write(&p, &altered).unwrap();
    assert!(c.get(&k).is_none());
    // Longer than its header says, or shorter than a header.
    std::fs::write(&p, [&whole[..], b"x"].concat()).unwrap();
    assert!(c.get(&k).is_none());
    std::fs::write(&p, &whole[..HEADER - 1]).unwrap();
    assert!(c.get(&k).is_none());
    assert_eq!(c.stats(0).corrupt, 4);
    // A named record likewise.
    c.put_named("rec", b"value");
    assert_eq!(c.get_named("rec").as_deref(), Some(&b"value"[..]));
    let named = c.objects.with_file_name("rec");
    let whole = std::fs::read(&named).unwrap();
    std::fs::write(&named, &whole[..whole.len() - 1]).unwrap();
    assert!(c.get_named("rec").is_none());
}

#[test]
fn keys_not_in_a_sorted_list_are_found_in_order_or_not() {
    let k = |b: u8, last: u8| {
        let mut k = [b; 32];
        k[31] = last;
        k
    };
    let mut used = vec![k(9, 0), k(1, 0), k(5, 0), k(5, 1)];
    used.sort_unstable_by(super::key_order);
    let unused = |keys: &[[u8; 32]]| super::not_in(keys.iter(), &used).copied().collect::<Vec<_>>();
    // In order: a walk down both.
    assert_eq!(
        unused(&[k(0, 0), k(1, 0), k(5, 1), k(6, 0), k(9, 0), k(10, 0)]),
        [k(0, 0), k(6, 0), k(10, 0)]
    );
    // Out of order (not as the live record is written): still right.
    assert_eq!(
        unused(&[k(9, 0), k(1, 0), k(7, 0), k(5, 0), k(5, 2)]),
        [k(7, 0), k(5, 2)]
    );
    // A key in order after one out of order: still looked up.
    assert_eq!(unused(&[k(9, 0), k(1, 0), k(5, 0), k(9, 1)]), [k(9, 1)]);
    assert_eq!(unused(&[]), Vec::<[u8; 32]>::new());
}
