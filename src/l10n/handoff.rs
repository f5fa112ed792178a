//! The source text a translation was made from: the source file at the
//! translation's `ms.sourcegitcommit`, from git (`git show <commit>:<path>`
//! in the repository holding the source locale) or from a folder of handoff
//! snapshots laid out `<commit>/<path>` (`[l10n] handoff_sources`). A text
//! is trusted only when it hashes to the translation's `ms.openlocfilehash`
//! (or, without such a hash, when git gave it for that very commit).

use super::git::Repo;
use super::hash::{matches, Algorithm};
use crate::config::Config;
use std::path::{Path, PathBuf};

/// Where the handoff text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Git,
    Snapshot,
}

#[derive(Debug, Clone)]
pub struct Handoff {
    pub text: String,
    /// The commit as recorded (`ms.sourcegitcommit`).
    pub commit: String,
    pub origin: Origin,
}

/// Where handoff texts can come from for one build.
pub struct Sources<'a> {
    repo: Option<&'a Repo>,
    snapshots: Option<PathBuf>,
    /// The source locale root's trailing folder names, innermost last
    /// (`["docs"]` for `…/repo/docs`): a snapshot keeps repository paths,
    /// so `<commit>/docs/<rel>` is tried after `<commit>/<rel>`.
    prefixes: Vec<String>,
}

impl<'a> Sources<'a> {
    pub fn new(config: &Config, repo: Option<&'a Repo>) -> Sources<'a> {
        let snapshots = config.l10n.handoff_sources.as_ref().map(|d| {
            let p = config.site_root.join(d);
            p.canonicalize().unwrap_or(p)
        });
        let root = &config.locales[0].root;
        let root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let names: Vec<String> = root
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let prefixes = (0..names.len().min(4))
            .map(|k| names[names.len() - k..].join("/"))
            .collect();
        Sources {
            repo,
            snapshots,
            prefixes,
        }
    }

    /// The source text of `rel` (path inside the source locale, file
    /// `source_abs`) at `commit`, checked against `recorded_hash`. `Err`
    /// says why there is none.
    pub fn find(
        &self,
        rel: &str,
        source_abs: &Path,
        commit: Option<&str>,
        recorded_hash: Option<&str>,
    ) -> Result<Handoff, String> {
        let commit = commit
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or("no ms.sourcegitcommit")?;
        if !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("ms.sourcegitcommit `{commit}` is not a commit hash"));
        }
        let recorded = recorded_hash.filter(|h| Algorithm::of(h).is_some());
        let mut why = Vec::new();
        let check = |bytes: Vec<u8>, origin: Origin, trusted: bool| -> Result<Handoff, String> {
            let ok = match recorded {
                Some(h) => matches(&bytes, h),
                None => trusted,
            };
            let what = match origin {
                Origin::Git => "git's",
                Origin::Snapshot => "the snapshot's",
            };
            if !ok {
                return Err(format!("{what} text does not hash to ms.openlocfilehash"));
            }
            match String::from_utf8(bytes) {
                Ok(t) => Ok(Handoff {
                    text: t.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(t),
                    commit: commit.to_string(),
                    origin,
                }),
                Err(_) => Err(format!("{what} text is not UTF-8")),
            }
        };
        if let Some(repo) = self.repo {
            match repo.show(source_abs, commit) {
                Ok(bytes) => match check(bytes, Origin::Git, true) {
                    Ok(h) => return Ok(h),
                    Err(e) => why.push(e),
                },
                Err(e) => why.push(e),
            }
        }
        if let Some(dir) = &self.snapshots {
            match self.snapshot(dir, commit, rel) {
                Some(bytes) => match check(bytes, Origin::Snapshot, false) {
                    Ok(h) => return Ok(h),
                    Err(e) => why.push(e),
                },
                None => why.push(format!("no snapshot of `{rel}` at {}", super::git::short(commit))),
            }
        }
        if why.is_empty() {
            why.push("no git history and no [l10n] handoff_sources".into());
        }
        Err(why.join("; "))
    }

    /// `<dir>/<commit>/<prefix>/<rel>`, first that exists, read only when it
    /// really is inside `dir` (no link leading out).
    fn snapshot(&self, dir: &Path, commit: &str, rel: &str) -> Option<Vec<u8>> {
        let base = dir.join(commit);
        for p in &self.prefixes {
            let f = if p.is_empty() {
                base.join(rel)
            } else {
                base.join(p).join(rel)
            };
            let Ok(real) = f.canonicalize() else {
                continue;
            };
            if real.starts_with(dir) && real.is_file() {
                return std::fs::read(real).ok();
            }
        }
        None
    }
}
