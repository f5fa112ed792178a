//! Bare URLs in running text become links, as Markdig's autolink extension
//! (which DocFX and Learn use) makes them: `https://`, `http://`, `ftp://`,
//! `mailto:` and `www.` (linked as `http://www.`), at the start of text or
//! after a blank or `*_~(`, up to a blank or `<`, without trailing
//! punctuation or an unmatched `)`. Not inside code, links, images or a
//! raw `<a>` element. The links are ordinary link events, so they are
//! recorded and checked like any other.

use super::docfx::{At, Ev};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

const SCHEMES: [&str; 5] = ["https://", "http://", "ftp://", "mailto:", "www."];

/// A URL found at `start..end` of `text`, linked to `href`.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    href: String,
}

/// Where links, code and raw `<a>` elements stand before an event: how
/// many of each are open.
#[derive(Clone, Copy, Default)]
struct Open {
    code: usize,
    link: usize,
    html_a: usize,
}

impl Open {
    /// After `e`.
    fn step(&mut self, e: &Event) {
        match e {
            Event::Start(Tag::CodeBlock(_)) => self.code += 1,
            Event::End(TagEnd::CodeBlock) => self.code = self.code.saturating_sub(1),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.link = self.link.saturating_sub(1),
            Event::InlineHtml(h) | Event::Html(h) => match a_tag(h) {
                Some(true) => self.html_a += 1,
                Some(false) => self.html_a = self.html_a.saturating_sub(1),
                None => {}
            },
            _ => {}
        }
    }

    /// Whether a text event here is running text (a URL in it is linked).
    fn running_text(&self, e: &Event) -> bool {
        matches!(e, Event::Text(_)) && self.code == 0 && self.link == 0 && self.html_a == 0
    }
}

pub fn apply(mut evs: Vec<Ev>) -> Vec<Ev> {
    // Most documents have no bare URL: found by looking at the events
    // where they are, and only from the first run of text holding one
    // are the events moved into a new list.
    let Some((first, open)) = first_url_run(&evs) else {
        return evs;
    };
    let rest = evs.split_off(first);
    apply_from(evs, rest, open)
}

/// The first run of running text in which `find` finds a URL: its first
/// event's index, and what is open there.
fn first_url_run(evs: &[Ev]) -> Option<(usize, Open)> {
    let mut open = Open::default();
    let mut i = 0;
    while i < evs.len() {
        let ev = &evs[i];
        open.step(&ev.e);
        if !open.running_text(&ev.e) {
            i += 1;
            continue;
        }
        let file = ev.file;
        let end = evs[i + 1..]
            .iter()
            .position(|e| !(matches!(e.e, Event::Text(_)) && e.file == file))
            .map_or(evs.len(), |k| i + 1 + k);
        if !find(&run_text(&evs[i..end])).is_empty() {
            // (The run's first event, a text, leaves `open` as it was.)
            return Some((i, open));
        }
        i = end;
    }
    None
}

/// The text of a run of text events, borrowed when the run is one event.
fn run_text(run: &[Ev]) -> std::borrow::Cow<'_, str> {
    fn text_of(e: &Ev) -> &str {
        match &e.e {
            Event::Text(t) => t.as_ref(),
            _ => "",
        }
    }
    match run {
        [one] => std::borrow::Cow::Borrowed(text_of(one)),
        more => std::borrow::Cow::Owned(more.iter().map(text_of).collect()),
    }
}

/// The events from a run of text holding a URL on (`evs`), after the
/// events before it (`out`), with `open` as it stands there.
fn apply_from(mut out: Vec<Ev>, evs: Vec<Ev>, open: Open) -> Vec<Ev> {
    out.reserve(evs.len() + 8);
    let mut open = open;
    // The events are moved, never copied: most pass through as they are.
    let mut evs = evs.into_iter().peekable();
    let mut run: Vec<Ev> = Vec::new();
    while let Some(ev) = evs.next() {
        open.step(&ev.e);
        if !open.running_text(&ev.e) {
            out.push(ev);
            continue;
        }
        // A run of text events (pulldown-cmark splits at `&`, `_`, ...),
        // each piece keeping where it came from.
        let file = ev.file;
        run.clear();
        run.push(ev);
        while let Some(next) = evs.next_if(|e| matches!(e.e, Event::Text(_)) && e.file == file) {
            run.push(next);
        }
        let text = run_text(&run);
        let found = find(&text);
        if found.is_empty() {
            out.append(&mut run);
            continue;
        }
        let text = text.to_string();
        let mut pieces: Vec<(usize, &Ev)> = Vec::with_capacity(run.len());
        let mut len = 0;
        for e in &run {
            pieces.push((len, e));
            if let Event::Text(t) = &e.e {
                len += t.len();
            }
        }
        // Where byte `at` of the joined text was written.
        let ev_at = |at: usize| -> Ev {
            let (start, ev) = pieces
                .iter()
                .rev()
                .find(|(s, _)| *s <= at)
                .copied()
                .unwrap_or(pieces[0]);
            let mut e = ev.clone();
            if let At::Prep(o) = e.at {
                // (A piece holding an entity is shorter than its source:
                // positions after one in the same piece are approximate.)
                e.at = At::Prep(o + (at - start));
            }
            e
        };
        let mut pos = 0;
        for f in found {
            if f.start > pos {
                let mut e = ev_at(pos);
                e.e = Event::Text(text[pos..f.start].to_string().into());
                out.push(e);
            }
            let mut start = ev_at(f.start);
            start.e = Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: CowStr::from(f.href),
                title: CowStr::from(""),
                id: CowStr::from(""),
            });
            let mut label = start.clone();
            label.e = Event::Text(text[f.start..f.end].to_string().into());
            let mut end = start.clone();
            end.e = Event::End(TagEnd::Link);
            out.extend([start, label, end]);
            pos = f.end;
        }
        if pos < text.len() {
            let mut e = ev_at(pos);
            e.e = Event::Text(text[pos..].to_string().into());
            out.push(e);
        }
    }
    out
}

