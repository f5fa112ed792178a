//! The theme's own words per locale (`themes/<name>/i18n/<locale>.toml`) and
//! dates written the locale's way. Falls back to the source locale's file,
//! then to built-in English.

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::frontmatter::Date;
use std::collections::BTreeMap;
use std::path::Path;

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

fn load_file(path: &Path, display: &str, diags: &mut Vec<Diagnostic>) -> Option<Strings> {
    let text = std::fs::read_to_string(path).ok()?;
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

/// Loads the strings of each locale in `codes` (source locale first).
pub fn load(theme_dir: &Path, site_root: &Path, codes: &[&str], diags: &mut Vec<Diagnostic>) -> Vec<Strings> {
    let read = |code: &str, diags: &mut Vec<Diagnostic>| {
        let p = theme_dir.join("i18n").join(format!("{code}.toml"));
        let display = crate::discover::display_path(site_root, &p);
        load_file(&p, &display, diags)
    };
    let source = read(codes[0], diags)
        .or_else(|| read("en-us", diags))
        .unwrap_or_default();
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            if i == 0 {
                return source.clone();
            }
            let mut s = read(code, diags).unwrap_or_default();
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
