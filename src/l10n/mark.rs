//! `polydoc l10n mark-current`: after a reviewer accepts a translation,
//! rewrite its `ms.openlocfilehash` to the current source's hash and its
//! `ms.lasthandoff` to the given date, keeping every other byte of the file,
//! and replace the file atomically (temporary file + rename).

use super::hash::{loc_hash, Algorithm};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::Date;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What was written.
#[derive(Debug)]
pub struct Marked {
    /// The translation, relative to the site root.
    pub file: String,
    pub hash: String,
    pub date: String,
    /// The hash recorded before (if any).
    pub previous: Option<String>,
    /// The source commit written to `ms.sourcegitcommit`: the commit the
    /// source file is as checked (git, source file committed); `None` leaves
    /// the key as it was.
    pub commit: Option<String>,
}

/// Today's date in UTC.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

/// Finds the translation `path` names: as given (relative to the working
/// directory), else relative to the site root. Returns its locale index,
/// its path inside the locale tree, and the file.
fn locate(config: &Config, path: &Path) -> Result<(usize, String, PathBuf), Diagnostic> {
    let shown = path.display().to_string();
    let file = [path.to_path_buf(), config.site_root.join(path)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Diagnostic::error("mark-current", &shown, "no such file")
                .help("name a translated article, e.g. articles/nl-nl/guide/setup.md")
        })?;
    let abs = file
        .canonicalize()
        .map_err(|e| Diagnostic::error("mark-current", &shown, e.to_string()))?;
    for (li, locale) in config.locales.iter().enumerate() {
        let Ok(root) = locale.root.canonicalize() else {
            continue;
        };
        if let Ok(rel) = abs.strip_prefix(&root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if li == 0 {
                return Err(Diagnostic::error(
                    "mark-current",
                    &shown,
                    format!(
                        "this is a source article ({}); only translations are marked",
                        locale.code
                    ),
                )
                .help("name the translation, e.g. the same path under another locale's folder"));
            }
            return Ok((li, rel, abs));
        }
    }
    Err(Diagnostic::error(
        "mark-current",
        &shown,
        "this file is in none of the locale folders of polydoc.toml",
    ))
}

/// Marks one translation current as of `date`.
pub fn mark_current(config: &Config, path: &Path, date: Date) -> Result<Marked, Diagnostic> {
    let (li, rel, abs) = locate(config, path)?;
    let site_root = config
        .site_root
        .canonicalize()
        .unwrap_or_else(|_| config.site_root.clone());
    let display = crate::discover::display_path(&site_root, &abs);
    let err = |msg: String| Diagnostic::error("mark-current", &display, msg);
    if !rel.to_ascii_lowercase().ends_with(".md") {
        return Err(err("not a Markdown article".into()));
    }
    let source = config.locales[0].root.join(&rel);
    let source_bytes = std::fs::read(&source).map_err(|e| {
        err(format!(
            "no source article to compare with: cannot read {} ({e})",
            crate::discover::display_path(
                &site_root,
                &config.locales[0]
                    .root
                    .canonicalize()
                    .unwrap_or_else(|_| config.locales[0].root.clone())
                    .join(&rel)
            )
        ))
    })?;
    let bytes = std::fs::read(&abs).map_err(|e| err(format!("cannot read: {e}")))?;
    let fm = front_matter_lines(&bytes).ok_or_else(|| {
        err(format!(
            "no YAML front matter (a `---` block at the top) in this {} translation",
            config.locales[li].code
        ))
        .help("add the front matter first; ms.openlocfilehash lives there")
    })?;
    let previous = find_key(&bytes, &fm, "ms.openlocfilehash").map(|(_, s, e)| unquote(&bytes[s..e]));
    let alg = previous.as_deref().and_then(Algorithm::of).unwrap_or(Algorithm::Sha1);
    let hash = loc_hash(&source_bytes, alg);
    let date_text = format!("{:02}/{:02}/{:04}", date.month, date.day, date.year);
    let commit = super::git::Repo::open(&config.locales[0].root).and_then(|r| r.clean_head(&source));
    let mut keys = vec![
        ("ms.openlocfilehash", hash.as_str()),
        ("ms.lasthandoff", date_text.as_str()),
    ];
    if let Some(c) = &commit {
        keys.push(("ms.sourcegitcommit", c));
    }
    let out = rewrite(&bytes, &fm, &keys);
    write_atomically(&abs, &out).map_err(|e| err(format!("cannot write: {e}; the file is unchanged")))?;
    Ok(Marked {
        file: display,
        hash,
        date: date_text,
        previous,
        commit,
    })
}

/// Byte ranges `[start, end)` of each front matter line (without its line
/// end), and where the closing `---` line starts.
struct FrontMatter {
    lines: Vec<(usize, usize)>,
    close: usize,
    crlf: bool,
}

fn front_matter_lines(b: &[u8]) -> Option<FrontMatter> {
    let start = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut lines = Vec::new();
    let mut pos = start;
    let mut first = true;
    let mut crlf = false;
    while pos < b.len() {
        let nl = b[pos..].iter().position(|&c| c == b'\n').map(|i| pos + i);
        let end_incl = nl.unwrap_or(b.len());
        let end = if end_incl > pos && b[end_incl - 1] == b'\r' {
            end_incl - 1
        } else {
            end_incl
        };
        let line = &b[pos..end];
        let trimmed = trim_end(line);
        if first {
            if trimmed != b"---" {
                return None;
            }
            crlf = end != end_incl;
            first = false;
        } else if trimmed == b"---" || trimmed == b"..." {
            return Some(FrontMatter {
                lines,
                close: pos,
                crlf,
            });
        } else {
            lines.push((pos, end));
        }
        match nl {
            Some(i) => pos = i + 1,
            None => break,
        }
    }
    None
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &s[..n]
}

