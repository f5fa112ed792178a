//! Raw HTML in Markdown, made as safe as Microsoft Learn makes it:
//! `<script>` and `<style>` elements (with their content), event handler
//! attributes (`onclick=`), `style=` and `javascript:` URLs are removed,
//! each reported where it was written. HTML comments are the authors'
//! notes and are not published (what a comment holds, tags or DocFX syntax,
//! is never seen). Everything else is kept byte for byte. A site that
//! trusts its content turns this off with `[markdown] trust_html = true`.
//!
//! pulldown-cmark hands raw HTML over in pieces (one event per line of an
//! HTML block, one per tag in running text), so the scanner keeps its state
//! (inside a comment, inside a removed element, inside a tag) from one
//! piece to the next.

use super::docfx::{Doc, Ev};
use pulldown_cmark::{Event, TagEnd};

/// Sanitizes the raw HTML of `file`'s parsed events (before any DocFX
/// extension adds HTML of its own), reporting each removal.
pub fn apply(doc: &mut Doc, file: usize, evs: Vec<Ev>) -> Vec<Ev> {
    if !evs.iter().any(|e| matches!(e.e, Event::Html(_) | Event::InlineHtml(_))) {
        return evs;
    }
    let mut s = Sanitizer::default();
    let mut out = Vec::with_capacity(evs.len());
    for mut ev in evs {
        match &ev.e {
            Event::InlineHtml(h) if !s.skipping() && unknown_inline_tag(h) => {
                ev.e = Event::Text(h.clone());
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let (clean, removed) = s.clean(h);
                for x in removed {
                    let (line, column) = doc.pos(&ev, x.at);
                    let d = crate::diagnostics::Diagnostic::warning(
                        "html-removed",
                        doc.display(file),
                        format!("{} removed from raw HTML: Microsoft Learn does not publish it", x.what),
                    )
                    .at(line, column)
                    .help("remove it from the Markdown, or set `trust_html = true` under `[markdown]` in polydoc.toml to publish raw HTML as written");
                    doc.diags.push(d);
                }
                ev.e = match ev.e {
                    Event::Html(_) => Event::Html(clean.into()),
                    _ => Event::InlineHtml(clean.into()),
                };
            }
            Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak if s.skipping() => continue,
            // A removed element never runs past its block.
            Event::End(TagEnd::Paragraph | TagEnd::HtmlBlock | TagEnd::Heading(_) | TagEnd::TableCell) => {
                s = Sanitizer::default();
            }
            _ => {}
        }
        out.push(ev);
    }
    out
}

/// What was removed, at a byte offset of the piece it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub at: usize,
    pub what: String,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Text,
    Comment,
    /// Inside an element whose content goes too (`script`, `style`).
    Skip(&'static str),
    /// Inside a tag, between its attributes. `drop`: the tag itself goes;
    /// `then`: the element whose content follows is removed.
    Tag {
        drop: bool,
        then: Option<&'static str>,
    },
}

#[derive(Debug, Default)]
pub struct Sanitizer {
    state: State,
}

const REMOVED_ELEMENTS: [&str; 2] = ["script", "style"];

impl Sanitizer {
    /// Inside a removed element: text between its tags goes too.
    pub fn skipping(&self) -> bool {
        matches!(self.state, State::Skip(_) | State::Tag { drop: true, .. })
    }

