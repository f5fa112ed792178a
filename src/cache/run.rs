//! The cache as one build uses it: where the folder may be, the keys of
//! this build's pages, rendering through the cache, and pruning at the end.

mod parse;

use super::{codec, key, parsed, Cache, CacheStats};
use crate::build::Model;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::pages::PageOutput;
use crate::search::fxhash::FxHashMap;
use parse::{Parse, StoredHtml};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

pub struct Run {
    cache: Cache,
    dir: PathBuf,
    shown: String,
    /// Every page's key, once the site is assembled.
    keys: Vec<[u8; 32]>,
    /// What decides the parse of each article file (locale, path) whose
    /// parse was stored or read back: its key and what it looked at, with
    /// what it found (`parsed_id`).
    /// (With the hash of its bytes: `Parse`; per locale, by path.)
    parses: Vec<FxHashMap<Arc<str>, Parse>>,
    /// What every output depends on (polydoc, configuration, theme, every
    /// non-article file), once the site is assembled.
    env: Option<[u8; 32]>,
    /// The last build's page reports, by page key.
    reports: super::reports::Reports,
    /// This build's, for the next.
    /// (`None`: the last build's report for that key, as `reports` has it.)
    made: Mutex<Vec<([u8; 32], Option<codec::Report>)>>,
    /// What every page sees of the site (`key::shape`) and each article's
    /// own key, once the site and its link index are built (`key_site`).
    site: Option<(key::Shape, Vec<[u8; 32]>)>,
    /// Each article's bytes' hash (`bytes_hash`), by its number in the
    /// site, found with its key (`key_site`).
    article_bytes: Vec<Option<[u8; 32]>>,
    /// When this build began (for the parse record).
    started_ns: i64,
    /// Where articles read back keep their HTML.
    stored: Arc<StoredHtml>,
}

/// A page from `Run::render`.
pub struct Rendered {
    /// Without its HTML when `unchanged`.
    pub page: PageOutput,
    /// The key it was made under.
    pub key: Option<[u8; 32]>,
    /// The output folder holds the page as it is (`in_place` said so).
    pub unchanged: bool,
    /// A page kept by its report (its output then holds its diagnostics
    /// alone): its links counted by class (`codec::class_at`), and what
    /// stands for its external links if it has any (`Run::links`).
    pub counted: Option<Counted>,
}

