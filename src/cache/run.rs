//! The cache as one build uses it: where the folder may be, the keys of
//! this build's pages, rendering through the cache, and pruning at the end.

use super::{codec, key, parsed, Cache, CacheStats};
use crate::build::Model;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::pages::PageOutput;
use crate::search::fxhash::FxHashMap;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
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

/// What the cache knows of one article file's parse (`Run::parses`).
#[derive(Default, Clone, Copy)]
struct Parse {
    /// What decides the parse (`parsed_id`), for a parse stored or read back.
    id: Option<[u8; 32]>,
    /// The hash (`key::digest`) of the bytes parsed, for a parse through the
    /// cache that recorded it.
    bytes: Option<[u8; 32]>,
}

/// What one file's parse through the cache leaves for the rest of the
/// build (made on the parsing threads, gathered once after).
#[derive(Default)]
struct Note {
    parse: Parse,
    /// Its record, for the next build's parse record.
    record: Option<parsed::Record>,
    /// The entry it used (not pruned).
    used: Option<[u8; 32]>,
}

/// Article HTML left in parse entries (`Bodies::stored`). An entry found
/// damaged or gone by then is parsed again from its file (whose parse the
/// record or the entry's header stood for: the same HTML).
pub struct StoredHtml {
    entries: super::Entries,
    /// What parsing one again needs.
    parse: std::sync::OnceLock<(Config, Option<crate::docfx_json::DocfxProject>)>,
}

