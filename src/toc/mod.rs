//! Navigation from DocFX table-of-contents files: `toc.yml` (`name`,
//! `href`, `items`, `expanded`, `topicHref`, `tocHref`, `uid`, nested
//! `toc.yml` by reference, `href` to a folder) and `TOC.md` (`#` levels of
//! `[name](href)` lines). Every entry is resolved once per locale like any
//! other link (a target that does not exist is a link error, reported in
//! the TOC file); each page then gets its place: a sidebar with the current
//! entry marked and its branch open, breadcrumbs, and previous/next.
//!
//! A translated TOC file supplies translated names; without one the
//! source's TOC is used, with names taken from the translated articles'
//! titles.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::index::LinkIndex;
use crate::links::{Class, Resolver};
use crate::markdown::{Link, LinkKind, Origin};
use crate::site::{relative_url, Page, Site};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

mod nested;
mod syntax;

use nested::Loader;
pub(crate) use syntax::Positions;
#[cfg(test)]
pub(crate) use syntax::{parse_md, parse_yml, positions};

/// An entry as written in a TOC file.
#[derive(Debug, Clone)]
pub(crate) struct RawItem {
    name: String,
    /// Link as written, and the TOC file it is relative to.
    dest: Option<String>,
    toc_rel: String,
    line: usize,
    column: usize,
    expanded: bool,
    items: Vec<RawItem>,
}

/// A resolved entry.
#[derive(Debug, Clone)]
struct Item {
    name: String,
    /// Site-relative URL of a page or file (`en-us/a/`), or an absolute URL.
    target: Option<String>,
    external: bool,
    expanded: bool,
    items: Vec<Item>,
}

struct Tree {
    /// Folder of the TOC file inside the locale tree (`` or `sub/`).
    dir: String,
    items: Vec<Item>,
}

#[derive(Default)]
struct LocaleNav {
    trees: Vec<Tree>,
    /// Page URL -> (tree, path of indices) of its first entry.
    places: HashMap<String, (usize, Vec<usize>)>,
    /// Per tree: page URLs in reading order (for previous/next).
    order: Vec<Vec<(String, String)>>,
}

#[derive(Default)]
pub struct Nav {
    locales: Vec<LocaleNav>,
}

const TOC_NAMES: [&str; 2] = ["toc.yml", "toc.md"];

impl Nav {
    pub fn build(config: &Config, site: &Site, index: &LinkIndex, diags: &mut Vec<Diagnostic>) -> Nav {
        let mut nav = Nav::default();
        if site.articles.is_empty() {
            return nav;
        }
        let source_tocs = toc_files(&config.locales[0].root, site, 0);
        let resolver = Resolver { config, site, index };
        let mut loader = Loader::default();
        for (li, locale) in config.locales.iter().enumerate() {
            let mut ln = LocaleNav::default();
            for rel in &source_tocs {
                let own = locale.root.join(rel);
                let (raw, translated) = if li != 0 && own.is_file() {
                    (loader.load(config, &own, rel, &locale.root, diags), true)
                } else {
                    let src = config.locales[0].root.join(rel);
                    let mut d = Vec::new();
                    let raw = loader.load(config, &src, rel, &config.locales[0].root, &mut d);
                    if li == 0 {
                        diags.extend(d);
                    }
                    (raw, li == 0)
                };
                let dir = match rel.rfind('/') {
                    Some(i) => rel[..=i].to_string(),
                    None => String::new(),
                };
                let fake = Page {
                    locale: li,
                    rel: rel.clone(),
                    article: 0,
                    fallback: false,
                    url: format!("{}/{dir}", locale.code),
                };
                let mut out = Vec::new();
                let items = resolve_items(&resolver, &fake, &raw, translated, &mut out);
                diags.extend(out);
                ln.trees.push(Tree { dir, items });
            }
            for (t, tree) in ln.trees.iter().enumerate() {
                let mut order = Vec::new();
                let mut path = Vec::new();
                place(&tree.items, t, &mut path, &mut ln.places, &mut order);
                ln.order.push(order);
            }
            nav.locales.push(ln);
        }
        nav
    }

