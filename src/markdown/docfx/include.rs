//! `[!INCLUDE [title](path)]`, as a block (its own line) or inline. The path
//! is relative to the including file (`~/` is the locale root). A
//! translation without the included file uses the source locale's. The
//! included file goes through the whole DocFX process itself, so its links
//! resolve relative to it and its diagnostics point into it.

use super::prepare::{Directive, Kind};
use super::{Doc, Ev, MAX_INCLUDED_BYTES, MAX_INCLUDE_DEPTH};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::path::{Path, PathBuf};

pub enum Resolved {
    Found {
        abs: PathBuf,
        rel: String,
    },
    /// The path climbs out of the site (the path as written, made absolute).
    Outside(PathBuf),
    Missing(PathBuf),
}

pub use crate::discover::normalize;

/// `target` relative to `base` as a `/` path (with `..` where needed).
pub fn rel_path(base: &Path, target: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// Finds the file `target` names, written in file `from`.
pub fn resolve(doc: &Doc, from: usize, target: &str) -> Resolved {
    let target = percent_encoding::percent_decode_str(target.trim())
        .decode_utf8_lossy()
        .replace('\\', "/");
    let target = target.split(['#', '?']).next().unwrap_or("").to_string();
    let Some(env) = doc.env else {
        return Resolved::Missing(PathBuf::from(target));
    };
    let f = &doc.files[from];
    let absolute = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let (locale_root, site_root) = (absolute(env.locale_root), absolute(env.site_root));
    let joined = match target.strip_prefix("~/") {
        Some(t) => locale_root.join(t),
        None if target.starts_with('/') => locale_root.join(target.trim_start_matches('/')),
        None => absolute(&f.abs).parent().unwrap_or(Path::new("")).join(&target),
    };
    let abs = normalize(&joined);
    let allowed = |p: &Path| p.starts_with(&locale_root) || p.starts_with(&site_root);
    if !allowed(&abs) {
        return Resolved::Outside(abs);
    }
    let root = locale_root.clone();
    if crate::fence::is_file(&abs) {
        // The path as written is inside; its real path must be too.
        if env.fence.admit(&abs).is_err() {
            return Resolved::Outside(abs);
        }
        return Resolved::Found {
            rel: rel_path(&root, &abs),
            abs,
        };
    }
    // Not translated: the source locale's file at the same place.
    if let Some(src) = env.source_root {
        if abs.starts_with(&root) {
            let rel = rel_path(&root, &abs);
            let src = absolute(src);
            let alt = normalize(&src.join(&rel));
            if crate::fence::is_file(&alt) && (alt.starts_with(&src) || alt.starts_with(&site_root)) {
                if env.fence.admit(&alt).is_err() {
                    return Resolved::Outside(alt);
                }
                return Resolved::Found { abs: alt, rel };
            }
        }
    }
    Resolved::Missing(abs)
}

/// Reads a file `resolve` found, through the site boundary (real paths).
pub fn read(doc: &Doc, abs: &Path) -> std::io::Result<Vec<u8>> {
    match doc.env {
        Some(env) => env.fence.read(abs).map_err(|r| match r {
            crate::fence::Refusal::Io(e) => e,
            outside => std::io::Error::new(std::io::ErrorKind::PermissionDenied, outside.to_string()),
        }),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no site to read from",
        )),
    }
}

/// A path for messages: relative to the site folder when inside it.
fn show(doc: &Doc, abs: &Path) -> String {
    match doc.env {
        Some(e) => {
            let root = normalize(&std::path::absolute(e.site_root).unwrap_or_else(|_| e.site_root.to_path_buf()));
            crate::discover::display_path(&root, abs)
        }
        None => abs.display().to_string(),
    }
}

