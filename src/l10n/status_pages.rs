//! The translation status pages: `_l10n/index.html` (every locale) and
//! `_l10n/<locale>/index.html`, a row per translation with its state, words
//! to translate again and findings, linking to its review page.

use super::page_words::{context, review_dir, state_label, word};
use super::status::State;
use super::L10n;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::{Content, OutFile};
use crate::render::Theme;
use crate::site::relative_url;
use serde_json::{json, Map, Value};

/// The status pages (`_l10n/index.html` and `_l10n/<locale>/index.html`)
/// from the statuses and, per status (index into `l10n.statuses`) that has
/// a review, its number of findings: a full build counts its reviews,
/// `merge` reads the counts its shards wrote.
pub fn status_pages_with(
    config: &Config,
    theme: &Theme,
    l10n: &L10n,
    findings: &Counts,
    emit: &(dyn Fn(OutFile) + Sync),
) -> Vec<Diagnostic> {
    status_pages_keyed(config, theme, l10n, findings, emit, None)
}

/// A status page's key from its path and what it is made from (besides
/// the configuration and the theme).
pub type PageKey<'a> = dyn Fn(&str, &[u8]) -> Option<[u8; 32]> + Sync + 'a;

/// A status page rendered, with the key it was made under.
type Made = (String, Result<(String, Option<[u8; 32]>), String>);

/// How a build with the cache writes the status pages: each under a key of
/// its path and what it is made from (`key`: the statuses, coverage, other
/// files and findings counts; the theme and configuration are the key's
/// business), neither its context made nor rendered when the output folder
/// holds it under that key (`in_place`).
pub struct KeyedPages<'a> {
    pub key: &'a PageKey<'a>,
    pub in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    pub write: &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
}

/// `status_pages_with`, through `keyed` when given.
pub fn status_pages_keyed(
    config: &Config,
    theme: &Theme,
    l10n: &L10n,
    findings: &Counts,
    emit: &(dyn Fn(OutFile) + Sync),
    keyed: Option<&KeyedPages>,
) -> Vec<Diagnostic> {
    if config.locales.len() < 2 || !config.l10n.review_pages {
        return Vec::new();
    }
    let mut diags = Vec::new();
    let mut push = |path: String, r: Result<(String, Option<[u8; 32]>), String>| match r {
        Ok((html, key)) => {
            let f = OutFile {
                path,
                content: Content::Bytes(html.into_bytes()),
            };
            match keyed {
                Some(k) => (k.write)(f, key),
                None => emit(f),
            }
        }
        Err(e) => diags.push(Diagnostic::error(
            "template",
            "",
            format!("cannot render the review page {path}: {e}"),
        )),
    };
    // The overview and each locale's page, rendered at once (each lists
    // every translation it covers: the longest pages of the site), then
    // emitted in order.
    use rayon::prelude::*;
    let scopes: Vec<Option<usize>> = std::iter::once(None)
        .chain((1..config.locales.len()).map(Some))
        .collect();
    // With `keyed`: everything the pages are made from besides the
    // configuration and the theme (the key's business), written once.
    let inputs = keyed.map(|_| {
        let mut reviews: Vec<_> = findings.reviews.iter().collect();
        reviews.sort_unstable();
        let mut files: Vec<_> = findings.files.iter().collect();
        files.sort_unstable();
        format!(
            "{:?}\n{:?}\n{:?}\n{reviews:?}\n{files:?}",
            l10n.statuses, l10n.coverage, l10n.files
        )
    });
    let rendered: Vec<Made> = scopes
        .into_par_iter()
        .filter_map(|only| {
            let path = match only {
                Some(li) => format!("_l10n/{}/index.html", config.locales[li].code),
                None => "_l10n/index.html".to_string(),
            };
            let key = keyed
                .zip(inputs.as_ref())
                .and_then(|(k, i)| (k.key)(&path, i.as_bytes()));
            if let (Some(k), Some(key)) = (keyed, &key) {
                if (k.in_place)(&path, key) {
                    return None;
                }
            }
            let title = word(&theme.strings[only.unwrap_or(0)], "l10n_status");
            let (ctx, rows) = index_context(config, theme, l10n, findings, only, title);
            // The default theme writes under 1 KB a row.
            let html = theme.render_sized("l10n-index.html", ctx, 64 * 1024 + rows * 2048);
            Some((path, html.map(|h| (h, key))))
        })
        .collect();
    for (path, r) in rendered {
        push(path, r);
    }
    diags
}

