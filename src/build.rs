//! Build: wires the pipeline stages in order (discover -> parse -> site +
//! link index -> pages -> output plan) and returns what to write plus every
//! diagnostic. Data flows one way; this module only wires the stages
//! together. `serve` reuses the same stage functions to redo only what
//! changed.

use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::discover::{self, FileKind, SourceFile};
use crate::links::index::LinkIndex;
use crate::links::Class;
use crate::output::{self, Content, OutFile};
use crate::pages::{self, ExternalLink, ExternalLinks, PageOutput};
use crate::parse::{self, Article};
use crate::render::Theme;
use crate::shard::Scope;
use crate::site::Site;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

mod loading;
mod run;
mod site_files;
pub use run::{build, build_with, Options};
pub use site_files::{
    copied_files, search_files, search_files_for, search_files_memo, site_files, site_files_in, site_files_keyed,
    KeyedRedirects, RedirectKey,
};

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
    /// Milliseconds per stage (wall clock).
    pub stage_ms: BTreeMap<&'static str, u64>,
    /// The search index of each locale.
    pub search: Vec<crate::search::index::IndexStats>,
    /// Hits and misses of `--cache`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<crate::cache::CacheStats>,
    #[serde(skip)]
    pub elapsed: Duration,
}

pub struct Build {
    pub config: Config,
    pub external_links: ExternalLinks,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Translation status and review findings.
    pub l10n: crate::l10n::L10n,
}

