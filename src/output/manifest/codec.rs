//! The manifest as bytes (format 4): its header, then each file (key,
//! stamp, path) and each folder (stamp, path), each path written after
//! the one before it; read back only when whole, sorted and with every
//! path's folder listed.

use super::{parents, plain, Entry, Manifest, Stamp, NS, TOP};
use crate::search::fxhash::FxHashMap;

/// A binary file (read and written whole by every keyed build: no text to
/// format or parse). Each path is written as the length it shares with the
/// path before it and the rest (sorted paths share most of theirs: a
/// page's `index.html` after its neighbour's), sizes and inodes as
/// variable-length numbers: about half the bytes of whole paths and fixed
/// widths.
const HEADER: &[u8] = b"polydoc-manifest 4\n";
const END: &[u8] = b"\nend\n";

impl Stamp {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.size);
        out.extend_from_slice(&self.mtime_s.to_le_bytes());
        out.extend_from_slice(&self.mtime_nsec.to_le_bytes());
        put_varint(out, self.ino);
    }

    fn take(r: &mut &[u8]) -> Option<Stamp> {
        let size = take_varint(r)?;
        let mtime_s = i64::from_le_bytes(take(r, 8)?.try_into().ok()?);
        let mtime_nsec = u32::from_le_bytes(take(r, 4)?.try_into().ok()?);
        let ino = take_varint(r)?;
        (i128::from(mtime_nsec) < NS).then_some(Stamp {
            size,
            mtime_s,
            ino,
            mtime_nsec,
        })
    }
}

/// `v` in 7-bit groups, low first, the high bit set on all but the last.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(r: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let (&b, rest) = r.split_first()?;
        *r = rest;
        // The tenth group holds the top bit alone.
        if i == 9 && b > 1 {
            return None;
        }
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// `p` after `prev`: the length of what they share (ending between two
/// characters), the length of the rest, the rest.
fn put_path(out: &mut Vec<u8>, prev: &str, p: &str) {
    let mut shared = prev.bytes().zip(p.bytes()).take_while(|(a, b)| a == b).count();
    while !p.is_char_boundary(shared) {
        shared -= 1;
    }
    put_varint(out, shared as u64);
    put_varint(out, (p.len() - shared) as u64);
    out.extend_from_slice(&p.as_bytes()[shared..]);
}

/// The path `put_path` wrote after `prev`, when it is one the manifest
/// may name (`plain`).
fn take_path(r: &mut &[u8], prev: &str) -> Option<String> {
    let shared = usize::try_from(take_varint(r)?).ok()?;
    let n = usize::try_from(take_varint(r)?).ok()?;
    if shared > prev.len() || !prev.is_char_boundary(shared) {
        return None;
    }
    let rest = std::str::from_utf8(take(r, n)?).ok()?;
    let mut p = String::with_capacity(shared + n);
    p.push_str(&prev[..shared]);
    p.push_str(rest);
    plain(&p).then_some(p)
}

/// The next `n` bytes of `r`.
fn take<'a>(r: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if r.len() < n {
        return None;
    }
    let (head, rest) = r.split_at(n);
    *r = rest;
    Some(head)
}

pub fn encode(m: &Manifest) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER.len() + 40 + m.files.len() * 64 + m.dirs.len() * 32 + END.len());
    out.extend_from_slice(HEADER);
    out.extend_from_slice(&m.sealed_ns.to_le_bytes());
    out.extend_from_slice(&(m.files.len() as u64).to_le_bytes());
    out.extend_from_slice(&(m.dirs.len() as u64).to_le_bytes());
    let mut prev = "";
    for (p, e) in &m.files {
        out.extend_from_slice(&e.key);
        e.stamp.put(&mut out);
        put_path(&mut out, prev, p);
        prev = p;
    }
    let mut prev = "";
    for (p, st) in &m.dirs {
        st.put(&mut out);
        put_path(&mut out, prev, p);
        prev = p;
    }
    out.extend_from_slice(END);
    out
}

/// The manifest, or `None` when it is not one whole (cut short, or with
/// bytes after its end), names a path twice or out of order, or lists a
/// file or folder whose folder it does not list.
#[cfg(test)]
pub fn decode(bytes: &[u8]) -> Option<Manifest> {
    decode_tree(bytes).map(|(m, _)| m)
}

/// The manifest (as `decode`), and the folder of each path it names:
/// folders first, then files, each by its index in `Manifest::dirs` (`TOP`
/// for one in the output folder itself). A folder comes after the folders
/// above it (sorted by path, a prefix sorts first).
pub(super) fn decode_tree(bytes: &[u8]) -> Option<(Manifest, Vec<u32>)> {
    let mut r = bytes.strip_prefix(HEADER)?.strip_suffix(END)?;
    let sealed_ns = i128::from_le_bytes(take(&mut r, 16)?.try_into().ok()?);
    let files = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    let dirs = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    // No more entries than bytes could hold (a damaged count allocates
    // nothing).
    // (A file takes 32 + 14 + 3 bytes at least, a folder 14 + 3.)
    if files.saturating_mul(49).saturating_add(dirs.saturating_mul(17)) > r.len() {
        return None;
    }
    let mut m = Manifest {
        sealed_ns,
        files: Vec::with_capacity(files),
        dirs: Vec::with_capacity(dirs),
    };
    for i in 0..files {
        let key: [u8; 32] = take(&mut r, 32)?.try_into().ok()?;
        let stamp = Stamp::take(&mut r)?;
        let prev = if i == 0 { "" } else { m.files[i - 1].0.as_str() };
        let p = take_path(&mut r, prev)?;
        m.files.push((p, Entry { key, stamp }));
    }
    for i in 0..dirs {
        let stamp = Stamp::take(&mut r)?;
        let prev = if i == 0 { "" } else { m.dirs[i - 1].0.as_str() };
        let p = take_path(&mut r, prev)?;
        m.dirs.push((p, stamp));
    }
    let sorted = m.files.windows(2).all(|w| w[0].0 < w[1].0) && m.dirs.windows(2).all(|w| w[0].0 < w[1].0);
    if !(r.is_empty() && sorted) || m.dirs.len() >= TOP as usize {
        return None;
    }
    // Each path's own folder listed is enough: that folder's is listed in
    // turn, and so on up.
    let mut index: FxHashMap<&str, u32> = FxHashMap::with_capacity_and_hasher(m.dirs.len(), Default::default());
    for (i, (d, _)) in m.dirs.iter().enumerate() {
        index.insert(d.as_str(), i as u32);
    }
    let up: Option<Vec<u32>> = m
        .dirs
        .iter()
        .map(|(p, _)| p)
        .chain(m.files.iter().map(|(p, _)| p))
        .map(|p| match parents(p).next() {
            None => Some(TOP),
            Some(d) => index.get(d).copied(),
        })
        .collect();
    drop(index);
    Some((m, up?))
}

#[cfg(test)]
mod tests {
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
        assert_eq!(take_path(&mut r, "abc"), None);
        for v in [0, 127, 128, 1 << 35, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(take_varint(&mut &out[..]), Some(v));
        }
        assert_eq!(take_varint(&mut &[0xff; 10][..]), None);
    }
}
