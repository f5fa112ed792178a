//! Cross references as DocFX writes them besides `[text](xref:uid)`:
//! `<xref:uid>`, `[](xref:uid)` and `<xref href="uid"/>` take the target page's title as their
//! text, and the `@uid` shortcut links to the page that declares that uid
//! (`@"uid with blanks"` too). Titles and shortcuts depend on other pages,
//! so they are placeholders here, filled per page by `fill`:
//! `\u{4}tN\u{4}uid\u{5}` is the title of link N (the uid when unknown),
//! `\u{4}sN\u{4}@uid\u{5}` shortcut N (its text when the uid is unknown: an
//! unknown shortcut is text, as in DocFX, never an error).

use super::docfx::{At, Ev};
use pulldown_cmark::{Event, Tag, TagEnd};

pub const OPEN: char = '\u{4}';
pub const CLOSE: char = '\u{5}';
/// Stands for "the link's title" in the events, until the link is numbered.
pub const TITLE_TEXT: &str = "\u{4}";

/// An `@uid` found in text: the uid and the event (positioned at the `@`).
pub struct Shortcut {
    pub uid: String,
    pub at: Ev,
}

/// Marks xref links without text of their own, and turns `@uid` into
/// shortcut placeholders (returned in order).
pub fn apply(mut evs: Vec<Ev>) -> (Vec<Ev>, Vec<Shortcut>) {
    // Most documents have neither an `xref:` link, an `<xref>` tag nor an
    // `@` in their text: then every event would be moved as it is.
    if !evs.iter().any(|ev| may_be_xref(&ev.e)) {
        return (evs, Vec::new());
    }
    let mut out: Vec<Ev> = Vec::with_capacity(evs.len());
    let mut shortcuts = Vec::new();
    let mut code = 0usize;
    let mut link = 0usize;
    let mut i = 0;
    while i < evs.len() {
        let ev = &evs[i];
        match &ev.e {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("xref:") => {
                out.push(ev.clone());
                match evs.get(i + 1).map(|e| &e.e) {
                    // `[](xref:uid)`
                    Some(Event::End(TagEnd::Link)) => {
                        out.push(Ev {
                            e: Event::Text(TITLE_TEXT.into()),
                            ..ev.clone()
                        });
                        i += 1;
                        continue;
                    }
                    // `<xref:uid>`: its text is its destination.
                    Some(Event::Text(t))
                        if t.as_ref() == dest_url.as_ref()
                            && matches!(evs.get(i + 2).map(|e| &e.e), Some(Event::End(TagEnd::Link))) =>
                    {
                        out.push(Ev {
                            e: Event::Text(TITLE_TEXT.into()),
                            ..evs[i + 1].clone()
                        });
                        i += 2;
                        continue;
                    }
                    _ => {}
                }
                link += 1;
                i += 1;
                continue;
            }
            // DocFX's HTML form: `<xref href="uid"/>` (or `<xref href="uid"></xref>`).
            Event::InlineHtml(h) if xref_tag(h).is_some() => {
                let uid = xref_tag(h).unwrap_or_default();
                let closed_here = h.trim_end().ends_with("/>");
                let dest = format!("xref:{uid}");
                let mk = |e: Event<'static>| Ev { e, ..ev.clone() };
                out.push(mk(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url: dest.into(),
                    title: "".into(),
                    id: "".into(),
                })));
                out.push(mk(Event::Text(TITLE_TEXT.into())));
                out.push(mk(Event::End(TagEnd::Link)));
                let closing = !closed_here
                    && matches!(evs.get(i + 1).map(|e| &e.e), Some(Event::InlineHtml(c)) if c.trim().eq_ignore_ascii_case("</xref>"));
                i += 1 + closing as usize;
                continue;
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => link = link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Text(t) if code == 0 && link == 0 && t.contains('@') => {
                let mut pos = 0;
                for (s, e, uid) in find(t) {
                    if s > pos {
                        out.push(Ev {
                            e: Event::Text(t[pos..s].to_string().into()),
                            ..ev.clone()
                        });
                    }
                    let mut at = ev.clone();
                    if let At::Prep(o) = at.at {
                        at.at = At::Prep(o + s);
                    }
                    out.push(Ev {
                        e: Event::InlineHtml(format!("{OPEN}s{}{OPEN}{}{CLOSE}", shortcuts.len(), &t[s..e]).into()),
                        ..at.clone()
                    });
                    shortcuts.push(Shortcut { uid, at });
                    pos = e;
                }
                if pos > 0 {
                    if pos < t.len() {
                        out.push(Ev {
                            e: Event::Text(t[pos..].to_string().into()),
                            ..ev.clone()
                        });
                    }
                    i += 1;
                    continue;
                }
            }
            _ => {}
        }
        // Moved, not copied: only later events are looked at again.
        let moved = Ev {
            e: Event::SoftBreak,
            file: 0,
            at: At::Fixed(0, 0),
        };
        out.push(std::mem::replace(&mut evs[i], moved));
        i += 1;
    }
    (out, shortcuts)
}

