//! The site boundary, on real paths. Every file polydoc opens on behalf of
//! content (articles, includes, code snippets, notebooks, TOC files,
//! `docfx.json`, redirection and pivot files) is read through `Fence`, which
//! resolves symbolic links first and refuses a file whose real path is not
//! under the real path of the site folder or of a locale's folder. A path as
//! written (`includes/sys/passwd`) can look inside while its real path is
//! `/etc/passwd`; only the real path counts.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The real paths of the folders content may be read from.
#[derive(Debug, Clone, Default)]
pub struct Fence {
    roots: Vec<PathBuf>,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// Its real path (given) leaves the site.
    Outside(PathBuf),
    /// It cannot be read (missing, permissions...).
    Io(io::Error),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Outside(_) => write!(f, "its real path (symbolic links followed) leaves the site"),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Fence {
    /// A fence around `roots` (the site folder and each locale's folder);
    /// folders that do not exist yet are taken at the real path they will have.
    pub fn new<'a>(roots: impl IntoIterator<Item = &'a Path>) -> Fence {
        let mut roots: Vec<PathBuf> = roots.into_iter().map(real_path).collect();
        roots.sort();
        roots.dedup();
        Fence { roots }
    }

    /// Whether the real path `real` is inside one of the roots.
    pub fn contains_real(&self, real: &Path) -> bool {
        self.roots.iter().any(|r| real.starts_with(r))
    }

    /// The real path of an existing `p` when it is inside the site.
    pub fn admit(&self, p: &Path) -> Result<PathBuf, Refusal> {
        let real = p.canonicalize().map_err(Refusal::Io);
        let admitted = match real {
            Ok(real) if self.contains_real(&real) => Ok(real),
            Ok(real) => Err(Refusal::Outside(real)),
            Err(e) => Err(e),
        };
        note(p, || match &admitted {
            Ok(real) => format!("admit:{}", self.within(real)),
            Err(e) => format!("admit:{}", state(e)),
        });
        admitted
    }

    /// `real` (inside) as its root's number and the path under it: the same
    /// wherever the site is checked out.
    fn within(&self, real: &Path) -> String {
        match self.roots.iter().position(|r| real.starts_with(r)) {
            Some(i) => format!("{i}/{}", real.strip_prefix(&self.roots[i]).unwrap_or(real).display()),
            None => "outside".to_string(),
        }
    }

    /// Reads `p` when its real path is inside the site.
    pub fn read(&self, p: &Path) -> Result<Vec<u8>, Refusal> {
        let real = self.admit(p)?;
        if let Some(reads) = READS.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            reads.push(real.clone());
        }
        let read = std::fs::read(real).map_err(Refusal::Io);
        note(p, || match &read {
            Ok(bytes) => {
                use sha2::Digest;
                format!("read:{}", crate::cache::hex(&sha2::Sha256::digest(bytes)))
            }
            Err(e) => format!("read:{}", state(e)),
        });
        read
    }

    /// The metadata of `p` when it is a regular file, not a symbolic link,
    /// whose real path is inside the site: its folder's real path is
    /// resolved once per `folders` (an article's folder holds many), so
    /// this costs one `lstat`. `None` otherwise: the caller takes the long
    /// way (`read`), which says why.
    pub fn stat_file(&self, p: &Path, folders: &Folders) -> Option<std::fs::Metadata> {
        let meta = std::fs::symlink_metadata(p).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        let (dir, name) = (p.parent()?, p.file_name()?);
        let real_dir = {
            let mut known = folders.0.lock().unwrap_or_else(|e| e.into_inner());
            match known.get(dir) {
                Some(r) => r.clone(),
                None => {
                    let r = dir.canonicalize().ok();
                    known.insert(dir.to_path_buf(), r.clone());
                    r
                }
            }
        }?;
        self.contains_real(&real_dir.join(name)).then_some(meta)
    }

    /// Reads `p` as UTF-8 text when its real path is inside the site.
    pub fn read_to_string(&self, p: &Path) -> Result<String, Refusal> {
        let bytes = self.read(p)?;
        String::from_utf8(bytes).map_err(|e| Refusal::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
    }
}

/// Folders' real paths as `Fence::stat_file` found them (for one stage of
/// one build: a folder may become a link later).
#[derive(Default)]
pub struct Folders(std::sync::Mutex<std::collections::HashMap<PathBuf, Option<PathBuf>>>);

