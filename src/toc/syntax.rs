//! TOC file syntax: `toc.yml` and `TOC.md` to entries as written (name,
//! link, the TOC file it is relative to, line and column), nested TOC
//! references marked for `nested` to expand.

use super::{RawItem, TOC_NAMES};
use crate::diagnostics::Diagnostic;
use crate::links::scheme;
use serde_yaml::Value as Yaml;

/// `# [Name](href)` lines; the number of `#` is the level.
pub(crate) fn parse_md(text: &str, rel: &str) -> Vec<RawItem> {
    let link_re = regex::Regex::new(r"^\[(.*)\]\(\s*<?([^)\s>]*)>?(?:\s+.*)?\)\s*$").unwrap();
    let mut root: Vec<RawItem> = Vec::new();
    let mut path: Vec<usize> = Vec::new(); // levels of the open items
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_end();
        let level = t.bytes().take_while(|&b| b == b'#').count();
        if level == 0 || !t[level..].starts_with(' ') {
            continue;
        }
        let content = t[level..].trim();
        let col_off = t.len() - t[level..].trim_start().len();
        let (name, dest, dcol) = match link_re.captures(content) {
            // `## [Name]()`: a group label, not a link.
            Some(c) if c[2].is_empty() => (c[1].to_string(), None, col_off),
            Some(c) => {
                let href = c.get(2).unwrap();
                (
                    c[1].to_string(),
                    Some(href.as_str().to_string()),
                    col_off + href.start(),
                )
            }
            None => match content.strip_prefix('@') {
                Some(uid) => (uid.to_string(), Some(format!("xref:{uid}")), col_off),
                None => (content.to_string(), None, col_off),
            },
        };
        let item = RawItem {
            name,
            dest: dest.map(|d| mark_toc_ref(&d, None)),
            toc_rel: rel.to_string(),
            line: n + 1,
            column: dcol + 1,
            expanded: false,
            items: Vec::new(),
        };
        while path.last().is_some_and(|&l| l >= level) {
            path.pop();
        }
        // Walk down to the parent.
        let mut siblings = &mut root;
        for _ in 0..path.len() {
            siblings = &mut siblings.last_mut().unwrap().items;
        }
        siblings.push(item);
        path.push(level);
    }
    root
}

/// `href` that names a TOC file (or a `tocHref`) becomes
/// `\0toc:<toc>\0<topicHref>`, expanded by `expand_nested`.
fn mark_toc_ref(href: &str, topic: Option<&str>) -> String {
    let lower = href.to_ascii_lowercase();
    let path = lower.split(['#', '?']).next().unwrap_or("");
    let is_toc = TOC_NAMES.iter().any(|n| path == *n || path.ends_with(&format!("/{n}")));
    if (is_toc || path.ends_with('/')) && scheme(href).is_none() && !href.starts_with('/') {
        format!("\u{0}toc:{href}\u{0}{}", topic.unwrap_or(""))
    } else {
        href.to_string()
    }
}

pub(crate) fn parse_yml(text: &str, rel: &str, shown: &str, diags: &mut Vec<Diagnostic>) -> Vec<RawItem> {
    if let Err(d) = crate::yaml_depth::check_depth(text, 1, shown, "toc") {
        diags.push(d);
        return Vec::new();
    }
    let doc: Yaml = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::error("toc", shown, format!("the TOC file is not valid YAML: {e}"));
            if let Some(l) = e.location() {
                let (line, column) = crate::diagnostics::clamp_position(text, l.line(), l.column());
                d = d.at(line, column);
            }
            diags.push(d);
            return Vec::new();
        }
    };
    let list = match &doc {
        Yaml::Sequence(s) => s.clone(),
        Yaml::Mapping(m) => match m.get("items") {
            Some(Yaml::Sequence(s)) => s.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut pos = Positions::new(text);
    yml_items(&list, rel, shown, &mut pos, diags)
}

/// Finds where `key: value` is written, in order, for positions.
pub(crate) struct Positions<'t> {
    lines: Vec<&'t str>,
    used: Vec<bool>,
}

impl<'t> Positions<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let used = vec![false; lines.len()];
        Positions { lines, used }
    }

    /// (line, column of the value) of the first unused `key: value` line.
    pub(crate) fn find(&mut self, key: &str, value: &str) -> (usize, usize) {
        for (i, l) in self.lines.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let Some(rest) = t.strip_prefix(key).and_then(|r| r.trim_start().strip_prefix(':')) else {
                continue;
            };
            let v = rest.trim();
            let v = v.split(" #").next().unwrap_or(v).trim();
            if v.trim_matches(['"', '\'']) == value {
                self.used[i] = true;
                let col = l.len() - rest.trim_start().len() + 1;
                return (i + 1, col);
            }
        }
        (0, 0)
    }
}

fn yml_items(list: &[Yaml], rel: &str, shown: &str, pos: &mut Positions, diags: &mut Vec<Diagnostic>) -> Vec<RawItem> {
    let mut out = Vec::new();
    for v in list {
        let Yaml::Mapping(m) = v else {
            diags.push(Diagnostic::warning(
                "toc",
                shown,
                "a TOC entry is not a mapping; ignored",
            ));
            continue;
        };
        let s = |k: &str| m.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let name = s("name").or_else(|| s("displayName")).unwrap_or_default();
        let href = s("href");
        let topic = s("topicHref").or_else(|| s("topichref"));
        let toc_href = s("tocHref").or_else(|| s("tochref"));
        let uid = s("uid").or_else(|| s("topicUid"));
        let (key, written) = match (&href, &toc_href, &topic, &uid) {
            (Some(h), _, _, _) => ("href", h.clone()),
            (None, Some(t), _, _) => ("tocHref", t.clone()),
            (None, None, Some(t), _) => ("topicHref", t.clone()),
            (None, None, None, Some(u)) => ("uid", u.clone()),
            _ => ("", String::new()),
        };
        let (line, column) = if key.is_empty() {
            pos.find("name", &name)
        } else {
            pos.find(key, &written)
        };
        let dest = match (&href, &toc_href) {
            (Some(h), _) => Some(mark_toc_ref(h, topic.as_deref())),
            (None, Some(t)) if scheme(t).is_none() && !t.starts_with('/') => {
                Some(format!("\u{0}toc:{t}\u{0}{}", topic.clone().unwrap_or_default()))
            }
            _ => topic.clone().or_else(|| uid.clone().map(|u| format!("xref:{u}"))),
        };
        if name.is_empty() && dest.is_none() {
            continue;
        }
        let items = match m.get("items") {
            Some(Yaml::Sequence(s)) => yml_items(s, rel, shown, pos, diags),
            _ => Vec::new(),
        };
        out.push(RawItem {
            name,
            dest,
            toc_rel: rel.to_string(),
            line,
            column,
            expanded: m.get("expanded").and_then(|x| x.as_bool()).unwrap_or(false),
            items,
        });
    }
    out
}

/// Every entry's position, depth first (for the property tests).
#[cfg(test)]
pub(crate) fn positions(items: &[RawItem]) -> Vec<(usize, usize)> {
    items
        .iter()
        .flat_map(|i| std::iter::once((i.line, i.column)).chain(positions(&i.items)))
        .collect()
}
