//! A guard in front of the YAML parser for every YAML file polydoc reads
//! (front matter, TOC, pivot and landing files): flow collections nested
//! deeper than `MAX_FLOW_DEPTH` are refused with their position before the
//! parser, whose time grows with the square of the depth, sees them.

use crate::diagnostics::Diagnostic;

/// Refuses YAML whose flow collections nest deeper than `MAX_FLOW_DEPTH`,
/// before the YAML parser sees it: its time grows with the square of the
/// depth. `first_line` is the file line of the YAML's first line.
pub fn check_depth(yaml: &str, first_line: usize, file: &str, code: &'static str) -> Result<(), Diagnostic> {
    let Some(off) = too_deep(yaml) else {
        return Ok(());
    };
    let (l, c) = crate::diagnostics::LineIndex::new(yaml).line_col(yaml, off);
    Err(Diagnostic::error(
        code,
        file,
        format!("the YAML nests `[`/`{{` collections more than {MAX_FLOW_DEPTH} deep"),
    )
    .at(l + first_line - 1, c)
    .help("flatten the value, or quote it if it is text"))
}

/// How deep `[`/`{` flow collections may nest in YAML.
pub const MAX_FLOW_DEPTH: usize = 64;

/// The offset of the first `[` or `{` that opens a flow collection deeper
/// than `MAX_FLOW_DEPTH`, if any. A linear scan that knows enough YAML not
/// to count brackets inside quoted or plain scalars, comments or block
/// scalars (`|`, `>`).
fn too_deep(yaml: &str) -> Option<usize> {
    if yaml.bytes().filter(|&b| b == b'[' || b == b'{').count() <= MAX_FLOW_DEPTH {
        return None;
    }
    let b = yaml.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // A value may start here (line start, after `: `, `- `, `[`, `{`, `,`).
    let mut value_start = true;
    // Inside a block scalar: lines indented more than this are its text.
    let mut block_indent: Option<usize> = None;
    let mut line_start = true;
    while i < b.len() {
        if line_start && depth == 0 {
            line_start = false;
            let indent = b[i..].iter().take_while(|&&c| c == b' ').count();
            let blank = matches!(b.get(i + indent), None | Some(b'\n') | Some(b'\r'));
            if let Some(bi) = block_indent {
                if blank || indent > bi {
                    i += b[i..].iter().position(|&c| c == b'\n').map_or(b.len() - i, |p| p + 1);
                    line_start = true;
                    continue;
                }
                block_indent = None;
            }
            // A line ending in `|` or `>` (with indicators) starts a block scalar.
            let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p);
            let line = yaml[i..end].trim_end();
            let tail = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
            if (tail.ends_with(" |") || tail.ends_with(" >") || tail == "|" || tail == ">")
                && !line.trim_start().starts_with('#')
            {
                block_indent = Some(indent);
                i = (end + 1).min(b.len());
                line_start = true;
                continue;
            }
        }
        let c = b[i];
        match c {
            b'\n' => {
                line_start = true;
                value_start = true;
            }
            b' ' | b'\t' | b'\r' => {}
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n') => {
                i += b[i..].iter().position(|&c| c == b'\n').unwrap_or(b.len() - i);
                continue;
            }
            b'\'' | b'"' if value_start => {
                // A quoted scalar: skip to its closing quote.
                let mut j = i + 1;
                while j < b.len() {
                    if b[j] == b'\\' && c == b'"' {
                        j += 2;
                        continue;
                    }
                    if b[j] == c {
                        if c == b'\'' && b.get(j + 1) == Some(&b'\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j += 1;
                }
                i = j + 1;
                value_start = false;
                continue;
            }
            b'[' | b'{' if value_start || depth > 0 => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
                value_start = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                value_start = false;
            }
            b',' if depth > 0 => value_start = true,
            b':' | b'-' | b'?' if matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                value_start = true
            }
            _ => value_start = false,
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::parse;

    #[test]
    fn deep_flow_collections_are_refused_before_the_parser_where_they_get_too_deep() {
        // The guard, not the YAML parser (whose time grows with the square
        // of the depth), answers: its message, at the 65th bracket.
        let yaml = format!("title: ok\nx: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&yaml, 2, "x.md", &mut vec![]).unwrap_err();
        assert!(e.message.contains("collections more than 64 deep"), "{e:?}");
        assert_eq!((e.line, e.column), (3, 4 + MAX_FLOW_DEPTH), "{e:?}");
        assert_eq!(too_deep(&yaml), Some("title: ok\nx: ".len() + MAX_FLOW_DEPTH));
        // Deep block nesting is the parser's: its recursion limit refuses
        // it (so its work is bounded), as a broken front matter.
        let block = format!("x:\n{}1\n", "- ".repeat(100_000));
        let e = parse(&block, 2, "x.md", &mut vec![]).unwrap_err();
        assert!(e.message.starts_with("broken YAML front matter"), "{e:?}");
        // Brackets in scalars, quotes, comments and block scalars are text.
        let text = "[".repeat(200);
        let ok = format!(
            "title: a{text}\nq: '{text}'\nd: \"{text}\"\n# {text}\nb: |\n  {text}\n  {text}\nl: [[1, 2], {{a: [3]}}]\n"
        );
        let fm = parse(&ok, 2, "x.md", &mut vec![]).unwrap();
        assert_eq!(fm.title.as_deref(), Some(format!("a{text}").as_str()));
        let nested = format!("x: {}1{}\n", "[".repeat(MAX_FLOW_DEPTH), "]".repeat(MAX_FLOW_DEPTH));
        assert!(parse(&nested, 2, "x.md", &mut vec![]).is_ok());
    }
}
