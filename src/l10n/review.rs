//! The reviewers' pages: `_l10n/index.html` (every locale),
//! `_l10n/<locale>/index.html`, and `_l10n/<locale>/<path>/index.html`, the
//! source and the translation side by side, section by section, rendered as
//! readers see them, with each section's findings. All `noindex`, none in
//! the sitemap.

use super::changes::{Changes, Kind, SectionChange};
use super::findings::Finding;
use super::review_markup::{self, PairView, SideSection, Sides};
use super::sections::Section;
use super::status::State;
use super::{ArticleReview, L10n};
use crate::bodies::Bodies;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::index::LinkIndex;
use crate::links::Resolver;
use crate::markdown::fill_links;
use crate::output::{Content, OutFile};
use crate::render::{common_context, Theme};
use crate::site::{relative_url, Page, Site};
use serde_json::{json, Map, Value};

/// The templates these pages use; built-in copies stand in for a theme
/// that has none.
pub const TEMPLATES: [(&str, &str); 2] = [
    (
        "l10n-index.html",
        include_str!("../../themes/default/templates/l10n-index.html"),
    ),
    (
        "l10n-review.html",
        include_str!("../../themes/default/templates/l10n-review.html"),
    ),
];

/// English words for a theme whose string files lack the review pages' keys.
const DEFAULT_STRINGS: &[(&str, &str)] = &[
    ("l10n_review", "Translation review"),
    ("l10n_status", "Translation status"),
    ("l10n_all_locales", "All languages"),
    ("l10n_source", "Source"),
    ("l10n_translation", "Translation"),
    ("l10n_locale", "Language"),
    ("l10n_article", "Article"),
    ("l10n_state", "Status"),
    ("l10n_type", "Type"),
    ("l10n_handoff", "Handed off"),
    ("l10n_findings", "Findings"),
    ("l10n_total", "Articles"),
    ("l10n_current", "current"),
    ("l10n_stale", "stale"),
    ("l10n_unknown", "unknown"),
    ("l10n_missing", "missing"),
    ("l10n_mt", "MT"),
    ("l10n_ht", "HT"),
    ("l10n_only_source", "Only in the source"),
    ("l10n_only_translation", "Only in the translation"),
    ("l10n_anchor_changed", "Heading anchor changed"),
    ("l10n_no_findings", "Nothing to look at."),
    ("l10n_segments", "Segments"),
    ("l10n_read", "Open the page"),
    ("l10n_sort_hint", "Select a column heading to sort the table."),
    ("l10n_section", "Section"),
    ("l10n_metadata_changed", "current (metadata changed)"),
    ("l10n_since_handoff", "The source since the handoff"),
    ("l10n_change_added", "Added to the source since the handoff"),
    ("l10n_change_removed", "Removed from the source since the handoff"),
    ("l10n_change_changed", "Changed in the source since the handoff"),
    ("l10n_unchanged", "Unchanged since the handoff"),
    ("l10n_words_added", "words added"),
    ("l10n_words_removed", "words removed"),
    ("l10n_words_changed", "words changed"),
    ("l10n_to_retranslate", "Words to retranslate"),
    ("l10n_handoff_commit", "Handoff commit"),
    ("l10n_source_commit", "Source now"),
    ("l10n_sections_changed", "Sections changed"),
    (
        "l10n_no_handoff_text",
        "The source text at the handoff is not available",
    ),
];

/// `_l10n/<locale>/<rel without .md>/`, in lower case like the pages.
pub fn review_dir(locale: &str, rel: &str) -> String {
    let rel = rel.to_lowercase();
    let stem = rel.strip_suffix(".md").unwrap_or(&rel);
    format!("_l10n/{locale}/{stem}/")
}

/// The state's words, `current (metadata changed)` included.
fn state_label(t: &crate::i18n::Strings, s: &super::status::ArticleStatus) -> String {
    if s.metadata_changed {
        word(t, "l10n_metadata_changed").to_string()
    } else {
        word(t, state_word(s.state)).to_string()
    }
}