/// A top-level `key: value` line (key matched ignoring case, maybe quoted):
/// (line index, value start, value end), the value without surrounding
/// spaces or a trailing comment.
fn find_key(b: &[u8], fm: &FrontMatter, key: &str) -> Option<(usize, usize, usize)> {
    find_keys(b, fm, key).into_iter().last()
}

fn find_keys(b: &[u8], fm: &FrontMatter, key: &str) -> Vec<(usize, usize, usize)> {
    let mut found = Vec::new();
    for (i, &(s, e)) in fm.lines.iter().enumerate() {
        let line = &b[s..e];
        let (k_start, quote) = match line.first() {
            Some(&q @ (b'"' | b'\'')) => (1, Some(q)),
            _ => (0, None),
        };
        let k_end = k_start + key.len();
        if line.len() < k_end || !line[k_start..k_end].eq_ignore_ascii_case(key.as_bytes()) {
            continue;
        }
        let mut p = k_end;
        if let Some(q) = quote {
            if line.get(p) != Some(&q) {
                continue;
            }
            p += 1;
        }
        if line.get(p) != Some(&b':') {
            continue;
        }
        p += 1;
        while p < line.len() && (line[p] == b' ' || line[p] == b'\t') {
            p += 1;
        }
        // The value ends before ` #` (a comment) or at the end of the line.
        let mut v_end = line.len();
        match line.get(p) {
            Some(&q @ (b'"' | b'\'')) => {
                if let Some(c) = line[p + 1..].iter().position(|&b| b == q) {
                    v_end = p + 1 + c + 1;
                }
            }
            _ => {
                if let Some(c) = line.windows(2).skip(p).position(|w| w == b" #") {
                    v_end = p + c;
                }
            }
        }
        let v_end = p + trim_end(&line[p..v_end]).len();
        found.push((i, s + p, s + v_end.max(p)));
    }
    found
}

fn unquote(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    let s = s.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s);
    s.to_string()
}

/// Replaces the value of each key (keeping its quotes), or adds `key: value`
/// before the closing `---` when the key is absent.
fn rewrite(b: &[u8], fm: &FrontMatter, values: &[(&str, &str)]) -> Vec<u8> {
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let mut added = Vec::new();
    for (key, value) in values {
        let found = find_keys(b, fm, key);
        if found.is_empty() {
            added.extend_from_slice(format!("{key}: {value}").as_bytes());
            added.extend_from_slice(if fm.crlf { b"\r\n" } else { b"\n" });
            continue;
        }
        for (_, s, e) in found {
            let old = &b[s..e];
            let new = match old.first() {
                Some(&q @ (b'"' | b'\'')) if old.len() >= 2 && old.last() == Some(&q) => {
                    let mut v = vec![q];
                    v.extend_from_slice(value.as_bytes());
                    v.push(q);
                    v
                }
                _ => value.as_bytes().to_vec(),
            };
            edits.push((s, e, new));
        }
    }
    if !added.is_empty() {
        edits.push((fm.close, fm.close, added));
    }
    edits.sort_by_key(|e| e.0);
    let mut out = Vec::with_capacity(b.len() + 64);
    let mut pos = 0;
    for (s, e, new) in edits {
        out.extend_from_slice(&b[pos..s]);
        out.extend_from_slice(&new);
        pos = e;
    }
    out.extend_from_slice(&b[pos..]);
    out
}

/// Writes `bytes` to a temporary file beside `path` (same permissions),
/// flushes it to disk and renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.polydoc-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0).iso(), "1970-01-01");
        assert_eq!(civil_from_days(19_723).iso(), "2024-01-01");
        assert_eq!(civil_from_days(19_782).iso(), "2024-02-29");
        assert_eq!(civil_from_days(-1).iso(), "1969-12-31");
    }

    #[test]
    fn rewrites_only_the_values() {
        let text = b"---\r\ntitle: a # b\r\nMS.openlocfilehash: \"0000\"   # old\r\nms.lasthandoff: 01/02/2020\r\n---\r\nbody\n";
        let fm = front_matter_lines(text).unwrap();
        let out = rewrite(
            text,
            &fm,
            &[("ms.openlocfilehash", "abc"), ("ms.lasthandoff", "03/04/2025")],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "---\r\ntitle: a # b\r\nMS.openlocfilehash: \"abc\"   # old\r\nms.lasthandoff: 03/04/2025\r\n---\r\nbody\n"
        );
        let text = b"---\ntitle: a\n---\n";
        let fm = front_matter_lines(text).unwrap();
        let out = rewrite(
            text,
            &fm,
            &[("ms.openlocfilehash", "abc"), ("ms.lasthandoff", "03/04/2025")],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "---\ntitle: a\nms.openlocfilehash: abc\nms.lasthandoff: 03/04/2025\n---\n"
        );
        assert!(front_matter_lines(b"# no front matter\n").is_none());
    }
}
