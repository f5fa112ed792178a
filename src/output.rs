//! Output: writes a finished build to disk atomically. The whole site is
//! written into a staging folder beside the output folder and swapped in
//! with renames, so readers and later steps never see a half-written site.
//! Owns the safety rules: polydoc only ever replaces a folder it created.

mod manifest;

pub use manifest::content_key;

use crate::diagnostics::Diagnostic;
use crate::search::fxhash::FxHashSet;
pub use manifest::MANIFEST;
use manifest::{Entry, Previous, Src, Stamp};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Present in every output folder polydoc writes.
pub const MARKER: &str = ".polydoc-output";

pub enum Content {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

pub struct OutFile {
    /// Relative to the output root, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// The real path (symbolic links resolved, through the nearest existing
/// ancestor for a folder that does not exist yet): the safety rules hold on
/// where files really go, not on the path as written.
fn absolute(p: &Path) -> PathBuf {
    crate::fence::real_path(p)
}

/// Refuses output folders whose replacement could lose a user's files.
pub fn check_out_dir(site_root: &Path, out: &Path, protected: &[PathBuf]) -> Result<(), Diagnostic> {
    let site = absolute(site_root);
    let out_abs = absolute(out);
    let refuse = |why: String| {
        Diagnostic::error("out-dir", out.display().to_string(), why)
            .help("pick an empty folder or one polydoc built before, e.g. `--out SITE/output`")
    };
    if site.starts_with(&out_abs) {
        return Err(refuse(format!(
            "refusing to write the site into `{}`: it is the site folder or contains it, and polydoc replaces its output folder",
            out.display()
        )));
    }
    for p in protected {
        let p = absolute(p);
        if out_abs.starts_with(&p) || p.starts_with(&out_abs) {
            return Err(refuse(format!(
                "refusing to write into `{}`: it overlaps the site's sources `{}`",
                out.display(),
                p.display()
            )));
        }
    }
    if out_abs.is_file() {
        return Err(refuse(format!("`{}` is a file, not a folder", out.display())));
    }
    if out_abs.is_dir() && is_mount_point(&out_abs) {
        return Err(refuse(format!(
            "`{}` is a mount point: polydoc writes the new site into a folder beside the output folder and swaps the two with renames, and a mount point cannot be renamed",
            out.display()
        ))
        .help("write into a folder inside it, e.g. `--out MOUNT/site`"));
    }
    if out_abs.is_dir() {
        let mut entries =
            std::fs::read_dir(&out_abs).map_err(|e| refuse(format!("cannot read `{}`: {e}", out.display())))?;
        let non_empty = entries.next().is_some();
        if non_empty && !out_abs.join(MARKER).exists() {
            return Err(refuse(format!(
                "`{}` is not empty and polydoc did not create it; refusing to replace it",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Whether `dir` is on another file system than its parent folder.
#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Some(parent), Ok(meta)) = (dir.parent(), std::fs::metadata(dir)) else {
        return false;
    };
    std::fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path) -> bool {
    false
}

/// A new output folder being written beside the real one. Files are
/// written into it as they are produced (so a build never holds the whole
/// site in memory); `commit` swaps it in with renames. Dropped without
/// `commit`, it is removed and the previous output stays as it was.
///
/// A keyed build (`Staging::keyed`, `--cache`) also leaves a manifest of
/// the keys its files were made under (`manifest`). When the output folder
/// holds one from a previous keyed build, only new and changed files go
/// into the staging folder (a file the output holds under the same key is
/// `keep`-ed in place); `commit` then renames them into the output folder
/// and removes what the new build did not make.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    pub dir: PathBuf,
    committed: bool,
    keyed: Option<Keyed>,
    /// Folders (relative to `dir`) that `put` found already made: a folder
    /// that holds more than one file (the search cards, a locale's site
    /// files) is made once, not asked for again with each file. A page's
    /// own folder, made for its one `index.html`, never gets here.
    shared_dirs: Mutex<HashSet<String>>,
}

struct Keyed {
    /// The new manifest: each file's entry, and whether it was written
    /// into the staging folder (else it stays where it is).
    files: Mutex<HashMap<String, (Entry, bool)>>,
    /// The previous build's files, checked in the background.
    scan: Mutex<Option<std::thread::JoinHandle<Option<Previous>>>>,
    previous: OnceLock<Option<Previous>>,
}

impl Keyed {
    fn previous(&self) -> Option<&Previous> {
        self.previous
            .get_or_init(|| {
                let handle = self.scan.lock().unwrap_or_else(|e| e.into_inner()).take();
                handle.and_then(|h| h.join().ok()).flatten()
            })
            .as_ref()
    }
}

impl Staging {
    pub fn new(out: &Path) -> io::Result<Staging> {
        Staging::open(out, false)
    }

    /// A staging folder that keeps a manifest of keys, and writes only
    /// what changed when the output folder has one.
    pub fn keyed(out: &Path) -> io::Result<Staging> {
        Staging::open(out, true)
    }

    fn open(out: &Path, keyed: bool) -> io::Result<Staging> {
        let out = absolute(out);
        let parent = out
            .parent()
            .ok_or_else(|| io::Error::other("output folder has no parent"))?
            .to_path_buf();
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        clean_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.polydoc-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        std::fs::write(
            dir.join(MARKER),
            b"This folder is written by polydoc and replaced on every build.\n",
        )?;
        let keyed = keyed.then(|| {
            let scanned = out.clone();
            Keyed {
                files: Mutex::new(HashMap::new()),
                scan: Mutex::new(Some(std::thread::spawn(move || Previous::scan(&scanned)))),
                previous: OnceLock::new(),
            }
        });
        Ok(Staging {
            out,
            parent,
            name,
            dir,
            committed: false,
            keyed,
            shared_dirs: Mutex::new(HashSet::new()),
        })
    }

    /// Writes one file (safe to call from many threads).
    pub fn write(&self, f: &OutFile) -> io::Result<()> {
        self.write_keyed(f, None)
    }

    /// Writes one file made under `key` (by default, its content's hash),
    /// unless the output folder holds it under that key already.
    pub fn write_keyed(&self, f: &OutFile, key: Option<[u8; 32]>) -> io::Result<()> {
        let Some(keyed) = &self.keyed else {
            return self.put(f, false).map(|_| ());
        };
        let key = match (key, &f.content) {
            (Some(k), _) => k,
            (None, Content::Bytes(b)) => manifest::content_key(b),
            (None, Content::Copy(src)) => manifest::content_key(&std::fs::read(src)?),
        };
        if self.keep(&f.path, &key) {
            return Ok(());
        }
        if let Some(stamp) = self.put(f, true)? {
            let entry = Entry { key, stamp };
            keyed.files.lock().unwrap().insert(f.path.clone(), (entry, true));
        }
        Ok(())
    }

    /// Whether the output folder holds `path` made under `key`, as the
    /// previous keyed build left it. If so it stays (it is in the new
    /// manifest) and needs no writing.
    pub fn keep(&self, path: &str, key: &[u8; 32]) -> bool {
        let Some(keyed) = &self.keyed else { return false };
        match keyed.previous().and_then(|p| p.files.get(path)) {
            Some((k, kept)) if k == key => {
                kept.store(true, std::sync::atomic::Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// Whether the output folder holds `path` made under `key` (as `keep`
    /// answers), without keeping it.
    pub fn holds(&self, path: &str, key: &[u8; 32]) -> bool {
        let Some(keyed) = &self.keyed else { return false };
        keyed
            .previous()
            .and_then(|p| p.files.get(path))
            .is_some_and(|(k, _)| k == key)
    }

    /// Whether `commit` updates the output folder in place (a crash there
    /// leaves it partly updated) rather than swapping a new one in.
    pub fn in_place(&self) -> bool {
        self.keyed.as_ref().is_some_and(|k| k.previous().is_some())
    }

    fn put(&self, f: &OutFile, stamp: bool) -> io::Result<Option<Stamp>> {
        let dest = self.dir.join(&f.path);
        let folder = f.path.rfind('/').map(|i| &f.path[..i]);
        let shared = |rel: &str| self.shared_dirs.lock().unwrap_or_else(|e| e.into_inner()).contains(rel);
        if let (Some(d), Some(rel)) = (dest.parent(), folder.filter(|rel| !shared(rel))) {
            // Most files are a page's `index.html` in a folder of its own:
            // one `mkdir`, no `stat` first (`create_dir_all` when a parent
            // is missing too). A folder found made already holds another
            // file: remembered, so its next files skip the `mkdir`.
            match std::fs::create_dir(d) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    self.shared_dirs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(rel.to_string());
                }
                Err(_) => std::fs::create_dir_all(d)?,
            }
        }
        match &f.content {
            Content::Bytes(b) => {
                let mut file = std::fs::File::create(&dest)?;
                file.write_all(b)?;
                Ok(if stamp {
                    Some(Stamp::of(&file.metadata()?))
                } else {
                    None
                })
            }
            Content::Copy(src) => {
                std::fs::copy(src, &dest)?;
                Ok(if stamp {
                    Some(Stamp::of(&std::fs::metadata(&dest)?))
                } else {
                    None
                })
            }
        }
    }

    /// Makes the new folder the output. A new site (no previous keyed
    /// output): old -> aside, new -> in place, old removed. In place: see
    /// `commit_in_place`.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(keyed) = self.keyed.take() {
            let files = keyed.files.into_inner().unwrap_or_else(|e| e.into_inner());
            if let Some(prev) = keyed.previous.into_inner().flatten().or_else(|| {
                let handle = keyed.scan.into_inner().unwrap_or_else(|e| e.into_inner());
                handle.and_then(|h| h.join().ok()).flatten()
            }) {
                return self.commit_in_place(prev, files);
            }
            let sealed_ns = manifest::now_ns();
            let mut files: Vec<(String, Entry)> = files.into_iter().map(|(p, (e, _))| (p, e)).collect();
            files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            // The folders as written (renaming the staging folder changes
            // none of those inside it).
            let dirs = manifest::stamp_dirs(&self.dir, folders_of(files.iter().map(|(p, _)| p)).into_par_iter());
            let files = files.into_iter().map(|(p, e)| (p, Src::New(e)));
            let dirs = dirs.into_iter().map(|(d, st)| (d, Src::New(st)));
            manifest::write(&self.dir.join(MANIFEST), sealed_ns, None, files, dirs)?;
        }
        let aside = self
            .parent
            .join(format!(".{}.polydoc-old-{}", self.name, std::process::id()));
        let had_old = self.out.exists();
        if had_old {
            std::fs::rename(&self.out, &aside)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            if had_old {
                let _ = std::fs::rename(&aside, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&aside)?;
        }
        Ok(())
    }

    /// Updates the output folder in place: its manifest removed first (so
    /// a build after a crash here writes the folder in full), then what the
    /// new build did not make removed (files gone, files changed or added
    /// by hand, folders left empty), then each new or changed file renamed
    /// in (every file whole at every moment), then the new manifest.
    fn commit_in_place(&mut self, prev: Previous, files: HashMap<String, (Entry, bool)>) -> io::Result<()> {
        let out = self.out.clone();
        let sealed_ns = manifest::now_ns();
        let partly = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!(
                    "{e}; the output folder is partly updated (every file whole) and the next build writes it in full"
                ),
            )
        };
        match std::fs::remove_file(out.join(MANIFEST)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // The new manifest: the files staged and those kept in place.
        let Previous {
            files: previous,
            stray,
            dirs: other_dirs,
            empty_dirs,
            unsettled,
        } = prev;
        let mut staged: Vec<(String, Entry)> = files.into_iter().map(|(p, (e, _))| (p, e)).collect();
        staged.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let staged_paths: FxHashSet<&str> = staged.iter().map(|(p, _)| p.as_str()).collect();
        let mut gone: Vec<String> = stray;
        gone.extend(
            previous
                .not_kept()
                .filter(|rel| !staged_paths.contains(rel))
                .map(String::from),
        );
        for rel in &gone {
            match std::fs::remove_file(out.join(rel)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(partly(e)),
                _ => {}
            }
        }
        // Folders that may be empty now: those of removed files, and those
        // the scan found (empty ones among them), deepest first.
        let touched: HashSet<&str> = gone
            .iter()
            .flat_map(|rel| manifest::parents(rel))
            .chain(
                empty_dirs
                    .iter()
                    .flat_map(|d| std::iter::once(d.as_str()).chain(manifest::parents(d))),
            )
            .collect();
        let mut dirs: Vec<&str> = previous
            .found_dirs()
            .chain(other_dirs.iter().map(String::as_str))
            .filter(|d| touched.contains(d))
            .collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for d in dirs {
            let _ = std::fs::remove_dir(out.join(d));
        }
        staged
            .par_iter()
            .try_for_each(|(rel, _)| {
                let dest = out.join(rel);
                if let Some(d) = dest.parent() {
                    if !d.is_dir() {
                        std::fs::create_dir_all(d)?;
                    }
                }
                std::fs::rename(self.dir.join(rel), &dest)
            })
            .map_err(partly)?;
        // A folder the scan found as recorded and this commit did not
        // change keeps its stamp; the others are stamped now.
        let changed: HashSet<&str> = touched
            .into_iter()
            .chain(staged.iter().flat_map(|(rel, _)| manifest::parents(rel)))
            .collect();
        // Every folder of a file in the new manifest is one the scan found
        // (settled or listed) or a parent of a staged file (changed). A
        // folder left with no file of ours may stay named: harmless (a
        // stray added there later changes its stamp).
        // (Each changed folder's time set back first: recorded so, it is
        // trusted by the next build, and any change made after this one
        // stamps another time.)
        manifest::backdate_dirs(&out, changed.par_iter().copied(), sealed_ns);
        let again: Vec<&str> = changed
            .iter()
            .copied()
            .chain(unsettled.iter().map(String::as_str))
            .collect();
        let restamped = manifest::stamp_dirs(&out, again.into_par_iter());
        let settled = previous.settled().filter(|(d, _)| !changed.contains(*d));
        // The files kept (most of a warm build's), for the new manifest, as
        // the last one has them (a path staged too is the staged one's:
        // `merge`).
        let tmp = out.join(format!("{MANIFEST}.polydoc-tmp-{}", std::process::id()));
        manifest::write(
            &tmp,
            sealed_ns,
            Some(&previous),
            manifest::merge(previous.kept(), staged.iter().map(|(p, e)| (p.as_str(), Src::New(*e)))),
            manifest::merge(settled, restamped.iter().map(|(d, st)| (d.as_str(), Src::New(*st)))),
        )
        .and_then(|_| std::fs::rename(&tmp, out.join(MANIFEST)))
        .map_err(partly)?;
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

/// Every folder that holds one of `files` (not the output folder).
fn folders_of<'a>(files: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    for f in files {
        for d in manifest::parents(f) {
            if !seen.insert(d) {
                break;
            }
        }
    }
    seen.into_iter().collect()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes staging folders an interrupted build left behind (only ours:
/// named by us and carrying the marker).
fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.polydoc-new-"), format!(".{name}.polydoc-old-")];
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) && e.path().join(MARKER).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Replaces one file of an existing output folder atomically (temporary
/// file + rename), for incremental rebuilds.
pub fn write_one(out: &Path, f: &OutFile) -> io::Result<()> {
    let dest = out.join(&f.path);
    let dir = dest.parent().unwrap_or(out);
    std::fs::create_dir_all(dir)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.polydoc-tmp-{}", std::process::id()));
    match &f.content {
        Content::Bytes(b) => std::fs::write(&tmp, b)?,
        Content::Copy(src) => {
            std::fs::copy(src, &tmp)?;
        }
    }
    std::fs::rename(&tmp, &dest).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Removes one output file (and folders it leaves empty), never anything
/// outside `out`.
pub fn remove_one(out: &Path, rel: &str) {
    if rel.split('/').any(|s| s == ".." || s.is_empty()) {
        return;
    }
    let p = out.join(rel);
    let _ = std::fs::remove_file(&p);
    let mut dir = p.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