/// Whether raw HTML opens an `<a>` element (`Some(true)`: `<a `, `<a>`,
/// `<a` and a line end, in any letter case, after leading white space),
/// closes one (`Some(false)`: `</a`) or neither.
fn a_tag(h: &str) -> Option<bool> {
    let b = h.trim_start().as_bytes();
    match b {
        [b'<', a, c, ..] if a.eq_ignore_ascii_case(&b'a') && matches!(c, b' ' | b'>' | b'\n') => Some(true),
        [b'<', b'/', a, ..] if a.eq_ignore_ascii_case(&b'a') => Some(false),
        _ => None,
    }
}

fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    // Without a `:` neither `://` nor `mailto:` is there: one scan for both.
    let colon = memchr::memchr(b':', text.as_bytes()).is_some();
    let has = |needle: &[u8]| memchr::memmem::find(text.as_bytes(), needle).is_some();
    if !has(b"www.") && (!colon || (!has(b"://") && !has(b"mailto:"))) {
        return out;
    }
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some((k, scheme)) = SCHEMES
            .iter()
            .filter_map(|s| lower[i..].find(s).map(|k| (i + k, *s)))
            .min_by_key(|(k, _)| *k)
        else {
            break;
        };
        let before_ok = k == 0 || matches!(b[k - 1], b' ' | b'\t' | b'\n' | b'\r' | b'*' | b'_' | b'~' | b'(');
        let mut end = k + text[k..]
            .find(|c: char| c.is_whitespace() || c == '<')
            .unwrap_or(text.len() - k);
        // Trailing punctuation is the sentence's, not the URL's.
        loop {
            let t = &text[k..end];
            match t.chars().last() {
                Some('?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"' | ';') => end -= 1,
                Some(')') if t.matches('(').count() < t.matches(')').count() => end -= 1,
                _ => break,
            }
        }
        if end <= k + scheme.len() {
            i = k + scheme.len();
            continue;
        }
        let url = &text[k..end];
        let rest = &url[scheme.len()..];
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let host = &rest[..host_end];
        let host_ok = match scheme {
            "mailto:" => host.contains('@') && !host.starts_with('@') && !host.ends_with('@'),
            _ => true,
        } && host_valid(host.rsplit('@').next().unwrap_or(host));
        if before_ok && host_ok {
            let href = if scheme == "www." {
                format!("http://{url}")
            } else {
                url.to_string()
            };
            out.push(Found { start: k, end, href });
            i = end.max(k + 1);
        } else {
            i = k + scheme.len();
        }
    }
    out
}

/// Letters, digits, `-`, `_` and dots (not doubled, not at the end), with
/// an optional `:port`.
fn host_valid(host: &str) -> bool {
    let name = host.split_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|c| c.is_ascii_digit()) {
            h
        } else {
            ""
        }
    });
    !name.is_empty()
        && !name.ends_with('.')
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(t: &str) -> Vec<(String, String)> {
        find(t)
            .into_iter()
            .map(|f| (t[f.start..f.end].to_string(), f.href))
            .collect()
    }

    #[test]
    fn the_shapes_markdig_links() {
        assert_eq!(
            urls("See https://contoso.example/a_b?x=1&y=2. Or (www.contoso.example/docs), ftp://files.example/x!"),
            [
                (
                    "https://contoso.example/a_b?x=1&y=2".into(),
                    "https://contoso.example/a_b?x=1&y=2".into()
                ),
                (
                    "www.contoso.example/docs".into(),
                    "http://www.contoso.example/docs".into()
                ),
                ("ftp://files.example/x".into(), "ftp://files.example/x".into()),
            ]
        );
        assert_eq!(
            urls("https://en.wikipedia.example/wiki/Foo_(bar) and mailto:help@contoso.example"),
            [
                (
                    "https://en.wikipedia.example/wiki/Foo_(bar)".to_string(),
                    "https://en.wikipedia.example/wiki/Foo_(bar)".to_string()
                ),
                (
                    "mailto:help@contoso.example".into(),
                    "mailto:help@contoso.example".into()
                ),
            ]
        );
    }

    #[test]
    fn not_links() {
        assert!(urls("xhttps://contoso.example").is_empty());
        assert!(urls("https:// nothing").is_empty());
        assert!(urls("www. alone").is_empty());
        assert!(urls("http://..").is_empty());
    }
}
