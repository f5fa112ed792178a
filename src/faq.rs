//! `### YamlMime:FAQ` pages: a title, a Markdown summary, and sections of
//! questions with Markdown answers. The page is written as one Markdown
//! document (`# title`, summary, `## section`, `### question`, answer) and
//! rendered like an article, so headings get Learn's IDs (a question's is
//! Learn's FAQ rules, `question_ids`), links are checked
//! and DocFX extensions work in answers; every position is mapped back to
//! the line of the YAML file it was written on.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown;
use crate::parse::Article;
use serde_yaml::Value;

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim_end().to_string()
}

fn list<'v>(v: &'v Value, k: &str) -> &'v [Value] {
    v.get(k).and_then(|x| x.as_sequence()).map_or(&[], |x| x.as_slice())
}

/// Where the values of the YAML file start, key by key in file order.
struct Finder<'t> {
    lines: Vec<&'t str>,
    next: usize,
}

impl<'t> Finder<'t> {
    /// The first line at or after the last one found with `key:`: (line
    /// index of the value's first line, its column, 0-based).
    fn find(&mut self, key: &str) -> Option<(usize, usize)> {
        for i in self.next..self.lines.len() {
            let l = self.lines[i];
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let Some(after) = t.strip_prefix(key).and_then(|a| a.strip_prefix(':')) else {
                continue;
            };
            self.next = i + 1;
            let value = after.trim();
            if value.starts_with('|') || value.starts_with('>') || value.is_empty() {
                // A block: its lines follow, indented.
                let first = (i + 1..self.lines.len()).find(|&j| !self.lines[j].trim().is_empty())?;
                let indent = self.lines[first].len() - self.lines[first].trim_start().len();
                return Some((first, indent));
            }
            let col = l.len() - after.len() + (after.len() - after.trim_start().len());
            let quoted = value.starts_with('"') || value.starts_with('\'');
            return Some((i, col + quoted as usize));
        }
        None
    }
}

/// The Markdown being built, with each of its lines' place in the YAML.
#[derive(Default)]
struct Doc {
    md: String,
    /// Per Markdown line: (YAML line, 1-based; columns to add).
    map: Vec<(usize, usize)>,
}

impl Doc {
    fn push(&mut self, text: &str, at: Option<(usize, usize)>, prefix: &str) {
        for (k, line) in text.lines().enumerate() {
            let (yl, col) = at.map_or((1, 0), |(l, c)| (l + k + 1, c));
            self.map.push((yl, col.saturating_sub(prefix.len())));
            self.md.push_str(prefix);
            self.md.push_str(line);
            self.md.push('\n');
        }
        self.map.push((at.map_or(1, |(l, _)| l + 1), 0));
        self.md.push('\n');
    }
}

/// A question's IDs, the heading's first: letters and digits lower-cased,
/// every other character a `-`, none at either end (`Is Relay.Client
/// free, too?` -> `is-relay-client-free--too`), then the other forms
/// Learn's FAQ pages have given the same question over the years, as
/// links copied from them show: a `.` dropped rather than made a `-`
/// ("...published to NuGet.org?" is `#...published-to-nugetorg`), and a
/// `-` kept at the end for closing punctuation ("...for App Service?" is
/// `#...for-app-service-`). A link to any of them finds the question.
fn question_ids(q: &str) -> Vec<String> {
    let id = |dot: Option<char>| -> String {
        q.chars()
            .filter_map(|c| match c {
                '.' => dot,
                c if c.is_alphanumeric() => Some(c.to_lowercase().next().unwrap_or(c)),
                _ => Some('-'),
            })
            .collect()
    };
    let mut ids: Vec<String> = Vec::with_capacity(4);
    for raw in [id(Some('-')), id(None)] {
        let trimmed = raw.trim_matches('-').to_string();
        let ended = raw.trim_start_matches('-').to_string();
        for v in [trimmed, ended] {
            if !v.is_empty() && !ids.contains(&v) {
                ids.push(v);
            }
        }
    }
    ids
}