/// `Rendered::counted`.
pub type Counted = ([usize; codec::CLASS_COUNT], Option<u64>);

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
            dir: real,
            shown,
            keys: Vec::new(),
            env: None,
            parses: Vec::new(),
            reports: Default::default(),
            made: Mutex::new(Vec::new()),
            site: None,
            article_bytes: Vec::new(),
            started_ns: parsed::now_ns(),
            stored: Arc::new(StoredHtml {
                entries: cache.entries(),
                parse: std::sync::OnceLock::new(),
            }),
            cache,
        })
    }

    /// What every page depends on of the site's files that are not
    /// articles (`key::inputs`: every other file under the site's folders,
    /// by path and content; `article_files` are the articles found). Reads
    /// nothing the stages after parsing make: it runs beside `assemble`.
    pub fn site_inputs(&self, config: &Config, article_files: &[crate::discover::SourceFile]) -> [u8; 32] {
        let real_roots: Vec<PathBuf> = config
            .locales
            .iter()
            .map(|l| crate::fence::real_path(&l.root))
            .collect();
        let articles =
            super::inputs::Articles::new(article_files.iter().map(|f| (f.locale, f.rel.as_str())), &real_roots);
        let mut folders = super::inputs::Folders::read(&self.cache, self.started_ns);
        let inputs = key::inputs(config, &articles, std::slice::from_ref(&self.dir), &mut folders);
        folders.write(&self.cache);
        inputs
    }

    /// Computes what every page sees of the site and each article's key,
    /// once the site and its link index are built (before the translation
    /// stage, whose reviews are keyed on them too); `article_files` are the
    /// articles found (parsed or not) by locale and path.
    pub fn key_site(
        &mut self,
        config: &Config,
        (site, bodies): (&crate::site::Site, &crate::bodies::Bodies),
        (article_files, inputs): (&[crate::discover::SourceFile], &[u8; 32]),
        options: &str,
    ) -> Result<(), Diagnostic> {
        let outside = key::outside_reads(config, &crate::fence::recorded_reads());
        let mut env = key::Fp::new("env");
        env.bytes(&key::version()).bytes(inputs).bytes(&outside).str(options);
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
        let parses = &self.parses;
        // (With each article's bytes' hash, looked up once here.)
        let keyed: Vec<([u8; 32], Option<[u8; 32]>)> = (0..site.articles.len())
            .into_par_iter()
            .map(|i| {
                // An article as parsed is keyed on its parse's key: its
                // HTML is not read back.
                let a = &site.articles[i];
                let parse = parses.get(a.locale).and_then(|m| m.get(a.rel.as_str()));
                let bytes = parse.and_then(|p| p.bytes);
                if let Some(k) = parse.and_then(|p| p.id.as_ref()) {
                    if bodies.as_parsed(a) {
                        return Ok((key::article(a, key::Body::Parsed(k)), bytes));
                    }
                }
                let body = bodies.html(&site.articles, i)?;
                Ok((key::article(a, key::Body::Html(&body)), bytes))
            })
            .collect::<std::io::Result<_>>()
            .map_err(|e| Diagnostic::error("cache", &self.shown, format!("cannot read an article's HTML back: {e}")))?;
        let (article_keys, article_bytes) = keyed.into_iter().unzip();
        self.article_bytes = article_bytes;
        self.site = Some((shape, article_keys));
        Ok(())
    }

    /// The last build's page reports (they depend on nothing this build
    /// makes: read beside `assemble`, which leaves a core idle most of
    /// the time), for `key_pages`.
    pub fn read_reports(&self) -> super::reports::Reports {
        super::reports::Reports::read(&self.cache)
    }

    /// Computes every page's key from the assembled site (after
    /// `key_site`); `reports` are the last build's (`read_reports`).
    pub fn key_pages(&mut self, site: &crate::site::Site, reports: super::reports::Reports) {
        let Some((shape, article_keys)) = &self.site else {
            return;
        };
        self.keys = site
            .pages
            .iter()
            .map(|p| key::page(shape, p, &article_keys[p.article]))
            .collect();
        self.reports = reports;
        // (Sized once: a page each, 100 bytes or more, grown by doubling
        // was copied and faulted in again.)
        *self.made.get_mut().unwrap_or_else(|e| e.into_inner()) = Vec::with_capacity(self.keys.len());
    }

    /// The hash (`key::digest`) of the bytes article `i` of the site was
    /// parsed from, when its parse went through the record or an entry
    /// (after `key_site`).
    pub fn bytes_hash(&self, i: usize) -> Option<[u8; 32]> {
        *self.article_bytes.get(i)?
    }

    /// The site's shape and article `i`'s key (after `key_site`).
    pub fn site_keys(&self) -> Option<(&key::Shape, &[[u8; 32]])> {
        self.site.as_ref().map(|(s, a)| (s, a.as_slice()))
    }

    /// Where articles read back keep their HTML (`Bodies::with_store`).
    pub fn stored_html(&self) -> Arc<dyn crate::bodies::Store> {
        self.stored.clone()
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
                counted: None,
            });
        };
        let path = format!("{}index.html", m.site.pages[i].url);
        // (A page kept by its report leaves that report as it is: not
        // copied again for the next build's record.)
        let done = |page: PageOutput, counted: Option<Counted>| {
            let unchanged = counted.is_some();
            let report = (!unchanged).then(|| codec::Report::of(&page));
            self.made.lock().unwrap().push((*k, report));
            Rendered {
                page,
                key: Some(*k),
                unchanged,
                counted,
            }
        };
        if let Some((kept, links)) = self.reports.kept(k) {
            if only_own_files(m, i, &kept.diags) && in_place(&path, k) {
                // (Its entry is marked used at `finish`, with the others
                // kept: no lock taken per page.)
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                let page = PageOutput {
                    path,
                    html: String::new(),
                    diags: kept.diags,
                    link_classes: Vec::new(),
                    external: Vec::new(),
                    links_to: Vec::new(),
                };
                return Ok(done(page, Some((kept.classes, kept.external.then_some(links)))));
            }
        }
        if let Some(p) = self.cache.get_packed(k).and_then(|b| codec::decode_page(&b)) {
            if only_own_files(m, i, &p.diags) {
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(done(p, None));
            }
        }
        self.cache.page_misses.fetch_add(1, Ordering::Relaxed);
        let p = render()?;
        self.cache.put_packed(k, &codec::encode_page(&p));
        Ok(done(p, None))
    }

    /// Reads the external links of pages kept by their reports
    /// (`Rendered::counted`), when the build's report is written out.
    pub fn links(&self) -> crate::pages::Later {
        self.reports.links()
    }

    /// Once every page is rendered: the page reports for the next build
    /// (written as soon as they are known, beside what is left of the
    /// build, not on its last stretch).
    pub fn write_reports(&self) {
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(|e| e.into_inner()));
        // The entries of the pages kept in place (a report `None`).
        let kept: Vec<[u8; 32]> = made.iter().filter(|(_, r)| r.is_none()).map(|(k, _)| *k).collect();
        self.cache.touch_all(&kept);
        if !made.is_empty() {
            self.reports.write(&self.cache, made);
        }
    }

    /// After a build: the page reports if not written yet, and removes
    /// entries it did not use; its statistics and warnings.
    pub fn finish(self, prune: bool) -> (CacheStats, Vec<Diagnostic>) {
        self.write_reports();
        let pruned = if prune { self.cache.prune() } else { 0 };
        (self.cache.stats(pruned), self.cache.diagnostics(&self.shown))
    }
}

/// Whether every diagnostic of a cached page is about its own article (or a
/// file it includes): one about another file may depend on what the key
/// leaves out (where that file's headings are).
fn only_own_files(m: &Model, i: usize, diags: &[Diagnostic]) -> bool {
    let a = &m.site.articles[m.site.pages[i].article];
    diags.iter().all(|d| {
        d.file == a.display
            || a.md
                .links
                .iter()
                .chain(&a.md.shortcuts)
                .any(|l| l.origin.as_ref().is_some_and(|o| o.display == d.file))
    })
}
