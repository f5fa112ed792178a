//! Translation status: for every source article in every other locale,
//! whether its translation is current, stale, missing or unknown, and
//! whether it is machine (MT) or human (HT) translated.
//!
//! The rule (README "Translation status"):
//! 1. `ms.openlocfilehash` is 40 or 64 hex digits: it is compared with the
//!    SHA-1 (SHA-256) of the current source file's bytes, with their line
//!    ends as they are, as CRLF or as LF (`hash::matches`). Equal: current;
//!    different: stale.
//! 2. Otherwise, when the site is in a git repository and
//!    `ms.sourcegitcommit` names a commit git knows in which the source file
//!    existed: unchanged since that commit is current, changed is stale.
//! 3. Otherwise: unknown. polydoc never guesses.

use super::git::{self, Repo, Verdict};
use super::hash::{Algorithm, Sums};
use crate::config::Config;
use crate::frontmatter::Date;
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Current,
    Stale,
    Unknown,
    Missing,
}

/// A message as a template of the theme's words (`l10n_reason_<key>`,
/// `{name}` filled in) with its values: the same words as the English
/// message, in the language of the page that shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Said {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Said {
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Said {
        Said { key, args }
    }

    /// In the words of `strings`, when they have the template.
    pub fn in_words(&self, strings: &crate::i18n::Strings) -> Option<String> {
        let mut out = strings.map.get(&format!("l10n_reason_{}", self.key))?.clone();
        for (name, value) in &self.args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        Some(out)
    }
}

impl ArticleStatus {
    /// `reason` in the words of `strings` where they have it, else English.
    pub fn reason_in(&self, strings: &crate::i18n::Strings) -> String {
        self.said
            .as_ref()
            .and_then(|s| s.in_words(strings))
            .unwrap_or_else(|| self.reason.clone())
    }

    /// `current (metadata changed)` and the like, for people.
    pub fn label(&self) -> String {
        if self.metadata_changed {
            "current (metadata changed)".into()
        } else {
            self.state.as_str().into()
        }
    }

    /// Takes the source's change since the handoff into account: a change in
    /// front matter only leaves the translation current.
    pub fn apply_changes(&mut self, changes: super::changes::Changes) {
        if self.state == State::Stale && changes.metadata_only {
            self.state = State::Current;
            self.metadata_changed = true;
            self.reason = format!(
                "current (metadata changed): only the source's front matter changed since the handoff ({})",
                self.reason
            );
            self.said = Some(Said::new("metadata_changed", Vec::new()));
        }
        self.changes = Some(changes);
    }
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Stale => "stale",
            State::Unknown => "unknown",
            State::Missing => "missing",
        }
    }
}

/// What decided the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Hash,
    Git,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleStatus {
    pub locale: String,
    #[serde(skip)]
    pub locale_index: usize,
    /// Article path inside the locale trees.
    pub rel: String,
    /// The translation's file (site-relative); `None` when missing.
    pub file: Option<String>,
    pub source_file: String,
    pub state: State,
    pub basis: Option<Basis>,
    /// `MT`, `HT`, or what `ms.translationtype` says, upper-cased.
    pub translation_type: Option<String>,
    pub machine_translated: bool,
    /// `ms.lasthandoff`, ISO.
    pub lasthandoff: Option<String>,
    #[serde(skip)]
    pub lasthandoff_date: Option<Date>,
    /// Why, in words.
    pub reason: String,
    /// `reason` as a template of the theme's words, for pages in the
    /// reader's language (`None`: shown as `reason`).
    #[serde(skip)]
    pub said: Option<Said>,
    /// `ms.openlocfilehash` as written.
    pub recorded_hash: Option<String>,
    /// The current source's hash by the same algorithm (when the recorded
    /// one is a hash).
    pub source_hash: Option<String>,
    pub source_commit: Option<String>,
    /// The source file's last commit (hash, date) when git says it changed.
    pub source_changed_in: Option<(String, String)>,
    /// The source file's last commit and its date (git, when available).
    pub source_current_commit: Option<String>,
    pub source_current_date: Option<String>,
    /// Where the source text at the handoff came from (verified against
    /// `ms.openlocfilehash`), or why there is none.
    pub handoff_source: Option<super::handoff::Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff_missing: Option<String>,
    /// The source changed in its front matter only: current, nothing to
    /// retranslate.
    pub metadata_changed: bool,
    /// What changed in the source since the handoff (when the handoff text
    /// is known).
    pub changes: Option<super::changes::Changes>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub locale: String,
    pub name: String,
    /// Source articles (the 100%).
    pub total: usize,
    pub current: usize,
    pub stale: usize,
    pub unknown: usize,
    pub missing: usize,
    /// Translated articles marked `ms.translationtype: MT`.
    pub mt: usize,
    /// Translated articles not marked MT.
    pub ht: usize,
    /// Source words added or changed since the handoffs, over the stale
    /// translations whose handoff text is known.
    pub words_to_retranslate: usize,
}