    /// The template context `page.nav` of `page` (`null` without a TOC).
    pub fn for_page(&self, page: &Page) -> Value {
        let Some(ln) = self.locales.get(page.locale) else {
            return Value::Null;
        };
        let (tree, path) = match ln.places.get(&page.url) {
            Some((t, p)) => (*t, Some(p.clone())),
            None => {
                // Not in any TOC: the nearest one up the folders.
                let best = ln
                    .trees
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| page.rel.starts_with(&t.dir))
                    .max_by_key(|(_, t)| t.dir.len());
                match best {
                    Some((t, _)) => (t, None),
                    None => return Value::Null,
                }
            }
        };
        let items = &ln.trees[tree].items;
        let path = path.unwrap_or_default();
        let sidebar = sidebar(items, &path, 0, &page.url);
        let mut crumbs = Vec::new();
        let mut level = items;
        for (depth, &k) in path.iter().enumerate() {
            let it = &level[k];
            let last = depth + 1 == path.len();
            crumbs.push(json!({
                "name": it.name,
                "url": link(it, &page.url).unwrap_or_default(),
                "current": last,
            }));
            level = &it.items;
        }
        let order = &ln.order[tree];
        let pos = order.iter().position(|(u, _)| *u == page.url);
        let neighbour = |i: Option<usize>| -> Value {
            match i.and_then(|i| order.get(i)) {
                Some((u, name)) => json!({"name": name, "url": relative_url(&page.url, u)}),
                None => Value::Null,
            }
        };
        let (prev, next) = match pos {
            Some(p) => (neighbour(p.checked_sub(1)), neighbour(Some(p + 1))),
            None => (Value::Null, Value::Null),
        };
        json!({"items": sidebar, "breadcrumbs": crumbs, "prev": prev, "next": next})
    }
}

/// TOC files of the source tree: at the root, and in folders that hold
/// articles (a `breadcrumb/toc.yml` for Learn's site header is not one).
fn toc_files(root: &Path, site: &Site, locale: usize) -> Vec<String> {
    // (A set: a site has thousands of articles in a few hundred folders.)
    let mut dirs: std::collections::BTreeSet<&str> = std::collections::BTreeSet::from([""]);
    for a in site.articles.iter().filter(|a| a.locale == locale) {
        if let Some(i) = a.rel.rfind('/') {
            dirs.insert(&a.rel[..=i]);
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(d)) else {
            continue;
        };
        // By name first: only a TOC file's name is looked up (not every
        // article's).
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                TOC_NAMES
                    .iter()
                    .any(|t| name.as_encoded_bytes().eq_ignore_ascii_case(t.as_bytes()))
            })
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // toc.yml wins over TOC.md in one folder.
        names.sort_by_key(|n| !n.eq_ignore_ascii_case("toc.yml"));
        if let Some(n) = names.first() {
            out.push(format!("{d}{n}"));
        }
    }
    out
}

fn display(config: &Config, p: &Path) -> String {
    crate::discover::display_path(&config.site_root, p)
}

