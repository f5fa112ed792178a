//! What changed in a source article since a translation's handoff: the
//! handoff text and today's, cut at their headings, sections paired by
//! heading ID (by position where an ID changed), and a word-level diff of
//! each changed section. Front matter is compared apart: a change there
//! only is "metadata changed", nothing to retranslate.
//!
//! The diffs come from the `similar` crate (Myers' algorithm over words).

use crate::markdown::highlight::html_escape;
use crate::markdown::slug::{slug, IdSet};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffOp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One section of the source, then and now.
#[derive(Debug, Clone, Serialize)]
pub struct SectionChange {
    pub kind: Kind,
    /// Heading ID now (at the handoff for a removed section); empty for the
    /// text before the first heading.
    pub id: String,
    pub title: String,
    /// Heading line in today's source (0: before the first heading, or
    /// removed).
    pub line: usize,
    /// Heading line in the handoff text.
    pub old_line: usize,
    pub words_added: usize,
    pub words_removed: usize,
    pub words_changed: usize,
    /// The word diff as HTML: `<ins>`, `<del>`, long unchanged runs cut.
    #[serde(skip)]
    pub html: String,
}

/// The source's change since the handoff.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    /// The body is the same; only front matter changed.
    pub metadata_only: bool,
    pub words_added: usize,
    pub words_removed: usize,
    /// Source words that replace others (a vendor retranslates these).
    pub words_changed: usize,
    pub sections_added: usize,
    pub sections_removed: usize,
    pub sections_changed: usize,
    #[serde(skip)]
    pub sections: Vec<SectionChange>,
}

impl Changes {
    /// Words a translator must (re)translate.
    pub fn to_retranslate(&self) -> usize {
        self.words_added + self.words_changed
    }
}

/// A section of raw Markdown.
struct Raw<'a> {
    id: String,
    title: String,
    line: usize,
    text: &'a str,
}

/// `text` cut at its headings (the part before the first heading first,
/// possibly empty). Lines count from the top of the file.
fn outline(text: &str) -> Vec<Raw<'_>> {
    let fm = crate::frontmatter::split(text);
    let body = fm.body;
    let first_line = text[..fm.body_offset].matches('\n').count() + 1;
    let line_of = |off: usize| first_line + body[..off].matches('\n').count();
    let mut cuts: Vec<(usize, String, String)> = Vec::new();
    let mut ids = IdSet::default();
    let mut heading: Option<(usize, String, Option<String>)> = None;
    for (ev, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { .. }) => heading = Some((range.start, String::new(), None)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, title, explicit)) = heading.take() {
                    let title = title.trim().to_string();
                    let id = match explicit {
                        Some(id) if ids.reserve(&id) => id,
                        _ => ids.unique(&slug(&title)),
                    };
                    cuts.push((start, id, title));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.1.push_str(&t);
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if let Some((_, title, explicit)) = heading.as_mut() {
                    if title.trim().is_empty() && explicit.is_none() {
                        *explicit = anchor_name(&h);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let first = cuts.first().map_or(body.len(), |c| c.0);
    out.push(Raw {
        id: String::new(),
        title: String::new(),
        line: 0,
        text: &body[..first],
    });
    for (i, (start, id, title)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(body.len(), |c| c.0);
        out.push(Raw {
            id: id.clone(),
            title: title.clone(),
            line: line_of(*start),
            text: &body[*start..end],
        });
    }
    out
}

/// `x` of `<a name="x">` / `<a id="x">`.
fn anchor_name(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if !lower.trim_start().starts_with("<a ") {
        return None;
    }
    for key in ["name=\"", "id=\"", "name='", "id='"] {
        if let Some(i) = lower.find(key) {
            let rest = &html[i + key.len()..];
            let q = key.chars().last()?;
            return rest.find(q).map(|e| rest[..e].to_string());
        }
    }
    None
}

/// Unchanged words shown around a change; longer runs are cut.
const CONTEXT: usize = 8;

/// Line break token: kept in the diff so lists and paragraphs stay apart,
/// never counted as a word.
const BREAK: &str = "\n";

/// The words of `text`, with one `BREAK` where a line ends.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let before = out.len();
        out.extend(line.split_whitespace());
        if out.len() > before && out.last() != Some(&BREAK) {
            out.push(BREAK);
        }
    }
    out
}