/// Whether `apply` may do anything with `e` other than move it: an
/// `xref:` link, an `<xref` tag, a text with an `@` (wherever it stands).
fn may_be_xref(e: &Event) -> bool {
    match e {
        Event::Start(Tag::Link { dest_url, .. }) => dest_url.starts_with("xref:"),
        Event::InlineHtml(h) => xref_tag(h).is_some(),
        Event::Text(t) => memchr::memchr(b'@', t.as_bytes()).is_some(),
        _ => false,
    }
}

/// The uid of an `<xref href="uid" ...>` tag.
fn xref_tag(h: &str) -> Option<String> {
    let t = h.trim();
    // `get`: the sixth byte may be inside a character (`<?b𐫬…`).
    let (Some(head), Some(tail)) = (t.get(..5), t.get(5..)) else {
        return None;
    };
    if !head.eq_ignore_ascii_case("<xref") || !tail.starts_with(char::is_whitespace) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let at = lower.find("href")?;
    let rest = t[at + 4..].trim_start().strip_prefix('=')?.trim_start();
    let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let end = rest[1..].find(q)?;
    let uid = rest[1..1 + end].trim();
    (!uid.is_empty()).then(|| uid.to_string())
}

/// `@uid` and `@"uid"` in `t`: (start, end, uid). The `@` starts the text
/// or follows a blank or an opening bracket; a uid starts with a letter and
/// does not end in punctuation.
fn find(t: &str) -> Vec<(usize, usize, String)> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = t[i..].find('@').map(|k| i + k) {
        i = k + 1;
        if k > 0 && !matches!(b[k - 1], b' ' | b'\t' | b'\n' | b'(' | b'[') {
            continue;
        }
        if b.get(k + 1) == Some(&b'"') {
            if let Some(q) = t[k + 2..].find('"') {
                let uid = &t[k + 2..k + 2 + q];
                if !uid.trim().is_empty() {
                    out.push((k, k + 3 + q, uid.to_string()));
                    i = k + 3 + q;
                }
            }
            continue;
        }
        if !b.get(k + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let mut e = k + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'_' | b'-' | b'#' | b'*' | b'`')) {
            e += 1;
        }
        while e > k + 1 && matches!(b[e - 1], b'.' | b'-' | b'#' | b'*' | b'`') {
            e -= 1;
        }
        out.push((k, e, t[k + 1..e].to_string()));
        i = e;
    }
    out
}

/// Fills the placeholders: `shortcut(n)` gives shortcut n's HTML (`None`:
/// its text stays), `title(n)` link n's title (`None`: the uid stays).
/// HTML without a placeholder (most pages) is given back as it is.
pub fn fill<'h>(
    html: &'h str,
    mut shortcut: impl FnMut(usize) -> Option<String>,
    mut title: impl FnMut(usize) -> Option<String>,
) -> std::borrow::Cow<'h, str> {
    const _: () = assert!(OPEN.len_utf8() == 1);
    if memchr::memchr(OPEN as u8, html.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(a) = rest.find(OPEN) {
        out.push_str(&rest[..a]);
        let after = &rest[a + 1..];
        let (Some(b), Some(c)) = (after.find(OPEN), after.find(CLOSE)) else {
            rest = after;
            continue;
        };
        let key = &after[..b];
        let fallback = &after[b + 1..c.max(b + 1)];
        let n = key[1.min(key.len())..].parse::<usize>().ok();
        let filled = match (key.as_bytes().first(), n) {
            (Some(b's'), Some(n)) => shortcut(n),
            (Some(b't'), Some(n)) => title(n).map(|t| super::highlight::html_escape(&t)),
            _ => None,
        };
        out.push_str(&filled.unwrap_or_else(|| fallback.to_string()));
        rest = &after[c + 1..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_in_text() {
        let f = |t: &str| find(t).into_iter().map(|x| x.2).collect::<Vec<_>>();
        assert_eq!(
            f("See @Contoso.Relay.Client. Or (@\"Relay Overview\")"),
            ["Contoso.Relay.Client", "Relay Overview"]
        );
        assert!(f("mail me@contoso.example, @ 2, @1abc").is_empty());
    }

    #[test]
    fn fill_with_and_without_targets() {
        let html = format!("a {OPEN}s0{OPEN}@X{CLOSE} b {OPEN}s1{OPEN}@Y{CLOSE} <a>{OPEN}t3{OPEN}xref:Z{CLOSE}</a>");
        let out = fill(
            &html,
            |n| (n == 0).then(|| "<a href=\"x/\">X page</a>".to_string()),
            |_| Some("Z & co".into()),
        );
        assert_eq!(out, "a <a href=\"x/\">X page</a> b @Y <a>Z &amp; co</a>");
    }
}
