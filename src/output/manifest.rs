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

use std::path::Path;
use std::sync::atomic::AtomicBool;

mod codec;
mod lookup;
use codec::{decode_tree, Tree};
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

/// How far before its commit began a keyed commit sets the modification
/// time of each folder it changed (`backdate_dirs`): any later change of
/// the folder (a file added, removed or renamed) stamps the time of that
/// change, never this one, so the next build trusts the folder's recorded
/// stamp without listing it, though the commit changed it a moment ago
/// (the folder of the search index's cards, 10,000 entries, was listed by
/// every build after an edit). Far enough back for a file system whose
/// clock ticks in seconds (FAT: two).
const BACKDATE_NS: i128 = 10 * NS;

/// Sets the modification time of each of `dirs` (folders of `out`, that
/// this commit changed) to `BACKDATE_NS` before `sealed_ns`; one that
/// cannot be set is left as it is (its stamp is then too recent and the
/// next build lists it, as before).
pub fn backdate_dirs<'a>(out: &Path, dirs: impl rayon::iter::ParallelIterator<Item = &'a str>, sealed_ns: i128) {
    let Some(root) = Root::open(out) else {
        return;
    };
    dirs.for_each(|d| {
        root.set_dir_mtime(d, sealed_ns - BACKDATE_NS);
    });
}

/// What a keyed build's commit leaves in the manifest (as `codec::write`
/// writes it).
#[cfg(test)]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: Vec<(String, Entry)>,
    pub dirs: Vec<(String, Stamp)>,
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
pub fn merge<K: Ord, T>(
    a: impl IntoIterator<Item = (K, T)>,
    b: impl IntoIterator<Item = (K, T)>,
) -> impl Iterator<Item = (K, T)> {
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some((p, _)), Some((q, _))) => match q.cmp(p) {
            std::cmp::Ordering::Less => b.next(),
            std::cmp::Ordering::Equal => {
                a.next();
                b.next()
            }
            std::cmp::Ordering::Greater => a.next(),
        },
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

/// Where an entry of the next manifest comes from: the previous one's, as
/// it is there (by its number there: `Files::kept`, `Files::settled`), or
/// this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src<T> {
    Old(usize),
    New(T),
}

