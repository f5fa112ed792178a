//! What the reviewers' two kinds of page share: the English words for a theme
//! whose string files lack the review pages' keys, the translation states'
//! labels, the template context both start from, and where a review page lives.

use super::status::State;
use crate::config::Config;
use crate::render::{common_context, Theme};
use crate::site::relative_url;
use serde_json::{json, Map, Value};

/// English words for a theme whose string files lack the review pages' keys.
const DEFAULT_STRINGS: &[(&str, &str)] = &[
    ("l10n_review", "Translation review"),
    ("l10n_status", "Translation status"),
    ("l10n_all_locales", "All languages"),
    ("l10n_source", "Source"),
    ("l10n_translation", "Translation"),
    ("l10n_locale", "Language"),
    ("l10n_article", "Article"),
    ("l10n_state", "Status"),
    ("l10n_type", "Type"),
    ("l10n_handoff", "Handed off"),
    ("l10n_findings", "Findings"),
    ("l10n_total", "Articles"),
    ("l10n_current", "current"),
    ("l10n_stale", "stale"),
    ("l10n_unknown", "unknown"),
    ("l10n_missing", "missing"),
    ("l10n_mt", "MT"),
    ("l10n_ht", "HT"),
    ("l10n_only_source", "Only in the source"),
    ("l10n_only_translation", "Only in the translation"),
    ("l10n_anchor_changed", "Heading anchor changed"),
    ("l10n_no_findings", "Nothing to look at."),
    ("l10n_segments", "Segments"),
    ("l10n_read", "Open the page"),
    ("l10n_sort_hint", "Select a column heading to sort the table."),
    ("l10n_section", "Section"),
    ("l10n_metadata_changed", "current (metadata changed)"),
    ("l10n_since_handoff", "The source since the handoff"),
    ("l10n_change_added", "Added to the source since the handoff"),
    ("l10n_change_removed", "Removed from the source since the handoff"),
    ("l10n_change_changed", "Changed in the source since the handoff"),
    ("l10n_unchanged", "Unchanged since the handoff"),
    ("l10n_words_added", "words added"),
    ("l10n_words_removed", "words removed"),
    ("l10n_words_changed", "words changed"),
    ("l10n_to_retranslate", "Words to retranslate"),
    ("l10n_handoff_commit", "Handoff commit"),
    ("l10n_source_commit", "Source now"),
    ("l10n_sections_changed", "Sections changed"),
    (
        "l10n_no_handoff_text",
        "The source text at the handoff is not available",
    ),
];

/// `_l10n/<locale>/<rel without .md>/`, in lower case like the pages.
pub fn review_dir(locale: &str, rel: &str) -> String {
    let rel = rel.to_lowercase();
    let stem = rel.strip_suffix(".md").unwrap_or(&rel);
    format!("_l10n/{locale}/{stem}/")
}

/// The state's words, `current (metadata changed)` included.
pub(super) fn state_label(t: &crate::i18n::Strings, s: &super::status::ArticleStatus) -> String {
    if s.metadata_changed {
        word(t, "l10n_metadata_changed").to_string()
    } else {
        word(t, state_word(s.state)).to_string()
    }
}

fn state_word(s: State) -> &'static str {
    match s {
        State::Current => "l10n_current",
        State::Stale => "l10n_stale",
        State::Unknown => "l10n_unknown",
        State::Missing => "l10n_missing",
    }
}

/// A word of the review pages in the locale's strings, else English.
pub(super) fn word<'a>(t: &'a crate::i18n::Strings, key: &'a str) -> &'a str {
    t.map
        .get(key)
        .map(String::as_str)
        .or_else(|| DEFAULT_STRINGS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
        .unwrap_or(key)
}

/// A locale's words `t` with the English words of the review pages' keys
/// it lacks (`Theme` keeps them once per locale for the review pages).
pub fn with_defaults(t: &Value) -> Value {
    let mut t = t.clone();
    if let Value::Object(t) = &mut t {
        // Looked up first: `entry` would allocate each key on every page.
        for &(k, v) in DEFAULT_STRINGS {
            if !t.contains_key(k) {
                t.insert(k.into(), Value::String(v.into()));
            }
        }
    }
    t
}

pub(super) fn context(config: &Config, theme: &Theme, locale: usize, dir: &str, title: String) -> Map<String, Value> {
    let mut ctx = common_context(config, theme, locale, dir, false);
    if let Some(t) = ctx.get_mut("t") {
        *t = with_defaults(t);
    }
    put_page(&mut ctx, dir, title);
    ctx
}

/// `context` without the words (`t`, `t_plural`): `Theme::render_review`
/// adds them where Tera renders.
pub(super) fn context_without_words(config: &Config, locale: usize, dir: &str, title: String) -> Map<String, Value> {
    let mut ctx = crate::render::context_without_words(config, locale, dir, false);
    put_page(&mut ctx, dir, title);
    ctx
}

fn put_page(ctx: &mut Map<String, Value>, dir: &str, title: String) {
    ctx.insert(
        "page".into(),
        json!({"title": title, "url": "./", "robots": "noindex, nofollow", "description": "", "canonical": "", "toc": [], "translations": []}),
    );
    ctx.insert("l10n_static".into(), Value::String(relative_url(dir, "_static/")));
}
