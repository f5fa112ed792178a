//! Segment-aligned translations: older Microsoft translations carry the
//! source inside the translation, segment by segment:
//! `<span data-ttu-id="x-102">Vertaling</span><span class="sxs-lookup"><span data-stu-id="x-102">Source</span></span>`.
//!
//! Readers never see the `sxs-lookup` part: before Markdown is rendered it is
//! replaced by an HTML comment of exactly the same length (line breaks kept,
//! so every line and column stays where it was), and the comments are
//! removed from the HTML. Reviewers get the pairs back from `segments`.

use crate::diagnostics::LineIndex;
use crate::markdown::{self, Rendered};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// One translated segment and the source text it carries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Segment {
    pub id: String,
    /// The translation's Markdown inside the `data-ttu-id` span.
    pub translation: String,
    /// The source's Markdown inside the `sxs-lookup` span.
    pub source: String,
    pub line: usize,
}

fn lookup_open() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)<span\s+class\s*=\s*["']sxs-lookup["']\s*>"#).unwrap())
}

fn span_tag() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)<span\b[^>]*>|</span\s*>").unwrap())
}

fn pair_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?is)<span\s+data-ttu-id\s*=\s*["']([^"']+)["']\s*>(.*?)</span\s*>\s*<span\s+class\s*=\s*["']sxs-lookup["']\s*>\s*<span\s+data-stu-id\s*=\s*["'][^"']*["']\s*>(.*?)</span\s*>\s*</span\s*>"#).unwrap()
    })
}

fn filler_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<!--\x20[\x20\n]*-->").unwrap())
}

/// Byte ranges of every `sxs-lookup` span (with its nested spans) after
/// `from`.
fn lookup_ranges(text: &str, from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = from;
    while let Some(m) = lookup_open().find_at(text, pos) {
        let mut depth = 1;
        let mut end = None;
        for t in span_tag().find_iter(&text[m.end()..]) {
            if t.as_str().starts_with("</") {
                depth -= 1;
                if depth == 0 {
                    end = Some(m.end() + t.end());
                    break;
                }
            } else {
                depth += 1;
            }
        }
        let Some(end) = end else { break };
        out.push((m.start(), end));
        pos = end;
    }
    out
}

/// The text readers get: each `sxs-lookup` span after `body_offset`
/// becomes `<!-- ... -->` of the same length (line breaks kept).
pub fn reader_text(text: &str, body_offset: usize) -> Cow<'_, str> {
    if memchr::memmem::find(&text.as_bytes()[body_offset..], b"sxs-lookup").is_none() {
        return Cow::Borrowed(text);
    }
    let ranges = lookup_ranges(text, body_offset);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e) in ranges {
        out.push_str(&text[pos..s]);
        let inner_len = e - s - 7; // "<!--" + "-->"
        out.push_str("<!-- ");
        out.extend(
            text[s..e]
                .bytes()
                .skip(5)
                .take(inner_len - 1)
                .map(|b| if b == b'\n' { '\n' } else { ' ' }),
        );
        out.push_str("-->");
        pos = e;
    }
    out.push_str(&text[pos..]);
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

/// Renders an article body as readers see it (no `sxs-lookup` text).
pub fn render_reader(text: &str, body_offset: usize, lines: &LineIndex) -> Rendered {
    let reader = reader_text(text, body_offset);
    let mut md = markdown::render(&reader, body_offset, lines);
    if let Cow::Owned(_) = reader {
        remove_fillers(&mut md);
    }
    md
}

/// Removes the comments `reader_text` put where source segments were.
pub fn remove_fillers(md: &mut Rendered) {
    md.html = filler_re().replace_all(&md.html, "").into_owned();
}

/// Every segment pair of a translation, in order.
pub fn segments(text: &str, body_offset: usize) -> Vec<Segment> {
    if memchr::memmem::find(&text.as_bytes()[body_offset..], b"sxs-lookup").is_none() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    pair_re()
        .captures_iter(&text[body_offset..])
        .map(|c| Segment {
            id: c[1].to_string(),
            translation: c[2].trim().to_string(),
            source: c[3].trim().to_string(),
            line: lines.line_col(text, body_offset + c.get(0).unwrap().start()).0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEG: &str = "# <span data-ttu-id=\"1e-101\">Synchronisatie</span><span class=\"sxs-lookup\"><span data-stu-id=\"1e-101\">Sync</span></span>\n\n<span data-ttu-id=\"1e-102\">Zie [de gids](a.md).</span><span class=\"sxs-lookup\"><span data-stu-id=\"1e-102\">See [the guide](a.md).</span></span> [x](b.md)\n";

    #[test]
    fn readers_see_only_the_translation_and_positions_stay() {
        let r = reader_text(SEG, 0);
        assert_eq!(r.len(), SEG.len());
        assert!(!r.contains("Sync<") && !r.contains("the guide"));
        let md = render_reader(SEG, 0, &LineIndex::new(SEG));
        assert_eq!(md.headings[0].text, "Synchronisatie");
        assert!(!md.html.contains("<!--"), "{}", md.html);
        assert!(!md.html.contains("sxs-lookup"), "{}", md.html);
        // Only the translation's links; the one after the segment keeps its column.
        assert_eq!(md.links.len(), 2);
        assert_eq!(
            (md.links[1].line, md.links[1].column),
            (3, SEG.lines().nth(2).unwrap().find("[x]").unwrap() + 1)
        );
    }

    #[test]
    fn pairs() {
        let s = segments(SEG, 0);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (
                s[0].id.as_str(),
                s[0].translation.as_str(),
                s[0].source.as_str(),
                s[0].line
            ),
            ("1e-101", "Synchronisatie", "Sync", 1)
        );
        assert_eq!(
            (s[1].translation.as_str(), s[1].source.as_str(), s[1].line),
            ("Zie [de gids](a.md).", "See [the guide](a.md).", 3)
        );
    }
}
