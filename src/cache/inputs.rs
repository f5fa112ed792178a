//! Listing the site's files that are not articles (`key::inputs`) without
//! reading every folder again: the articles' folders hold thousands of
//! entries, and reading them was most of the cost of keying a warm build.
//!
//! A record beside the entries (`site-inputs`) keeps, for each folder the
//! last build listed, its stamp (modification and status change times,
//! inode, device), the articles it held (a sum of their names' hashes and
//! their count) and its other entries (files, links, folders) by name. A
//! folder whose stamp is as recorded (an entry added, removed or renamed
//! there changes it), not too recent to trust (changed less than a second
//! before the build that listed it: `racy`), and whose articles are the
//! same is taken from the record; any other is listed. Each file found is
//! read and hashed on every build either way (`key::inputs`), and whether
//! a folder holds polydoc's output marker is asked every time.

use super::Cache;
use crate::search::fxhash::FxHashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The named file beside the entries.
const RECORD: &str = "site-inputs";
const MAGIC: &[u8; 8] = b"pdinpt01";

/// What a folder's entry is, as the walk treats it (links not followed).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    File,
    Link,
    Dir,
}

/// A folder's stamp: what changes when an entry is added, removed or
/// renamed there.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
    dev: u64,
}

#[cfg(unix)]
fn stamp(p: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(p).ok()?;
    Some(Stamp {
        mtime_ns: m.mtime().saturating_mul(1_000_000_000).saturating_add(m.mtime_nsec()),
        ctime_ns: m.ctime().saturating_mul(1_000_000_000).saturating_add(m.ctime_nsec()),
        ino: m.ino(),
        dev: m.dev(),
    })
}

#[cfg(not(unix))]
fn stamp(_: &Path) -> Option<Stamp> {
    None
}

/// Whether a folder with stamp `s` may have changed in the same instant as
/// the build that began at `started_ns` listed it.
fn racy(s: &Stamp, started_ns: i64) -> bool {
    s.ctime_ns >= started_ns.saturating_sub(1_000_000_000)
}

/// The articles of one folder: the sum of their names' hashes (any order)
/// and their count.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct Held(u128, u64);

impl Held {
    fn add(&mut self, name: &[u8]) {
        self.0 = self.0.wrapping_add(xxhash_rust::xxh3::xxh3_128(name));
        self.1 += 1;
    }
}

/// The articles found, by real folder: their names and `Held`.
#[derive(Default)]
pub struct Articles<'a> {
    dirs: FxHashMap<PathBuf, (Held, Vec<&'a str>)>,
}

impl<'a> Articles<'a> {
    /// From the articles found (`(locale, path in the locale)`) and each
    /// locale's folder (real path).
    pub fn new(files: impl Iterator<Item = (usize, &'a str)>, real_roots: &[PathBuf]) -> Articles<'a> {
        // Grouped by folder as written first (a folder's path made once,
        // not once per article).
        let mut by_rel: FxHashMap<(usize, &str), (Held, Vec<&str>)> = FxHashMap::default();
        for (locale, rel) in files {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let e = by_rel.entry((locale, dir)).or_default();
            e.0.add(name.as_bytes());
            e.1.push(name);
        }
        let mut dirs: FxHashMap<PathBuf, (Held, Vec<&str>)> = FxHashMap::default();
        for ((locale, dir), (held, names)) in by_rel {
            let Some(root) = real_roots.get(locale) else { continue };
            let path = if dir.is_empty() { root.clone() } else { root.join(dir) };
            match dirs.entry(path) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((held, names));
                }
                // (Two locales' folders on one real folder: one set of
                // names.)
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    let e = o.get_mut();
                    for n in names {
                        if !e.1.contains(&n) {
                            e.0.add(n.as_bytes());
                            e.1.push(n);
                        }
                    }
                }
            }
        }
        Articles { dirs }
    }

    fn held(&self, dir: &Path) -> Held {
        self.dirs.get(dir).map(|d| d.0).unwrap_or_default()
    }

    fn names(&self, dir: &Path) -> &[&'a str] {
        self.dirs.get(dir).map_or(&[], |d| d.1.as_slice())
    }
}

/// One folder as listed: its stamp (`None`: not to be recorded), its
/// articles and its other entries, sorted by name.
struct Listed {
    stamp: Option<Stamp>,
    held: Held,
    entries: Vec<(OsString, Kind)>,
}