impl Build {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The in-memory site after parsing: everything needed to render any page.
pub struct Model {
    pub config: Config,
    pub theme: Theme,
    pub site: Site,
    pub index: LinkIndex,
    pub nav: crate::toc::Nav,
    pub pivots: crate::pivots::PivotGroups,
    pub project: Option<crate::docfx_json::DocfxProject>,
    /// Translation status and review findings.
    pub l10n: crate::l10n::L10n,
    /// The articles' HTML, for rendering (spilled out of `site` by a build).
    pub bodies: crate::bodies::Bodies,
}

/// Stage 0: configuration and theme. `Err` leaves nothing to publish.
pub fn load(site_root: &Path, diags: &mut Vec<Diagnostic>) -> Result<(Config, Theme), Diagnostic> {
    let config = Config::load(site_root)?;
    let theme = Theme::load(&config, diags)?;
    Ok((config, theme))
}

/// Stage 1a: the site's files (a `docfx.json` decides what is content),
/// split into articles and assets.
pub fn discover_site(
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> (
    Vec<SourceFile>,
    Vec<SourceFile>,
    Option<crate::docfx_json::DocfxProject>,
) {
    let found = discover::discover(config);
    diags.extend(found.diagnostics);
    let mut project = crate::docfx_json::DocfxProject::load(config, diags);
    let files = match &mut project {
        Some(p) => p.filter(config, found.files),
        None => found.files,
    };
    let files = within_docsets(config, files);
    // A repository's publishing configuration that cannot be read is said
    // once (each locale's repository).
    let mut repos: Vec<std::path::PathBuf> = config
        .locales
        .iter()
        .filter_map(|l| crate::publishing::repository_root(&l.root))
        .collect();
    repos.sort();
    repos.dedup();
    diags.extend(
        repos
            .iter()
            .filter_map(|r| crate::publishing::config_problem(r, &config.site_root)),
    );
    let (articles, assets) = files.into_iter().partition(|f| f.kind == FileKind::Article);
    (articles, assets, project)
}

/// A locale folder that is the root of a Learn repository whose
/// publishing configuration lists docsets (a repository of several, each
/// in its own folder): only the files inside those folders are published,
/// as Learn does; the repository's own files beside them (`README.md`,
/// `SECURITY.md`, a licence) are not pages of the site.
fn within_docsets(config: &Config, mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    let docsets: Vec<Vec<std::path::PathBuf>> = config
        .locales
        .iter()
        .map(|l| {
            let real = crate::fence::real_path(&l.root);
            match crate::publishing::repository_root(&l.root) {
                Some(repo) if repo == real => crate::publishing::docset_folders(&real)
                    .iter()
                    .filter_map(|d| d.strip_prefix(&real).ok().map(|rel| l.root.join(rel)))
                    .filter(|d| *d != l.root)
                    .collect(),
                _ => Vec::new(),
            }
        })
        .collect();
    if docsets.iter().all(Vec::is_empty) {
        return files;
    }
    files.retain(|f| {
        let folders = &docsets[f.locale];
        folders.is_empty() || folders.iter().any(|d| f.abs.starts_with(d))
    });
    files
}

/// Stage 1b: parses articles in parallel. Returns each file's article (if
/// publishable) with its own diagnostics, in the order given.
pub fn parse_all(
    files: &[SourceFile],
    config: &Config,
    project: Option<&crate::docfx_json::DocfxProject>,
    bodies: &crate::bodies::Bodies,
    progress: &ProgressBar,
) -> Vec<(Option<Article>, Vec<Diagnostic>)> {
    files
        .par_iter()
        .map(|f| {
            let mut d = Vec::new();
            let mut a = parse::parse_article(f, config, project, &mut d);
            // The HTML leaves memory as soon as it is made.
            if let Some(a) = &mut a {
                bodies.put(a);
            }
            progress.inc(1);
            (a, d)
        })
        .collect()
}

/// Stage 2a: the site (landing pages added) and its link index.
pub(crate) fn site_and_index(
    config: &Config,
    project: Option<&crate::docfx_json::DocfxProject>,
    articles: &mut Vec<Article>,
    assets: Vec<SourceFile>,
    bodies: &crate::bodies::Bodies,
    diags: &mut Vec<Diagnostic>,
) -> (Site, LinkIndex) {
    let (landing_pages, assets) = crate::landing::extract(config, assets, diags);
    articles.extend(landing_pages);
    let mut site = Site::build(config, std::mem::take(articles), assets, diags);
    crate::links::anchors::repair_duplicate_ids(&mut site, bodies, diags);
    let mut index = LinkIndex::build(config, &site, diags);
    diags.extend(site.orphan_diagnostics(config, &|rel| {
        index.redirects.get(rel).map(|r| match &r.target {
            crate::links::index::RedirectTarget::Page(p) => p.clone(),
            crate::links::index::RedirectTarget::External(u) => u.clone(),
        })
    }));
    if let Some(p) = project {
        index.excluded = p.excluded.clone();
    }
    site.remove_pages(&index.redirects.keys().cloned().collect());
    (site, index)
}

/// What `polydoc l10n status` needs: the configuration, the parsed site and
/// the translation stage; no theme is loaded and no page rendered.
pub fn translations(site_root: &Path) -> Result<(Config, crate::l10n::L10n), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let config = Config::load(site_root).map_err(|d| vec![d])?;
    let (article_files, assets, project) = discover_site(&config, &mut diags);
    let progress = progress_bar(false, 0);
    let mut articles = Vec::with_capacity(article_files.len());
    for (a, _) in parse_all(
        &article_files,
        &config,
        project.as_ref(),
        &crate::bodies::Bodies::kept(),
        &progress,
    ) {
        articles.extend(a);
    }
    let (site, index) = site_and_index(
        &config,
        project.as_ref(),
        &mut articles,
        assets,
        &crate::bodies::Bodies::kept(),
        &mut diags,
    );
    let l10n = crate::l10n::analyse(&config, &site, &index);
    Ok((config, l10n))
}

/// `polydoc check --l10n`: every diagnostic of the site's sources (front
/// matter, Markdown, includes, TOC files, links, as a check finds them) and
/// every translation finding, without loading a theme and without rendering
/// a page: a site folder holding only `polydoc.toml` and its articles works.
/// Links are resolved with the reader's resolver, as rendering would.
pub fn check_translations(site_root: &Path) -> Result<Build, Vec<Diagnostic>> {
    let start = Instant::now();
    let mut diags = Vec::new();
    let config = Config::load(site_root).map_err(|d| vec![d])?;
    let (article_files, assets, project) = discover_site(&config, &mut diags);
    let progress = progress_bar(false, 0);
    let kept = crate::bodies::Bodies::kept();
    let mut articles = Vec::with_capacity(article_files.len());
    for (a, d) in parse_all(&article_files, &config, project.as_ref(), &kept, &progress) {
        diags.extend(d);
        articles.extend(a);
    }
    let (site, index) = site_and_index(&config, project.as_ref(), &mut articles, assets, &kept, &mut diags);
    diags.extend(generated_collisions(&config, &site, &index));
    crate::toc::Nav::build(&config, &site, &index, &mut diags);
    crate::pivots::PivotGroups::load(&config, &mut diags).check(&site.articles, &mut diags);
    let l10n = crate::l10n::analyse_for(&config, (&site, &kept), &index, crate::l10n::Want::Findings);
    diags.extend(l10n.config_diagnostics.iter().cloned());
    diags.extend(l10n.diagnostics());
    // What rendering reports: each link of each page (a source article's
    // problems once, from its own page), resolved for the reader.
    let resolver = crate::links::Resolver {
        config: &config,
        site: &site,
        index: &index,
    };
    let mut links: BTreeMap<Class, usize> = BTreeMap::new();
    let per_page: Vec<(Vec<Class>, Vec<Diagnostic>, Vec<ExternalLink>)> = site
        .pages
        .par_iter()
        .map(|page| {
            let article = &site.articles[page.article];
            let mut classes = Vec::with_capacity(article.md.links.len());
            let (mut d, mut external) = (Vec::new(), Vec::new());
            for l in &article.md.links {
                let r = resolver.resolve(page, l, !page.fallback);
                if !page.fallback && r.class == Class::External {
                    external.push(ExternalLink {
                        file: article.display.clone(),
                        line: l.line,
                        column: l.column,
                        url: r.href.clone(),
                    });
                }
                classes.push(r.class);
                d.extend(r.diags);
            }
            (classes, d, external)
        })
        .collect();
    let (mut page_diags, mut external_links) = (Vec::new(), ExternalLinks::default());
    for (classes, d, external) in per_page {
        for c in classes {
            *links.entry(c).or_default() += 1;
        }
        page_diags.extend(d);
        external_links.0.push(external);
    }
    diags.extend(dedupe_page_diagnostics(page_diags));
    diagnostics::sort(&mut diags);
    diags.dedup_by(|a, b| {
        a.file == b.file && a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message
    });
    let stats = Stats {
        articles: site.articles.len(),
        pages: site.pages.len(),
        fallback_pages: site.pages.iter().filter(|p| p.fallback).count(),
        locales: config.locales.len(),
        assets: site.assets.len(),
        links,
        redirects: index.redirects.len(),
        elapsed: start.elapsed(),
        ..Stats::default()
    };
    Ok(Build {
        config,
        external_links,
        diagnostics: diags,
        stats,
        l10n,
    })
}

/// Stage 2: the site model, the link index, navigation and pivots.
pub fn assemble(
    config: Config,
    theme: Theme,
    project: Option<crate::docfx_json::DocfxProject>,
    articles: (Vec<Article>, crate::bodies::Bodies),
    assets: Vec<SourceFile>,
    want: crate::l10n::Want,
    diags: &mut Vec<Diagnostic>,
) -> Model {
    assemble_in(
        config,
        theme,
        project,
        articles,
        assets,
        want,
        (&Scope::All, None),
        diags,
    )
}

/// `assemble`; a shard analyses only its own translations.
#[allow(clippy::too_many_arguments)]
pub fn assemble_in(
    config: Config,
    theme: Theme,
    project: Option<crate::docfx_json::DocfxProject>,
    (mut articles, bodies): (Vec<Article>, crate::bodies::Bodies),
    assets: Vec<SourceFile>,
    want: crate::l10n::Want,
    (scope, emit): (&Scope, Option<&(dyn Fn(OutFile) + Sync)>),
    diags: &mut Vec<Diagnostic>,
) -> Model {
    let parts = assemble_site(&config, project.as_ref(), &mut articles, assets, &bodies, diags);
    translate(
        config,
        theme,
        project,
        parts,
        bodies,
        want,
        (scope, emit, None),
        diags,
        &|_, _, _| (),
    )
    .0
}

/// Where a build's files go as they are made.
pub(crate) type Emit<'a> = dyn Fn(OutFile) + Sync + 'a;

/// The cache of a build, with its writer of files made under a key and its
/// check that the output folder holds a file made under a key already.
pub(crate) type CachedWrites<'a> = (
    &'a crate::cache::run::Run,
    &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
    &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
);

