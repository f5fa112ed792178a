//! Markdown: turns an article body into HTML with pulldown-cmark, giving
//! headings their Learn-compatible IDs, highlighting code, and recording
//! every link with its position.
//!
//! Link targets are not resolved here: each one is written as a placeholder
//! (`\u{1}N\u{1}`) that the links stage fills in later, so this
//! link-independent work is done once per file even when the page is
//! published in several locales.

mod autolink;
pub mod docfx;
pub mod highlight;
pub mod link_list;
pub mod sanitize;
pub mod slug;
pub mod xref;

use crate::diagnostics::LineIndex;
use highlight::html_escape;
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Tag, TagEnd};
use regex::Regex;
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use link_list::{Links, Shared};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    pub line: usize,
    /// The ID came from an `<a name>`/`<a id>` written in the heading.
    pub explicit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Link,
    Image,
    /// `href`/`src` in raw HTML.
    Html,
}

/// The included file a link was written in (a link of the article itself
/// has none).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// Path inside the locale tree: relative links resolve from here.
    pub rel: String,
    /// For diagnostics, relative to the site root.
    pub display: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub dest: String,
    pub text: String,
    /// Position in the file the link was written in (`origin`, or the article).
    pub line: usize,
    pub column: usize,
    pub kind: LinkKind,
    pub origin: Option<Arc<Origin>>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// HTML with link placeholders; see `fill_links`.
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every `id`/`name` on the page other than heading IDs.
    pub other_ids: Vec<String>,
    /// (Kept encoded, for an article read back from the build cache,
    /// until read: `Links`.)
    pub links: Links,
    /// Plain text of the first H1.
    pub h1: Option<String>,
    /// Problems with DocFX syntax (includes, images, code snippets, ...).
    pub diags: Vec<crate::diagnostics::Diagnostic>,
    /// The `:::zone pivot` IDs the page uses.
    pub pivots: Vec<docfx::PivotUse>,
    /// The version selector of a page with `:::moniker` blocks (empty
    /// without).
    pub monikers: Vec<docfx::monikers::Choice>,
    /// `@uid` shortcuts (see `xref`): links filled in only when the uid is
    /// known, never reported.
    pub shortcuts: Vec<Link>,
}

const MARK: char = '\u{1}';

/// The placeholder for link `n` of a page, as `render` writes it (for other
/// producers of page HTML, such as landing pages).
pub fn link_placeholder(n: usize) -> String {
    format!("{MARK}{n}{MARK}")
}

pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

fn anchor_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)^<a\s+(?:[^>]*?\s)?(?:name|id)\s*=\s*["']([^"']+)["'][^>]*>\s*$"#).unwrap())
}

fn html_id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)\s(?:id|name)\s*=\s*["']([^"']+)["']"#).unwrap())
}

fn html_url_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)')"#).unwrap())
}

/// Renders `body`, which starts at byte `body_offset` of `file_text`, with
/// no file system (DocFX includes and code files cannot be read).
pub fn render(file_text: &str, body_offset: usize, lines: &LineIndex) -> Rendered {
    let _ = lines;
    render_file(None, Path::new(""), "", "", file_text, body_offset)
}

