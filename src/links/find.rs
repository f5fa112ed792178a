//! Finding what a link's target names in a locale tree: an article, a
//! redirect or an asset; in another letter case; behind a redirect chain;
//! back inside the site from a relative path that climbs out of it; on the
//! site's own host.

use super::url::*;
use super::{base_rel, Resolver};
use crate::links::index::RedirectTarget;
use crate::markdown::Link;
use crate::site::Page;
use percent_encoding::percent_decode_str;

/// What a path inside a locale tree names.
pub(super) enum Found<'a> {
    /// The article's path and its page (looked up once: the href and the
    /// anchor check need it again).
    Page(String, &'a Page),
    Redirect(String),
    Asset(usize, String),
}

impl<'a> Resolver<'a> {
    /// Finds an article, redirect or asset for a normalised path (no leading
    /// `/`, may lack `.md`, may end in `/`).
    pub(super) fn find(&self, locale: usize, target: &str) -> Option<Found<'a>> {
        let md = target.len() >= 3
            && target.is_char_boundary(target.len() - 3)
            && target[target.len() - 3..].eq_ignore_ascii_case(".md");
        if md && !target.ends_with('/') {
            // The usual link, to an article by its file name: looked up as
            // it is, no candidates made.
            if self.index.redirects.contains_key(target) {
                return Some(Found::Redirect(target.to_string()));
            }
            if let Some(page) = self.site.page(locale, target) {
                return Some(Found::Page(target.to_string(), page));
            }
            return [locale, 0]
                .into_iter()
                .find(|&li| self.site.asset_index.contains_key(&(li, target.to_string())))
                .map(|li| Found::Asset(li, target.to_string()));
        }
        let candidates: Vec<String> = if target.is_empty() || target.ends_with('/') {
            vec![format!("{target}index.md"), format!("{target}index.yml")]
        } else {
            // A landing page (`index.yml`, `hub.yml`) is linked without its
            // extension, like an article.
            vec![
                format!("{target}.md"),
                format!("{target}.yml"),
                format!("{target}/index.md"),
                format!("{target}/index.yml"),
                target.to_string(),
            ]
        };
        for c in &candidates {
            if self.index.redirects.contains_key(c) {
                return Some(Found::Redirect(c.clone()));
            }
            if let Some(page) = self.site.page(locale, c) {
                return Some(Found::Page(c.clone(), page));
            }
        }
        let last = candidates.last()?;
        for li in [locale, 0] {
            if self.site.asset_index.contains_key(&(li, last.clone())) {
                return Some(Found::Asset(li, last.clone()));
            }
        }
        None
    }

    /// The real path when `target` differs from an existing file (or a
    /// redirected path) only by case.
    pub(super) fn case_variant(&self, locale: usize, target: &str) -> Option<String> {
        let t = target.trim_end_matches('/').to_lowercase();
        let forms = if t.is_empty() {
            vec!["index.md".to_string(), "index.yml".to_string()]
        } else {
            vec![
                t.clone(),
                format!("{t}.md"),
                format!("{t}/index.md"),
                format!("{t}/index.yml"),
            ]
        };
        for f in &forms {
            if let Some(real) = self.index.redirects_lower.get(f) {
                return Some(real.clone());
            }
        }
        for li in [locale, 0] {
            for f in &forms {
                if let Some(real) = self.index.lower[li].get(f) {
                    return Some(real.clone());
                }
            }
        }
        None
    }

    /// A relative path that climbs above the locale folder and comes back
    /// into it by name (`../../docs/a.md` written in `docs/b/c.md`), as
    /// DocFX resolves it on disk: the path inside the folder.
    pub(super) fn back_inside(&self, page: &Page, link: &Link, target: &str) -> Option<String> {
        let locale = self.site.articles[page.article].locale;
        let root = crate::discover::normalize(&std::path::absolute(&self.config.locales[locale].root).ok()?);
        let base = base_rel(page, link);
        let dir = base.rsplit_once('/').map_or("", |(d, _)| d);
        let abs = crate::discover::normalize(&root.join(dir).join(target));
        let rel = abs.strip_prefix(&root).ok()?.to_str()?.replace('\\', "/");
        Some(if target.ends_with('/') && !rel.is_empty() {
            format!("{rel}/")
        } else {
            rel
        })
    }

    /// A file of the locale tree (or the source's) that docfx.json leaves
    /// out: (its path, why).
    /// Whether `target` exists in the locale's folder (or the source
    /// locale's) only through a symbolic link that leaves the site: such a
    /// file is never listed, so it looks missing. Asked only of links that
    /// found nothing.
    pub(super) fn leaves_the_site(&self, locale: usize, target: &str) -> bool {
        [locale, 0].iter().any(|&li| {
            let p = self.config.locales[li].root.join(target);
            p.exists() && self.config.fence.admit(&p).is_err()
        })
    }

    pub(super) fn excluded(&self, locale: usize, target: &str) -> Option<(String, String)> {
        let t = target.trim_end_matches('/');
        let forms = [t.to_string(), format!("{t}.md"), format!("{t}/index.md")];
        [locale, 0].iter().find_map(|&li| {
            forms.iter().find_map(|f| {
                self.index
                    .excluded
                    .get(&(li, f.clone()))
                    .map(|w| (f.clone(), w.clone()))
            })
        })
    }

    /// `find`, then the same path in another letter case (Learn's URLs are
    /// case-insensitive). The flag says the case differed.
    pub(super) fn find_any_case(&self, locale: usize, target: &str) -> Option<(Found<'a>, bool)> {
        if let Some(f) = self.find(locale, target) {
            return Some((f, false));
        }
        let real = self.case_variant(locale, target)?;
        self.find(locale, &real).map(|f| (f, true))
    }

    /// One redirect hop, from a rule for `source_rel`.
    pub fn redirect_hop(&self, source_rel: &str, target: &str) -> Option<RedirectTarget> {
        let target = target.trim();
        if scheme(target).is_some() {
            return Some(match self.own_host_path(target) {
                Some((path, q, f)) => match self.find_root_path(0, &path) {
                    Some(Found::Page(rel, _) | Found::Redirect(rel)) => RedirectTarget::Page(rel),
                    _ => RedirectTarget::External(format!(
                        "{target}{}{}",
                        if target.contains(&q) { "" } else { &q },
                        if target.contains(&f) { "" } else { &f }
                    )),
                },
                None => RedirectTarget::External(target.to_string()),
            });
        }
        let (path, _, _) = split_url(target);
        let found = if let Some(p) = path.strip_prefix('/') {
            match self.find_root_path(0, p) {
                Some(f) => Some(f),
                None => {
                    return self
                        .config
                        .hosts
                        .first()
                        .map(|h| RedirectTarget::External(format!("https://{h}{target}")))
                }
            }
        } else {
            let p = path
                .strip_prefix("~/")
                .map(str::to_string)
                .or_else(|| join_rel(source_rel, path))?;
            self.find(0, &p)
        };
        match found? {
            Found::Page(rel, _) | Found::Redirect(rel) => Some(RedirectTarget::Page(rel)),
            Found::Asset(..) => Some(RedirectTarget::External(target.to_string())),
        }
    }

    /// The URL on the site's first host that a relative redirect target
    /// names when it is no page of this site (`None` for `~/` and
    /// root-relative targets, or without `hosts`).
    pub fn relative_redirect_elsewhere(&self, source_rel: &str, target: &str) -> Option<String> {
        let target = target.trim();
        if scheme(target).is_some() || target.starts_with('/') || target.starts_with("~/") {
            return None;
        }
        let host = self.config.hosts.first()?;
        let (path, query, fragment) = split_url(target);
        let from = crate::site::article_url(source_rel);
        let mut parts: Vec<&str> = self.config.base_path.split('/').filter(|s| !s.is_empty()).collect();
        parts.extend(from.split('/').filter(|s| !s.is_empty()));
        // The page's URL has no trailing slash on Learn (`a/b`), so a
        // relative path starts from its folder, as a file path does.
        if !source_rel.ends_with("index.md") && !source_rel.ends_with("index.yml") {
            parts.pop();
        }
        push_segments(&mut parts, path);
        Some(format!("https://{host}/{}{query}{fragment}", parts.join("/")))
    }

    /// For an absolute URL on one of the site's hosts: its path (locale
    /// segment removed), query and fragment.
    pub(super) fn own_host_path(&self, url: &str) -> Option<(String, String, String)> {
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
        let (host, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let host = host.to_ascii_lowercase();
        if !self.config.hosts.contains(&host) {
            return None;
        }
        let (p, q, f) = split_url(path);
        Some((p.trim_start_matches('/').to_string(), q.to_string(), f.to_string()))
    }

    /// A path from the host root (`azure/x`, `nl-nl/relay/admin/setup`,
    /// `relay/nl-nl/admin/setup`): a locale segment may come before or
    /// after the base path.
    pub(super) fn find_root_path(&self, locale: usize, path: &str) -> Option<Found<'a>> {
        fn strip_locale(p: &str) -> &str {
            match p.split_once('/') {
                Some((first, rest)) if looks_like_locale(first) => rest,
                None if looks_like_locale(p) => "",
                _ => p,
            }
        }
        let p = strip_locale(path.trim_start_matches('/'));
        let base = self.config.base_path.trim_start_matches('/');
        let inside = if base.is_empty() {
            p
        } else {
            p.strip_prefix(base)
                .or_else(|| (p == base.trim_end_matches('/')).then_some(""))?
        };
        let inside = strip_locale(inside);
        let decoded = percent_decode_str(inside).decode_utf8_lossy().into_owned();
        // A URL, not a file path: Learn matches it in any letter case.
        self.find_any_case(locale, &decoded).map(|(f, _)| f)
    }
}
