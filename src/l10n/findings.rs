//! Review findings: what a reviewer must look at in each aligned section of
//! a translation, with `file:line:column`. Severity per finding comes from
//! `[l10n.severity]` in polydoc.toml; by default every finding is a warning,
//! shown on the review pages and by `polydoc check --l10n`, and none fails a
//! build. A finding set to `error` is reported by every build and check.

use super::align::Pair;
use super::compare::compare;
use super::sections::Section;
use crate::config::L10nSettings;
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::Resolver;
use crate::parse::Article;
use crate::site::Page;

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
    /// The message's template in the theme's words (`l10n_msg_<key>`) and
    /// its values: review pages show it in the reader's language.
    #[serde(skip)]
    pub key: &'static str,
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
    /// Values that are messages themselves (a stale translation's reason),
    /// shown in the reader's language where the theme has their words.
    #[serde(skip)]
    pub nested: Vec<(&'static str, super::status::Said)>,
}

/// What the stale finding says: where (the `ms.openlocfilehash` line),
/// why, and what changed in the source since the handoff.
pub struct Stale {
    pub line: usize,
    pub reason: String,
    pub said: Option<super::status::Said>,
    /// `; since the handoff the source has …` (empty when unknown).
    pub since: String,
    pub since_said: Option<super::status::Said>,
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

pub(super) struct Out<'a> {
    pub(super) settings: &'a L10nSettings,
    /// The translation's locale code (`de-de`).
    pub(super) lang: &'a str,
    file: &'a str,
    findings: Vec<Finding>,
    /// Whether the last `add` kept its finding.
    pushed: bool,
}

impl Out<'_> {
    pub(super) fn add(
        &mut self,
        code: &'static str,
        pair: usize,
        (line, column): (usize, usize),
        message: String,
        help: Option<String>,
    ) {
        let severity = severity(self.settings, code);
        self.pushed = false;
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
            key: "",
            args: Vec::new(),
            nested: Vec::new(),
        });
        self.pushed = true;
    }

    /// Names the message of the finding just added (if it was kept) for
    /// the review pages' languages.
    pub(super) fn say(&mut self, key: &'static str, args: Vec<(&'static str, String)>) {
        if std::mem::take(&mut self.pushed) {
            if let Some(f) = self.findings.last_mut() {
                f.key = key;
                f.args = args;
            }
        }
    }
}

impl Finding {
    /// The message in the words of `strings` (`l10n_msg_<key>`, `{name}`
    /// filled in), else as made (English).
    pub fn message_in(&self, strings: &crate::i18n::Strings) -> String {
        let Some(template) = (!self.key.is_empty())
            .then(|| strings.map.get(&format!("l10n_msg_{}", self.key)))
            .flatten()
        else {
            return self.message.clone();
        };
        // No value holds a `{` (and none is said in words): no value can
        // make a slot, so the slots are the template's own, each filled by
        // its first value, in one pass (what the replacements in turn below
        // give), unless the template nests braces.
        if self.nested.is_empty() && !self.args.iter().any(|(_, v)| v.contains('{')) {
            if let Some(out) = self.fill_once(template) {
                return out;
            }
        }
        let mut out = template.clone();
        let mut slot = String::new();
        for (name, value) in &self.args {
            slot.clear();
            slot.push('{');
            slot.push_str(name);
            slot.push('}');
            // A value the text does not name is neither put in (`replace`
            // would copy the text unchanged) nor said in words.
            if !out.contains(slot.as_str()) {
                continue;
            }
            let said = self
                .nested
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, s)| s.in_words(strings));
            out = out.replace(slot.as_str(), said.as_deref().unwrap_or(value));
        }
        out
    }

    /// `template` with each `{name}` of `args` filled in, in one pass; a
    /// slot no arg names stays. `None` when a `{` comes before another
    /// one's `}` (nested braces: the replacements in turn decide then).
    fn fill_once(&self, template: &str) -> Option<String> {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
            let after = &rest[open + 1..];
            let Some(close) = memchr::memchr2(b'{', b'}', after.as_bytes()) else {
                break;
            };
            if after.as_bytes()[close] == b'{' {
                return None;
            }
            let name = &after[..close];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => {
                    out.push_str(&rest[..open]);
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[..=open]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Some(out)
    }
}

