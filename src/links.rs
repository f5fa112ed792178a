//! Links: resolves every link of a page against the whole site and rewrites
//! it to the output URL in the reader's locale. Knows the site model and the
//! link's text; knows nothing of templates.

use crate::config::Config;
use crate::markdown::Link;
use crate::site::{article_url, relative_url, Page, Site};

pub struct Resolver<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
}

/// Splits `path?query#fragment`.
pub fn split_url(url: &str) -> (&str, &str, &str) {
    let (rest, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    (path, query, fragment)
}

pub fn has_scheme(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) if i > 0 => url[..i].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) && url.as_bytes()[0].is_ascii_alphabetic(),
        _ => false,
    }
}

/// Joins a relative path to the folder of `base_rel`, normalising `.` and
/// `..`. `None` when it climbs above the tree root.
pub fn join_rel(base_rel: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_rel.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

impl Resolver<'_> {
    /// The href to write for `link` on `page` (whose content comes from the
    /// article at `from_rel` in `from_locale`).
    pub fn href(&self, page: &Page, link: &Link) -> String {
        let dest = link.dest.trim();
        if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) {
            return dest.to_string();
        }
        let (path, query, fragment) = split_url(dest);
        let Some(target) = join_rel(&page.rel, path) else { return dest.to_string() };
        let from_dir = &page.url;
        // An article in the reader's locale (translation or fallback).
        let article_rel = if target.ends_with(".md") { target.clone() } else { format!("{target}.md") };
        if let Some(p) = self.site.page(page.locale, &article_rel) {
            return format!("{}{query}{fragment}", relative_url(from_dir, &p.url));
        }
        // An asset: the reader's locale first, then the source locale's.
        for li in [page.locale, 0] {
            if self.site.asset_index.contains_key(&(li, target.clone())) {
                let url = format!("{}/{}", self.config.locales[li].code, target);
                return format!("{}{query}{fragment}", relative_url(from_dir, &url));
            }
        }
        let _ = article_url;
        dest.to_string()
    }
}
