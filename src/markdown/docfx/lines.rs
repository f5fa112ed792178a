//! Line-level scanning for the prepare step: lines with their ends, which
//! lines are copied as written (fenced code, multi-line HTML comments), the
//! indentation `:::column:::` content loses, and code spans inside a line.

use super::prepare::prefix_re;

/// (start, end without line break, start of the next line).
pub fn split_lines(text: &str, start: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < text.len() {
        let nl = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
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
        let pre = prefix_re().find(line).map_or(0, |m| m.end());
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
    if !text.contains(":::") {
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