impl Coverage {
    pub fn percent(&self, n: usize) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (n as f64 * 1000.0 / self.total as f64).round() / 10.0
        }
    }
}

/// Status of every (non-source locale, source article) pair, in locale then
/// path order.
pub fn collect(config: &Config, site: &Site, only: Option<&str>, repo: Option<&mut Repo>) -> Vec<ArticleStatus> {
    collect_kept(config, site, only, None, repo)
}

/// `collect`, for only the translations (locale, path) that `keep` takes
/// (a shard's).
pub fn collect_kept(
    config: &Config,
    site: &Site,
    only: Option<&str>,
    keep: Option<&crate::l10n::Keep<'_>>,
    repo: Option<&mut Repo>,
) -> Vec<ArticleStatus> {
    settle(pending(config, site, only, keep, None), site, repo)
}

/// Statuses all but decided, and the git question of those that have
/// one, by their place (`settle` asks them).
pub struct Pending {
    statuses: Vec<ArticleStatus>,
    asks: Vec<(usize, Ask)>,
}

/// What `decide_by_git` needs: the source article, why the hash did not
/// decide.
struct Ask {
    source: usize,
    why_not: Vec<String>,
}

/// The statuses of `collect_kept` as far as they go without git: each on
/// any thread (10,000 a locale: alone on one thread this was the longest
/// step of the translation stage), in order, so the repository can be
/// looked for meanwhile.
///
/// `memo`: where a build with the cache keeps each source file's hashes
/// (a warm build then reads and hashes no source file for them).
pub fn pending(
    config: &Config,
    site: &Site,
    only: Option<&str>,
    keep: Option<&crate::l10n::Keep<'_>>,
    memo: Option<&dyn crate::l10n::Memo>,
) -> Pending {
    // The source's pages (each shows its own article) and each
    // translation locale's page at the same path, both lists sorted by
    // path: walked side by side, no page looked up by its path (20,000
    // lookups of a large site, each a few cache misses).
    let sources: Vec<(usize, &crate::parse::Article)> = site
        .locale_pages(0)
        .iter()
        .filter(|p| only.is_none_or(|r| r == p.rel))
        .map(|p| (p.article, &site.articles[p.article]))
        .collect();
    let mut items: Vec<(usize, usize, &crate::parse::Article, &crate::site::Page)> = Vec::new();
    for li in 1..config.locales.len() {
        let mut theirs = site.locale_pages(li).iter().peekable();
        for &(si, src) in &sources {
            while theirs.next_if(|p| p.rel.as_str() < src.rel.as_str()).is_some() {}
            if let Some(page) = theirs.next_if(|p| p.rel == src.rel) {
                items.push((li, si, src, page));
            }
        }
    }
    // (Each status written straight into its place in a list sized once:
    // a `filter_map` collected in parallel pushes each large status
    // through growing lists and copies it again, in fresh memory.)
    let made: Vec<Option<(ArticleStatus, Option<Ask>)>> = items
        .into_par_iter()
        .map(|(li, si, src, page)| {
            if keep.is_some_and(|k| !k(li, &src.rel)) {
                return None;
            }
            let mut st = blank(config, li, &src.rel, &src.display);
            if page.fallback || page.article == si {
                st.reason = format!("no translation: {} shows the source with a notice", page.url);
                st.said = Some(Said::new("fallback", vec![("url", page.url.clone())]));
                return Some((st, None));
            }
            // (`decide` says why, whatever it finds.)
            let tr = &site.articles[page.article];
            st.file = Some(tr.display.clone());
            fill(&mut st, &tr.fm);
            let sums = |alg| match memo {
                Some(m) => m.sums(si, alg, &|| read_sums(&src.abs, alg)),
                None => read_sums(&src.abs, alg),
            };
            let ask = decide_by_hash(&mut st, &sums).map(|why_not| Ask { source: si, why_not });
            Some((st, ask))
        })
        .collect();
    // (The statuses moved out in place: a status is large, 10,000 of them
    // copied were 1 MB of fresh memory.)
    let mut asks = Vec::new();
    // (`filter_map`, not `flatten`: only the first closes the list up in
    // place, in the memory it has.)
    #[allow(clippy::filter_map_identity)]
    let statuses = made
        .into_iter()
        .filter_map(|m| m)
        .enumerate()
        .map(|(i, (st, ask))| {
            asks.extend(ask.map(|a| (i, a)));
            st
        })
        .collect();
    Pending { statuses, asks }
}

