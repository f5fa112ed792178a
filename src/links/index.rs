//! The link index: everything a link can point at, built once for the whole
//! site after parsing: pages and assets per locale (with case-folded keys
//! for case-mismatch errors), `uid`s, the IDs on every article, `ms.custom`
//! article IDs, and redirects (chains followed).

use super::redirects::{self, RedirectRule};
use super::Resolver;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectTarget {
    /// An article path in the locale tree.
    Page(String),
    External(String),
}

#[derive(Debug, Clone)]
pub struct Redirect {
    pub target: RedirectTarget,
    /// Number of hops followed to reach `target`.
    pub hops: usize,
}

pub struct LinkIndex {
    /// Per locale: lower-cased path -> real path, for articles and assets.
    pub lower: Vec<crate::search::fxhash::FxHashMap<String, String>>,
    pub uids: HashMap<String, String>,
    /// Per article: every ID on the page as rendered.
    pub ids: Vec<Ids>,
    /// Source article path -> redirect (applies in every locale).
    pub redirects: HashMap<String, Redirect>,
    /// Lower-cased redirected path -> the path as the rule writes it.
    pub redirects_lower: HashMap<String, String>,
    /// (locale, path) of files a `docfx.json` leaves out -> why.
    pub excluded: HashMap<(usize, String), String>,
    /// Per locale: `ms.custom` numeric ID -> article path.
    pub article_ids: Vec<BTreeMap<String, String>>,
    /// (locale, missing path) -> the nearest file, as `nearest_file` found
    /// it: `serve` renders pages again on every template change and edit,
    /// and the search over every file is the dearest part of a broken link.
    /// Valid while the files are (a new index is built when they change).
    nearest: std::sync::Mutex<HashMap<(usize, String), Option<String>>>,
    /// Per locale: the files `nearest_file` searches (the locale's and the
    /// source locale's), made at the first missing file.
    names: Vec<std::sync::OnceLock<super::suggest::Names>>,
}

impl LinkIndex {
    /// The file of locale `li` or of the source locale nearest to the
    /// missing `target` (lower-cased path), if one is close enough to be a
    /// likely typo; each (locale, target) is searched for once.
    pub fn nearest_file(&self, li: usize, target: &str) -> Option<String> {
        let key = (li, target.to_string());
        if let Some(found) = self.nearest.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return found.clone();
        }
        let names = self.names[li].get_or_init(|| {
            super::suggest::Names::new(
                self.lower[li]
                    .values()
                    .chain(self.lower[0].values())
                    .map(String::as_str),
            )
        });
        let found = names.nearest(target).map(str::to_string);
        self.nearest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, found.clone());
        found
    }

    pub fn build(config: &Config, site: &Site, diags: &mut Vec<Diagnostic>) -> LinkIndex {
        let n = config.locales.len();
        use rayon::prelude::*;
        // Every article's IDs (in parallel) beside the maps by path, uid
        // and article ID (one thread), each map sized once.
        let (ids, ((lower, uids, article_ids), found)) = rayon::join(
            || site.articles.par_iter().map(ids_of).collect(),
            || {
                let mut found = Vec::new();
                (maps(site, n, &mut found), found)
            },
        );
        diags.extend(found);
        let mut index = LinkIndex {
            lower,
            uids,
            ids,
            redirects: HashMap::new(),
            redirects_lower: HashMap::new(),
            excluded: HashMap::new(),
            article_ids,
            nearest: Default::default(),
            names: (0..n).map(|_| Default::default()).collect(),
        };
        let rules = redirect_rules(config, site, diags);
        // While hops are resolved, every redirected path must already count
        // as a redirect (a rule may point at another redirected path).
        index.redirects = rules
            .iter()
            .map(|r| {
                (
                    r.source_rel.clone(),
                    Redirect {
                        target: RedirectTarget::Page(r.source_rel.clone()),
                        hops: 0,
                    },
                )
            })
            .collect();
        index.redirects = follow_redirects(config, site, &index, &rules, diags);
        index.redirects_lower = index.redirects.keys().map(|k| (k.to_lowercase(), k.clone())).collect();
        index
    }
}

