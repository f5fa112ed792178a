//! The manifest a keyed build (`--cache`) leaves in its output folder
//! (`.polydoc-manifest`, beside the marker): every file it wrote, with the
//! key of its content and what the file looked like on disk once written
//! (size, modification time, inode). The next keyed build into the same
//! folder checks the folder against it (`Previous::scan`): a file still as
//! it was and made under the same key again is neither rendered from the
//! cache nor written; anything else in the folder (a file changed or added
//! by hand, a folder left empty) is removed at commit.
//!
//! The manifest holds relative paths and hashes only: nothing of the build
//! machine, nothing of the diagnostics.

use crate::search::fxhash::FxHashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

mod lookup;
use lookup::{Kind, Root};

pub const MANIFEST: &str = ".polydoc-manifest";
/// A binary file (read and written whole by every keyed build: no text to
/// format or parse). Each path is written as the length it shares with the
/// path before it and the rest (sorted paths share most of theirs: a
/// page's `index.html` after its neighbour's), sizes and inodes as
/// variable-length numbers: about half the bytes of whole paths and fixed
/// widths.
const HEADER: &[u8] = b"polydoc-manifest 4\n";
const END: &[u8] = b"\nend\n";

/// What a file looked like once written: a file replaced or edited since
/// (in place or by rename) shows another stamp. (The modification time in
/// seconds and nanoseconds apart: 32 bytes, where one `i128` of
/// nanoseconds made it 48.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime_s: i64,
    ino: u64,
    mtime_nsec: u32,
}

const NS: i128 = 1_000_000_000;

impl Stamp {
    /// From a modification time in nanoseconds since the epoch; `None`
    /// past what seconds in an `i64` hold.
    #[cfg(test)]
    fn new(size: u64, mtime_ns: i128, ino: u64) -> Option<Stamp> {
        Some(Stamp {
            size,
            mtime_s: i64::try_from(mtime_ns.div_euclid(NS)).ok()?,
            ino,
            mtime_nsec: mtime_ns.rem_euclid(NS) as u32,
        })
    }

    /// From a `stat`'s fields (nanoseconds below a second).
    pub(super) fn from_parts(size: u64, mtime_s: i64, mtime_nsec: i64, ino: u64) -> Stamp {
        let carry = mtime_nsec.div_euclid(NS as i64);
        Stamp {
            size,
            mtime_s: mtime_s.saturating_add(carry),
            ino,
            mtime_nsec: mtime_nsec.rem_euclid(NS as i64) as u32,
        }
    }

    fn mtime_ns(&self) -> i128 {
        self.mtime_s as i128 * NS + self.mtime_nsec as i128
    }

    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp::from_parts(meta.len(), meta.mtime(), meta.mtime_nsec(), meta.ino())
        }
        #[cfg(not(unix))]
        {
            let d = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            Stamp::from_parts(meta.len(), d.as_secs() as i64, d.subsec_nanos() as i64, 0)
        }
    }

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

/// One file of the output: the key its content was made under, and its
/// stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: [u8; 32],
    pub stamp: Stamp,
}

/// The key of content that carries no key of its own: a hash of its bytes
/// (as the cache's keys are made: `cache::key::Fp`).
pub fn content_key(bytes: &[u8]) -> [u8; 32] {
    let mut f = crate::cache::key::Fp::new("output-bytes");
    f.bytes(bytes);
    f.finish()
}

/// A path as the manifest may name it: relative, `/`-separated, no `..`.
fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains(['\\', '\0'])
        && rel.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// A folder's stamp is trusted (its entries taken to be the ones the
/// manifest lists, without listing it) only when it was last changed
/// this long before the commit that recorded it began: a change after the
/// stamp was read, within the same tick of the file system's clock, would
/// leave the same modification time.
const SETTLE_NS: i128 = 100_000_000;

/// What a keyed build's commit leaves in the manifest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every file, sorted by relative path (each once).
    pub files: Vec<(String, Entry)>,
    /// Every folder that holds them (but the output folder itself), with
    /// its stamp once the commit was done, sorted by path.
    pub dirs: Vec<(String, Stamp)>,
    /// When the commit began (ns since the epoch): a folder changed at or
    /// after it (less `SETTLE_NS`) is listed again by the next scan.
    pub sealed_ns: i128,
}

pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The folders above `rel`, nearest first (not the output folder).
pub fn parents(rel: &str) -> impl Iterator<Item = &str> {
    let mut rest = rel;
    std::iter::from_fn(move || {
        let (dir, _) = rest.rsplit_once('/')?;
        rest = dir;
        Some(dir)
    })
}

