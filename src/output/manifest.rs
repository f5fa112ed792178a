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

use crate::search::fxhash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;

pub const MANIFEST: &str = ".polydoc-manifest";
/// A binary file (read and written whole by every keyed build: numbers as
/// they are in memory, no text to format or parse).
const HEADER: &[u8] = b"polydoc-manifest 3\n";
const END: &[u8] = b"\nend\n";

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

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.mtime_ns.to_le_bytes());
        out.extend_from_slice(&self.ino.to_le_bytes());
    }

    fn take(r: &mut &[u8]) -> Option<Stamp> {
        Some(Stamp {
            size: u64::from_le_bytes(take(r, 8)?.try_into().ok()?),
            mtime_ns: i128::from_le_bytes(take(r, 16)?.try_into().ok()?),
            ino: u64::from_le_bytes(take(r, 8)?.try_into().ok()?),
        })
    }
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

/// What a path of the output folder is now (not following a symbolic link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Other,
}

/// What a path is now.
type Found = (Stamp, Kind);

/// The output folder, open for looking at its paths: each relative path
/// looked up from the folder itself (`fstatat`), not from the root of the
/// file system, since the scan looks at every path a manifest names.
struct Root {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    dir: std::path::PathBuf,
}

impl Root {
    fn open(out: &Path) -> Option<Root> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let f = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
                .open(out)
                .ok()?;
            Some(Root { fd: f.into() })
        }
        #[cfg(not(unix))]
        {
            Some(Root { dir: out.to_path_buf() })
        }
    }

    /// The folder `rel` (a plain relative path), open for looking up the
    /// paths under it; `None` when it is not a folder (a symbolic link is
    /// not followed) or cannot be opened.
    fn open_dir(&self, rel: &str) -> Option<Root> {
        #[cfg(unix)]
        {
            use std::os::fd::{AsRawFd, FromRawFd};
            let c = std::ffi::CString::new(rel).ok()?;
            // Only for looking up paths from it (`O_PATH` where there is
            // one: nothing is read through it).
            #[cfg(target_os = "linux")]
            let how = libc::O_PATH;
            #[cfg(not(target_os = "linux"))]
            let how = libc::O_RDONLY;
            // SAFETY: `c` is NUL-terminated and outlives the call; a
            // descriptor it returns is owned by nothing else.
            let fd = unsafe {
                libc::openat(
                    self.fd.as_raw_fd(),
                    c.as_ptr(),
                    how | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                )
            };
            (fd >= 0).then(|| Root {
                // SAFETY: `fd` was just opened and is owned by this value alone.
                fd: unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) },
            })
        }
        #[cfg(not(unix))]
        {
            Some(Root {
                dir: self.dir.join(rel),
            })
        }
    }

    /// The stamp and kind of each of `paths` (plain relative paths), in
    /// order, looked up on two threads. Each path is looked up from the
    /// nearest folder above it that holds many of them, opened once (a
    /// page's `index.html` sits in a folder of its own, and a path looked
    /// up from the output folder costs the kernel a lookup per folder on
    /// the way: from `en-us/s0`, `a1/index.html` and `a1` cost 3 lookups,
    /// not 7). A folder that cannot be opened leaves its paths to be
    /// looked up from the output folder, as before.
    fn stat_all(&self, paths: &[&str]) -> Option<Vec<Option<Found>>> {
        /// A folder with this many of the paths right under it is opened.
        const MANY: u32 = 8;
        /// Paths looked up per task (each opens its folder once).
        const CHUNK: usize = 512;
        let mut under: FxHashMap<&str, u32> = FxHashMap::default();
        for p in paths {
            if let Some(d) = parents(p).next() {
                *under.entry(d).or_default() += 1;
            }
        }
        let mut groups: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        for (i, p) in paths.iter().enumerate() {
            let base = parents(p)
                .find(|d| under.get(d).is_some_and(|&n| n >= MANY))
                .unwrap_or("");
            groups.entry(base).or_default().push(i as u32);
        }
        let tasks: Vec<(&str, &[u32])> = groups
            .iter()
            .flat_map(|(base, ix)| ix.chunks(CHUNK).map(move |c| (*base, c)))
            .collect();
        // On threads of its own, not the thread pool: the scan runs from
        // the start of a build, and tasks handed to the pool would wait
        // until parsing leaves it idle, then hold up whatever first asks
        // whether the output holds a file.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            let mut done: Vec<(u32, Option<Found>)> = Vec::new();
            loop {
                let t = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((base, ix)) = tasks.get(t) else {
                    return done;
                };
                let sub = (!base.is_empty()).then(|| self.open_dir(base)).flatten();
                let (from, skip) = match &sub {
                    Some(s) => (s, base.len() + 1),
                    None => (self, 0),
                };
                done.extend(ix.iter().map(|&i| (i, from.stat(&paths[i as usize][skip..]))));
            }
        };
        // (A thread that failed answers for nothing: no answers at all,
        // never a path taken for gone.)
        let found: Vec<Vec<(u32, Option<Found>)>> = std::thread::scope(|s| {
            let helper = s.spawn(work);
            let mine = work();
            Some(vec![mine, helper.join().ok()?])
        })?;
        let mut out = vec![None; paths.len()];
        for (i, st) in found.into_iter().flatten() {
            out[i as usize] = st;
        }
        Some(out)
    }

    /// The stamp and kind of `rel` (a plain relative path: see `plain`).
    fn stat(&self, rel: &str) -> Option<(Stamp, Kind)> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // The path NUL-terminated, on the stack unless long.
            let mut buf = [0u8; 256];
            let long;
            let c: *const libc::c_char = if rel.len() < buf.len() {
                buf[..rel.len()].copy_from_slice(rel.as_bytes());
                buf.as_ptr().cast()
            } else {
                long = std::ffi::CString::new(rel).ok()?;
                long.as_ptr()
            };
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: `c` is a NUL-terminated path that outlives the call
            // (`plain` paths hold no NUL), `st` is written by the call when
            // it returns 0.
            let st = unsafe {
                if libc::fstatat(self.fd.as_raw_fd(), c, st.as_mut_ptr(), libc::AT_SYMLINK_NOFOLLOW) != 0 {
                    return None;
                }
                st.assume_init()
            };
            let kind = match st.st_mode & libc::S_IFMT {
                libc::S_IFREG => Kind::File,
                libc::S_IFDIR => Kind::Dir,
                _ => Kind::Other,
            };
            let stamp = Stamp {
                size: st.st_size as u64,
                mtime_ns: st.st_mtime as i128 * 1_000_000_000 + st.st_mtime_nsec as i128,
                ino: st.st_ino as u64,
            };
            Some((stamp, kind))
        }
        #[cfg(not(unix))]
        {
            let m = std::fs::symlink_metadata(self.dir.join(rel)).ok()?;
            let kind = if m.is_file() {
                Kind::File
            } else if m.is_dir() {
                Kind::Dir
            } else {
                Kind::Other
            };
            Some((Stamp::of(&m), kind))
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

pub fn encode(m: &Manifest) -> Vec<u8> {
    let paths: usize =
        m.files.iter().map(|(p, _)| p.len()).sum::<usize>() + m.dirs.iter().map(|(p, _)| p.len()).sum::<usize>();
    let mut out = Vec::with_capacity(HEADER.len() + 40 + m.files.len() * 68 + m.dirs.len() * 36 + paths + END.len());
    out.extend_from_slice(HEADER);
    out.extend_from_slice(&m.sealed_ns.to_le_bytes());
    out.extend_from_slice(&(m.files.len() as u64).to_le_bytes());
    out.extend_from_slice(&(m.dirs.len() as u64).to_le_bytes());
    for (p, e) in &m.files {
        out.extend_from_slice(&e.key);
        e.stamp.put(&mut out);
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p.as_bytes());
    }
    for (p, st) in &m.dirs {
        st.put(&mut out);
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p.as_bytes());
    }
    out.extend_from_slice(END);
    out
}

