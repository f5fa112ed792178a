//! Lines of a code file, for snippets (`code`): line ranges (`1-3,5`),
//! named regions (`<tag>` ... `</tag>` in a comment, `#region tag`),
//! dedenting, and the highlighter's language from a file extension.

use regex::Regex;
use std::sync::OnceLock;

/// Parses `1-3,5,9-` for a file of `len` lines into 1-based inclusive
/// ranges (an open or too-far end stops at the last line).
pub fn ranges(spec: &str, len: usize) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim) {
        if part.is_empty() {
            return Err("an empty range".into());
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (part, None),
        };
        let a: usize = a
            .parse()
            .map_err(|_| format!("`{part}` is not a line number or range"))?;
        if a == 0 {
            return Err("lines are numbered from 1".into());
        }
        if a > len {
            return Err(format!("line {a} is past the end (the code has {len} lines)"));
        }
        let b = match b {
            None => a,
            Some("") => len,
            Some(b) => b
                .parse::<usize>()
                .map_err(|_| format!("`{part}` is not a line number or range"))?
                .min(len),
        };
        if b < a {
            return Err(format!("`{part}` ends before it starts"));
        }
        out.push((a, b));
    }
    Ok(out)
}

fn tag_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)^\s*(?://|'|<!--|--|#|rem\b|::|%|;|/\*|\(\*)\s*<\s*(/?)\s*([^<>]+?)\s*>\s*(?:-->|\*/|\*\))?\s*$",
        )
        .unwrap()
    })
}

fn region_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // C# `#region x`/`#endregion`, VB `#Region "x"`/`#End Region`, C++
    // `#pragma region x`/`#pragma endregion`.
    R.get_or_init(|| Regex::new(r#"(?i)^\s*#\s*(?:pragma\s+)?(region\b\s*"?(.*?)"?|end\s*region\b.*?)\s*$"#).unwrap())
}

fn is_tag_line(l: &str) -> bool {
    tag_re().is_match(l) || region_re().is_match(l)
}

/// The lines of region/tag `name` (tag lines inside left out).
pub(super) fn region<'t>(lines: &[&'t str], name: &str) -> Option<Vec<&'t str>> {
    for candidate in [name.to_string(), format!("snippet{name}")] {
        let want = candidate.to_ascii_lowercase();
        // Comment tags: the first end tag, and the last start tag before it.
        let end = lines.iter().position(|l| {
            tag_re()
                .captures(l)
                .is_some_and(|c| !c[1].is_empty() && c[2].to_ascii_lowercase() == want)
        });
        if let Some(e) = end {
            let start = lines[..e].iter().rposition(|l| {
                tag_re()
                    .captures(l)
                    .is_some_and(|c| c[1].is_empty() && c[2].to_ascii_lowercase() == want)
            });
            if let Some(s) = start {
                return Some(lines[s + 1..e].iter().copied().filter(|l| !is_tag_line(l)).collect());
            }
        }
        // #region name ... #endregion (nesting).
        let mut open: Vec<(String, usize)> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if let Some(c) = region_re().captures(l) {
                match c.get(2) {
                    Some(n) => open.push((n.as_str().to_ascii_lowercase(), i)),
                    None => {
                        if let Some((n, s)) = open.pop() {
                            if n == want {
                                return Some(lines[s + 1..i].iter().copied().filter(|l| !is_tag_line(l)).collect());
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// Removes `by` leading blanks (default: the lines' common indentation).
pub(super) fn dedent(lines: &[&str], by: Option<usize>) -> String {
    let indent = |l: &str| l.chars().take_while(|c| *c == ' ' || *c == '\t').count();
    let by = by.unwrap_or_else(|| {
        lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| indent(l))
            .min()
            .unwrap_or(0)
    });
    let mut out = String::new();
    for l in lines {
        let n = indent(l).min(by);
        out.push_str(&l[n..]);
        out.push('\n');
    }
    out
}

/// The language of a code file, from its extension.
pub fn language_of(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "cs" => "csharp",
        "vb" => "vb",
        "fs" | "fsx" | "fsi" => "fsharp",
        "cpp" | "cc" | "cxx" | "h" | "hpp" => "cpp",
        "c" => "c",
        "py" => "python",
        "js" | "mjs" => "javascript",
        "ts" => "typescript",
        "json" => "json",
        "xml" | "csproj" | "config" => "xml",
        "xaml" => "xaml",
        "html" | "htm" => "html",
        "cshtml" => "cshtml",
        "css" => "css",
        "sql" => "sql",
        "ps1" | "psm1" => "powershell",
        "sh" | "bash" => "bash",
        "bat" | "cmd" => "batchfile",
        "rb" => "ruby",
        "java" => "java",
        "go" => "go",
        "rs" => "rust",
        "yml" | "yaml" => "yaml",
        "md" => "markdown",
        "erl" => "erlang",
        "lsp" | "lisp" => "lisp",
        "kt" => "kotlin",
        "swift" => "swift",
        "php" => "php",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges() {
        assert_eq!(ranges("1-2,4,6-", 8).unwrap(), vec![(1, 2), (4, 4), (6, 8)]);
        assert_eq!(ranges("2-100", 5).unwrap(), vec![(2, 5)]);
        assert!(ranges("5-3", 8).unwrap_err().contains("ends before"));
        assert!(ranges("9", 8).unwrap_err().contains("past the end"));
        assert!(ranges("a-b", 8).is_err());
        assert!(ranges("0-2", 8).is_err());
    }

    #[test]
    fn regions_and_tags() {
        let src = "using A;\n    // <Snippet1>\n    int a;\n    // <inner>\n    int b;\n    // </inner>\n    // </Snippet1>\n#region Helper\nclass H {}\n#endregion\n";
        let lines: Vec<&str> = src.lines().collect();
        assert_eq!(region(&lines, "snippet1").unwrap(), vec!["    int a;", "    int b;"]);
        assert_eq!(region(&lines, "1").unwrap().len(), 2, "`snippet` prefix");
        assert_eq!(region(&lines, "Helper").unwrap(), vec!["class H {}"]);
        assert!(region(&lines, "nope").is_none());
        assert_eq!(dedent(&["    a", "      b"], None), "a\n  b\n");
    }
}
