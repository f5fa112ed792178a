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
    pub months: Vec<String>,
    pub date_format: String,
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
            (_, toml::Value::String(v)) => {
                s.map.insert(k, v);
            }
            _ => diags.push(Diagnostic::warning(
                "i18n",
                display,
                format!("`{k}` should be a string; ignored"),
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
