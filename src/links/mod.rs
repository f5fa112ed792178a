//! Links: resolves every link of a page against the link index and rewrites
//! it for the reader's locale; reports every link that goes nowhere with a
//! reason and a suggestion. Knows the site model; knows nothing of templates.

pub mod anchors;
mod find;
pub mod index;
pub mod redirects;
pub mod suggest;
mod url;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::markdown::{Link, LinkKind};
use crate::site::{relative_url, Page, Site};
use find::Found;
use index::{LinkIndex, RedirectTarget};
use percent_encoding::percent_decode_str;
use serde::Serialize;
pub(crate) use url::push_segments;
use url::{encode_path, normalize_into, relative_from, valid_http};
pub use url::{join_rel, scheme, split_url};

/// What a link turned out to be, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// `#fragment` on the same page.
    SamePage,
    /// Another page of the site in the reader's locale.
    Internal,
    /// A page that is not translated into the reader's locale.
    Fallback,
    /// An image or other file of the site.
    Asset,
    /// Through `xref:`.
    Xref,
    /// To a redirected page; rewritten to the final target.
    Redirected,
    /// Another site, or a page of the site's own hosts that this site lacks.
    External,
    /// `mailto:`, `tel:` and other schemes.
    Other,
    Broken,
}

pub struct Resolved {
    pub href: String,
    pub class: Class,
    pub diags: Vec<Diagnostic>,
    /// The article path the link lands on, when it is a page of the site
    /// (a dependency: the page must be redone when that article changes).
    pub target: Option<String>,
}

pub struct Resolver<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub index: &'a LinkIndex,
}

/// What a resolution is for: the page's diagnostics (`Report`), the href
/// and class without them (`Quiet`: a fallback copy, the status of a link),
/// or the href alone (`Href`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Report,
    Quiet,
    Href,
}

impl Mode {
    fn reports(self) -> bool {
        self == Mode::Report
    }
}

