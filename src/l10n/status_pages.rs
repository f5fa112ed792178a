//! The translation status pages: `_l10n/index.html` (every locale) and
//! `_l10n/<locale>/index.html`, a row per translation with its state, words
//! to translate again and findings, linking to its review page.

use super::page_words::{context, review_dir, state_label, word};
use super::status::{ArticleStatus, State};
use super::L10n;
use crate::cache::key::Fp;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::markdown::highlight::push_html_escaped as esc;
use crate::output::{Content, OutFile};
use crate::render::Theme;
use crate::site::relative_url;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

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
    // configuration and the theme (the key's business), hashed once.
    // The statuses (a row each, most of it) are hashed field by field
    // (`cache::l10n::status_fields`, not formatted: about 1 KB of text per
    // translation) in pieces on every thread, each piece's hash then
    // hashed in order; the findings counts as numbers.
    let inputs = keyed.map(|_| {
        let mut reviews: Vec<_> = findings.reviews.iter().collect();
        reviews.sort_unstable();
        let mut files: Vec<_> = findings.files.iter().collect();
        files.sort_unstable();
        let pieces: Vec<[u8; 32]> = l10n
            .statuses
            .par_chunks(STATUSES_PER_PIECE)
            .map(|piece| {
                let mut digest = Fp::new("statuses");
                for st in piece {
                    crate::cache::l10n::status_fields(&mut digest, st);
                }
                digest.finish()
            })
            .collect();
        let mut digest = Fp::new("status-pages");
        digest.u64(l10n.statuses.len() as u64);
        for p in &pieces {
            digest.bytes(p);
        }
        digest.u64(reviews.len() as u64);
        for (status, count) in reviews {
            digest.u64(*status as u64).u64(*count as u64);
        }
        let _ = write!(digest, "{:?}\n{:?}\n{files:?}", l10n.coverage, l10n.files);
        digest.finish()
    });
    let rendered: Vec<Made> = scopes
        .into_par_iter()
        .filter_map(|only| {
            let path = match only {
                Some(li) => format!("_l10n/{}/index.html", config.locales[li].code),
                None => "_l10n/index.html".to_string(),
            };
            let key = keyed.zip(inputs.as_ref()).and_then(|(k, i)| (k.key)(&path, i));
            if let (Some(k), Some(key)) = (keyed, &key) {
                if (k.in_place)(&path, key) {
                    return None;
                }
            }
            let html = render(config, theme, l10n, findings, only);
            Some((path, html.map(|h| (h, key))))
        })
        .collect();
    for (path, r) in rendered {
        push(path, r);
    }
    diags
}

/// How many statuses one piece of the status pages' key is written from.
const STATUSES_PER_PIECE: usize = 512;

/// Findings counts for the status pages: per status (index into
/// `L10n::statuses`) that has a review, and per other file (locale index,
/// path) where they are not in `L10n::files` (a merge's).
#[derive(Debug, Default)]
pub struct Counts {
    pub reviews: std::collections::HashMap<usize, usize>,
    pub files: std::collections::HashMap<(usize, String), usize>,
}

/// Where the article rows go in a status page rendered with
/// `l10n.articles_html`: the page is rendered around this mark and the rows
/// are written into it there, never held as a template value (as values,
/// a row costs about 2.5 KB; as markup, under 1 KB, written once).
const ROWS_HERE: &str = "\u{1}l10n.articles_html\u{1}";

/// The article rows in a status page: as values for a theme's template that
/// loops over `l10n.articles`, else where `l10n.articles_html` is shown.
enum Rows {
    Values,
    Mark,
    Markup(String),
}

/// How an `l10n-index.html` takes the article rows (`Theme::status_markup`):
/// as values when it never names `l10n.articles_html`; else as markup,
/// written into the page (`Some(true)`) when it only ever shows it as is.
pub fn rows_markup(template: &str) -> Option<bool> {
    let named = template.matches("l10n.articles_html").count();
    (named > 0).then(|| template.matches("{{ l10n.articles_html | safe }}").count() == named)
}

