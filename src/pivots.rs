//! Zone pivots: `zone_pivot_groups: group-id` in an article's front matter
//! names groups of `zone-pivot-groups.yml` (in the source locale's folder or
//! the site folder), whose pivots the article's `:::zone pivot="..."`
//! sections belong to. Each such page gets a pivot selector (`page.pivots`)
//! that the theme's script uses to show one pivot's zones; without
//! JavaScript every zone is shown. Unknown groups and pivot IDs are
//! reported where they are written.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::discover::display_path;
use crate::parse::Article;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const FILE: &str = "zone-pivot-groups.yml";

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize)]
struct Group {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    pivots: Vec<Pivot>,
}

#[derive(Debug, Clone, Deserialize)]
struct Pivot {
    id: String,
    #[serde(default)]
    title: String,
}

#[derive(Default)]
pub struct PivotGroups {
    groups: HashMap<String, Group>,
    display: String,
}

/// The group IDs an article asks for (`a, b` or a list).
fn wanted(a: &Article) -> Vec<String> {
    match a.fm.all.get("zone_pivot_groups") {
        Some(Value::String(s)) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        Some(Value::Array(v)) => v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

impl PivotGroups {
    pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> PivotGroups {
        let Some(path) = [config.locales[0].root.join(FILE), config.site_root.join(FILE)]
            .into_iter()
            .find(|p| p.is_file())
        else {
            return PivotGroups::default();
        };
        let display = display_path(&config.site_root, &path);
        let text = match config.fence.read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "pivots",
                    &display,
                    format!("cannot read {FILE}: {e}"),
                ));
                return PivotGroups::default();
            }
        };
        if let Err(d) = crate::yaml_depth::check_depth(&text, 1, &display, "pivots") {
            diags.push(d);
            return PivotGroups::default();
        }
        match serde_yaml::from_str::<File>(text.trim_start_matches('\u{FEFF}')) {
            Ok(f) => PivotGroups {
                groups: f.groups.into_iter().map(|g| (g.id.clone(), g)).collect(),
                display,
            },
            Err(e) => {
                let mut d = Diagnostic::error("pivots", &display, format!("{FILE} is not valid: {e}"));
                if let Some(l) = e.location() {
                    let (line, column) = crate::diagnostics::clamp_position(&text, l.line(), l.column());
                    d = d.at(line, column);
                }
                diags.push(d);
                PivotGroups::default()
            }
        }
    }

    /// Reports unknown groups and zone pivots that are in none of the
    /// article's groups.
    pub fn check(&self, articles: &[Article], diags: &mut Vec<Diagnostic>) {
        // Front matter that never names the key is passed over with one
        // search for it, made once (`Meta::get` made the quoted key and
        // searched for it in each of 20,000 articles, 4 ms on one thread).
        let named = memchr::memmem::Finder::new(b"\"zone_pivot_groups\"");
        for a in articles {
            if named.find(a.fm.all.text().as_bytes()).is_none() {
                continue;
            }
            let want = wanted(a);
            if want.is_empty() {
                continue;
            }
            let mut known: Vec<&str> = Vec::new();
            for g in &want {
                match self.groups.get(g) {
                    Some(group) => known.extend(group.pivots.iter().map(|p| p.id.as_str())),
                    None => diags.push(
                        Diagnostic::warning(
                            "pivots",
                            &a.display,
                            format!(
                                "zone pivot group `{g}` is not defined{}",
                                if self.display.is_empty() {
                                    format!(" (there is no {FILE})")
                                } else {
                                    format!(" in {}", self.display)
                                }
                            ),
                        )
                        .at(1, 1),
                    ),
                }
            }
            if want.iter().any(|g| !self.groups.contains_key(g)) {
                continue;
            }
            for u in &a.md.pivots {
                if !known.contains(&u.id.as_str()) {
                    diags.push(
                        Diagnostic::warning(
                            "pivots",
                            &u.file,
                            format!("pivot `{}` is not in zone pivot group `{}`", u.id, want.join(", ")),
                        )
                        .at(u.line, u.column)
                        .help(format!("known pivots: {}", known.join(", "))),
                    );
                }
            }
        }
    }

    /// `page.pivots`: the selector of the article's first known group.
    pub fn for_article(&self, a: &Article) -> Value {
        let Some(g) = wanted(a).iter().find_map(|g| self.groups.get(g)) else {
            return Value::Null;
        };
        json!({
            "id": g.id,
            "title": g.title,
            "prompt": g.prompt,
            "pivots": g.pivots.iter().map(|p| json!({"id": p.id, "title": p.title})).collect::<Vec<_>>(),
        })
    }
}
