//! Search extraction: an article's rendered HTML -> its sections as plain
//! text. A section starts at each `<h2>`..`<h6>` that has an `id` (the
//! deep-link target); section 0 is the text before the first one. The `<h1>`
//! is the title and is indexed from the page title instead. Text inside
//! `<span class="sxs-lookup">` (the source segments older translations
//! carry), `<script>` and `<style>` is dropped. Code is indexed but kept out
//! of the excerpts. Text keeps its white space as written (the analyzer
//! splits words at any of it); only an excerpt's few words are collapsed.

use super::plain::{decode_entities, decode_with, window};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's ID (empty for section 0).
    pub id: String,
    pub heading: String,
    /// Prose: what excerpts are cut from. White space as written, with a
    /// space where a block ends (`collapse` gives the words one space apart).
    pub text: String,
    /// Text of `<pre>` blocks, the same way.
    pub code: String,
}

/// Splits article HTML into sections of plain text.
pub fn sections(html: &str) -> Vec<Section> {
    let mut out = Builder {
        sections: vec![Section::default()],
        text_gap: false,
        code_gap: false,
    };
    let mut skip_depth = 0usize; // inside sxs-lookup / script / style
    let mut span_depth = 0usize; // open spans inside a skipped sxs-lookup
    let mut pre = 0usize;
    let mut in_heading: Option<u8> = None; // level of an open heading that starts a section
    let mut in_h1 = false;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            out.push_text(rest, skip_depth, pre, in_heading, in_h1);
            break;
        };
        out.push_text(&rest[..lt], skip_depth, pre, in_heading, in_h1);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map(|i| &rest[i + 3..]).unwrap_or("");
            continue;
        }
        let end = tag_end(rest);
        // Without its `>` (at the end), the tag's last character is cut.
        let tag = &rest[1..window(rest, end.saturating_sub(1).max(1))];
        rest = &rest[end..];
        let closing = tag.starts_with('/');
        let mut lower = [0u8; NAME_MAX];
        let name = tag_name(tag, &mut lower);
        if skip_depth > 0 {
            match (name, closing) {
                ("span", false) if !tag.ends_with('/') => span_depth += 1,
                ("span", true) if span_depth > 0 => span_depth -= 1,
                ("span" | "script" | "style", true) => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        match (name, closing) {
            ("span", false) if is_sxs_lookup(tag) => {
                skip_depth = 1;
                span_depth = 0;
            }
            ("script" | "style", false) => skip_depth = 1,
            ("pre", false) => pre += 1,
            ("pre", true) => pre = pre.saturating_sub(1),
            ("h1", false) => in_h1 = true,
            ("h1", true) => in_h1 = false,
            ("h2" | "h3" | "h4" | "h5" | "h6", false) => {
                if let Some(id) = attr(tag, "id").filter(|i| !i.is_empty()) {
                    out.start(id);
                    in_heading = Some(name.as_bytes()[1]);
                } else {
                    out.space(pre > 0);
                }
            }
            ("h2" | "h3" | "h4" | "h5" | "h6", true) => {
                if in_heading == Some(name.as_bytes()[1]) {
                    in_heading = None;
                    let s = out.sections.last_mut().unwrap();
                    let trimmed = s.heading.trim();
                    if trimmed.len() != s.heading.len() {
                        s.heading = trimmed.to_string();
                    }
                } else {
                    out.space(pre > 0);
                }
            }
            (
                "br" | "p" | "div" | "li" | "td" | "th" | "tr" | "ul" | "ol" | "table" | "blockquote" | "dt" | "dd",
                _,
            ) if in_heading.is_none() => out.space(pre > 0),
            _ => {}
        }
    }
    out.sections
}

/// Longest tag name `sections` tells apart (`blockquote`).
const NAME_MAX: usize = 10;

/// The tag's name in lower case (written into `buf`); empty when longer
/// than any name `sections` looks for.
fn tag_name<'a>(tag: &str, buf: &'a mut [u8; NAME_MAX]) -> &'a str {
    let t = tag.trim_start_matches('/').as_bytes();
    let n = t.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    if n > NAME_MAX {
        return "";
    }
    for (d, s) in buf.iter_mut().zip(&t[..n]) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

