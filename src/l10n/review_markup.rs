//! A review page's sections, side by side: what each pair of sections
//! shows (`PairView`), as template values for a theme whose
//! `l10n-review.html` loops over `l10n.sections`, or written straight into
//! one buffer as the built-in template's markup (`l10n.sections_html`): the
//! bulk of a review page, without a template engine walking a value per
//! line of it. Both give the same HTML (a test renders one with the other).

use super::changes::{Kind, SectionChange};
use super::findings::Finding;
use super::segments::Segment;
use crate::i18n::Strings;
use crate::markdown::highlight::push_html_escaped as esc;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One side's section: heading ID and title, its line, its HTML as the
/// review page shows it.
pub struct SideSection<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub level: u8,
    pub line: usize,
    pub html: String,
}

/// One aligned pair of sections and what the page shows with it.
pub struct PairView<'a> {
    pub anchor: String,
    /// The source's changes since the handoff, each with its label.
    pub change: Vec<(&'a SectionChange, &'a str)>,
    pub collapsed: bool,
    pub source: Option<SideSection<'a>>,
    pub translation: Option<SideSection<'a>>,
    pub anchor_changed: bool,
    pub segments: &'a [Segment],
    pub findings: Vec<&'a Finding>,
}

/// What the markup takes from the page's two sides (`l10n.source`,
/// `l10n.translation`): language, direction, file name.
pub struct Sides<'a> {
    pub source_lang: &'a str,
    pub source_dir: &'a str,
    pub source_file: &'a str,
    pub translation_lang: &'a str,
    pub translation_dir: &'a str,
    pub translation_file: &'a str,
    /// `l10n.source_now`: today's source file, where a change's line is.
    pub source_now: &'a str,
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Added => "added",
        Kind::Removed => "removed",
        Kind::Changed => "changed",
        Kind::Unchanged => "unchanged",
    }
}

/// The pairs as template values (`l10n.sections`).
pub fn values(pairs: Vec<PairView>, t: &Strings) -> Value {
    let side = |s: Option<SideSection>| {
        s.map_or(Value::Null, |s| {
            object([
                ("id", json!(s.id)),
                ("title", json!(s.title)),
                ("level", json!(s.level)),
                ("line", json!(s.line)),
                ("html", Value::String(s.html)),
            ])
        })
    };
    Value::Array(
        pairs
            .into_iter()
            .map(|p| {
                let change = p
                    .change
                    .iter()
                    .map(|(c, label)| {
                        json!({
                            "kind": c.kind, "label": label, "title": c.title, "id": c.id,
                            "line": c.line, "old_line": c.old_line,
                            "words_added": c.words_added, "words_removed": c.words_removed, "words_changed": c.words_changed,
                            "html": c.html,
                        })
                    })
                    .collect();
                let segments = p
                    .segments
                    .iter()
                    .map(|s| json!({"id": s.id, "translation": s.translation, "source": s.source, "line": s.line}))
                    .collect();
                let findings = p.findings.iter().map(|f| finding_value(f, t)).collect();
                object([
                    ("anchor", Value::String(p.anchor)),
                    ("change", Value::Array(change)),
                    ("collapsed", Value::Bool(p.collapsed)),
                    ("source", side(p.source)),
                    ("translation", side(p.translation)),
                    ("anchor_changed", Value::Bool(p.anchor_changed)),
                    ("segments", Value::Array(segments)),
                    ("findings", Value::Array(findings)),
                ])
            })
            .collect(),
    )
}

/// A finding as a template value.
pub fn finding_value(f: &Finding, t: &Strings) -> Value {
    json!({"code": f.code, "message": f.message_in(t), "line": f.line, "column": f.column, "severity": f.severity})
}

/// A JSON object of values moved in, where `json!` would copy each (the
/// sections' HTML, the bulk of a review page).
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The pairs as the built-in template's markup (`l10n.sections_html`);
/// `word` gives the theme's words (`t.l10n_*`).
pub fn markup<'w>(pairs: &[PairView], sides: &Sides, t: &Strings, word: impl Fn(&'w str) -> &'w str) -> String {
    let len: usize = pairs
        .iter()
        .map(|p| {
            1024 + p.source.as_ref().map_or(0, |s| s.html.len()) + p.translation.as_ref().map_or(0, |s| s.html.len())
        })
        .sum();
    let mut out = String::with_capacity(len);
    for p in pairs {
        section(&mut out, p, sides, t, &word);
    }
    out
}

