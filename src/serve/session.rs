//! The incremental build behind `serve`: keeps the parsed site in memory and,
//! for each batch of changed files, redoes only what they touch. An edited
//! article is re-parsed alone and only its pages and the pages that link to
//! it are re-rendered; a template change re-renders pages but writes only
//! files whose bytes changed; adding, deleting or renaming files re-plans
//! the site from the files already parsed. Output files are replaced one by
//! one with a rename, so the server never serves a half-written page.

use super::analyses::Kept;
use super::diags::{Diags, PageKey};
use super::worker::Worker;
use super::written::Written;
use crate::build::{self, Model};
use crate::diagnostics::Diagnostic;
use crate::discover::{FileKind, SourceFile};
use crate::links::{anchors, index};
use crate::output::{self, Content, OutFile};
use crate::parse::{self, Article};
use crate::render::Theme;
use indicatif::ProgressBar;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod deferred;
mod writing;

/// What a rebuild changed, for the browser.
#[derive(Debug, Default)]
pub struct Update {
    /// URL paths (from the output root, `/nl-nl/a/`) whose files changed.
    pub changed: Vec<String>,
    pub css_only: bool,
    /// Every tab should reload (errors appeared or went, structure changed).
    pub all: bool,
    pub elapsed: Duration,
    pub pages_rendered: usize,
    pub files_written: usize,
}

pub struct Session {
    pub site_root: PathBuf,
    pub out: PathBuf,
    model: Option<Model>,
    pub diags: Diags,
    /// Page -> article paths it links to, and the reverse.
    links_to: HashMap<PageKey, Vec<String>>,
    linked_from: HashMap<String, HashSet<PageKey>>,
    /// What was written to the output folder.
    written: Written,
    /// A page of the last render failed (a template error): its previous
    /// output is kept, so no output is deleted as no longer built.
    render_failed: bool,
    /// The translation status pages are out of date (see `flush_deferred`).
    status_dirty: bool,
    /// The search index is out of date (an article's text changed; see
    /// `flush_deferred`).
    search_dirty: bool,
    /// Each page's search analysis, kept so only changed articles are
    /// analysed again.
    search_kept: Kept,
    /// Source paths whose translations' status and review pages are out
    /// of date (an article or its translation was edited).
    l10n_dirty: std::collections::BTreeSet<String>,
    /// Makes the site-wide files put off (see `flush_deferred`).
    worker: Worker,
    /// The site's git repository, for the translations' status.
    repo: crate::l10n::KeptRepo,
    /// Bumped each time every site file is written: what the worker
    /// made from an older state is dropped.
    generation: u64,
}

impl Session {
    pub fn new(site_root: &Path, out: &Path) -> Session {
        Session {
            site_root: site_root.to_path_buf(),
            out: out.to_path_buf(),
            model: None,
            diags: Diags::default(),
            links_to: HashMap::new(),
            linked_from: HashMap::new(),
            written: Written::default(),
            render_failed: false,
            status_dirty: false,
            search_dirty: false,
            search_kept: Kept::default(),
            l10n_dirty: Default::default(),
            worker: Worker::default(),
            repo: Default::default(),
            generation: 0,
        }
    }

    /// Builds everything from scratch (keeps nothing but what was written).
    pub fn full(&mut self) -> Result<Update, Diagnostic> {
        let start = Instant::now();
        // The configuration may have changed how pages are analysed.
        self.search_kept = Kept::default();
        let mut diags = Vec::new();
        let (config, theme) = match build::load(&self.site_root, &mut diags) {
            Ok(x) => x,
            Err(d) => {
                self.diags.set_fatal(vec![d]);
                return Ok(Update {
                    all: true,
                    elapsed: start.elapsed(),
                    ..Default::default()
                });
            }
        };
        self.diags.set_fatal(Vec::new());
        let (article_files, assets, project) = build::discover_site(&config, &mut diags);
        self.diags.set_discover(diags);
        // The first build of a large site takes a while: show how far
        // parsing is, on a terminal only.
        let progress = build::progress_bar(
            self.written.is_first() && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            article_files.len() as u64,
        );
        progress.set_message("parsing");
        let parsed = build::parse_all(
            &article_files,
            &config,
            project.as_ref(),
            &crate::bodies::Bodies::kept(),
            &progress,
        );
        progress.finish_and_clear();
        self.diags.clear_parse();
        // An article that no longer parses keeps its last good version.
        let mut old: HashMap<PathBuf, Article> = match self.model.take() {
            Some(m) => m.site.articles.into_iter().map(|a| (a.abs.clone(), a)).collect(),
            None => HashMap::new(),
        };
        let mut articles = Vec::new();
        for (f, (a, d)) in article_files.iter().zip(parsed) {
            self.diags.set_parse(f.abs.clone(), d);
            articles.extend(a.or_else(|| old.remove(&f.abs)));
        }
        self.replan(config, theme, project, articles, assets, start)
    }

