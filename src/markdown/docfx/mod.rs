//! DocFX-flavoured Markdown: the extensions Microsoft Learn repositories use
//! (alerts, includes, `:::image`, code snippets, tabs, zones, monikers, divs,
//! video, rows and columns), turned into an event stream that the Markdown
//! renderer in `super` finishes (heading IDs, links, highlighting).
//!
//! How a file is processed (`Doc::load`):
//! 1. `prepare` replaces DocFX syntax with markers, keeping a source map;
//! 2. pulldown-cmark parses the prepared text; every event keeps its file
//!    and position (`Ev`);
//! 3. `alerts` turns marked block quotes into alerts/divs/videos;
//! 4. `tabs` groups `# [Label](#tab/id)` sections;
//! 5. `expand` replaces the remaining markers: includes (loaded through
//!    this same process, so their positions point into the included file),
//!    images, code snippets, zones, monikers, rows/columns, `no-loc`, and
//!    text for what is unknown or malformed (with a diagnostic).
//!
//! Labels that depend on the reader's language are written as
//! `\u{2}key\u{2}` and filled in per page (`fill_strings`).

mod alerts;
pub mod attrs;
mod code;
mod code_lines;
mod image;
pub mod include;
mod layout;
mod lines;
pub mod monikers;
pub mod prepare;
pub mod source_map;
mod tabs;
mod zones;

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::highlight::html_escape;
use prepare::{Directive, Kind, Prepared, INLINE_CLOSE, INLINE_OPEN};
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

/// Marks a theme string in rendered HTML: `\u{2}alert_note\u{2}`.
pub const STRING_MARK: char = '\u{2}';

/// Where a file's includes and code files may come from.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub site_root: &'a Path,
    /// The root of the file's locale tree.
    pub locale_root: &'a Path,
    /// For a translation: the source locale's root, where includes and
    /// code files that are not translated are taken from.
    pub source_root: Option<&'a Path>,
    /// The site boundary on real paths: every file is checked against it.
    pub fence: &'a crate::fence::Fence,
    /// `[markdown] trust_html`: raw HTML is published as written.
    pub trust_html: bool,
}

/// Where an event came from.
#[derive(Debug, Clone, Copy)]
pub enum At {
    /// An offset in the prepared text of the event's file.
    Prep(usize),
    /// A fixed line and column (generated HTML).
    Fixed(usize, usize),
}

/// A Markdown event with its origin.
#[derive(Debug, Clone)]
pub struct Ev {
    pub e: Event<'static>,
    /// Index into `Doc::files`.
    pub file: usize,
    pub at: At,
}

/// One file taking part in the page: the article or an included file.
pub struct FileInfo {
    pub abs: PathBuf,
    /// For messages, relative to the site root.
    pub display: String,
    /// Path inside the locale tree, for resolving the file's own links.
    pub rel: String,
    pub text: String,
    pub lines: LineIndex,
    pub prepared: Prepared,
}

impl FileInfo {
    pub fn line_col_orig(&self, orig: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, orig.min(self.text.len()))
    }
}

/// The page being rendered: its files, diagnostics and counters.
pub struct Doc<'a> {
    pub env: Option<Env<'a>>,
    pub files: Vec<FileInfo>,
    pub diags: Vec<Diagnostic>,
    /// Files being loaded, innermost last (for include cycles).
    stack: Vec<usize>,
    tab_groups: usize,
    descriptions: usize,
    /// Every `:::zone pivot` ID used, with where it is written.
    pub pivots: Vec<PivotUse>,
    /// Every valid `:::moniker range` value, as written.
    pub monikers: Vec<String>,
    /// Bytes of Markdown included into the page so far (repeats counted).
    included_bytes: usize,
    /// Each included file expanded once: its events and included bytes.
    include_cache: std::collections::HashMap<PathBuf, (Vec<Ev>, usize)>,
}

/// A pivot ID used by a `:::zone pivot="..."`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PivotUse {
    pub id: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

const MAX_INCLUDE_DEPTH: usize = 10;
/// Markdown a page may include in all (repeated includes counted each time).
const MAX_INCLUDED_BYTES: usize = 1 << 20;