/// `pending`'s statuses decided, git asked in order on this thread (`Repo`
/// answers one question at a time, from what it has read so far).
pub fn settle(pending: Pending, site: &Site, mut repo: Option<&mut Repo>) -> Vec<ArticleStatus> {
    let Pending { mut statuses, asks } = pending;
    for (i, Ask { source, why_not }) in asks {
        decide_by_git(
            &mut statuses[i],
            &site.articles[source].abs,
            repo.as_deref_mut(),
            why_not,
        );
    }
    statuses
}

/// A status for `rel` in locale `li`: missing until told otherwise.
pub(super) fn blank(config: &Config, li: usize, rel: &str, source_display: &str) -> ArticleStatus {
    ArticleStatus {
        locale: config.locales[li].code.clone(),
        locale_index: li,
        rel: rel.to_string(),
        file: None,
        source_file: source_display.to_string(),
        state: State::Missing,
        basis: None,
        translation_type: None,
        machine_translated: false,
        lasthandoff: None,
        lasthandoff_date: None,
        reason: String::new(),
        said: None,
        recorded_hash: None,
        source_hash: None,
        source_commit: None,
        source_changed_in: None,
        source_current_commit: None,
        source_current_date: None,
        handoff_source: None,
        handoff_missing: None,
        metadata_changed: false,
        changes: None,
    }
}

/// The localization keys of a translation's front matter.
pub(super) fn fill(st: &mut ArticleStatus, fm: &crate::frontmatter::FrontMatter) {
    st.translation_type = fm.ms_translationtype.as_ref().map(|t| t.trim().to_ascii_uppercase());
    st.machine_translated = fm.machine_translated();
    st.lasthandoff_date = fm.ms_lasthandoff;
    st.lasthandoff = fm.ms_lasthandoff.map(|d| d.iso());
    st.recorded_hash = fm.ms_openlocfilehash.as_ref().map(|h| h.trim().to_string());
    st.source_commit = fm.ms_sourcegitcommit.as_ref().map(|c| c.trim().to_string());
}

pub(super) fn decide(st: &mut ArticleStatus, source: &std::path::Path, repo: Option<&mut Repo>) {
    if let Some(why_not) = decide_by_hash(st, &|alg| read_sums(source, alg)) {
        decide_by_git(st, source, repo, why_not);
    }
}

/// The source file `source` read and hashed by `alg`.
fn read_sums(source: &std::path::Path, alg: Algorithm) -> std::io::Result<Sums> {
    std::fs::read(source).map(|bytes| Sums::of(&bytes, alg))
}

/// `decide` by the recorded hash alone, the source file's hashes by the
/// recorded hash's algorithm from `sums`: `None` when decided, else why not.
fn decide_by_hash(st: &mut ArticleStatus, sums: &dyn Fn(Algorithm) -> std::io::Result<Sums>) -> Option<Vec<String>> {
    let mut why_not = Vec::new();
    match st.recorded_hash.as_deref().map(|h| (h, Algorithm::of(h))) {
        Some((recorded, Some(alg))) => match sums(alg) {
            Ok(sums) => {
                let actual = sums.loc_hash();
                st.basis = Some(Basis::Hash);
                if sums.matches(recorded) {
                    st.state = State::Current;
                    st.reason = "ms.openlocfilehash matches the source file".into();
                    st.said = Some(Said::new("hash_matches", Vec::new()));
                } else {
                    st.state = State::Stale;
                    st.reason = format!(
                        "the source changed after the handoff: ms.openlocfilehash {} is not the source file's {}",
                        git::short(recorded),
                        git::short(&actual)
                    );
                    st.said = Some(Said::new(
                        "hash_changed",
                        vec![
                            ("recorded", git::short(recorded).to_string()),
                            ("actual", git::short(&actual).to_string()),
                        ],
                    ));
                }
                st.source_hash = Some(actual);
                return None;
            }
            Err(e) => why_not.push(format!("cannot read the source file: {e}")),
        },
        Some((recorded, None)) => why_not.push(format!(
            "ms.openlocfilehash `{recorded}` is not a SHA-1 or SHA-256 hash"
        )),
        None => why_not.push("no ms.openlocfilehash".into()),
    }
    Some(why_not)
}