/// The sections so far. A `gap` is a block boundary (white space) seen but
/// not yet written: written as one space before the next text.
struct Builder {
    sections: Vec<Section>,
    text_gap: bool,
    code_gap: bool,
}

impl Builder {
    fn start(&mut self, id: String) {
        self.sections.push(Section {
            id,
            ..Section::default()
        });
        self.text_gap = false;
        self.code_gap = false;
    }

    fn space(&mut self, pre: bool) {
        if pre {
            self.code_gap = true;
        } else {
            self.text_gap = true;
        }
    }

    fn push_text(&mut self, raw: &str, skip: usize, pre: usize, heading: Option<u8>, h1: bool) {
        if skip > 0 || h1 || raw.is_empty() {
            return;
        }
        let s = self.sections.last_mut().unwrap();
        if heading.is_some() {
            decode_with(raw, |piece| s.heading.push_str(piece));
        } else {
            let (out, gap) = if pre > 0 {
                (&mut s.code, &mut self.code_gap)
            } else {
                (&mut s.text, &mut self.text_gap)
            };
            if std::mem::take(gap) && !out.is_empty() {
                out.push(' ');
            }
            decode_with(raw, |piece| out.push_str(piece));
        }
    }
}

/// Index just past the `>` closing the tag at the start of `s` (quotes respected).
fn tag_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 1;
    while let Some(p) = b.get(i..).and_then(|r| memchr::memchr3(b'>', b'"', b'\'', r)) {
        i += p;
        if b[i] == b'>' {
            return i + 1;
        }
        let quote = b[i];
        match memchr::memchr(quote, &b[i + 1..]) {
            Some(q) => i += q + 2,
            None => break,
        }
    }
    s.len()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let vstart = tag.len() - after.len() + 1;
        let v = tag[vstart..].trim_start();
        let (q, body) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &v[1..]),
            _ => (None, v),
        };
        let value = match q {
            Some(q) => body.split(q).next().unwrap_or(""),
            None => body.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(value));
    }
    None
}