/// The last build's folders, and this build's.
pub struct Folders {
    /// When the build that made `last` began.
    last_started: i64,
    last: FxHashMap<PathBuf, Listed>,
    started: i64,
    now: Vec<(PathBuf, Listed)>,
    /// How many folders were listed (not taken from the record).
    listed: usize,
}

impl Folders {
    /// The last build's record (none when it is missing or damaged).
    pub fn read(cache: &Cache, started_ns: i64) -> Folders {
        let (last_started, last) = cache.get_named(RECORD).and_then(|b| decode(&b)).unwrap_or_default();
        Folders {
            last_started,
            last,
            started: started_ns,
            now: Vec::new(),
            listed: 0,
        }
    }

    /// The entries of folder `dir` that are not articles, sorted by name:
    /// as the record has them when it may, else listed.
    pub fn entries(&mut self, dir: &Path, articles: &Articles) -> std::io::Result<Vec<(OsString, Kind)>> {
        let held = articles.held(dir);
        let now = stamp(dir);
        if let (Some(now), Some(was)) = (now, self.last.remove(dir)) {
            if was.stamp == Some(now) && was.held == held && !racy(&now, self.last_started) {
                let entries = was.entries.clone();
                self.now.push((dir.to_path_buf(), was));
                return Ok(entries);
            }
        }
        self.listed += 1;
        let names: crate::search::fxhash::FxHashSet<&str> = articles.names(dir).iter().copied().collect();
        let mut entries = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let name = e.file_name();
            let t = e.file_type()?;
            let kind = if t.is_dir() {
                Kind::Dir
            } else if t.is_symlink() {
                Kind::Link
            } else {
                Kind::File
            };
            if kind != Kind::Dir && name.to_str().is_some_and(|n| names.contains(&n)) {
                continue;
            }
            entries.push((name, kind));
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // (The stamp taken before the listing: a change while listing
        // leaves a stamp that is not the folder's next time.)
        self.now.push((
            dir.to_path_buf(),
            Listed {
                stamp: now,
                held,
                entries: entries.clone(),
            },
        ));
        Ok(entries)
    }

    /// Leaves this build's folders for the next, unless they are the last
    /// build's.
    pub fn write(self, cache: &Cache) {
        if !cfg!(unix) {
            return;
        }
        cache.put_named(RECORD, &encode(self.started, &self.now));
    }
}

#[cfg(unix)]
fn bytes_of(s: &OsStr) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes()
}

#[cfg(not(unix))]
fn bytes_of(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

#[cfg(unix)]
fn os_of(b: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(b).to_os_string()
}

#[cfg(not(unix))]
fn os_of(b: &[u8]) -> OsString {
    String::from_utf8_lossy(b).into_owned().into()
}

fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    w.extend_from_slice(&(b.len() as u32).to_le_bytes());
    w.extend_from_slice(b);
}

fn encode(started: i64, folders: &[(PathBuf, Listed)]) -> Vec<u8> {
    let mut w = Vec::with_capacity(64 + folders.len() * 128);
    w.extend_from_slice(MAGIC);
    w.extend_from_slice(&started.to_le_bytes());
    let recorded: Vec<&(PathBuf, Listed)> = folders.iter().filter(|(_, l)| l.stamp.is_some()).collect();
    w.extend_from_slice(&(recorded.len() as u32).to_le_bytes());
    for (path, l) in recorded {
        let Some(s) = l.stamp else { continue };
        put_bytes(&mut w, bytes_of(path.as_os_str()));
        w.extend_from_slice(&s.mtime_ns.to_le_bytes());
        w.extend_from_slice(&s.ctime_ns.to_le_bytes());
        w.extend_from_slice(&s.ino.to_le_bytes());
        w.extend_from_slice(&s.dev.to_le_bytes());
        w.extend_from_slice(&l.held.0.to_le_bytes());
        w.extend_from_slice(&l.held.1.to_le_bytes());
        w.extend_from_slice(&(l.entries.len() as u32).to_le_bytes());
        for (name, kind) in &l.entries {
            w.push(*kind as u8);
            put_bytes(&mut w, bytes_of(name));
        }
    }
    w
}

type Record = (i64, FxHashMap<PathBuf, Listed>);

