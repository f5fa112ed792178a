//! Review findings: what a reviewer must look at in each aligned section of
//! a translation, with `file:line:column`. Severity per finding comes from
//! `[l10n.severity]` in polydoc.toml; by default every finding is a warning,
//! shown on the review pages and by `polydoc check --l10n`, and none fails a
//! build. A finding set to `error` is reported by every build and check.

use super::align::Pair;
use super::sections::{Block, Section};
use super::segments::Segment;
use super::tokens::{
    normalize_href, numbers, placeholders, plain, shorten, translatable_words, without_code, written_as_word,
};
use crate::config::L10nSettings;
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::Resolver;
use crate::parse::Article;
use crate::site::Page;
use std::collections::BTreeSet;

/// Every finding polydoc makes, with what it means (for `[l10n.severity]`).
pub const KINDS: [(&str, &str); 16] = [
    ("l10n-stale", "the source changed after the translation was handed off"),
    ("l10n-section", "a section present in one side only"),
    ("l10n-moved", "a section at another place than in the source"),
    (
        "l10n-identifier",
        "an identifier or app name of the source mangled (spaces, escapes)",
    ),
    ("l10n-empty-link", "a link without text"),
    ("l10n-anchor", "a translated heading's anchor differs from the source's"),
    ("l10n-link-target", "a link goes somewhere else than the source's"),
    ("l10n-link-count", "a different number of links than the source section"),
    (
        "l10n-image-count",
        "a different number of images than the source section",
    ),
    ("l10n-code", "a code block differs from the source's"),
    ("l10n-number", "a number of the source is missing"),
    ("l10n-placeholder", "a placeholder ({0}, %s) of the source is missing"),
    ("l10n-ui-path", "a UI path (A > B > C) of the source is missing"),
    ("l10n-glued-link", "a word glued to a link's closing parenthesis"),
    ("l10n-space-punctuation", "a space before punctuation"),
    ("l10n-untranslated", "a paragraph identical to the source"),
];

/// One finding in a translation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: &'static str,
    /// The translation's file.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Index of the aligned section pair it belongs to (`usize::MAX`: the
    /// whole article).
    #[serde(skip)]
    pub pair: usize,
}

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::warning(self.code, &self.file, &self.message).at(self.line, self.column);
        if self.severity == "error" {
            d.severity = Severity::Error;
        }
        if let Some(h) = &self.help {
            d = d.help(h);
        }
        d
    }
}

/// The configured severity of a finding: `error`, `warning` or `off`.
pub fn severity(settings: &L10nSettings, code: &str) -> &'static str {
    let short = code.strip_prefix("l10n-").unwrap_or(code);
    match settings
        .severity
        .get(code)
        .or_else(|| settings.severity.get(short))
        .map(String::as_str)
    {
        Some("error") => "error",
        Some("off") => "off",
        _ => "warning",
    }
}

/// `[l10n.severity]` names that are no finding.
pub fn unknown_names(settings: &L10nSettings) -> Vec<String> {
    settings
        .severity
        .keys()
        .filter(|k| {
            let full = if k.starts_with("l10n-") {
                k.to_string()
            } else {
                format!("l10n-{k}")
            };
            !KINDS.iter().any(|(c, _)| *c == full)
        })
        .cloned()
        .collect()
}

/// What the checks of one translation need.
pub struct Input<'a> {
    pub settings: &'a L10nSettings,
    pub resolver: &'a Resolver<'a>,
    /// The translation's published page (links of both sides resolve on it).
    pub page: &'a Page,
    pub source: &'a Article,
    /// The source file as messages name it: `<locale>/<path>`, never a
    /// build machine's path (messages are published on review pages).
    pub source_name: &'a str,
    pub translation: &'a Article,
    pub source_sections: &'a [Section],
    pub translation_sections: &'a [Section],
    pub pairs: &'a [Pair],
}

struct Out<'a> {
    settings: &'a L10nSettings,
    /// The translation's locale code (`de-de`).
    lang: &'a str,
    file: &'a str,
    findings: Vec<Finding>,
}

impl Out<'_> {
    fn add(
        &mut self,
        code: &'static str,
        pair: usize,
        (line, column): (usize, usize),
        message: String,
        help: Option<String>,
    ) {
        let severity = severity(self.settings, code);
        if severity == "off" {
            return;
        }
        self.findings.push(Finding {
            code,
            severity,
            file: self.file.to_string(),
            line,
            column,
            message,
            help,
            pair,
        });
    }
}