/// Renders the Markdown of the file `abs` (shown as `display`, at `rel` in
/// its locale tree): `file_text[body_offset..]`. `env` lets DocFX includes
/// and code snippets read other files of the site.
pub fn render_file(
    env: Option<docfx::Env>,
    abs: &Path,
    display: &str,
    rel: &str,
    file_text: &str,
    body_offset: usize,
) -> Rendered {
    let mut doc = docfx::Doc::new(env);
    let evs = doc.load(
        abs.to_path_buf(),
        display.to_string(),
        rel.to_string(),
        file_text.to_string(),
        body_offset,
    );
    let evs = autolink::apply(evs);
    let (evs, shortcuts) = xref::apply(evs);
    // Each moniker block's `data-monikers`: the selector entries it shows for.
    let moniker_html = |range: &str| format!("<div class=\"moniker\" data-moniker=\"{}\">\n", html_escape(range));
    let mut moniker_blocks: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut r = Rendered::default();
    if !doc.monikers.is_empty() {
        let ranges: Vec<_> = doc
            .monikers
            .iter()
            .filter_map(|m| docfx::monikers::parse(m).ok())
            .collect();
        let (choices, shown) = docfx::monikers::choices(&ranges);
        for (range, ids) in doc.monikers.iter().zip(shown) {
            let html = moniker_html(range);
            let with = html.replacen(
                "\">",
                &format!("\" data-monikers=\"{}\">", html_escape(&ids.join(" "))),
                1,
            );
            moniker_blocks.insert(html, with);
        }
        r.monikers = choices;
    }
    let origins: Vec<Option<Arc<Origin>>> = doc
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (i > 0).then(|| {
                Arc::new(Origin {
                    rel: f.rel.clone(),
                    display: f.display.clone(),
                })
            })
        })
        .collect();
    let mut ids = slug::IdSet::default();
    let mut out: Vec<Event> = Vec::new();

    let mut heading: Option<(u8, usize, Vec<Event>)> = None;
    // The heading's own text (its file's, not an inline include's), for
    // its ID as DocFX computes it; whether an include was left out.
    let mut heading_id_text: Option<(usize, String, bool)> = None;
    let mut code: Option<(String, String)> = None;
    let mut open_links: Vec<usize> = Vec::new();
    let mut image: Option<(usize, String, String)> = None; // link index, alt, title

    for sc in &shortcuts {
        let (line, column) = doc.pos(&sc.at, 0);
        r.shortcuts.push(Link {
            dest: format!("xref:{}", sc.uid),
            text: format!("@{}", sc.uid),
            line,
            column,
            kind: LinkKind::Link,
            origin: origins[sc.at.file].clone(),
        });
    }
    for mut ev in evs {
        let origin = &origins[ev.file];
        // The event moved out (positions need only `ev`'s file and offset).
        let mut event = std::mem::replace(&mut ev.e, Event::SoftBreak);
        // An xref link without text of its own: the target's title, filled per page.
        if matches!(&event, Event::Text(t) if t.as_ref() == xref::TITLE_TEXT) {
            let n = open_links.last().copied().unwrap_or(0);
            let uid = r
                .links
                .get(n)
                .map_or("", |l| l.dest.strip_prefix("xref:").unwrap_or(&l.dest));
            event = Event::InlineHtml(
                format!("{}t{n}{}{}{}", xref::OPEN, xref::OPEN, html_escape(uid), xref::CLOSE).into(),
            );
        }
        // Text collected for link text and image alt text.
        if let Event::Text(t) | Event::Code(t) = &event {
            for &i in &open_links {
                r.links[i].text.push_str(t);
            }
            if let Some((_, alt, _)) = image.as_mut() {
                alt.push_str(t);
                continue;
            }
        }
        if let (Some((file, text, skipped)), Event::Text(t) | Event::Code(t)) = (heading_id_text.as_mut(), &event) {
            if ev.file == *file {
                text.push_str(t);
            } else {
                *skipped = true;
            }
        }
        if image.is_some() && !matches!(event, Event::End(TagEnd::Image)) {
            continue; // nested markup inside alt text is flattened
        }
        let emitted: Option<Event> = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, doc.pos(&ev, 0).0, Vec::new()));
                heading_id_text = Some((ev.file, String::new(), false));
                None
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, events)) = heading.take() {
                    let id_text = heading_id_text.take().and_then(|(_, t, skipped)| skipped.then_some(t));
                    finish_heading(level, line, events, id_text, &mut ids, &mut r, &mut out);
                }
                None
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                None
            }
            Event::End(TagEnd::CodeBlock) => code
                .take()
                .map(|(lang, text)| Event::Html(highlight::code_block(&text, &lang).into())),
            Event::Text(t) if code.is_some() => {
                code.as_mut().unwrap().1.push_str(&t);
                None
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let (line, column) = doc.pos(&ev, 0);
                let dest = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                let n = push_link(&mut r, dest, line, column, LinkKind::Link, origin);
                open_links.push(n);
                let title = if title.is_empty() {
                    String::new()
                } else {
                    format!(" title=\"{}\"", html_escape(&title))
                };
                Some(Event::InlineHtml(format!("<a href=\"{MARK}{n}{MARK}\"{title}>").into()))
            }
            Event::End(TagEnd::Link) => {
                open_links.pop();
                Some(Event::InlineHtml("</a>".into()))
            }
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                let (line, column) = doc.pos(&ev, 0);
                let n = push_link(&mut r, dest_url.to_string(), line, column, LinkKind::Image, origin);
                image = Some((n, String::new(), title.to_string()));
                None
            }
            Event::End(TagEnd::Image) => image.take().map(|(n, alt, title)| {
                r.links[n].text = alt.clone();
                let title = if title.is_empty() {
                    String::new()
                } else {
                    format!(" title=\"{}\"", html_escape(&title))
                };
                Event::InlineHtml(format!("<img src=\"{MARK}{n}{MARK}\" alt=\"{}\"{title}>", html_escape(&alt)).into())
            }),
            Event::Html(h) if moniker_blocks.contains_key(h.as_ref()) => {
                Some(Event::Html(moniker_blocks[h.as_ref()].clone().into()))
            }
            Event::Html(h) => Some(Event::Html(raw_html(&h, &|d| doc.pos(&ev, d), &mut r, origin).into())),
            Event::InlineHtml(h) => Some(Event::InlineHtml(
                raw_html(&h, &|d| doc.pos(&ev, d), &mut r, origin).into(),
            )),
            Event::Text(t) if t.contains(MARK) => Some(Event::Text(t.replace(MARK, "").into())),
            other => Some(other),
        };
        if let Some(ev) = emitted {
            match heading.as_mut() {
                Some((_, _, buf)) => buf.push(ev),
                None => out.push(ev),
            }
        }
    }
    pulldown_cmark::html::push_html(&mut r.html, out.into_iter());
    r.diags = doc.diags;
    r.pivots = doc.pivots;
    r
}

