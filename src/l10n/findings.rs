//! Review findings: what a reviewer must look at in each aligned section of
//! a translation, with `file:line:column`. Severity per finding comes from
//! `[l10n.severity]` in polydoc.toml; by default every finding is a warning,
//! shown on the review pages and by `polydoc check --l10n`, and none fails a
//! build. A finding set to `error` is reported by every build and check.

use super::align::Pair;
use super::sections::{Block, Section};
use super::segments::Segment;
use crate::config::L10nSettings;
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::Resolver;
use crate::parse::Article;
use crate::site::Page;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Every finding polydoc makes, with what it means (for `[l10n.severity]`).
pub const KINDS: [(&str, &str); 13] = [
    ("l10n-stale", "the source changed after the translation was handed off"),
    ("l10n-section", "a section present in one side only"),
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

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\d+(?:[.,]\d+)*").unwrap())
}

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\{\d+(?:[,:][^}]*)?\}|\{[A-Za-z_][A-Za-z0-9_.]*\}|%(?:\d+\$)?[-+0#]?\d*(?:\.\d+)?[sdifuxXc@]\b")
            .unwrap()
    })
}

fn markdown_link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap())
}

/// Full-width digits as ASCII, so `８４４３` matches `8443`.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// The numbers of a text, as their digits (`1,000` and `1.000` are one
/// number), with their written form.
fn numbers(text: &str) -> Vec<(String, String)> {
    let text = ascii_digits(text);
    number_re()
        .find_iter(&text)
        .map(|m| {
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let key = digits.trim_start_matches('0');
            (
                if key.is_empty() { "0".into() } else { key.to_string() },
                m.as_str().to_string(),
            )
        })
        .collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    placeholder_re()
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Markdown of a segment as plain text (link text kept, emphasis and code
/// marks dropped).
fn plain(md: &str) -> String {
    let s = markdown_link_re().replace_all(md, "$1");
    s.replace(['*', '`'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without inline code (`` `x` ``).
fn without_code(md: &str) -> String {
    let mut out = String::new();
    for (i, part) in md.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        }
    }
    out
}

/// Words that make a paragraph "translatable": at least one lower-case
/// letter, product names removed.
fn translatable_words(text: &str, products: &[String]) -> usize {
    let mut t = text.to_string();
    for p in products {
        t = t.replace(p.as_str(), " ");
    }
    t.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| {
            w.chars().count() > 1 && w.chars().any(char::is_lowercase) && !w.chars().any(|c| c.is_ascii_digit())
        })
        .count()
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// An external URL without a locale segment (`/nl-nl/`, `/en-us/`) in its
/// path: translators may localize those.
fn normalize_href(href: &str) -> String {
    let Some(i) = href.find("://") else {
        return href.to_string();
    };
    let rest = &href[i + 3..];
    let Some(slash) = rest.find('/') else {
        return href.to_string();
    };
    let path = &rest[slash + 1..];
    let seg = path.split(['/', '?', '#']).next().unwrap_or("");
    let mut it = seg.split('-');
    let looks_locale = matches!((it.next(), it.next(), it.next()), (Some(a), Some(b), None)
        if (2..=3).contains(&a.len()) && a.bytes().all(|c| c.is_ascii_alphabetic()) && (2..=4).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_alphanumeric()));
    if looks_locale {
        format!(
            "{}{}{}",
            &href[..i + 3],
            &rest[..slash + 1],
            &path[seg.len()..].trim_start_matches('/')
        )
    } else {
        href.to_string()
    }
}

/// The findings of one translation, in section order.
pub fn check(input: &Input, file: &str, stale: Option<(usize, String)>) -> Vec<Finding> {
    let mut out = Out {
        settings: input.settings,
        file,
        findings: Vec::new(),
    };
    if let Some((line, reason)) = stale {
        out.add(
            "l10n-stale",
            usize::MAX,
            (line, if line > 0 { 1 } else { 0 }),
            format!("stale translation: {reason}"),
            Some(format!(
                "update the translation, then run `polydoc l10n mark-current {file}`"
            )),
        );
    }
    let src_secs = input.source_sections;
    let tr_secs = input.translation_sections;
    let mut last_tr_line = 1;
    for (pi, p) in input.pairs.iter().enumerate() {
        match (p.source, p.translation) {
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

fn untranslated(input: &Input, src: &Block, tr: &Block) -> bool {
    let a = without_code(&src.prose);
    let b = without_code(&tr.prose);
    a.trim() == b.trim() && translatable_words(&b, &input.settings.product_names) >= 3
}

fn missing_tokens(out: &mut Out, pi: usize, at: (usize, usize), src: &str, tr: &str) {
    let have: BTreeSet<String> = numbers(tr).into_iter().map(|(k, _)| k).collect();
    let mut missing: Vec<String> = Vec::new();
    for (k, shown) in numbers(src) {
        if !have.contains(&k) && !missing.contains(&shown) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let n: Vec<String> = numbers("port 8443, TLS 1.2 and 1,000 or １０")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(n, ["8443", "12", "1000", "10"]);
        let p: Vec<String> = placeholders("`Channel {0}` when %s is over 50% of {count}")
            .into_iter()
            .collect();
        assert_eq!(p, ["%s", "{0}", "{count}"]);
        assert_eq!(plain("See [the **guide**](a.md) `x`."), "See the guide x.");
        assert_eq!(
            normalize_href("https://learn.example/nl-nl/azure/x?y=1"),
            "https://learn.example/azure/x?y=1"
        );
        assert_eq!(
            normalize_href("https://learn.example/azure/x"),
            "https://learn.example/azure/x"
        );
        assert_eq!(
            translatable_words("Open the Contoso Relay portal", &["Contoso Relay".into()]),
            3
        );
        assert_eq!(translatable_words("Contoso Relay SDK", &[]), 2);
    }
}