    /// Plans the site from parsed articles and renders every page, writing
    /// only what changed.
    fn replan(
        &mut self,
        config: crate::config::Config,
        theme: Theme,
        project: Option<crate::docfx_json::DocfxProject>,
        articles: Vec<Article>,
        assets: Vec<SourceFile>,
        start: Instant,
    ) -> Result<Update, Diagnostic> {
        let mut assemble_diags = Vec::new();
        self.model = Some(build::assemble(
            config,
            theme,
            project,
            (articles, crate::bodies::Bodies::kept()),
            assets,
            crate::l10n::Want::Pages,
            &mut assemble_diags,
        ));
        self.diags.set_assemble(assemble_diags);
        // The translations were analysed again with the site.
        self.l10n_dirty.clear();
        self.diags.clear_pages();
        self.links_to.clear();
        self.linked_from.clear();
        let mut update = Update {
            all: true,
            ..Default::default()
        };
        self.write_everything(&mut update, true)?;
        update.elapsed = start.elapsed();
        Ok(update)
    }

    /// Applies a batch of changed paths (created, modified, removed or
    /// renamed files and folders).
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Update, Diagnostic> {
        let start = Instant::now();
        // Every tab reloads when there were errors before or are after
        // (their overlay lists them): asked so, each walk stops at the
        // first error instead of counting tens of thousands of them.
        let errors_before = self.diags.errors() > 0;
        let mut update = self.apply_inner(paths, start)?;
        if errors_before || self.diags.errors() > 0 {
            update.all = true;
        }
        update.elapsed = start.elapsed();
        Ok(update)
    }

    fn apply_inner(&mut self, paths: &[PathBuf], start: Instant) -> Result<Update, Diagnostic> {
        // The output folder was deleted (or replaced) while serving: what
        // was written is gone, so write everything again.
        if !self.written.is_first() && !self.out.join(output::MARKER).is_file() {
            self.written.forget();
            return self.full();
        }
        let Some(m) = self.model.as_ref() else {
            return self.full();
        };
        let config_file = self.site_root.join(crate::config::CONFIG_FILE);
        let redirects = m.config.redirects.as_ref().map(|r| self.site_root.join(r));
        let theme_dir = m.config.theme_dir();
        if paths.iter().any(|p| {
            *p == config_file || Some(p) == redirects.as_ref() || p.ends_with(".openpublishing.redirection.json")
        }) {
            return self.full();
        }
        let mut theme_changed = false;
        let mut static_changed = false;
        let mut edited: Vec<(usize, String, PathBuf)> = Vec::new();
        let mut structural = false;
        for p in paths {
            if p.starts_with(theme_dir.join("static")) {
                static_changed = true;
            } else if p.starts_with(&theme_dir) {
                theme_changed = true;
            } else if let Some((li, rel)) = locate(m, p) {
                let is_md = rel.to_ascii_lowercase().ends_with(".md");
                let own_article = m.site.page(li, &rel).is_some_and(|pg| !pg.fallback);
                if p.is_file() && is_md && own_article {
                    edited.push((li, rel, p.clone()));
                } else if p.is_file() && !is_md && is_media(p) && m.site.asset_index.contains_key(&(li, rel.clone())) {
                    static_changed = true; // an asset's bytes: copied below like static files
                } else if p.exists() {
                    structural = true;
                } else {
                    // Gone: it matters only if the site had it (an editor's
                    // temporary file, created and renamed away, does not).
                    let known = m.site.articles.iter().any(|a| a.abs.starts_with(p))
                        || m.site.assets.iter().any(|a| a.abs.starts_with(p));
                    structural |= known;
                }
            } else if m.config.locales.iter().any(|l| l.root.starts_with(p)) {
                // A folder holding a locale's tree (`articles/`) made,
                // moved in or removed: its own event may be the only one.
                structural = true;
            }
        }
        let mut update = Update {
            css_only: true,
            ..Default::default()
        };
        if theme_changed {
            let mut diags = Vec::new();
            match Theme::load(&m.config, &mut diags) {
                Ok(theme) => {
                    self.diags.set_fatal(Vec::new());
                    self.model.as_mut().unwrap().theme = theme;
                }
                Err(d) => {
                    self.diags.set_fatal(vec![d]);
                    update.all = true;
                    return Ok(update);
                }
            }
            if !structural {
                // The site is unchanged: re-render every page with the new
                // templates; only files whose bytes change are written.
                let search_page = paths.iter().any(|p| {
                    p.file_name().is_some_and(|n| n == "search.html") || p.starts_with(theme_dir.join("i18n"))
                });
                return self.rerender_all(start, search_page);
            }
        }
        if structural {
            return self.restructure(paths, start);
        }
        if !edited.is_empty() {
            update.css_only = false;
            self.edit(&edited, &mut update)?;
        }
        if static_changed {
            let m = self.model.as_ref().unwrap();
            self.write(build::copied_files(m), false, &mut update)?;
        }
        Ok(update)
    }

