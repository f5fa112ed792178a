//! Site: the whole site as one model, built from every parsed article: which
//! page is published at which URL in which locale (translation, or fallback
//! to the source), and where each asset lives. Owns URLs; knows nothing of
//! HTML or templates.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::parse::Article;
use crate::search::fxhash::FxHashMap;
use rayon::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Page {
    pub locale: usize,
    /// Article path inside the locale tree (`sspr/policy.md`).
    pub rel: String,
    /// Index into `Site::articles` of the content shown.
    pub article: usize,
    /// No translation: the source locale's article in this locale's chrome.
    pub fallback: bool,
    /// URL path relative to the site root (`nl-nl/sspr/policy/`).
    pub url: String,
}

pub struct Site {
    pub articles: Vec<Article>,
    pub assets: Vec<SourceFile>,
    pub pages: Vec<Page>,
    /// (locale, rel) -> index into `pages` (Fx-hashed: several times cheaper
    /// than SipHash on a short path; a collision costs time, never a wrong
    /// answer).
    pub page_index: FxHashMap<(usize, String), usize>,
    /// (locale, rel) -> index into `assets`.
    pub asset_index: HashMap<(usize, String), usize>,
}

/// A `(locale, path)` key of `Site::page_index`, owned or borrowed: a
/// lookup borrows the path. Hashes and compares as the tuple
/// `(usize, String)` does (a `String` hashes as its `str`).
trait LocaleRel {
    fn key(&self) -> (usize, &str);
}

impl LocaleRel for (usize, String) {
    fn key(&self) -> (usize, &str) {
        (self.0, &self.1)
    }
}

impl LocaleRel for (usize, &str) {
    fn key(&self) -> (usize, &str) {
        *self
    }
}

impl<'a> std::borrow::Borrow<dyn LocaleRel + 'a> for (usize, String) {
    fn borrow(&self) -> &(dyn LocaleRel + 'a) {
        self
    }
}

impl std::hash::Hash for dyn LocaleRel + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}

impl PartialEq for dyn LocaleRel + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn LocaleRel + '_ {}

