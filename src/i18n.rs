//! The theme's own words per locale (`i18n/<locale>.toml` in the theme) and
//! dates written the locale's way. A site's `themes/<name>/i18n/<locale>.toml`
//! may hold only the strings it changes: the built-in file of the same
//! locale fills in the rest. Falls back to the source locale's strings, then
//! to built-in English.

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::frontmatter::Date;
use crate::theme::{Source, ThemeFiles};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub map: BTreeMap<String, String>,
    /// Words with plural forms: key -> CLDR category (`one`, `few`,
    /// `other`, ...) -> text with `{n}`. Written in a strings file as a
    /// table: `reading_time = { one = "{n} minuut", other = "{n} minuten" }`.
    pub plurals: BTreeMap<String, BTreeMap<String, String>>,
    pub months: Vec<String>,
    pub date_format: String,
    /// The locale code (`nl-nl`): its CLDR plural rules pick the form.
    pub code: String,
}

/// The CLDR plural category of `n` in the language of `code` (`pt-br`, then
/// `pt`), through `intl_pluralrules`; `other` for a language it lacks.
pub fn plural_category(code: &str, n: u64) -> &'static str {
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
    let primary = code.split('-').next().unwrap_or(code);
    let rules = [code, primary].into_iter().find_map(|tag| {
        let id: unic_langid::LanguageIdentifier = tag.parse().ok()?;
        PluralRules::create(id, PluralRuleType::CARDINAL).ok()
    });
    match rules.and_then(|r| r.select(n).ok()) {
        Some(PluralCategory::ZERO) => "zero",
        Some(PluralCategory::ONE) => "one",
        Some(PluralCategory::TWO) => "two",
        Some(PluralCategory::FEW) => "few",
        Some(PluralCategory::MANY) => "many",
        _ => "other",
    }
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Strings {
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map(String::as_str).unwrap_or(key)
    }

    /// `key`'s form for `n` in this locale, with `{n}` filled in.
    pub fn plural(&self, key: &str, n: u64) -> String {
        let text = match self.plurals.get(key) {
            Some(forms) => forms
                .get(plural_category(&self.code, n))
                .or_else(|| forms.get("other"))
                .map(String::as_str)
                .unwrap_or(key),
            None => self.get(key),
        };
        text.replace("{n}", &n.to_string())
    }

    pub fn format_date(&self, d: Date) -> String {
        let month = self
            .months
            .get(d.month as usize - 1)
            .map(String::as_str)
            .unwrap_or(EN_MONTHS[d.month as usize - 1]);
        let fmt = if self.date_format.is_empty() {
            "{month} {day}, {year}"
        } else {
            &self.date_format
        };
        fmt.replace("{day}", &d.day.to_string())
            .replace("{month}", month)
            .replace("{year}", &d.year.to_string())
    }

    fn overlay(&mut self, other: &Strings) {
        for (k, v) in &other.map {
            self.map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.plurals {
            self.plurals.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if self.months.len() != 12 {
            self.months = other.months.clone();
        }
        if self.date_format.is_empty() {
            self.date_format = other.date_format.clone();
        }
    }
}

fn load_file(source: &Source, display: &str, diags: &mut Vec<Diagnostic>) -> Option<Strings> {
    let text = match source.read_string() {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                "i18n",
                display,
                format!("cannot read theme strings: {e}"),
            ));
            return None;
        }
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let e: toml::de::Error = e;
            let mut d = Diagnostic::error(
                "i18n",
                display,
                format!("theme strings are not valid TOML: {}", e.message()),
            );
            if let Some(span) = e.span() {
                let (l, c) = LineIndex::new(&text).line_col(&text, span.start);
                d = d.at(l, c);
            }
            diags.push(d);
            return None;
        }
    };
    let mut s = Strings::default();
    for (k, v) in table {
        match (k.as_str(), v) {
            ("months", toml::Value::Array(a)) => {
                s.months = a.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                if s.months.len() != 12 {
                    diags.push(Diagnostic::warning(
                        "i18n",
                        display,
                        "`months` must list 12 names; ignored",
                    ));
                    s.months.clear();
                }
            }
            ("date_format", toml::Value::String(f)) => s.date_format = f,
            (_, toml::Value::Table(forms))
                if forms.contains_key("other")
                    && forms.iter().all(|(c, v)| {
                        v.is_str() && matches!(c.as_str(), "zero" | "one" | "two" | "few" | "many" | "other")
                    }) =>
            {
                let forms: BTreeMap<String, String> = forms
                    .into_iter()
                    .filter_map(|(c, v)| v.as_str().map(|v| (c, v.to_string())))
                    .collect();
                // `t.<key>` in templates: the general form.
                s.map.insert(k.clone(), forms["other"].clone());
                s.plurals.insert(k, forms);
            }
            (_, toml::Value::String(v)) => {
                s.map.insert(k, v);
            }
            _ => diags.push(Diagnostic::warning(
                "i18n",
                display,
                format!("`{k}` should be a string, or a table of plural forms (zero, one, two, few, many, other; `other` required); ignored"),
            )),
        }
    }
    Some(s)
}