/// The assembled site before the translation stage: site, link index,
/// navigation, pivots.
pub(crate) type SiteParts = (Site, LinkIndex, crate::toc::Nav, crate::pivots::PivotGroups);

/// Stage 2, first half: the site, its link index, navigation and pivots.
pub(crate) fn assemble_site(
    config: &Config,
    project: Option<&crate::docfx_json::DocfxProject>,
    articles: &mut Vec<Article>,
    assets: Vec<SourceFile>,
    bodies: &crate::bodies::Bodies,
    diags: &mut Vec<Diagnostic>,
) -> SiteParts {
    let (site, index) = site_and_index(config, project, articles, assets, bodies, diags);
    // Three independent looks at the assembled site, side by side (each
    // one thread): their diagnostics kept in this order.
    let (collisions, ((nav, nav_diags), (pivots, pivot_diags))) = rayon::join(
        || generated_collisions(config, &site, &index),
        || {
            rayon::join(
                || {
                    let mut d = Vec::new();
                    (crate::toc::Nav::build(config, &site, &index, &mut d), d)
                },
                || {
                    let mut d = Vec::new();
                    let pivots = crate::pivots::PivotGroups::load(config, &mut d);
                    pivots.check(&site.articles, &mut d);
                    (pivots, d)
                },
            )
        },
    );
    diags.extend(collisions);
    diags.extend(nav_diags);
    diags.extend(pivot_diags);
    (site, index, nav, pivots)
}