/// The lower-cased paths of each locale, the uids and each locale's
/// `ms.custom` article IDs, with the duplicates' diagnostics.
type Maps = (
    Vec<crate::search::fxhash::FxHashMap<String, String>>,
    HashMap<String, String>,
    Vec<BTreeMap<String, String>>,
);

fn maps(site: &Site, n: usize, diags: &mut Vec<Diagnostic>) -> Maps {
    use rayon::prelude::*;
    // Each locale's map of lower-cased paths on a thread of its own,
    // beside the uids and article IDs.
    let (lower, (uids, article_ids)) = rayon::join(
        || (0..n).into_par_iter().map(|li| lower_paths(site, li)).collect(),
        || ids_by_name(site, n, diags),
    );
    (lower, uids, article_ids)
}

/// Locale `li`'s articles and assets by lower-cased path (sized once).
fn lower_paths(site: &Site, li: usize) -> crate::search::fxhash::FxHashMap<String, String> {
    let articles = site.articles.iter().filter(|a| a.locale == li).map(|a| &a.rel);
    let assets = site.assets.iter().filter(|a| a.locale == li).map(|a| &a.rel);
    let mut m = crate::search::fxhash::FxHashMap::default();
    m.reserve(articles.clone().count() + assets.clone().count());
    for rel in articles.chain(assets) {
        m.insert(rel.to_lowercase(), rel.clone());
    }
    m
}

/// The uids, and each locale's `ms.custom` article IDs, with the
/// duplicates' diagnostics: the uids beside each locale's IDs, then the
/// source's IDs copied into each locale it falls back in, each locale on
/// a thread of its own (10,000 IDs a locale: alone on one thread, this
/// was the longest step of building the link index).
fn ids_by_name(
    site: &Site,
    n: usize,
    diags: &mut Vec<Diagnostic>,
) -> (HashMap<String, String>, Vec<BTreeMap<String, String>>) {
    use rayon::prelude::*;
    let ((uids, uid_diags), found): (_, Vec<_>) = rayon::join(
        || uids(site),
        || (0..n).into_par_iter().map(|li| article_ids(site, li)).collect(),
    );
    diags.extend(uid_diags);
    let (mut article_ids, id_diags): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    diags.extend(id_diags.into_iter().flatten());
    // Fallback pages carry the source article's IDs in every locale.
    // (Copied only for the pages that fall back, not every source ID.)
    if let Some((source, others)) = article_ids.split_first_mut() {
        let source = &*source;
        others.par_iter_mut().enumerate().for_each(|(i, ids)| {
            for (id, rel) in source.iter() {
                let translated = site.page(i + 1, rel).is_some_and(|p| !p.fallback);
                if !translated && !ids.contains_key(id) {
                    ids.insert(id.clone(), rel.clone());
                }
            }
        });
    }
    (uids, article_ids)
}

/// The uids (of any locale's article; the first met wins), and the
/// source locale's duplicates.
fn uids(site: &Site) -> (HashMap<String, String>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut uids: HashMap<String, String> = HashMap::new();
    let mut uid_file: HashMap<String, &str> = HashMap::new();
    for a in &site.articles {
        if let Some(uid) = &a.fm.uid {
            if a.locale == 0 {
                if let Some(other) = uid_file.insert(uid.clone(), &a.display) {
                    diags.push(
                        Diagnostic::error(
                            "uid-duplicate",
                            &a.display,
                            format!("uid `{uid}` is also the uid of {other}"),
                        )
                        .at(1, 1),
                    );
                }
            }
            uids.entry(uid.clone()).or_insert_with(|| a.rel.clone());
        }
    }
    (uids, diags)
}

