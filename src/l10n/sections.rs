//! Sections: an article cut at its headings, with what a reviewer compares
//! in each (text blocks, code blocks, links, images, UI paths, segments, and
//! the defects machine translation leaves around links), plus the rendered
//! HTML of each section. Works on the text readers get (no `sxs-lookup`).

use super::segments::{self, Segment};
use crate::diagnostics::LineIndex;
use crate::markdown::highlight::html_escape;
use crate::markdown::LinkKind;
use crate::parse::Article;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use regex::Regex;
use std::sync::OnceLock;

use super::spacing::{collapse_owned, loose, push_without, squash_owned, tail};

/// A paragraph, list item, table cell or heading.
#[derive(Debug, Clone)]
pub struct Block {
    /// Text without inline code.
    pub prose: String,
    /// Text with inline code.
    pub text: String,
    /// Text without inline code and without bold (UI strings): what must
    /// be translated; `None` when that is `prose` (no bold, no code).
    pub loose: Option<String>,
    /// A table cell (short values: types, names).
    pub cell: bool,
    pub line: usize,
    /// Where in `text` each of the block's later lines starts (a paragraph
    /// wrapped over lines): `line + k` begins at `line_starts[k - 1]`.
    pub line_starts: Vec<usize>,
}

impl Block {
    /// Text without inline code and without bold: what must be translated.
    pub fn loose(&self) -> &str {
        self.loose.as_deref().unwrap_or(&self.prose)
    }

    /// The file's line of the byte at `offset` in `text`.
    pub fn line_at(&self, offset: usize) -> usize {
        self.line + self.line_starts.iter().take_while(|&&o| o <= offset).count()
    }
}

#[derive(Debug, Clone)]
pub struct CodeBlock {
    pub code: String,
    pub line: usize,
}

/// Something at a position: a glued word, a space before punctuation, a UI
/// path.
#[derive(Debug, Clone)]
pub struct Spot {
    pub line: usize,
    pub column: usize,
    pub text: String,
    /// A space before punctuation: the sentence goes on after the mark in
    /// lower case (`mit . relativer Pfad`), as after a path's dot.
    pub goes_on: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Heading ID; empty for the text before the first heading.
    pub id: String,
    pub level: u8,
    pub title: String,
    pub line: usize,
    pub blocks: Vec<Block>,
    pub code: Vec<CodeBlock>,
    /// Indices into the article's `md.links`.
    pub links: Vec<usize>,
    pub images: Vec<usize>,
    /// `[text](url)word`: the word glued to the closing parenthesis.
    pub glued: Vec<Spot>,
    /// `[](url)`: a link without text.
    pub empty_links: Vec<Spot>,
    /// `word[text](url)`: a word glued to the link's opening bracket.
    pub glued_before: Vec<Spot>,
    /// `word ,`: a space before punctuation.
    pub space_punct: Vec<Spot>,
    /// `**A** > **B** > **C**`; `column` holds the number of steps.
    pub ui_paths: Vec<Spot>,
    pub segments: Vec<Segment>,
    /// Where the section's rendered HTML (with link placeholders) lies in
    /// the article's `md.html`: a range, not a copy, so a build holding the
    /// reviews of every translation does not hold every article twice.
    pub html: std::ops::Range<usize>,
}

/// What the pass over an article's Markdown puts into a section.
enum Found {
    Block(Block),
    Code(CodeBlock),
    UiPath(Spot),
    EmptyLink(Spot),
    GluedBefore(Spot),
    Glued(Spot),
    SpacePunct(Spot),
}

fn ui_path_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\x02[^\x02\x03]+\x03(?:\s*(?:>|→|&gt;)\s*\x02[^\x02\x03]+\x03)+").unwrap())
}

fn space_punct_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r" +[,.;:!?]").unwrap())
}

/// Cuts `article` into sections. `text` is the article file's text (BOM
/// removed); `french` allows the space French writes before `; : ! ?`.
pub fn split(article: &Article, text: &str, french: bool) -> Vec<Section> {
    split_html(article, &article.md.html, text, french)
}