fn state_word(s: State) -> &'static str {
    match s {
        State::Current => "l10n_current",
        State::Stale => "l10n_stale",
        State::Unknown => "l10n_unknown",
        State::Missing => "l10n_missing",
    }
}

/// A word of the review pages in the locale's strings, else English.
fn word<'a>(t: &'a crate::i18n::Strings, key: &'a str) -> &'a str {
    t.map
        .get(key)
        .map(String::as_str)
        .or_else(|| DEFAULT_STRINGS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
        .unwrap_or(key)
}

fn context(config: &Config, theme: &Theme, locale: usize, dir: &str, title: String) -> Map<String, Value> {
    let mut ctx = common_context(config, theme, locale, dir, false);
    if let Some(Value::Object(t)) = ctx.get_mut("t") {
        // Looked up first: `entry` would allocate each key on every page.
        for &(k, v) in DEFAULT_STRINGS {
            if !t.contains_key(k) {
                t.insert(k.into(), Value::String(v.into()));
            }
        }
    }
    ctx.insert(
        "page".into(),
        json!({"title": title, "url": "./", "robots": "noindex, nofollow", "description": "", "canonical": "", "toc": [], "translations": []}),
    );
    ctx.insert("l10n_static".into(), Value::String(relative_url(dir, "_static/")));
    ctx
}

/// Renders every review page, handing each to `emit` as soon as it is
/// rendered (never holding them all); returns the diagnostics of those that
/// failed.
pub fn pages(
    config: &Config,
    site: &Site,
    bodies: &Bodies,
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    emit: &(dyn Fn(OutFile) + Sync),
) -> Vec<Diagnostic> {
    pages_keyed(config, (site, bodies), index, theme, l10n, emit, None)
}

/// `pages`, the status pages through `keyed` when given (a build with the
/// cache).
pub fn pages_keyed(
    config: &Config,
    (site, bodies): (&Site, &Bodies),
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    emit: &(dyn Fn(OutFile) + Sync),
    keyed: Option<&KeyedPages>,
) -> Vec<Diagnostic> {
    pages_with(config, (site, bodies), index, theme, l10n, (None, true), emit, keyed)
}

/// `pages`, with only the review pages of one article's translations
/// (`only`: its path), and the status pages when `status_pages`.
#[allow(clippy::too_many_arguments)]
pub fn pages_only(
    config: &Config,
    (site, bodies): (&Site, &Bodies),
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    only: Option<&str>,
    status_pages: bool,
    emit: &(dyn Fn(OutFile) + Sync),
) -> Vec<Diagnostic> {
    pages_with(
        config,
        (site, bodies),
        index,
        theme,
        l10n,
        (only, status_pages),
        emit,
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn pages_with(
    config: &Config,
    (site, bodies): (&Site, &Bodies),
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    (only, status_pages): (Option<&str>, bool),
    emit: &(dyn Fn(OutFile) + Sync),
    keyed: Option<&KeyedPages>,
) -> Vec<Diagnostic> {
    // `[l10n] review_pages = false` (or `build --no-review-pages`): a
    // publishing build without the reviewers' pages.
    if config.locales.len() < 2 || !config.l10n.review_pages {
        return Vec::new();
    }
    let one = |path: String, r: Result<String, String>| written(emit, path, r);
    let mut diags = Vec::new();
    if status_pages {
        let findings = l10n.reviews.iter().map(|r| (r.status, r.findings_count())).collect();
        let counts = Counts {
            reviews: findings,
            files: Default::default(),
        };
        diags.extend(status_pages_keyed(config, theme, l10n, &counts, emit, keyed));
    }
    let failed: Vec<Diagnostic> = {
        use rayon::prelude::*;
        l10n.reviews
            .par_iter()
            .filter(|r| only.is_none_or(|o| o == r.rel))
            // Written as soon as it was made (`l10n::analyse_streamed`).
            .filter(|r| r.written.is_none())
            .filter_map(|r| {
                let dir = review_dir(&config.locales[r.locale].code, &r.rel);
                one(
                    format!("{dir}index.html"),
                    review_page(config, (site, bodies), index, theme, l10n, r, &dir),
                )
            })
            .collect()
    };
    diags.extend(failed);
    diags
}

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

/// A section's HTML for the review page: theme words filled in, links
/// resolved from the review page's folder, heading IDs (and links to them) prefixed per side so both
/// sides can live on one page.
fn section_html(
    resolver: &Resolver,
    theme: &Theme,
    (page, article, article_html): (&Page, &crate::parse::Article, &str),
    s: &Section,
    prefix: &str,
) -> String {
    let links = &article.md.links;
    // The range was cut from this article's HTML; `get` keeps a stale one
    // (serve re-parsed the article, not yet re-analysed) from panicking.
    let part = article_html.get(s.html.clone()).unwrap_or("");
    // Theme words (alert titles) in the side's own language, as readers get them.
    let html = crate::markdown::docfx::fill_strings(part, |k| theme.strings[article.locale].get(k).to_string());
    let html = fill_links(&html, |n| resolver.resolve(page, &links[n], false).href);
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html.as_str();
    while let Some(i) = memchr::memchr(b'<', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let b = rest.as_bytes();
        if b.len() > 7 && b[1] == b'h' && b[2].is_ascii_digit() && rest[3..].starts_with(" id=\"") {
            out.push_str(&rest[..8]);
            out.push_str(prefix);
            rest = &rest[8..];
        } else if let Some(after) = rest.strip_prefix("<a href=\"#") {
            out.push_str("<a href=\"#");
            out.push_str(prefix);
            rest = after;
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A section of one side as the review page shows it.
fn side_section<'a>(
    resolver: &Resolver,
    theme: &Theme,
    page: (&Page, &crate::parse::Article, &str),
    s: &'a Section,
    prefix: &str,
) -> SideSection<'a> {
    SideSection {
        id: &s.id,
        title: &s.title,
        level: s.level,
        line: s.line,
        html: section_html(resolver, theme, page, s, prefix),
    }
}

/// One side of a review page; `rel`: the file's path in its locale tree,
/// linked to the repository by the locale's `edit_url` when there is one.
fn side(config: &Config, li: usize, (file, rel): (&str, &str), title: &str, url: String) -> Value {
    let l = &config.locales[li];
    // `review_markup::Sides` has the same language, direction and file.
    let edit = l.edit_url.as_ref().map(|u| {
        u.replace(
            "{path}",
            &percent_encoding::utf8_percent_encode(rel, crate::pages::EDIT_PATH).to_string(),
        )
    });
    json!({"code": l.code, "name": l.name, "lang": l.lang, "dir": if l.rtl {"rtl"} else {"ltr"}, "file": file, "title": title, "url": url, "edit_url": edit})
}

/// Each of the source's changes since the handoff (unchanged sections left
/// out) with the aligned pair it shows in. The review's source sections are
/// the handoff text's, so a changed or removed section is found by its line
/// then; an added one (and the part before the first heading, when dropped
/// as empty) shows with the change before it.
fn changes_by_pair<'a>(r: &ArticleReview, changes: Option<&'a Changes>) -> Vec<(usize, &'a SectionChange)> {
    let Some(changes) = changes else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut last = 0;
    for c in &changes.sections {
        let found = (c.kind != Kind::Added)
            .then(|| {
                r.pairs
                    .iter()
                    .position(|p| p.source.is_some_and(|s| r.source_sections[s].line == c.old_line))
            })
            .flatten();
        let at = found.unwrap_or(last);
        last = at;
        if c.kind != Kind::Unchanged {
            out.push((at, c));
        }
    }
    out
}

/// Writes the review page of a review just made (`l10n::Sink`), with both
/// sides' HTML as the review read it; returns the diagnostic of a page that
/// failed.
#[allow(clippy::too_many_arguments)]
pub fn write_one(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    r: &ArticleReview,
    html: (&str, &str),
    emit: &(dyn Fn(OutFile) + Sync),
) -> Option<Diagnostic> {
    let (path, page) = render_one(config, site, index, theme, l10n, r, html)?;
    written(emit, path, page)
}

/// The path and the rendering of a review just made (`write_one` without
/// the writing); `None` when the site has no review pages.
#[allow(clippy::too_many_arguments)]
pub fn render_one(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    r: &ArticleReview,
    html: (&str, &str),
) -> Option<(String, Result<String, String>)> {
    if config.locales.len() < 2 || !config.l10n.review_pages {
        return None;
    }
    let dir = review_dir(&config.locales[r.locale].code, &r.rel);
    let page = review_page_with(config, site, index, theme, l10n, r, &dir, html);
    Some((format!("{dir}index.html"), page))
}

/// Emits a rendered review page, or the error its template gave.
pub fn written(emit: &(dyn Fn(OutFile) + Sync), path: String, r: Result<String, String>) -> Option<Diagnostic> {
    match r {
        Ok(html) => {
            emit(OutFile {
                path,
                content: Content::Bytes(html.into_bytes()),
            });
            None
        }
        Err(e) => Some(Diagnostic::error(
            "template",
            "",
            format!("cannot render the review page {path}: {e}"),
        )),
    }
}

fn review_page(
    config: &Config,
    (site, bodies): (&Site, &Bodies),
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    r: &ArticleReview,
    dir: &str,
) -> Result<String, String> {
    // Each side's HTML, read back once for the page (a handoff's is its own).
    let read = |i: usize| {
        bodies
            .html(&site.articles, i)
            .map_err(|e| format!("cannot read back the HTML of `{}`: {e}", site.articles[i].display))
    };
    let src_html = match &r.handoff_article {
        Some(a) => std::borrow::Cow::Borrowed(a.md.html.as_str()),
        None => read(r.source_article)?,
    };
    let tr_html = read(r.translation_article)?;
    review_page_with(config, site, index, theme, l10n, r, dir, (&src_html, &tr_html))
}

#[allow(clippy::too_many_arguments)]
fn review_page_with(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
    l10n: &L10n,
    r: &ArticleReview,
    dir: &str,
    (src_html, tr_html): (&str, &str),
) -> Result<String, String> {
    let st = &l10n.statuses[r.status];
    // A stale translation beside the source it was made from.
    let src = r.handoff_article.as_ref().unwrap_or(&site.articles[r.source_article]);
    let tr = &site.articles[r.translation_article];
    let t = &theme.strings[r.locale];
    let title = format!("{}: {}", word(t, "l10n_review"), tr.title);
    let mut ctx = context(config, theme, r.locale, dir, title);
    let resolver = Resolver { config, site, index };
    // The review page stands in for each side's page when links resolve.
    let as_page = |locale: usize, article: usize| Page {
        locale,
        rel: r.rel.clone(),
        article,
        fallback: false,
        url: dir.to_string(),
    };
    let changes_at = changes_by_pair(r, st.changes.as_ref());
    // `en-us/guide/setup.md`, `@<commit>` when it is the text handed off.
    let source_file = match (&r.handoff_article, &st.source_commit) {
        (Some(_), Some(c)) => format!("{}/{}@{}", config.locales[0].code, r.rel, super::git::short(c)),
        _ => format!("{}/{}", config.locales[0].code, r.rel),
    };
    let known = st.changes.as_ref().is_some_and(|c| !c.sections.is_empty());
    let source_page = as_page(0, r.source_article);
    let translation_page = as_page(r.locale, r.translation_article);
    let pairs: Vec<PairView> = r
        .pairs
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let findings: Vec<&Finding> = r.findings.iter().filter(|f| f.pair == pi).collect();
            let change: Vec<(&SectionChange, &str)> = changes_at
                .iter()
                .filter(|(p, _)| *p == pi)
                .map(|&(_, c)| {
                    let key = match c.kind {
                        Kind::Added => "l10n_change_added",
                        Kind::Removed => "l10n_change_removed",
                        _ => "l10n_change_changed",
                    };
                    (c, word(t, key))
                })
                .collect();
            let collapsed = known && change.is_empty() && findings.is_empty();
            PairView {
                anchor: format!("pair-{pi}"),
                change,
                collapsed,
                source: p.source.map(|i| {
                    side_section(
                        &resolver,
                        theme,
                        (&source_page, src, src_html),
                        &r.source_sections[i],
                        "src-",
                    )
                }),
                translation: p.translation.map(|i| {
                    let page = (&translation_page, tr, tr_html);
                    side_section(&resolver, theme, page, &r.translation_sections[i], "tr-")
                }),
                anchor_changed: p.anchor_changed,
                segments: p
                    .translation
                    .map_or(&[][..], |i| &r.translation_sections[i].segments[..]),
                findings,
            }
        })
        .collect();
    let translation_file = format!("{}/{}", config.locales[r.locale].code, r.rel);
    let source_now = format!("{}/{}", config.locales[0].code, r.rel);
    let page_url = |li: usize| {
        relative_url(
            dir,
            &format!("{}/{}", config.locales[li].code, crate::site::article_url(&r.rel)),
        )
    };
    let source_side = side(config, 0, (&source_file, &r.rel), &src.title, page_url(0));
    let translation_side = side(
        config,
        r.locale,
        (&translation_file, &r.rel),
        &tr.title,
        page_url(r.locale),
    );
    // The built-in template takes the sections as markup; a theme's own
    // that loops over them, as values.
    let sections = if theme.review_markup {
        let (sl, tl) = (&config.locales[0], &config.locales[r.locale]);
        let dir_of = |l: &crate::config::Locale| if l.rtl { "rtl" } else { "ltr" };
        let sides = Sides {
            source_lang: &sl.lang,
            source_dir: dir_of(sl),
            source_file: &source_file,
            translation_lang: &tl.lang,
            translation_dir: dir_of(tl),
            translation_file: &translation_file,
            source_now: &source_now,
        };
        (
            "sections_html",
            Value::String(review_markup::markup(&pairs, &sides, t, |k| word(t, k))),
        )
    } else {
        ("sections", review_markup::values(pairs, t))
    };
    ctx.insert(
        "l10n".into(),
        json!({
            "source_now": source_now,
            "source": source_side,
            "translation": translation_side,
            "status": {
                "state": st.state.as_str(),
                "state_label": state_label(t, st),
                "metadata_changed": st.metadata_changed,
                "reason": st.reason_in(t),
                "handoff_commit": st.source_commit.clone().unwrap_or_default(),
                "source_commit": st.source_current_commit.clone().unwrap_or_default(),
                "source_date": st.source_current_date.clone().unwrap_or_default(),
                "handoff_missing": st.handoff_missing,
                "changes": st.changes,
                "translation_type": st.translation_type.clone().unwrap_or_default(),
                "machine_translated": st.machine_translated,
                "lasthandoff": st.lasthandoff.clone().unwrap_or_default(),
            },
            "findings_count": r.findings_count(),
            // Findings on the whole translation (stale), not on a section.
            "findings": r
                .findings
                .iter()
                .filter(|f| f.pair == usize::MAX)
                .map(|f| review_markup::finding_value(f, t))
                .collect::<Vec<_>>(),
            "includes": l10n
                .files
                .iter()
                .filter(|f| f.status.locale_index == r.locale && f.used_by.contains(&r.rel))
                .map(|f| json!({
                    "rel": f.status.rel, "state": f.status.state.as_str(), "reason": f.status.reason_in(t),
                    "label": if f.label == "present" { word(t, "l10n_present").to_string() } else { state_label(t, &f.status) },
                    "file": f.status.file,
                    "findings": f.findings.iter().map(|x| json!({
                        "code": x.code, "message": x.message_in(t), "line": x.line, "column": x.column, "severity": x.severity,
                    })).collect::<Vec<_>>(),
                }))
                .collect::<Vec<_>>(),
            "index_url": relative_url(dir, &format!("_l10n/{}/", config.locales[r.locale].code)),
            "all_url": relative_url(dir, "_l10n/"),
        }),
    );
    if let Some(Value::Object(l10n)) = ctx.get_mut("l10n") {
        l10n.insert(sections.0.into(), sections.1);
    }
    theme.render("l10n-review.html", ctx)
}
