//! Redirects: `redirect_url` front matter and redirection files in the
//! `.openpublishing.redirection.json` format, read leniently. As DocFX's
//! publishing does, a locale's redirection files are found at its
//! repository root (the nearest folder above the docset holding `.git` or
//! `.openpublishing.publish.config.json`), with the extra files that
//! configuration lists in `redirection_files`.

use crate::diagnostics::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::path::Path;

pub const DEFAULT_FILE: &str = ".openpublishing.redirection.json";

#[derive(Debug, Clone)]
pub struct RedirectRule {
    /// Path in the source locale tree (`admin/old.md`).
    pub source_rel: String,
    pub target: String,
    /// Where the rule was written, for messages.
    pub origin: String,
    pub line: usize,
}

#[derive(Deserialize)]
struct File {
    redirections: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    /// Relative to the redirection file's folder.
    #[serde(default)]
    source_path: Option<String>,
    /// Relative to the repository root.
    #[serde(default)]
    source_path_from_root: Option<String>,
    redirect_url: String,
    #[serde(default)]
    #[allow(dead_code)]
    redirect_document_id: Option<serde_json::Value>,
}

/// Reads a redirection file. `source_path`s are relative to the file's
/// folder, `source_path_from_root`s to `repo_root`; rules for files outside
/// `locale_root` are ignored (they belong to another doc set of the same
/// repository). Reads go through `fence`.
pub fn load(
    file: &Path,
    display: &str,
    repo_root: &Path,
    locale_root: &Path,
    fence: &crate::fence::Fence,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RedirectRule> {
    let bytes = match fence.read(file) {
        Ok(b) => b,
        Err(crate::fence::Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(
                Diagnostic::error("redirects", display, format!("cannot read the redirection file: {e}"))
                    .help("the redirection file must be a file inside the site folder"),
            );
            return Vec::new();
        }
    };
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    // Real files are not always strict JSON: no-break spaces as indentation,
    // trailing commas. Repair those with a warning.
    let mut text = raw.replace('\u{a0}', " ");
    let trailing = regex::Regex::new(r",(\s*[\]}])").unwrap();
    text = trailing.replace_all(&text, "$1").into_owned();
    if text != raw {
        diags.push(
            Diagnostic::warning(
                "redirects-lenient",
                display,
                "the redirection file is not strict JSON (no-break spaces or trailing commas); read leniently",
            )
            .help("replace no-break spaces with plain spaces and remove trailing commas"),
        );
    }
    let parsed: File = match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            diags.push(
                Diagnostic::error("redirects", display, format!("cannot read the redirection file: {e}"))
                    .at(e.line(), e.column()),
            );
            return Vec::new();
        }
    };
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let base = real(file.parent().unwrap_or(Path::new("")));
    let (root, repo) = (real(locale_root), real(repo_root));
    let lines = LineIndex::new(&raw);
    let mut rules = Vec::new();
    for e in parsed.redirections {
        let (written, from) = match (&e.source_path, &e.source_path_from_root) {
            (Some(s), _) => (s, &base),
            (None, Some(s)) => (s, &repo),
            (None, None) => continue,
        };
        let src = written.replace('\\', "/");
        let abs = crate::discover::normalize(&from.join(src.trim_start_matches('/')));
        let Ok(rel) = abs.strip_prefix(&root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let line = raw
            .find(&format!("\"{written}\""))
            .map_or(0, |off| lines.line_col(&raw, off).0);
        rules.push(RedirectRule {
            source_rel: rel,
            target: e.redirect_url,
            origin: display.to_string(),
            line,
        });
    }
    rules
}