/// Locale `li`'s own `ms.custom` article IDs (each to the first article
/// met with it), and its duplicates.
fn article_ids(site: &Site, li: usize) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // The IDs as first met, then the map built at once from them (sorted,
    // not inserted one by one). (Borrowed IDs: one per article on most
    // sites.)
    let mut firsts: Vec<(&str, &str)> = Vec::new();
    let mut id_file: crate::search::fxhash::FxHashMap<&str, &str> = Default::default();
    for a in site.articles.iter().filter(|a| a.locale == li) {
        for id in
            a.fm.ms_custom
                .iter()
                .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        {
            if let Some(other) = id_file.insert(id, &a.display) {
                if other != a.display {
                    diags.push(
                        Diagnostic::error(
                            "article-id-duplicate",
                            &a.display,
                            format!("article ID {id} (ms.custom) is also used by {other}"),
                        )
                        .help("each numeric ms.custom ID names one article; give one of them a new ID"),
                    );
                }
                continue;
            }
            firsts.push((id, &a.rel));
        }
    }
    let ids = firsts
        .into_iter()
        .map(|(id, rel)| (id.to_string(), rel.to_string()))
        .collect();
    (ids, diags)
}

/// Every ID on an article's page as rendered: heading IDs and any other
/// `id`/`name`.
pub fn ids_of(a: &crate::parse::Article) -> Ids {
    Ids::new(
        a.md.headings
            .iter()
            .map(|h| h.id.as_str())
            .chain(a.md.other_ids.iter().map(String::as_str)),
    )
}

/// The IDs on one page, as a sorted list of 64-bit hashes of each: the
/// index keeps this for every article for the whole build (a set of the IDs
/// themselves cost a few hundred bytes an article). Two IDs that differ
/// share a hash about once in 2^64 lookups against a page's few IDs; that
/// would only let one broken anchor pass unreported, never report a good one.
#[derive(Debug, Clone, Default)]
pub struct Ids(Box<[u64]>);

