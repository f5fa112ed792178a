//! Output: writes a finished build to disk atomically. The whole site is
//! written into a staging folder beside the output folder and swapped in
//! with renames, so readers and later steps never see a half-written site.
//! Owns the safety rules: polydoc only ever replaces a folder it created.

use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

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
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    pub dir: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> io::Result<Staging> {
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
        Ok(Staging {
            out,
            parent,
            name,
            dir,
            committed: false,
        })
    }

    /// Writes one file (safe to call from many threads).
    pub fn write(&self, f: &OutFile) -> io::Result<()> {
        let dest = self.dir.join(&f.path);
        if let Some(d) = dest.parent() {
            // Most files are a page's `index.html` in a folder of its own:
            // one `mkdir`, no `stat` first (`create_dir_all` when a parent
            // is missing too).
            match std::fs::create_dir(d) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(_) => std::fs::create_dir_all(d)?,
            }
        }
        match &f.content {
            Content::Bytes(b) => std::fs::write(&dest, b),
            Content::Copy(src) => std::fs::copy(src, &dest).map(|_| ()),
        }
    }

    /// Swaps the new folder in: old -> aside, new -> in place, old removed.
    pub fn commit(mut self) -> io::Result<()> {
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
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `files` as the new content of `out`.
pub fn write_site(out: &Path, files: &[OutFile]) -> io::Result<()> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
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