/// Sorted by path, each path once: `a` with `b`'s entries added (`b`'s
/// winning where both have a path). Both must be sorted.
pub fn merge<T>(a: Vec<(String, T)>, b: Vec<(String, T)>) -> Vec<(String, T)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for (p, v) in a {
        while b.peek().is_some_and(|(q, _)| *q < p) {
            out.extend(b.next());
        }
        if b.peek().is_some_and(|(q, _)| *q == p) {
            out.extend(b.next());
        } else {
            out.push((p, v));
        }
    }
    out.extend(b);
    out
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

/// No folder above: a path right in the output folder.
pub(super) const TOP: u32 = u32::MAX;

/// The manifest (as `decode`), and the folder of each path it names:
/// folders first, then files, each by its index in `Manifest::dirs` (`TOP`
/// for one in the output folder itself). A folder comes after the folders
/// above it (sorted by path, a prefix sorts first).
fn decode_tree(bytes: &[u8]) -> Option<(Manifest, Vec<u32>)> {
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

/// Stamps the folders of `out` named in `dirs` as they are now (those gone
/// or no longer folders are left out: the next scan lists their parents),
/// sorted by path, each once (`dirs` may name one twice).
pub fn stamp_dirs<'a>(out: &Path, dirs: impl rayon::iter::ParallelIterator<Item = &'a str>) -> Vec<(String, Stamp)> {
    use rayon::prelude::*;
    let Some(root) = Root::open(out) else {
        return Vec::new();
    };
    let mut stamped: Vec<(String, Stamp)> = dirs
        .filter_map(|d| match root.stat(d)? {
            (st, Kind::Dir) => Some((d.to_string(), st)),
            _ => None,
        })
        .collect();
    stamped.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    stamped.dedup_by(|a, b| a.0 == b.0);
    stamped
}

/// The previous build's files that are as it left them: sorted by path,
/// each with whether the new build keeps it (`Staging::keep`), found by
/// path through a table of their paths' hashes.
#[derive(Default)]
pub struct Files {
    list: Vec<(String, Entry, AtomicBool)>,
    /// Path hash -> index in `list` (a path whose hash another took is not
    /// found: written again, never wrongly kept).
    by_hash: FxHashMap<u64, u32>,
}

fn path_hash(p: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<crate::search::fxhash::FxHasher>::default().hash_one(p)
}

impl Files {
    fn new(list: Vec<(String, Entry, AtomicBool)>) -> Files {
        let mut by_hash = FxHashMap::with_capacity_and_hasher(list.len(), Default::default());
        for (i, (p, _, _)) in list.iter().enumerate() {
            by_hash.entry(path_hash(p)).or_insert(i as u32);
        }
        Files { list, by_hash }
    }

    /// The entry of `path`, and whether it is kept.
    pub fn get(&self, path: &str) -> Option<(&Entry, &AtomicBool)> {
        let i = *self.by_hash.get(&path_hash(path))? as usize;
        let (p, e, kept) = &self.list[i];
        (p == path).then_some((e, kept))
    }

    /// How many files are as the manifest says.
    pub fn count(&self) -> usize {
        self.list.len()
    }

    /// Every file, sorted by path: (path, entry, kept).
    pub fn into_sorted(self) -> impl Iterator<Item = (String, Entry, bool)> {
        self.list.into_iter().map(|(p, e, k)| (p, e, k.into_inner()))
    }
}

/// The output folder as the previous keyed build left it, checked file by
/// file against its manifest.
#[derive(Default)]
pub struct Previous {
    /// Files as the manifest says.
    pub files: Files,
    /// Everything else found in the folder (relative paths): files
    /// unknown or changed since, symbolic links.
    pub stray: Vec<String>,
    /// The folders found (parents before their children): those left empty
    /// at commit are removed.
    pub dirs: Vec<String>,
    /// The folders that held nothing.
    pub empty_dirs: Vec<String>,
    /// The folders whose stamp is as the manifest says (their entries are
    /// the ones it lists), sorted by path: the stamp the next manifest
    /// keeps for those the commit does not change.
    pub settled: Vec<(String, Stamp)>,
    /// The folders the manifest names that were listed (stamp changed or
    /// too recent): stamped again by the commit.
    pub unsettled: Vec<String>,
}

