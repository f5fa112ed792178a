//! What git knows about a source file since a translation's handoff commit
//! (`ms.sourcegitcommit`). Runs the local `git` binary (never the network),
//! once per distinct handoff commit, not once per article.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository holding the site, if there is one and `git` runs.
pub struct Repo {
    top: PathBuf,
    commits: HashMap<String, Option<Handoff>>,
    /// Whether git said it does not know a commit (`rev-parse --verify`
    /// failed), per commit asked: `show` answers for those without a process. Translations often name
    /// commits the clone lacks (a shallow CI clone, the source's own
    /// repository elsewhere), and each asked `git show` once per build.
    unknown: std::sync::Mutex<HashMap<String, bool>>,
    /// Each path's last commit (hash, date), read from the history in one
    /// `git log` the first time one is asked for: one process per file
    /// cost more than the rest of a build on a site of 10,000 translations.
    last: std::sync::OnceLock<HashMap<String, (String, String)>>,
    /// HEAD when `last` was read (`renew`).
    head: Option<Vec<u8>>,
}

/// The state of the source tree at one handoff commit, compared with the
/// working tree.
struct Handoff {
    full: String,
    /// Paths (from the repository top) that differ between the commit and
    /// the working tree.
    changed: HashSet<String>,
    /// Paths that existed at the commit.
    existed: HashSet<String>,
}

/// git's answer for one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The file is the same as at the commit.
    Unchanged { commit: String },
    /// The file changed since the commit; `last` is its last commit (hash
    /// and date), when the change is committed.
    Changed {
        commit: String,
        last: Option<(String, String)>,
    },
    /// git cannot decide, and why.
    Unknown(String),
}

fn git(dir: &Path, args: &[&str]) -> Option<Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        // Reading must not take the index lock other git commands need.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .ok()
}

/// Every path's last commit, newest first: one pass over `git log
/// --name-only` (what `git log -1 -- path` answers, without a process per
/// path).
fn last_commits(top: &Path) -> HashMap<String, (String, String)> {
    let mut map = HashMap::new();
    let Some(o) = git(top, &["log", "--format=%x01%H %cI", "--name-only", "-z"]).filter(|o| o.status.success()) else {
        return map;
    };
    let mut current: Option<(String, String)> = None;
    for field in o.stdout.split(|&b| b == 0) {
        let text = String::from_utf8_lossy(field);
        let mut text = text.trim_start_matches('\n');
        if let Some(header) = text.strip_prefix('\u{1}') {
            // A commit's header; `-z` puts its first path after a line end.
            let (head, first) = header.split_once('\n').unwrap_or((header, ""));
            current = head.split_once(' ').map(|(h, d)| (h.to_string(), d.to_string()));
            text = first;
        }
        if let (false, Some(c)) = (text.is_empty(), &current) {
            map.entry(text.to_string()).or_insert_with(|| c.clone());
        }
    }
    map
}

