//! Build: runs the pipeline in order (discover -> parse -> site -> pages ->
//! output plan) and returns what to write plus every diagnostic. Data flows
//! one way; this module only wires the stages together.

use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::discover::{self, FileKind};
use crate::links::index::{LinkIndex, RedirectTarget};
use crate::links::Class;
use crate::output::{Content, OutFile};
use crate::pages::{self, PageOutput};
use crate::parse::{self, Article};
use crate::render::Theme;
use crate::site::Site;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub articles: usize,
    pub pages: usize,
    pub fallback_pages: usize,
    pub locales: usize,
    pub assets: usize,
    pub files_written: usize,
    /// Links by what they turned out to be.
    pub links: BTreeMap<Class, usize>,
    pub redirects: usize,
    /// The search index of each locale.
    pub search: Vec<crate::search::index::IndexStats>,
    #[serde(skip)]
    pub elapsed: Duration,
}

pub struct Build {
    pub config: Config,
    pub external_links: Vec<pages::ExternalLink>,
    pub files: Vec<OutFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}

impl Build {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Runs the whole pipeline except writing. `Err` is a failure that leaves
/// nothing to publish (bad config, broken theme).
pub fn build(site_root: &Path, show_progress: bool) -> Result<Build, Vec<Diagnostic>> {
    let start = Instant::now();
    let config = Config::load(site_root).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let theme = Theme::load(&config, &mut diags).map_err(|d| {
        let mut all = std::mem::take(&mut diags);
        all.push(d);
        all
    })?;

    let found = discover::discover(&config);
    diags.extend(found.diagnostics);
    let (article_files, assets): (Vec<_>, Vec<_>) = found.files.into_iter().partition(|f| f.kind == FileKind::Article);

    let progress = progress_bar(show_progress, article_files.len() as u64 * 2);
    progress.set_message("parsing");
    let parsed: Vec<(Option<Article>, Vec<Diagnostic>)> = article_files
        .par_iter()
        .map(|f| {
            let mut d = Vec::new();
            let a = parse::parse_article(f, &mut d);
            progress.inc(1);
            (a, d)
        })
        .collect();
    let mut articles = Vec::with_capacity(parsed.len());
    for (a, d) in parsed {
        diags.extend(d);
        articles.extend(a);
    }

    let mut site = Site::build(&config, articles, assets, &mut diags);
    crate::links::anchors::repair_duplicate_ids(&mut site, &mut diags);
    let index = LinkIndex::build(&config, &site, &mut diags);
    site.remove_pages(&index.redirects.keys().cloned().collect());

    progress.set_message("rendering");
    progress.set_length(site.articles.len() as u64 + site.pages.len() as u64);
    // The search index is analysed beside rendering (both in parallel).
    let (rendered, search_docs): (Vec<Result<PageOutput, Diagnostic>>, _) = rayon::join(
        || render_all(&config, &site, &index, &theme, &progress),
        || crate::search::prepare_all(&config, &site),
    );
    progress.finish_and_clear();

    let mut files = Vec::with_capacity(rendered.len() + site.assets.len() + 8);
    let mut links: BTreeMap<Class, usize> = BTreeMap::new();
    let mut external_links = Vec::new();
    let mut seen_translation_anchors = HashSet::new();
    for r in rendered {
        match r {
            Ok(p) => {
                external_links.extend(p.external);
                for c in p.link_classes {
                    *links.entry(c).or_default() += 1;
                }
                for d in p.diags {
                    // Many links may miss one changed anchor: report it once.
                    if d.code == "link-anchor-translation" {
                        let key = (
                            d.file.clone(),
                            d.message.split(" (linked from").next().unwrap_or("").to_string(),
                        );
                        if !seen_translation_anchors.insert(key) {
                            continue;
                        }
                    }
                    diags.push(d);
                }
                files.push(OutFile {
                    path: p.path,
                    content: Content::Bytes(p.html.into_bytes()),
                });
            }
            Err(d) => diags.push(d),
        }
    }
    let mut extra = vec![pages::render_404(&config, &theme), pages::render_root(&config, &theme)];
    extra.extend(redirect_pages(&config, &site, &index, &theme));
    for (li, locale) in config.locales.iter().enumerate() {
        let map: BTreeMap<&str, &str> = index.article_ids[li]
            .iter()
            .filter_map(|(id, rel)| Some((id.as_str(), site.page(li, rel)?.url.as_str())))
            .collect();
        let json = serde_json::to_string_pretty(&map).unwrap_or_default();
        files.push(OutFile {
            path: format!("{}/ids.json", locale.code),
            content: Content::Bytes(json.into_bytes()),
        });
    }
    for li in 0..config.locales.len() {
        if !site.has_home(li) {
            extra.push(pages::render_home(&config, &site, &theme, li));
        }
    }
    for r in extra {
        match r {
            Ok(p) => files.push(OutFile {
                path: p.path,
                content: Content::Bytes(p.html.into_bytes()),
            }),
            Err(e) => diags.push(Diagnostic::error(
                "template",
                "",
                format!("cannot render a theme page: {e}"),
            )),
        }
    }
    files.push(OutFile {
        path: "sitemap.xml".into(),
        content: Content::Bytes(crate::sitemap::sitemap(&config, &site).into_bytes()),
    });
    for a in &site.assets {
        files.push(OutFile {
            path: format!("{}/{}", config.locales[a.locale].code, a.rel),
            content: Content::Copy(a.abs.clone()),
        });
    }
    copy_static(&theme.dir.join("static"), &mut files);
    let search = match crate::search::write(&config, &theme, search_docs, &mut files) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(
                "template",
                "",
                format!("cannot render the search page: {e}"),
            ));
            Vec::new()
        }
    };

    diagnostics::sort(&mut diags);
    let stats = Stats {
        articles: site.articles.len(),
        pages: site.pages.len(),
        fallback_pages: site.pages.iter().filter(|p| p.fallback).count(),
        locales: config.locales.len(),
        assets: site.assets.len(),
        files_written: files.len(),
        links,
        redirects: index.redirects.len(),
        search,
        elapsed: start.elapsed(),
    };
    Ok(Build {
        config,
        external_links,
        files,
        diagnostics: diags,
        stats,
    })
}

