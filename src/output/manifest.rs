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

mod codec;
mod lookup;
use codec::decode_tree;
pub use codec::encode;
use lookup::{Kind, Root};

pub const MANIFEST: &str = ".polydoc-manifest";

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

/// No folder above: a path right in the output folder.
pub(super) const TOP: u32 = u32::MAX;

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
