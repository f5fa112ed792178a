//! The source-level step: finds DocFX syntax line by line (outside fenced
//! code) and replaces each occurrence with a marker that pulldown-cmark
//! passes through untouched: `<!--pd:N-->` for a construct that is a whole
//! line (an HTML block, so it interrupts paragraphs like DocFX's block
//! extensions do) and `\u{F8F0}N\u{F8F1}` for one inside a line. N indexes
//! `Prepared::directives`, which keeps each construct's original text and
//! position. Nothing is validated here: a marker that ends up inside code
//! is turned back into its text, and only the markers that are rendered
//! report problems.
//!
//! Content inside `:::column:::` blocks is dedented (authors indent it
//! under the column line), as DocFX does. A pipe table whose rows have more
//! cells than its header gets empty header cells, so no cell is dropped
//! (Markdig keeps them; pulldown-cmark would not).

use super::attrs::{self, Attr};
use super::lines::{code_spans, column_dedent, prefix_len, split_lines, verbatim_lines, widen_tables};
use super::source_map::Mapped;
use regex::Regex;
use std::sync::OnceLock;

pub const INLINE_OPEN: char = '\u{F8F0}';
pub const INLINE_CLOSE: char = '\u{F8F1}';

#[derive(Debug, Clone)]
pub enum Kind {
    /// `[!INCLUDE [title](path)]`.
    Include {
        path: String,
        path_off: usize,
    },
    /// `:::code ...:::` (attributes) or `[!code-lang[name](path "title")]`.
    Code(CodeRef),
    /// `:::image ...:::`; `complex` ones start a long description that ends at `ImageEnd`.
    Image(Vec<Attr>),
    ImageEnd,
    Zone(Vec<Attr>),
    ZoneEnd,
    Moniker(Vec<Attr>),
    MonikerEnd,
    Row,
    RowEnd,
    Column(Vec<Attr>),
    ColumnEnd,
    /// `:::no-loc text="...":::`.
    NoLoc(String),
    /// `> [!NOTE]` and its kin (lower-cased kind); `trailing` says text followed on the line.
    Alert {
        kind: String,
        trailing: bool,
    },
    /// `> [!div class="..."]`.
    Div(Vec<Attr>),
    /// `> [!VIDEO url]`.
    Video {
        url: String,
        url_off: usize,
    },
    /// Recognised but malformed: rendered as its text, with this problem.
    Invalid {
        what: String,
        message: String,
        off: usize,
        error: bool,
    },
    /// `[!NAME` or `:::name` that polydoc does not know.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct CodeRef {
    /// From `[!code-...]` (query options) rather than `:::code` (attributes).
    pub legacy: bool,
    /// `[!notebook-lang[](x.ipynb?name=cell)]`: a Jupyter notebook's cell.
    pub notebook: bool,
    pub attrs: Vec<Attr>,
    /// For `[!code-lang[name](path#frag?query "title")]`.
    pub lang: String,
    pub name: String,
    pub target: String,
    pub target_off: usize,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: Kind,
    /// The construct as written.
    pub text: String,
    /// Offset of its first character in the original file text.
    pub off: usize,
    /// A whole-line (block) construct.
    pub block: bool,
}

pub struct Prepared {
    pub mapped: Mapped,
    pub directives: Vec<Directive>,
}

/// Quick test: text with neither `[!` nor `:::` needs no preparation.
/// Whether `line` holds `[!` or `:::` (the start of every DocFX construct
/// on a line), found by one scan for `[` and `:`.
fn has_marks(line: &str) -> bool {
    let b = line.as_bytes();
    memchr::memchr2_iter(b'[', b':', b).any(|i| match b[i] {
        b'[' => b.get(i + 1) == Some(&b'!'),
        _ => b.get(i + 1..i + 3) == Some(b"::"),
    })
}