pub fn render(
    config: &Config,
    f: &SourceFile,
    text: &str,
    doc: &Value,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let mut fm = FrontMatter::default();
    if let Some(meta) = doc.get("metadata").filter(|m| m.is_mapping()) {
        let yaml = serde_yaml::to_string(meta).unwrap_or_default();
        if let Ok(m) = frontmatter::parse(&yaml, 1, &f.display, diags) {
            fm = m;
        }
    }
    let mut find = Finder {
        lines: text.lines().collect(),
        next: 0,
    };
    let title = match s(doc, "title") {
        t if !t.trim().is_empty() => t.trim().to_string(),
        _ => fm.title.clone().unwrap_or_default(),
    };
    let mut out = Doc::default();
    // The front matter's lines: a title for the page.
    let title_at = if doc.get("title").is_some() {
        find.find("title")
    } else {
        None
    };
    out.push(&title, title_at, "# ");
    let summary = s(doc, "summary");
    if !summary.is_empty() {
        let at = find.find("summary");
        out.push(&summary, at, "");
    }
    let sections = list(doc, "sections");
    if sections.is_empty() {
        diags.push(
            Diagnostic::warning("faq", &f.display, "the FAQ page has no `sections`")
                .at(1, 1)
                .help("add sections: with a name and questions (question, answer)"),
        );
    }
    for sec in sections {
        let name = s(sec, "name");
        if !name.is_empty() {
            let at = find.find("name");
            // A section's ID is its heading's; a name with a `.` is also
            // found by the ID that keeps it, as links copied from Learn's
            // FAQ pages have it (`#nuget.org-account-management`).
            let (slug, dotted) = (
                crate::markdown::slug::slug(name.trim()),
                crate::markdown::slug::slug_keeping(name.trim(), Some('.')),
            );
            let prefix = if dotted != slug {
                format!("## <a name=\"{slug}\"></a><a name=\"{dotted}\"></a>")
            } else {
                "## ".to_string()
            };
            out.push(name.trim(), at, &prefix);
        }
        for q in list(sec, "questions") {
            let question = s(q, "question");
            let at = find.find("question");
            let anchor: String = question_ids(question.trim())
                .iter()
                .fold("### ".to_string(), |a, id| a + &format!("<a name=\"{id}\"></a>"));
            out.push(question.trim(), at, &anchor);
            let answer = s(q, "answer");
            if answer.is_empty() {
                let (line, _) = at.unwrap_or((0, 0));
                diags.push(
                    Diagnostic::warning(
                        "faq",
                        &f.display,
                        format!("question \"{}\" has no answer", question.trim()),
                    )
                    .at(line + 1, 1),
                );
            } else {
                let at = find.find("answer");
                out.push(&answer, at, "");
            }
        }
    }
    if title.is_empty() {
        diags.push(
            Diagnostic::warning("title", &f.display, "the FAQ page has no `title`")
                .at(1, 1)
                .help("add `title:` at the top level"),
        );
    }
    if fm.description.is_none() && !summary.is_empty() {
        fm.description = Some(summary.lines().next().unwrap_or("").to_string());
    }
    let env = markdown::docfx::Env {
        site_root: &config.site_root,
        locale_root: &config.locales[f.locale].root,
        source_root: (f.locale != 0).then(|| config.locales[0].root.as_path()),
        fence: &config.fence,
        trust_html: config.markdown.trust_html,
    };
    let mut md = markdown::render_file(Some(env), &f.abs, &f.display, &f.rel, &out.md, 0);
    // Back to the YAML file's lines.
    let map = |line: usize, column: usize| -> (usize, usize) {
        match out.map.get(line.saturating_sub(1)) {
            Some(&(l, c)) => (l, column + c),
            None => (line, column),
        }
    };
    for l in md.links.iter_mut().filter(|l| l.origin.is_none()) {
        (l.line, l.column) = map(l.line, l.column);
    }
    for h in &mut md.headings {
        h.line = map(h.line, 1).0;
    }
    for d in md.diags.iter_mut().filter(|d| d.file == f.display) {
        (d.line, d.column) = map(d.line, d.column);
    }
    diags.append(&mut md.diags);
    Some(Article {
        locale: f.locale,
        rel: f.rel.clone(),
        display: f.display.clone(),
        abs: f.abs.clone(),
        title: fm.title.clone().filter(|t| !t.is_empty()).unwrap_or(title),
        fm,
        md,
        body: None,
    })
}