fn section<'w>(out: &mut String, p: &PairView, sides: &Sides, t: &Strings, word: &impl Fn(&'w str) -> &'w str) {
    out.push_str("\n      <section class=\"l10n-section");
    if !p.findings.is_empty() {
        out.push_str(" has-findings");
    }
    if !p.change.is_empty() {
        out.push_str(" has-change");
    }
    out.push_str("\" id=\"");
    esc(out, &p.anchor);
    out.push_str("\" data-source-id=\"");
    if let Some(s) = &p.source {
        esc(out, s.id);
    }
    out.push_str("\" data-translation-id=\"");
    if let Some(s) = &p.translation {
        esc(out, s.id);
    }
    out.push_str("\">");
    if p.collapsed {
        out.push_str("\n        <details class=\"l10n-unchanged\"><summary>");
        esc(out, word("l10n_unchanged"));
        out.push_str(": ");
        if let Some(s) = p.translation.as_ref().or(p.source.as_ref()) {
            esc(out, s.title);
        }
        out.push_str("</summary>");
    }
    if !p.findings.is_empty() {
        out.push_str("\n        <ul class=\"l10n-findings\" aria-label=\"");
        esc(out, word("l10n_findings"));
        out.push_str("\">");
        for f in &p.findings {
            out.push_str("\n          <li class=\"l10n-finding severity-");
            esc(out, f.severity);
            out.push_str("\" data-code=\"");
            esc(out, f.code);
            out.push_str("\"><code>");
            esc(out, f.code);
            out.push_str("</code> <span class=\"l10n-where\">");
            esc(out, sides.translation_file);
            let _ = write!(out, ":{}", f.line);
            if f.column != 0 {
                let _ = write!(out, ":{}", f.column);
            }
            out.push_str("</span> ");
            esc(out, &f.message_in(t));
            out.push_str("</li>");
        }
        out.push_str("\n        </ul>");
    }
    out.push_str("\n        <div class=\"l10n-grid\">");
    match &p.source {
        Some(s) => {
            out.push_str("\n          <div class=\"l10n-side l10n-source content\" lang=\"");
            esc(out, sides.source_lang);
            out.push_str("\" dir=\"");
            esc(out, sides.source_dir);
            out.push_str("\">");
            changes(out, p, sides);
            out.push_str("\n            <p class=\"l10n-line\">");
            esc(out, sides.source_file);
            let _ = write!(out, ":{}", s.line);
            if !s.id.is_empty() {
                out.push_str(" · <code>#");
                esc(out, s.id);
                out.push_str("</code>");
            }
            out.push_str("</p>\n");
            out.push_str(&s.html);
            out.push_str("\n          </div>");
        }
        None => {
            out.push_str("\n          <div class=\"l10n-side l10n-absent\">");
            changes(out, p, sides);
            out.push_str("\n            <p>");
            esc(out, word("l10n_only_translation"));
            out.push_str("</p></div>");
        }
    }
    match &p.translation {
        Some(s) => {
            out.push_str("\n          <div class=\"l10n-side l10n-translation content\" lang=\"");
            esc(out, sides.translation_lang);
            out.push_str("\" dir=\"");
            esc(out, sides.translation_dir);
            out.push_str("\">\n            <p class=\"l10n-line\">");
            esc(out, sides.translation_file);
            let _ = write!(out, ":{}", s.line);
            if !s.id.is_empty() {
                out.push_str(" · <code>#");
                esc(out, s.id);
                out.push_str("</code>");
            }
            if p.anchor_changed {
                out.push_str(" · <strong>");
                esc(out, word("l10n_anchor_changed"));
                out.push_str("</strong>");
            }
            out.push_str("</p>\n");
            out.push_str(&s.html);
            out.push_str("\n          </div>");
        }
        None => {
            out.push_str("\n          <div class=\"l10n-side l10n-absent\"><p>");
            esc(out, word("l10n_only_source"));
            out.push_str("</p></div>");
        }
    }
    out.push_str("\n        </div>");
    if !p.segments.is_empty() {
        out.push_str("\n        <details class=\"l10n-segments\" open>\n          <summary>");
        esc(out, word("l10n_segments"));
        let _ = write!(out, " ({})</summary>\n          <table>\n            <thead><tr><th scope=\"col\">#</th><th scope=\"col\" lang=\"", p.segments.len());
        esc(out, sides.source_lang);
        out.push_str("\">");
        esc(out, word("l10n_source"));
        out.push_str("</th><th scope=\"col\">");
        esc(out, word("l10n_translation"));
        out.push_str("</th></tr></thead>\n            <tbody>");
        for g in p.segments {
            out.push_str("\n              <tr data-segment=\"");
            esc(out, &g.id);
            out.push_str("\"><td><code>");
            esc(out, &g.id);
            let _ = write!(
                out,
                "</code><br><span class=\"l10n-where\">:{}</span></td><td lang=\"",
                g.line
            );
            esc(out, sides.source_lang);
            out.push_str("\" dir=\"");
            esc(out, sides.source_dir);
            out.push_str("\">");
            esc(out, &g.source);
            out.push_str("</td><td lang=\"");
            esc(out, sides.translation_lang);
            out.push_str("\" dir=\"");
            esc(out, sides.translation_dir);
            out.push_str("\">");
            esc(out, &g.translation);
            out.push_str("</td></tr>");
        }
        out.push_str("\n            </tbody>\n          </table>\n        </details>");
    }
    if p.collapsed {
        out.push_str("\n        </details>");
    }
    out.push_str("\n      </section>");
}

/// The source's changes shown with a pair (the template's `change` macro).
fn changes(out: &mut String, p: &PairView, sides: &Sides) {
    for (c, label) in &p.change {
        out.push_str("\n            <div class=\"l10n-change l10n-change-");
        out.push_str(kind_name(c.kind));
        out.push_str("\" lang=\"");
        esc(out, sides.source_lang);
        out.push_str("\">\n              <p class=\"l10n-change-head\"><strong>");
        esc(out, label);
        out.push_str("</strong>");
        if !c.title.is_empty() {
            out.push_str(" · ");
            esc(out, &c.title);
        }
        let _ = write!(
            out,
            " · <span class=\"l10n-words-added\">+{}</span> <span class=\"l10n-words-removed\">−{}</span> <span class=\"l10n-words-changed\">~{}</span>",
            c.words_added, c.words_removed, c.words_changed
        );
        if c.line != 0 {
            out.push_str(" · <span class=\"l10n-where\">");
            esc(out, sides.source_now);
            let _ = write!(out, ":{}</span>", c.line);
        }
        out.push_str("</p>\n              <p class=\"l10n-diff\">");
        out.push_str(&c.html);
        out.push_str("</p>\n            </div>");
    }
}