/// Writes the manifest file `path` (see `codec::write`), the entries
/// `Src::Old` names read from `old`'s.
pub fn write<S: AsRef<str>>(
    path: &Path,
    sealed_ns: i128,
    old: Option<&Files>,
    files: impl IntoIterator<Item = (S, Src<Entry>)>,
    dirs: impl IntoIterator<Item = (S, Src<Stamp>)>,
) -> std::io::Result<()> {
    let none = Tree::default();
    let old = old.map_or(&none, |f| &f.tree);
    codec::write(std::fs::File::create(path)?, sealed_ns, old, files, dirs)
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

/// The previous build's files and folders as its manifest names them,
/// and which of them are as it left them: a file as written is found by
/// path through a table of their paths' hashes, with whether the new
/// build keeps it (`Staging::keep`).
#[derive(Default)]
pub struct Files {
    tree: Tree,
    /// What the scan found of each folder of the manifest, then of each
    /// file (as `Tree::path` numbers them): `GONE`, `LISTED` or
    /// `SETTLED`; `GONE`, `STRAY` or `SAME`.
    found: Vec<u8>,
    /// The files as written, sorted by path: what `get` needs of each in
    /// one place (a lookup for every page of a build, from many threads:
    /// one record read after the table, then the path).
    same: Vec<Same>,
    /// By path hash (its top bits), the index of a file in `same`, plus
    /// one (0: none), the next free slot on a collision; twice as many
    /// slots as files, so there is always a free one.
    table: Vec<u32>,
    /// How many top bits of a hash index `table`.
    bits: u32,
}

struct Same {
    /// Where its path is in the tree's names.
    start: u32,
    end: u32,
    /// Its index among the manifest's files.
    f: u32,
    /// Whether the new build keeps it.
    kept: AtomicBool,
    key: [u8; 32],
}

/// Not found (or under a folder not found): not ours to keep.
const GONE: u8 = 0;
/// A folder found, its stamp changed or too recent: listed, stamped again.
const LISTED: u8 = 1;
/// A folder found as recorded: its entries are the ones the manifest lists.
const SETTLED: u8 = 2;
/// A file as written.
const SAME: u8 = 3;
/// A file changed, or not a file now (a symbolic link).
const STRAY: u8 = 4;

fn path_hash(p: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<crate::search::fxhash::FxHasher>::default().hash_one(p)
}

impl Files {
    fn new(tree: Tree, found: Vec<u8>) -> Files {
        let same: Vec<Same> = found[tree.dirs..]
            .iter()
            .enumerate()
            .filter(|(_, &s)| s == SAME)
            .map(|(f, _)| {
                let span = tree.file_span(f);
                Same {
                    start: span.start as u32,
                    end: span.end as u32,
                    f: f as u32,
                    kept: AtomicBool::new(false),
                    key: *tree.key(f),
                }
            })
            .collect();
        let bits = (same.len() * 2).max(2).next_power_of_two().trailing_zeros();
        let mut table = vec![0u32; 1 << bits];
        for (i, s) in same.iter().enumerate() {
            let mut at = Files::slot(&tree.names()[s.start as usize..s.end as usize], bits);
            while table[at] != 0 {
                at = (at + 1) & (table.len() - 1);
            }
            table[at] = i as u32 + 1;
        }
        Files {
            tree,
            found,
            same,
            table,
            bits,
        }
    }

    /// Where `table` holds `path`, or the first slot after it that does.
    fn slot(path: &str, bits: u32) -> usize {
        (path_hash(path) >> (64 - bits)) as usize
    }

    /// The key of `path` (a file as written), and whether it is kept.
    pub fn get(&self, path: &str) -> Option<(&[u8; 32], &AtomicBool)> {
        if self.table.is_empty() {
            return None;
        }
        let names = self.tree.names();
        let mut at = Files::slot(path, self.bits);
        loop {
            let s = &self.same[self.table[at].checked_sub(1)? as usize];
            if names.as_bytes().get(s.start as usize..s.end as usize) == Some(path.as_bytes()) {
                return Some((&s.key, &s.kept));
            }
            at = (at + 1) & (self.table.len() - 1);
        }
    }

    /// The files as written that the new build keeps, sorted by path, each
    /// with its entry as the manifest has it.
    pub fn kept(&self) -> impl Iterator<Item = (&str, Src<Entry>)> {
        self.same(true).map(|f| (self.tree.file(f), Src::Old(f)))
    }

    /// The files as written that the new build does not keep.
    pub fn not_kept(&self) -> impl Iterator<Item = &str> {
        self.same(false).map(|f| self.tree.file(f))
    }

    /// The files as written, kept (or not), by index.
    fn same(&self, kept: bool) -> impl Iterator<Item = usize> + '_ {
        self.same
            .iter()
            .filter(move |s| s.kept.load(std::sync::atomic::Ordering::Relaxed) == kept)
            .map(|s| s.f as usize)
    }

    /// The folders the manifest names that were found.
    pub fn found_dirs(&self) -> impl Iterator<Item = &str> {
        (0..self.tree.dirs)
            .filter(|&d| self.found[d] != GONE)
            .map(|d| self.tree.dir(d))
    }

    /// The folders whose stamp is as the manifest says (their entries are
    /// the ones it lists), sorted by path, with it: the stamp the next
    /// manifest keeps for those the commit does not change.
    pub fn settled(&self) -> impl Iterator<Item = (&str, Src<Stamp>)> {
        (0..self.tree.dirs)
            .filter(|&d| self.found[d] == SETTLED)
            .map(|d| (self.tree.dir(d), Src::Old(self.tree.files + d)))
    }
}

