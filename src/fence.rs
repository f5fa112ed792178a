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
        let real = real_of_existing(p).map_err(Refusal::Io);
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
            Ok(bytes) => format!("read:{}", crate::cache::hex(&crate::cache::key::digest(bytes))),
            Err(e) => format!("read:{}", state(e)),
        });
        read
    }

    /// The stamp of `p` when it is a regular file, not a symbolic link,
    /// whose real path is inside the site: its folder's real path is
    /// resolved once per `folders` (an article's folder holds many), and
    /// the file is looked up from its folder, open once (`fstatat`), not
    /// from the root of the file system. `None` otherwise: the caller takes
    /// the long way (`read`), which says why.
    pub fn stat_file(&self, p: &Path, folders: &Folders) -> Option<FileMeta> {
        let (dir, name) = (p.parent()?, p.file_name()?);
        let folder = folders.get(dir, self)?;
        // (A file's real path is inside when its folder's is: a root is a
        // folder, never the regular file looked for.)
        if !folder.inside {
            return None;
        }
        #[cfg(unix)]
        if let Some(fd) = &folder.fd {
            return stat_at(fd, name);
        }
        let meta = std::fs::symlink_metadata(p).ok()?;
        FileMeta::of(&meta)
    }
    /// Reads `p` as UTF-8 text when its real path is inside the site.
    pub fn read_to_string(&self, p: &Path) -> Result<String, Refusal> {
        let bytes = self.read(p)?;
        String::from_utf8(bytes).map_err(|e| Refusal::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
    }
}

/// What a regular file's status says of it: any write, rename or change
/// of its times shows other values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
    pub dev: u64,
}

impl FileMeta {
    /// A regular file's (`None` for anything else, and on systems without
    /// these fields).
    pub fn of(meta: &std::fs::Metadata) -> Option<FileMeta> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.file_type().is_file().then(|| FileMeta {
                size: meta.len(),
                mtime_ns: meta
                    .mtime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.mtime_nsec()),
                ctime_ns: meta
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.ctime_nsec()),
                ino: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// `name` in the open folder `fd`, not followed if it is a link: its
/// status when it is a regular file.
#[cfg(unix)]
fn stat_at(fd: &std::os::fd::OwnedFd, name: &std::ffi::OsStr) -> Option<FileMeta> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(name.as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `c` is a NUL-terminated name that outlives the call, `st` is
    // written by the call when it returns 0.
    let st = unsafe {
        if libc::fstatat(fd.as_raw_fd(), c.as_ptr(), st.as_mut_ptr(), libc::AT_SYMLINK_NOFOLLOW) != 0 {
            return None;
        }
        st.assume_init()
    };
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return None;
    }
    Some(FileMeta {
        size: st.st_size as u64,
        mtime_ns: (st.st_mtime as i64)
            .saturating_mul(1_000_000_000)
            .saturating_add(st.st_mtime_nsec as i64),
        ctime_ns: (st.st_ctime as i64)
            .saturating_mul(1_000_000_000)
            .saturating_add(st.st_ctime_nsec as i64),
        ino: st.st_ino as u64,
        dev: st.st_dev as u64,
    })
}

/// The real path of the existing `p` (what `canonicalize` answers). On
/// Linux the kernel is asked once: `p` is looked up (every link followed)
/// into a handle that opens nothing (`O_PATH`: no FIFO waits, no device
/// is touched), and the handle's path in `/proc/self/fd` is its real path.
/// `canonicalize` (the C library's `realpath`) asks for each component of
/// the path in turn, a lookup from the root each time: 2% of a build's CPU
/// with an article 7 folders deep. Anything unusual (no `/proc`, a path
/// the kernel cannot give, an error to report) takes `canonicalize`.
fn real_of_existing(p: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    if let Some(real) = real_by_handle(p) {
        return Ok(real);
    }
    p.canonicalize()
}

#[cfg(target_os = "linux")]
fn real_by_handle(p: &Path) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    let handle = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_CLOEXEC)
        .open(p)
        .ok()?;
    let real = std::fs::read_link(format!("/proc/self/fd/{}", handle.as_raw_fd())).ok()?;
    // The kernel writes a path it cannot give from this root as
    // "(unreachable)/..." and a file removed since as "... (deleted)".
    let b = real.as_os_str().as_bytes();
    (b.starts_with(b"/") && !b.ends_with(b" (deleted)")).then_some(real)
}

/// Folders as `Fence::stat_file` found them (for one stage of one build: a
/// folder may become a link later): each one's real path, and the first
/// `OPEN_FOLDERS` open (a site with more folders than that looks the rest
/// up by path: open folders count against the process's file limit).
/// (Keyed by the folder's path as written, its bytes hashed: looked up once
/// per article.)
#[derive(Default)]
pub struct Folders(
    std::sync::Mutex<crate::search::fxhash::FxHashMap<std::ffi::OsString, Option<std::sync::Arc<Folder>>>>,
);

const OPEN_FOLDERS: usize = 256;