/// Loads the included file's events, or reports why it cannot be.
fn load(doc: &mut Doc, file: usize, d: &Directive) -> Option<Vec<Ev>> {
    let Kind::Include { path, path_off } = &d.kind else {
        return None;
    };
    let (abs, rel) = match resolve(doc, file, path) {
        Resolved::Found { abs, rel } => (abs, rel),
        Resolved::Outside(_) => {
            doc.error(
                file,
                *path_off,
                "include-outside",
                format!("include `{path}` leaves the site: its real path (symbolic links resolved) is outside the site folder and the locale folders"),
                "included files must be inside the locale folder or the site folder; copy the file into the site",
            );
            return None;
        }
        Resolved::Missing(abs) => {
            let shown = show(doc, &abs);
            doc.error(
                file,
                *path_off,
                "include-missing",
                format!("included file `{path}` does not exist (looked for {shown})"),
                "the path is relative to the file that has the [!INCLUDE]",
            );
            return None;
        }
    };
    if let Some(k) = doc.stack.iter().position(|&f| doc.files[f].abs == abs) {
        // The whole chain from the article, ending where it closes.
        let mut chain: Vec<String> = doc.stack.iter().map(|&f| doc.files[f].display.clone()).collect();
        chain.push(doc.files[doc.stack[k]].display.clone());
        doc.error(
            file,
            *path_off,
            "include-cycle",
            format!("include cycle: {}", chain.join(" -> ")),
            "an included file must not include itself, directly or through others",
        );
        return None;
    }
    if doc.stack.len() > MAX_INCLUDE_DEPTH {
        doc.error(
            file,
            *path_off,
            "include-depth",
            format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
            "",
        );
        return None;
    }
    // Each file is expanded once per page; a repeat reuses its events (and
    // its diagnostics are not repeated). Expansions that numbered tab groups
    // or image descriptions are not reused: their IDs must stay unique.
    if let Some((evs, size)) = doc.include_cache.get(&abs) {
        let (evs, size) = (evs.clone(), *size);
        return charge(doc, file, d, size).then_some(evs);
    }
    let bytes = match read(doc, &abs) {
        Ok(b) => b,
        Err(e) => {
            doc.error(
                file,
                *path_off,
                "include-missing",
                format!("cannot read `{path}`: {e}"),
                "",
            );
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        doc.error(
            file,
            *path_off,
            "include-utf8",
            format!("included file `{path}` is not valid UTF-8"),
            "save it as UTF-8",
        );
        return None;
    };
    let text = text.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(text);
    let display = show(doc, &abs);
    // As in articles: control characters (some are polydoc's own markers) become spaces.
    let text = crate::parse::without_controls(text, &display, &mut doc.diags);
    // Learn's include files often carry front matter: it is not content.
    let start = crate::frontmatter::split(&text).body_offset;
    if !charge(doc, file, d, text.len()) {
        return None;
    }
    let before = (doc.included_bytes - text.len(), doc.tab_groups, doc.descriptions);
    let evs = doc.load(abs.clone(), display, rel, text, start);
    if (doc.tab_groups, doc.descriptions) == (before.1, before.2) {
        let size = doc.included_bytes - before.0;
        doc.include_cache.insert(abs, (evs.clone(), size));
    }
    Some(evs)
}

/// Counts `size` included bytes against the page's limit; past it, an
/// error at the include that crosses it.
fn charge(doc: &mut Doc, file: usize, d: &Directive, size: usize) -> bool {
    let Kind::Include { path, path_off } = &d.kind else {
        return false;
    };
    if doc.included_bytes + size > MAX_INCLUDED_BYTES {
        doc.error(
            file,
            *path_off,
            "include-too-large",
            format!(
                "including `{path}` here makes the page's Markdown larger than {} MiB; it is not included",
                MAX_INCLUDED_BYTES >> 20
            ),
            "includes repeat too often (an include that includes others many times, over several levels)",
        );
        return false;
    }
    doc.included_bytes += size;
    true
}

pub fn block(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>) {
    match load(doc, file, d) {
        Some(evs) => out.extend(evs),
        None => doc.as_text_quiet(file, d, out),
    }
}

/// An inline include: the included file's paragraphs, unwrapped.
pub fn inline(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>) {
    let Some(evs) = load(doc, file, d) else {
        doc.inline_text_quiet(file, d, out);
        return;
    };
    let mut depth = 0usize;
    let mut first = true;
    // Trailing blanks of an inline include are a typo more often than not.
    let last_text = evs.iter().rposition(|e| matches!(e.e, Event::Text(_)));
    for (k, ev) in evs.into_iter().enumerate() {
        match &ev.e {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                if !first {
                    out.push(Ev {
                        e: Event::SoftBreak,
                        ..ev.clone()
                    });
                }
                first = false;
                continue;
            }
            Event::End(TagEnd::Paragraph) if depth == 0 => continue,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if Some(k) == last_text {
            if let Event::Text(t) = &ev.e {
                out.push(Ev {
                    e: Event::Text(t.trim_end().to_string().into()),
                    ..ev
                });
                continue;
            }
        }
        out.push(ev);
    }
}
