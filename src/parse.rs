//! Parse: reads one article (bytes -> UTF-8 -> front matter -> Markdown) into
//! an `Article`. Runs in parallel, once per file; everything here is
//! independent of every other file.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::discover::SourceFile;
use crate::docfx_json::DocfxProject;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::{self, Rendered};
use std::path::PathBuf;

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Article {
    pub locale: usize,
    /// Path inside the locale tree (`sspr/policy.md`).
    pub rel: String,
    /// Path for messages, relative to the site root.
    pub display: String,
    /// Not stored by the build cache (the site may be elsewhere next time).
    #[serde(skip)]
    pub abs: PathBuf,
    pub fm: FrontMatter,
    pub title: String,
    pub md: Rendered,
    /// Where `md.html` went when a build spilled it (`bodies`): read it
    /// with `Bodies::html`. (Not stored by the build cache: a build puts
    /// the HTML it reads back from the cache away again.)
    #[serde(skip)]
    pub body: Option<crate::bodies::Span>,
}

/// Reads and parses one article. `None` means the article cannot be
/// published; the diagnostics say why.
pub fn parse_article(
    file: &SourceFile,
    config: &Config,
    project: Option<&DocfxProject>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    // Through the site boundary: serve re-reads edited files by path, and
    // a file may have become a link out of the site since discovery.
    parse_read(file, config, project, config.fence.read(&file.abs), diags)
}

/// `parse_article` for the file's bytes as read (the build cache reads
/// them first, to key on them).
pub fn parse_read(
    file: &SourceFile,
    config: &Config,
    project: Option<&DocfxProject>,
    read: Result<Vec<u8>, crate::fence::Refusal>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let bytes = read
        .map_err(|e| {
            diags.push(
                Diagnostic::error("read", &file.display, format!("cannot read the article: {e}"))
                    .help("check the file's permissions; a symbolic link must stay inside the site"),
            );
        })
        .ok()?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
            let (line, col) = LineIndex::new(prefix).line_col(prefix, valid);
            diags.push(
                Diagnostic::error(
                    "utf8",
                    &file.display,
                    format!(
                        "the article is not valid UTF-8 (byte 0x{:02X} at offset {valid})",
                        bytes[valid]
                    ),
                )
                .at(line, col)
                .help("save the file as UTF-8 (it may be in a legacy code page such as Windows-1252)"),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(text);
    let text = without_controls(text, &file.display, diags);
    parse_text(file, config, project, &text, diags)
}

/// Control characters (NUL and the rest of C0 but tab and line ends, and
/// DEL) have no place in an article, and some are polydoc's own markers:
/// each becomes a space (so positions hold), with one warning at the first.
pub fn without_controls(text: String, display: &str, diags: &mut Vec<Diagnostic>) -> String {
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F;
    let Some(first) = text.bytes().position(is_control) else {
        return text;
    };
    let count = text.bytes().filter(|&b| is_control(b)).count();
    let (line, col) = LineIndex::new(&text).line_col(&text, first);
    diags.push(
        Diagnostic::warning(
            "control-char",
            display,
            format!(
                "control character U+{:04X} in the text ({count} in the file); written as a space",
                text.as_bytes()[first]
            ),
        )
        .at(line, col)
        .help("remove it: it is invisible in editors and not allowed in HTML"),
    );
    let mut bytes = text.into_bytes();
    for b in bytes.iter_mut().filter(|b| is_control(**b)) {
        *b = b' ';
    }
    String::from_utf8(bytes).unwrap_or_default()
}

pub fn parse_text(
    file: &SourceFile,
    config: &Config,
    project: Option<&DocfxProject>,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let lines = LineIndex::new(text);
    let split = frontmatter::split(text);
    if split.yaml.is_none() {
        if let Some(d) = frontmatter::unclosed(text, &file.display) {
            diags.push(d);
            return None;
        }
    }
    let fm = match split.yaml {
        Some(yaml) => frontmatter::parse(yaml, split.yaml_line, &file.display, diags)
            .map_err(|d| diags.push(d))
            .ok()?,
        None => FrontMatter::default(),
    };
    let mut fm = fm;
    if let Some(meta) = project.and_then(|p| p.metadata(config, file).map(|m| (p, m))) {
        let (p, m) = meta;
        let yaml = serde_yaml::to_string(&m).unwrap_or_default();
        if let Ok(extra) = frontmatter::parse(&yaml, 1, &p.display, diags) {
            fm.fill_from(extra);
        }
    }
    let env = markdown::docfx::Env {
        site_root: &config.site_root,
        locale_root: &config.locales[file.locale].root,
        source_root: (file.locale != 0).then(|| config.locales[0].root.as_path()),
        fence: &config.fence,
        trust_html: config.markdown.trust_html,
    };
    let _ = &lines;
    // Readers never see the source text segment-aligned translations carry:
    // it is blanked (same length, so positions hold) before rendering.
    let reader = crate::l10n::segments::reader_text(text, split.body_offset);
    let mut md = markdown::render_file(
        Some(env),
        &file.abs,
        &file.display,
        &file.rel,
        &reader,
        split.body_offset,
    );
    if let std::borrow::Cow::Owned(_) = reader {
        crate::l10n::segments::remove_fillers(&mut md);
    }
    diags.append(&mut md.diags);
    // What the article keeps for the whole build, without the room its
    // lists grew into (up to half of each, for every article).
    md.diags = Vec::new();
    md.headings.shrink_to_fit();
    md.other_ids.shrink_to_fit();
    md.links.shrink_to_fit();
    md.shortcuts.shrink_to_fit();
    let title = match (&fm.title, &md.h1) {
        (Some(t), _) if !t.trim().is_empty() => t.clone(),
        (_, Some(h1)) => {
            diags.push(
                Diagnostic::warning(
                    "title",
                    &file.display,
                    format!("no `title` in front matter; using the first heading \"{h1}\""),
                )
                .at(1, 1)
                .help("add `title:` to the front matter; it is the page's <title> and search result name"),
            );
            h1.clone()
        }
        _ => {
            let stem = file
                .rel
                .rsplit('/')
                .next()
                .unwrap_or(&file.rel)
                .trim_end_matches(".md")
                .to_string();
            diags.push(
                Diagnostic::warning(
                    "title",
                    &file.display,
                    format!("no `title` in front matter and no `#` heading; using the file name \"{stem}\""),
                )
                .at(1, 1)
                .help("add `title:` to the front matter"),
            );
            stem
        }
    };
    // Every article is held until its pages are written: no spare capacity
    // (a growing HTML string keeps up to half its bytes unused).
    md.html.shrink_to_fit();
    md.links.shrink_to_fit();
    md.headings.shrink_to_fit();
    Some(Article {
        locale: file.locale,
        rel: file.rel.clone(),
        display: file.display.clone(),
        abs: file.abs.clone(),
        fm,
        title,
        md,
        body: None,
    })
}
