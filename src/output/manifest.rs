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

use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;

pub const MANIFEST: &str = ".polydoc-manifest";
const HEADER: &str = "polydoc-manifest 2";

/// What a file looked like once written: a file replaced or edited since
/// (in place or by rename) shows another stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime_ns: i128,
    ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: meta.len(),
                mtime_ns: meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                size: meta.len(),
                mtime_ns,
                ino: 0,
            }
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

/// The key of content that carries no key of its own: its SHA-256.
pub fn content_key(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"output-bytes\0");
    h.update(bytes);
    h.finalize().into()
}

/// A path as the manifest may name it: relative, `/`-separated, no `..`.
fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
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
    /// Every file, by relative path.
    pub files: HashMap<String, Entry>,
    /// Every folder that holds them (but the output folder itself), with
    /// its stamp once the commit was done.
    pub dirs: HashMap<String, Stamp>,
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

pub fn encode(m: &Manifest) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut paths: Vec<&String> = m.files.keys().collect();
    paths.sort();
    let mut dirs: Vec<&String> = m.dirs.keys().collect();
    dirs.sort();
    let mut s = String::with_capacity(m.files.len() * 120 + m.dirs.len() * 60);
    s.push_str(HEADER);
    s.push('\n');
    let _ = writeln!(s, "sealed {}", m.sealed_ns);
    for p in paths {
        let e = &m.files[p];
        let _ = writeln!(
            s,
            "{} {} {} {} {p}",
            crate::cache::hex(&e.key),
            e.stamp.size,
            e.stamp.mtime_ns,
            e.stamp.ino
        );
    }
    for d in dirs {
        let st = &m.dirs[d];
        let _ = writeln!(s, "d {} {} {} {d}", st.size, st.mtime_ns, st.ino);
    }
    let _ = writeln!(s, "end {} {}", m.files.len(), m.dirs.len());
    s.into_bytes()
}

/// The manifest, or `None` when it is not one whole (a missing end line:
/// cut short), or lists a file whose folder it does not list.
pub fn decode(bytes: &[u8]) -> Option<Manifest> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let sealed_ns = lines.next()?.strip_prefix("sealed ")?.parse().ok()?;
    let mut m = Manifest {
        sealed_ns,
        ..Manifest::default()
    };
    let stamp = |parts: &mut std::str::SplitN<'_, char>| -> Option<Stamp> {
        Some(Stamp {
            size: parts.next()?.parse().ok()?,
            mtime_ns: parts.next()?.parse().ok()?,
            ino: parts.next()?.parse().ok()?,
        })
    };
    for line in lines {
        if let Some(n) = line.strip_prefix("end ") {
            let (files, dirs) = n.split_once(' ')?;
            let whole = files.parse::<usize>().ok()? == m.files.len() && dirs.parse::<usize>().ok()? == m.dirs.len();
            let closed = m
                .files
                .keys()
                .chain(m.dirs.keys())
                .all(|p| parents(p).all(|d| m.dirs.contains_key(d)));
            return (whole && closed).then_some(m);
        }
        if let Some(rest) = line.strip_prefix("d ") {
            let mut parts = rest.splitn(4, ' ');
            let st = stamp(&mut parts)?;
            let path = parts.next()?;
            if !plain(path) {
                return None;
            }
            m.dirs.insert(path.to_string(), st);
            continue;
        }
        let mut parts = line.splitn(5, ' ');
        let key = crate::cache::unhex(parts.next()?)?;
        let st = stamp(&mut parts)?;
        let path = parts.next()?;
        if !plain(path) {
            return None;
        }
        m.files.insert(path.to_string(), Entry { key, stamp: st });
    }
    None
}

/// The stamp of what `path` is (not following a symbolic link), if it is
/// a folder.
fn dir_stamp(path: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| Stamp::of(&m))
}

/// Stamps the folders of `out` named in `dirs` as they are now (those gone
/// or no longer folders are left out: the next scan lists their parents).
pub fn stamp_dirs<'a>(out: &Path, dirs: impl rayon::iter::ParallelIterator<Item = &'a str>) -> HashMap<String, Stamp> {
    use rayon::prelude::*;
    dirs.filter_map(|d| Some((d.to_string(), dir_stamp(&out.join(d))?)))
        .collect()
}

