//! Stage 3b and 3c: every file of the site that is not an article page
//! (root redirect, 404, locale homes, redirect and short-URL pages,
//! `ids.json`, sitemap, assets, the theme's static files, the translation
//! pages) and the search index files.

use super::Model;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::index::{LinkIndex, RedirectTarget};
use crate::output::{Content, OutFile};
use crate::pages::{self, PageOutput};
use crate::shard::Scope;
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Stage 3b: every file that is not an article page: root redirect, 404,
/// locale homes, redirects and short URLs, `ids.json`, sitemap, assets and
/// the theme's static files.
pub fn site_files(m: &Model, emit: &(dyn Fn(OutFile) + Sync)) -> Vec<Diagnostic> {
    site_files_in(m, emit, &Scope::All)
}

/// `site_files`, those `scope` takes: a shard writes its locales' files,
/// `merge` the site-wide ones.
pub fn site_files_in(m: &Model, emit: &(dyn Fn(OutFile) + Sync), scope: &Scope) -> Vec<Diagnostic> {
    site_files_keyed(m, emit, scope, None)
}

/// A redirect page's key from its locale, folder and target.
pub type RedirectKey<'a> = dyn Fn(usize, &str, &str) -> Option<[u8; 32]> + Sync + 'a;

/// How a cached build writes the redirect pages: each under a key (`key`:
/// locale, folder, target), not even rendered when the output folder holds
/// it under that key (`in_place`); likewise the translation status pages
/// and the locales' home pages (`status_key`: path and what they show).
/// With `group`, the files made from the site's shape alone are one group
/// (`cache::site_files`): none of them made when the output folder holds
/// (`holds`) every one as the last build with the same shape made it.
pub struct KeyedRedirects<'a> {
    pub key: &'a RedirectKey<'a>,
    pub status_key: &'a crate::l10n::status_pages::PageKey<'a>,
    pub in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    pub holds: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    pub write: &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
    pub group: Option<&'a crate::cache::site_files::Group<'a>>,
}

/// `site_files_in`, the redirect pages through `keyed` when given.
pub fn site_files_keyed(
    m: &Model,
    emit: &(dyn Fn(OutFile) + Sync),
    scope: &Scope,
    keyed: Option<&KeyedRedirects>,
) -> Vec<Diagnostic> {
    let group = match (keyed, scope) {
        (Some(k), Scope::All) => k.group.map(|g| (k, g)),
        _ => None,
    };
    // The group kept whole, or made (and recorded when every file of it
    // was made under a key and without a diagnostic).
    let kept = group.is_some_and(|(k, g)| {
        let Some(recalled) = g.recall() else { return false };
        let Some(files) = recalled.files() else { return false };
        if !files.iter().all(|(p, key)| (k.holds)(p, key)) {
            return false;
        }
        for (p, key) in &files {
            (k.in_place)(p, key);
        }
        true
    });
    let record = group.map(|_| Record::default());
    let (mut diags, l10n_pages) = rayon::join(
        || match kept {
            true => Vec::new(),
            false => shape_files(m, emit, scope, keyed, record.as_ref()),
        },
        || match scope {
            Scope::All => {
                let status = keyed.map(|k| crate::l10n::status_pages::KeyedPages {
                    key: k.status_key,
                    in_place: k.in_place,
                    write: k.write,
                });
                crate::l10n::review::pages_keyed(
                    &m.config,
                    (&m.site, &m.bodies),
                    &m.index,
                    &m.theme,
                    &m.l10n,
                    emit,
                    status.as_ref(),
                )
            }
            // A shard's review pages; the status pages are `merge`'s.
            Scope::Shard(_) => crate::l10n::review::pages_only(
                &m.config,
                (&m.site, &m.bodies),
                &m.index,
                &m.theme,
                &m.l10n,
                None,
                false,
                emit,
            ),
            Scope::Merge => Vec::new(),
        },
    );
    if let (Some((_, g)), Some(record), false) = (group, record, kept) {
        let (files, whole) = record.into_inner();
        if whole && diags.is_empty() {
            g.remember(&files);
        }
    }
    if scope.site_files() {
        let mut files = Vec::new();
        copy_static(&m.theme.files, &mut files);
        files.into_iter().for_each(emit);
    }
    asset_files(m)
        .filter(|(li, _)| scope.locale_files(*li))
        .for_each(|(_, f)| emit(f));
    diags.extend(l10n_pages);
    diags
}