/// Whether the tag has the class `sxs-lookup`, written out or hidden
/// behind a character reference. Most tags are a highlighter's spans: one
/// search for its rare `x` (or a `&`) rules them out.
fn is_sxs_lookup(tag: &str) -> bool {
    const CLASS: &str = "sxs-lookup";
    let b = tag.as_bytes();
    if memchr::memchr2(b'&', b'x', b).is_none() {
        return false;
    }
    if memchr::memchr(b'&', b).is_none() && memchr::memmem::find(b, CLASS.as_bytes()).is_none() {
        return false;
    }
    attr(tag, "class").is_some_and(|c| c.split_whitespace().any(|x| x == CLASS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::plain::tests::ref_excerpt;
    use crate::search::plain::{collapse, excerpt_collapsed, is_blank};

    #[test]
    fn sections_split_at_headings_with_ids() {
        let html = "<h1 id=\"t\">Title</h1>\n<p>Intro &amp; more.</p>\n<h2 id=\"one\">First <code>part</code></h2>\n<p>Body <a href=\"\u{1}0\u{1}\">link</a>.</p>\n<pre><code>let x = 1;</code></pre>\n<h3 id=\"two\">Second</h3><ul><li>a</li><li>b</li></ul>";
        let s = sections(html);
        assert_eq!(s.len(), 3);
        assert_eq!(collapse(&s[0].text), "Intro & more.");
        assert_eq!(s[1].id, "one");
        assert_eq!(s[1].heading, "First part");
        assert_eq!(collapse(&s[1].text), "Body link.");
        assert_eq!(collapse(&s[1].code), "let x = 1;");
        assert_eq!(
            (s[2].id.as_str(), s[2].heading.as_str(), collapse(&s[2].text).as_str()),
            ("two", "Second", "a b")
        );
    }

    #[test]
    fn sxs_lookup_is_dropped() {
        let html = "<p>Klik op <strong>Opslaan</strong> <span class=\"sxs-lookup\"><span class=\"stage\">Click</span> <b>Save</b></span> en sluit.</p>";
        let s = sections(html);
        assert_eq!(collapse(&s[0].text), "Klik op Opslaan en sluit.");
    }

    #[test]
    fn ampersand_before_letters_of_several_bytes() {
        // The look for `;` used to cut inside `Ö` and panic (the build with it).
        assert_eq!(decode_entities("A&B ÖÖÖÖÖÖ"), "A&B ÖÖÖÖÖÖ");
        assert_eq!(decode_entities("R&amp;Dabcdeé"), "R&Dabcdeé");
        let s = sections("<p>Tom &amp; Jérôme, R&amp;Dabcdeé, A&amp;B ÖÖÖÖÖÖ</p>");
        assert_eq!(s[0].text, "Tom & Jérôme, R&Dabcdeé, A&B ÖÖÖÖÖÖ");
    }

    #[test]
    fn unclosed_tag_ending_in_a_letter_of_several_bytes() {
        // The tag was cut one byte short, inside `é`, and panicked.
        assert_eq!(sections("<p>Caf<b title=é")[0].text, "Caf");
    }

    #[test]
    fn sections_are_the_reference_sections() {
        const PARTS: &[&str] = &[
            "<p>",
            "</p>",
            "<h2 id=\"one\">",
            "</h2>",
            "<h3 id='two'>",
            "</h3>",
            "<H2 ID=three>",
            "</H2>",
            "<h4>",
            "</h4>",
            "<h2 id=\"\">",
            "<h1 id=\"t\">",
            "</h1>",
            "<pre><code>",
            "</code></pre>",
            "<pre>",
            "</pre>",
            "<span class=\"sxs-lookup\">",
            "<span class=\"hl-k\">",
            "<span class=\"sxs&#45;lookup\">",
            "<SPAN CLASS='x sxs-lookup'>",
            "<span/>",
            "</span>",
            "<br/>",
            "<br>",
            "<script>",
            "</script>",
            "<style>",
            "</style>",
            "<!-- c -->",
            "<!--",
            "-->",
            "<div>",
            "</div>",
            "<li>",
            "<td>",
            "<blockquote>",
            "<a href=\"x > y\">",
            "<a title='it\"s'>",
            "<b class=\"",
            "<i title='",
            "\"",
            "'",
            "</a>",
            "<code>",
            "</code>",
            "<averyveryverylongtag>",
            "&amp;",
            "&nbsp;",
            "&#x41;",
            "&#65;",
            "&bogus;",
            "& ",
            "&lt;",
            "text",
            "more words",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{a0}",
            "\u{2003}",
            "\u{b}",
            "é",
            "ideeën",
            "日本",
            "<",
            ">",
            "x=1;",
            "",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let n = (next() % 40) as usize;
            let html: String = (0..n).map(|_| PARTS[(next() % PARTS.len() as u64) as usize]).collect();
            let got = sections(&html);
            for s in &got {
                for max in [1, 5, 12, 32] {
                    let collapsed = collapse(&s.text);
                    assert_eq!(
                        excerpt_collapsed(&collapsed, max),
                        ref_excerpt(&collapsed, max),
                        "{html:?}"
                    );
                }
                assert_eq!(is_blank(&s.code), collapse(&s.code).is_empty());
            }
            let got: Vec<Section> = got
                .into_iter()
                .map(|s| Section {
                    text: collapse(&s.text),
                    code: collapse(&s.code),
                    ..s
                })
                .collect();
            assert_eq!(got, reference_sections(&html), "{html:?}");
        }
    }

    /// `sections` as it was, with allocations per tag and a collapse at the end.
    fn reference_sections(html: &str) -> Vec<Section> {
        let mut out = vec![Section::default()];
        let mut skip_depth = 0usize; // inside sxs-lookup / script / style
        let mut span_depth = 0usize; // open spans inside a skipped sxs-lookup
        let mut pre = 0usize;
        let mut in_heading: Option<u8> = None; // level of an open heading that starts a section
        let mut in_h1 = false;
        let mut rest = html;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                ref_push_text(&mut out, rest, skip_depth, pre, in_heading, in_h1);
                break;
            };
            ref_push_text(&mut out, &rest[..lt], skip_depth, pre, in_heading, in_h1);
            rest = &rest[lt..];
            if rest.starts_with("<!--") {
                rest = rest.find("-->").map(|i| &rest[i + 3..]).unwrap_or("");
                continue;
            }
            let end = ref_tag_end(rest);
            // Without its `>` (at the end), the tag's last character is cut.
            let tag = &rest[1..window(rest, end.saturating_sub(1).max(1))];
            rest = &rest[end..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if skip_depth > 0 {
                match (name.as_str(), closing) {
                    ("span", false) if !tag.ends_with('/') => span_depth += 1,
                    ("span", true) if span_depth > 0 => span_depth -= 1,
                    ("span" | "script" | "style", true) => skip_depth -= 1,
                    _ => {}
                }
                continue;
            }
            match (name.as_str(), closing) {
                ("span", false)
                    if attr(tag, "class").is_some_and(|c| c.split_whitespace().any(|x| x == "sxs-lookup")) =>
                {
                    skip_depth = 1;
                    span_depth = 0;
                }
                ("script" | "style", false) => skip_depth = 1,
                ("pre", false) => pre += 1,
                ("pre", true) => pre = pre.saturating_sub(1),
                ("h1", false) => in_h1 = true,
                ("h1", true) => in_h1 = false,
                ("h2" | "h3" | "h4" | "h5" | "h6", false) => {
                    if let Some(id) = attr(tag, "id").filter(|i| !i.is_empty()) {
                        out.push(Section {
                            id,
                            ..Section::default()
                        });
                        in_heading = Some(name.as_bytes()[1]);
                    } else {
                        ref_space(out.last_mut().unwrap(), pre > 0);
                    }
                }
                ("h2" | "h3" | "h4" | "h5" | "h6", true) => {
                    if in_heading == Some(name.as_bytes()[1]) {
                        in_heading = None;
                        let s = out.last_mut().unwrap();
                        s.heading = s.heading.trim().to_string();
                    } else {
                        ref_space(out.last_mut().unwrap(), pre > 0);
                    }
                }
                (
                    "br" | "p" | "div" | "li" | "td" | "th" | "tr" | "ul" | "ol" | "table" | "blockquote" | "dt" | "dd",
                    _,
                ) if in_heading.is_none() => ref_space(out.last_mut().unwrap(), pre > 0),
                _ => {}
            }
        }
        for s in &mut out {
            s.text = ref_collapse(&s.text);
            s.code = ref_collapse(&s.code);
        }
        out
    }

    fn ref_space(s: &mut Section, pre: bool) {
        let t = if pre { &mut s.code } else { &mut s.text };
        if !t.ends_with(' ') {
            t.push(' ');
        }
    }

    fn ref_push_text(out: &mut [Section], raw: &str, skip: usize, pre: usize, heading: Option<u8>, h1: bool) {
        if skip > 0 || h1 || raw.is_empty() {
            return;
        }
        let text = ref_decode(raw);
        let s = out.last_mut().unwrap();
        if heading.is_some() {
            s.heading.push_str(&text);
        } else if pre > 0 {
            s.code.push_str(&text);
        } else {
            s.text.push_str(&text);
        }
    }

    fn ref_decode(s: &str) -> String {
        if !s.contains('&') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let Some(semi) = rest[..window(rest, 12)].find(';') else {
                out.push('&');
                rest = &rest[1..];
                continue;
            };
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            match c {
                Some(c) => {
                    out.push(c);
                    rest = &rest[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn ref_tag_end(s: &str) -> usize {
        let mut quote: Option<u8> = None;
        for (i, b) in s.bytes().enumerate().skip(1) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => return i + 1,
                _ => {}
            }
        }
        s.len()
    }

    fn ref_collapse(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}
