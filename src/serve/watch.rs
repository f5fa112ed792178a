//! File watching for `serve`: notify events, filtered (output folder, hidden
//! and editor temporary files) and coalesced into batches, so a burst of
//! saves (write temp, rename) is one rebuild.

use notify::{RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Quiet time that ends a burst, and the longest a burst may be held.
const QUIET: Duration = Duration::from_millis(12);
const MAX_HOLD: Duration = Duration::from_millis(250);

pub struct Watcher {
    /// Set as soon as a relevant event arrives (from notify's thread),
    /// cleared when `next_batch` takes events: work put off until edits
    /// pause (`Session::flush_deferred`) stops when it is set.
    pub pending: Arc<AtomicBool>,
    watcher: std::cell::RefCell<notify::RecommendedWatcher>,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    out: PathBuf,
    /// Watched without recursion; folders created in them later are
    /// watched recursively from then on.
    roots: Vec<PathBuf>,
}

impl Watcher {
    pub fn new(roots: &[PathBuf], out: &Path) -> notify::Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let (flag, out_dir) = (pending.clone(), out.to_path_buf());
        let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            if let Ok(e) = &ev {
                if !e.kind.is_access() && e.paths.iter().any(|p| !ignored(p, &out_dir)) {
                    flag.store(true, Ordering::Relaxed);
                }
            }
            let _ = tx.send(ev);
        })?;
        for r in roots {
            // Never watch the output folder (tens of thousands of folders of
            // our own writing) or hidden folders such as .git: watch the
            // root itself, then each other top-level folder recursively.
            watcher.watch(r, RecursiveMode::NonRecursive)?;
            for e in std::fs::read_dir(r)?.flatten() {
                let p = e.path();
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                if p.is_dir() && !hidden && !p.starts_with(out) && !out.starts_with(&p) {
                    watcher.watch(&p, RecursiveMode::Recursive)?;
                } else if p.is_dir() && !hidden && out.starts_with(&p) && p != out {
                    // The output folder is nested deeper: watch this one's
                    // other children.
                    watcher.watch(&p, RecursiveMode::NonRecursive)?;
                }
            }
        }
        Ok(Watcher {
            pending,
            watcher: std::cell::RefCell::new(watcher),
            rx,
            out: out.to_path_buf(),
            roots: roots.to_vec(),
        })
    }

    /// Blocks until something relevant changed; returns the changed paths.
    /// With `idle`, returns `Some(None)` when nothing changed for that long.
    pub fn next_batch(&self, idle: Option<Duration>) -> Option<Option<Vec<PathBuf>>> {
        let deadline = idle.map(|d| Instant::now() + d);
        self.pending.store(false, Ordering::Relaxed);
        loop {
            let mut paths = BTreeSet::new();
            let first = match deadline {
                None => self.rx.recv().ok()?,
                Some(d) => match self.rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                    Ok(ev) => ev,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Some(None),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                },
            };
            if !self.take(first, &mut paths) {
                continue;
            }
            // Only relevant events (not our own output writes) extend the burst.
            let start = Instant::now();
            let mut last = Instant::now();
            while start.elapsed() < MAX_HOLD {
                let wait = QUIET.saturating_sub(last.elapsed());
                if wait.is_zero() {
                    break;
                }
                match self.rx.recv_timeout(wait) {
                    Ok(ev) => {
                        if self.take(ev, &mut paths) {
                            last = Instant::now();
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                }
            }
            if !paths.is_empty() {
                return Some(Some(paths.into_iter().collect()));
            }
        }
    }

    /// Adds the event's relevant paths; true when there were any.
    fn take(&self, ev: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) -> bool {
        let Ok(ev) = ev else { return false };
        if ev.kind.is_access() {
            return false;
        }
        let mut any = false;
        let created =
            ev.kind.is_create() || matches!(ev.kind, notify::EventKind::Modify(notify::event::ModifyKind::Name(_)));
        for p in ev.paths {
            if !ignored(&p, &self.out) {
                if created && p.parent().is_some_and(|d| self.roots.iter().any(|r| r == d)) && p.is_dir() {
                    // A new top-level folder (`articles/` made after start-up).
                    let _ = self.watcher.borrow_mut().watch(&p, RecursiveMode::Recursive);
                }
                paths.insert(p);
                any = true;
            }
        }
        any
    }
}

fn ignored(p: &Path, out: &Path) -> bool {
    if p.starts_with(out) {
        return true;
    }
    let name = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || p.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.') && c.as_os_str() != "." && c.as_os_str() != "..")
}
