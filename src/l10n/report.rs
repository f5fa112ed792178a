//! `polydoc l10n status`: the coverage table and the list of articles that
//! need a translator, as text or JSON.

use super::status::{attention, State};
use super::L10n;
use crate::config::Config;
use serde_json::json;
use std::fmt::Write as _;

pub fn json(config: &Config, l10n: &L10n) -> serde_json::Value {
    let locales: Vec<_> = l10n
        .coverage
        .iter()
        .map(|c| {
            json!({
                "locale": c.locale, "name": c.name, "total": c.total,
                "current": c.current, "stale": c.stale, "unknown": c.unknown,
                "missing": c.missing, "mt": c.mt, "ht": c.ht,
                "words_to_retranslate": c.words_to_retranslate,
                "percent": {
                    "current": c.percent(c.current), "stale": c.percent(c.stale),
                    "unknown": c.percent(c.unknown), "missing": c.percent(c.missing),
                    "mt": c.percent(c.mt),
                },
            })
        })
        .collect();
    json!({
        "source_locale": config.source().code,
        "locales": locales,
        "attention": attention(&l10n.statuses),
        "articles": articles(l10n),
        "files": l10n.files,
    })
}

/// Each translation's status with its findings count and what changed in
/// the source since the handoff.
fn articles(l10n: &L10n) -> Vec<serde_json::Value> {
    l10n.statuses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut v = serde_json::to_value(s).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                let c = s.changes.as_ref();
                o.insert("label".into(), json!(s.label()));
                o.insert("handoff_commit".into(), json!(s.source_commit));
                for (k, n) in [
                    ("words_added", c.map(|c| c.words_added)),
                    ("words_removed", c.map(|c| c.words_removed)),
                    ("words_changed", c.map(|c| c.words_changed)),
                    (
                        "sections_changed",
                        c.map(|c| c.sections_added + c.sections_removed + c.sections_changed),
                    ),
                ] {
                    o.insert(k.into(), json!(n));
                }
                o.insert(
                    "findings".into(),
                    json!(l10n.reviews.iter().find(|r| r.status == i).map(|r| r.findings_count())),
                );
            }
            v
        })
        .collect()
}

pub fn text(config: &Config, l10n: &L10n) -> String {
    let mut out = String::new();
    let total = l10n.coverage.first().map_or(0, |c| c.total);
    let _ = writeln!(
        out,
        "Translation status ({total} source articles in {})\n",
        config.source().code
    );
    if l10n.coverage.is_empty() {
        let _ = writeln!(out, "The site has only its source locale.");
        return out;
    }
    let cols = ["current", "stale", "unknown", "missing", "MT"];
    let name_w = l10n
        .coverage
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let code_w = l10n.coverage.iter().map(|c| c.locale.len()).max().unwrap_or(6).max(6);
    let _ = write!(out, "{:code_w$}  {:name_w$}", "locale", "name");
    for c in cols {
        let _ = write!(out, "  {c:>13}");
    }
    out.push('\n');
    for c in &l10n.coverage {
        let _ = write!(out, "{:code_w$}  {:name_w$}", c.locale, c.name);
        for n in [c.current, c.stale, c.unknown, c.missing, c.mt] {
            let _ = write!(out, "  {:>13}", format!("{n} ({:.1}%)", c.percent(n)));
        }
        out.push('\n');
    }
    for (kind, name) in [
        (super::files::Kind::Include, "include files"),
        (super::files::Kind::Toc, "TOC files"),
        (super::files::Kind::Yaml, "YAML pages"),
    ] {
        let of: Vec<_> = l10n.files.iter().filter(|f| f.kind == kind).collect();
        if of.is_empty() {
            continue;
        }
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &of {
            *counts.entry(f.label.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(out, "{}: {} ({})", name, of.len(), counts.join(", "));
    }
    let todo = attention(&l10n.statuses);
    if todo.is_empty() {
        let _ = writeln!(out, "\nEvery translation is current.");
        return out;
    }
    let _ = writeln!(out, "\nStale, unknown and missing, oldest handoff first:");
    for s in todo {
        let file = match &s.file {
            Some(f) => f.clone(),
            None => format!("{}/{} (source: {})", s.locale, s.rel, s.source_file),
        };
        let handoff = s.lasthandoff.as_deref().unwrap_or("-");
        let kind = match (s.state, s.translation_type.as_deref()) {
            (State::Missing, _) => "  ",
            (_, Some(t)) => t,
            _ => "  ",
        };
        let _ = writeln!(
            out,
            "  {:7} {kind:2} {:10}  {file}\n      {}",
            s.state.as_str(),
            handoff,
            s.reason
        );
    }
    out
}
