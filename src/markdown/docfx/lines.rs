//! Line-level scanning for the prepare step: lines with their ends, which
//! lines are copied as written (fenced code, multi-line HTML comments), the
//! indentation `:::column:::` content loses, and code spans inside a line.

use super::prepare::prefix_re;

/// (start, end without line break, start of the next line).
pub fn split_lines(text: &str, start: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < text.len() {
        let nl = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        let end = if nl > pos && text.as_bytes()[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        let next = (nl + 1).min(text.len());
        out.push((pos, end, next));
        pos = next;
    }
    out
}

/// Which lines are copied as written: fenced code blocks (fence lines
/// included) and HTML comments that start a line and run over several
/// (`<!--` ... `-->`: a comment is a comment whatever it holds, so DocFX
/// syntax inside one must not become markers that close it early).
pub fn verbatim_lines(text: &str, lines: &[(usize, usize, usize)]) -> Vec<bool> {
    #[derive(Clone, Copy)]
    enum State {
        Normal,
        Fence(u8, usize),
        Comment,
    }
    let mut out = vec![false; lines.len()];
    let mut state = State::Normal;
    for (i, &(ls, le, _)) in lines.iter().enumerate() {
        let line = &text[ls..le];
        let pre = prefix_len(line);
        let rest = line[pre..].trim_start();
        let run = |c: u8| rest.bytes().take_while(|&b| b == c).count();
        match state {
            State::Fence(c, n) => {
                out[i] = true;
                let k = run(c);
                if k >= n && rest[k..].trim().is_empty() {
                    state = State::Normal;
                }
            }
            State::Comment => {
                out[i] = true;
                if line.contains("-->") {
                    state = State::Normal;
                }
            }
            State::Normal => {
                if let Some(after) = rest.strip_prefix("<!--") {
                    // `<!-->` and `<!--->` are complete (empty) comments.
                    let closed = after.starts_with('>') || after.starts_with("->") || after.contains("-->");
                    if !closed {
                        out[i] = true;
                        state = State::Comment;
                    }
                    continue;
                }
                for c in [b'`', b'~'] {
                    let k = run(c);
                    // A backtick fence's info string never holds a backtick:
                    // "```x```" on one line is inline code, not a fence.
                    if k >= 3 && !(c == b'`' && rest[k..].contains('`')) {
                        state = State::Fence(c, k);
                        out[i] = true;
                    }
                }
            }
        }
    }
    out
}

/// How many leading blanks to strip from each line: the content of each
/// `:::column:::` block loses its common indentation.
pub fn column_dedent(text: &str, lines: &[(usize, usize, usize)], in_fence: &[bool]) -> Vec<usize> {
    let mut out = vec![0; lines.len()];
    if memchr::memmem::find(text.as_bytes(), b":::").is_none() {
        return out;
    }
    let trimmed = |i: usize| text[lines[i].0..lines[i].1].trim();
    let mut i = 0;
    while i < lines.len() {
        let t = trimmed(i).to_ascii_lowercase();
        if !in_fence[i] && t.starts_with(":::column") && !t.starts_with(":::column-end") {
            let end = (i + 1..lines.len()).find(|&j| trimmed(j).to_ascii_lowercase().starts_with(":::column-end"));
            if let Some(end) = end {
                let indent = (i + 1..end)
                    .filter(|&j| !trimmed(j).is_empty())
                    .map(|j| {
                        text[lines[j].0..lines[j].1]
                            .bytes()
                            .take_while(|b| matches!(b, b' ' | b'\t'))
                            .count()
                    })
                    .min()
                    .unwrap_or(0);
                for d in out.iter_mut().take(end).skip(i + 1) {
                    *d = indent;
                }
                i = end;
            }
        }
        i += 1;
    }
    out
}

/// Byte ranges of `code spans` in a line (matching backtick runs).
pub fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = b[i..].iter().take_while(|&&c| c == b'`').count();
        let mut j = i + n;
        let mut closed = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = b[j..].iter().take_while(|&&c| c == b'`').count();
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(e) => {
                out.push((i, e));
                i = e;
            }
            None => i += n,
        }
    }
    out
}

/// Cells of a pipe table row: split at unescaped `|`, without the outer
/// pipes.
fn cells(row: &str) -> usize {
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") {
        &t[..t.len() - 1]
    } else {
        t
    };
    let b = t.as_bytes();
    let mut n = 1;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'|' => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