impl<'a> Doc<'a> {
    pub fn new(env: Option<Env<'a>>) -> Doc<'a> {
        Doc {
            env,
            files: Vec::new(),
            diags: Vec::new(),
            stack: Vec::new(),
            tab_groups: 0,
            descriptions: 0,
            pivots: Vec::new(),
            monikers: Vec::new(),
            included_bytes: 0,
            include_cache: Default::default(),
        }
    }

    /// Line and column of `ev`, `delta` bytes into it.
    pub fn pos(&self, ev: &Ev, delta: usize) -> (usize, usize) {
        match ev.at {
            At::Fixed(l, c) => (l, c),
            At::Prep(o) => {
                let f = &self.files[ev.file];
                f.line_col_orig(f.prepared.mapped.orig(o + delta))
            }
        }
    }

    /// Line and column of an original offset in file `file`.
    pub fn pos_orig(&self, file: usize, orig: usize) -> (usize, usize) {
        self.files[file].line_col_orig(orig)
    }

    pub fn display(&self, file: usize) -> &str {
        &self.files[file].display
    }

    /// Loads a file (the article, or an included file) into fully expanded
    /// events. `start` is where its Markdown starts (after front matter).
    pub fn load(&mut self, abs: PathBuf, display: String, rel: String, text: String, start: usize) -> Vec<Ev> {
        let prepared = if prepare::has_syntax(&text[start..]) {
            prepare::prepare(&text, start)
        } else {
            let mut mapped = source_map::Mapped::default();
            mapped.copy(&text, start, text.len());
            Prepared {
                mapped,
                directives: Vec::new(),
            }
        };
        let lines = LineIndex::new(&text);
        let file = self.files.len();
        self.files.push(FileInfo {
            abs,
            display,
            rel,
            text,
            lines,
            prepared,
        });
        let mut evs: Vec<Ev> = Vec::new();
        let mut in_html_block = false;
        for (e, r) in Parser::new_ext(&self.files[file].prepared.mapped.text, super::options()).into_offset_iter() {
            let e = match e {
                Event::Start(Tag::HtmlBlock) => {
                    in_html_block = true;
                    e
                }
                Event::End(TagEnd::HtmlBlock) => {
                    in_html_block = false;
                    e
                }
                // An indented HTML block line (in a list item, after a
                // leading space) comes with its indentation as text.
                Event::Text(t) if in_html_block && t.trim().is_empty() => {
                    // (Its range is empty, at the end of the indentation.)
                    let at = At::Prep(r.start.saturating_sub(t.len()));
                    evs.push(Ev {
                        e: Event::Html(t.into_static()),
                        file,
                        at,
                    });
                    continue;
                }
                e => e,
            };
            // With CRLF line ends pulldown-cmark splits an HTML block's
            // line in two (`<!--pd:3-->` then `\n`): one event per line
            // keeps markers and comments whole.
            if let (
                Event::Html(next),
                Some(Ev {
                    e: Event::Html(prev), ..
                }),
            ) = (&e, evs.last_mut())
            {
                if !prev.ends_with('\n') {
                    *prev = format!("{prev}{next}").into();
                    continue;
                }
            }
            evs.push(Ev {
                e: e.into_static(),
                file,
                at: At::Prep(r.start),
            });
        }
        if !self.env.is_some_and(|e| e.trust_html) {
            evs = crate::markdown::sanitize::apply(self, file, evs);
        }
        if self.files[file].prepared.directives.is_empty() && !has_tab_heading(&evs) {
            return evs;
        }
        self.stack.push(file);
        let evs = alerts::apply(self, file, evs);
        let evs = tabs::apply(self, evs);
        let evs = self.expand(file, evs);
        self.stack.pop();
        evs
    }

    pub fn directive(&self, file: usize, n: usize) -> &Directive {
        &self.files[file].prepared.directives[n]
    }

    /// A diagnostic at original offset `off` of `file`.
    pub fn report(&mut self, file: usize, off: usize, d: Diagnostic) {
        let (l, c) = self.pos_orig(file, off);
        let mut d = d.at(l, c);
        d.file = self.files[file].display.clone();
        self.diags.push(d);
    }

    pub fn error(&mut self, file: usize, off: usize, code: &'static str, msg: String, help: &str) {
        let mut d = Diagnostic::error(code, "", msg);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.report(file, off, d);
    }

    pub fn warning(&mut self, file: usize, off: usize, code: &'static str, msg: String, help: &str) {
        let mut d = Diagnostic::warning(code, "", msg);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.report(file, off, d);
    }

    /// A generated HTML event placed at the directive's position.
    pub fn html_at(&self, file: usize, orig: usize, html: String) -> Ev {
        let (l, c) = self.pos_orig(file, orig);
        Ev {
            e: Event::Html(html.into()),
            file,
            at: At::Fixed(l, c),
        }
    }

    /// Replaces every marker left in `evs`.
    fn expand(&mut self, file: usize, mut evs: Vec<Ev>) -> Vec<Ev> {
        let mut out = Vec::with_capacity(evs.len());
        let mut code_depth = 0usize;
        let mut layout = layout::Stack::default();
        let mut i = 0;
        while i < evs.len() {
            if let Some(n) = block_marker(&evs, i) {
                if evs[i].file == file {
                    self.expand_block(file, n, &mut out, &mut layout);
                    i += 3;
                    continue;
                }
            }
            let ev = &evs[i];
            match &ev.e {
                Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
                Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
                _ => {}
            }
            let in_code = code_depth > 0;
            let as_is = match &ev.e {
                Event::Text(t) if ev.file == file && may_hold_marker(t) && t.contains(INLINE_OPEN) && !in_code => {
                    self.expand_inline(file, ev, t.to_string(), &mut out);
                    false
                }
                Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t)
                    if ev.file == file && may_hold_marker(t) && (t.contains(INLINE_OPEN) || t.contains("<!--pd:")) =>
                {
                    let restored = self.restore(file, t);
                    let e = match &ev.e {
                        Event::Text(_) => Event::Text(restored.into()),
                        Event::Code(_) => Event::Code(restored.into()),
                        Event::Html(_) => Event::Html(restored.into()),
                        _ => Event::InlineHtml(restored.into()),
                    };
                    out.push(Ev { e, ..ev.clone() });
                    false
                }
                _ => true,
            };
            if as_is {
                // Moved, not copied: only later events are looked at again.
                let moved = Ev {
                    e: Event::SoftBreak,
                    file: 0,
                    at: At::Fixed(0, 0),
                };
                out.push(std::mem::replace(&mut evs[i], moved));
            }
            i += 1;
        }
        layout.finish(self, file, &mut out);
        out
    }