impl Previous {
    /// Reads `out`'s manifest and checks the folder against it. `None`
    /// when the folder is not a keyed build's output (no marker, or no
    /// whole manifest): it is then written in full.
    ///
    /// Without listing the folder: each file the manifest names is
    /// stat-ed (a file changed since shows another size, time or inode),
    /// and each folder too; only a folder whose stamp changed (an entry
    /// added, removed or renamed there) or is too recent to trust is
    /// listed, to find what else is in it. The output folder itself holds
    /// the manifest the last commit replaced: it is always listed.
    pub fn scan(out: &Path) -> Option<Previous> {
        if !out.join(super::MARKER).is_file() {
            return None;
        }
        let (m, up) = decode_tree(&std::fs::read(out.join(MANIFEST)).ok()?)?;
        let root = Root::open(out)?;
        let settled_before = m.sealed_ns - SETTLE_NS;
        // Every folder and file the manifest names, looked up at once.
        let paths: Vec<&str> = m
            .dirs
            .iter()
            .map(|(d, _)| d.as_str())
            .chain(m.files.iter().map(|(p, _)| p.as_str()))
            .collect();
        let stats = root.stat_all(&paths, &up, m.dirs.len())?;
        drop(paths);
        let nd = m.dirs.len();
        let (dir_up, file_up) = up.split_at(nd);
        // A folder counts only when every folder above it does too: one
        // replaced by a symbolic link leads elsewhere, and nothing under
        // it is ours (the link itself is found in its parent's listing).
        // A folder comes after the folders above it.
        let mut reachable = vec![false; m.dirs.len()];
        let mut prev = Previous {
            dirs: Vec::with_capacity(m.dirs.len()),
            ..Previous::default()
        };
        let mut unsettled: Vec<String> = vec![String::new()];
        for (i, ((d, recorded), &above)) in m.dirs.iter().zip(dir_up).enumerate() {
            if above != TOP && !reachable[above as usize] {
                continue;
            }
            match stats.get(i) {
                // As recorded, long enough before the commit.
                Some((now, Kind::Dir)) if now == *recorded && recorded.mtime_ns() < settled_before => {
                    prev.settled.push((d.clone(), now))
                }
                // Changed, or too recent: listed.
                Some((_, Kind::Dir)) => unsettled.push(d.clone()),
                // Gone, or not a folder now (found in its parent's listing).
                _ => continue,
            }
            reachable[i] = true;
            prev.dirs.push(d.clone());
        }
        // Each file: as written (kept if the new build makes it under the
        // same key), else removed at commit unless it is gone or a folder
        // now (found in its parent's listing).
        let same: Vec<bool> = m
            .files
            .iter()
            .zip(file_up)
            .enumerate()
            .map(|(f, ((rel, entry), &above))| {
                if above != TOP && !reachable[above as usize] {
                    return false;
                }
                match stats.get(nd + f) {
                    Some((st, Kind::File)) if st == entry.stamp => true,
                    Some((_, Kind::Dir)) | None => false,
                    Some(_) => {
                        prev.stray.push(rel.clone());
                        false
                    }
                }
            })
            .collect();
        drop(stats);
        // The folders listed, and the unknown folders found there (all of
        // whose content is stray), parents before their children. Few
        // entries are listed: the manifest's sorted lists say what it
        // names.
        let known_dir = |rel: &str| m.dirs.binary_search_by(|(d, _)| d.as_str().cmp(rel)).is_ok();
        let known_file = |rel: &str| m.files.binary_search_by(|(p, _)| p.as_str().cmp(rel)).is_ok();
        prev.unsettled = unsettled[1..].to_vec();
        let mut folders = unsettled;
        while let Some(dir) = folders.pop() {
            let known = dir.is_empty() || known_dir(&dir);
            let abs = if dir.is_empty() {
                out.to_path_buf()
            } else {
                out.join(&dir)
            };
            let mut empty = true;
            for e in std::fs::read_dir(&abs).ok()? {
                let e = e.ok()?;
                empty = false;
                let name = e.file_name();
                let name = name.to_string_lossy();
                let rel = if dir.is_empty() {
                    if name == super::MARKER || name == MANIFEST {
                        continue;
                    }
                    name.into_owned()
                } else {
                    format!("{dir}/{name}")
                };
                let ty = e.file_type().ok()?;
                if ty.is_dir() {
                    // A folder the manifest names is checked on its own.
                    if !(known && known_dir(&rel)) {
                        prev.dirs.push(rel.clone());
                        folders.push(rel);
                    }
                } else if !(known && known_file(&rel)) {
                    prev.stray.push(rel);
                }
            }
            if empty && !dir.is_empty() {
                prev.empty_dirs.push(dir);
            }
        }
        let kept = same.iter().filter(|&&s| s).count();
        let mut list = Vec::with_capacity(kept);
        for ((rel, entry), is_same) in m.files.into_iter().zip(same) {
            if is_same {
                list.push((rel, entry, AtomicBool::new(false)));
            }
        }
        prev.files = Files::new(list);
        Some(prev)
    }
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

    #[test]
    fn merge_keeps_order_and_the_second_list_wins() {
        let a = vec![("a".to_string(), 1), ("c".to_string(), 1), ("e".to_string(), 1)];
        let b = vec![("b".to_string(), 2), ("c".to_string(), 2), ("f".to_string(), 2)];
        let m: Vec<(String, i32)> = merge(a, b);
        let want: Vec<(String, i32)> = [("a", 1), ("b", 2), ("c", 2), ("e", 1), ("f", 2)]
            .iter()
            .map(|(p, v)| (p.to_string(), *v))
            .collect();
        assert_eq!(m, want);
    }
}