/// Words: tokens with a letter or digit (not `##`, `-`, `|`, line breaks).
fn count(words: &[&str]) -> usize {
    words.iter().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// `words` as HTML: spaces between words, line breaks kept.
fn show(words: &[&str]) -> String {
    let mut out = String::new();
    for w in words {
        if *w == BREAK {
            out.push('\n');
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(&html_escape(w));
        }
    }
    out
}

/// `<tag>text</tag>`, a line break at the end of `text` after the tag.
fn tagged(tag: &str, text: &str) -> String {
    match text.strip_suffix('\n') {
        Some(t) => format!("<{tag}>{t}</{tag}>\n"),
        None => format!("<{tag}>{text}</{tag}>"),
    }
}

/// The word diff of two texts: counts (added, removed, changed) and HTML.
fn word_diff(old: &str, new: &str) -> (usize, usize, usize, String) {
    let a = tokens(old);
    let b = tokens(new);
    let ops = capture_diff_slices(Algorithm::Myers, &a, &b);
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    let mut html = String::new();
    let sep = |html: &mut String| {
        if !html.is_empty() && !html.ends_with('\n') {
            html.push(' ');
        }
    };
    let last = ops.len().saturating_sub(1);
    for (k, op) in ops.iter().enumerate() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                let w = &a[old_index..old_index + len];
                let head = if k == 0 { 0 } else { CONTEXT };
                let tail = if k == last { 0 } else { CONTEXT };
                sep(&mut html);
                if len > head + tail + 3 {
                    html.push_str(&show(&w[..head]));
                    sep(&mut html);
                    html.push_str("<span class=\"l10n-skip\">…</span>");
                    html.push(if tail > 0 { '\n' } else { ' ' });
                    html.push_str(&show(&w[len - tail..]));
                } else {
                    html.push_str(&show(w));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                let w = &a[old_index..old_index + old_len];
                removed += count(w);
                sep(&mut html);
                html.push_str(&tagged("del", &show(w)));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                let w = &b[new_index..new_index + new_len];
                added += count(w);
                sep(&mut html);
                html.push_str(&tagged("ins", &show(w)));
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let (o, n) = (&a[old_index..old_index + old_len], &b[new_index..new_index + new_len]);
                changed += count(n);
                sep(&mut html);
                html.push_str(&tagged("del", &show(o)));
                sep(&mut html);
                html.push_str(&tagged("ins", &show(n)));
            }
        }
    }
    (added, removed, changed, html.trim_end().to_string())
}

fn similar_enough(a: &str, b: &str) -> bool {
    let (a, b) = (tokens(a), tokens(b));
    similar::TextDiff::configure().diff_slices(&a, &b).ratio() >= 0.5
}

fn body_of(text: &str) -> String {
    crate::frontmatter::split(text).body.replace("\r\n", "\n")
}