/// One status page (`only`: a locale's, else the overview).
fn render(
    config: &Config,
    theme: &Theme,
    l10n: &L10n,
    findings: &Counts,
    only: Option<usize>,
) -> Result<String, String> {
    let scope = Scope::new(config, theme, only);
    let markup_value = |rows: usize| {
        let mut markup = String::with_capacity(rows * 1024);
        article_rows(&mut markup, l10n, findings, &scope);
        let (ctx, _) = index_context(config, theme, l10n, findings, &scope, Rows::Markup(markup));
        theme.render_sized("l10n-index.html", ctx, 64 * 1024 + rows * 2048)
    };
    match theme.status_markup {
        None => {
            let (ctx, rows) = index_context(config, theme, l10n, findings, &scope, Rows::Values);
            // The default theme writes under 1 KB a row.
            return theme.render_sized("l10n-index.html", ctx, 64 * 1024 + rows * 2048);
        }
        // The template does more with the markup than show it.
        Some(false) => return markup_value(scope.statuses(l10n).count()),
        Some(true) => {}
    }
    let (ctx, rows) = index_context(config, theme, l10n, findings, &scope, Rows::Mark);
    let page = theme.render_sized("l10n-index.html", ctx, 64 * 1024)?;
    if !page.contains(ROWS_HERE) {
        // Not shown after all (`{% if %}`, a block another template
        // replaces): rendered again with the rows themselves.
        return markup_value(rows);
    }
    // Reserved at once (bytes never written cost no memory): the default
    // theme's rows are under 1 KB each.
    let mut out = String::with_capacity(page.len() + rows * 2048);
    let mut parts = page.split(ROWS_HERE);
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        article_rows(&mut out, l10n, findings, &scope);
        out.push_str(part);
    }
    Ok(out)
}

/// What a status page is of: the overview (`only` is `None`) or a
/// locale's page, in the folder `dir`, in the words `t`.
struct Scope<'a> {
    config: &'a Config,
    only: Option<usize>,
    dir: String,
    t: &'a crate::i18n::Strings,
}

impl<'a> Scope<'a> {
    fn new(config: &'a Config, theme: &'a Theme, only: Option<usize>) -> Scope<'a> {
        let dir = match only {
            Some(li) => format!("_l10n/{}/", config.locales[li].code),
            None => "_l10n/".to_string(),
        };
        Scope {
            config,
            only,
            dir,
            t: &theme.strings[only.unwrap_or(0)],
        }
    }

    /// The statuses the page lists, with their index in `l10n.statuses`.
    fn statuses<'l>(&self, l10n: &'l L10n) -> impl Iterator<Item = (usize, &'l ArticleStatus)> + use<'l, '_> {
        let only = self.only;
        l10n.statuses
            .iter()
            .enumerate()
            .filter(move |(_, s)| only.is_none_or(|li| s.locale_index == li))
    }

    /// A row's link to its review page, when it has one.
    fn review_url(&self, s: &ArticleStatus) -> String {
        relative_url(
            &self.dir,
            &review_dir(&self.config.locales[s.locale_index].code, &s.rel),
        )
    }

    /// A row's link to the page readers see.
    fn page_url(&self, s: &ArticleStatus) -> String {
        relative_url(&self.dir, &format!("{}/{}", s.locale, crate::site::article_url(&s.rel)))
    }
}

