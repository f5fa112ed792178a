//! White space and marks in the text of a section's blocks: white space
//! collapsed (with where wrapped lines start), the single-spaced test that
//! lets most prose be copied as it is, bold and code marks dropped
//! (`loose`), and a text's last characters for a finding's context.

/// White space collapsed to single spaces, trimmed; with the offsets (in
/// the result) of the words that follow a line break (`\n`).
pub(super) fn collapse(text: &str) -> (String, Vec<usize>) {
    if single_spaced(text) {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut starts = Vec::new();
    if text.is_ascii() {
        // Runs of words with single spaces between them copied at once.
        let b = text.as_bytes();
        let mut i = 0;
        let mut broke = false;
        while i < b.len() {
            if ascii_space(b[i]) {
                broke |= b[i] == b'\n';
                i += 1;
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
                if broke {
                    starts.push(out.len());
                }
            }
            broke = false;
            let start = i;
            i = single_spaced_run(b, i);
            out.push_str(&text[start..i]);
        }
        return (out, starts);
    }
    let (mut space, mut broke) = (false, false);
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            broke |= c == '\n';
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
            if broke {
                starts.push(out.len());
            }
        }
        (space, broke) = (false, false);
        out.push(c);
    }
    (out, starts)
}

/// `collapse`, keeping `text` itself when it is single-spaced already.
pub(super) fn collapse_owned(text: String) -> (String, Vec<usize>) {
    if single_spaced(&text) {
        return (text, Vec::new());
    }
    collapse(&text)
}

/// `squash`, keeping `s` itself when it is single-spaced already.
pub(super) fn squash_owned(s: String) -> String {
    if single_spaced(&s) {
        return s;
    }
    squash(&s)
}

/// `t` onto `out` without the (ASCII) bytes `marks`, each of them one of
/// the marks `\x02` to `\x05`.
pub(super) fn push_without(out: &mut String, t: &str, marks: &[u8]) {
    // Most text has none of the marks (all of them in 0x02..=0x05):
    // copied at once.
    if !t.bytes().any(|b| matches!(b, 0x02..=0x05)) {
        out.push_str(t);
        return;
    }
    let mut from = 0;
    for (i, b) in t.bytes().enumerate() {
        if marks.contains(&b) {
            out.push_str(&t[from..i]);
            from = i + 1;
        }
    }
    out.push_str(&t[from..]);
}

/// ASCII text whose words are already single-spaced: no white space at
/// either end, none but a space, never two spaces (each checked by a
/// memchr-fast search rather than byte by byte; the searcher for two spaces
/// made once, not for each block).
pub(super) fn single_spaced(s: &str) -> bool {
    static TWO_SPACES: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let b = s.as_bytes();
    s.is_ascii()
        && b.first().is_none_or(|&c| !ascii_space(c))
        && b.last().is_none_or(|&c| !ascii_space(c))
        && memchr::memchr3(b'\n', b'\t', b'\r', b).is_none()
        && memchr::memchr2(0x0B, 0x0C, b).is_none()
        && TWO_SPACES
            .get_or_init(|| memchr::memmem::Finder::new(b"  "))
            .find(b)
            .is_none()
}

/// ASCII white space as `char::is_whitespace` has it (U+000B too).
pub(super) fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// From a word's first byte at `i`: the end of the run of words that only
/// single spaces part (what collapsing white space leaves as it is).
pub(super) fn single_spaced_run(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && !ascii_space(b[i]) {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b' ' && !ascii_space(b[i + 1]) {
            i += 1;
        } else {
            return i;
        }
    }
}

