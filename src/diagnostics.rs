//! Diagnostics: every problem polydoc finds, with where it is and what to do.
//!
//! Stages never print; they return `Diagnostic`s. The CLI decides how to show
//! them (human text with a source excerpt, or JSON).

use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Read back (by the build cache) through `cache::codec`.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine-readable kind, e.g. `yaml`, `link-missing-file`.
    pub code: &'static str,
    /// Path relative to the site root, `/`-separated ("" for the site itself).
    pub file: String,
    /// 1-based; 0 when the problem has no position in the file.
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or as much of it as is known.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.clone(),
            (l, 0) => format!("{}:{}", self.file, l),
            (l, c) => format!("{}:{}:{}", self.file, l, c),
        }
    }

    /// Human rendering in the style of rustc/ripgrep, with the offending line
    /// when the file can be read from `site_root`.
    pub fn render(&self, site_root: &Path) -> String {
        self.render_from(site_root, &mut SourceLines::default())
    }

    /// `render`, the offending line taken from `sources` (diagnostics in
    /// file order read each file once: a real repository's 1,000
    /// diagnostics read one file 18 times).
    pub fn render_from(&self, site_root: &Path, sources: &mut SourceLines) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}[{}]: {}", self.code, self.message);
        let _ = writeln!(out, "  --> {}", self.location());
        if self.line > 0 && !self.file.is_empty() {
            if let Some(text) = sources.line(&site_root.join(&self.file), self.line) {
                let (text, column) = excerpt(&text, self.column);
                let gutter = self.line.to_string();
                let pad = " ".repeat(gutter.len());
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{gutter} | {}", text.trim_end());
                if column > 0 {
                    let caret_pad: String = text
                        .chars()
                        .take(column - 1)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = writeln!(out, "{pad} | {caret_pad}^");
                }
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }
}

/// A parser's position moved onto the text: the YAML parser reports the
/// end of a text without a final line end as the line after it.
pub fn clamp_position(text: &str, line: usize, column: usize) -> (usize, usize) {
    let lines = text.split('\n').count().max(1);
    if line <= lines {
        return (line, column);
    }
    let last = text.rsplit('\n').next().unwrap_or("");
    (lines, last.chars().count() + 1)
}

/// Longest source line shown in full, in characters.
const EXCERPT_CHARS: usize = 160;

/// A long line cut to a window around `column` (1-based, 0: none), with
/// `…` where it was cut; returns the text and the column in it.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= EXCERPT_CHARS {
        return (line.to_string(), column);
    }
    let start = column
        .saturating_sub(1)
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(count - EXCERPT_CHARS);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(EXCERPT_CHARS));
    if start + EXCERPT_CHARS < count {
        out.push('…');
    }
    let column = if column == 0 {
        0
    } else {
        column - start + usize::from(start > 0)
    };
    (out, column)
}

/// The last file a diagnostic was shown from, read once for all the
/// diagnostics about it that come in a row.
#[derive(Default)]
pub struct SourceLines {
    file: Option<(std::path::PathBuf, Option<String>)>,
}

impl SourceLines {
    fn line(&mut self, path: &Path, line: usize) -> Option<String> {
        if self.file.as_ref().is_none_or(|(p, _)| p != path) {
            let text = std::fs::read(path)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            self.file = Some((path.to_path_buf(), text));
        }
        let (_, text) = self.file.as_ref()?;
        text.as_ref()?.lines().nth(line - 1).map(str::to_owned)
    }
}

/// Maps byte offsets of a text to 1-based line and column (columns count
/// characters, as editors do).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The line of `offset` (`line_col`'s line, without counting the column).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let end = offset.min(text.len());
        let col = text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Sorts diagnostics for stable, readable output: by file, then position.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message).cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}

#[cfg(test)]
mod excerpt_tests {
    use super::excerpt;

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("x: {}", "[".repeat(100_000));
        let (text, col) = excerpt(&line, 50_000);
        assert!(text.chars().count() <= 162, "{}", text.len());
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().nth(col - 1), Some('['));
        let (text, col) = excerpt("short", 3);
        assert_eq!((text.as_str(), col), ("short", 3));
        let line = format!("{}END", "a".repeat(300));
        let (text, col) = excerpt(&line, 301);
        assert_eq!(text.chars().nth(col - 1), Some('E'));
        assert!(text.ends_with("END"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_rendered_from_one_file_read_show_the_lines_each_alone_shows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "one\ntwo\nthree\n").unwrap();
        std::fs::write(dir.path().join("b.md"), "alpha\nbeta\n").unwrap();
        let at = |file: &str, line: usize| Diagnostic::error("x", file, "m").at(line, 2);
        let diags = [
            at("a.md", 1),
            at("a.md", 3),
            at("b.md", 2),
            at("a.md", 2),
            at("gone.md", 1),
        ];
        let mut sources = SourceLines::default();
        for d in &diags {
            assert_eq!(d.render_from(dir.path(), &mut sources), d.render(dir.path()));
        }
        assert!(at("a.md", 3).render(dir.path()).contains("3 | three"));
        // Back to a file after another: read again.
        assert!(at("b.md", 1)
            .render_from(dir.path(), &mut sources)
            .contains("1 | alpha"));
    }
}
