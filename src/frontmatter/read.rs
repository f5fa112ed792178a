//! Reading a front matter: the YAML block split off an article, parsed into
//! a `FrontMatter` (typed fields and every key as written), and what is
//! wrong with it as a diagnostic with its line and column.

use super::{Date, FrontMatter, Meta};
use crate::diagnostics::Diagnostic;
use serde_yaml::Value;
use std::collections::BTreeMap;

/// An article split into its parts.
pub struct Split<'a> {
    pub yaml: Option<&'a str>,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
}

pub fn split(text: &str) -> Split<'_> {
    let none = Split {
        yaml: None,
        yaml_line: 0,
        body: text,
        body_offset: 0,
    };
    let first_end = match text.find('\n') {
        Some(i) => i,
        None => return none,
    };
    if text[..first_end].trim_end() != "---" {
        return none;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            let body_offset = (end + 1).min(text.len());
            return Split {
                yaml: Some(&text[yaml_start..pos]),
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            };
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    none
}

/// Front matter opened with `---` on the first line and never closed: the
/// lines after it look like YAML (`key: value`) but no `---` line ends
/// them. (A file that starts with a `---` rule followed by text is not.)
pub fn unclosed(text: &str, file: &str) -> Option<Diagnostic> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let next = lines.find(|l| !l.trim().is_empty())?;
    let key = yaml_key(next)?;
    Some(
        Diagnostic::error(
            "yaml",
            file,
            format!("front matter opened with `---` is never closed (it goes on with `{key}:` on the next lines)"),
        )
        .at(1, 1)
        .help("end the front matter with a line of `---` before the article's text"),
    )
}

/// The key of a `key: value` YAML line (`ms.date:` too), if it is one.
fn yaml_key(line: &str) -> Option<&str> {
    let (key, rest) = line.split_once(':')?;
    let ok = !key.is_empty()
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (ok && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(key)
}

/// Parses the YAML of an article. Errors are fatal for the article; warnings
/// are pushed to `diags`.
pub fn parse(yaml: &str, yaml_line: usize, file: &str, diags: &mut Vec<Diagnostic>) -> Result<FrontMatter, Diagnostic> {
    crate::yaml_depth::check_depth(yaml, yaml_line, file, "yaml")?;
    let value: Value = serde_yaml::from_str(yaml).map_err(|e| {
        let mut d = Diagnostic::error("yaml", file, format!("broken YAML front matter: {}", yaml_message(&e)));
        // libyaml gives up where it noticed the problem (often the next
        // line); the construct it was reading ("while parsing a flow
        // sequence at line L column C") is where the writer must look.
        if let Some((l, c)) = context_position(&e.to_string()) {
            d = d.at(l + yaml_line - 1, c);
        } else if let Some(loc) = e.location() {
            d = d.at(loc.line() + yaml_line - 1, loc.column());
        } else {
            d = d.at(yaml_line, 1);
        }
        d.help("front matter is YAML between two `---` lines; quote values that contain `: `, `#` or start with `[`, `{`, `*`, `&`")
    })?;
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Default::default(),
        other => {
            return Err(Diagnostic::error(
                "yaml",
                file,
                format!(
                    "front matter must be a mapping of `key: value` lines, found {}",
                    kind_name(&other)
                ),
            )
            .at(yaml_line, 1))
        }
    };
    let line_of = |key: &str| key_line(yaml, key).map_or(yaml_line, |l| l + yaml_line - 1);
    let mut fm = FrontMatter::default();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut all = BTreeMap::new();
    for (k, v) in map {
        let Some(key) = scalar_string(&k) else {
            continue;
        };
        let lower = key.to_lowercase();
        if let Some(first) = seen.insert(lower.clone(), key.clone()) {
            diags.push(
                Diagnostic::warning(
                    "front-matter",
                    file,
                    format!("key `{key}` repeats `{first}` (keys ignore case); the last one wins"),
                )
                .at(line_of(&key), 1),
            );
        }
        all.insert(lower.clone(), to_json(&v));
        let mut text = || -> Option<String> {
            let s = scalar_string(&v);
            if s.is_none() && !v.is_null() {
                diags.push(
                    Diagnostic::warning(
                        "front-matter",
                        file,
                        format!("`{key}` should be a single value, found {}", kind_name(&v)),
                    )
                    .at(line_of(&key), 1),
                );
            }
            s
        };
        match lower.as_str() {
            "title" => fm.title = text(),
            "description" => fm.description = text(),
            // Single values, for templates only (`all`).
            "author"
            | "ms.author"
            | "manager"
            | "ms.topic"
            | "ms.service"
            | "ms.subservice"
            | "ms.technology"
            | "ms.audience"
            | "localization_priority"
            | "ms.localizationpriority"
            | "ms.contentlocale" => {
                text();
            }
            "robots" => fm.robots = text(),
            "ms.translationtype" => fm.ms_translationtype = text(),
            // Identifiers: a hash of digits alone is a YAML number, which
            // would lose leading zeros and digits past a float's precision.
            "ms.openlocfilehash" => fm.ms_openlocfilehash = as_written(yaml, &key, &v).or_else(text),
            "ms.sourcegitcommit" => fm.ms_sourcegitcommit = as_written(yaml, &key, &v).or_else(text),
            "ms.locfileid" => {
                let _ = as_written(yaml, &key, &v).or_else(text);
            }
            "uid" => fm.uid = text(),
            "redirect_url" => fm.redirect_url = text(),
            "ms.custom" => fm.ms_custom = string_list(&v),
            "ms.date" | "ms.lasthandoff" => {
                if let Some(s) = text() {
                    let d = Date::parse_us(&s);
                    if d.is_none() {
                        diags.push(
                            Diagnostic::warning(
                                "date",
                                file,
                                format!("`{key}: {s}` is not a date in MM/DD/YYYY form; it is ignored"),
                            )
                            .at(line_of(&key), 1)
                            .help("write it as Learn does, e.g. 03/04/2021 for 4 March 2021"),
                        );
                    }
                    if lower == "ms.date" {
                        fm.ms_date = d;
                    } else {
                        fm.ms_lasthandoff = d;
                    }
                }
            }
            _ => {}
        }
    }
    fm.all = Meta::from_map(&all);
    Ok(fm)
}