/// The files of the group as they are made: (path, key) each, and whether
/// one had no key.
#[derive(Default)]
struct Record(std::sync::Mutex<(Vec<Noted>, bool)>);

/// A file's path and key.
type Noted = (String, [u8; 32]);

impl Record {
    fn push(&self, path: &str, key: Option<[u8; 32]>) {
        let mut r = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match key {
            Some(k) => r.0.push((path.to_string(), k)),
            None => r.1 = true,
        }
    }

    fn into_inner(self) -> (Vec<Noted>, bool) {
        let (files, broken) = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        (files, !broken)
    }
}

/// The files made from the site's shape alone (see `cache::site_files`):
/// 404 and root pages, each locale's `ids.json` and home page (when it has
/// no article of its own), redirect and `go/` pages, the sitemap. With
/// `record`, each is written under a key (a page's own, else its bytes'
/// hash) and noted there.
fn shape_files(
    m: &Model,
    emit: &(dyn Fn(OutFile) + Sync),
    scope: &Scope,
    keyed: Option<&KeyedRedirects>,
    record: Option<&Record>,
) -> Vec<Diagnostic> {
    let (config, site, index, theme) = (&m.config, &m.site, &m.index, &m.theme);
    // A file with no key of its own: under its bytes' hash, noted.
    let emit = |f: OutFile| match (keyed, record) {
        (Some(k), Some(r)) => {
            let key = match &f.content {
                Content::Bytes(b) => Some(crate::output::content_key(b)),
                Content::Copy(_) => None,
            };
            r.push(&f.path, key);
            (k.write)(f, key)
        }
        _ => emit(f),
    };
    let note = |path: &str, key: [u8; 32]| {
        if let Some(r) = record {
            r.push(path, Some(key));
        }
    };
    let mut diags = Vec::new();
    let mut extra = Vec::new();
    if scope.site_files() {
        extra.push(pages::render_404(config, theme, 0, true));
        extra.push(pages::render_root(config, theme));
    }
    for (li, locale) in config.locales.iter().enumerate() {
        if !scope.locale_files(li) {
            continue;
        }
        extra.push(pages::render_404(config, theme, li, false));
        let map: BTreeMap<&str, &str> = index.article_ids[li]
            .iter()
            .filter_map(|(id, rel)| Some((id.as_str(), site.page(li, rel)?.url.as_str())))
            .collect();
        let json = serde_json::to_string_pretty(&map).unwrap_or_default();
        emit(OutFile {
            path: format!("{}/ids.json", locale.code),
            content: Content::Bytes(json.into_bytes()),
        });
        if !site.has_home(li) {
            // With the cache, keyed on what it shows (every page of the
            // locale): not rendered when the output folder holds it.
            let path = format!("{}/index.html", locale.code);
            let keyed = keyed.and_then(|k| Some((k, (k.status_key)(&path, &pages::home_inputs(site, li))?)));
            match keyed {
                Some((k, key)) if (k.in_place)(&path, &key) => note(&path, key),
                Some((k, key)) => match pages::render_home(config, site, theme, li) {
                    Ok(p) => {
                        note(&p.path, key);
                        (k.write)(
                            OutFile {
                                path: p.path,
                                content: Content::Bytes(p.html.into_bytes()),
                            },
                            Some(key),
                        )
                    }
                    Err(e) => extra.push(Err(e)),
                },
                None => extra.push(pages::render_home(config, site, theme, li)),
            }
        }
    }
    let emit_page = |r: Result<PageOutput, String>| match r {
        Ok(p) => {
            emit(OutFile {
                path: p.path,
                content: Content::Bytes(p.html.into_bytes()),
            });
            None
        }
        Err(e) => Some(Diagnostic::error(
            "template",
            "",
            format!("cannot render a theme page: {e}"),
        )),
    };
    diags.extend(extra.into_iter().filter_map(emit_page));
    let redirects = redirect_jobs(config, site, index)
        .into_par_iter()
        .filter(|(li, _, _)| scope.locale_files(*li))
        .filter_map(|(li, dir, target)| {
            let path = format!("{dir}index.html");
            let Some((k, key)) = keyed.and_then(|k| Some((k, (k.key)(li, &dir, &target)?))) else {
                return emit_page(pages::render_redirect(config, theme, li, &dir, &target, &path));
            };
            note(&path, key);
            if (k.in_place)(&path, &key) {
                return None;
            }
            match pages::render_redirect(config, theme, li, &dir, &target, &path) {
                Ok(p) => {
                    let f = OutFile {
                        path: p.path,
                        content: Content::Bytes(p.html.into_bytes()),
                    };
                    (k.write)(f, Some(key));
                    None
                }
                Err(e) => emit_page(Err(e)),
            }
        })
        .collect::<Vec<Diagnostic>>();
    diags.extend(redirects);
    if scope.site_files() {
        emit(OutFile {
            path: "sitemap.xml".into(),
            content: Content::Bytes(crate::sitemap::sitemap(config, site).into_bytes()),
        });
    }
    diags
}

