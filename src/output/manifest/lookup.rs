//! How the output check looks at the paths a manifest names: the output
//! folder opened once, each path looked up from it (or, for many paths
//! under one folder, from that folder opened once), never following a
//! symbolic link; what each path is now (`Kind`) and its stamp.

use super::{Stamp, TOP};
use std::path::Path;

/// What a path of the output folder is now (not following a symbolic link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Dir,
    Other,
}

/// What a path is now.
pub(super) type Found = (Stamp, Kind);

/// The output folder, open for looking at its paths: each relative path
/// looked up from the folder itself (`fstatat`), not from the root of the
/// file system, since the scan looks at every path a manifest names.
pub(super) struct Root {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    dir: std::path::PathBuf,
}

impl Root {
    pub(super) fn open(out: &Path) -> Option<Root> {
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
    pub(super) fn open_dir(&self, rel: &str) -> Option<Root> {
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

    /// What `judge` makes of the stamp and kind of each of the paths
    /// `paths` gives by number (plain relative paths, as many as `up`),
    /// in their order, looked up on two threads: the first `dirs` of them
    /// folders, `up[i]` the index among those of the folder holding path `i` (`TOP`
    /// for the output folder; a folder comes after the folders above it).
    /// Each path is looked up from the nearest folder above it that holds
    /// many of them, opened once (a page's `index.html` sits in a folder of
    /// its own, and a path looked up from the output folder costs the
    /// kernel a lookup per folder on the way: from `en-us/s0`,
    /// `a1/index.html` and `a1` cost 3 lookups, not 7). A folder that
    /// cannot be opened leaves its paths to be looked up from the output
    /// folder, as before.
    ///
    /// Made for ~100k paths: the paths are put in order of the folder they
    /// are looked up from (a counting sort, no map), each thread writes its
    /// answers into its own part of one array sized once, each answer as
    /// small as `judge` makes it (a byte for the scan, where a stamp and
    /// kind take 40: 4.8 MB of fresh memory for 120,000 paths).
    pub(super) fn stat_all<'p, T: Copy + Default + Send>(
        &self,
        paths: &(dyn Fn(usize) -> &'p str + Sync),
        up: &[u32],
        dirs: usize,
        judge: &(dyn Fn(usize, Option<Found>) -> T + Sync),
    ) -> Option<Vec<T>> {
        /// A folder with this many of the paths right under it is opened.
        const MANY: u32 = 8;
        /// Paths looked up per task (each opens its folder once).
        const CHUNK: usize = 512;
        let n = up.len();
        if dirs > n {
            return None;
        }
        let mut under = vec![0u32; dirs];
        for &d in up {
            if let Some(c) = under.get_mut(d as usize) {
                *c += 1;
            }
        }
        // The folder each folder's paths are looked up from: itself when it
        // holds many, else the one its own parent's paths are looked up
        // from (known already: a folder comes after those above it).
        let mut base_of = vec![TOP; dirs];
        for d in 0..dirs {
            base_of[d] = if under[d] >= MANY {
                d as u32
            } else {
                match up[d] {
                    p if (p as usize) < d => base_of[p as usize],
                    _ => TOP,
                }
            };
        }
        // Bucket `dirs` is the output folder itself.
        let bucket = |i: usize| match up[i] {
            p if (p as usize) < dirs => match base_of[p as usize] {
                TOP => dirs,
                b => b as usize,
            },
            _ => dirs,
        };
        // First each folder followed by the files right in it (`a1`, then
        // `a1/index.html`: the second lookup finds `a1` in the processor's
        // caches, ~12% less time per path than all folders first), then
        // those put in order of the folder they are looked up from (both
        // counting sorts, stable: a folder comes before its files, which
        // come after it in the manifest's order).
        let near = |i: usize| if i < dirs { i } else { (up[i] as usize).min(dirs) };
        let by_folder = crate::counting_sort::counting_sort(n, dirs + 1, 0..n, near);
        let (order, start) =
            crate::counting_sort::counting_sort(n, dirs + 1, by_folder.0.iter().map(|&i| i as usize), bucket);
        drop(by_folder);
        // Answers in the order of `order`, each task its own part.
        let mut found: Vec<T> = vec![T::default(); n];
        // (folder looked up from, paths, their answers)
        type Job<'a, T> = (usize, &'a [u32], &'a mut [T]);
        let mut jobs: Vec<Job<T>> = Vec::with_capacity(n / CHUNK + dirs.min(n) + 1);
        let mut rest = found.as_mut_slice();
        let mut ix = order.as_slice();
        for k in 0..=dirs {
            let mut len = (start[k + 1] - start[k]) as usize;
            while len > 0 {
                let take = len.min(CHUNK);
                let (slots, more) = std::mem::take(&mut rest).split_at_mut(take);
                let (these, others) = ix.split_at(take);
                jobs.push((k, these, slots));
                rest = more;
                ix = others;
                len -= take;
            }
        }
        let jobs = std::sync::Mutex::new(jobs.into_iter());
        // On threads of its own, not the thread pool: the scan runs from
        // the start of a build, and tasks handed to the pool would wait
        // until parsing leaves it idle, then hold up whatever first asks
        // whether the output holds a file.
        let work = || loop {
            let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((k, ix, slots)) = next else {
                return;
            };
            let sub = (k < dirs).then(|| self.open_dir(paths(k))).flatten();
            for (slot, &i) in slots.iter_mut().zip(ix) {
                let p = paths(i as usize);
                let below = p.strip_prefix(paths(k)).and_then(|r| r.strip_prefix('/'));
                let now = match (&sub, below) {
                    (Some(sub), Some(rel)) => sub.stat(rel),
                    _ => self.stat(p),
                };
                *slot = judge(i as usize, now);
            }
        };
        // (A thread that failed answers for nothing: no answers at all,
        // never a path taken for gone.)
        std::thread::scope(|s| {
            let helper = s.spawn(work);
            work();
            helper.join().ok()
        })?;
        // Back into the paths' order.
        let mut answers = vec![T::default(); n];
        for (&i, &a) in order.iter().zip(&found) {
            answers[i as usize] = a;
        }
        Some(answers)
    }

    /// The stamp and kind of `rel` (a plain relative path: see `plain`).
    pub(super) fn stat(&self, rel: &str) -> Option<(Stamp, Kind)> {
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
            let stamp = Stamp::from_parts(
                st.st_size as u64,
                st.st_mtime as i64,
                st.st_mtime_nsec as i64,
                st.st_ino as u64,
            );
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

impl Root {
    /// Sets the modification time of the folder `rel` (not following a
    /// symbolic link) to `mtime_ns` since the epoch; its access time stays.
    /// Whether it was set.
    pub(super) fn set_dir_mtime(&self, rel: &str, mtime_ns: i128) -> bool {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let Ok(c) = std::ffi::CString::new(rel) else {
                return false;
            };
            let Ok(sec) = libc::time_t::try_from(mtime_ns.div_euclid(1_000_000_000)) else {
                return false;
            };
            let times = [
                libc::timespec {
                    tv_sec: 0,
                    tv_nsec: libc::UTIME_OMIT,
                },
                libc::timespec {
                    tv_sec: sec,
                    tv_nsec: mtime_ns.rem_euclid(1_000_000_000) as _,
                },
            ];
            // SAFETY: `c` is NUL-terminated and `times` two timespecs, both
            // outliving the call.
            unsafe {
                libc::utimensat(
                    self.fd.as_raw_fd(),
                    c.as_ptr(),
                    times.as_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                ) == 0
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (rel, mtime_ns);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // As the manifest names them: folders first (sorted, so a folder
        // comes after those above it), then files, each with its folder.
        paths.push("big/a3x".to_string());
        let (mut dirs, mut files): (Vec<String>, Vec<String>) = paths.drain(..).partition(|p| !p.ends_with(".html"));
        dirs.sort();
        files.sort();
        let ndirs = dirs.len();
        paths = dirs;
        paths.append(&mut files);
        let up: Vec<u32> = paths
            .iter()
            .map(|p| match p.rsplit_once('/') {
                None => TOP,
                Some((d, _)) => paths[..ndirs].iter().position(|x| x == d).unwrap() as u32,
            })
            .collect();
        let root = Root::open(out).unwrap();
        let check = |paths: &[String]| {
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            let all = root.stat_all(&|i| refs[i], &up, ndirs, &|_, now| now).unwrap();
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
        let linked = paths.iter().position(|p| p == "linked").unwrap();
        assert_eq!(all[linked].map(|(_, k)| k), Some(Kind::Other));
        // A page edited in place, size kept: another stamp.
        let before = check(&paths);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(out.join("big/a5/index.html"), "page 9").unwrap();
        let after = check(&paths);
        let at = paths.iter().position(|p| p == "big/a5/index.html").unwrap();
        assert_ne!(before[at], after[at]);
        assert_eq!(before[at].unwrap().0.size, after[at].unwrap().0.size);
    }
}