    /// Puts the original text back for every marker in `t` (code, comments).
    pub fn restore(&self, file: usize, t: &str) -> String {
        let dirs = &self.files[file].prepared.directives;
        let mut s = t.to_string();
        for (n, d) in dirs.iter().enumerate().rev() {
            let block = format!("<!--pd:{n}-->");
            if s.contains(&block) {
                s = s.replace(&block, &d.text);
            }
            let inline = format!("{INLINE_OPEN}{n}{INLINE_CLOSE}");
            if s.contains(&inline) {
                s = s.replace(&inline, &d.text);
            }
        }
        s
    }

    fn expand_block(&mut self, file: usize, n: usize, out: &mut Vec<Ev>, layout: &mut layout::Stack) {
        let d = self.directive(file, n).clone();
        match &d.kind {
            Kind::Include { .. } => include::block(self, file, &d, out),
            Kind::Code(c) => code::render(self, file, &d, c, out),
            Kind::Image(_) | Kind::ImageEnd => image::block(self, file, &d, out, layout),
            Kind::Zone(_) | Kind::ZoneEnd | Kind::Moniker(_) | Kind::MonikerEnd => {
                zones::render(self, file, &d, out, layout)
            }
            Kind::Row | Kind::RowEnd | Kind::Column(_) | Kind::ColumnEnd => layout::render(self, file, &d, out, layout),
            _ => self.as_text(file, &d, out),
        }
    }