/// `a/b.md` -> `a/b/`; `a/index.md` -> `a/`; `index.md` -> ``. Learn
/// publishes every page at a lower-case URL path (its URLs are
/// case-insensitive), so `Guides/Set-Up.md` -> `guides/set-up/`.
pub fn article_url(rel: &str) -> String {
    let rel = rel.to_lowercase();
    let stem = rel
        .strip_suffix(".md")
        .or_else(|| rel.strip_suffix(".yml")) // a landing page
        .unwrap_or(&rel);
    let stem = if stem == "index" {
        ""
    } else if let Some(dir) = stem.strip_suffix("/index") {
        return format!("{dir}/");
    } else {
        stem
    };
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

impl Site {
    pub fn build(
        config: &Config,
        articles: Vec<Article>,
        assets: Vec<SourceFile>,
        diags: &mut Vec<Diagnostic>,
    ) -> Site {
        // (Fx-hashed, and looked up by borrowed paths: 20,000 articles.)
        // Each article's URL made once (its pages' URLs are made from it);
        // the articles stay where they are unless two share a URL (then
        // the later is left out, in place: no copy of every article).
        let mut url_owner: FxHashMap<(usize, &str), usize> = FxHashMap::default();
        url_owner.reserve(articles.len());
        let urls: Vec<String> = articles.par_iter().map(|a| article_url(&a.rel)).collect();
        let mut keep = vec![true; articles.len()];
        for (i, a) in articles.iter().enumerate() {
            let key = (a.locale, urls[i].as_str());
            if let Some(&other) = url_owner.get(&key) {
                let o: &Article = &articles[other];
                diags.push(
                    Diagnostic::error(
                        "url-conflict",
                        &a.display,
                        format!("`{}` and `{}` would both be published at `{}`", a.rel, o.rel, key.1),
                    )
                    .help("rename one of them"),
                );
                keep[i] = false;
                continue;
            }
            url_owner.insert(key, i);
        }
        drop(url_owner);
        let (mut articles, mut urls) = (articles, urls);
        if keep.contains(&false) {
            let mut k = keep.iter();
            articles.retain(|_| k.next() == Some(&true));
            let mut k = keep.iter();
            urls.retain(|_| k.next() == Some(&true));
        }
        // Each locale's paths in order, each with the article it shows:
        // the source's and its own (sorted lists merged; a path the
        // locale lacks falls back to the source's article).
        let sorted_rels = |li: usize| {
            let mut rels: Vec<(&str, usize)> = articles
                .iter()
                .enumerate()
                .filter(|(_, a)| a.locale == li)
                .map(|(i, a)| (a.rel.as_str(), i))
                .collect();
            rels.sort_unstable();
            rels
        };
        let source_rels = sorted_rels(0);
        let listed: Vec<Vec<(&str, usize, bool)>> = (0..config.locales.len())
            .into_par_iter()
            .map(|li| match li {
                0 => merge_sorted(&[], &source_rels),
                _ => merge_sorted(&source_rels, &sorted_rels(li)),
            })
            .collect();
        let listed: Vec<(usize, &str, usize, bool)> = listed
            .into_iter()
            .enumerate()
            .flat_map(|(li, l)| l.into_iter().map(move |(rel, a, fallback)| (li, rel, a, fallback)))
            .collect();
        // (Made in parallel straight into the site's list.)
        let pages: Vec<Page> = listed
            .par_iter()
            .map(|&(li, rel, article, fallback)| Page {
                locale: li,
                rel: rel.to_string(),
                article,
                fallback,
                // (The article's path is `rel`, in this locale or the
                // source's: its URL is the page's but for the locale.)
                url: format!("{}/{}", config.locales[li].code, urls[article]),
            })
            .collect();
        let mut page_index: FxHashMap<_, _> = FxHashMap::default();
        page_index.reserve(pages.len());
        for (i, p) in pages.iter().enumerate() {
            page_index.insert((p.locale, p.rel.clone()), i);
        }
        drop(urls);
        let asset_index = assets
            .iter()
            .enumerate()
            .map(|(i, a)| ((a.locale, a.rel.clone()), i))
            .collect();
        Site {
            articles,
            assets,
            pages,
            page_index,
            asset_index,
        }
    }

    /// A warning for each translation without a source article: published
    /// in its locale only, or (when `redirected` says so) replaced by the
    /// redirect the source's rules give its path.
    pub fn orphan_diagnostics(&self, config: &Config, redirected: &dyn Fn(&str) -> Option<String>) -> Vec<Diagnostic> {
        self.articles
            .iter()
            .filter(|a| a.locale != 0 && self.page(0, &a.rel).is_none())
            .map(|a| {
                let code = &config.locales[a.locale].code;
                let source = &config.source().code;
                let message = match redirected(&a.rel) {
                    Some(to) => format!(
                        "`{}` has no source article in {source}, and the redirection rules send its path to `{to}`: {code} readers get that redirect, not this page",
                        a.rel
                    ),
                    None => format!("`{}` has no source article in {source}; it is published in {code} only", a.rel),
                };
                Diagnostic::warning("orphan-translation", &a.display, message)
            })
            .collect()
    }

    /// Drops the pages at `rels` (redirected articles are published as
    /// redirects instead).
    pub fn remove_pages(&mut self, rels: &std::collections::HashSet<String>) {
        if rels.is_empty() {
            return;
        }
        self.pages.retain(|p| !rels.contains(&p.rel));
        self.page_index = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.locale, p.rel.clone()), i))
            .collect();
    }

    pub fn page(&self, locale: usize, rel: &str) -> Option<&Page> {
        // Looked up without a `String` made for the key: readers, reviews
        // and findings ask for pages hundreds of thousands of times.
        let key: &dyn LocaleRel = &(locale, rel);
        self.page_index.get(key).map(|&i| &self.pages[i])
    }

    /// The pages of locale `li`, sorted by path (`build` lists them so,
    /// a locale after another; `remove_pages` keeps the order).
    pub fn locale_pages(&self, li: usize) -> &[Page] {
        let from = self.pages.partition_point(|p| p.locale < li);
        let to = from + self.pages[from..].partition_point(|p| p.locale <= li);
        &self.pages[from..to]
    }

    pub fn has_home(&self, locale: usize) -> bool {
        self.page_index.contains_key(&(locale, "index.md".to_string()))
            || self.page_index.contains_key(&(locale, "index.yml".to_string()))
    }
}