/// The strings of one locale: the site's file over the built-in one.
fn read(files: &ThemeFiles, code: &str, diags: &mut Vec<Diagnostic>) -> Option<Strings> {
    let rel = format!("i18n/{code}.toml");
    let builtin = ThemeFiles::builtin(&rel)
        .map(Source::Builtin)
        .and_then(|s| load_file(&s, &files.show(&rel, &s), diags));
    let own = files.dir.join(&rel);
    if !own.is_file() {
        return builtin;
    }
    let source = Source::Site(own);
    let mut own = load_file(&source, &files.show(&rel, &source), diags)?;
    if let Some(b) = &builtin {
        own.overlay(b);
    }
    Some(own)
}

/// Loads the strings of each locale in `codes` (source locale first).
pub fn load(files: &ThemeFiles, codes: &[&str], diags: &mut Vec<Diagnostic>) -> Vec<Strings> {
    let source = read(files, codes[0], diags)
        .or_else(|| read(files, "en-us", diags))
        .unwrap_or_default();
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            if i == 0 {
                return source.clone();
            }
            let mut s = read(files, code, diags).unwrap_or_default();
            s.overlay(&source);
            s
        })
        .zip(codes)
        .map(|(mut s, code)| {
            s.code = code.to_string();
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_cldr_rules() {
        let forms = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(c, t)| (c.to_string(), t.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let mut nl = Strings {
            code: "nl-nl".into(),
            ..Default::default()
        };
        nl.plurals.insert(
            "n".into(),
            forms(&[("one", "{n} resultaat"), ("other", "{n} resultaten")]),
        );
        assert_eq!(nl.plural("n", 1), "1 resultaat");
        assert_eq!(nl.plural("n", 0), "0 resultaten");
        assert_eq!(nl.plural("n", 21), "21 resultaten");
        let mut pl = Strings {
            code: "pl-pl".into(),
            ..Default::default()
        };
        pl.plurals.insert(
            "n".into(),
            forms(&[
                ("one", "{n} wynik"),
                ("few", "{n} wyniki"),
                ("many", "{n} wyników"),
                ("other", "{n} wyniku"),
            ]),
        );
        assert_eq!(pl.plural("n", 1), "1 wynik");
        assert_eq!(pl.plural("n", 3), "3 wyniki");
        assert_eq!(pl.plural("n", 5), "5 wyników");
        assert_eq!(pl.plural("n", 22), "22 wyniki");
        let mut ja = Strings {
            code: "ja-jp".into(),
            ..Default::default()
        };
        ja.plurals.insert("n".into(), forms(&[("other", "{n} 件")]));
        assert_eq!(ja.plural("n", 1), "1 件");
    }

    #[test]
    fn dutch_date() {
        let s = Strings {
            months: [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ]
            .map(String::from)
            .to_vec(),
            date_format: "{day} {month} {year}".into(),
            ..Default::default()
        };
        assert_eq!(
            s.format_date(Date {
                year: 2021,
                month: 3,
                day: 4
            }),
            "4 maart 2021"
        );
        assert_eq!(
            Strings::default().format_date(Date {
                year: 2021,
                month: 3,
                day: 4
            }),
            "March 4, 2021"
        );
    }
}