    fn expand_inline(&mut self, file: usize, ev: &Ev, t: String, out: &mut Vec<Ev>) {
        let mut rest = t.as_str();
        while let Some(a) = rest.find(INLINE_OPEN) {
            let Some(b) = rest[a..].find(INLINE_CLOSE).map(|b| a + b) else {
                break;
            };
            if a > 0 {
                out.push(Ev {
                    e: Event::Text(rest[..a].to_string().into()),
                    ..ev.clone()
                });
            }
            match rest[a + INLINE_OPEN.len_utf8()..b].parse::<usize>() {
                Ok(n) if n < self.files[file].prepared.directives.len() => {
                    let d = self.directive(file, n).clone();
                    match &d.kind {
                        Kind::Include { .. } => include::inline(self, file, &d, out),
                        Kind::Image(_) => image::inline(self, file, &d, out),
                        Kind::NoLoc(text) => {
                            // Text like any other (it counts in a heading's ID).
                            let (l, c) = self.pos_orig(file, d.off);
                            out.push(Ev {
                                e: Event::Text(text.clone().into()),
                                file,
                                at: At::Fixed(l, c),
                            });
                        }
                        Kind::Code(c) => code::render(self, file, &d, c, out),
                        _ => self.inline_text(file, &d, out),
                    }
                }
                _ => out.push(Ev {
                    e: Event::Text(rest[a..=b].to_string().into()),
                    ..ev.clone()
                }),
            }
            rest = &rest[b + INLINE_CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            out.push(Ev {
                e: Event::Text(rest.to_string().into()),
                ..ev.clone()
            });
        }
    }

    /// Reports an unknown or malformed construct and renders its text.
    fn report_text(&mut self, file: usize, d: &Directive) {
        match &d.kind {
            Kind::Unknown(name) => self.warning(
                file,
                d.off,
                "docfx-unknown",
                format!("`{name}` is not a DocFX extension polydoc knows; it is shown as text"),
                "check the spelling; known: [!NOTE] [!TIP] [!IMPORTANT] [!CAUTION] [!WARNING] [!INCLUDE] [!div] [!VIDEO] [!code-...] :::image :::code :::zone :::moniker :::row :::column :::no-loc",
            ),
            Kind::Invalid {
                message, off, error, ..
            } => {
                if *error {
                    self.error(file, *off, "docfx-syntax", message.clone(), "")
                } else {
                    self.warning(file, *off, "docfx-syntax", message.clone(), "")
                }
            }
            Kind::Alert { .. } | Kind::Div(_) | Kind::Video { .. } => self.warning(
                file,
                d.off,
                "docfx-syntax",
                format!("`{}` is only understood as the first line of a `>` quote", d.text),
                "",
            ),
            _ => {}
        }
    }

    /// A block construct shown as a paragraph of its own text.
    pub fn as_text(&mut self, file: usize, d: &Directive, out: &mut Vec<Ev>) {
        self.report_text(file, d);
        let (l, c) = self.pos_orig(file, d.off);
        let at = At::Fixed(l, c);
        out.push(Ev {
            e: Event::Start(Tag::Paragraph),
            file,
            at,
        });
        out.push(Ev {
            e: Event::Text(CowStr::from(d.text.clone())),
            file,
            at,
        });
        out.push(Ev {
            e: Event::End(TagEnd::Paragraph),
            file,
            at,
        });
    }

    /// As `as_text`, when the problem is already reported.
    pub fn as_text_quiet(&mut self, file: usize, d: &Directive, out: &mut Vec<Ev>) {
        let quiet = Directive {
            kind: Kind::Row,
            ..d.clone()
        };
        self.as_text(file, &quiet, out);
    }

    /// As `inline_text`, when the problem is already reported.
    pub fn inline_text_quiet(&mut self, file: usize, d: &Directive, out: &mut Vec<Ev>) {
        let quiet = Directive {
            kind: Kind::Row,
            ..d.clone()
        };
        self.inline_text(file, &quiet, out);
    }

    /// An inline construct shown as its own text.
    pub fn inline_text(&mut self, file: usize, d: &Directive, out: &mut Vec<Ev>) {
        self.report_text(file, d);
        let (l, c) = self.pos_orig(file, d.off);
        out.push(Ev {
            e: Event::Text(CowStr::from(d.text.clone())),
            file,
            at: At::Fixed(l, c),
        });
    }
}

/// `Start(HtmlBlock) Html("<!--pd:N-->") End(HtmlBlock)` at `i`: N.
pub fn block_marker(evs: &[Ev], i: usize) -> Option<usize> {
    if !matches!(evs.get(i)?.e, Event::Start(Tag::HtmlBlock)) {
        return None;
    }
    let Event::Html(h) = &evs.get(i + 1)?.e else {
        return None;
    };
    if !matches!(evs.get(i + 2)?.e, Event::End(TagEnd::HtmlBlock)) {
        return None;
    }
    h.trim().strip_prefix("<!--pd:")?.strip_suffix("-->")?.parse().ok()
}

/// The index just after the block that starts at `i` (a `Start` event), or
/// `i + 1` for a single event.
pub fn block_end(evs: &[Ev], i: usize) -> usize {
    if !matches!(evs[i].e, Event::Start(_)) {
        return i + 1;
    }
    let mut depth = 0usize;
    for (j, ev) in evs.iter().enumerate().skip(i) {
        match ev.e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    evs.len()
}

fn has_tab_heading(evs: &[Ev]) -> bool {
    evs.iter()
        .any(|e| matches!(&e.e, Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("#tab/")))
}

/// Replaces `\u{2}key\u{2}` with `get(key)` (HTML-escaped).
pub fn fill_strings(html: &str, get: impl Fn(&str) -> String) -> std::borrow::Cow<'_, str> {
    // One byte (U+0002), found by memchr: every page's HTML is asked.
    const _: () = assert!(STRING_MARK.len_utf8() == 1);
    if memchr::memchr(STRING_MARK as u8, html.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut parts = html.split(STRING_MARK);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut is_key = true;
    for p in parts {
        if is_key {
            out.push_str(&html_escape(&get(p)));
        } else {
            out.push_str(p);
        }
        is_key = !is_key;
    }
    out.into()
}

/// `\u{2}key\u{2}`.
pub fn string_ref(key: &str) -> String {
    format!("{STRING_MARK}{key}{STRING_MARK}")
}

/// Whether `t` may hold a marker (`INLINE_OPEN`, U+F8F0, whose UTF-8 starts
/// with 0xEF, or `<!--pd:`): one scan for both, most text has neither.
fn may_hold_marker(t: &str) -> bool {
    const _: () = assert!(INLINE_OPEN.len_utf8() == 3 && (INLINE_OPEN as u32) >> 12 == 0xF);
    memchr::memchr2(0xEF, b'<', t.as_bytes()).is_some()
}
