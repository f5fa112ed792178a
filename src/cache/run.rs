//! The cache as one build uses it: where the folder may be, the keys of
//! this build's pages, rendering through the cache, and pruning at the end.

use super::{codec, key, Cache, CacheStats};
use crate::build::Model;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::pages::PageOutput;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;

pub struct Run {
    cache: Cache,
    dir: PathBuf,
    shown: String,
    /// Every page's key, once the site is assembled.
    keys: Vec<[u8; 32]>,
    /// What decides the parse of each article file (locale, path) whose
    /// parse was stored or read back: its key and what it looked at, with
    /// what it found (`parsed_id`).
    parsed_as: Mutex<HashMap<(usize, String), [u8; 32]>>,
    /// What every output depends on (polydoc, configuration, theme, every
    /// non-article file), once the site is assembled.
    env: Option<[u8; 32]>,
    /// The last build's page reports, by page key.
    reports: HashMap<[u8; 32], codec::Report>,
    /// This build's, for the next.
    made: Mutex<Vec<([u8; 32], codec::Report)>>,
    /// What every page sees of the site (`key::shape`) and each article's
    /// own key, once the site and its link index are built (`key_site`).
    site: Option<(key::Shape, Vec<[u8; 32]>)>,
}

/// The file beside the entries holding the last build's page reports.
const REPORTS: &str = "page-reports";

/// A page from `Run::render`.
pub struct Rendered {
    /// Without its HTML when `unchanged`.
    pub page: PageOutput,
    /// The key it was made under.
    pub key: Option<[u8; 32]>,
    /// The output folder holds the page as it is (`in_place` said so).
    pub unchanged: bool,
}

impl Run {
    /// Opens the cache folder `dir` for a build of `config`'s site into
    /// `out`, or says why it cannot be used there.
    pub fn start(config: &Config, dir: &Path, out: Option<&Path>) -> Result<Run, Diagnostic> {
        let shown = crate::discover::display_path(&config.site_root, dir);
        let real = crate::fence::real_path(dir);
        let refuse = |why: String| {
            Diagnostic::error("cache", &shown, why)
                .help("use a folder of its own, such as the default `.polydoc-cache` in the site folder")
        };
        let site = crate::fence::real_path(&config.site_root);
        let mut holds: Vec<(PathBuf, String)> = vec![(site.clone(), "the site folder".to_string())];
        for l in &config.locales {
            holds.push((crate::fence::real_path(&l.root), format!("the `{}` articles", l.code)));
        }
        for (p, what) in &holds {
            if p.starts_with(&real) {
                return Err(refuse(format!("the cache folder would hold {what}")));
            }
        }
        let mut inside = holds[1..].to_vec();
        inside.push((crate::fence::real_path(&config.theme_dir()), "the theme".to_string()));
        if let Some(out) = out {
            let out = crate::fence::real_path(out);
            if out.starts_with(&real) {
                return Err(refuse("the cache folder would hold the output folder".to_string()));
            }
            inside.push((out, "the output folder".to_string()));
        }
        for (p, what) in &inside {
            if real.starts_with(p) {
                return Err(refuse(format!("the cache folder is inside {what}")));
            }
        }
        let cache = Cache::open(&real).map_err(|e| refuse(format!("cannot create the cache folder: {e}")))?;
        crate::fence::record_reads();
        Ok(Run {
            cache,
            dir: real,
            shown,
            keys: Vec::new(),
            env: None,
            parsed_as: Mutex::default(),
            reports: HashMap::new(),
            made: Mutex::new(Vec::new()),
            site: None,
        })
    }