fn is_delimiter_row(row: &str) -> bool {
    let t = row.trim();
    t.contains('-')
        && t.contains(['|', '-'])
        && t.trim_matches('|').split('|').all(|c| {
            let c = c.trim();
            let c = c.strip_prefix(':').unwrap_or(c);
            let c = c.strip_suffix(':').unwrap_or(c);
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

/// For each line: text to append so that a pipe table's header and
/// delimiter rows have as many cells as its widest row.
pub fn widen_tables(text: &str, lines: &[(usize, usize, usize)], verbatim: &[bool]) -> Vec<Option<String>> {
    let mut out = vec![None; lines.len()];
    let row = |i: usize| {
        let l = &text[lines[i].0..lines[i].1];
        let pre = prefix_len(l);
        &l[pre..]
    };
    let mut i = 0;
    while i + 1 < lines.len() {
        // A line prefix (quote marks, a list marker) has no `|`: a line
        // without one is no header row, found without the prefix regex.
        if !text[lines[i].0..lines[i].1].contains('|') {
            i += 1;
            continue;
        }
        let (head, delim) = (row(i), row(i + 1));
        if verbatim[i]
            || verbatim[i + 1]
            || !head.contains('|')
            || !is_delimiter_row(delim)
            || cells(head) != cells(delim)
        {
            i += 1;
            continue;
        }
        let n = cells(head);
        let mut j = i + 2;
        let mut widest = n;
        while j < lines.len() && !verbatim[j] && !row(j).trim().is_empty() && row(j).contains('|') {
            widest = widest.max(cells(row(j)));
            j += 1;
        }
        if widest > n {
            let extra = widest - n;
            // Close a row written without its outer pipe, then add cells.
            let add = |line: &str, cell: &str| -> String {
                let close = if line.trim_end().ends_with('|') { "" } else { " |" };
                format!("{close}{}", format!(" {cell} |").repeat(extra))
            };
            out[i] = Some(add(head, ""));
            out[i + 1] = Some(add(delim, "---"));
        }
        i = j;
    }
    out
}

/// The length of `prefix_re`'s match on `line`, read byte by byte (it runs
/// on every line of every article): a list number with a digit that is not
/// ASCII (the regex's `\d` is Unicode's) is left to the regex.
pub fn prefix_len(line: &str) -> usize {
    let b = line.as_bytes();
    let blanks = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let mut i = blanks(0);
    while i < b.len() && b[i] == b'>' {
        i = blanks(i + 1);
    }
    let marker_end = match b.get(i) {
        Some(b'-' | b'*' | b'+') => i + 1,
        Some(c) if c.is_ascii_digit() => {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            match b.get(j) {
                Some(b'.' | b')') if j - i <= 9 => j + 1,
                Some(&c) if c >= 0x80 && unicode_digit_at(line, j) => return by_regex(line),
                _ => return i,
            }
        }
        Some(&c) if c >= 0x80 && unicode_digit_at(line, i) => return by_regex(line),
        _ => return i,
    };
    let end = blanks(marker_end);
    if end > marker_end {
        end
    } else {
        i
    }
}

/// A character at byte `i` that may be a digit to `\d` (every decimal
/// digit is numeric).
fn unicode_digit_at(line: &str, i: usize) -> bool {
    line[i..].chars().next().is_some_and(char::is_numeric)
}

fn by_regex(line: &str) -> usize {
    prefix_re().find(line).map_or(0, |m| m.end())
}

#[cfg(test)]
mod tests {
    use super::{prefix_len, prefix_re};

    #[test]
    fn prefix_len_is_the_prefix_regex_match() {
        // Every line of up to 4 characters from an alphabet of what the
        // prefix is made of (and what ends it), plus longer cases.
        let alphabet = [
            " ", "\t", ">", "-", "*", "+", "1", "0", ".", ")", "a", "\u{663}", "\u{e9}", "\u{bd}",
        ];
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = lines
                .iter()
                .flat_map(|l| alphabet.iter().map(move |c| format!("{l}{c}")))
                .collect();
            lines.extend(longer.into_iter().filter(|l| l.chars().count() <= 4));
            lines.sort();
            lines.dedup();
        }
        lines.extend(
            [
                "123456789. nine digits",
                "1234567890. ten digits",
                "  > > 12) item",
                ">\t>-\tx",
                "\u{663}\u{664}. arabic-indic",
                "12\u{663}. mixed",
                "  1.",
                "* ",
            ]
            .map(String::from),
        );
        for l in &lines {
            let want = prefix_re().find(l).map_or(0, |m| m.end());
            assert_eq!(prefix_len(l), want, "{l:?}");
        }
    }
}