fn nul_list(out: &[u8]) -> HashSet<String> {
    out.split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

impl Repo {
    /// The repository `dir` is in; `None` when it is in none or git is not
    /// installed.
    pub fn open(dir: &Path) -> Option<Repo> {
        let out = git(dir, &["rev-parse", "--show-toplevel"])?;
        if !out.status.success() {
            return None;
        }
        let top = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r']));
        let top = top.canonicalize().unwrap_or(top);
        Some(Repo {
            top,
            commits: HashMap::new(),
            unknown: Default::default(),
            last: std::sync::OnceLock::new(),
            head: None,
        })
    }

    /// For a repository kept from one analysis to the next (`serve`):
    /// forgets what may have changed since (each handoff commit's list of
    /// files changed in the working tree; which commits git knows, as a
    /// fetch adds some) and, when HEAD moved, each path's last commit. One
    /// process (`rev-parse HEAD`), where opening the repository again read
    /// its whole history.
    pub fn renew(&mut self) {
        self.commits.clear();
        self.unknown.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        let head = git(&self.top, &["rev-parse", "--verify", "--quiet", "HEAD"])
            .filter(|o| o.status.success())
            .map(|o| o.stdout);
        if head.is_none() || head != self.head {
            self.last = std::sync::OnceLock::new();
        }
        self.head = head;
    }

    fn handoff(&mut self, commit: &str) -> Option<&Handoff> {
        if !self.commits.contains_key(commit) {
            let (h, unknown) = self.load(commit);
            self.unknown.lock().unwrap().insert(commit.to_string(), unknown);
            self.commits.insert(commit.to_string(), h);
        }
        self.commits.get(commit).and_then(Option::as_ref)
    }

    /// The handoff commit's lists, and whether git said it does not know
    /// the commit.
    fn load(&self, commit: &str) -> (Option<Handoff>, bool) {
        // Only a hexadecimal commit name: never an option or a ref expression.
        if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return (None, false);
        }
        let Some(out) = git(
            &self.top,
            &["rev-parse", "--verify", "--quiet", &format!("{commit}^{{commit}}")],
        ) else {
            return (None, false);
        };
        if !out.status.success() {
            return (None, true);
        }
        (self.lists(out), false)
    }

    fn lists(&self, out: Output) -> Option<Handoff> {
        let full = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let diff = git(&self.top, &["diff", "--name-only", "--no-renames", "-z", &full, "--"])?;
        let tree = git(&self.top, &["ls-tree", "-r", "--name-only", "--full-tree", "-z", &full])?;
        if !diff.status.success() || !tree.status.success() {
            return None;
        }
        Some(Handoff {
            full,
            changed: nul_list(&diff.stdout),
            existed: nul_list(&tree.stdout),
        })
    }

    /// Whether git knows `commit` (asked once per commit).
    fn knows(&self, commit: &str) -> bool {
        if let Some(unknown) = self.unknown.lock().unwrap().get(commit) {
            return !unknown;
        }
        let unknown = git(
            &self.top,
            &["rev-parse", "--verify", "--quiet", &format!("{commit}^{{commit}}")],
        )
        .is_some_and(|o| !o.status.success());
        self.unknown.lock().unwrap().insert(commit.to_string(), unknown);
        !unknown
    }

    /// `path` relative to the repository top, `/`-separated.
    fn rel(&self, path: &Path) -> Result<String, String> {
        let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let rel = abs
            .strip_prefix(&self.top)
            .map_err(|_| "the source file is outside the git repository".to_string())?;
        Ok(rel.to_string_lossy().replace('\\', "/"))
    }

    /// The bytes of the file at `path` as committed in `commit`
    /// (`git show <commit>:<path>`).
    pub fn show(&self, path: &Path, commit: &str) -> Result<Vec<u8>, String> {
        if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{commit}` is not a commit hash"));
        }
        let rel = self.rel(path)?;
        if !self.knows(commit) {
            return Err(format!("git has no `{rel}` at {}", short(commit)));
        }
        match git(&self.top, &["show", &format!("{commit}:{rel}")]) {
            Some(o) if o.status.success() => Ok(o.stdout),
            Some(_) => Err(format!("git has no `{rel}` at {}", short(commit))),
            None => Err("git does not run".into()),
        }
    }

    /// The commit the file at `path` is as in the working tree: `HEAD`, when
    /// the file has no uncommitted change; `None` otherwise.
    pub fn clean_head(&self, path: &Path) -> Option<String> {
        let rel = self.rel(path).ok()?;
        let status = git(&self.top, &["status", "--porcelain", "--", &rel]).filter(|o| o.status.success())?;
        if !status.stdout.is_empty() {
            return None;
        }
        let head = git(&self.top, &["rev-parse", "--verify", "--quiet", "HEAD"]).filter(|o| o.status.success())?;
        let h = String::from_utf8_lossy(&head.stdout).trim().to_string();
        (!h.is_empty()).then_some(h)
    }

    /// The last commit that touched the file at `path`: (hash, ISO date).
    pub fn last_commit(&self, path: &Path) -> Option<(String, String)> {
        let rel = self.rel(path).ok()?;
        self.last.get_or_init(|| last_commits(&self.top)).get(&rel).cloned()
    }

    /// Whether the file at `path` changed since `commit`.
    pub fn verdict(&mut self, path: &Path, commit: &str) -> Verdict {
        let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let Ok(rel) = abs.strip_prefix(&self.top) else {
            return Verdict::Unknown("the source file is outside the git repository".into());
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let top = self.top.clone();
        let Some(h) = self.handoff(commit) else {
            return Verdict::Unknown(format!("git does not know commit `{commit}`"));
        };
        if !h.existed.contains(&rel) {
            return Verdict::Unknown(format!(
                "`{rel}` did not exist at commit {} (renamed or moved since?)",
                short(&h.full)
            ));
        }
        let full = h.full.clone();
        if !h.changed.contains(&rel) {
            return Verdict::Unchanged { commit: full };
        }
        let last = git(&top, &["log", "-1", "--format=%H %cs", "--", &rel])
            .filter(|o| o.status.success())
            .and_then(|o| {
                let s = String::from_utf8_lossy(&o.stdout).trim().to_string();
                let (h, d) = s.split_once(' ')?;
                (h != full).then(|| (h.to_string(), d.to_string()))
            });
        Verdict::Changed { commit: full, last }
    }
}

pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}