/// The article rows as the built-in template wrote them when it looped
/// over `l10n.articles` (`tests/l10n_common/status-loop.html` is that
/// template; the tests compare the two).
fn article_rows(out: &mut String, l10n: &L10n, findings: &Counts, scope: &Scope) {
    let t = scope.t;
    let num = |out: &mut String, n: Option<usize>| {
        out.push_str("\n            <td class=\"num\" data-sort=\"");
        match n {
            Some(n) => {
                let _ = write!(out, "{n}\">{n}</td>");
            }
            None => out.push_str("-1\"></td>"),
        }
    };
    for (i, s) in scope.statuses(l10n) {
        let review = findings.reviews.get(&i).copied();
        let state = s.state.as_str();
        out.push_str("\n          <tr class=\"state-");
        out.push_str(state);
        out.push_str("\" data-rel=\"");
        esc(out, &s.rel);
        out.push_str("\">");
        if scope.only.is_none() {
            out.push_str("\n            <td data-sort=\"");
            esc(out, &s.locale);
            out.push_str("\"><code>");
            esc(out, &s.locale);
            out.push_str("</code></td>");
        }
        out.push_str("\n            <td data-sort=\"");
        esc(out, &s.rel);
        out.push_str("\">");
        if review.is_some() {
            out.push_str("<a href=\"");
            esc(out, &scope.review_url(s));
            out.push_str("\">");
            esc(out, &s.rel);
            out.push_str("</a>");
        } else {
            esc(out, &s.rel);
        }
        out.push_str(" <a class=\"l10n-read\" href=\"");
        esc(out, &scope.page_url(s));
        out.push_str("\" title=\"");
        esc(out, word(t, "l10n_read"));
        out.push_str("\">↗</a></td>\n            <td data-sort=\"");
        out.push_str(state);
        out.push_str("\"><span class=\"l10n-badge state-");
        out.push_str(state);
        out.push_str("\" title=\"");
        esc(out, &s.reason_in(t));
        out.push_str("\">");
        esc(out, &state_label(t, s));
        out.push_str("</span></td>\n            <td data-sort=\"");
        let tt = s.translation_type.as_deref().unwrap_or_default();
        esc(out, tt);
        out.push_str("\">");
        esc(out, tt);
        out.push_str("</td>\n            <td data-sort=\"");
        let handoff = s.lasthandoff.as_deref().unwrap_or_default();
        esc(out, handoff);
        out.push_str("\">");
        if !handoff.is_empty() {
            out.push_str("<time datetime=\"");
            esc(out, handoff);
            out.push_str("\">");
            esc(out, handoff);
            out.push_str("</time>");
        }
        out.push_str("</td>\n            <td data-sort=\"");
        let commit = s.source_commit.as_deref().map(super::git::short).unwrap_or_default();
        esc(out, commit);
        out.push_str("\"><code>");
        esc(out, commit);
        out.push_str("</code></td>\n            <td data-sort=\"");
        let date = s.source_current_date.as_deref().unwrap_or_default();
        esc(out, date);
        out.push_str("\">");
        if !date.is_empty() {
            out.push_str("<time datetime=\"");
            esc(out, date);
            out.push_str("\">");
            esc(out, truncated(date, 10));
            out.push_str("</time>");
        }
        out.push_str("</td>");
        let c = s.changes.as_ref();
        num(out, c.map(|c| c.words_added));
        num(out, c.map(|c| c.words_removed));
        num(out, c.map(|c| c.words_changed));
        num(
            out,
            c.map(|c| c.sections_added + c.sections_removed + c.sections_changed),
        );
        num(out, c.filter(|_| s.state == State::Stale).map(|c| c.to_retranslate()));
        let _ = write!(
            out,
            "\n            <td class=\"num\" data-sort=\"{n}\">{n}</td>\n          </tr>",
            n = review.unwrap_or(0)
        );
    }
}

/// The first `n` characters of `s`, as Tera's `truncate` (by grapheme
/// clusters there; the dates git gives are ASCII).
fn truncated(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(at, _)| &s[..at])
}

/// A status page's template context, and its number of rows.
fn index_context(
    config: &Config,
    theme: &Theme,
    l10n: &L10n,
    findings: &Counts,
    scope: &Scope,
    rows: Rows,
) -> (Map<String, Value>, usize) {
    let (only, dir) = (scope.only, &scope.dir);
    let title = word(scope.t, "l10n_status");
    let mut ctx = context(config, theme, only.unwrap_or(0), dir, title.to_string());
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
                "url": relative_url(dir, &format!("_l10n/{}/", c.locale)),
            })
        })
        .collect();
    let t = scope.t;
    let (key, articles, count) = match rows {
        Rows::Values => {
            let articles: Vec<Value> = scope
                .statuses(l10n)
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
                        "review_url": review.map(|_| scope.review_url(s)),
                        "page_url": scope.page_url(s),
                    })
                })
                .collect();
            let n = articles.len();
            ("articles", Value::Array(articles), n)
        }
        Rows::Mark => (
            "articles_html",
            Value::String(ROWS_HERE.into()),
            scope.statuses(l10n).count(),
        ),
        Rows::Markup(m) => ("articles_html", Value::String(m), scope.statuses(l10n).count()),
    };
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
                "used_by": f.used_by.iter().map(|u| json!({"rel": u, "url": relative_url(dir, &review_dir(&f.status.locale, u))})).collect::<Vec<_>>(),
            })
        })
        .collect();
    ctx.insert(
        "l10n".into(),
        json!({
            "files": files,
            "scope": only.map(|li| config.locales[li].code.clone()),
            "all_url": relative_url(dir, "_l10n/"),
            "coverage": coverage,
        }),
    );
    if let Some(Value::Object(l)) = ctx.get_mut("l10n") {
        l.insert(key.into(), articles);
    }
    (ctx, count)
}

#[cfg(test)]
mod tests {
    use super::rows_markup;

    #[test]
    fn the_built_in_template_gets_its_rows_written_into_the_page() {
        assert_eq!(rows_markup(crate::l10n::review::TEMPLATES[0].1), Some(true));
        let looped = "{% for a in l10n.articles %}{{ a.rel }}{% endfor %}";
        assert_eq!(rows_markup(looped), None);
        let filtered = "{{ l10n.articles_html | safe }}{{ l10n.articles_html | length }}";
        assert_eq!(rows_markup(filtered), Some(false));
    }
}