impl Ids {
    pub fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Ids {
        let mut hashes: Vec<u64> = ids.map(id_hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Ids(hashes.into_boxed_slice())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search(&id_hash(id)).is_ok()
    }
}

/// XXH3 (64 bits, no seed): the same hash for an ID in every run.
fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

fn redirect_rules(config: &Config, site: &Site, diags: &mut Vec<Diagnostic>) -> Vec<RedirectRule> {
    let mut rules: Vec<RedirectRule> = Vec::new();
    let shown = |p: &std::path::Path| crate::discover::display_path(&config.site_root, p);
    match &config.redirects {
        Some(f) => {
            let file = config.site_root.join(f);
            let display = shown(&file);
            if !file.is_file() {
                diags.push(Diagnostic::error(
                    "redirects",
                    "polydoc.toml",
                    format!("the redirection file `{display}` does not exist"),
                ));
            }
            let folder = file.parent().unwrap_or(&config.site_root).to_path_buf();
            rules.extend(redirects::load(
                &file,
                &display,
                &folder,
                &config.source().root,
                &config.fence,
                diags,
            ));
        }
        None => {
            // Each locale's repository: the source's rules first. A
            // translation's repository adds rules only for paths the source
            // neither redirects nor publishes.
            let mut read: Vec<std::path::PathBuf> = Vec::new();
            for (li, locale) in config.locales.iter().enumerate() {
                let mut files: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
                if li == 0 {
                    let own = config.site_root.join(redirects::DEFAULT_FILE);
                    if own.is_file() {
                        files.push((own, config.site_root.clone()));
                    }
                }
                if let Some(repo) = crate::publishing::repository_root(&locale.root) {
                    let fence = crate::fence::Fence::new([repo.as_path(), config.site_root.as_path()]);
                    for f in crate::publishing::redirection_files(&repo) {
                        files.push((f, repo.clone()));
                    }
                    for (file, repo) in files {
                        let real = crate::fence::real_path(&file);
                        if read.contains(&real) && li == 0 {
                            continue;
                        }
                        read.push(real);
                        let display = shown(&file);
                        let found = redirects::load(&file, &display, &repo, &locale.root, &fence, diags);
                        if li == 0 {
                            rules.extend(found);
                        } else {
                            for r in found {
                                let taken = rules.iter().any(|x| x.source_rel == r.source_rel)
                                    || site.page_index.contains_key(&(0, r.source_rel.clone()));
                                if !taken {
                                    rules.push(r);
                                }
                            }
                        }
                    }
                } else {
                    for (file, folder) in files {
                        let display = shown(&file);
                        rules.extend(redirects::load(
                            &file,
                            &display,
                            &folder,
                            &locale.root,
                            &config.fence,
                            diags,
                        ));
                    }
                }
            }
        }
    }
    for a in site.articles.iter().filter(|a| a.locale == 0) {
        if let Some(url) = &a.fm.redirect_url {
            rules.push(RedirectRule {
                source_rel: a.rel.clone(),
                target: url.clone(),
                origin: a.display.clone(),
                line: 1,
            });
        }
    }
    // The first rule for a path wins.
    let mut seen = HashSet::new();
    rules.retain(|r| seen.insert(r.source_rel.clone()));
    rules
}

fn follow_redirects(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    rules: &[RedirectRule],
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Redirect> {
    // One hop per rule, resolved like a link written in the redirected file.
    let resolver = Resolver { config, site, index };
    let mut hop: HashMap<String, (RedirectTarget, &RedirectRule)> = HashMap::new();
    for rule in rules {
        match resolver.redirect_hop(&rule.source_rel, &rule.target) {
            Some(t) => {
                hop.insert(rule.source_rel.clone(), (t, rule));
            }
            // A relative target is a URL, resolved on Learn against the
            // redirected page's URL: one this site lacks may be another doc
            // set's page on the same host (as a root-relative one may).
            None => match resolver.relative_redirect_elsewhere(&rule.source_rel, &rule.target) {
                Some(url) => {
                    diags.push(
                        Diagnostic::warning(
                            "redirect-target",
                            &rule.origin,
                            format!(
                                "redirect of `{}` goes to `{}`, which is not a page of this site; it is published as a redirect to {url}",
                                rule.source_rel, rule.target
                            ),
                        )
                        .at(rule.line, 0)
                        .help("if that page belongs to this site, correct the target"),
                    );
                    hop.insert(rule.source_rel.clone(), (RedirectTarget::External(url), rule));
                }
                None => diags.push(
                    Diagnostic::error(
                        "redirect-target",
                        &rule.origin,
                        format!(
                            "redirect of `{}` goes to `{}`, which does not exist",
                            rule.source_rel, rule.target
                        ),
                    )
                    .at(rule.line, 0),
                ),
            },
        }
    }
    let mut out = HashMap::new();
    for (src, (first, rule)) in &hop {
        let mut seen = vec![src.clone()];
        let mut target = first.clone();
        let mut hops = 1;
        let mut looped = false;
        while let RedirectTarget::Page(next) = &target {
            let Some((t, _)) = hop.get(next) else { break };
            if seen.contains(next) {
                looped = true;
                break;
            }
            seen.push(next.clone());
            target = t.clone();
            hops += 1;
        }
        if looped {
            seen.push(seen[0].clone());
            diags.push(
                Diagnostic::error(
                    "redirect-loop",
                    &rule.origin,
                    format!("redirect loop: {}", seen.join(" -> ")),
                )
                .at(rule.line, 0)
                .help("point one of these redirects at a real page"),
            );
            continue;
        }
        if hops > 1 {
            seen.push(match &target {
                RedirectTarget::Page(p) => p.clone(),
                RedirectTarget::External(u) => u.clone(),
            });
            diags.push(
                Diagnostic::warning(
                    "redirect-chain",
                    &rule.origin,
                    format!("redirect chain of {hops} hops: {}", seen.join(" -> ")),
                )
                .at(rule.line, 0)
                .help("point the first redirect straight at the final page"),
            );
        }
        out.insert(src.clone(), Redirect { target, hops });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn ids_answer_for_exactly_the_ids_given() {
        let ids = Ids::new(["install", "set-up", "install", "Step-1", ""].into_iter());
        for id in ["install", "set-up", "Step-1", ""] {
            assert!(ids.contains(id), "{id}");
        }
        for id in ["Install", "step-1", "set-up ", "instal", "installx"] {
            assert!(!ids.contains(id), "{id}");
        }
        assert!(!Ids::default().contains(""));
    }
}