/// Stage 2, second half: the translation stage (with `--cache`, each
/// review from `memo` when it was made before from the same inputs).
/// `beside` runs on the site beside the translation stage (which leaves
/// a thread idle much of its time); its result comes back with the model.
#[allow(clippy::too_many_arguments)]
pub(crate) fn translate<R: Send>(
    config: Config,
    theme: Theme,
    project: Option<crate::docfx_json::DocfxProject>,
    (site, index, nav, pivots): SiteParts,
    bodies: crate::bodies::Bodies,
    want: crate::l10n::Want,
    (scope, emit, cache): (&Scope, Option<&Emit>, Option<CachedWrites>),
    diags: &mut Vec<Diagnostic>,
    beside: &(dyn Fn(&Config, &Site, &crate::bodies::Bodies) -> R + Sync),
) -> (Model, R) {
    let shard = |li: usize, rel: &str| match scope {
        Scope::Shard(f) if rel.is_empty() => f.writes_locale_files(li),
        Scope::Shard(f) => f.takes(li, rel),
        _ => true,
    };
    let keep: Option<&crate::l10n::Keep> = matches!(scope, Scope::Shard(_)).then_some(&shard);
    // With review pages, each page is written as soon as its review is
    // made (the reviews of the whole site are never held at once); with the
    // cache, each review is recalled or remembered (without a page in a
    // check or a build without review pages).
    let pages = emit.filter(|_| want == crate::l10n::Want::Pages);
    let analyse = || {
        let failed = std::sync::Mutex::new(Vec::new());
        let sink = |l: &crate::l10n::L10n, r: &crate::l10n::ArticleReview, html: (&str, &str)| {
            if let Some(emit) = pages {
                let d = crate::l10n::review::write_one(&config, &site, &index, &theme, l, r, html, emit);
                failed.lock().unwrap().extend(d);
            }
        };
        let memo = cache.filter(|_| want != crate::l10n::Want::Nothing).and_then(|c| {
            let every = want == crate::l10n::Want::EveryFinding;
            crate::cache::l10n::Reviews::new(c, (&config, &site, &index, &theme), &failed, (pages.is_some(), every))
        });
        let memo_dyn = memo.as_ref().map(|m| m as &dyn crate::l10n::Memo);
        let l10n = match pages {
            Some(_) => crate::l10n::analyse_streamed(&config, (&site, &bodies), &index, keep, &sink, memo_dyn),
            None => crate::l10n::analyse_kept(&config, (&site, &bodies), &index, want, keep, memo_dyn),
        };
        if let Some(m) = memo {
            m.finish();
        }
        (l10n, failed.into_inner().unwrap())
    };
    let ((l10n, failed), made) = rayon::join(analyse, || beside(&config, &site, &bodies));
    diags.extend(failed);
    let model = Model {
        config,
        theme,
        site,
        index,
        nav,
        pivots,
        project,
        l10n,
        bodies,
    };
    (model, made)
}