    /// A template or theme string changed: every page again with the new
    /// theme. The search index depends only on content and is kept, unless
    /// the search page's own template or the theme's words changed.
    fn rerender_all(&mut self, start: Instant, with_search: bool) -> Result<Update, Diagnostic> {
        self.status_dirty = false; // site_files below writes the status pages
        let mut update = Update {
            all: true,
            ..Default::default()
        };
        self.write_everything(&mut update, with_search)?;
        update.elapsed = start.elapsed();
        Ok(update)
    }

    /// The fast path: articles edited in place.
    fn edit(&mut self, edited: &[(usize, String, PathBuf)], update: &mut Update) -> Result<(), Diagnostic> {
        let mut affected: HashSet<usize> = HashSet::new();
        let mut sitemap_dirty = false;
        for (li, rel, abs) in edited {
            let m = self.model.as_ref().unwrap();
            let Some(ai) = m.site.page(*li, rel).filter(|p| !p.fallback).map(|p| p.article) else {
                continue;
            };
            let file = SourceFile {
                locale: *li,
                rel: rel.clone(),
                abs: abs.clone(),
                display: m.site.articles[ai].display.clone(),
                kind: FileKind::Article,
            };
            let mut d = Vec::new();
            let parsed = parse::parse_article(&file, &m.config, m.project.as_ref(), &mut d);
            self.diags.set_parse(abs.clone(), d);
            let Some(new) = parsed else {
                // No longer publishable: re-plan without it.
                return self
                    .restructure(std::slice::from_ref(abs), Instant::now())
                    .map(|u| *update = u);
            };
            let old = &m.site.articles[ai];
            // These change the link index or the navigation (titles name
            // TOC entries and home page lists): re-plan, writing only the
            // pages whose bytes change.
            if new.fm.uid != old.fm.uid
                || new.fm.ms_custom != old.fm.ms_custom
                || new.fm.redirect_url != old.fm.redirect_url
                || new.title != old.title
            {
                return self
                    .restructure(std::slice::from_ref(abs), Instant::now())
                    .map(|u| *update = u);
            }
            sitemap_dirty |= new.fm.noindex() != old.fm.noindex() || new.fm.ms_date != old.fm.ms_date;
            let m = self.model.as_mut().unwrap();
            m.site.articles[ai] = new;
            self.search_dirty |= m.config.search.enabled;
            let source = m.site.page(0, rel).map(|p| p.article);
            let display = m.site.articles[ai].display.clone();
            self.diags.assemble_mut(|diags| {
                diags.retain(|d| !(d.code == "duplicate-anchor" && d.file == display));
                anchors::repair_article(&mut m.site, ai, source, &m.bodies, diags);
            });
            m.index.ids[ai] = index::ids_of(&m.site.articles[ai]);
            if m.config.locales.len() > 1 {
                // Its translations' status and review pages: once edits
                // pause (git answers for them, a process or more each).
                self.l10n_dirty.insert(rel.clone());
            }
            // The article's own page and, for a source article, the fallback
            // pages that show it in other locales.
            for l in 0..m.config.locales.len() {
                if let Some(&pi) = m.site.page_index.get(&(l, rel.clone())) {
                    if m.site.pages[pi].article == ai {
                        affected.insert(pi);
                    }
                }
            }
            for key in self.linked_from.get(rel).into_iter().flatten() {
                if let Some(&pi) = m.site.page_index.get(key) {
                    affected.insert(pi);
                }
            }
        }
        let which: Vec<usize> = affected.into_iter().collect();
        let mut files = self.render_pages(&which, update);
        let m = self.model.as_ref().unwrap();
        if sitemap_dirty {
            files.push(OutFile {
                path: "sitemap.xml".into(),
                content: Content::Bytes(crate::sitemap::sitemap(&m.config, &m.site).into_bytes()),
            });
        }
        self.write(files, false, update)
    }

