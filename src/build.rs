//! Build: wires the pipeline stages in order (discover -> parse -> site +
//! link index -> pages -> output plan) and returns what to write plus every
//! diagnostic. Data flows one way; this module only wires the stages
//! together. `serve` reuses the same stage functions to redo only what
//! changed.

use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::discover::{self, FileKind, SourceFile};
use crate::links::index::{LinkIndex, RedirectTarget};
use crate::links::Class;
use crate::output::{self, Content, OutFile};
use crate::pages::{self, ExternalLink, PageOutput};
use crate::parse::{self, Article};
use crate::render::Theme;
use crate::shard::Scope;
use crate::site::Site;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
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
    pub external_links: Vec<ExternalLink>,
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
    let (articles, assets) = files.into_iter().partition(|f| f.kind == FileKind::Article);
    (articles, assets, project)
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
    let (mut page_diags, mut external_links) = (Vec::new(), Vec::new());
    for (classes, d, external) in per_page {
        for c in classes {
            *links.entry(c).or_default() += 1;
        }
        page_diags.extend(d);
        external_links.extend(external);
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
    translate(config, theme, project, parts, bodies, want, (scope, emit, None), diags)
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
    diags.extend(generated_collisions(config, &site, &index));
    let nav = crate::toc::Nav::build(config, &site, &index, diags);
    let pivots = crate::pivots::PivotGroups::load(config, diags);
    pivots.check(&site.articles, diags);
    (site, index, nav, pivots)
}

/// Stage 2, second half: the translation stage (with `--cache`, each
/// review from `memo` when it was made before from the same inputs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn translate(
    config: Config,
    theme: Theme,
    project: Option<crate::docfx_json::DocfxProject>,
    (site, index, nav, pivots): SiteParts,
    bodies: crate::bodies::Bodies,
    want: crate::l10n::Want,
    (scope, emit, cache): (&Scope, Option<&Emit>, Option<CachedWrites>),
    diags: &mut Vec<Diagnostic>,
) -> Model {
    let shard = |li: usize, rel: &str| match scope {
        Scope::Shard(f) if rel.is_empty() => f.writes_locale_files(li),
        Scope::Shard(f) => f.takes(li, rel),
        _ => true,
    };
    let keep: Option<&crate::l10n::Keep> = matches!(scope, Scope::Shard(_)).then_some(&shard);
    let l10n = match emit {
        // Each review page is written as soon as its review is made, so
        // the reviews of the whole site are never held at once.
        Some(emit) if want == crate::l10n::Want::Pages => {
            let failed = std::sync::Mutex::new(Vec::new());
            let sink = |l: &crate::l10n::L10n, r: &crate::l10n::ArticleReview, html: (&str, &str)| {
                let d = crate::l10n::review::write_one(&config, &site, &index, &theme, l, r, html, emit);
                failed.lock().unwrap().extend(d);
            };
            let memo =
                cache.and_then(|c| crate::cache::l10n::Reviews::new(c, (&config, &site, &index, &theme), &failed));
            let memo = memo.as_ref().map(|m| m as &dyn crate::l10n::Memo);
            let l10n = crate::l10n::analyse_streamed(&config, (&site, &bodies), &index, keep, &sink, memo);
            diags.extend(failed.into_inner().unwrap());
            l10n
        }
        _ => match keep {
            Some(keep) => crate::l10n::analyse_kept(&config, (&site, &bodies), &index, want, keep),
            None => crate::l10n::analyse_for(&config, (&site, &bodies), &index, want),
        },
    };
    Model {
        config,
        theme,
        site,
        index,
        nav,
        pivots,
        project,
        l10n,
        bodies,
    }
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
    let by_url: HashMap<&str, &crate::site::Page> = site
        .pages
        .iter()
        .filter(|p| !p.fallback)
        .map(|p| (p.url.as_str(), p))
        .collect();
    let mut out = Vec::new();
    for (li, locale) in config.locales.iter().enumerate() {
        let mut generated: Vec<(String, String)> = Vec::new();
        if config.search.enabled {
            generated.push((format!("{}/search/", locale.code), "the search page".to_string()));
        }
        for id in index.article_ids.get(li).into_iter().flat_map(|m| m.keys()) {
            generated.push((
                format!("{}/go/{id}/", locale.code),
                format!("the redirect for article ID {id} (`ms.custom`)"),
            ));
        }
        for (url, what) in generated {
            if let Some(p) = by_url.get(url.as_str()) {
                out.push(
                    Diagnostic::error(
                        "url-collision",
                        &site.articles[p.article].display,
                        format!("this article is published at `{url}`, where polydoc writes {what}"),
                    )
                    .help("rename or move the article"),
                );
            }
        }
    }
    out
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

/// What the command line may change about a build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides `[l10n] review_pages` (whether `_l10n/` is written).
    pub review_pages: Option<bool>,
    /// `build --index FILE --locale CODE [--shard K/N]`: one shard of the
    /// site, from the index of the whole site.
    pub shard: Option<crate::shard::Request>,
    /// The persistent cache folder (`--cache`), if any.
    pub cache: Option<std::path::PathBuf>,
}