/// A locale's pages: the source's paths (`source`) and the locale's own
/// (`own`), each sorted and with its article, as one sorted list of
/// (path, article shown, whether it falls back to the source's).
fn merge_sorted<'a>(source: &[(&'a str, usize)], own: &[(&'a str, usize)]) -> Vec<(&'a str, usize, bool)> {
    let mut out = Vec::with_capacity(source.len().max(own.len()));
    let (mut i, mut j) = (0, 0);
    while i < source.len() && j < own.len() {
        match source[i].0.cmp(own[j].0) {
            std::cmp::Ordering::Less => {
                out.push((source[i].0, source[i].1, true));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push((own[j].0, own[j].1, false));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((own[j].0, own[j].1, false));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend(source[i..].iter().map(|&(rel, a)| (rel, a, true)));
    out.extend(own[j..].iter().map(|&(rel, a)| (rel, a, false)));
    out
}

/// A URL to `to` written relative to the folder `from_dir` (both paths
/// relative to the site root; `from_dir` empty or ending in `/`).
pub fn relative_url(from_dir: &str, to: &str) -> String {
    let mut from = from_dir.split('/').filter(|s| !s.is_empty());
    // The folders both share, and where the rest of `to` starts.
    let (mut common, mut rest) = (0, 0);
    for part in to.split('/') {
        if from.next() != Some(part) {
            break;
        }
        common += 1;
        rest += part.len() + 1;
    }
    let up = from_dir.split('/').filter(|s| !s.is_empty()).count() - common;
    let rest = to.get(rest..).unwrap_or("");
    if up == 0 && rest.is_empty() {
        return "./".to_string();
    }
    let mut out = String::with_capacity(3 * up + rest.len());
    for _ in 0..up {
        out.push_str("../");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(article_url("sspr/troubleshoot-sspr.md"), "sspr/troubleshoot-sspr/");
        assert_eq!(article_url("index.md"), "");
        assert_eq!(article_url("a/index.md"), "a/");
        assert_eq!(article_url("Guides/Set-Up.MD"), "guides/set-up/");
        assert_eq!(article_url("A/INDEX.md"), "a/");
        assert_eq!(relative_url("nl-nl/a/b/", "nl-nl/c/"), "../../c/");
        assert_eq!(relative_url("nl-nl/a/", "nl-nl/a/"), "./");
        assert_eq!(relative_url("", "en-us/"), "en-us/");
        assert_eq!(
            relative_url("nl-nl/a/", "_static/css/site.css"),
            "../../_static/css/site.css"
        );
        assert_eq!(relative_url("nl-nl/a/", "nl-nl/a/#x"), "#x");
        // The source's paths fall back; the locale's own show its articles.
        assert_eq!(
            merge_sorted(
                &[("a", 0), ("c", 1), ("d", 2)],
                &[("b", 5), ("c", 6), ("e", 7), ("f", 8)]
            ),
            [
                ("a", 0, true),
                ("b", 5, false),
                ("c", 6, false),
                ("d", 2, true),
                ("e", 7, false),
                ("f", 8, false)
            ]
        );
        assert_eq!(merge_sorted(&[], &[("b", 1)]), [("b", 1, false)]);
        assert_eq!(merge_sorted(&[("a", 0)], &[]), [("a", 0, true)]);
    }
}