fn decode(bytes: &[u8]) -> Option<Record> {
    let mut r = crate::le_bytes::Reader(bytes.strip_prefix(MAGIC)?);
    let i64_ = |r: &mut crate::le_bytes::Reader| Some(r.u64()? as i64);
    let started = i64_(&mut r)?;
    let n = r.count(68)?;
    let mut out = FxHashMap::with_capacity_and_hasher(n, Default::default());
    for _ in 0..n {
        let len = r.u32()? as usize;
        let path = PathBuf::from(os_of(r.take(len)?));
        let stamp = Stamp {
            mtime_ns: i64_(&mut r)?,
            ctime_ns: i64_(&mut r)?,
            ino: r.u64()?,
            dev: r.u64()?,
        };
        let sum = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let held = Held(sum, r.u64()?);
        let m = r.count(5)?;
        let mut entries = Vec::with_capacity(m);
        for _ in 0..m {
            let kind = match r.take(1)?[0] {
                0 => Kind::File,
                1 => Kind::Link,
                2 => Kind::Dir,
                _ => return None,
            };
            let len = r.u32()? as usize;
            entries.push((os_of(r.take(len)?), kind));
        }
        out.insert(
            path,
            Listed {
                stamp: Some(stamp),
                held,
                entries,
            },
        );
    }
    r.0.is_empty().then_some((started, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists `dir` through a record in `cache` as a build beginning now
    /// would, with `articles` its articles: its entries' names and how
    /// many folders were listed.
    fn list(cache: &Cache, root: &Path, articles: &[&str]) -> (Vec<String>, usize) {
        let roots = vec![root.to_path_buf()];
        let articles = Articles::new(articles.iter().map(|a| (0, *a)), &roots);
        let mut f = Folders::read(cache, crate::cache::parsed::now_ns());
        let mut names: Vec<String> = f
            .entries(root, &articles)
            .unwrap()
            .into_iter()
            .map(|(n, k)| format!("{}{}", n.to_string_lossy(), if k == Kind::Dir { "/" } else { "" }))
            .collect();
        if let Ok(sub) = f.entries(&root.join("sub"), &articles) {
            names.extend(sub.into_iter().map(|(n, _)| format!("sub/{}", n.to_string_lossy())));
        }
        let listed = f.listed;
        f.write(cache);
        (names, listed)
    }

    #[test]
    fn a_folder_unchanged_since_it_was_listed_is_taken_from_the_record_and_a_changed_one_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache")).unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        for f in ["a.md", "b.png", "sub/c.md", "sub/d.txt"] {
            std::fs::write(root.join(f), f).unwrap();
        }
        let articles = ["a.md", "sub/c.md"];
        let want = ["b.png", "sub/", "sub/d.txt"];
        // Written less than a second before: listed, and listed again
        // (the record cannot vouch for them yet).
        assert_eq!(list(&cache, &root, &articles), (want.map(String::from).to_vec(), 2));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(list(&cache, &root, &articles).1, 2);
        // Listed well after they changed: from the record.
        assert_eq!(list(&cache, &root, &articles), (want.map(String::from).to_vec(), 0));
        // A file added: its folder listed, the other not.
        std::fs::write(root.join("sub/e.yml"), "e").unwrap();
        let (names, listed) = list(&cache, &root, &articles);
        assert_eq!(names, ["b.png", "sub/", "sub/d.txt", "sub/e.yml"]);
        assert_eq!(listed, 1);
        // A file no longer an article: listed again, and among the inputs.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        list(&cache, &root, &articles);
        assert_eq!(list(&cache, &root, &articles).1, 0);
        let (names, listed) = list(&cache, &root, &["sub/c.md"]);
        assert_eq!(names, ["a.md", "b.png", "sub/", "sub/d.txt", "sub/e.yml"]);
        assert_eq!(listed, 1);
        // A file removed.
        std::fs::remove_file(root.join("b.png")).unwrap();
        let (names, _) = list(&cache, &root, &["sub/c.md"]);
        assert_eq!(names, ["a.md", "sub/", "sub/d.txt", "sub/e.yml"]);
    }

    #[test]
    fn a_record_reads_back_and_a_cut_one_is_refused() {
        let listed = Listed {
            stamp: Some(Stamp {
                mtime_ns: 1,
                ctime_ns: 2,
                ino: 3,
                dev: 4,
            }),
            held: Held(5, 6),
            entries: vec![
                ("x".into(), Kind::File),
                ("y".into(), Kind::Link),
                ("z".into(), Kind::Dir),
            ],
        };
        let bytes = encode(7, &[(PathBuf::from("/s/d"), listed)]);
        let (started, back) = decode(&bytes).unwrap();
        assert_eq!(started, 7);
        let l = &back[Path::new("/s/d")];
        assert_eq!(l.stamp.unwrap().ino, 3);
        assert_eq!(l.held, Held(5, 6));
        assert_eq!(l.entries.len(), 3);
        assert_eq!(l.entries[1], ("y".into(), Kind::Link));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
    }
}