/// The output folder as the previous keyed build left it, checked file by
/// file against its manifest.
#[derive(Default)]
pub struct Previous {
    /// Files as the manifest says, by relative path, each with whether
    /// the new build keeps it (`Staging::keep`).
    pub files: HashMap<String, (Entry, AtomicBool)>,
    /// Everything else found in the folder (relative paths): files
    /// unknown or changed since, symbolic links.
    pub stray: Vec<String>,
    /// The folders found (parents before their children): those left empty
    /// at commit are removed.
    pub dirs: Vec<String>,
    /// The folders that held nothing.
    pub empty_dirs: Vec<String>,
    /// The folders whose stamp is as the manifest says (their entries are
    /// the ones it lists): the stamp the next manifest keeps for those the
    /// commit does not change.
    pub settled: HashMap<String, Stamp>,
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
        use rayon::prelude::*;
        if !out.join(super::MARKER).is_file() {
            return None;
        }
        let m = decode(&std::fs::read(out.join(MANIFEST)).ok()?)?;
        let settled_before = m.sealed_ns - SETTLE_NS;
        enum Dir {
            /// As recorded, long enough before the commit.
            Settled(Stamp),
            /// Changed, or too recent: listed.
            Unsettled,
            /// Gone, or not a folder now (found in its parent's listing).
            Gone,
        }
        let checked: Vec<(&String, Dir)> = m
            .dirs
            .par_iter()
            .map(|(d, recorded)| {
                let state = match dir_stamp(&out.join(d)) {
                    Some(now) if now == *recorded && recorded.mtime_ns < settled_before => Dir::Settled(now),
                    Some(_) => Dir::Unsettled,
                    None => Dir::Gone,
                };
                (d, state)
            })
            .collect();
        // A folder counts only when every folder above it does too: one
        // replaced by a symbolic link leads elsewhere, and nothing under
        // it is ours (the link itself is found in its parent's listing).
        let mut checked: Vec<(&String, Dir)> = checked;
        checked.sort_by_key(|(d, _)| d.matches('/').count());
        let mut reachable: HashSet<&str> = HashSet::with_capacity(checked.len());
        let mut prev = Previous::default();
        let mut unsettled: Vec<String> = vec![String::new()];
        for (d, state) in checked {
            if parents(d).next().is_some_and(|p| !reachable.contains(p)) {
                continue;
            }
            match state {
                Dir::Settled(st) => {
                    prev.settled.insert(d.clone(), st);
                }
                Dir::Unsettled => unsettled.push(d.clone()),
                Dir::Gone => continue,
            }
            reachable.insert(d);
            prev.dirs.push(d.clone());
        }
        let (same, changed): (Vec<_>, Vec<_>) = m
            .files
            .par_iter()
            .filter(|(rel, _)| parents(rel).next().is_none_or(|p| reachable.contains(p)))
            .map(|(rel, entry)| {
                let meta = std::fs::symlink_metadata(out.join(rel)).ok();
                let same = meta
                    .as_ref()
                    .is_some_and(|m| m.is_file() && Stamp::of(m) == entry.stamp);
                // Not the file written: removed at commit, unless it is
                // gone or a folder now (found in its parent's listing).
                (rel, *entry, same, meta.is_some_and(|m| !m.is_dir()))
            })
            .partition(|(_, _, same, _)| *same);
        prev.files = same
            .into_iter()
            .map(|(rel, e, _, _)| (rel.clone(), (e, AtomicBool::new(false))))
            .collect();
        prev.stray = changed
            .into_iter()
            .filter(|(_, _, _, other)| *other)
            .map(|(rel, _, _, _)| rel.clone())
            .collect();
        // The folders listed, and the unknown folders found there (all of
        // whose content is stray), parents before their children.
        prev.unsettled = unsettled[1..].to_vec();
        let mut folders = unsettled;
        while let Some(dir) = folders.pop() {
            let known = dir.is_empty() || m.dirs.contains_key(&dir);
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
                    if !(known && m.dirs.contains_key(&rel)) {
                        prev.dirs.push(rel.clone());
                        folders.push(rel);
                    }
                } else if !(known && m.files.contains_key(&rel)) {
                    prev.stray.push(rel);
                }
            }
            if empty && !dir.is_empty() {
                prev.empty_dirs.push(dir);
            }
        }
        Some(prev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_a_cut_or_hostile_one_is_refused() {
        let stamp = Stamp {
            size: 12,
            mtime_ns: -5,
            ino: 9,
        };
        let mut m = Manifest {
            sealed_ns: 77,
            ..Manifest::default()
        };
        m.files
            .insert("en-us/a b/index.html".to_string(), Entry { key: [3; 32], stamp });
        m.files.insert("sitemap.xml".to_string(), Entry { key: [4; 32], stamp });
        m.dirs.insert("en-us".to_string(), stamp);
        m.dirs.insert("en-us/a b".to_string(), stamp);
        let bytes = encode(&m);
        assert_eq!(decode(&bytes).as_ref(), Some(&m));
        let text = String::from_utf8(bytes).unwrap();
        let cut = text.rsplit_once("end ").unwrap().0;
        assert_eq!(decode(cut.as_bytes()), None);
        let hostile = text.replace("sitemap.xml", "../sitemap.xml");
        assert_eq!(decode(hostile.as_bytes()), None);
        // A file whose folder is not listed: the folder's stamp could not
        // say what else is in it.
        let open = text.replace("d 12 -5 9 en-us/a b\n", "").replace("end 2 2", "end 2 1");
        assert_eq!(decode(open.as_bytes()), None);
    }
}