pub fn has_syntax(body: &str) -> bool {
    // memchr's searches (vectorized) rather than `str::contains`: every
    // article's body is asked.
    let b = body.as_bytes();
    let has = |needle: &[u8]| memchr::memmem::find(b, needle).is_some();
    has(b"[!") || has(b":::") || (memchr::memchr(b'|', b).is_some() && has(b"--"))
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap())
}

/// Indentation, blockquote markers and a list marker at the start of a line.
pub fn prefix_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^[ \t]*(?:>[ \t]?[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")
}

fn triple_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^:::[ \t]*([A-Za-z][\w-]*)(.*?)[ \t]*$")
}

fn include_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r#"\[!(?i:include)[ \t]*\[([^\]]*)\]\([ \t]*<?([^)\s>"']+|"[^"]*"|'[^']*')>?(?:[ \t]+"[^"]*")?[ \t]*\)\]"#,
    )
}

const CODE: &str =
    r#"\[!((?i:code|notebook)(?:-[^\[\s]+)?)[ \t]*\[([^\]]*)\]\(([^)\s"]+)(?:[ \t]+"([^"]*)")?[ \t]*\)\]"#;

fn code_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    cell_re(&R, || format!("^{CODE}$"))
}

/// A code snippet anywhere in a line (a table cell).
fn inline_code_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    cell_re(&R, || CODE.to_string())
}

fn cell_re(cell: &'static OnceLock<Regex>, pattern: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&pattern()).unwrap())
}

/// `[!code-lang[name](target "title")]` matched by `c`, at offset `off`.
fn code_kind(c: &regex::Captures, off: usize) -> Kind {
    let target = c.get(3).unwrap();
    let start = c.get(0).unwrap().start();
    Kind::Code(CodeRef {
        legacy: true,
        notebook: c[1].to_ascii_lowercase().starts_with("notebook"),
        attrs: Vec::new(),
        lang: c[1].split_once('-').map_or("", |(_, l)| l).to_string(),
        name: c[2].to_string(),
        target: target.as_str().to_string(),
        target_off: off + target.start() - start,
        title: c.get(4).map_or(String::new(), |m| m.as_str().to_string()),
    })
}

fn inline_image_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r":::(?i:image)([ \t][^\n]*?):::")
}

fn inline_noloc_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r#":::(?i:no-loc)[ \t]+text[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*:::"#,
    )
}

fn unknown_bang_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\[!([A-Za-z][\w-]*)")
}

fn unknown_triple_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r":::([A-Za-z][\w-]*)")
}

const ALERTS: [&str; 5] = ["note", "tip", "important", "caution", "warning"];

/// Rewrites `text[start..]` (an article body or an included file).
pub fn prepare(text: &str, start: usize) -> Prepared {
    let lines = split_lines(text, start);
    let in_fence = verbatim_lines(text, &lines);
    let dedent = column_dedent(text, &lines, &in_fence);
    let widen = widen_tables(text, &lines, &in_fence);
    let mut p = Prepared {
        mapped: Mapped::default(),
        directives: Vec::new(),
    };
    for (i, &(ls, le, next)) in lines.iter().enumerate() {
        if in_fence[i] {
            p.mapped.copy(text, ls, next);
            continue;
        }
        let mut ls = ls;
        // Strip the column's indentation (never more than the line has).
        let mut n = 0;
        while n < dedent[i] && ls < le && matches!(text.as_bytes()[ls], b' ' | b'\t') {
            ls += 1;
            n += 1;
        }
        let line = &text[ls..le];
        let pre_len = prefix_len(line);
        let in_quote = line[..pre_len].contains('>');
        let rest = &line[pre_len..];
        if let Some((d, trailing_at)) = whole_line(rest, ls + pre_len, in_quote) {
            if matches!(d.kind, Kind::Unknown(_) | Kind::Invalid { .. }) {
                // Shown as text where it stands, like DocFX: an inline marker
                // keeps the line in its paragraph.
                let n = p.directives.len();
                p.mapped.copy(text, ls, ls + pre_len);
                p.mapped
                    .insert(&format!("{INLINE_OPEN}{n}{INLINE_CLOSE}"), ls + pre_len);
                p.mapped.copy(text, ls + pre_len + d.text.len(), le);
                p.directives.push(Directive { block: false, ..d });
                p.mapped.copy(text, le, next);
                continue;
            }
            let is_column_line = matches!(d.kind, Kind::Column(_) | Kind::ColumnEnd);
            let n = p.directives.len();
            // Column lines lose their indentation; everything else keeps its prefix.
            if is_column_line && !in_quote {
                p.mapped
                    .copy(text, ls + (pre_len - line[..pre_len].trim_start().len()), ls + pre_len);
            } else {
                p.mapped.copy(text, ls, ls + pre_len);
            }
            p.mapped.insert(&format!("<!--pd:{n}-->"), ls + pre_len);
            p.directives.push(d);
            if let Some(t) = trailing_at {
                // `> [!NOTE] text`: the text becomes the alert's first line.
                let quote_prefix: String = line[..pre_len]
                    .chars()
                    .map(|c| if c == '>' || c == ' ' || c == '\t' { c } else { ' ' })
                    .collect();
                p.mapped.insert("\n", t);
                p.mapped.insert(&quote_prefix, t);
                inline(text, t, le, &mut p);
            }
            p.mapped.copy(text, le, next);
            continue;
        }
        inline(text, ls, le, &mut p);
        if let Some(cells) = &widen[i] {
            p.mapped.insert(cells, le);
        }
        p.mapped.copy(text, le, next);
    }
    p
}