fn render_all(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
    progress: &ProgressBar,
) -> Vec<Result<PageOutput, Diagnostic>> {
    site.pages
        .par_iter()
        .map(|page| {
            let r = pages::render_page(config, site, index, theme, page).map_err(|e| {
                let a = &site.articles[page.article];
                Diagnostic::error(
                    "template",
                    &a.display,
                    format!("cannot render page `{}`: {e}", page.url),
                )
            });
            progress.inc(1);
            r
        })
        .collect()
}

/// Redirect pages: each redirected article in every locale, and the short
/// URL `/<locale>/go/<id>/` of every `ms.custom` article ID.
fn redirect_pages(
    config: &crate::config::Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
) -> Vec<Result<PageOutput, String>> {
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
            out.push(pages::render_redirect(
                config,
                theme,
                li,
                &dir,
                &target,
                &format!("{dir}index.html"),
            ));
        }
        for (id, rel) in &index.article_ids[li] {
            let Some(p) = site.page(li, rel) else {
                continue;
            };
            let dir = format!("{}/go/{id}/", locale.code);
            let target = crate::site::relative_url(&dir, &p.url);
            out.push(pages::render_redirect(
                config,
                theme,
                li,
                &dir,
                &target,
                &format!("{dir}index.html"),
            ));
        }
    }
    out
}

fn copy_static(dir: &Path, files: &mut Vec<OutFile>) {
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
    {
        if e.file_type().is_file() {
            if let Ok(rel) = e.path().strip_prefix(dir) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                files.push(OutFile {
                    path: format!("_static/{rel}"),
                    content: Content::Copy(e.path().to_path_buf()),
                });
            }
        }
    }
}

fn progress_bar(show: bool, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg:10} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