fn context_position(msg: &str) -> Option<(usize, usize)> {
    let i = msg.find("while parsing")?;
    let rest = &msg[i..];
    let j = rest.find(" at line ")?;
    let mut nums = rest[j + 9..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let line = nums.next()?.parse().ok()?;
    let col = nums.next()?.parse().ok()?;
    Some((line, col))
}

fn yaml_message(e: &serde_yaml::Error) -> String {
    // serde_yaml appends " at line X column Y"; we print the position ourselves.
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            let l = l.trim_start_matches(['"', '\'']);
            l.starts_with(key) && l[key.len()..].trim_start_matches(['"', '\'']).starts_with(':')
        })
        .map(|i| i + 1)
}

/// A number's text as written on its `key: value` line (YAML reads
/// `0123` as 123 and forty digits as a rounded float).
fn as_written(yaml: &str, key: &str, v: &Value) -> Option<String> {
    if !v.is_number() {
        return None;
    }
    let line = yaml.lines().nth(key_line(yaml, key)? - 1)?;
    let (_, rest) = line.split_once(':')?;
    let value = rest.split(" #").next()?.trim();
    (!value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-')))
    .then(|| value.to_string())
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string, a number, or a list of them; a comma-separated string is split
/// (Learn accepts `ms.custom: seo-a, seo-b`).
fn string_list(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items
            .iter()
            .filter_map(scalar_string)
            .map(|s| s.trim().to_string())
            .collect(),
        other => scalar_string(other)
            .map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64()
                    .map(serde_json::Value::from)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Value::String(s) => s.clone().into(),
        Value::Sequence(items) => items.iter().map(to_json).collect(),
        Value::Mapping(m) => m
            .iter()
            .filter_map(|(k, v)| Some((scalar_string(k)?.to_lowercase(), to_json(v))))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Tagged(t) => to_json(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_kept_as_json_and_serialized_as_a_map() {
        let mut diags = Vec::new();
        let fm = parse("Title: T\nextra: [a, 2]\nms.date: 03/04/2021\n", 2, "a.md", &mut diags).unwrap();
        assert_eq!(fm.all.get("extra"), Some(serde_json::json!(["a", 2])));
        assert_eq!(fm.all.get("title"), Some(serde_json::json!("T")));
        let json = serde_json::to_value(&fm).unwrap();
        assert_eq!(json["all"]["extra"], serde_json::json!(["a", 2]));
        let back: FrontMatter = serde_json::from_value(json).unwrap();
        assert_eq!(back.all, fm.all);
        let mut kept = fm.all.clone();
        kept.retain(|k, _| k == "extra");
        assert_eq!(kept.map().len(), 1);
        assert!(FrontMatter::default().all.map().is_empty());
        // Written as the map's JSON, read back as the same text, from text
        // and from a value; a pretty-printed map is made canonical.
        let text = serde_json::to_string(&fm).unwrap();
        let map_json = serde_json::to_string(&fm.all.map()).unwrap();
        assert!(text.contains(&format!("\"all\":{map_json}")), "{text}");
        let back: FrontMatter = serde_json::from_str(&text).unwrap();
        assert_eq!(back.all, fm.all);
        let pretty: FrontMatter = serde_json::from_str(&serde_json::to_string_pretty(&fm).unwrap()).unwrap();
        assert_eq!(pretty.all, fm.all);
        let empty: FrontMatter =
            serde_json::from_str(&serde_json::to_string(&FrontMatter::default()).unwrap()).unwrap();
        assert_eq!(empty.all, Meta::default());
    }

    #[test]
    fn a_key_is_found_only_as_a_key_and_every_field_tells_front_matters_apart() {
        let mut diags = Vec::new();
        let fm = parse(
            "title: zone_pivot_groups\nmy\"key: 1\nzone_pivot_groups: langs\n",
            2,
            "a.md",
            &mut diags,
        )
        .unwrap();
        assert_eq!(fm.all.get("zone_pivot_groups"), Some(serde_json::json!("langs")));
        assert_eq!(fm.all.get("my\"key"), Some(serde_json::json!(1)));
        assert_eq!(fm.all.get("zone"), None);
        let only_value = parse("title: zone_pivot_groups\n", 2, "a.md", &mut diags).unwrap();
        assert_eq!(only_value.all.get("zone_pivot_groups"), None);
        let pieces = |fm: &FrontMatter| {
            let mut out: Vec<Vec<u8>> = Vec::new();
            fm.fields(&mut |b| out.push(b.to_vec()));
            out
        };
        // A value moved from one field to the next is another front matter.
        let a = FrontMatter {
            title: Some("x".into()),
            ..FrontMatter::default()
        };
        let b = FrontMatter {
            description: Some("x".into()),
            ..FrontMatter::default()
        };
        assert_ne!(pieces(&a), pieces(&b));
        assert_ne!(pieces(&fm), pieces(&only_value));
        assert_eq!(pieces(&fm), pieces(&fm.clone()));
    }

    #[test]
    fn identifiers_made_of_digits_keep_their_text() {
        let yaml = "ms.sourcegitcommit: 0123456789012345678901234567890123456789\nms.openlocfilehash: 1234e56789 # note\nms.locfileid: 00042\n";
        let mut diags = Vec::new();
        let fm = parse(yaml, 2, "a.md", &mut diags).unwrap();
        assert_eq!(
            fm.ms_sourcegitcommit.as_deref(),
            Some("0123456789012345678901234567890123456789")
        );
        assert_eq!(fm.ms_openlocfilehash.as_deref(), Some("1234e56789"));
        assert!(fm.all.contains_key("ms.locfileid"));
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse_us("03/04/2021"),
            Some(Date {
                year: 2021,
                month: 3,
                day: 4
            })
        );
        assert_eq!(
            Date::parse_us("3/4/2021"),
            Some(Date {
                year: 2021,
                month: 3,
                day: 4
            })
        );
        assert_eq!(Date::parse_us("2021-03-04"), None);
        assert_eq!(Date::parse_us("02/30/2021"), None);
        assert_eq!(Date::parse_us("02/29/2024").map(|d| d.iso()), Some("2024-02-29".into()));
    }

    #[test]
    fn keys_ignore_case_and_lists() {
        let yaml = "TITLE: Hallo\nMS.technology: exchange\nROBOTS: NOINDEX, NOFOLLOW\nms.custom:\n- \"9003259\"\n- 6128\nms.collection: Adm_O365\nms.localizationpriority: high\nms.date: 13/01/2021\nextra_key: [a, b]\n";
        let mut diags = vec![];
        let fm = parse(yaml, 2, "x.md", &mut diags).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Hallo"));
        assert_eq!(fm.all.get("ms.technology"), Some(serde_json::json!("exchange")));
        assert!(fm.noindex());
        assert_eq!(fm.robots_meta().as_deref(), Some("noindex, nofollow"));
        assert_eq!(fm.ms_custom, vec!["9003259", "6128"]);
        assert_eq!(fm.all.get("ms.collection"), Some(serde_json::json!("Adm_O365")));
        assert_eq!(fm.all.get("ms.localizationpriority"), Some(serde_json::json!("high")));
        assert!(fm.all.contains_key("extra_key"));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("13/01/2021"));
        assert_eq!(diags[0].line, 10);
    }

    #[test]
    fn yaml_error_position() {
        let yaml = "title: ok\ndescription: [broken\nauthor: me\n";
        let e = parse(yaml, 2, "x.md", &mut vec![]).unwrap_err();
        assert_eq!((e.line, e.column), (3, 14), "{e:?}");
    }

    #[test]
    fn split_front_matter() {
        let s = split("---\ntitle: a\n---\n# Hi\n");
        assert_eq!(s.yaml, Some("title: a\n"));
        assert_eq!(s.body, "# Hi\n");
        assert_eq!(s.body_offset, 17);
        assert!(split("# no front matter\n").yaml.is_none());
    }
}