impl Resolver<'_> {
    fn reader_code(&self, page: &Page) -> &str {
        &self.config.locales[page.locale].code
    }

    fn href_to_page(&self, page: &Page, rel: &str, query: &str, fragment: &str) -> String {
        self.href_to(page, self.site.page(page.locale, rel), query, fragment)
    }

    /// `href_to_page` with the target page looked up already.
    fn href_to(&self, page: &Page, target: Option<&Page>, query: &str, fragment: &str) -> String {
        let target = target.map_or("", |p| p.url.as_str());
        if target == page.url && !fragment.is_empty() {
            return format!("{query}{fragment}");
        }
        let relative = relative_url(&page.url, target);
        let mut out = String::with_capacity(relative.len() + query.len() + fragment.len());
        url::push_encoded_path(&mut out, &relative);
        out.push_str(query);
        out.push_str(fragment);
        out
    }

    /// Checks `fragment` (with `#`) against the page `rel` in `locale`.
    fn check_fragment(
        &self,
        page: &Page,
        rel: &str,
        fragment: &str,
        link: &Link,
        diags: &mut Vec<Diagnostic>,
        mode: Mode,
    ) -> bool {
        let target = self.site.page(page.locale, rel);
        self.check_fragment_at(page, (rel, target), fragment, link, diags, mode)
    }

    /// `check_fragment` with the page `rel` looked up already (`target`).
    fn check_fragment_at(
        &self,
        page: &Page,
        (rel, target): (&str, Option<&Page>),
        fragment: &str,
        link: &Link,
        diags: &mut Vec<Diagnostic>,
        mode: Mode,
    ) -> bool {
        // Only the href is wanted: whether the anchor is there changes the
        // link's class and diagnostics, never where it goes.
        if mode == Mode::Href {
            return true;
        }
        let frag = percent_decode_str(fragment.trim_start_matches('#')).decode_utf8_lossy();
        if frag.is_empty() || frag.starts_with("tab/") {
            return true;
        }
        let Some(target) = target else {
            return true;
        };
        let ids = &self.index.ids[target.article];
        if ids.contains(frag.as_ref()) {
            return true;
        }
        let src_article = self.site.page(0, rel).map(|p| p.article);
        let in_source = src_article.is_some_and(|a| a != target.article && self.index.ids[a].contains(frag.as_ref()));
        let from = &self.site.articles[page.article];
        let target_article = &self.site.articles[target.article];
        if in_source {
            // The translator changed the anchor: the fix belongs in the translation,
            // at the heading that now carries another ID. Only a heading whose ID
            // the source page lacks can be the renamed one: the one in the source
            // heading's place, else the nearest such ID; none (a stale translation
            // may not have the section yet) means the file's top.
            let source = src_article.map(|a| (&self.index.ids[a], &self.site.articles[a].md.headings));
            let headings = &target_article.md.headings;
            let renamed = |h: &&crate::markdown::Heading| source.is_none_or(|(ids, _)| !ids.contains(&h.id));
            let renamed_heading = source
                .and_then(|(_, src)| headings.get(src.iter().position(|h| h.id == frag.as_ref())?))
                .filter(renamed)
                .or_else(|| {
                    let near = suggest::nearest(&frag, headings.iter().filter(renamed).map(|h| h.id.as_str()))?;
                    headings.iter().find(|h| h.id == near)
                });
            let line = renamed_heading.map_or(1, |h| h.line.max(1));
            diags.push(
                Diagnostic::error(
                    "link-anchor-translation",
                    &target_article.display,
                    format!(
                        "anchor `#{frag}` exists in the source page but not in this translation (linked from {}:{}:{})",
                        written_in(&from.display, link),
                        link.line,
                        link.column
                    ),
                )
                .at(line, 1)
                .help(match renamed_heading.map(|h| &h.id) {
                    Some(s) => format!(
                        "keep the source's anchor: write `<a name=\"{frag}\"></a>` in the heading now using `#{s}`"
                    ),
                    None => format!("add `<a name=\"{frag}\"></a>` to the translated heading"),
                }),
            );
            return false;
        }
        if mode.reports() {
            let mut d = Diagnostic::error(
                "link-anchor",
                written_in(&from.display, link),
                format!(
                    "link `{}` ({}): no heading or anchor `#{frag}` in {}",
                    link.dest,
                    link_text(link),
                    target_article.display
                ),
            )
            .at(link.line, link.column);
            // The page's IDs themselves (the index keeps only their hashes).
            let md = &target_article.md;
            let on_page = md
                .headings
                .iter()
                .map(|h| h.id.as_str())
                .chain(md.other_ids.iter().map(String::as_str));
            if let Some(s) = suggest::nearest(&frag, on_page) {
                d = d.help(format!("did you mean `#{s}`?"));
            }
            diags.push(d);
        }
        false
    }

    /// Resolves one link of `page`. Diagnostics are produced only when
    /// `report` (once per source file, not again for each fallback copy),
    /// except those that belong to another file.
    pub fn resolve(&self, page: &Page, link: &Link, report: bool) -> Resolved {
        let mut diags = Vec::new();
        let mut target = None;
        let mode = if report { Mode::Report } else { Mode::Quiet };
        let (href, class) = self.resolve_inner(page, link, mode, &mut diags, &mut target);
        if !report {
            diags.retain(|d| d.code == "link-anchor-translation");
        }
        Resolved {
            href,
            class,
            diags,
            target,
        }
    }

    /// Where one link of `page` goes (`resolve(page, link, false).href`)
    /// without the checks that only decide its class and diagnostics (its
    /// anchor on the target page): for the review pages and the
    /// translation findings, which show and compare hrefs.
    pub fn href(&self, page: &Page, link: &Link) -> String {
        self.resolve_inner(page, link, Mode::Href, &mut Vec::new(), &mut None).0
    }

    fn broken(
        &self,
        page: &Page,
        link: &Link,
        code: &'static str,
        why: String,
        help: Option<String>,
        diags: &mut Vec<Diagnostic>,
    ) -> (String, Class) {
        let from = &self.site.articles[page.article];
        let mut d = Diagnostic::error(
            code,
            written_in(&from.display, link),
            format!("{} `{}` ({}): {why}", kind_name(link), link.dest, link_text(link)),
        )
        .at(link.line, link.column);
        if let Some(h) = help {
            d = d.help(h);
        }
        diags.push(d);
        (link.dest.clone(), Class::Broken)
    }

    fn resolve_inner(
        &self,
        page: &Page,
        link: &Link,
        mode: Mode,
        diags: &mut Vec<Diagnostic>,
        dep: &mut Option<String>,
    ) -> (String, Class) {
        let raw = link.dest.trim().trim_start_matches('<').trim_end_matches('>');
        if raw.is_empty() {
            return self.broken(page, link, "link-empty", "the link has no target".into(), None, diags);
        }
        if let Some(frag) = raw.strip_prefix('#') {
            let ok = self.check_fragment(page, &page.rel, &format!("#{frag}"), link, diags, mode);
            return (raw.to_string(), if ok { Class::SamePage } else { Class::Broken });
        }
        if let Some(uid) = raw.strip_prefix("xref:") {
            let (uid, query, fragment) = split_url(uid);
            let uid = percent_decode_str(uid).decode_utf8_lossy();
            return match self.index.uids.get(uid.as_ref()) {
                Some(rel) => {
                    *dep = Some(rel.clone());
                    let ok = self.check_fragment(page, rel, fragment, link, diags, mode);
                    (
                        self.href_to_page(page, rel, query, fragment),
                        if ok { Class::Xref } else { Class::Broken },
                    )
                }
                None => {
                    let help = suggest::nearest(&uid, self.index.uids.keys().map(String::as_str))
                        .map(|s| format!("did you mean `xref:{s}`?"));
                    self.broken(
                        page,
                        link,
                        "link-xref",
                        format!("no article has `uid: {uid}`"),
                        help,
                        diags,
                    )
                }
            };
        }
        if let Some(s) = scheme(raw) {
            if !s.eq_ignore_ascii_case("http") && !s.eq_ignore_ascii_case("https") {
                return (raw.to_string(), Class::Other);
            }
            if let Some((path, query, fragment)) = self.own_host_path(raw) {
                match self.find_root_path(page.locale, &path) {
                    Some(found) => return self.local(page, link, found, &query, &fragment, mode, diags, dep),
                    None => return (raw.to_string(), Class::External),
                }
            }
            if mode.reports() && !valid_http(raw) {
                let from = &self.site.articles[page.article];
                diags.push(
                    Diagnostic::warning(
                        "link-syntax",
                        written_in(&from.display, link),
                        format!("`{raw}` is not a valid URL"),
                    )
                    .at(link.line, link.column)
                    .help("check for spaces or a missing host"),
                );
            }
            return (raw.to_string(), Class::External);
        }
        if raw.starts_with("//") {
            return (raw.to_string(), Class::External);
        }
        let mut path_raw = raw.to_string();
        if path_raw.contains('\\') {
            path_raw = path_raw.replace('\\', "/");
            if mode.reports() {
                let from = &self.site.articles[page.article];
                diags.push(
                    Diagnostic::warning(
                        "link-backslash",
                        written_in(&from.display, link),
                        format!("`{raw}` uses Windows backslashes; read as `{path_raw}`"),
                    )
                    .at(link.line, link.column)
                    .help(format!(
                        "write `{path_raw}`: URLs separate folders with `/`; a `\\` works only where a browser or a DocFX-style build rewrites it"
                    )),
                );
            }
        }
        let (path, query, fragment) = split_url(&path_raw);
        if path.is_empty() {
            // `?view=x#y`: the same page with another query; its fragment
            // is checked here.
            let ok = self.check_fragment(page, &page.rel, fragment, link, diags, mode);
            return (path_raw, if ok { Class::SamePage } else { Class::Broken });
        }
        let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
        if let Some(p) = decoded.strip_prefix('/') {
            return match self.find_root_path(page.locale, p) {
                Some(found) => self.local(page, link, found, query, fragment, mode, diags, dep),
                None => match self.config.hosts.first() {
                    Some(h) => (
                        format!("https://{h}/{}/{}{query}{fragment}", self.reader_code(page), p),
                        Class::External,
                    ),
                    None => self.broken(
                        page,
                        link,
                        "link-missing-file",
                        "no such page in this site, and polydoc.toml names no `hosts` to send it to".into(),
                        None,
                        diags,
                    ),
                },
            };
        }
        let (joined, root_note) = match decoded.strip_prefix("~/") {
            Some(p) => (normalize_into(Vec::new(), p), "the site root"),
            None => (
                join_rel(base_rel(page, link), &decoded).or_else(|| self.back_inside(page, link, &decoded)),
                "the locale folder",
            ),
        };
        let Some(target) = joined else {
            return self.broken(
                page,
                link,
                "link-outside",
                format!("the path climbs above {root_note}"),
                Some("links must stay inside the site; use an absolute URL for other sites".into()),
                diags,
            );
        };
        match self.find_any_case(page.locale, &target) {
            Some((found, case_differs)) => {
                if case_differs && mode.reports() {
                    let real = match &found {
                        Found::Page(r, _) | Found::Redirect(r) | Found::Asset(_, r) => r.clone(),
                    };
                    let from = &self.site.articles[page.article];
                    let shown = relative_from(base_rel(page, link), &real);
                    diags.push(
                        Diagnostic::warning(
                            "link-case",
                            written_in(&from.display, link),
                            format!(
                                "{} `{}` ({}) differs only in letter case from `{shown}`; it links there",
                                kind_name(link),
                                link.dest,
                                link_text(link)
                            ),
                        )
                        .at(link.line, link.column)
                        .help(format!(
                            "write `{shown}`: file names are case-sensitive on most web servers and in DocFX builds on Linux"
                        )),
                    );
                }
                self.local(page, link, found, query, fragment, mode, diags, dep)
            }
            None => {
                if self.leaves_the_site(page.locale, &target) {
                    return self.broken(
                        page,
                        link,
                        "link-outside",
                        format!("`{target}` is a symbolic link whose real path leaves the site; polydoc does not publish it"),
                        Some("copy the file into the site, or point the link inside it".into()),
                        diags,
                    );
                }
                if let Some((file, why)) = self.excluded(page.locale, &target) {
                    return self.broken(
                        page,
                        link,
                        "link-excluded",
                        format!("`{file}` is not published: {why}"),
                        Some("link to a published page, or publish this file by changing docfx.json".into()),
                        diags,
                    );
                }
                let help = self
                    .index
                    .nearest_file(page.locale, &target)
                    .map(|s| format!("did you mean `{}`?", relative_from(base_rel(page, link), &s)));
                self.broken(
                    page,
                    link,
                    "link-missing-file",
                    format!("no file `{target}` in the site"),
                    help,
                    diags,
                )
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn local(
        &self,
        page: &Page,
        link: &Link,
        found: Found<'_>,
        query: &str,
        fragment: &str,
        mode: Mode,
        diags: &mut Vec<Diagnostic>,
        dep: &mut Option<String>,
    ) -> (String, Class) {
        // The article a link lands on is wanted beside its diagnostics,
        // not beside its href alone.
        if mode != Mode::Href {
            match &found {
                Found::Page(rel, _) | Found::Redirect(rel) => *dep = Some(rel.clone()),
                Found::Asset(..) => {}
            }
        }
        match found {
            Found::Page(rel, target) => {
                // The target page as `find` looked it up, for the fragment,
                // the class and the href.
                let target = Some(target);
                let ok = self.check_fragment_at(page, (&rel, target), fragment, link, diags, mode);
                let fallback = target.is_some_and(|p| p.fallback);
                let class = match (ok, fallback) {
                    (false, _) => Class::Broken,
                    (true, true) if page.locale != 0 => Class::Fallback,
                    _ => Class::Internal,
                };
                (self.href_to(page, target, query, fragment), class)
            }
            Found::Redirect(rel) => {
                let r = &self.index.redirects[&rel];
                let from = &self.site.articles[page.article];
                let (href, shown) = match &r.target {
                    RedirectTarget::Page(t) => (self.href_to_page(page, t, query, fragment), t.clone()),
                    RedirectTarget::External(u) => (u.clone(), u.clone()),
                };
                if mode.reports() {
                    diags.push(
                        Diagnostic::warning(
                            "link-redirected",
                            written_in(&from.display, link),
                            format!(
                                "`{}` is redirected to `{shown}`; the link goes straight there",
                                link.dest
                            ),
                        )
                        .at(link.line, link.column)
                        .help("link to the final page"),
                    );
                }
                (href, Class::Redirected)
            }
            Found::Asset(li, rel) => {
                let url = format!("{}/{}", self.config.locales[li].code, rel);
                (
                    format!("{}{query}{fragment}", encode_path(&relative_url(&page.url, &url))),
                    Class::Asset,
                )
            }
        }
    }
}

/// The path relative links of `link` resolve from: the included file it
/// was written in, or the page's article.
fn base_rel<'a>(page: &'a Page, link: &'a Link) -> &'a str {
    link.origin.as_ref().map_or(page.rel.as_str(), |o| o.rel.as_str())
}

/// The file to name in a link's diagnostic.
fn written_in<'a>(article_display: &'a str, link: &'a Link) -> &'a str {
    link.origin.as_ref().map_or(article_display, |o| o.display.as_str())
}

fn kind_name(link: &Link) -> &'static str {
    match link.kind {
        LinkKind::Image => "image",
        LinkKind::Link | LinkKind::Html => "link",
    }
}

fn link_text(link: &Link) -> String {
    let t = link.text.trim();
    if t.is_empty() {
        "no text".into()
    } else if t.chars().count() > 60 {
        format!("\"{}…\"", t.chars().take(60).collect::<String>())
    } else {
        format!("\"{t}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::url::looks_like_locale;
    use super::*;

    #[test]
    fn split_and_join() {
        assert_eq!(split_url("a.md?tabs=x#frag"), ("a.md", "?tabs=x", "#frag"));
        assert_eq!(join_rel("a/b.md", "../c.md"), Some("c.md".into()));
        assert_eq!(join_rel("a/b.md", "../../c.md"), None);
        assert_eq!(join_rel("a/b.md", "./media/x.png"), Some("a/media/x.png".into()));
        assert_eq!(join_rel("a/b.md", "sub/"), Some("a/sub/".into()));
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("c:/x"), None);
        assert_eq!(scheme("xref:a.b"), Some("xref"));
        assert!(looks_like_locale("nl-nl") && looks_like_locale("zh-hans") && !looks_like_locale("azure"));
    }
}