    /// The piece `s` with what is not allowed taken out.
    pub fn clean(&mut self, s: &str) -> (String, Vec<Removal>) {
        let mut out = String::with_capacity(s.len());
        let mut removed = Vec::new();
        let lower = s.to_ascii_lowercase();
        let b = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            match self.state {
                // Comments are the authors' notes, not the readers': none is
                // published (nor a tag or directive written inside one).
                State::Comment => match s[i..].find("-->") {
                    Some(j) => {
                        i += j + 3;
                        self.state = State::Text;
                    }
                    None => i = s.len(),
                },
                State::Skip(el) => match lower[i..].find(&format!("</{el}")) {
                    Some(j) => {
                        let close = i + j;
                        i = s[close..].find('>').map_or(s.len(), |k| close + k + 1);
                        self.state = State::Text;
                    }
                    None => i = s.len(),
                },
                State::Tag { drop, then } => {
                    let (end, self_closed) = attributes(s, i, drop, &mut out, &mut removed);
                    match end {
                        Some(e) => {
                            i = e;
                            self.state = match then {
                                // `<script/>`: nothing inside to skip.
                                Some(el) if !self_closed => State::Skip(el),
                                _ => State::Text,
                            };
                        }
                        None => i = s.len(),
                    }
                }
                State::Text => {
                    let Some(j) = s[i..].find('<').map(|j| i + j) else {
                        out.push_str(&s[i..]);
                        break;
                    };
                    out.push_str(&s[i..j]);
                    if let Some(n) = marker_len(&s[j..]) {
                        // The DocFX step's own placeholder, expanded later.
                        out.push_str(&s[j..j + n]);
                        i = j + n;
                        continue;
                    }
                    if s[j..].starts_with("<!--") {
                        // `<!-->` and `<!--->` are whole (empty) comments.
                        match s[j + 2..].find("-->") {
                            Some(k) => i = j + 2 + k + 3,
                            None => {
                                self.state = State::Comment;
                                i = s.len();
                            }
                        }
                        continue;
                    }
                    let close = b.get(j + 1) == Some(&b'/');
                    let name_start = j + 1 + close as usize;
                    let name_len = b[name_start..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                        .count();
                    if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
                        out.push('<');
                        i = j + 1;
                        continue;
                    }
                    let name = &lower[name_start..name_start + name_len];
                    let after = name_start + name_len;
                    if let Some(el) = REMOVED_ELEMENTS.iter().find(|e| **e == name) {
                        if !close {
                            removed.push(Removal {
                                at: j,
                                what: format!("`<{el}>` element"),
                            });
                        }
                        self.state = State::Tag {
                            drop: true,
                            then: (!close).then_some(*el),
                        };
                    } else {
                        out.push_str(&s[j..after]);
                        self.state = State::Tag {
                            drop: false,
                            then: None,
                        };
                    }
                    i = after;
                }
            }
        }
        (out, removed)
    }
}

/// The length of the DocFX step's placeholder `<!--pd:N-->` at the start
/// of `s`, if one is there.
fn marker_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("<!--pd:")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && rest[digits..].starts_with("-->")).then_some(7 + digits + 3)
}

/// Copies the attributes of the tag being read, from `i` to its `>` (or the
/// end of the piece), leaving out the ones not allowed (all of them when
/// `drop`). Returns just after the `>` (`None`: the tag goes on in the next
/// piece) and whether the tag closed itself (`/>`).
fn attributes(
    s: &str,
    mut i: usize,
    drop: bool,
    out: &mut String,
    removed: &mut Vec<Removal>,
) -> (Option<usize>, bool) {
    let b = s.as_bytes();
    let keep = |out: &mut String, t: &str| {
        if !drop {
            out.push_str(t);
        }
    };
    while i < b.len() {
        let ws_start = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            keep(out, &s[ws_start..]);
            return (None, false);
        }
        if b[i] == b'>' {
            keep(out, &s[ws_start..=i]);
            return (Some(i + 1), i > 0 && b[i - 1] == b'/');
        }
        if b[i] == b'/' {
            keep(out, &s[ws_start..=i]);
            i += 1;
            continue;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let end = s[j + 1..].find(q as char).map_or(s.len(), |k| j + 1 + k + 1);
                value = &s[(j + 1).min(end)..end.saturating_sub(1).max(j + 1)];
                j = end;
            } else {
                let start = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                value = &s[start..j];
            }
            i = j;
        }
        let why = if drop {
            None
        } else if name.starts_with("on") && name.len() > 2 {
            Some(format!("`{name}=` event handler attribute"))
        } else if name == "style" {
            Some("`style=` attribute".to_string())
        } else if is_javascript_url(value) {
            Some(format!("`javascript:` URL in `{name}=`"))
        } else {
            None
        };
        match why {
            Some(what) => removed.push(Removal { at: name_start, what }),
            None => keep(out, &s[ws_start..i]),
        }
    }
    (None, false)
}