/// The change from `old` (the handoff text) to `new` (today's source).
pub fn compare(old: &str, new: &str) -> Changes {
    let mut c = Changes::default();
    if body_of(old) == body_of(new) {
        c.metadata_only = old.replace("\r\n", "\n") != new.replace("\r\n", "\n");
        return c;
    }
    let (a, b) = (outline(old), outline(new));
    let ids_a: Vec<&str> = a.iter().map(|s| s.id.as_str()).collect();
    let ids_b: Vec<&str> = b.iter().map(|s| s.id.as_str()).collect();
    let push = |c: &mut Changes, old: Option<&Raw>, new: Option<&Raw>| {
        let (kind, (added, removed, changed, html)) = match (old, new) {
            (Some(o), Some(n)) if tokens(o.text) == tokens(n.text) => (Kind::Unchanged, (0, 0, 0, String::new())),
            (Some(o), Some(n)) => (Kind::Changed, word_diff(o.text, n.text)),
            (None, Some(n)) => (Kind::Added, word_diff("", n.text)),
            (Some(o), None) => (Kind::Removed, word_diff(o.text, "")),
            (None, None) => return,
        };
        // The empty part before the first heading on both sides is no section.
        if kind == Kind::Unchanged && new.is_some_and(|n| n.line == 0 && n.text.trim().is_empty()) {
            return;
        }
        match kind {
            Kind::Added => c.sections_added += 1,
            Kind::Removed => c.sections_removed += 1,
            Kind::Changed => c.sections_changed += 1,
            Kind::Unchanged => {}
        }
        c.words_added += added;
        c.words_removed += removed;
        c.words_changed += changed;
        let named = new.or(old).expect("one side");
        c.sections.push(SectionChange {
            kind,
            id: named.id.clone(),
            title: named.title.clone(),
            line: new.map_or(0, |n| n.line),
            old_line: old.map_or(0, |o| o.line),
            words_added: added,
            words_removed: removed,
            words_changed: changed,
            html,
        });
    };
    for op in capture_diff_slices(Algorithm::Myers, &ids_a, &ids_b) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    push(&mut c, Some(&a[old_index + k]), Some(&b[new_index + k]));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                for o in &a[old_index..old_index + old_len] {
                    push(&mut c, Some(o), None);
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for n in &b[new_index..new_index + new_len] {
                    push(&mut c, None, Some(n));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // A heading renamed in place keeps most of its words: pair
                // by position when at least half the words are the same,
                // else one section went and another came.
                for k in 0..old_len.max(new_len) {
                    let o = (k < old_len).then(|| &a[old_index + k]);
                    let n = (k < new_len).then(|| &b[new_index + k]);
                    match (o, n) {
                        (Some(o), Some(n)) if similar_enough(o.text, n.text) => push(&mut c, Some(o), Some(n)),
                        _ => {
                            push(&mut c, o, None);
                            push(&mut c, None, n);
                        }
                    }
                }
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_only() {
        let c = compare(
            "---\nms.date: 01/01/2020\n---\n# T\n\nText.\n",
            "---\nms.date: 02/02/2021\n---\n# T\r\n\r\nText.\r\n",
        );
        assert!(c.metadata_only);
        assert_eq!(c.to_retranslate(), 0);
        assert!(c.sections.is_empty());
    }

    #[test]
    fn sections_and_words() {
        let old = "# Title\n\nIntro words here.\n\n## Keep\n\nSame text.\n\n## Gone\n\nOld part.\n\n## Edit\n\nThe quick brown fox.\n";
        let new = "---\nx: 1\n---\n# Title\n\nIntro words here.\n\n## Keep\n\nSame text.\n\n## Edit\n\nThe slow brown fox. It jumps.\n\n## New one\n\nFresh words.\n";
        let c = compare(old, new);
        assert!(!c.metadata_only);
        let kinds: Vec<(Kind, &str, usize)> = c.sections.iter().map(|s| (s.kind, s.id.as_str(), s.line)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Unchanged, "title", 4),
                (Kind::Unchanged, "keep", 8),
                (Kind::Removed, "gone", 0),
                (Kind::Changed, "edit", 12),
                (Kind::Added, "new-one", 16),
            ]
        );
        let edit = &c.sections[3];
        assert_eq!((edit.words_added, edit.words_removed, edit.words_changed), (2, 0, 1));
        assert!(edit.html.contains("<del>quick</del> <ins>slow</ins>"), "{}", edit.html);
        assert!(edit.html.contains("<ins>It jumps.</ins>"), "{}", edit.html);
        assert_eq!((c.sections_added, c.sections_removed, c.sections_changed), (1, 1, 1));
        // "New one Fresh words." (`##` is no word) + 2 in Edit.
        assert_eq!(c.words_added, 6);
        assert_eq!(c.words_removed, 3);
    }

    #[test]
    fn explicit_anchor_is_the_id() {
        let o = outline("## <a name=\"setup\"></a>Einrichten\n\nx\n");
        assert_eq!(o[1].id, "setup");
        assert_eq!(o[1].line, 1);
    }
}