/// The findings of one translation, in section order.
pub fn check(input: &Input, file: &str, stale: Option<(usize, String)>) -> Vec<Finding> {
    let mut out = Out {
        settings: input.settings,
        lang: &input.resolver.config.locales[input.translation.locale].code,
        file,
        findings: Vec::new(),
    };
    if let Some((line, reason)) = stale {
        out.add(
            "l10n-stale",
            usize::MAX,
            (line.max(1), 1),
            format!("stale translation: {reason}"),
            Some(format!(
                "update the translation, then run `polydoc l10n mark-current {file}`"
            )),
        );
    }
    // A YAML page's sections are made from its fields: their lines are no
    // places in the file, and its text is no prose to compare.
    if input.translation.rel.to_ascii_lowercase().ends_with(".yml") {
        return out.findings;
    }
    let src_secs = input.source_sections;
    let tr_secs = input.translation_sections;
    let mut last_tr_line = 1;
    // A section in one side only on both sides, under one ID: it moved.
    let moved_to = |si: usize| {
        input
            .pairs
            .iter()
            .enumerate()
            .find_map(|(pj, q)| match (q.source, q.translation) {
                (None, Some(ti)) if !src_secs[si].id.is_empty() && tr_secs[ti].id == src_secs[si].id => Some((pj, ti)),
                _ => None,
            })
    };
    let moved_from: std::collections::HashSet<usize> = input
        .pairs
        .iter()
        .filter_map(|p| match (p.source, p.translation) {
            (Some(si), None) => moved_to(si).map(|(pj, _)| pj),
            _ => None,
        })
        .collect();
    for (pi, p) in input.pairs.iter().enumerate() {
        match (p.source, p.translation) {
            (Some(si), None) if moved_to(si).is_some() => {
                let (pj, ti) = moved_to(si).expect("checked");
                let (s, t) = (&src_secs[si], &tr_secs[ti]);
                out.add(
                    "l10n-moved",
                    pj,
                    (t.line.max(1), 1),
                    format!(
                        "section `#{}` (\"{}\") is at another place than in the source ({}:{})",
                        t.id, t.title, input.source_name, s.line
                    ),
                    Some("move it where the source has it".into()),
                );
                compare(input, &mut out, pj, s, t);
            }
            (None, Some(_)) if moved_from.contains(&pi) => {}
            (Some(si), None) => {
                let s = &src_secs[si];
                out.add(
                    "l10n-section",
                    pi,
                    (last_tr_line, 1),
                    format!(
                        "the source's section `#{}` (\"{}\", {}:{}) has no counterpart in this translation",
                        s.id, s.title, input.source_name, s.line
                    ),
                    Some(format!(
                        "translate it, or keep the source's anchor: `<a name=\"{}\"></a>`",
                        s.id
                    )),
                );
            }
            (None, Some(ti)) => {
                let t = &tr_secs[ti];
                last_tr_line = t.line;
                out.add(
                    "l10n-section",
                    pi,
                    (t.line, 1),
                    format!("section `#{}` (\"{}\") is not in the source", t.id, t.title),
                    None,
                );
            }
            (Some(si), Some(ti)) => {
                let (s, t) = (&src_secs[si], &tr_secs[ti]);
                last_tr_line = t.line.max(1);
                if p.anchor_changed {
                    out.add(
                        "l10n-anchor",
                        pi,
                        (t.line, 1),
                        format!(
                            "heading anchor `#{}` differs from the source's `#{}` ({}:{}): links written against the source miss it",
                            t.id, s.id, input.source_name, s.line
                        ),
                        Some(format!("start the heading with `<a name=\"{}\"></a>`", s.id)),
                    );
                }
                compare(input, &mut out, pi, s, t);
            }
            (None, None) => {}
        }
    }
    out.findings
}