/// The findings of one translation, in section order.
pub fn check(input: &Input, file: &str, stale: Option<Stale>) -> Vec<Finding> {
    let mut out = Out {
        settings: input.settings,
        lang: &input.resolver.config.locales[input.translation.locale].code,
        file,
        findings: Vec::new(),
        pushed: false,
    };
    if let Some(st) = stale {
        out.add(
            "l10n-stale",
            usize::MAX,
            (st.line.max(1), 1),
            format!("stale translation: {}{}", st.reason, st.since),
            Some(format!(
                "update the translation, then run `polydoc l10n mark-current {file}`"
            )),
        );
        out.say("stale", vec![("reason", st.reason), ("since", st.since)]);
        if let Some(f) = out.findings.last_mut().filter(|f| f.code == "l10n-stale") {
            f.nested = [("reason", st.said), ("since", st.since_said)]
                .into_iter()
                .filter_map(|(n, s)| Some((n, s?)))
                .collect();
        }
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
                out.say(
                    "moved",
                    vec![
                        ("id", t.id.clone()),
                        ("title", t.title.clone()),
                        ("source", format!("{}:{}", input.source_name, s.line)),
                    ],
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
                out.say(
                    "section_missing",
                    vec![
                        ("id", s.id.clone()),
                        ("title", s.title.clone()),
                        ("source", format!("{}:{}", input.source_name, s.line)),
                    ],
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
                out.say("section_extra", vec![("id", t.id.clone()), ("title", t.title.clone())]);
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
                    out.say(
                        "anchor",
                        vec![
                            ("id", t.id.clone()),
                            ("source_id", s.id.clone()),
                            ("source", format!("{}:{}", input.source_name, s.line)),
                        ],
                    );
                }
                compare(input, &mut out, pi, s, t);
            }
            (None, None) => {}
        }
    }
    out.findings
}

#[cfg(test)]
mod tests {
    use super::super::status::Said;
    use super::Finding;

    /// A stale finding's reason and "since" part are messages of their own:
    /// each in the reader's words where the strings have them, else English.
    #[test]
    fn nested_reasons_in_the_readers_words() {
        let f = Finding {
            code: "l10n-stale",
            severity: "warning",
            file: "fr-fr/a.md".into(),
            line: 3,
            column: 1,
            message: "stale translation: the source changed; since 2".into(),
            help: None,
            pair: usize::MAX,
            key: "stale",
            args: vec![("reason", "the source changed".into()), ("since", "; since 2".into())],
            nested: vec![
                ("reason", Said::new("hash_changed", vec![("recorded", "abc".into())])),
                ("since", Said::new("since", vec![("added", "2".into())])),
            ],
        };
        let mut s = crate::i18n::Strings::default();
        s.map
            .insert("l10n_msg_stale".into(), "Obsolète : {reason}{since}".into());
        s.map.insert(
            "l10n_reason_hash_changed".into(),
            "la source a changé ({recorded})".into(),
        );
        assert_eq!(f.message_in(&s), "Obsolète : la source a changé (abc); since 2");
        s.map.insert("l10n_reason_since".into(), " ; {added} mots".into());
        assert_eq!(f.message_in(&s), "Obsolète : la source a changé (abc) ; 2 mots");
    }

    /// A missing-number finding with these values for its message.
    fn number_finding(args: Vec<(&'static str, String)>) -> Finding {
        Finding {
            code: "l10n-number",
            severity: "warning",
            file: "nl-nl/a.md".into(),
            line: 1,
            column: 1,
            message: "number(s) missing".into(),
            help: None,
            pair: 0,
            key: "number",
            args,
            nested: Vec::new(),
        }
    }

    /// Values go in one after the other, as written: a value that names a
    /// later one's slot gets it filled, a value the words do not name is
    /// left out, a slot without a value stays.
    #[test]
    fn values_go_into_the_words_in_order() {
        let f = number_finding(vec![("a", "{b}!".into()), ("b", "B".into()), ("c", "C".into())]);
        let mut s = crate::i18n::Strings::default();
        assert_eq!(f.message_in(&s), "number(s) missing");
        s.map.insert("l10n_msg_number".into(), "x {a} y {b} {d}".into());
        assert_eq!(f.message_in(&s), "x B! y B {d}");
    }

    /// Values without a `{` go in by one pass over the words: the same
    /// text as putting them in one after the other, nested braces and
    /// unnamed or unclosed slots included.
    #[test]
    fn one_pass_gives_what_values_in_turn_give() {
        let f = number_finding(vec![
            ("a", "A}".into()),
            ("b", "B".into()),
            ("ax", "AX".into()),
            ("b", "second".into()),
        ]);
        let in_turn = |template: &str| {
            let mut out = template.to_string();
            for (name, value) in &f.args {
                out = out.replace(&format!("{{{name}}}"), value);
            }
            out
        };
        let mut s = crate::i18n::Strings::default();
        for template in [
            "x {a} y {b} {d}",
            "{a}{a}{b}",
            "{{a}x}",
            "{b{a}}",
            "}{a}{",
            "{a",
            "{}{ax}{ {b}",
            "één {b} — {a}",
            "",
        ] {
            s.map.insert("l10n_msg_number".into(), template.into());
            assert_eq!(f.message_in(&s), in_turn(template), "{template}");
        }
    }
}