    /// How many articles and pages the session keeps parsed.
    pub fn size(&self) -> (usize, usize) {
        self.model
            .as_ref()
            .map_or((0, 0), |m| (m.site.articles.len(), m.site.pages.len()))
    }

    /// Files were added, removed or renamed (or the theme changed): re-plan
    /// the site, re-parsing only the files that changed.
    fn restructure(&mut self, changed: &[PathBuf], start: Instant) -> Result<Update, Diagnostic> {
        let Some(m) = self.model.take() else { return self.full() };
        let Model {
            config, theme, site, ..
        } = m;
        // A changed file that is not an article may be included by any
        // article (an include, a code snippet): re-parse them all then.
        let known: HashSet<&PathBuf> = site.articles.iter().map(|a| &a.abs).collect();
        let reparse_all = changed
            .iter()
            .any(|c| c.is_file() && !known.contains(c) && !is_media(c));
        let changed: HashSet<&PathBuf> = changed.iter().collect();
        let mut old: HashMap<PathBuf, Article> = site.articles.into_iter().map(|a| (a.abs.clone(), a)).collect();
        let mut diags = Vec::new();
        let (article_files, assets, project) = build::discover_site(&config, &mut diags);
        self.diags.set_discover(diags);
        let to_parse: Vec<SourceFile> = article_files
            .iter()
            .filter(|f| reparse_all || changed.iter().any(|c| f.abs.starts_with(c)) || !old.contains_key(&f.abs))
            .cloned()
            .collect();
        let parsed = build::parse_all(
            &to_parse,
            &config,
            project.as_ref(),
            &crate::bodies::Bodies::kept(),
            &ProgressBar::hidden(),
        );
        let mut fresh: HashMap<PathBuf, Option<Article>> = HashMap::new();
        for (f, (a, d)) in to_parse.iter().zip(parsed) {
            self.diags.set_parse(f.abs.clone(), d);
            fresh.insert(f.abs.clone(), a);
        }
        let present: HashSet<&PathBuf> = article_files.iter().map(|f| &f.abs).collect();
        self.diags.retain_parse(|p| present.contains(p));
        let mut articles = Vec::with_capacity(article_files.len());
        for f in &article_files {
            // An article that no longer parses (broken YAML) keeps its last
            // good version; its error shows in the overlay.
            match fresh.remove(&f.abs) {
                Some(Some(a)) => articles.push(a),
                Some(None) | None => articles.extend(old.remove(&f.abs)),
            }
        }
        self.replan(config, theme, project, articles, assets, start)
    }
}

/// Images and media: never read while parsing, so changing one re-parses
/// nothing.
fn is_media(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "svg"
            | "webp"
            | "ico"
            | "mp4"
            | "webm"
            | "pdf"
            | "zip"
            | "css"
            | "woff"
            | "woff2"
    )
}

/// The locale and path inside its tree of a site file.
fn locate(m: &Model, p: &Path) -> Option<(usize, String)> {
    // Prefer the longest root (a locale folder may sit inside another's).
    let mut best: Option<(usize, usize)> = None;
    for (li, l) in m.config.locales.iter().enumerate() {
        if p.starts_with(&l.root) {
            let len = l.root.components().count();
            if best.is_none_or(|(_, b)| len > b) {
                best = Some((li, len));
            }
        }
    }
    let (li, _) = best?;
    let rel = p.strip_prefix(&m.config.locales[li].root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some((li, parts?.join("/")))
}
