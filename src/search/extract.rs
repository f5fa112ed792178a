//! Search extraction: an article's rendered HTML -> its sections as plain
//! text. A section starts at each `<h2>`..`<h6>` that has an `id` (the
//! deep-link target); section 0 is the text before the first one. The `<h1>`
//! is the title and is indexed from the page title instead. Text inside
//! `<span class="sxs-lookup">` (the source segments older translations
//! carry), `<script>` and `<style>` is dropped. Code is indexed but kept out
//! of the excerpts.

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's ID (empty for section 0).
    pub id: String,
    pub heading: String,
    /// Prose: what excerpts are cut from.
    pub text: String,
    /// Text of `<pre>` blocks.
    pub code: String,
}

/// Splits article HTML into sections of plain text.
pub fn sections(html: &str) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut skip_depth = 0usize; // inside sxs-lookup / script / style
    let mut span_depth = 0usize; // open spans inside a skipped sxs-lookup
    let mut pre = 0usize;
    let mut in_heading: Option<u8> = None; // level of an open heading that starts a section
    let mut in_h1 = false;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, skip_depth, pre, in_heading, in_h1);
            break;
        };
        push_text(&mut out, &rest[..lt], skip_depth, pre, in_heading, in_h1);
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
            ("span", false) if has_class(tag, "sxs-lookup") => {
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
                    space(out.last_mut().unwrap(), pre > 0);
                }
            }
            ("h2" | "h3" | "h4" | "h5" | "h6", true) => {
                if in_heading == Some(name.as_bytes()[1]) {
                    in_heading = None;
                    let s = out.last_mut().unwrap();
                    s.heading = s.heading.trim().to_string();
                } else {
                    space(out.last_mut().unwrap(), pre > 0);
                }
            }
            (
                "br" | "p" | "div" | "li" | "td" | "th" | "tr" | "ul" | "ol" | "table" | "blockquote" | "dt" | "dd",
                _,
            ) if in_heading.is_none() => space(out.last_mut().unwrap(), pre > 0),
            _ => {}
        }
    }
    for s in &mut out {
        s.text = collapse(&s.text);
        s.code = collapse(&s.code);
    }
    out
}

fn space(s: &mut Section, pre: bool) {
    let t = if pre { &mut s.code } else { &mut s.text };
    if !t.ends_with(' ') {
        t.push(' ');
    }
}

fn push_text(out: &mut [Section], raw: &str, skip: usize, pre: usize, heading: Option<u8>, h1: bool) {
    if skip > 0 || h1 || raw.is_empty() {
        return;
    }
    let text = decode_entities(raw);
    let s = out.last_mut().unwrap();
    if heading.is_some() {
        s.heading.push_str(&text);
    } else if pre > 0 {
        s.code.push_str(&text);
    } else {
        s.text.push_str(&text);
    }
}

/// Index just past the `>` closing the tag at the start of `s` (quotes respected).
fn tag_end(s: &str) -> usize {
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

fn has_class(tag: &str, class: &str) -> bool {
    attr(tag, "class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// Decodes the character references pulldown-cmark and authors write.
pub fn decode_entities(s: &str) -> String {
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

/// The first `max` bytes of `s` at most, cut at a character boundary.
fn window(s: &str, max: usize) -> usize {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The start of `text`, at most `max` characters, cut at a word boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_headings_with_ids() {
        let html = "<h1 id=\"t\">Title</h1>\n<p>Intro &amp; more.</p>\n<h2 id=\"one\">First <code>part</code></h2>\n<p>Body <a href=\"\u{1}0\u{1}\">link</a>.</p>\n<pre><code>let x = 1;</code></pre>\n<h3 id=\"two\">Second</h3><ul><li>a</li><li>b</li></ul>";
        let s = sections(html);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text, "Intro & more.");
        assert_eq!(s[1].id, "one");
        assert_eq!(s[1].heading, "First part");
        assert_eq!(s[1].text, "Body link.");
        assert_eq!(s[1].code, "let x = 1;");
        assert_eq!(
            (s[2].id.as_str(), s[2].heading.as_str(), s[2].text.as_str()),
            ("two", "Second", "a b")
        );
    }

    #[test]
    fn sxs_lookup_is_dropped() {
        let html = "<p>Klik op <strong>Opslaan</strong> <span class=\"sxs-lookup\"><span class=\"stage\">Click</span> <b>Save</b></span> en sluit.</p>";
        let s = sections(html);
        assert_eq!(s[0].text, "Klik op Opslaan en sluit.");
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
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four", 12), "one two…");
    }
}