fn compare(input: &Input, out: &mut Out, pi: usize, s: &Section, t: &Section) {
    let tr_line = (t.line.max(1), 1);
    // Links, resolved on the translation's page.
    let resolve =
        |a: &Article, i: usize| normalize_href(&input.resolver.resolve(input.page, &a.md.links[i], false).href);
    let src_links: Vec<String> = s.links.iter().map(|&i| resolve(input.source, i)).collect();
    if s.links.len() != t.links.len() {
        out.add(
            "l10n-link-count",
            pi,
            tr_line,
            format!(
                "{} link(s) here, {} in the source section",
                t.links.len(),
                s.links.len()
            ),
            None,
        );
    }
    let mut pool = src_links.clone();
    let mut unmatched = Vec::new();
    for &i in &t.links {
        let href = resolve(input.translation, i);
        match pool.iter().position(|h| *h == href) {
            Some(k) => {
                pool.remove(k);
            }
            None => unmatched.push((i, href)),
        }
    }
    if !pool.is_empty() {
        for (i, href) in &unmatched {
            let l = &input.translation.md.links[*i];
            out.add(
                "l10n-link-target",
                pi,
                (l.line, l.column),
                format!(
                    "link `{}` (\"{}\") goes to `{href}`; the source section links to {} instead",
                    l.dest,
                    shorten(l.text.trim(), 40),
                    pool.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
                ),
                Some("link to the same page as the source".into()),
            );
        }
    }
    if s.images.len() != t.images.len() {
        out.add(
            "l10n-image-count",
            pi,
            tr_line,
            format!(
                "{} image(s) here, {} in the source section",
                t.images.len(),
                s.images.len()
            ),
            None,
        );
    }
    // Code blocks.
    if s.code.len() != t.code.len() {
        out.add(
            "l10n-code",
            pi,
            tr_line,
            format!(
                "{} code block(s) here, {} in the source section",
                t.code.len(),
                s.code.len()
            ),
            None,
        );
    } else {
        for (a, b) in s.code.iter().zip(&t.code) {
            let la: Vec<&str> = a.code.lines().map(str::trim_end).collect();
            let lb: Vec<&str> = b.code.lines().map(str::trim_end).collect();
            if la != lb {
                let k = la
                    .iter()
                    .zip(&lb)
                    .position(|(x, y)| x != y)
                    .unwrap_or(la.len().min(lb.len()));
                out.add(
                    "l10n-code",
                    pi,
                    (b.line + 1 + k, 1),
                    format!(
                        "code differs from the source's ({}:{}): `{}` here, `{}` in the source",
                        input.source_name,
                        a.line + 1 + k,
                        shorten(lb.get(k).unwrap_or(&""), 60),
                        shorten(la.get(k).unwrap_or(&""), 60)
                    ),
                    Some("translators must not change code; copy the source's block".into()),
                );
            }
        }
    }
    // UI paths: each source path needs one with as many steps.
    let mut steps: Vec<usize> = t.ui_paths.iter().map(|u| u.column).collect();
    for u in &s.ui_paths {
        match steps.iter().position(|&n| n == u.column) {
            Some(k) => {
                steps.remove(k);
            }
            None => out.add(
                "l10n-ui-path",
                pi,
                t.ui_paths.first().map_or(tr_line, |x| (x.line, 1)),
                format!(
                    "the source's UI path `{}` ({} steps) has no counterpart with {} steps here",
                    u.text, u.column, u.column
                ),
                None,
            ),
        }
    }
    // Machine translation's marks around links.
    for g in &t.glued {
        let word: String = g.text.rsplit(')').next().unwrap_or("").to_string();
        out.add(
            "l10n-glued-link",
            pi,
            (g.line, g.column),
            format!(
                "`{}`: the word `{word}` is glued to the link's closing parenthesis",
                g.text
            ),
            Some("put a space after the link, or move the word into the link text".into()),
        );
    }
    for g in &t.glued_before {
        let word: String = g
            .text
            .split('[')
            .next()
            .unwrap_or("")
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        out.add(
            "l10n-glued-link",
            pi,
            (g.line, g.column),
            format!("`{}`: the word `{word}` is glued to the link's opening bracket", g.text),
            Some("put a space before the link, or move the word into the link text".into()),
        );
    }
    if t.empty_links.len() > s.empty_links.len() {
        for e in &t.empty_links {
            out.add(
                "l10n-empty-link",
                pi,
                (e.line, e.column),
                format!("`{}`: the link has no text; readers cannot see or select it", e.text),
                Some("put the words the source links into the brackets".into()),
            );
        }
    }
    mangled_identifiers(input, out, pi, s, t);
    for sp in &t.space_punct {
        let punct = sp.text.trim_end().chars().last().unwrap_or(' ');
        out.add(
            "l10n-space-punctuation",
            pi,
            (sp.line, sp.column),
            format!("space before `{punct}` in `{}`", sp.text.trim_start()),
            Some("remove the space".into()),
        );
    }
    // Numbers, placeholders and untranslated text: per segment where the
    // translation carries its source segments, else per section.
    if !t.segments.is_empty() {
        for seg in &t.segments {
            per_segment(input, out, pi, seg);
        }
        return;
    }
    let src_text: String = s.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
    let tr_text: String = t.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
    missing_tokens(out, pi, tr_line, &src_text, &tr_text);
    for b in &t.blocks {
        if let Some(same) = s.blocks.iter().find(|x| untranslated(input, x, b)) {
            out.add(
                "l10n-untranslated",
                pi,
                (b.line, 1),
                format!(
                    "\"{}\" is the same as the source ({}:{}): left untranslated?",
                    shorten(&b.prose, 60),
                    input.source_name,
                    same.line
                ),
                None,
            );
        }
    }
}