/// Marked block text (`\x02`bold`\x03`, `\x04`code`\x05`) without bold
/// and code, white space collapsed.
pub(super) fn loose(marked: &str) -> String {
    if !marked.bytes().any(|b| matches!(b, 0x02..=0x05)) {
        return squash(marked);
    }
    let mut out = String::with_capacity(marked.len());
    let mut depth = 0usize;
    let mut from = 0;
    // The marks are ASCII: the text between them is cut at char boundaries.
    for (i, b) in marked.bytes().enumerate() {
        if !matches!(b, 0x02..=0x05) {
            continue;
        }
        if depth == 0 {
            out.push_str(&marked[from..i]);
        }
        from = i + 1;
        if matches!(b, 0x02 | 0x04) {
            depth += 1;
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    if depth == 0 {
        out.push_str(&marked[from..]);
    }
    squash(&out)
}

/// `s`'s words (split at Unicode white space) joined by single spaces,
/// without a list of the words; ASCII text (most prose) by runs of words
/// already single-spaced.
pub(super) fn squash(s: &str) -> String {
    if single_spaced(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if ascii_space(b[i]) {
                i += 1;
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            let start = i;
            i = single_spaced_run(b, i);
            out.push_str(&s[start..i]);
        }
        return out;
    }
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The last `n` characters of `s`, with `…` when cut.
pub(super) fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(count - n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::{collapse, loose, push_without, single_spaced, squash};

    const TEXTS: [&str; 14] = [
        "single spaced words",
        " leading",
        "trailing ",
        "two  spaces",
        "tab\tand\x0Bvertical",
        "",
        "   ",
        "one",
        "  one  two\tthree\n\nfour\r\n",
        "a\x0Bb\x0Cc\x1Cd",
        "caf\u{e9}\u{a0}cr\u{e8}me \u{3000}x\u{2028}y",
        "one two\nthree  \n four five ",
        "\x02Bold\x03 and \x04code\x05 \x02two \x04nested\x05 \x03 left\x03\x03 over",
        "\x03\x05 un\x02opened caf\u{e9} \x04x\x05 \u{a0}end",
    ];

    #[test]
    fn collapse_is_white_space_collapsed_char_by_char() {
        // The definition, one character at a time.
        let by_char = |text: &str| {
            let (mut out, mut starts) = (String::new(), Vec::new());
            let (mut space, mut broke) = (false, false);
            for c in text.chars() {
                if c.is_whitespace() {
                    space = true;
                    broke |= c == '\n';
                    continue;
                }
                if space && !out.is_empty() {
                    out.push(' ');
                    if broke {
                        starts.push(out.len());
                    }
                }
                (space, broke) = (false, false);
                out.push(c);
            }
            (out, starts)
        };
        for s in TEXTS {
            assert_eq!(collapse(s), by_char(s), "{s:?}");
        }
    }

    #[test]
    fn loose_drops_bold_and_code_as_char_by_char() {
        let by_char = |marked: &str| {
            let (mut out, mut depth) = (String::new(), 0usize);
            for c in marked.chars() {
                match c {
                    '\x02' | '\x04' => depth += 1,
                    '\x03' | '\x05' => depth = depth.saturating_sub(1),
                    c if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        for s in TEXTS {
            assert_eq!(loose(s), by_char(s), "{s:?}");
            let mut out = String::from(">");
            push_without(&mut out, s, b"\x02\x03");
            assert_eq!(out, format!(">{}", s.replace(['\x02', '\x03'], "")), "{s:?}");
        }
    }

    #[test]
    fn single_spaced_is_its_definition() {
        let by_definition = |s: &str| {
            let b = s.as_bytes();
            s.is_ascii()
                && b.first().is_none_or(|&c| !c.is_ascii_whitespace() && c != 0x0B)
                && b.last().is_none_or(|&c| !c.is_ascii_whitespace() && c != 0x0B)
                && !b.iter().any(|&c| c != b' ' && (c.is_ascii_whitespace() || c == 0x0B))
                && !s.contains("  ")
        };
        for s in TEXTS
            .iter()
            .chain(&["a", " ", "a b", "a  b", "a b ", "\ta", "a\x0Bb", "x\u{e9}"])
        {
            assert_eq!(single_spaced(s), by_definition(s), "{s:?}");
        }
    }

    #[test]
    fn squash_joins_words_as_split_whitespace_does() {
        for s in TEXTS {
            assert_eq!(squash(s), s.split_whitespace().collect::<Vec<_>>().join(" "), "{s:?}");
        }
    }
}