    /// Parses every file, each from the cache when an entry for its bytes
    /// is there, whole, and everything its parse looked at (included files,
    /// code snippets, files probed) is as it was; else parsed (and stored).
    pub fn parse_all(
        &self,
        files: &[crate::discover::SourceFile],
        config: &Config,
        project: Option<&crate::docfx_json::DocfxProject>,
        bodies: &crate::bodies::Bodies,
        progress: &indicatif::ProgressBar,
    ) -> Vec<codec::Parsed> {
        let site = crate::fence::real_path(&config.site_root);
        let env = parse_env(config, &site);
        // Each question asked once per build: an include or snippet many
        // articles use is read and hashed once, not once per article.
        let answers: Mutex<HashMap<(String, String), String>> = Mutex::default();
        let ask = |rel: &str, kind: &str| {
            let q = (rel.to_string(), kind.to_string());
            if let Some(a) = answers.lock().unwrap().get(&q) {
                return a.clone();
            }
            let p = crate::discover::normalize(&site.join(rel));
            let a = crate::fence::ask_again(&config.fence, &p, kind);
            answers.lock().unwrap().insert(q, a.clone());
            a
        };
        files
            .par_iter()
            .map(|f| {
                let read = config.fence.read(&f.abs);
                let k = read.as_ref().ok().map(|bytes| {
                    let mut k = key::Fp::new("parse");
                    k.bytes(&env)
                        .u64(f.locale as u64)
                        .str(&f.rel)
                        .str(&f.display)
                        .bytes(bytes);
                    k.finish()
                });
                let hit = k
                    .and_then(|k| self.cache.get(&k))
                    .and_then(|v| codec::decode_parsed(&v));
                if let Some((mut parsed, looked)) = hit {
                    let same = looked.iter().all(|(rel, found)| {
                        let kind = found.split(':').next().unwrap_or("");
                        ask(rel, kind) == *found
                    });
                    if same {
                        if let Some(k) = k {
                            self.parsed_as
                                .lock()
                                .unwrap()
                                .insert((f.locale, f.rel.clone()), parsed_id(&k, &looked));
                        }
                        if let Some(a) = parsed.0.as_mut() {
                            a.abs = f.abs.clone();
                            bodies.put(a);
                        }
                        self.cache.parse_hits.fetch_add(1, Ordering::Relaxed);
                        progress.inc(1);
                        return parsed;
                    }
                }
                self.cache.parse_misses.fetch_add(1, Ordering::Relaxed);
                crate::fence::look_begin();
                let mut diags = Vec::new();
                let article = crate::parse::parse_read(f, config, project, read, &mut diags);
                let looked = crate::fence::looked().unwrap_or_default();
                let mut parsed = (article, diags);
                if let Some(k) = k {
                    if !looked.uncheckable {
                        let looked: Vec<(String, String)> = looked
                            .paths
                            .iter()
                            .map(|(p, found)| (key::relative(&site, p), found.clone()))
                            .collect();
                        let id = parsed_id(&k, &looked);
                        self.cache.put(&k, &codec::encode_parsed(&mut parsed, looked));
                        self.parsed_as.lock().unwrap().insert((f.locale, f.rel.clone()), id);
                    }
                }
                // The HTML leaves memory as soon as it is stored.
                if let Some(a) = parsed.0.as_mut() {
                    bodies.put(a);
                }
                progress.inc(1);
                parsed
            })
            .collect()
    }

    /// Computes what every page sees of the site and each article's key,
    /// once the site and its link index are built (before the translation
    /// stage, whose reviews are keyed on them too); `article_files` are the
    /// articles found (parsed or not) by locale and path.
    pub fn key_site(
        &mut self,
        config: &Config,
        (site, bodies): (&crate::site::Site, &crate::bodies::Bodies),
        article_files: &[crate::discover::SourceFile],
        options: &str,
    ) -> Result<(), Diagnostic> {
        let real_roots: Vec<PathBuf> = config
            .locales
            .iter()
            .map(|l| crate::fence::real_path(&l.root))
            .collect();
        let articles: HashSet<PathBuf> = article_files
            .iter()
            .map(|f| real_roots[f.locale].join(&f.rel))
            .collect();
        let inputs = key::inputs(config, &articles, std::slice::from_ref(&self.dir));
        let outside = key::outside_reads(config, &crate::fence::recorded_reads());
        let mut env = key::Fp::new("env");
        env.bytes(&key::version()).bytes(&inputs).bytes(&outside).str(options);
        // The publishing configuration above the site decides where
        // dependent repositories and redirection files are.
        for l in &config.locales {
            if let Some(repo) = crate::publishing::repository_root(&l.root) {
                env.str(&key::relative(&crate::fence::real_path(&config.site_root), &repo));
                env.bytes(&std::fs::read(repo.join(crate::publishing::PUBLISH_CONFIG)).unwrap_or_default());
            }
        }
        let env = env.finish();
        self.env = Some(env);
        let listed: Vec<(usize, String)> = article_files.iter().map(|f| (f.locale, f.rel.clone())).collect();
        let shape = key::shape(&env, site, &listed);
        let parsed_as = std::mem::take(&mut *self.parsed_as.lock().unwrap());
        let article_keys: Vec<[u8; 32]> = (0..site.articles.len())
            .into_par_iter()
            .map(|i| {
                // An article as parsed is keyed on its parse's key: its
                // HTML is not read back.
                let a = &site.articles[i];
                if let Some(k) = parsed_as.get(&(a.locale, a.rel.clone())) {
                    if bodies.as_parsed(a) {
                        return Ok(key::article(a, key::Body::Parsed(k)));
                    }
                }
                let body = bodies.html(&site.articles, i)?;
                Ok(key::article(a, key::Body::Html(&body)))
            })
            .collect::<std::io::Result<_>>()
            .map_err(|e| Diagnostic::error("cache", &self.shown, format!("cannot read an article's HTML back: {e}")))?;
        self.site = Some((shape, article_keys));
        Ok(())
    }

    /// Computes every page's key from the assembled site (after
    /// `key_site`).
    pub fn key_pages(&mut self, m: &Model) {
        let Some((shape, article_keys)) = &self.site else {
            return;
        };
        self.keys = m
            .site
            .pages
            .iter()
            .map(|p| key::page(shape, p, &article_keys[p.article]))
            .collect();
        self.reports = self
            .cache
            .get_named(REPORTS)
            .and_then(|b| codec::decode_reports(&b))
            .unwrap_or_default();
    }

