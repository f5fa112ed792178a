//! The reviewers' pages: the status pages (`status_pages.rs`) and
//! `_l10n/<locale>/<path>/index.html`, the source and the translation side
//! by side, section by section, rendered as readers see them, with each
//! section's findings. All `noindex`, none in the sitemap.

use super::changes::{Changes, Kind, SectionChange};
use super::findings::Finding;
pub use super::page_words::review_dir;
use super::page_words::{context_without_words, state_label, word};
use super::review_markup::{self, PairView, SideSection, Sides};
use super::sections::Section;
use super::status_pages::{status_pages_keyed, Counts, KeyedPages};
use super::{ArticleReview, L10n};
use crate::bodies::Bodies;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::index::LinkIndex;
use crate::links::Resolver;
use crate::markdown::fill_links;
use crate::output::{Content, OutFile};
use crate::render::Theme;
use crate::site::{relative_url, Page, Site};
use serde_json::{json, Value};

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
    let html = fill_links(&html, |n| resolver.href(page, &links[n]));
    prefixed(&html, prefix)
}

/// `html` with `prefix` put before each heading's ID (`<h2 id="` + prefix)
/// and each link to an anchor on the page (`<a href="#` + prefix). The two
/// openings are searched for as they are (not at every tag: a highlighted
/// code block is mostly `<span>`s), in order.
fn prefixed(html: &str, prefix: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 32);
    let mut heads = memchr::memmem::find_iter(b, b"<h").peekable();
    let mut anchors = memchr::memmem::find_iter(b, b"<a href=\"#").peekable();
    let mut from = 0;
    loop {
        // The next opening of either kind (no two start at one `<`).
        let at = match (heads.peek(), anchors.peek()) {
            (Some(&h), Some(&a)) if a < h => anchors.next(),
            (Some(_), _) => heads.next(),
            (None, _) => anchors.next(),
        };
        let Some(at) = at else { break };
        let len = if b[at + 1] == b'h' {
            // `<h2 id="`: a digit, then the attribute.
            if !(b.len() > at + 7 && b[at + 2].is_ascii_digit() && html[at + 3..].starts_with(" id=\"")) {
                continue;
            }
            8
        } else {
            "<a href=\"#".len()
        };
        out.push_str(&html[from..at + len]);
        out.push_str(prefix);
        from = at + len;
    }
    out.push_str(&html[from..]);
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
    let src = r.handoff_article.as_deref().unwrap_or(&site.articles[r.source_article]);
    let tr = &site.articles[r.translation_article];
    let t = &theme.strings[r.locale];
    let title = format!("{}: {}", word(t, "l10n_review"), tr.title);
    let mut ctx = context_without_words(config, r.locale, dir, title);
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
    theme.render_review(r.locale, ctx)
}

#[cfg(test)]
mod tests {
    use super::prefixed;

    /// What `prefixed` did before: every `<` looked at in turn.
    fn at_every_tag(html: &str, prefix: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
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
        out + rest
    }

    #[test]
    fn heading_ids_and_anchor_links_get_the_side_s_prefix_and_nothing_else() {
        let html = "<h2 id=\"setup\">Setup</h2>\n<p>See <a href=\"#setup\">setup</a>, \
                    <a href=\"../x/#y\">x</a> and <a href=\"#\">top</a>.</p>\n<hr>\n<h3 class=\"x\">\
                    <header><h4 id=\"\">é</h4><pre><span class=\"hl-x\">&lt;h1 id=\"no\"&gt;</span></pre>";
        let out = prefixed(html, "tr-");
        assert!(out.starts_with("<h2 id=\"tr-setup\">"), "{out}");
        assert!(
            out.contains("<a href=\"#tr-setup\">") && out.contains("<a href=\"#tr-\">top"),
            "{out}"
        );
        assert!(out.contains("<a href=\"../x/#y\">") && out.contains("<h3 class=\"x\">") && out.contains("<hr>"));
        assert!(
            out.contains("<h4 id=\"tr-\">é") && out.contains("&lt;h1 id=\"no\"&gt;"),
            "{out}"
        );
        // The same as looking at every tag, also where an opening is cut
        // off by the end of the text.
        for cut in [
            html,
            "<h",
            "<h1 id=\"",
            "<h1 id=",
            "<a href=\"#",
            "<a href=\"",
            "x<",
            "<<h1 id=\"a\"><<a href=\"#b\">",
            "",
        ] {
            assert_eq!(prefixed(cut, "src-"), at_every_tag(cut, "src-"), "{cut:?}");
        }
        for end in 0..=html.len() {
            if html.is_char_boundary(end) {
                assert_eq!(prefixed(&html[..end], "p-"), at_every_tag(&html[..end], "p-"));
            }
        }
    }
}