/// Identifiers and app names of the source (`Contoso.Relay_8x2!App`) the
/// translation has only with spaces, escapes or other separators in them:
/// machine translation mangled them.
fn mangled_identifiers(input: &Input, out: &mut Out, pi: usize, s: &Section, t: &Section) {
    let squash = |x: &str| x.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let mut seen = BTreeSet::new();
    for b in &s.blocks {
        for id in b
            .text
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '!'))
            .filter(|w| is_identifier(w))
        {
            if !seen.insert(id.to_string())
                || t.blocks.iter().any(|x| x.text.contains(id))
                || t.code.iter().any(|c| c.code.contains(id))
            {
                continue;
            }
            let key = squash(id);
            if let Some(x) = t.blocks.iter().find(|x| squash(&x.text).contains(&key)) {
                out.add(
                    "l10n-identifier",
                    pi,
                    (x.line, 1),
                    format!(
                        "`{id}` of the source ({}:{}) is mangled here: \"{}\"",
                        input.source_name,
                        b.line,
                        shorten(&x.text, 80)
                    ),
                    Some(format!("write it exactly as the source does: `{id}`")),
                );
            }
        }
    }
}

/// A name machine translation must leave alone: letters and digits joined
/// by `.`, `_` or `!` (at least one of them inside), 8 characters or more,
/// no URL or path.
fn is_identifier(w: &str) -> bool {
    w.chars().count() >= 8
        && !w.contains("://")
        && !w.contains(['/', '\\'])
        && w.chars().any(char::is_alphabetic)
        && w.char_indices().any(|(i, c)| {
            matches!(c, '.' | '_' | '!')
                && i > 0
                && w[..i].chars().next_back().is_some_and(char::is_alphanumeric)
                && w[i + 1..].chars().next().is_some_and(char::is_alphanumeric)
        })
}

fn untranslated(input: &Input, src: &Block, tr: &Block) -> bool {
    let a = without_code(&src.prose);
    let b = without_code(&tr.prose);
    // Bold (UI strings), code, names and directives need no translation.
    // A table cell of a few words is a value (`array of strings`).
    let least = if tr.cell { 4 } else { 3 };
    a.trim() == b.trim() && translatable_words(&tr.loose, &input.settings.product_names) >= least
}

fn missing_tokens(out: &mut Out, pi: usize, at: (usize, usize), src: &str, tr: &str) {
    let have: BTreeSet<String> = numbers(tr).into_iter().map(|(k, _)| k).collect();
    let mut missing: Vec<String> = Vec::new();
    for (k, shown) in numbers(src) {
        // "3" may be written "drei": a number word of the translation's
        // language counts.
        if !have.contains(&k) && !missing.contains(&shown) && !written_as_word(out.lang, &k, tr) {
            missing.push(shown);
        }
    }
    if !missing.is_empty() {
        out.add(
            "l10n-number",
            pi,
            at,
            format!("number(s) of the source missing here: {}", missing.join(", ")),
            None,
        );
    }
    let have = placeholders(tr);
    let missing: Vec<String> = placeholders(src).into_iter().filter(|p| !have.contains(p)).collect();
    if !missing.is_empty() {
        out.add(
            "l10n-placeholder",
            pi,
            at,
            format!("placeholder(s) of the source missing here: {}", missing.join(", ")),
            Some("keep placeholders exactly as the source writes them".into()),
        );
    }
}

fn per_segment(input: &Input, out: &mut Out, pi: usize, seg: &Segment) {
    let at = (seg.line, 1);
    missing_tokens(out, pi, at, &plain(&seg.source), &plain(&seg.translation));
    let a = plain(&without_code(&seg.source));
    let b = plain(&without_code(&seg.translation));
    if a == b && translatable_words(&b, &input.settings.product_names) >= 3 {
        out.add(
            "l10n-untranslated",
            pi,
            at,
            format!(
                "segment {} \"{}\" is the same as its source: left untranslated?",
                seg.id,
                shorten(&b, 60)
            ),
            None,
        );
    }
}