/// `decide` by what git says (the hash did not decide, for `why_not`).
fn decide_by_git(st: &mut ArticleStatus, source: &std::path::Path, repo: Option<&mut Repo>, mut why_not: Vec<String>) {
    match (st.source_commit.clone(), repo) {
        (None, _) => why_not.push("no ms.sourcegitcommit".into()),
        (Some(_), None) => why_not.push("the site is not in a git repository".into()),
        (Some(commit), Some(repo)) => match repo.verdict(source, &commit) {
            Verdict::Unchanged { commit } => {
                st.state = State::Current;
                st.basis = Some(Basis::Git);
                st.reason = format!("git: the source file is unchanged since {}", git::short(&commit));
                st.said = Some(Said::new(
                    "git_unchanged",
                    vec![("commit", git::short(&commit).to_string())],
                ));
                return;
            }
            Verdict::Changed { commit, last } => {
                st.state = State::Stale;
                st.basis = Some(Basis::Git);
                st.reason = match &last {
                    Some((h, d)) => format!(
                        "git: the source file changed since {} (last in {} on {d})",
                        git::short(&commit),
                        git::short(h)
                    ),
                    None => format!(
                        "git: the source file changed since {} (not committed yet)",
                        git::short(&commit)
                    ),
                };
                let since = ("commit", git::short(&commit).to_string());
                st.said = Some(match &last {
                    Some((h, d)) => Said::new(
                        "git_changed",
                        vec![since, ("last", git::short(h).to_string()), ("date", d.clone())],
                    ),
                    None => Said::new("git_uncommitted", vec![since]),
                });
                st.source_changed_in = last;
                return;
            }
            Verdict::Unknown(why) => why_not.push(why),
        },
    }
    st.state = State::Unknown;
    st.reason = format!("cannot tell: {}", why_not.join("; "));
    st.said = None;
}

/// Counts per non-source locale.
pub fn coverage(config: &Config, statuses: &[ArticleStatus]) -> Vec<Coverage> {
    config
        .locales
        .iter()
        .enumerate()
        .skip(1)
        .map(|(li, l)| {
            let mut c = Coverage {
                locale: l.code.clone(),
                name: l.name.clone(),
                ..Default::default()
            };
            for s in statuses.iter().filter(|s| s.locale_index == li) {
                c.total += 1;
                match s.state {
                    State::Current => c.current += 1,
                    State::Stale => c.stale += 1,
                    State::Unknown => c.unknown += 1,
                    State::Missing => c.missing += 1,
                }
                if s.state == State::Stale {
                    c.words_to_retranslate += s.changes.as_ref().map_or(0, |x| x.to_retranslate());
                }
                if s.state != State::Missing {
                    if s.machine_translated {
                        c.mt += 1;
                    } else {
                        c.ht += 1;
                    }
                }
            }
            c
        })
        .collect()
}

/// The articles that need a translator: stale, unknown and missing, oldest
/// handoff first (no handoff date last), then by locale and path.
pub fn attention(statuses: &[ArticleStatus]) -> Vec<&ArticleStatus> {
    let mut v: Vec<&ArticleStatus> = statuses.iter().filter(|s| s.state != State::Current).collect();
    v.sort_by(|a, b| {
        let key = |s: &ArticleStatus| (s.lasthandoff_date.is_none(), s.lasthandoff_date, s.state);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.locale_index.cmp(&b.locale_index))
            .then_with(|| a.rel.cmp(&b.rel))
    });
    v
}