impl crate::bodies::Store for StoredHtml {
    fn read(&self, a: &crate::parse::Article, key: &[u8; 32], at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let e = match self.entries.read(key, at, len) {
            Ok(b) => return Ok(b),
            Err(e) => e,
        };
        let Some((config, project)) = self.parse.get() else {
            return Err(e);
        };
        // The article's file, as found (an article read back has the
        // path, locale and display path its file had).
        let f = crate::discover::SourceFile {
            locale: a.locale,
            rel: a.rel.clone(),
            abs: a.abs.clone(),
            display: a.display.clone(),
            kind: crate::discover::FileKind::Article,
        };
        let read = config.fence.read(&f.abs);
        let article = crate::parse::parse_read(&f, config, project.as_ref(), read, &mut Vec::new());
        article.map(|a| a.md.html.into_bytes()).ok_or(e)
    }
}

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

    /// The last build's parse record (read beside discovery: it does not
    /// depend on which files there are), for `parse_all`.
    pub fn read_parse_record(&self) -> parsed::Records {
        parsed::read(self.cache.get_named(parsed::NAME), &|k| self.cache.peek(k))
    }

    /// Parses every file, each from the cache when an entry for its bytes
    /// is there, whole, and everything its parse looked at (included files,
    /// code snippets, files probed) is as it was; else parsed (and stored).
    /// The last build's parse record (`parsed`) stands for the entries: a
    /// file recorded under the key it has now is taken from the record
    /// (its HTML left in the entry: `Bodies::stored`), without being read
    /// when its stamp is as recorded.
    #[allow(clippy::too_many_arguments)]
    pub fn parse_all(
        &mut self,
        records: parsed::Records,
        files: &[crate::discover::SourceFile],
        config: &Config,
        project: Option<&crate::docfx_json::DocfxProject>,
        bodies: &crate::bodies::Bodies,
        progress: &indicatif::ProgressBar,
    ) -> Vec<codec::Parsed> {
        let site = crate::fence::real_path(&config.site_root);
        let env = parse_env(config, &site);
        let folders = crate::fence::Folders::default();
        let _ = self.stored.parse.set((config.clone(), project.cloned()));
        let stored = |a: &mut crate::parse::Article, k: &[u8; 32], at, len| bodies.stored(a, k, at, len);
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
        let same_looks = |looked: &[(String, String)]| {
            looked.iter().all(|(rel, found)| {
                let kind = found.split(':').next().unwrap_or("");
                ask(rel, kind) == *found
            })
        };
        let key_of = |f: &crate::discover::SourceFile, hash: &[u8; 32]| {
            let mut k = key::Fp::new("parse");
            k.bytes(&env)
                .u64(f.locale as u64)
                .str(&f.rel)
                .str(&f.display)
                .bytes(hash);
            k.finish()
        };
        // (Each file's parse noted in its own `Note`, gathered once at the
        // end: no lock taken per article.)
        let hit = |note: &mut Note, k: &[u8; 32], looked: &[(String, String)]| {
            note.parse.id = Some(parsed_id(k, looked));
            note.used = Some(*k);
            self.cache.parse_hits.fetch_add(1, Ordering::Relaxed);
            progress.inc(1);
        };
        // (A file's path and display path from its last record, shared,
        // when there is one.)
        let names = |f: &crate::discover::SourceFile, rec: Option<&parsed::Record>| match rec {
            Some(r) if *r.rel == *f.rel && *r.display == *f.display => (r.rel.clone(), r.display.clone()),
            _ => (f.rel.as_str().into(), f.display.as_str().into()),
        };
        let record = |note: &mut Note,
                      (f, was): (&crate::discover::SourceFile, Option<&parsed::Record>),
                      stamp,
                      bytes,
                      key,
                      header: parsed::Header,
                      html_len| {
            let (rel, display) = names(f, was);
            note.parse.bytes = Some(bytes);
            note.record = Some(parsed::Record {
                locale: f.locale as u32,
                rel,
                display,
                stamp,
                bytes,
                key,
                header,
                html_len,
            });
        };
        // (Unzipped as collected: the articles are not copied once more.)
        let (parsed, notes): (Vec<codec::Parsed>, Vec<Note>) = files
            .par_iter()
            .map(|f| {
                let mut note = Note::default();
                // The stamp before the bytes: a change in between shows
                // next time.
                let stamp = config
                    .fence
                    .stat_file(&f.abs, &folders)
                    .map(|m| parsed::FileStamp::of(&m));
                // (Looked up once: also what `record` shares names with.)
                let was = records.get(f.locale, &f.rel);
                let recorded = was
                    .map(|rec| (&records, rec))
                    .filter(|(_, rec)| *rec.display == *f.display);
                let trusted = recorded.filter(|(r, rec)| r.trusted(rec, stamp.as_ref()));
                let (read, hash) = match trusted {
                    Some((_, rec)) => (None, Some(rec.bytes)),
                    None => {
                        self.cache.articles_read.fetch_add(1, Ordering::Relaxed);
                        let read = config.fence.read(&f.abs);
                        let hash = read.as_ref().ok().map(|b| key::digest(b));
                        (Some(read), hash)
                    }
                };
                let k = hash.as_ref().map(|h| key_of(f, h));
                // From the record: the article without reading its entry.
                if let (Some((_, rec)), Some(k), Some(hash)) = (recorded, k, hash) {
                    if rec.key == k {
                        let decoded = codec::decode_parsed_header(&rec.header, rec.html_len);
                        if let Some(((mut article, diags), looked)) = decoded {
                            let away = match article.as_mut() {
                                Some(a) => {
                                    a.abs = f.abs.clone();
                                    stored(a, &k, codec::parsed_html_at(&rec.header), rec.html_len as usize)
                                }
                                None => true,
                            };
                            if away && same_looks(&looked) {
                                record(&mut note, (f, was), stamp, hash, k, rec.header.clone(), rec.html_len);
                                hit(&mut note, &k, &looked);
                                return ((article, diags), note);
                            }
                        }
                    }
                }
                // (Read now if the stamp stood for the bytes: the key is
                // then of the bytes parsed.)
                let (read, hash, k) = match read {
                    Some(read) => (read, hash, k),
                    None => {
                        self.cache.articles_read.fetch_add(1, Ordering::Relaxed);
                        let read = config.fence.read(&f.abs);
                        let hash: Option<[u8; 32]> = read.as_ref().ok().map(|b| key::digest(b));
                        let k = hash.as_ref().map(|h| key_of(f, h));
                        (read, hash, k)
                    }
                };
                if let (Some(k), Some(hash)) = (k, hash) {
                    if let Some(entry) = self.cache.get(&k) {
                        let split = codec::split_parsed(&entry).and_then(|(json, html)| {
                            let (parsed, looked) = codec::decode_parsed_header(json, html.len() as u64)?;
                            let html = std::str::from_utf8(html).ok()?;
                            Some((json, html, parsed, looked))
                        });
                        if let Some((json, html, (mut article, diags), looked)) = split {
                            if same_looks(&looked) {
                                if let Some(a) = article.as_mut() {
                                    a.abs = f.abs.clone();
                                    if !stored(a, &k, codec::parsed_html_at(json), html.len()) {
                                        a.md.html = html.to_string();
                                        bodies.put(a);
                                    }
                                }
                                let header = parsed::Header::Own(json.into());
                                record(&mut note, (f, was), stamp, hash, k, header, html.len() as u64);
                                hit(&mut note, &k, &looked);
                                return ((article, diags), note);
                            }
                        }
                    }
                }
                self.cache.parse_misses.fetch_add(1, Ordering::Relaxed);
                crate::fence::look_begin();
                let mut diags = Vec::new();
                let article = crate::parse::parse_read(f, config, project, read, &mut diags);
                let looked = crate::fence::looked().unwrap_or_default();
                let mut parsed = (article, diags);
                if let (Some(k), Some(hash)) = (k, hash) {
                    if !looked.uncheckable {
                        let looked: Vec<(String, String)> = looked
                            .paths
                            .iter()
                            .map(|(p, found)| (key::relative(&site, p), found.clone()))
                            .collect();
                        let id = parsed_id(&k, &looked);
                        let entry = codec::encode_parsed(&parsed, looked);
                        self.cache.put(&k, &entry);
                        if let Some((json, html)) = codec::split_parsed(&entry) {
                            let header = parsed::Header::Own(json.into());
                            record(&mut note, (f, was), stamp, hash, k, header, html.len() as u64);
                        }
                        note.parse.id = Some(id);
                    }
                }
                // The HTML leaves memory as soon as it is stored.
                if let Some(a) = parsed.0.as_mut() {
                    bodies.put(a);
                }
                progress.inc(1);
                (parsed, note)
            })
            .unzip();
        let mut new = Vec::with_capacity(notes.len());
        let mut used = Vec::with_capacity(notes.len());
        // (Sized once for each locale's files.)
        let mut per_locale = vec![0usize; config.locales.len()];
        for f in files {
            if let Some(n) = per_locale.get_mut(f.locale) {
                *n += 1;
            }
        }
        let mut parses: Vec<FxHashMap<Arc<str>, Parse>> = per_locale
            .iter()
            .map(|n| FxHashMap::with_capacity_and_hasher(*n, Default::default()))
            .collect();
        for (note, f) in notes.into_iter().zip(files) {
            if note.parse.id.is_some() || note.parse.bytes.is_some() {
                if let Some(m) = parses.get_mut(f.locale) {
                    // (The path shared with its record when there is one.)
                    let rel = match &note.record {
                        Some(r) => r.rel.clone(),
                        None => f.rel.as_str().into(),
                    };
                    m.insert(rel, note.parse);
                }
            }
            new.extend(note.record);
            used.extend(note.used);
        }
        self.parses = parses;
        self.cache.touch_all(&used);
        // The record for the next build (each record checks itself then:
        // written now, not held through the build), only its changed
        // shards.
        if !new.is_empty() {
            let list = parsed::write(&records, new, self.started_ns, &|k| self.cache.touch(k), &|k, v| {
                self.cache.put(k, v)
            });
            if Some(&list) != records.keys().as_ref() {
                self.cache.put_named(parsed::NAME, &parsed::encode_list(&list));
            }
        }
        parsed
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
        let articles: HashSet<PathBuf> = article_files
            .iter()
            .map(|f| real_roots[f.locale].join(&f.rel))
            .collect();
        key::inputs(config, &articles, std::slice::from_ref(&self.dir))
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
    pub fn key_pages(&mut self, m: &Model, reports: super::reports::Reports) {
        let Some((shape, article_keys)) = &self.site else {
            return;
        };
        self.keys = m
            .site
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
            });
        };
        let path = format!("{}index.html", m.site.pages[i].url);
        // (A page kept by its report leaves that report as it is: not
        // copied again for the next build's record.)
        let done = |page: PageOutput, unchanged: bool| {
            let report = (!unchanged).then(|| codec::Report::of(&page));
            self.made.lock().unwrap().push((*k, report));
            Rendered {
                page,
                key: Some(*k),
                unchanged,
            }
        };
        if let Some(page) = self.reports.page(k, path.clone()) {
            if only_own_files(m, i, &page) && in_place(&path, k) {
                // (Its entry is marked used at `finish`, with the others
                // kept: no lock taken per page.)
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(done(page, true));
            }
        }
        if let Some(p) = self.cache.get_packed(k).and_then(|b| codec::decode_page(&b)) {
            if only_own_files(m, i, &p) {
                self.cache.page_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(done(p, false));
            }
        }
        self.cache.page_misses.fetch_add(1, Ordering::Relaxed);
        let p = render()?;
        self.cache.put_packed(k, &codec::encode_page(&p));
        Ok(done(p, false))
    }

    /// After a build: removes entries it did not use; its statistics and
    /// warnings.
    pub fn finish(self, prune: bool) -> (CacheStats, Vec<Diagnostic>) {
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        // The entries of the pages kept in place (a report `None`).
        let kept: Vec<[u8; 32]> = made.iter().filter(|(_, r)| r.is_none()).map(|(k, _)| *k).collect();
        self.cache.touch_all(&kept);
        if !made.is_empty() {
            self.reports.write(&self.cache, made);
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
