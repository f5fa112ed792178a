//! Every translated file that is not an article: include files (Markdown
//! under `includes/`, with the articles that use them), TOC files
//! (`toc.yml`, `TOC.md`) and YAML pages (`### YamlMime:` other than the
//! landing pages already published as articles). Each gets the article
//! rule (hash, then git) where it carries the localization keys, else
//! `present` or `missing`.

use super::git::Repo;
use super::status::{ArticleStatus, State};
use crate::config::Config;
use crate::site::Site;
use regex::Regex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use walkdir::WalkDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Include,
    Toc,
    Yaml,
    /// A translated article the source no longer has.
    Orphan,
}

/// One translated (or untranslated) file that is not an article.
#[derive(Debug, Clone, Serialize)]
pub struct FileStatus {
    pub kind: Kind,
    /// `present`: translated, without the localization keys to tell more.
    pub label: String,
    #[serde(flatten)]
    pub status: ArticleStatus,
    /// Articles of the locale that include this file (includes only).
    pub used_by: Vec<String>,
    /// The review findings on an include's own content (see `includes`);
    /// `l10n status --format json` gives their count.
    #[serde(serialize_with = "count")]
    pub findings: Vec<super::findings::Finding>,
    /// A stale include's source text at the handoff and its commit, until
    /// its findings are made.
    #[serde(skip)]
    pub(super) handoff: Option<(String, String)>,
}

fn count<S: serde::Serializer>(v: &[super::findings::Finding], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(v.len() as u64)
}

fn kind_of(rel: &str, abs: &Path) -> Option<Kind> {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name == "toc.yml" || name == "toc.md" {
        return Some(Kind::Toc);
    }
    if name.ends_with(".md") && lower.split('/').rev().skip(1).any(|s| s == "includes") {
        return Some(Kind::Include);
    }
    if name.ends_with(".yml") {
        let head = std::fs::read(abs).ok()?;
        let text = String::from_utf8_lossy(&head[..head.len().min(256)]).into_owned();
        let first = text
            .trim_start_matches('\u{FEFF}')
            .lines()
            .find(|l| !l.trim().is_empty())?;
        if first.trim_start().starts_with("### YamlMime:") {
            return Some(Kind::Yaml);
        }
    }
    None
}

/// Whether the file `e` may be of a kind `kind_of` knows, by its name and
/// folders alone: a TOC or YAML file, or Markdown in an `includes` folder
/// (`kind_of` says what it is).
fn maybe_of_a_kind(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().as_encoded_bytes();
    let ends =
        |suffix: &[u8]| name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix);
    if ends(b".yml") {
        return true;
    }
    ends(b".md")
        && (name.eq_ignore_ascii_case(b"toc.md")
            || e.path().parent().is_some_and(|p| {
                p.components()
                    .any(|c| c.as_os_str().as_encoded_bytes().eq_ignore_ascii_case(b"includes"))
            }))
}

/// The source locale's include, TOC and YAML files by path, each with
/// its kind and file.
pub(super) type Sources = BTreeMap<String, (Kind, std::path::PathBuf)>;

/// The source locale's files of these kinds, by path.
pub(super) fn source_files(config: &Config) -> Sources {
    let root = &config.locales[0].root;
    let mut out = BTreeMap::new();
    // (Unsorted: the map sorts. The articles, nearly every file, are
    // passed over by their names, before any path is made.)
    let walker = WalkDir::new(root).follow_links(false).into_iter();
    for e in walker
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."))
        .flatten()
    {
        if !e.file_type().is_file() || !maybe_of_a_kind(&e) {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if let Some(k) = kind_of(&rel, e.path()) {
            out.insert(rel, (k, e.path().to_path_buf()));
        }
    }
    out
}

fn include_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\[!INCLUDE\s*\[[^\]]*\]\(\s*([^)\s]+)\s*\)\s*\]").unwrap())
}

/// Include path `target` written in the article at `rel`, as a path in the
/// locale tree.
fn resolve(rel: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or("").replace('\\', "/");
    let joined = match target.strip_prefix("~/").or_else(|| target.strip_prefix('/')) {
        Some(t) => t.to_string(),
        None => match rel.rfind('/') {
            Some(i) => format!("{}/{target}", &rel[..i]),
            None => target,
        },
    };
    let mut parts: Vec<&str> = Vec::new();
    crate::links::push_segments(&mut parts, &joined);
    parts.join("/")
}

/// Which articles of locale `li` include which files (paths in the tree).
fn includers(site: &Site, li: usize) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in site.articles.iter().filter(|a| a.locale == li) {
        let Some(text) = super::read_text(&a.abs) else {
            continue;
        };
        for c in include_re().captures_iter(&text) {
            let target = resolve(&a.rel, &c[1]);
            let users = out.entry(target).or_default();
            if !users.contains(&a.rel) {
                users.push(a.rel.clone());
            }
        }
    }
    out
}