fn push_link(
    r: &mut Rendered,
    dest: String,
    line: usize,
    column: usize,
    kind: LinkKind,
    origin: &Option<Arc<Origin>>,
) -> usize {
    r.links.push(Link {
        dest,
        text: String::new(),
        line,
        column,
        kind,
        origin: origin.clone(),
    });
    r.links.len() - 1
}

/// Records `id`/`name` attributes and replaces `href`/`src` values with
/// placeholders.
fn raw_html(h: &str, pos: &dyn Fn(usize) -> (usize, usize), r: &mut Rendered, origin: &Option<Arc<Origin>>) -> String {
    for c in html_id_re().captures_iter(h) {
        r.other_ids.push(c[1].to_string());
    }
    if !h.contains(['=']) {
        return h.to_string();
    }
    html_url_re()
        .replace_all(h, |c: &regex::Captures| {
            let value = c.get(2).or_else(|| c.get(3)).unwrap();
            let (line, column) = pos(value.start());
            // `<img src>` is an image; any other `href`/`src` a link.
            let tag_start = h[..value.start()].rfind('<').unwrap_or(0);
            let kind = if h[tag_start..].get(..4).is_some_and(|t| t.eq_ignore_ascii_case("<img")) {
                LinkKind::Image
            } else {
                LinkKind::Html
            };
            let n = push_link(r, decode_entities(value.as_str()), line, column, kind, origin);
            format!("{}\"{MARK}{n}{MARK}\"", &c[1])
        })
        .into_owned()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// `id_text`: the text the ID is made from when it is not the heading's
/// text (DocFX leaves out what an inline include adds, keeping the blanks
/// around it: `# [!INCLUDE[](x.md)] Overview` is `-overview`, `# Set up
/// [!INCLUDE[](x.md)]` is `set-up-`).
fn finish_heading<'a>(
    level: u8,
    line: usize,
    mut events: Vec<Event<'a>>,
    id_text: Option<String>,
    ids: &mut slug::IdSet,
    r: &mut Rendered,
    out: &mut Vec<Event<'a>>,
) {
    // An explicit anchor at the start: `<a name="x"></a>Text`.
    let mut explicit: Option<String> = None;
    let first = events
        .iter()
        .position(|e| !matches!(e, Event::Text(t) if t.trim().is_empty()));
    if let Some(i) = first {
        if let Event::InlineHtml(h) | Event::Html(h) = &events[i] {
            if let Some(c) = anchor_re().captures(h) {
                let closes =
                    matches!(events.get(i + 1), Some(Event::InlineHtml(h2)) if h2.trim().eq_ignore_ascii_case("</a>"));
                if closes || h.to_ascii_lowercase().contains("</a>") {
                    explicit = Some(c[1].to_string());
                    // The anchor's name was also recorded as an "other" id; it is the heading's now.
                    if let Some(p) = r.other_ids.iter().rposition(|x| *x == c[1]) {
                        r.other_ids.remove(p);
                    }
                    events.drain(i..i + if closes { 2 } else { 1 });
                }
            }
        }
    }
    let mut text = String::new();
    for e in &events {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    let text = text.trim().to_string();
    let (id, is_explicit) = match explicit {
        Some(id) => {
            ids.reserve(&id);
            (id, true)
        }
        None => (ids.unique(&slug::slug(id_text.as_deref().unwrap_or(&text))), false),
    };
    if level == 1 && r.h1.is_none() {
        r.h1 = Some(text.clone());
    }
    r.headings.push(Heading {
        level,
        id: id.clone(),
        text,
        line,
        explicit: is_explicit,
    });
    out.push(Event::Html(format!("<h{level} id=\"{}\">", html_escape(&id)).into()));
    out.extend(events);
    out.push(Event::Html(format!("</h{level}>\n").into()));
}

/// Replaces each link placeholder with `href(n)` (already HTML-escaped by
/// this function).
pub fn fill_links(html: &str, mut href: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // The marks are ASCII: found by memchr, cut at char boundaries.
    let mark = |s: &str| memchr::memchr(MARK as u8, s.as_bytes());
    while let Some(i) = mark(rest) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = mark(after) else {
            rest = after;
            break;
        };
        match after[..j].parse::<usize>() {
            Ok(n) => crate::markdown::highlight::push_html_escaped(&mut out, &href(n)),
            Err(_) => out.push_str(&after[..j]),
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    if memchr::memchr(xref::OPEN as u8, out.as_bytes()).is_some() {
        // Titles and shortcuts nobody filled in: their text as written.
        return xref::fill(&out, |_| None, |_| None).into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Rendered {
        render(s, 0, &LineIndex::new(s))
    }

    #[test]
    fn explicit_anchor_is_the_id_and_not_rendered_twice() {
        let r = md("# <a name=\"troubleshoot-sspr\"></a>SSPR oplossen\n");
        assert_eq!(r.headings[0].id, "troubleshoot-sspr");
        assert!(r.headings[0].explicit);
        assert_eq!(r.h1.as_deref(), Some("SSPR oplossen"));
        assert_eq!(r.html.trim(), "<h1 id=\"troubleshoot-sspr\">SSPR oplossen</h1>");
        assert!(r.other_ids.is_empty());
    }

    #[test]
    fn slugs_and_duplicates() {
        let r = md("## Setup\n\n## Setup\n\n## *Set* `up`\n\n### 1. Deploying the network\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["setup", "setup-1", "set-up", "1-deploying-the-network"]);
    }

    #[test]
    fn links_are_placeholders_with_positions() {
        let r = md("Intro\n\nSee [the policy](../a/policy.md#x \"T\")inschakelen and ![alt *x*](img.png).\n<a href=\"other.md\">o</a>\n");
        assert_eq!(r.links.len(), 3);
        assert_eq!(r.links[0].dest, "../a/policy.md#x");
        assert_eq!(r.links[0].text, "the policy");
        assert_eq!((r.links[0].line, r.links[0].column), (3, 5));
        assert_eq!(r.links[1].text, "alt x");
        assert_eq!(r.links[2].kind, LinkKind::Html);
        assert_eq!((r.links[2].line, r.links[2].column), (4, 10));
        let html = fill_links(&r.html, |n| format!("/u{n}?a=1&b=2"));
        assert!(
            html.contains("<a href=\"/u0?a=1&amp;b=2\" title=\"T\">the policy</a>inschakelen"),
            "{html}"
        );
        assert!(html.contains("<img src=\"/u1?a=1&amp;b=2\" alt=\"alt x\">"), "{html}");
        assert!(html.contains("<a href=\"/u2?a=1&amp;b=2\">"), "{html}");
    }

    #[test]
    fn code_is_highlighted_tables_render() {
        let r = md("```json\n{\"a\": 1}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(r.html.contains("<pre class=\"code\""));
        assert!(r.html.contains("<table>"));
    }
}