/// The source file an output file is made from, for messages.
fn source_of(m: &Model, out_path: &str) -> Option<String> {
    let dir = out_path.strip_suffix("index.html")?;
    if let Some(p) = m.site.pages.iter().find(|p| p.url == dir) {
        return Some(m.site.articles[p.article].display.clone());
    }
    let (code, rest) = dir.split_once('/')?;
    m.config.locale_index(code)?;
    m.index
        .redirects
        .keys()
        .find(|src| crate::site::article_url(src) == rest)
        .map(|src| format!("the redirection of `{src}`"))
}

/// Articles published where polydoc writes a page of its own (the search
/// page, the `go/<id>/` redirects of `ms.custom` article IDs): one would
/// silently replace the other.
fn generated_collisions(config: &Config, site: &Site, index: &LinkIndex) -> Vec<Diagnostic> {
    // One pass over the pages, each asked whether its URL is one polydoc
    // writes (a site has an article ID for most articles: their URLs are
    // not made one by one).
    let generated = |p: &crate::site::Page| -> Option<String> {
        let rest = p
            .url
            .strip_prefix(config.locales[p.locale].code.as_str())?
            .strip_prefix('/')?;
        if config.search.enabled && rest == "search/" {
            return Some("the search page".to_string());
        }
        let id = rest.strip_prefix("go/")?.strip_suffix('/')?;
        index
            .article_ids
            .get(p.locale)?
            .contains_key(id)
            .then(|| format!("the redirect for article ID {id} (`ms.custom`)"))
    };
    site.pages
        .iter()
        .filter(|p| !p.fallback)
        .filter_map(|p| {
            let what = generated(p)?;
            Some(
                Diagnostic::error(
                    "url-collision",
                    &site.articles[p.article].display,
                    format!("this article is published at `{}`, where polydoc writes {what}", p.url),
                )
                .help("rename or move the article"),
            )
        })
        .collect()
}

/// Stage 3: renders one published page (by index into `site.pages`).
pub fn render_one(m: &Model, page: usize) -> Result<PageOutput, Diagnostic> {
    let page = &m.site.pages[page];
    let html = m.bodies.html(&m.site.articles, page.article).map_err(|e| {
        Diagnostic::error(
            "read",
            &m.site.articles[page.article].display,
            format!("cannot read back the article's HTML for page `{}`: {e}", page.url),
        )
    })?;
    pages::render_page(&m.config, &m.site, &m.index, &m.theme, (&m.nav, &m.pivots), page, &html).map_err(|e| {
        let a = &m.site.articles[page.article];
        Diagnostic::error(
            "template",
            &a.display,
            format!("cannot render page `{}`: {e}", page.url),
        )
    })
}

/// Many links may miss one changed anchor in a translation: report it once.
pub fn dedupe_page_diagnostics(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diags
        .into_iter()
        .filter(|d| {
            d.code != "link-anchor-translation"
                || seen.insert((
                    d.file.clone(),
                    d.message.split(" (linked from").next().unwrap_or("").to_string(),
                ))
        })
        .collect()
}

pub fn progress_bar(show: bool, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg:10} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