/// The status of every include, TOC and YAML file in every translation
/// locale.
pub fn collect(config: &Config, site: &Site, articles: &[ArticleStatus], repo: Option<&mut Repo>) -> Vec<FileStatus> {
    collect_from(config, site, articles, repo, source_files(config))
}

/// `collect`, with the source locale's files found (`source_files`).
pub(super) fn collect_from(
    config: &Config,
    site: &Site,
    articles: &[ArticleStatus],
    mut repo: Option<&mut Repo>,
    sources: Sources,
) -> Vec<FileStatus> {
    let mut out = Vec::new();
    for (li, locale) in config.locales.iter().enumerate().skip(1) {
        // (Every article of the locale read: only when there are
        // includes to say who uses.)
        let used = if sources.values().any(|(kind, _)| *kind == Kind::Include) {
            includers(site, li)
        } else {
            BTreeMap::new()
        };
        for (rel, (kind, src_abs)) in &sources {
            // Landing pages are articles: their status is there already.
            if articles.iter().any(|s| s.locale_index == li && s.rel == *rel) {
                continue;
            }
            let abs = locale.root.join(rel);
            let translated = abs.is_file() && config.fence.admit(&abs).is_ok();
            let mut st = super::status::blank(
                config,
                li,
                rel,
                &crate::discover::display_path(&config.site_root, src_abs),
            );
            let mut handoff = None;
            let label = if !translated {
                st.reason = "not translated: the source's file is used".into();
                st.said = Some(super::status::Said::new("source_used", Vec::new()));
                "missing".to_string()
            } else {
                st.file = Some(crate::discover::display_path(&config.site_root, &abs));
                let fm = super::read_text(&abs)
                    .and_then(|t| {
                        let split = crate::frontmatter::split(&t);
                        let yaml = split.yaml?.to_string();
                        crate::frontmatter::parse(&yaml, split.yaml_line, rel, &mut Vec::new()).ok()
                    })
                    .unwrap_or_default();
                if fm.ms_openlocfilehash.is_none() && fm.ms_sourcegitcommit.is_none() {
                    st.state = State::Unknown;
                    st.reason =
                        "translated; no ms.openlocfilehash or ms.sourcegitcommit to tell whether it is current".into();
                    st.said = Some(super::status::Said::new("no_keys", Vec::new()));
                    "present".to_string()
                } else {
                    super::status::fill(&mut st, &fm);
                    super::status::decide(&mut st, src_abs, repo.as_deref_mut());
                    let sources = super::handoff::Sources::new(config, repo.as_deref());
                    match sources.find(rel, src_abs, st.source_commit.as_deref(), st.recorded_hash.as_deref()) {
                        Ok(h) => {
                            st.handoff_source = Some(h.origin);
                            if st.state == State::Stale {
                                if let Some(now) = super::read_text(src_abs) {
                                    st.apply_changes(super::changes::compare(&h.text, &now));
                                }
                                if *kind == Kind::Include {
                                    handoff = Some((h.text, h.commit));
                                }
                            }
                        }
                        Err(why) => st.handoff_missing = Some(why),
                    }
                    st.label()
                }
            };
            let used_by = if *kind == Kind::Include {
                used.get(rel).cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            out.push(FileStatus {
                kind: *kind,
                label,
                status: st,
                used_by,
                findings: Vec::new(),
                handoff,
            });
        }
        // Translations whose source article is gone (removed or renamed
        // since the handoff): listed, never silently dropped.
        for a in site
            .articles
            .iter()
            .filter(|a| a.locale == li && site.page(0, &a.rel).is_none())
        {
            if site.articles.iter().any(|s| s.locale == 0 && s.rel == a.rel) || sources.contains_key(&a.rel) {
                continue;
            }
            let mut st = super::status::blank(config, li, &a.rel, "");
            st.file = Some(a.display.clone());
            super::status::fill(&mut st, &a.fm);
            st.state = State::Unknown;
            st.reason = format!(
                "the source locale has no `{}` (removed or renamed since the handoff?): nothing to compare with",
                a.rel
            );
            st.said = Some(super::status::Said::new("orphan", vec![("rel", a.rel.clone())]));
            out.push(FileStatus {
                kind: Kind::Orphan,
                label: "no source".into(),
                status: st,
                used_by: Vec::new(),
                findings: Vec::new(),
                handoff: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn include_paths() {
        assert_eq!(super::resolve("guide/a.md", "../includes/x.md"), "includes/x.md");
        assert_eq!(super::resolve("guide/a.md", "includes/x.md"), "guide/includes/x.md");
        assert_eq!(super::resolve("guide/a.md", "~/includes/x.md"), "includes/x.md");
    }
}