/// Stage 3c: the search index of every locale (from the pages analysed by
/// `search::prepare_all`) and the search page.
pub fn search_files(
    m: &Model,
    prepared: crate::search::Prepared,
) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
    search_files_memo(m, prepared, None)
}

/// `search_files`, each locale's index remembered in `memo` (a build with
/// the cache: an index the output folder holds as made is not built again).
pub fn search_files_memo(
    m: &Model,
    prepared: crate::search::Prepared,
    memo: Option<&dyn crate::search::Memo>,
) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
    search_files_in(m, prepared, &|_| true, memo)
}

/// `search_files` for the locales `locales` takes (a shard's).
pub fn search_files_for(
    m: &Model,
    prepared: crate::search::Prepared,
    locales: &(dyn Fn(usize) -> bool + Sync),
) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
    search_files_in(m, prepared, locales, None)
}

fn search_files_in(
    m: &Model,
    prepared: crate::search::Prepared,
    locales: &(dyn Fn(usize) -> bool + Sync),
    memo: Option<&dyn crate::search::Memo>,
) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    match crate::search::write_memo(&m.config, &m.theme, prepared, &mut files, locales, memo) {
        Ok(stats) => (files, stats, Vec::new()),
        Err(e) => (
            files,
            Vec::new(),
            vec![Diagnostic::error(
                "template",
                "",
                format!("cannot render the search page: {e}"),
            )],
        ),
    }
}

/// Files copied as they are: the locales' assets and the theme's static
/// files.
pub fn copied_files(m: &Model) -> Vec<OutFile> {
    let mut files: Vec<OutFile> = asset_files(m).map(|(_, f)| f).collect();
    copy_static(&m.theme.files, &mut files);
    files
}

/// The locales' assets, each with its locale.
fn asset_files(m: &Model) -> impl Iterator<Item = (usize, OutFile)> + '_ {
    m.site.assets.iter().map(|a| {
        (
            a.locale,
            OutFile {
                path: format!("{}/{}", m.config.locales[a.locale].code, a.rel),
                content: Content::Copy(a.abs.clone()),
            },
        )
    })
}

/// Redirect pages to write, as (locale, folder, target URL): each redirected
/// article in every locale, and the short URL `/<locale>/go/<id>/` of every
/// `ms.custom` article ID.
fn redirect_jobs(config: &Config, site: &Site, index: &LinkIndex) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (li, locale) in config.locales.iter().enumerate() {
        for (src, r) in &index.redirects {
            let dir = format!("{}/{}", locale.code, crate::site::article_url(src));
            let target = match &r.target {
                RedirectTarget::Page(rel) => match site.page(li, rel) {
                    Some(p) => crate::site::relative_url(&dir, &p.url),
                    None => continue,
                },
                RedirectTarget::External(u) => u.clone(),
            };
            out.push((li, dir, target));
        }
        for (id, rel) in &index.article_ids[li] {
            let Some(p) = site.page(li, rel) else { continue };
            let dir = format!("{}/go/{id}/", locale.code);
            let target = crate::site::relative_url(&dir, &p.url);
            out.push((li, dir, target));
        }
    }
    out
}

/// The theme's static files (the site's over the built-in ones) under
/// `_static/`.
fn copy_static(theme: &crate::theme::ThemeFiles, files: &mut Vec<OutFile>) {
    for (rel, source) in theme.list("static") {
        files.push(OutFile {
            path: format!("_static/{rel}"),
            content: match source {
                crate::theme::Source::Site(p) => Content::Copy(p),
                crate::theme::Source::Builtin(b) => Content::Bytes(b.to_vec()),
            },
        });
    }
}