/// `split`, with the article's HTML as read back from `bodies` (a build
/// keeps it out of the article).
pub fn split_html(article: &Article, html: &str, text: &str, french: bool) -> Vec<Section> {
    let fm = crate::frontmatter::split(text);
    let body_offset = fm.body_offset;
    let reader = segments::reader_text(text, body_offset);
    let lines = LineIndex::new(&reader);
    let body = &reader[body_offset..];
    let pos = |off: usize| lines.line_col(&reader, body_offset + off);
    let line_of = |off: usize| lines.line(body_offset + off);

    // One pass over the Markdown: the headings of the article's own text
    // (an included file's headings carry that file's line numbers and stay
    // inside the section that includes it), and what goes into the
    // sections they make.
    let mut own: std::collections::HashSet<(usize, u8)> = std::collections::HashSet::new();
    let mut found: Vec<(usize, Found)> = Vec::new();
    // Blocks: (prose, text with code, marked text for UI paths, line).
    // The marked text is made at the block's first bold or code: until
    // then it is the prose without the marks' bytes.
    let mut open: Vec<(String, String, Option<String>, usize)> = Vec::new();
    fn marked(b: &mut (String, String, Option<String>, usize)) -> &mut String {
        b.2.get_or_insert_with(|| {
            let mut m = String::with_capacity(b.0.capacity());
            push_without(&mut m, &b.0, b"\x02\x03");
            m
        })
    }
    let mut open_cell: Vec<bool> = Vec::new();
    let mut code: Option<(String, usize)> = None;
    let mut image_depth = 0;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(tag @ (Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::Heading { .. })) => {
                if let Tag::Heading { level, .. } = tag {
                    own.insert((line_of(range.start), level as u8));
                }
                open_cell.push(matches!(tag, Tag::TableCell));
                // The block's text is at most about as long as its source.
                let size = range.len().min(4096);
                open.push((
                    String::with_capacity(size),
                    String::with_capacity(size),
                    None,
                    line_of(range.start),
                ));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_)) => {
                let cell = open_cell.pop().unwrap_or(false);
                if let Some((prose, text, marked, line)) = open.pop() {
                    // Without bold or code, the marked text is the prose
                    // without the marks' bytes: no UI path, and its loose
                    // form is the prose squashed when the prose has none.
                    let plain = |s: &str| {
                        let b = s.as_bytes();
                        memchr::memchr2(0x02, 0x03, b).is_none() && memchr::memchr2(0x04, 0x05, b).is_none()
                    };
                    let marked = match marked {
                        Some(m) => Some(m),
                        None if plain(&prose) => None,
                        None => {
                            let mut m = String::with_capacity(prose.len());
                            push_without(&mut m, &prose, b"\x02\x03");
                            Some(m)
                        }
                    };
                    let marked = marked.as_deref();
                    // A UI path has two bold steps at least.
                    let bold = marked.is_some_and(|m| memchr::memchr_iter(b'\x02', m.as_bytes()).nth(1).is_some());
                    let paths = bold.then(|| ui_path_re().find_iter(marked.unwrap_or("")));
                    for m in paths.into_iter().flatten() {
                        let steps = m.as_str().matches('\x02').count();
                        let shown = m.as_str().replace(['\x02', '\x03', '\x04', '\x05'], "");
                        found.push((
                            line,
                            Found::UiPath(Spot {
                                line,
                                column: steps,
                                text: shown,
                                goes_on: false,
                            }),
                        ));
                    }
                    if !text.trim().is_empty() {
                        let (text, line_starts) = collapse_owned(text);
                        let same = marked.is_none_or(|m| plain(m) && m == prose);
                        let prose = squash_owned(prose);
                        let loose = marked.filter(|_| !same).map(loose);
                        found.push((
                            line,
                            Found::Block(Block {
                                prose,
                                loose,
                                cell,
                                text,
                                line,
                                line_starts,
                            }),
                        ));
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some((String::new(), line_of(range.start))),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((c, line)) = code.take() {
                    found.push((line, Found::Code(CodeBlock { code: c, line })));
                }
            }
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth -= 1,
            Event::Start(Tag::Strong) => {
                if let Some(b) = open.last_mut() {
                    marked(b).push('\x02');
                }
            }
            Event::End(TagEnd::Strong) => {
                if let Some(b) = open.last_mut() {
                    marked(b).push('\x03');
                }
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                ..
            }) => {
                {
                    // The link's source ends with `)`; a letter right after it is glued.
                    let after = &body[range.end..];
                    let word: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
                    // Scripts written without spaces (CJK) glue words to links by design.
                    let spaced = word.chars().next().is_some_and(|c| (c as u32) < 0x2E80);
                    let link_src = &body[range.clone()];
                    if link_src.starts_with("[](") || link_src.starts_with("[ ](") {
                        let (line, column) = pos(range.start);
                        found.push((
                            line,
                            Found::EmptyLink(Spot {
                                line,
                                column,
                                text: format!("{}{word}", tail(link_src, 40)),
                                goes_on: false,
                            }),
                        ));
                    }
                    let before = body[..range.start].chars().next_back();
                    // The word's own start: `[!code-csharp[` and `[!INCLUDE[`
                    // are DocFX syntax, no glued word.
                    let word_start = body[..range.start].trim_end_matches(char::is_alphanumeric);
                    let syntax = word_start.ends_with(['!', '-', '[']);
                    // `word[ text](…)`: the link's text starts with a
                    // space, so readers see the two apart.
                    if !syntax
                        && before.is_some_and(|c| c.is_alphanumeric() && (c as u32) < 0x2E80)
                        && link_src.starts_with('[')
                        && !link_src[1..].starts_with(char::is_whitespace)
                    {
                        let (line, column) = pos(range.start);
                        // `word[text](…`: the glued word, then the link's start.
                        let word: String = body[..range.start]
                            .chars()
                            .rev()
                            .take_while(|c| c.is_alphanumeric())
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect();
                        let head: String = link_src.chars().take(30).collect();
                        found.push((
                            line,
                            Found::GluedBefore(Spot {
                                line,
                                column,
                                text: format!("{word}{head}…"),
                                goes_on: false,
                            }),
                        ));
                    }
                    // `[text ](…)word` likewise.
                    let text_end = link_src.rfind("](").map(|i| &link_src[..i]);
                    let apart = text_end.is_some_and(|t| t.ends_with(char::is_whitespace));
                    if spaced && !apart && body[..range.end].ends_with(')') {
                        let (line, column) = pos(range.end);
                        found.push((
                            line,
                            Found::Glued(Spot {
                                line,
                                column,
                                text: format!("{}{word}", tail(&body[range.clone()], 40)),
                                goes_on: false,
                            }),
                        ));
                    }
                }
            }
            Event::Text(t) if code.is_some() => code.as_mut().unwrap().0.push_str(&t),
            Event::Text(t) if image_depth == 0 => {
                if let Some(b) = open.last_mut() {
                    b.0.push_str(&t);
                    b.1.push_str(&t);
                    if let Some(m) = &mut b.2 {
                        push_without(m, &t, b"\x02\x03");
                    }
                }
                let raw = &body[range.clone()];
                // The regex's last space is right before the mark.
                let b = raw.as_bytes();
                let after_space = |i: usize| i > 0 && b[i - 1] == b' ';
                let space_mark = memchr::memchr3_iter(b',', b'.', b';', b).any(after_space)
                    || memchr::memchr3_iter(b':', b'!', b'?', b).any(after_space);
                for m in space_mark
                    .then(|| space_punct_re().find_iter(raw))
                    .into_iter()
                    .flatten()
                {
                    let start = range.start + m.start();
                    let end = range.start + m.end();
                    let punct = body[..end].chars().next_back().unwrap_or(' ');
                    if french && matches!(punct, ';' | ':' | '!' | '?') {
                        continue;
                    }
                    let before = body[..start].chars().next_back();
                    let after = body[end..].chars().next();
                    let word_before =
                        before.is_some_and(|c| !c.is_whitespace() && !matches!(c, '|' | '(' | '[' | '-' | '*'));
                    let ends =
                        after.is_none_or(|c| c.is_whitespace() || matches!(c, '*' | '_' | ')' | ']' | '"' | '\''));
                    if word_before && ends {
                        let (line, column) = pos(start);
                        let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
                        let mut rest = body[end..].chars().skip_while(|c| *c == ' ');
                        let goes_on = body[end..].starts_with(' ') && rest.next().is_some_and(char::is_lowercase);
                        found.push((
                            line,
                            Found::SpacePunct(Spot {
                                line,
                                column,
                                goes_on,
                                text: format!("{}{}", tail(&body[line_start..start], 30), &body[start..end]),
                            }),
                        ));
                    }
                }
            }
            Event::Code(t) if image_depth == 0 => {
                if let Some(b) = open.last_mut() {
                    b.1.push_str(&t);
                    let m = marked(b);
                    m.push('\x04');
                    push_without(m, &t, b"\x02\x03\x04\x05");
                    m.push('\x05');
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(b) = open.last_mut() {
                    b.0.push(' ');
                    b.1.push('\n');
                    if let Some(m) = &mut b.2 {
                        m.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    let headings: Vec<&crate::markdown::Heading> = article
        .md
        .headings
        .iter()
        .filter(|h| own.contains(&(h.line, h.level)))
        .collect();
    let headings = &headings;
    let mut sections: Vec<Section> = std::iter::once(Section::default())
        .chain(headings.iter().map(|h| Section {
            id: h.id.clone(),
            level: h.level,
            title: h.text.clone(),
            line: h.line,
            ..Default::default()
        }))
        .collect();
    let section_of = |line: usize| headings.iter().take_while(|h| h.line <= line).count();

    // HTML fragments, cut at the heading tags in order.
    let mut cuts = vec![0];
    let mut cursor = 0;
    for h in headings.iter() {
        let tag = format!("<h{} id=\"{}\">", h.level, html_escape(&h.id));
        match memchr::memmem::find(&html.as_bytes()[cursor..], tag.as_bytes()) {
            Some(i) => {
                cursor += i;
                cuts.push(cursor);
                cursor += tag.len();
            }
            None => cuts.push(cursor),
        }
    }
    cuts.push(html.len());
    for (i, s) in sections.iter_mut().enumerate() {
        s.html = cuts[i]..cuts[i + 1];
    }

    for (i, l) in article.md.links.iter().enumerate() {
        // A link from an included file has that file's line: it belongs to
        // the include (reviewed as a file of its own), not to whichever
        // section of this article has the same line number.
        if l.origin.is_some() {
            continue;
        }
        let s = &mut sections[section_of(l.line)];
        match l.kind {
            LinkKind::Image => s.images.push(i),
            LinkKind::Link | LinkKind::Html => s.links.push(i),
        }
    }
    for seg in segments::segments(text, body_offset) {
        sections[section_of(seg.line)].segments.push(seg);
    }

    // What the pass found, in order, each at the line that picks its
    // section.
    for (line, f) in found {
        let s = &mut sections[section_of(line)];
        match f {
            Found::Block(b) => s.blocks.push(b),
            Found::Code(c) => s.code.push(c),
            Found::UiPath(x) => s.ui_paths.push(x),
            Found::EmptyLink(x) => s.empty_links.push(x),
            Found::GluedBefore(x) => s.glued_before.push(x),
            Found::Glued(x) => s.glued.push(x),
            Found::SpacePunct(x) => s.space_punct.push(x),
        }
    }
    if sections.len() > 1
        && sections[0].blocks.is_empty()
        && sections[0].code.is_empty()
        && sections[0].links.is_empty()
        && sections[0].images.is_empty()
    {
        sections.remove(0);
    }
    sections
}