pub struct Folder {
    /// Whether its real path is inside the site's folders.
    inside: bool,
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

impl Folders {
    fn get(&self, dir: &Path, fence: &Fence) -> Option<std::sync::Arc<Folder>> {
        let mut known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = known.get(dir.as_os_str()) {
            return f.clone();
        }
        let open = known.values().filter(|f| f.is_some()).count() < OPEN_FOLDERS;
        let folder = dir.canonicalize().ok().map(|real| {
            std::sync::Arc::new(Folder {
                inside: fence.contains_real(&real),
                #[cfg(unix)]
                fd: open.then(|| open_folder(&real)).flatten(),
            })
        });
        #[cfg(not(unix))]
        let _ = open;
        known.insert(dir.as_os_str().to_owned(), folder.clone());
        folder
    }
}

/// The folder at the real path `real`, open for looking up its files.
#[cfg(unix)]
fn open_folder(real: &Path) -> Option<std::os::fd::OwnedFd> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOFOLLOW)
        .open(real)
        .ok()
        .map(Into::into)
}

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
            Ok(bytes) => format!("read:{}", crate::cache::hex(&crate::cache::key::digest(&bytes))),
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
    fn a_file_is_stamped_only_when_it_is_a_regular_file_inside_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("outside")).unwrap();
        std::fs::write(real.join("outside/secret.md"), "s").unwrap();
        // More folders than are kept open: the rest are looked up by path.
        for i in 0..OPEN_FOLDERS + 2 {
            std::fs::create_dir_all(real.join(format!("site/d{i}"))).unwrap();
            std::fs::write(real.join(format!("site/d{i}/a.md")), "a".repeat(i + 1)).unwrap();
        }
        std::os::unix::fs::symlink(real.join("outside/secret.md"), real.join("site/d0/leak.md")).unwrap();
        std::os::unix::fs::symlink(real.join("site/d1/a.md"), real.join("site/d0/inner.md")).unwrap();
        std::os::unix::fs::symlink(real.join("outside"), real.join("site/away")).unwrap();
        let fence = Fence::new([real.join("site").as_path()]);
        let folders = Folders::default();
        for i in 0..OPEN_FOLDERS + 2 {
            let p = real.join(format!("site/d{i}/a.md"));
            let meta = fence.stat_file(&p, &folders).unwrap();
            assert_eq!(Some(meta), FileMeta::of(&std::fs::symlink_metadata(&p).unwrap()), "{i}");
            assert_eq!(meta.size, i as u64 + 1);
        }
        for p in [
            "site/d0/leak.md",
            "site/d0/inner.md",
            "site/away/secret.md",
            "site/d0/none.md",
            "site/d1",
        ] {
            assert!(fence.stat_file(&real.join(p), &folders).is_none(), "{p}");
        }
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

#[cfg(all(test, unix))]
mod real_path_tests {
    use super::*;

    /// `admit` answers what `canonicalize` answers, links anywhere in the
    /// path followed, and refuses the same paths for the same reasons.
    #[test]
    fn admit_answers_the_real_path_canonicalize_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("site/a/b")).unwrap();
        std::fs::create_dir_all(real.join("away")).unwrap();
        std::fs::write(real.join("site/a/b/x.md"), "x").unwrap();
        std::fs::write(real.join("away/secret.md"), "s").unwrap();
        std::os::unix::fs::symlink(real.join("site/a"), real.join("site/la")).unwrap();
        std::os::unix::fs::symlink("b/x.md", real.join("site/a/lx.md")).unwrap();
        std::os::unix::fs::symlink(real.join("away"), real.join("site/out")).unwrap();
        std::os::unix::fs::symlink(real.join("site/out/secret.md"), real.join("site/a/chain.md")).unwrap();
        std::os::unix::fs::symlink("nowhere", real.join("site/a/dangling.md")).unwrap();
        let fifo = std::ffi::CString::new(real.join("away/fifo").as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        std::os::unix::fs::symlink(real.join("away/fifo"), real.join("site/a/fifo.md")).unwrap();
        let fence = Fence::new([real.join("site").as_path()]);
        for (p, inside) in [
            ("site/a/b/x.md", true),
            ("site/la/b/x.md", true),
            ("site/a/lx.md", true),
            ("site/la/lx.md", true),
            ("site/la/../a/b/x.md", true),
            ("site/a/b", true),
            ("site/out/secret.md", false),
            ("site/a/chain.md", false),
            ("site/la/fifo.md", false),
            ("site/out/../site/a/b/x.md", true),
            ("site/out/../away/secret.md", false),
        ] {
            let path = real.join(p);
            let expected = path.canonicalize().unwrap();
            match fence.admit(&path) {
                Ok(got) => assert!(inside && got == expected, "{p}: {got:?}"),
                Err(Refusal::Outside(got)) => assert!(!inside && got == expected, "{p}: {got:?}"),
                Err(e) => panic!("{p}: {e}"),
            }
        }
        for p in ["site/a/none.md", "site/a/dangling.md", "site/a/b/x.md/deeper"] {
            let expected = real.join(p).canonicalize().unwrap_err().kind();
            match fence.admit(&real.join(p)) {
                Err(Refusal::Io(e)) => assert_eq!(e.kind(), expected, "{p}"),
                other => panic!("{p}: {other:?}"),
            }
        }
    }
}