/// A construct that fills the rest of the line, starting at `off`. The
/// second value is where trailing text starts (`> [!NOTE] text`).
fn whole_line(rest: &str, off: usize, in_quote: bool) -> Option<(Directive, Option<usize>)> {
    let t = rest.trim_end();
    // Every construct below starts with `:::` or holds `[!`: most lines
    // are passed over without running a regex.
    if t.is_empty() || !has_marks(t) {
        return None;
    }
    let mk = |kind: Kind| Directive {
        kind,
        text: t.to_string(),
        off,
        block: true,
    };
    if let Some(c) = triple_re().captures(t) {
        let name = c[1].to_ascii_lowercase();
        let body = c.get(2).unwrap();
        let closed = body.as_str().trim_end().ends_with(":::");
        let needs_closing = matches!(
            name.as_str(),
            "image" | "image-end" | "code" | "row" | "row-end" | "column" | "column-end"
        );
        if needs_closing && !closed && body.as_str().contains(":::") {
            return None; // `:::image ...::: text`: an inline construct
        }
        let inner = if closed {
            body.as_str().trim_end().trim_end_matches(":::")
        } else {
            body.as_str()
        };
        let inner_off = off + body.start();
        let needs_close = |kind: Kind| -> Kind {
            if closed {
                kind
            } else {
                invalid(
                    &name,
                    format!("`:::{name}` must end with `:::` on the same line"),
                    off,
                    true,
                )
            }
        };
        let no_attrs = |kind: Kind| -> Kind {
            if inner.trim().is_empty() {
                kind
            } else {
                invalid(
                    &name,
                    format!("`{name}` takes no attributes; found `{}`", inner.trim()),
                    inner_off,
                    true,
                )
            }
        };
        let kind = match name.as_str() {
            "image" => needs_close(with_attrs(&name, inner, inner_off, Kind::Image)),
            "image-end" => needs_close(no_attrs(Kind::ImageEnd)),
            "code" => needs_close(with_attrs(&name, inner, inner_off, |a| {
                Kind::Code(CodeRef {
                    legacy: false,
                    notebook: false,
                    attrs: a,
                    lang: String::new(),
                    name: String::new(),
                    target: String::new(),
                    target_off: 0,
                    title: String::new(),
                })
            })),
            "row" => needs_close(no_attrs(Kind::Row)),
            "row-end" => needs_close(no_attrs(Kind::RowEnd)),
            "column" => needs_close(with_attrs(&name, inner, inner_off, Kind::Column)),
            "column-end" => needs_close(no_attrs(Kind::ColumnEnd)),
            "zone" => with_attrs(&name, inner, inner_off, Kind::Zone),
            "zone-end" => no_attrs(Kind::ZoneEnd),
            "moniker" => with_attrs(&name, inner, inner_off, Kind::Moniker),
            "moniker-end" => no_attrs(Kind::MonikerEnd),
            "no-loc" => return None, // inline construct
            _ => Kind::Unknown(format!(":::{name}")),
        };
        return Some((mk(kind), None));
    }
    if let Some(m) = include_re().find(t) {
        if m.start() == 0 && m.end() == t.len() {
            return Some((mk(include_kind(t, off)), None));
        }
    }
    if let Some(c) = code_re().captures(t) {
        return Some((mk(code_kind(&c, off)), None));
    }
    if !in_quote || !t.starts_with("[!") {
        return None;
    }
    let name_len = t[2..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    if name_len == 0 {
        return None; // `[![alt](img.png)](link)`: a linked image, not an extension
    }
    let name = t[2..2 + name_len].to_ascii_lowercase();
    let after = &t[2 + name_len..];
    if ALERTS.contains(&name.as_str()) {
        if let Some(tail) = after.strip_prefix(']') {
            let trailing = !tail.trim().is_empty();
            let d = Directive {
                kind: Kind::Alert { kind: name, trailing },
                text: t[..3 + name_len].to_string(),
                off,
                block: true,
            };
            let tail_at = trailing.then(|| off + 3 + name_len + (tail.len() - tail.trim_start().len()));
            return Some((d, tail_at));
        }
        let kind = invalid(
            &name,
            format!("`[!{}` has no closing `]`", &t[2..2 + name_len]),
            off,
            false,
        );
        return Some((mk(kind), None));
    }
    match name.as_str() {
        "div" => {
            let Some(inner) = after.trim_end().strip_suffix(']') else {
                return Some((
                    mk(invalid(
                        "div",
                        "`[!div ...]` must end with `]` and have nothing after it".into(),
                        off,
                        false,
                    )),
                    None,
                ));
            };
            let inner = inner.trim_matches('`');
            let inner_off = off + 2 + name_len + (after.len() - after.trim_start_matches('`').len());
            Some((mk(with_attrs("div", inner, inner_off, Kind::Div)), None))
        }
        "video" => {
            let Some(inner) = after.trim_end().strip_suffix(']') else {
                return Some((
                    mk(invalid("video", "`[!VIDEO url]` has no closing `]`".into(), off, false)),
                    None,
                ));
            };
            let url = inner.trim();
            if url.is_empty() {
                return Some((
                    mk(invalid(
                        "video",
                        "`[!VIDEO]` needs the video's embed URL".into(),
                        off,
                        false,
                    )),
                    None,
                ));
            }
            let url_off = off + 2 + name_len + (inner.len() - inner.trim_start().len());
            Some((
                mk(Kind::Video {
                    url: url.to_string(),
                    url_off,
                }),
                None,
            ))
        }
        // Inline constructs (and `[!INCLUDE`) are handled by `inline`.
        "include" | "code" => None,
        _ => Some((mk(Kind::Unknown(format!("[!{}", &t[2..2 + name_len]))), None)),
    }
}

fn invalid(what: &str, message: String, off: usize, error: bool) -> Kind {
    Kind::Invalid {
        what: what.to_string(),
        message,
        off,
        error,
    }
}

/// Parses the attribute text `s`, which starts at original offset `base`;
/// attribute offsets come out absolute.
fn with_attrs(name: &str, s: &str, base: usize, ok: impl FnOnce(Vec<Attr>) -> Kind) -> Kind {
    match attrs::parse(s) {
        Ok(mut a) => {
            for x in &mut a {
                x.off += base;
            }
            ok(a)
        }
        Err(e) => invalid(
            name,
            format!("bad attributes on `{name}`: {}", e.message),
            base + e.off,
            true,
        ),
    }
}

fn include_kind(t: &str, off: usize) -> Kind {
    let c = include_re().captures(t).unwrap();
    let p = c.get(2).unwrap();
    let raw = p.as_str();
    let (path, skip) = if (raw.starts_with('"') && raw.ends_with('"')) || (raw.starts_with('\'') && raw.ends_with('\''))
    {
        (&raw[1..raw.len() - 1], 1)
    } else {
        (raw, 0)
    };
    Kind::Include {
        path: path.to_string(),
        path_off: off + p.start() + skip,
    }
}

/// Replaces the constructs inside the line `text[ls..le]` with inline
/// markers, leaving code spans alone.
fn inline(text: &str, ls: usize, le: usize, p: &mut Prepared) {
    let line = &text[ls..le];
    if !has_marks(line) {
        p.mapped.copy(text, ls, le);
        return;
    }
    let code = code_spans(line);
    let in_code = |i: usize| code.iter().any(|&(a, b)| i >= a && i < b);
    // (start, end, kind) of every construct, in order, not overlapping.
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    let take = |s: usize, e: usize, k: Kind, found: &mut Vec<(usize, usize, Kind)>| {
        if !in_code(s) && !found.iter().any(|&(a, b, _)| s < b && e > a) {
            found.push((s, e, k));
        }
    };
    // In a table row a snippet is a cell's content (DocFX renders it there).
    if line.trim_start().starts_with('|') || line.trim_end().ends_with('|') {
        for c in inline_code_re().captures_iter(line) {
            let m = c.get(0).unwrap();
            take(m.start(), m.end(), code_kind(&c, ls + m.start()), &mut found);
        }
    }
    for m in include_re().find_iter(line) {
        take(m.start(), m.end(), include_kind(m.as_str(), ls + m.start()), &mut found);
    }
    for c in inline_noloc_re().captures_iter(line) {
        let m = c.get(0).unwrap();
        let t = c[1].replace("\\\"", "\"");
        take(m.start(), m.end(), Kind::NoLoc(t), &mut found);
    }
    for c in inline_image_re().captures_iter(line) {
        let m = c.get(0).unwrap();
        let inner = c.get(1).unwrap();
        let base = ls + inner.start();
        let k = with_attrs("image", inner.as_str(), base, Kind::Image);
        take(m.start(), m.end(), k, &mut found);
    }
    for c in unknown_bang_re().captures_iter(line) {
        let m = c.get(0).unwrap();
        let name = c[1].to_ascii_lowercase();
        let k = match name.as_str() {
            n if n.starts_with("code") => invalid(
                "code",
                "a code snippet must stand alone on its line: `[!code-lang[](path)]`".into(),
                ls + m.start(),
                false,
            ),
            "include" => invalid(
                "include",
                "malformed include: write `[!INCLUDE [title](path.md)]`".into(),
                ls + m.start(),
                true,
            ),
            n if ALERTS.contains(&n) || n == "div" || n == "video" => invalid(
                &name,
                format!("`[!{}` only works at the start of a `>` quote line", &c[1]),
                ls + m.start(),
                false,
            ),
            _ => Kind::Unknown(m.as_str().to_string()),
        };
        take(m.start(), m.end(), k, &mut found);
    }
    for c in unknown_triple_re().captures_iter(line) {
        let m = c.get(0).unwrap();
        take(m.start(), m.end(), Kind::Unknown(m.as_str().to_string()), &mut found);
    }
    found.sort_by_key(|f| f.0);
    let mut pos = 0;
    for (s, e, kind) in found {
        p.mapped.copy(text, ls + pos, ls + s);
        let n = p.directives.len();
        p.mapped.insert(&format!("{INLINE_OPEN}{n}{INLINE_CLOSE}"), ls + s);
        p.directives.push(Directive {
            kind,
            text: line[s..e].to_string(),
            off: ls + s,
            block: false,
        });
        pos = e;
    }
    p.mapped.copy(text, ls + pos, le);
}