/// What one parse looked at, for the build cache: each path asked about
/// (read, admitted, probed) with what it found, and whether it did
/// something the cache cannot check again (it is then not cached).
#[derive(Debug, Default)]
pub struct Looked {
    pub paths: Vec<(PathBuf, String)>,
    pub uncheckable: bool,
}

thread_local! {
    static LOOKED: std::cell::RefCell<Option<Looked>> = const { std::cell::RefCell::new(None) };
}

/// Starts noting what this thread looks at (until `looked`).
pub fn look_begin() {
    LOOKED.with(|l| *l.borrow_mut() = Some(Looked::default()));
}

/// What this thread looked at since `look_begin`; stops noting.
pub fn looked() -> Option<Looked> {
    LOOKED.with(|l| l.borrow_mut().take())
}

fn note(p: &Path, found: impl FnOnce() -> String) {
    LOOKED.with(|l| {
        if let Some(l) = l.borrow_mut().as_mut() {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            l.paths.push((abs, found()));
        }
    });
}

/// What a refusal says about the file, the same wherever the site is.
fn state(e: &Refusal) -> String {
    match e {
        Refusal::Outside(_) => "outside".to_string(),
        Refusal::Io(e) => format!("{:?}", e.kind()),
    }
}

/// `p.is_file()`, noted for the build cache.
pub fn is_file(p: &Path) -> bool {
    let found = p.is_file();
    note(p, || format!("is_file:{found}"));
    found
}

/// `p.exists()`, noted for the build cache.
pub fn exists(p: &Path) -> bool {
    let found = p.exists();
    note(p, || format!("exists:{found}"));
    found
}

/// Marks this thread's parse as depending on something the cache does
/// not check again (e.g. where a dependent repository is cloned).
pub fn uncheckable() {
    LOOKED.with(|l| {
        if let Some(l) = l.borrow_mut().as_mut() {
            l.uncheckable = true;
        }
    });
}

/// Asks the question `note` recorded about `p` again: the same answer
/// means the same finding.
pub fn ask_again(fence: &Fence, p: &Path, what: &str) -> String {
    match what {
        "admit" => match fence.admit(p) {
            Ok(real) => format!("admit:{}", fence.within(&real)),
            Err(e) => format!("admit:{}", state(&e)),
        },
        "read" => match fence.read(p) {
            Ok(bytes) => {
                use sha2::Digest;
                format!("read:{}", crate::cache::hex(&sha2::Sha256::digest(bytes)))
            }
            Err(e) => format!("read:{}", state(&e)),
        },
        "is_file" => format!("is_file:{}", p.is_file()),
        "exists" => format!("exists:{}", p.exists()),
        _ => String::new(),
    }
}

/// The real paths read through any fence while recording (for the build
/// cache, which keys on every file a build reads).
static READS: std::sync::Mutex<Option<Vec<PathBuf>>> = std::sync::Mutex::new(None);

/// Starts recording the files read (forgetting any recorded before).
pub fn record_reads() {
    *READS.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
}

/// The files read since `record_reads`; recording goes on.
pub fn recorded_reads() -> Vec<PathBuf> {
    READS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .cloned()
        .unwrap_or_default()
}

/// The real path of `p`, which need not exist: its nearest existing
/// ancestor with symbolic links resolved, then the rest as written (`.` and
/// `..` removed first). Relative paths are taken from the working folder.
pub fn real_path(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let abs = crate::discover::normalize(&abs);
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for c in rest.iter().rev() {
                out.push(c);
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(Component::Normal(name))) => {
                rest.push(name);
                existing = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_path_of_a_missing_folder_resolves_its_existing_ancestor() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("inside")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(real.join("inside"), real.join("link")).unwrap();
        #[cfg(unix)]
        assert_eq!(real_path(&real.join("link/new/deeper")), real.join("inside/new/deeper"));
        assert_eq!(real_path(&real.join("inside/../x")), real.join("x"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_site_is_refused_on_its_real_path() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("site/a")).unwrap();
        std::fs::write(real.join("secret"), "s").unwrap();
        std::fs::write(real.join("site/a/ok.md"), "ok").unwrap();
        std::os::unix::fs::symlink(real.join("secret"), real.join("site/a/leak.md")).unwrap();
        let fence = Fence::new([real.join("site").as_path()]);
        assert_eq!(fence.read(&real.join("site/a/ok.md")).unwrap(), b"ok");
        assert!(matches!(
            fence.read(&real.join("site/a/leak.md")),
            Err(Refusal::Outside(_))
        ));
    }
}