/// `javascript:` after entities, blanks and control characters that
/// browsers ignore (`java&#x09;script:`, ` JavaScript:`).
fn is_javascript_url(v: &str) -> bool {
    let decoded = v
        .replace("&#x09;", "")
        .replace("&#9;", "")
        .replace("&#x0A;", "")
        .replace("&#10;", "")
        .replace("&Tab;", "")
        .replace("&NewLine;", "")
        .replace("&colon;", ":")
        .replace("&#58;", ":")
        .replace("&#x3A;", ":")
        .replace("&#x3a;", ":");
    let compact: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    compact.starts_with("javascript:") || compact.starts_with("vbscript:")
}

/// An inline tag (`<String>` in `ServiceFuture<String>`) naming no HTML
/// element: browsers would swallow it, Learn shows it as text.
pub fn unknown_inline_tag(h: &str) -> bool {
    let t = h.trim();
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) || name.contains('-') {
        return false; // not a tag, or a custom element
    }
    !HTML_ELEMENTS.contains(&name.as_str())
}

const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    // DocFX's `<xref href="uid"/>`, turned into a link by `xref`.
    "xref",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(pieces: &[&str]) -> (Vec<String>, Vec<String>) {
        let mut s = Sanitizer::default();
        let mut out = Vec::new();
        let mut what = Vec::new();
        for p in pieces {
            let (o, r) = s.clean(p);
            out.push(o);
            what.extend(r.into_iter().map(|r| format!("{}@{}", r.what, r.at)));
        }
        (out, what)
    }

    #[test]
    fn attributes_go_and_the_rest_stays_as_written() {
        let (o, w) = clean(&["<a href='x.md' onClick=\"go()\" class=a style=\"color:red\">link</a>"]);
        assert_eq!(o, ["<a href='x.md' class=a>link</a>"]);
        assert_eq!(w, ["`onclick=` event handler attribute@15", "`style=` attribute@38"]);
    }

    #[test]
    fn script_and_style_go_with_their_content_across_pieces() {
        let (o, w) = clean(&[
            "<div>\n",
            "<script type=\"x\">\n",
            "alert(1)\n",
            "</script>after\n",
            "<style>p{}</style></div>",
        ]);
        assert_eq!(o.concat(), "<div>\nafter\n</div>");
        assert_eq!(w, ["`<script>` element@0", "`<style>` element@0"]);
    }

    #[test]
    fn javascript_urls_in_any_disguise() {
        let (o, w) = clean(&["<a href=\" JavaScript:x()\">a</a><a href='java&#x09;script:y'>b</a><a href=ok.md>c</a>"]);
        assert_eq!(o, ["<a>a</a><a>b</a><a href=ok.md>c</a>"]);
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn comments_are_not_published_and_nothing_inside_them_is_reported() {
        let (o, w) = clean(&[
            "<!-- <script>x</script>\n",
            "<a onclick=x> -->\n",
            "<b>ok</b><!---->!<!-->",
        ]);
        assert_eq!(o.concat(), "\n<b>ok</b>!");
        assert!(w.is_empty());
        let (o, w) = clean(&["<!--pd:12-->\n", "<!--pd:-->x<!--pd:3 -->"]);
        assert_eq!(o.concat(), "<!--pd:12-->\nx");
        assert!(w.is_empty());
    }

    #[test]
    fn a_tag_over_two_lines() {
        let (o, w) = clean(&["<img src=\"a.png\"\n", "  onerror=\"x()\" alt=\"A\">\n"]);
        assert_eq!(o.concat(), "<img src=\"a.png\"\n alt=\"A\">\n");
        assert_eq!(w, ["`onerror=` event handler attribute@2"]);
    }

    #[test]
    fn unknown_tags_are_text() {
        assert!(unknown_inline_tag("<String>"));
        assert!(unknown_inline_tag("</T>"));
        assert!(!unknown_inline_tag("<br/>"));
        assert!(!unknown_inline_tag("<my-widget>"));
        assert!(!unknown_inline_tag("<!-- x -->"));
    }
}