fn resolve_items(r: &Resolver, fake: &Page, raw: &[RawItem], report: bool, diags: &mut Vec<Diagnostic>) -> Vec<Item> {
    raw.iter()
        .map(|it| {
            let (target, external) = match &it.dest {
                Some(d) => {
                    let shown = crate::discover::display_path(
                        &r.config.site_root,
                        &r.config.locales[fake.locale].root.join(&it.toc_rel),
                    );
                    let link = Link {
                        dest: d.clone(),
                        text: it.name.clone(),
                        line: it.line,
                        column: it.column,
                        kind: LinkKind::Link,
                        origin: Some(Arc::new(Origin {
                            rel: it.toc_rel.clone(),
                            display: shown,
                        })),
                    };
                    let res = r.resolve(fake, &link, report);
                    diags.extend(res.diags);
                    match res.class {
                        Class::Broken => (None, false),
                        Class::External | Class::Other => (Some(res.href), true),
                        _ => (Some(site_url(&fake.url, &res.href)), false),
                    }
                }
                None => (None, false),
            };
            // Without a translated TOC, a translated article's own title.
            let mut name = it.name.clone();
            if !report && fake.locale != 0 {
                if let Some(t) = target.as_deref().filter(|_| !external) {
                    if let Some(p) = r.site.pages.iter().find(|p| p.locale == fake.locale && p.url == t) {
                        if !p.fallback {
                            name = r.site.articles[p.article].title.clone();
                        }
                    }
                }
            }
            Item {
                name,
                target,
                external,
                expanded: it.expanded,
                items: resolve_items(r, fake, &it.items, report, diags),
            }
        })
        .collect()
}

/// `href` (relative to the folder URL `dir`) as a site-relative URL.
fn site_url(dir: &str, href: &str) -> String {
    let (path, rest) = match href.find(['#', '?']) {
        Some(i) => (&href[..i], &href[i..]),
        None => (href, ""),
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    crate::links::push_segments(&mut parts, path);
    let mut out = parts.join("/");
    if path.ends_with('/') || path.is_empty() {
        out.push('/');
    }
    format!("{out}{rest}")
}

fn place(
    items: &[Item],
    tree: usize,
    path: &mut Vec<usize>,
    places: &mut HashMap<String, (usize, Vec<usize>)>,
    order: &mut Vec<(String, String)>,
) {
    for (k, it) in items.iter().enumerate() {
        path.push(k);
        if let Some(t) = it.target.as_ref().filter(|_| !it.external) {
            let page_url = t.split(['#', '?']).next().unwrap_or(t).to_string();
            places.entry(page_url.clone()).or_insert_with(|| (tree, path.clone()));
            if !order.iter().any(|(u, _)| *u == page_url) {
                order.push((page_url, it.name.clone()));
            }
        }
        place(&it.items, tree, path, places, order);
        path.pop();
    }
}

fn link(it: &Item, from: &str) -> Option<String> {
    let t = it.target.as_ref()?;
    Some(if it.external { t.clone() } else { relative_url(from, t) })
}

/// The sidebar entries: every entry of a level on the current branch, with
/// the branch (and `expanded` entries) open.
fn sidebar(items: &[Item], path: &[usize], depth: usize, from: &str) -> Vec<Value> {
    items
        .iter()
        .enumerate()
        .map(|(k, it)| {
            let on_path = path.get(depth) == Some(&k);
            let current = on_path && depth + 1 == path.len();
            let open = (on_path || it.expanded) && !it.items.is_empty();
            let children = if open {
                sidebar(&it.items, if on_path { path } else { &[] }, depth + 1, from)
            } else {
                Vec::new()
            };
            json!({
                "name": it.name,
                "url": link(it, from).unwrap_or_default(),
                "external": it.external,
                "current": current,
                "open": open,
                "has_children": !it.items.is_empty(),
                "items": children,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_md_levels() {
        let items = parse_md(
            "# [Home](index.md)\n## Group\n### [A](a.md)\n## [B](b.md)\n# @uid.c\n",
            "TOC.md",
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].items.len(), 2);
        assert_eq!(items[0].items[0].name, "Group");
        assert_eq!(items[0].items[0].items[0].dest.as_deref(), Some("a.md"));
        assert_eq!(
            (items[0].items[0].items[0].line, items[0].items[0].items[0].column),
            (3, 9)
        );
        assert_eq!(items[1].dest.as_deref(), Some("xref:uid.c"));
    }

    #[test]
    fn site_urls() {
        assert_eq!(site_url("en-us/sub/", "../a/"), "en-us/a/");
        assert_eq!(site_url("en-us/", "b/#x"), "en-us/b/#x");
        assert_eq!(site_url("en-us/", "media/x.png"), "en-us/media/x.png");
    }
}