/// Runs the whole pipeline; with `out`, writes the site there (into a
/// staging folder as pages are rendered, swapped in at the end).
pub fn build(site_root: &Path, show_progress: bool, out: Option<&Path>) -> Result<Build, Vec<Diagnostic>> {
    build_with(site_root, show_progress, out, &Options::default())
}

/// `build`, with the command line's `Options`.
pub fn build_with(
    site_root: &Path,
    show_progress: bool,
    out: Option<&Path>,
    options: &Options,
) -> Result<Build, Vec<Diagnostic>> {
    let start = Instant::now();
    let mut diags = Vec::new();
    let (mut config, theme) = match load(site_root, &mut diags) {
        Ok(x) => x,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    if let Some(on) = options.review_pages {
        config.l10n.review_pages = on;
    }
    let plan = match &options.shard {
        Some(r) => match crate::shard::Plan::new(r, &config) {
            Ok(p) => Some(p),
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        },
        None => None,
    };
    // A check reports findings (every one with `--l10n`); a build needs the
    // review's sections only for the `_l10n/` pages, and its findings only
    // when one is set to `error`.
    let want = if out.is_none() {
        crate::l10n::Want::Findings
    } else if config.l10n.review_pages {
        crate::l10n::Want::Pages
    } else if config.l10n.severity.values().any(|v| v == "error") {
        crate::l10n::Want::Findings
    } else {
        crate::l10n::Want::Nothing
    };
    let staging = match out {
        Some(out) => {
            let protected: Vec<_> = config
                .locales
                .iter()
                .map(|l| l.root.clone())
                .chain([config.theme_dir()])
                .collect();
            // With the cache, the output keeps a manifest of keys, and
            // a build into a folder with one writes only what changed.
            let open = if options.cache.is_some() {
                output::Staging::keyed
            } else {
                output::Staging::new
            };
            let staged = output::check_out_dir(site_root, out, &protected).and_then(|_| {
                open(out).map_err(|e| {
                    Diagnostic::error(
                        "write",
                        out.display().to_string(),
                        format!("cannot create the output folder: {e}"),
                    )
                })
            });
            match staged {
                Ok(s) => Some(s),
                Err(d) => {
                    diags.push(d);
                    return Err(diags);
                }
            }
        }
        None => None,
    };
    let mut cache = match &options.cache {
        Some(dir) => match crate::cache::run::Run::start(&config, dir, out) {
            Ok(c) => Some(c),
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        },
        None => None,
    };
    let write_error: std::sync::Mutex<Option<(String, std::io::Error)>> = std::sync::Mutex::new(None);
    let write_keyed = |f: OutFile, key: Option<[u8; 32]>| {
        if let Some(s) = &staging {
            if let Err(e) = s.write_keyed(&f, key) {
                write_error.lock().unwrap().get_or_insert((f.path, e));
            }
        }
    };
    let write = |f: OutFile| write_keyed(f, None);
    // Whether the output folder holds a page made under its key (nothing
    // to write; nothing is written without an output folder).
    let in_place = |path: &str, key: &[u8; 32]| staging.as_ref().is_none_or(|s| s.keep(path, key));
    let mut stage_ms = BTreeMap::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stage_ms.insert(name, lap.elapsed().as_millis() as u64);
        lap = Instant::now();
    };
    stage("load");
    let (article_files, assets, project) = discover_site(&config, &mut diags);
    stage("discover");

    let progress = progress_bar(show_progress, article_files.len() as u64 * 2);
    progress.set_message("parsing");
    // A build's articles' HTML waits in a file in the staging folder from
    // the moment it is made until its readers are done (`bodies`).
    let bodies = staging
        .as_ref()
        .and_then(|s| crate::bodies::Bodies::spilled(&s.dir.join(".polydoc-bodies")).ok())
        .unwrap_or_else(crate::bodies::Bodies::kept);
    let mut articles = Vec::with_capacity(article_files.len());
    // A shard parses its own articles; the others come from the index.
    let parsed = match &plan {
        Some(plan) => match plan.parse(&article_files, &config, project.as_ref(), &progress) {
            Ok(p) => p,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        },
        None => match &cache {
            Some(c) => c.parse_all(&article_files, &config, project.as_ref(), &bodies, &progress),
            None => parse_all(&article_files, &config, project.as_ref(), &bodies, &progress),
        },
    };
    for (a, d) in parsed {
        diags.extend(d);
        // (`parse_all` has put its articles' HTML away already.)
        articles.extend(a.map(|mut a| {
            bodies.put(&mut a);
            a
        }));
    }
    stage("parse");
    let all = Scope::All;
    let scope = plan.as_ref().map_or(&all, |p| &p.scope);
    let parts = assemble_site(&config, project.as_ref(), &mut articles, assets, &bodies, &mut diags);
    let keyed = Instant::now();
    let mut cache_keys_ms = None;
    if let Some(c) = &mut cache {
        // A shard's pages also depend on the whole site's index file. (What
        // the translation stage is asked for does not change a page, so
        // `check --cache` and `build --cache` share entries.)
        let options = format!("{:?}", plan.as_ref().map(|p| (&p.index_id, &p.scope)));
        if let Err(d) = c.key_site(&config, (&parts.0, &bodies), &article_files, &options) {
            diags.push(d);
            return Err(diags);
        }
        // Keying the site (inputs, shape, every article) is part of
        // `assemble`'s wall time; shown apart too.
        cache_keys_ms = Some(keyed.elapsed().as_millis() as u64);
    }
    let mut model = translate(
        config,
        theme,
        project,
        parts,
        bodies,
        want,
        (
            scope,
            staging.as_ref().map(|_| &write as &(dyn Fn(OutFile) + Sync)),
            cache.as_ref().map(|c| {
                (
                    c,
                    &write_keyed as &(dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
                    &in_place as &(dyn Fn(&str, &[u8; 32]) -> bool + Sync),
                )
            }),
        ),
        &mut diags,
    );
    stage("assemble");
    if let Some(c) = &mut cache {
        c.key_pages(&model);
    }
    diags.extend(model.l10n.config_diagnostics.iter().cloned());
    // Findings set to `error` in [l10n.severity] fail every build; the rest
    // show on the review pages and with `check --l10n`.
    diags.extend(model.l10n.diagnostics().into_iter().filter(|d| d.is_error()));
    pages::LINK_NANOS.store(0, std::sync::atomic::Ordering::Relaxed);

    progress.set_message("rendering");
    progress.set_length(model.site.articles.len() as u64 + model.site.pages.len() as u64);
    // The site files, then pages written as soon as they are rendered;
    // only what the report needs is kept. Beside all of that, the search
    // index: pages analysed, then its files built (its one-thread steps
    // overlap rendering instead of waiting for it).
    let extra_count = std::sync::atomic::AtomicUsize::new(0);
    let ((rendered, render_ms, extra_diags), (search_count, search, search_diags, search_cpu, search_write)) =
        rayon::join(
            || {
                // The site-wide files first: the translation status pages
                // (a row per translation) need large contexts for a moment,
                // and now the search side beside holds little; at the end
                // it holds every page's analysis and builds the index.
                let counted_write = |f: OutFile, key: Option<[u8; 32]>| {
                    extra_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    write_keyed(f, key)
                };
                let redirect_key = |li: usize, dir: &str, target: &str| cache.as_ref()?.redirect_key(li, dir, target);
                let keyed = KeyedRedirects {
                    key: &redirect_key,
                    in_place: &|path, key| {
                        let kept = in_place(path, key);
                        if kept {
                            extra_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        kept
                    },
                    write: &counted_write,
                };
                let extra_diags = site_files_keyed(&model, &|f| counted_write(f, None), scope, Some(&keyed));
                let started = Instant::now();
                let rendered: Vec<Result<PageOutput, Diagnostic>> = (0..model.site.pages.len())
                    .into_par_iter()
                    .filter(|&i| scope.page(&model.site.pages[i]))
                    .map(|i| {
                        let r = match &cache {
                            Some(c) => c.render(&model, i, &in_place, || render_one(&model, i)),
                            None => render_one(&model, i).map(|page| crate::cache::run::Rendered {
                                page,
                                key: None,
                                unchanged: false,
                            }),
                        };
                        // Written at once; what is kept until the report is
                        // only what it needs (no HTML, path or dependencies).
                        let r = r.map(|r| {
                            let mut p = r.page;
                            if !r.unchanged {
                                let html = std::mem::take(&mut p.html);
                                let f = OutFile {
                                    path: std::mem::take(&mut p.path),
                                    content: Content::Bytes(html.into_bytes()),
                                };
                                write_keyed(f, r.key);
                            }
                            p.links_to = Vec::new();
                            p
                        });
                        progress.inc(1);
                        r
                    })
                    .collect();
                progress.finish_and_clear();
                let render_ms = started.elapsed().as_millis() as u64;
                (rendered, render_ms, extra_diags)
            },
            || {
                let memo = cache.as_ref().and_then(crate::cache::search::Analyses::new);
                // A build writes each card as soon as its page is analysed;
                // a shard keeps the cards' text for `merge`.
                let cards = std::sync::atomic::AtomicUsize::new(0);
                let write_card = |f: OutFile| {
                    cards.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    write(f)
                };
                let docs = crate::search::prepare_memo(
                    &model.config,
                    &model.site,
                    &model.bodies,
                    &|p| scope.page(p),
                    memo.as_ref().map(|m| m as &dyn crate::search::Memo),
                    plan.is_none().then_some(&write_card as crate::search::Cards),
                );
                let search_cpu = docs.cpu_ms();
                let started = Instant::now();
                let (out, stats, diags) = match &plan {
                    Some(plan) => plan.search_files(&model, docs),
                    None => search_files(&model, docs),
                };
                let took = started.elapsed().as_millis() as u64;
                let count = out.len() + cards.into_inner();
                out.into_par_iter().for_each(write);
                (count, stats, diags, search_cpu, took)
            },
        );
    let link_ms = pages::LINK_NANOS.load(std::sync::atomic::Ordering::Relaxed) / 1_000_000;

    let mut files_written = 0;
    let mut links: BTreeMap<Class, usize> = BTreeMap::new();
    let mut external_links = Vec::new();
    let mut page_diags = Vec::new();
    for r in rendered {
        match r {
            Ok(p) => {
                external_links.extend(p.external);
                for c in p.link_classes {
                    *links.entry(c).or_default() += 1;
                }
                page_diags.extend(p.diags);
                files_written += 1;
            }
            Err(d) => page_diags.push(d),
        }
    }
    diags.extend(dedupe_page_diagnostics(page_diags));
    if let Some(plan) = &plan {
        // What `merge` needs from this shard: which index it was built
        // from, and its partial data.
        let files = plan.shard_files(&model, files_written);
        files_written += files.len();
        files.into_iter().for_each(write);
    }
    files_written += extra_count.into_inner();
    diags.extend(extra_diags);
    files_written += search_count;
    diags.extend(search_diags);
    stage("site_files");
    // A theme that cannot render a page is as fatal as one that does not
    // load: nothing is written (the staging folder is dropped), so the
    // previous output stays as it was.
    if diags.iter().any(|d| d.code == "template" && d.is_error()) {
        drop(staging);
        diags.push(
            Diagnostic::error(
                "template",
                crate::discover::display_path(&model.config.site_root, &model.config.theme_dir().join("templates")),
                "the theme cannot render every page; nothing was written and the previous output is unchanged",
            )
            .help("fix the template named above"),
        );
        return Err(diags);
    }
    // Gone before the staging folder becomes the output.
    model.bodies = crate::bodies::Bodies::kept();
    if let Some(s) = staging {
        let failed = write_error.into_inner().unwrap();
        // Only a commit in place touches the output before it is done.
        let in_place = failed.is_none() && s.in_place();
        let committed = match failed {
            Some((path, e)) => Err(match source_of(&model, &path) {
                // Name what to rename: the output path alone does not say.
                Some(src) => format!("`{path}`, the output of `{src}`: {e}"),
                None => format!("{path}: {e}"),
            }),
            None => s.commit().map_err(|e| e.to_string()),
        };
        if let Err(e) = committed {
            let out = out.map(|o| o.display().to_string()).unwrap_or_default();
            // An update in place says itself what it left.
            let left = if in_place {
                ""
            } else {
                "; the previous output is unchanged"
            };
            diags.push(Diagnostic::error(
                "write",
                out,
                format!("cannot write the site ({e}){left}"),
            ));
            return Err(diags);
        }
        stage("commit");
    }

    // "site_files" was timed from the end of `assemble`: rendering's own
    // wall time is "render", the rest (to the end of the search index)
    // stays "site_files".
    let after_assemble = stage_ms.get("site_files").copied().unwrap_or(0);
    stage_ms.insert("render", render_ms);
    stage_ms.insert("site_files", after_assemble.saturating_sub(render_ms));
    stage_ms.insert("links_cpu", link_ms);
    if let Some(ms) = cache_keys_ms {
        stage_ms.insert("cache_keys", ms);
    }
    // Search: page analysis (beside rendering, summed over threads) and
    // building the index files (part of `site_files`).
    stage_ms.insert("search_cpu", search_cpu);
    stage_ms.insert("search_write", search_write);
    let cache_stats = cache.map(|c| {
        // Only a build that wrote its site decides what the cache keeps.
        let (stats, warnings) = c.finish(out.is_some());
        diags.extend(warnings);
        stats
    });
    diagnostics::sort(&mut diags);
    // An included file's problem is found once per page that includes it.
    diags.dedup_by(|a, b| {
        a.file == b.file && a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message
    });
    let Model {
        config,
        site,
        index,
        l10n,
        ..
    } = model;
    let pages_built = || site.pages.iter().filter(|p| scope.page(p));
    let stats = Stats {
        articles: site.articles.len(),
        pages: pages_built().count(),
        fallback_pages: pages_built().filter(|p| p.fallback).count(),
        locales: config.locales.len(),
        assets: site.assets.len(),
        files_written,
        links,
        redirects: index.redirects.len(),
        stage_ms,
        search,
        cache: cache_stats,
        elapsed: start.elapsed(),
    };
    Ok(Build {
        config,
        external_links,
        diagnostics: diags,
        stats,
        l10n,
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
/// it under that key (`in_place`).
pub struct KeyedRedirects<'a> {
    pub key: &'a RedirectKey<'a>,
    pub in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    pub write: &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
}

/// `site_files_in`, the redirect pages through `keyed` when given.
pub fn site_files_keyed(
    m: &Model,
    emit: &(dyn Fn(OutFile) + Sync),
    scope: &Scope,
    keyed: Option<&KeyedRedirects>,
) -> Vec<Diagnostic> {
    let (config, site, index, theme) = (&m.config, &m.site, &m.index, &m.theme);
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
            extra.push(pages::render_home(config, site, theme, li));
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
    // The translation pages beside the redirects: the status pages are
    // a few long pages, each rendered on one thread.
    let (redirects, l10n_pages) = rayon::join(
        || {
            redirect_jobs(config, site, index)
                .into_par_iter()
                .filter(|(li, _, _)| scope.locale_files(*li))
                .filter_map(|(li, dir, target)| {
                    let path = format!("{dir}index.html");
                    let Some((k, key)) = keyed.and_then(|k| Some((k, (k.key)(li, &dir, &target)?))) else {
                        return emit_page(pages::render_redirect(config, theme, li, &dir, &target, &path));
                    };
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
                .collect::<Vec<Diagnostic>>()
        },
        || match scope {
            Scope::All => crate::l10n::review::pages(config, site, &m.bodies, index, theme, &m.l10n, emit),
            // A shard's review pages; the status pages are `merge`'s.
            Scope::Shard(_) => {
                crate::l10n::review::pages_only(config, (site, &m.bodies), index, theme, &m.l10n, None, false, emit)
            }
            Scope::Merge => Vec::new(),
        },
    );
    diags.extend(redirects);
    if scope.site_files() {
        emit(OutFile {
            path: "sitemap.xml".into(),
            content: Content::Bytes(crate::sitemap::sitemap(config, site).into_bytes()),
        });
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

/// Stage 3c: the search index of every locale (from the pages analysed by
/// `search::prepare_all`) and the search page.
pub fn search_files(
    m: &Model,
    prepared: crate::search::Prepared,
) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    match crate::search::write(&m.config, &m.theme, prepared, &mut files) {
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
