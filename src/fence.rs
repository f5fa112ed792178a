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
        let real = p.canonicalize().map_err(Refusal::Io)?;
        if self.contains_real(&real) {
            Ok(real)
        } else {
            Err(Refusal::Outside(real))
        }
    }

    /// Reads `p` when its real path is inside the site.
    pub fn read(&self, p: &Path) -> Result<Vec<u8>, Refusal> {
        let real = self.admit(p)?;
        if let Some(reads) = READS.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            reads.push(real.clone());
        }
        std::fs::read(real).map_err(Refusal::Io)
    }

    /// Reads `p` as UTF-8 text when its real path is inside the site.
    pub fn read_to_string(&self, p: &Path) -> Result<String, Refusal> {
        let bytes = self.read(p)?;
        String::from_utf8(bytes).map_err(|e| Refusal::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
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
