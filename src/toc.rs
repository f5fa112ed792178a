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
use crate::links::{scheme, Class, Resolver};
use crate::markdown::{Link, LinkKind, Origin};
use crate::site::{relative_url, Page, Site};
use serde_json::{json, Value};
use serde_yaml::Value as Yaml;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    let mut dirs: Vec<String> = vec![String::new()];
    for a in site.articles.iter().filter(|a| a.locale == locale) {
        if let Some(i) = a.rel.rfind('/') {
            let d = a.rel[..=i].to_string();
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| TOC_NAMES.contains(&n.to_ascii_lowercase().as_str()))
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

/// Entries one TOC may have with its nested TOC files expanded.
const MAX_TOC_ITEMS: usize = 20_000;

/// Reads TOC files, each once per build: a nested TOC file referenced many
/// times is read, parsed and expanded once, and a TOC is cut (with an error
/// at the reference) when it would grow past `MAX_TOC_ITEMS` entries.
#[derive(Default)]
struct Loader {
    /// TOC files with their nested TOC files expanded.
    expanded: HashMap<PathBuf, Vec<RawItem>>,
    /// Entries of the TOC being loaded so far.
    used: usize,
    stack: Vec<PathBuf>,
}

fn count(items: &[RawItem]) -> usize {
    items.iter().map(|i| 1 + count(&i.items)).sum()
}

impl Loader {
    /// Reads a TOC file (`rel` inside the locale tree at `root`), with its
    /// nested TOC files expanded.
    fn load(
        &mut self,
        config: &Config,
        path: &Path,
        rel: &str,
        root: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<RawItem> {
        self.used = 0;
        self.stack.clear();
        self.load_inner(config, path, rel, root, diags)
    }

    fn load_inner(
        &mut self,
        config: &Config,
        path: &Path,
        rel: &str,
        root: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<RawItem> {
        if let Some(items) = self.expanded.get(path) {
            return items.clone();
        }
        let shown = display(config, path);
        let text = match config.fence.read_to_string(path) {
            Ok(t) => t.trim_start_matches('\u{FEFF}').to_string(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "toc",
                    shown,
                    format!("cannot read the TOC file: {e}"),
                ));
                return Vec::new();
            }
        };
        if self.stack.contains(&path.to_path_buf()) {
            diags.push(Diagnostic::error(
                "toc",
                shown,
                "this TOC file includes itself through nested TOC references",
            ));
            return Vec::new();
        }
        self.stack.push(path.to_path_buf());
        let mut items = if rel.to_ascii_lowercase().ends_with(".md") {
            parse_md(&text, rel)
        } else {
            parse_yml(&text, rel, &shown, diags)
        };
        self.used += count(&items);
        self.expand_nested(config, &mut items, root, diags);
        self.stack.pop();
        self.expanded.insert(path.to_path_buf(), items.clone());
        items
    }

    /// Replaces `href: sub/toc.yml` / `tocHref:` entries with the nested file's
    /// items, and `href: folder/` with the folder TOC's first link.
    fn expand_nested(&mut self, config: &Config, items: &mut [RawItem], root: &Path, diags: &mut Vec<Diagnostic>) {
        for it in items.iter_mut() {
            self.expand_nested(config, &mut it.items, root, diags);
            let Some(dest) = it.dest.clone() else { continue };
            let Some(nested) = dest.strip_prefix("\u{0}toc:") else {
                continue;
            };
            let (toc, topic) = match nested.split_once('\u{0}') {
                Some((a, b)) => (a.to_string(), (!b.is_empty()).then(|| b.to_string())),
                None => (nested.to_string(), None),
            };
            let Some(nested_rel) = crate::links::join_rel(&it.toc_rel, &toc) else {
                diags.push(
                    Diagnostic::error(
                        "toc",
                        display(config, &root.join(&it.toc_rel)),
                        format!("`{toc}` is outside the locale folder"),
                    )
                    .at(it.line, it.column),
                );
                it.dest = topic;
                continue;
            };
            let folder = toc.ends_with('/');
            let file = if folder {
                TOC_NAMES
                    .iter()
                    .map(|n| format!("{nested_rel}{n}"))
                    .find(|r| root.join(r).is_file())
            } else {
                Some(nested_rel.clone())
            };
            match file.filter(|r| root.join(r).is_file()) {
                Some(r) if config.fence.admit(&root.join(&r)).is_err() => {
                    diags.push(
                        Diagnostic::error(
                            "toc",
                            display(config, &root.join(&it.toc_rel)),
                            format!(
                                "TOC entry \"{}\": `{toc}` leaves the site: its real path (symbolic links resolved) is outside the site folder and the locale folders",
                                it.name
                            ),
                        )
                        .at(it.line, it.column),
                    );
                    it.dest = topic;
                }
                Some(r) => {
                    let cached = self.expanded.contains_key(&root.join(&r));
                    let children = self.load_inner(config, &root.join(&r), &r, root, diags);
                    if folder {
                        // A folder link: the item points at the folder TOC's first page.
                        it.dest =
                            topic.or_else(|| first_dest(&children).map(|(d, base)| rebase(&d, &base, &it.toc_rel)));
                        if it.dest.is_none() {
                            it.dest = Some(toc.clone());
                        }
                    } else {
                        // A fresh load counted its entries as it went.
                        let n = if cached { count(&children) } else { 0 };
                        if self.used + n > MAX_TOC_ITEMS {
                            diags.push(
                                Diagnostic::error(
                                    "toc",
                                    display(config, &root.join(&it.toc_rel)),
                                    format!(
                                        "TOC entry \"{}\": with `{toc}` expanded the TOC would have more than {MAX_TOC_ITEMS} entries; it is left out",
                                        it.name
                                    ),
                                )
                                .at(it.line, it.column)
                                .help("nested TOC files are referenced too many times (a TOC that references others several times, over several levels)"),
                            );
                        } else {
                            self.used += n;
                            it.items.extend(children);
                        }
                        it.dest = topic;
                    }
                }
                None if folder => it.dest = Some(topic.unwrap_or(toc)),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "link-missing-file",
                            display(config, &root.join(&it.toc_rel)),
                            format!("TOC entry \"{}\": no TOC file `{toc}`", it.name),
                        )
                        .at(it.line, it.column),
                    );
                    it.dest = topic;
                }
            }
        }
    }
}

fn first_dest(items: &[RawItem]) -> Option<(String, String)> {
    for it in items {
        if let Some(d) = &it.dest {
            if scheme(d).is_none() {
                return Some((d.clone(), it.toc_rel.clone()));
            }
        }
        if let Some(x) = first_dest(&it.items) {
            return Some(x);
        }
    }
    None
}

/// `dest` written in the TOC at `from_toc`, rewritten relative to `to_toc`.
fn rebase(dest: &str, from_toc: &str, to_toc: &str) -> String {
    match crate::links::join_rel(from_toc, dest) {
        Some(abs) => {
            let dir = match to_toc.rfind('/') {
                Some(i) => &to_toc[..=i],
                None => "",
            };
            relative_url(dir, &abs)
        }
        None => dest.to_string(),
    }
}

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
    if let Err(d) = crate::frontmatter::check_depth(text, 1, shown, "toc") {
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
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
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

/// Every entry's position, depth first (for the property tests).
#[cfg(test)]
pub(crate) fn positions(items: &[RawItem]) -> Vec<(usize, usize)> {
    items
        .iter()
        .flat_map(|i| std::iter::once((i.line, i.column)).chain(positions(&i.items)))
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