    /// The site's shape and article `i`'s key (after `key_site`).
    pub fn site_keys(&self) -> Option<(&key::Shape, &[[u8; 32]])> {
        self.site.as_ref().map(|(s, a)| (s, a.as_slice()))
    }

    /// The store itself (for the translation stage and search analysis).
    pub fn store(&self) -> &Cache {
        &self.cache
    }

    /// The key of the redirect page in `dir` of locale `li` to `target`
    /// (`pages::render_redirect` makes it from these and the
    /// configuration and theme alone), once the site is keyed.
    pub fn redirect_key(&self, li: usize, dir: &str, target: &str) -> Option<[u8; 32]> {
        let mut f = key::Fp::new("redirect");
        f.bytes(self.env.as_ref()?).u64(li as u64).str(dir).str(target);
        Some(f.finish())
    }

    /// Page `i`: without its HTML when `in_place(path, key)` says the
    /// output folder holds it as made under its key (and the last build's
    /// report for that key is there); else from the cache when an entry
    /// for its key is there and whole; else rendered by `render` (and
    /// stored).
    pub fn render(
        &self,
        m: &Model,
        i: usize,
        in_place: &(dyn Fn(&str, &[u8; 32]) -> bool + Sync),
        render: impl FnOnce() -> Result<PageOutput, Diagnostic>,
    ) -> Result<Rendered, Diagnostic> {
        let Some(k) = self.keys.get(i) else {
            return render().map(|page| Rendered {
                page,
                key: None,
                unchanged: false,
            });
        };
        let path = format!("{}index.html", m.site.pages[i].url);
        let done = |page: PageOutput, unchanged: bool| {
            self.made.lock().unwrap().push((*k, codec::Report::of(&page)));
            Rendered {
                page,
                key: Some(*k),
                unchanged,
            }
        };
        if let Some(report) = self.reports.get(k) {
            let page = report.page(path.clone());
            if only_own_files(m, i, &page) && in_place(&path, k) {
                self.cache.touch(k);
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(done(page, true));
            }
        }
        if let Some(p) = self.cache.get(k).and_then(|b| codec::decode_page(&b)) {
            if only_own_files(m, i, &p) {
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(done(p, false));
            }
        }
        self.cache.page_misses.fetch_add(1, Ordering::Relaxed);
        let p = render()?;
        self.cache.put(k, &codec::encode_page(&p));
        Ok(done(p, false))
    }

    /// After a build: removes entries it did not use; its statistics and
    /// warnings.
    pub fn finish(self, prune: bool) -> (CacheStats, Vec<Diagnostic>) {
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        if !made.is_empty() {
            self.cache.put_named(REPORTS, &codec::encode_reports(&made));
        }
        let pruned = if prune { self.cache.prune() } else { 0 };
        (self.cache.stats(pruned), self.cache.diagnostics(&self.shown))
    }
}

/// What decides a parse's result: its entry's key (the file's bytes and
/// `parse_env`) and every path it looked at with what it found there (an
/// included file's content hash...), which the key leaves out.
fn parsed_id(k: &[u8; 32], looked: &[(String, String)]) -> [u8; 32] {
    let mut f = key::Fp::new("parsed");
    f.bytes(k);
    for (rel, found) in looked {
        f.str(rel).str(found);
    }
    f.finish()
}

/// What every file's parse depends on besides its own bytes and what it
/// looks at: polydoc, the configuration, the files read before parsing
/// (`docfx.json`), the publishing configuration above the site.
fn parse_env(config: &Config, site: &Path) -> [u8; 32] {
    let mut f = key::Fp::new("parse-env");
    f.bytes(&key::version());
    f.bytes(&std::fs::read(config.site_root.join(crate::config::CONFIG_FILE)).unwrap_or_default());
    let mut read = crate::fence::recorded_reads();
    read.sort();
    read.dedup();
    for p in read {
        f.str(&key::relative(site, &p));
        f.bytes(&std::fs::read(&p).unwrap_or_default());
    }
    for l in &config.locales {
        if let Some(repo) = crate::publishing::repository_root(&l.root) {
            f.str(&key::relative(site, &repo));
            f.bytes(&std::fs::read(repo.join(crate::publishing::PUBLISH_CONFIG)).unwrap_or_default());
        }
    }
    f.finish()
}

/// Whether every diagnostic of a cached page is about its own article (or a
/// file it includes): one about another file may depend on what the key
/// leaves out (where that file's headings are).
fn only_own_files(m: &Model, i: usize, p: &PageOutput) -> bool {
    let a = &m.site.articles[m.site.pages[i].article];
    p.diags.iter().all(|d| {
        d.file == a.display
            || a.md
                .links
                .iter()
                .chain(&a.md.shortcuts)
                .any(|l| l.origin.as_ref().is_some_and(|o| o.display == d.file))
    })
}