/// The output folder as the previous keyed build left it, checked file by
/// file against its manifest.
#[derive(Default)]
pub struct Previous {
    /// What the manifest names, and what of it is as it says.
    pub files: Files,
    /// Everything else found in the folder (relative paths): files
    /// unknown or changed since, symbolic links.
    pub stray: Vec<String>,
    /// The folders found that the manifest does not name (parents before
    /// their children): those left empty at commit are removed (as are
    /// those of `Files::found_dirs`).
    pub dirs: Vec<String>,
    /// The folders that held nothing.
    pub empty_dirs: Vec<String>,
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
        let t = decode_tree(std::fs::read(out.join(MANIFEST)).ok()?)?;
        let root = Root::open(out)?;
        let settled_before = t.sealed_ns - SETTLE_NS;
        let nd = t.dirs;
        // Every folder and file the manifest names, looked up at once,
        // each answered by a byte: a folder `SETTLED` (as recorded, long
        // enough before the commit), `LISTED` (changed, or too recent) or
        // `GONE` (gone, or not a folder now: found in its parent's
        // listing); a file `SAME` (as written), `STRAY` (changed, or not a
        // file now) or `GONE` (gone, or a folder now: found in its
        // parent's listing).
        let judge = |i: usize, now: Option<(Stamp, Kind)>| match (i.checked_sub(nd), now) {
            (None, Some((now, Kind::Dir))) => {
                let recorded = t.dir_stamp(i);
                if now == recorded && recorded.mtime_ns() < settled_before {
                    SETTLED
                } else {
                    LISTED
                }
            }
            (Some(f), Some((now, Kind::File))) if now == t.entry(f).stamp => SAME,
            (Some(_), Some((_, Kind::File | Kind::Other))) => STRAY,
            _ => GONE,
        };
        let mut found = root.stat_all(&|i| t.path(i), &t.up, nd, &judge)?;
        let (dirs, files) = found.split_at_mut(nd);
        let (dir_up, file_up) = t.up.split_at(nd);
        // A folder counts only when every folder above it does too: one
        // replaced by a symbolic link leads elsewhere, and nothing under
        // it is ours (the link itself is found in its parent's listing).
        // A folder comes after the folders above it.
        let mut prev = Previous::default();
        let mut unsettled: Vec<String> = vec![String::new()];
        for (d, &above) in dir_up.iter().enumerate() {
            if above != TOP && dirs[above as usize] == GONE {
                dirs[d] = GONE;
            } else if dirs[d] == LISTED {
                unsettled.push(t.dir(d).to_string());
            }
        }
        // Each file: as written (kept if the new build makes it under the
        // same key), else removed at commit unless it is gone or a folder
        // now (found in its parent's listing).
        for (f, &above) in file_up.iter().enumerate() {
            if above != TOP && dirs[above as usize] == GONE {
                files[f] = GONE;
            } else if files[f] == STRAY {
                prev.stray.push(t.file(f).to_string());
            }
        }
        // The folders listed, and the unknown folders found there (all of
        // whose content is stray), parents before their children. Few
        // entries are listed: the manifest's sorted lists say what it
        // names.
        prev.unsettled = unsettled[1..].to_vec();
        let mut folders = unsettled;
        let mut rel = String::new();
        while let Some(dir) = folders.pop() {
            let known = dir.is_empty() || t.find_dir(&dir).is_some();
            // The files the manifest names under it, next to one another
            // (a folder listed may hold 10,000: each looked for among them).
            let named = if !known {
                0..0
            } else if dir.is_empty() {
                0..t.files
            } else {
                t.files_under(&format!("{dir}/"))
            };
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
                rel.clear();
                if dir.is_empty() {
                    if name == super::MARKER || name == MANIFEST {
                        continue;
                    }
                } else {
                    rel.push_str(&dir);
                    rel.push('/');
                }
                rel.push_str(&name);
                let ty = e.file_type().ok()?;
                if ty.is_dir() {
                    // A folder the manifest names is checked on its own.
                    if !(known && t.find_dir(&rel).is_some()) {
                        prev.dirs.push(rel.clone());
                        folders.push(rel.clone());
                    }
                } else if t.find_file(named.clone(), &rel).is_none() {
                    prev.stray.push(rel.clone());
                }
            }
            if empty && !dir.is_empty() {
                prev.empty_dirs.push(dir);
            }
        }
        prev.files = Files::new(t, found);
        Some(prev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_as_written_is_found_by_its_path_and_no_other_is() {
        let stamp = Stamp::new(1, 2, 3).unwrap();
        let n = 3000u32;
        let key = |i: u32| {
            let mut k = [0u8; 32];
            k[..4].copy_from_slice(&i.to_le_bytes());
            k
        };
        let m = Manifest {
            sealed_ns: 0,
            files: (0..n)
                .map(|i| (format!("d/p{i:05}"), Entry { key: key(i), stamp }))
                .collect(),
            dirs: vec![("d".to_string(), stamp)],
        };
        let tree = decode_tree(codec::encode(&m)).unwrap();
        // Every third changed since (stray), the rest as written.
        let found = std::iter::once(SETTLED)
            .chain((0..n).map(|i| if i % 3 == 0 { STRAY } else { SAME }))
            .collect();
        let files = Files::new(tree, found);
        for i in 0..n {
            let got = files.get(&format!("d/p{i:05}"));
            assert_eq!(got.map(|(k, _)| *k), (i % 3 != 0).then(|| key(i)), "{i}");
        }
        for other in ["d/p", "d/p000010", "d", "", "d/p00001/x"] {
            assert!(files.get(other).is_none(), "{other}");
        }
        // Kept as the new build says.
        files
            .get("d/p00002")
            .unwrap()
            .1
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let kept: Vec<(&str, Src<Entry>)> = files.kept().collect();
        assert_eq!(kept, vec![("d/p00002", Src::Old(2))]);
        assert_eq!(files.tree.entry(2), Entry { key: key(2), stamp });
        assert_eq!(files.not_kept().count(), 1999);
        assert!(files.not_kept().all(|p| p != "d/p00002" && p != "d/p00003"));
        assert!(Files::default().get("d/p00002").is_none());
    }

    #[test]
    fn merge_keeps_order_and_the_second_list_wins() {
        let a = vec![("a".to_string(), 1), ("c".to_string(), 1), ("e".to_string(), 1)];
        let b = vec![("b".to_string(), 2), ("c".to_string(), 2), ("f".to_string(), 2)];
        let m: Vec<(String, i32)> = merge(a, b).collect();
        let want: Vec<(String, i32)> = [("a", 1), ("b", 2), ("c", 2), ("e", 1), ("f", 2)]
            .iter()
            .map(|(p, v)| (p.to_string(), *v))
            .collect();
        assert_eq!(m, want);
    }
}