/// Findings counts for the status pages: per status (index into
/// `L10n::statuses`) that has a review, and per other file (locale index,
/// path) where they are not in `L10n::files` (a merge's).
#[derive(Debug, Default)]
pub struct Counts {
    pub reviews: std::collections::HashMap<usize, usize>,
    pub files: std::collections::HashMap<(usize, String), usize>,
}

/// A status page's template context, and its number of rows.
fn index_context(
    config: &Config,
    theme: &Theme,
    l10n: &L10n,
    findings: &Counts,
    only: Option<usize>,
    title: &str,
) -> (Map<String, Value>, usize) {
    let dir = match only {
        Some(li) => format!("_l10n/{}/", config.locales[li].code),
        None => "_l10n/".to_string(),
    };
    let mut ctx = context(config, theme, only.unwrap_or(0), &dir, title.to_string());
    let coverage: Vec<Value> = l10n
        .coverage
        .iter()
        .filter(|c| only.is_none_or(|li| config.locales[li].code == c.locale))
        .map(|c| {
            json!({
                "locale": c.locale, "name": c.name, "total": c.total,
                "current": c.current, "stale": c.stale, "unknown": c.unknown, "missing": c.missing,
                "mt": c.mt, "ht": c.ht, "words_to_retranslate": c.words_to_retranslate,
                "current_pct": c.percent(c.current), "stale_pct": c.percent(c.stale),
                "unknown_pct": c.percent(c.unknown), "missing_pct": c.percent(c.missing), "mt_pct": c.percent(c.mt),
                "url": relative_url(&dir, &format!("_l10n/{}/", c.locale)),
            })
        })
        .collect();
    let t = &theme.strings[only.unwrap_or(0)];
    let articles: Vec<Value> = l10n
        .statuses
        .iter()
        .enumerate()
        .filter(|(_, s)| only.is_none_or(|li| s.locale_index == li))
        .map(|(i, s)| {
            let review = findings.reviews.get(&i).copied();
            json!({
                "locale": s.locale,
                "rel": s.rel,
                "state": s.state.as_str(),
                "state_label": state_label(t, s),
                "metadata_changed": s.metadata_changed,
                "translation_type": s.translation_type.clone().unwrap_or_default(),
                "machine_translated": s.machine_translated,
                "lasthandoff": s.lasthandoff.clone().unwrap_or_default(),
                "reason": s.reason_in(t),
                "handoff_commit": s.source_commit.as_deref().map(|c| super::git::short(c).to_string()).unwrap_or_default(),
                "source_date": s.source_current_date.clone().unwrap_or_default(),
                "words_added": s.changes.as_ref().map(|c| c.words_added),
                "words_removed": s.changes.as_ref().map(|c| c.words_removed),
                "words_changed": s.changes.as_ref().map(|c| c.words_changed),
                "to_retranslate": s.changes.as_ref().filter(|_| s.state == State::Stale).map(|c| c.to_retranslate()),
                "sections_changed": s.changes.as_ref().map(|c| c.sections_added + c.sections_removed + c.sections_changed),
                "findings": review.unwrap_or(0),
                "review_url": review.map(|_| relative_url(&dir, &review_dir(&config.locales[s.locale_index].code, &s.rel))),
                "page_url": relative_url(&dir, &format!("{}/{}", s.locale, crate::site::article_url(&s.rel))),
            })
        })
        .collect();
    let rows = articles.len();
    let files: Vec<Value> = l10n
        .files
        .iter()
        .filter(|f| only.is_none_or(|li| f.status.locale_index == li))
        .map(|f| {
            json!({
                "kind": f.kind, "locale": f.status.locale, "rel": f.status.rel, "state": f.status.state.as_str(),
                "label": match f.label.as_str() {
                    "present" => word(t, "l10n_present").to_string(),
                    _ => state_label(t, &f.status),
                },
                "reason": f.status.reason_in(t), "translation_type": f.status.translation_type.clone().unwrap_or_default(),
                "lasthandoff": f.status.lasthandoff.clone().unwrap_or_default(),
                "findings": findings
                    .files
                    .get(&(f.status.locale_index, f.status.rel.clone()))
                    .copied()
                    .unwrap_or(f.findings.len()),
                "used_by": f.used_by.iter().map(|u| json!({"rel": u, "url": relative_url(&dir, &review_dir(&f.status.locale, u))})).collect::<Vec<_>>(),
            })
        })
        .collect();
    ctx.insert(
        "l10n".into(),
        json!({
            "files": files,
            "scope": only.map(|li| config.locales[li].code.clone()),
            "all_url": relative_url(&dir, "_l10n/"),
            "coverage": coverage,
            "articles": articles,
        }),
    );
    (ctx, rows)
}
