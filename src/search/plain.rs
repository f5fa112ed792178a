//! Plain text for search: character references decoded, runs of white
//! space made one space, and excerpts cut at a word. Extraction (`extract`)
//! produces the text; documents (`doc`) collapse it and cut excerpts.

/// Appends `piece` to `out` with runs of white space (as `char::is_whitespace`)
/// made one space, and none at the start of `out`. Text already in that
/// shape (words with single spaces between) is copied in one go.
fn push_collapsed(out: &mut String, gap: &mut bool, piece: &str) {
    let b = piece.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        // White space: one gap.
        while i < n {
            let w = space_len(piece, i);
            if w == 0 {
                break;
            }
            *gap = true;
            i += w;
        }
        if i == n {
            break;
        }
        // Words with single ASCII spaces between them.
        let start = i;
        while i < n {
            if b[i] > b' ' && b[i] < 0x80 {
                i += 1;
                continue;
            }
            if b[i] == b' ' {
                if i + 1 < n && space_len(piece, i + 1) == 0 {
                    i += 1;
                    continue;
                }
                break;
            }
            if b[i] < 0x80 {
                if b[i].is_ascii_whitespace() || b[i] == 0x0b {
                    break;
                }
                i += 1;
            } else {
                let c = piece[i..].chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    break;
                }
                i += c.len_utf8();
            }
        }
        if *gap && !out.is_empty() {
            out.push(' ');
        }
        *gap = false;
        out.push_str(&piece[start..i]);
    }
}

/// Length of the white-space character at byte `i` of `s` (0 if none).
fn space_len(s: &str, i: usize) -> usize {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return usize::from(b.is_ascii_whitespace() || b == 0x0b);
    }
    match s[i..].chars().next() {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// Decodes the character references pulldown-cmark and authors write.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    decode_with(s, |piece| out.push_str(piece));
    out
}

/// `decode_entities`, handing the decoded text to `f` piece by piece.
pub(super) fn decode_with(s: &str, mut f: impl FnMut(&str)) {
    let mut rest = s;
    let mut buf = [0u8; 4];
    while let Some(i) = memchr::memchr(b'&', rest.as_bytes()) {
        if i > 0 {
            f(&rest[..i]);
        }
        rest = &rest[i..];
        let Some(semi) = rest[..window(rest, 12)].find(';') else {
            f("&");
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
                f(c.encode_utf8(&mut buf));
                rest = &rest[semi + 1..];
            }
            None => {
                f("&");
                rest = &rest[1..];
            }
        }
    }
    if !rest.is_empty() {
        f(rest);
    }
}

/// The first `max` bytes of `s` at most, cut at a character boundary.
pub(super) fn window(s: &str, max: usize) -> usize {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// `text` with runs of white space made one space, none at either end.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, &mut false, text);
    out
}

/// Whether `text` has nothing but white space.
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The start of a text collapsed already (by `collapse`: a card's prose),
/// at most `max` characters, cut at a word boundary. Only the characters
/// the excerpt needs are counted.
pub fn excerpt_collapsed(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
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
pub(super) mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt_collapsed("short", 10), "short");
        assert_eq!(excerpt_collapsed("one two three four", 12), "one two…");
    }

    /// An excerpt by its definition: every character of the text counted.
    pub(in crate::search) fn ref_excerpt(text: &str, max: usize) -> String {
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

    #[test]
    fn excerpts_of_long_text_are_cut_from_its_collapsed_start() {
        let text = format!("{}one \n\n two\tthree{}", " \n".repeat(500), " four".repeat(2000));
        assert_eq!(excerpt_collapsed(&collapse(&text), 13), "one two…");
        assert_eq!(
            excerpt_collapsed(&collapse(&text), 13),
            ref_excerpt(&collapse(&text), 13)
        );
    }
}