/// The manifest, or `None` when it is not one whole (cut short, or with
/// bytes after its end), names a path twice or out of order, or lists a
/// file or folder whose folder it does not list.
pub fn decode(bytes: &[u8]) -> Option<Manifest> {
    let mut r = bytes.strip_prefix(HEADER)?.strip_suffix(END)?;
    let sealed_ns = i128::from_le_bytes(take(&mut r, 16)?.try_into().ok()?);
    let files = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    let dirs = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    // No more entries than bytes could hold (a damaged count allocates
    // nothing).
    if files.saturating_mul(60).saturating_add(dirs.saturating_mul(36)) > r.len() {
        return None;
    }
    let path = |r: &mut &[u8]| -> Option<String> {
        let n = u32::from_le_bytes(take(r, 4)?.try_into().ok()?) as usize;
        let p = std::str::from_utf8(take(r, n)?).ok()?;
        plain(p).then(|| p.to_string())
    };
    let mut m = Manifest {
        sealed_ns,
        files: Vec::with_capacity(files),
        dirs: Vec::with_capacity(dirs),
    };
    for _ in 0..files {
        let key: [u8; 32] = take(&mut r, 32)?.try_into().ok()?;
        let stamp = Stamp::take(&mut r)?;
        m.files.push((path(&mut r)?, Entry { key, stamp }));
    }
    for _ in 0..dirs {
        let stamp = Stamp::take(&mut r)?;
        m.dirs.push((path(&mut r)?, stamp));
    }
    let sorted = m.files.windows(2).all(|w| w[0].0 < w[1].0) && m.dirs.windows(2).all(|w| w[0].0 < w[1].0);
    // Each path's own folder listed is enough: that folder's is listed in
    // turn, and so on up.
    let known: FxHashSet<&str> = m.dirs.iter().map(|(d, _)| d.as_str()).collect();
    let closed = m
        .files
        .iter()
        .map(|(p, _)| p)
        .chain(m.dirs.iter().map(|(p, _)| p))
        .all(|p| parents(p).next().is_none_or(|d| known.contains(d)));
    (r.is_empty() && sorted && closed).then_some(m)
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
        let m = decode(&std::fs::read(out.join(MANIFEST)).ok()?)?;
        let root = Root::open(out)?;
        let settled_before = m.sealed_ns - SETTLE_NS;
        enum Dir {
            /// As recorded, long enough before the commit.
            Settled(Stamp),
            /// Changed, or too recent: listed.
            Unsettled,
            /// Gone, or not a folder now (found in its parent's listing).
            Gone,
        }
        // Every folder and file the manifest names, looked up at once.
        let paths: Vec<&str> = m
            .dirs
            .iter()
            .map(|(d, _)| d.as_str())
            .chain(m.files.iter().map(|(p, _)| p.as_str()))
            .collect();
        let mut stats = root.stat_all(&paths)?;
        drop(paths);
        let file_stats = stats.split_off(m.dirs.len());
        let checked: Vec<Dir> = m
            .dirs
            .iter()
            .zip(stats)
            .map(|((_, recorded), st)| match st {
                Some((now, Kind::Dir)) if now == *recorded && recorded.mtime_ns < settled_before => Dir::Settled(now),
                Some((_, Kind::Dir)) => Dir::Unsettled,
                _ => Dir::Gone,
            })
            .collect();
        // A folder counts only when every folder above it does too: one
        // replaced by a symbolic link leads elsewhere, and nothing under
        // it is ours (the link itself is found in its parent's listing).
        // Sorted by path, a folder comes after the folders above it.
        let mut reachable: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(m.dirs.len(), Default::default());
        let mut prev = Previous::default();
        let mut unsettled: Vec<String> = vec![String::new()];
        for ((d, _), state) in m.dirs.iter().zip(checked) {
            if parents(d).next().is_some_and(|p| !reachable.contains(p)) {
                continue;
            }
            match state {
                Dir::Settled(st) => prev.settled.push((d.clone(), st)),
                Dir::Unsettled => unsettled.push(d.clone()),
                Dir::Gone => continue,
            }
            reachable.insert(d);
            prev.dirs.push(d.clone());
        }
        // Each file: as written (kept if the new build makes it under the
        // same key), else removed at commit unless it is gone or a folder
        // now (found in its parent's listing).
        let looked: Vec<(bool, bool)> = m
            .files
            .iter()
            .zip(file_stats)
            .map(|((rel, entry), st)| {
                if parents(rel).next().is_some_and(|p| !reachable.contains(p)) {
                    return (false, false);
                }
                match st {
                    Some((st, Kind::File)) if st == entry.stamp => (true, false),
                    Some((_, Kind::Dir)) | None => (false, false),
                    Some(_) => (false, true),
                }
            })
            .collect();
        let known_files: FxHashSet<&str> = m.files.iter().map(|(p, _)| p.as_str()).collect();
        let mut same = Vec::with_capacity(m.files.len());
        for ((rel, entry), (is_same, other)) in m.files.iter().zip(looked) {
            if is_same {
                same.push((rel.clone(), *entry, AtomicBool::new(false)));
            } else if other {
                prev.stray.push(rel.clone());
            }
        }
        prev.files = Files::new(same);
        // The folders listed, and the unknown folders found there (all of
        // whose content is stray), parents before their children.
        let known_dirs: FxHashSet<&str> = m.dirs.iter().map(|(d, _)| d.as_str()).collect();
        prev.unsettled = unsettled[1..].to_vec();
        let mut folders = unsettled;
        while let Some(dir) = folders.pop() {
            let known = dir.is_empty() || known_dirs.contains(dir.as_str());
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
                    if !(known && known_dirs.contains(rel.as_str())) {
                        prev.dirs.push(rel.clone());
                        folders.push(rel);
                    }
                } else if !(known && known_files.contains(rel.as_str())) {
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

    fn sample() -> Manifest {
        let stamp = Stamp {
            size: 12,
            mtime_ns: -5,
            ino: 9,
        };
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

    #[cfg(unix)]
    #[test]
    fn paths_looked_up_from_a_folder_opened_once_answer_as_from_the_output_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        // A folder with many page folders (opened once), and a small one.
        let mut paths = vec!["big".to_string(), "small".to_string(), "small/x.html".to_string()];
        for i in 0..20 {
            std::fs::create_dir_all(out.join(format!("big/a{i}"))).unwrap();
            std::fs::write(out.join(format!("big/a{i}/index.html")), format!("page {i}")).unwrap();
            paths.push(format!("big/a{i}"));
            paths.push(format!("big/a{i}/index.html"));
        }
        std::fs::create_dir_all(out.join("small")).unwrap();
        std::fs::write(out.join("small/x.html"), "x").unwrap();
        // Gone, a file in place of a folder, and a folder of many replaced
        // by a symbolic link to a copy of it (not followed: `Other`).
        paths.push("big/gone.html".to_string());
        std::fs::write(out.join("big/a3x"), "file").unwrap();
        paths.push("big/a3x/index.html".to_string());
        std::fs::create_dir_all(out.join("linked")).unwrap();
        for i in 0..10 {
            paths.push(format!("linked/p{i}.html"));
        }
        paths.push("linked".to_string());
        let root = Root::open(out).unwrap();
        let check = |paths: &[String]| {
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            let all = root.stat_all(&refs).unwrap();
            for (p, got) in refs.iter().zip(&all) {
                assert_eq!(*got, root.stat(p), "{p}");
            }
            all
        };
        for i in 0..10 {
            std::fs::write(out.join(format!("linked/p{i}.html")), "p").unwrap();
        }
        check(&paths);
        std::fs::rename(out.join("linked"), out.join("copy")).unwrap();
        std::os::unix::fs::symlink(out.join("copy"), out.join("linked")).unwrap();
        let all = check(&paths);
        assert_eq!(all.last().unwrap().map(|(_, k)| k), Some(Kind::Other));
        // A page edited in place, size kept: another stamp.
        let before = check(&paths);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(out.join("big/a5/index.html"), "page 9").unwrap();
        let after = check(&paths);
        let at = paths.iter().position(|p| p == "big/a5/index.html").unwrap();
        assert_ne!(before[at], after[at]);
        assert_eq!(before[at].unwrap().0.size, after[at].unwrap().0.size);
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
