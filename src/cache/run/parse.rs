//! Parsing through the cache (`Run::parse_all`): each article file taken
//! from the last build's parse record or its entry when everything its
//! parse looked at is as it was, else parsed and stored; the record for
//! the next build.

use super::Run;
use crate::cache::{codec, key, parsed};
use crate::config::Config;
use crate::search::fxhash::FxHashMap;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// What the cache knows of one article file's parse (`Run::parses`).
#[derive(Default, Clone, Copy)]
pub(super) struct Parse {
    /// What decides the parse (`parsed_id`), for a parse stored or read back.
    pub(super) id: Option<[u8; 32]>,
    /// The hash (`key::digest`) of the bytes parsed, for a parse through the
    /// cache that recorded it.
    pub(super) bytes: Option<[u8; 32]>,
}

/// What one file's parse through the cache leaves for the rest of the
/// build (made on the parsing threads, gathered once after).
#[derive(Default)]
pub(super) struct Note {
    parse: Parse,
    /// Its record, for the next build's parse record.
    record: Option<parsed::Record>,
    /// Whether that record is the same as the last build's for the file.
    same: bool,
    /// The entry it used (not pruned).
    used: Option<[u8; 32]>,
}

/// Article HTML left in parse entries (`Bodies::stored`). An entry found
/// damaged or gone by then is parsed again from its file (whose parse the
/// record or the entry's header stood for: the same HTML).
pub struct StoredHtml {
    pub(super) entries: crate::cache::Entries,
    /// What parsing one again needs.
    pub(super) parse: std::sync::OnceLock<(Config, Option<crate::docfx_json::DocfxProject>)>,
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

impl Run {
    /// The last build's parse record (read beside discovery: it does not
    /// depend on which files there are), for `parse_all`.
    pub fn read_parse_record(&self) -> parsed::Records {
        // (And polydoc's own hash, which `parse_env` needs first thing:
        // made here beside discovery, not alone before parsing.)
        key::version_in(&self.cache);
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
            let new = parsed::Record {
                locale: f.locale as u32,
                rel,
                display,
                stamp,
                bytes,
                key,
                header,
                html_len,
            };
            note.same = was.is_some_and(|o| o.same(&new));
            note.record = Some(new);
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
                        let decoded = codec::decode_parsed_header(&rec.header, rec.html_len, &|b| rec.header.share(b));
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
                            let (parsed, looked) =
                                codec::decode_parsed_header(json, html.len() as u64, &crate::markdown::Shared::copied)?;
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
        // What the notes leave, each part on its own thread: the parses
        // by path (for keys), and the record for the next build (each
        // record checks itself then: written now, not held through the
        // build), only its changed shards.
        let (parses, ()) = rayon::join(
            || gather_parses(&notes, files, config.locales.len()),
            || {
                let used: Vec<[u8; 32]> = notes.iter().filter_map(|n| n.used).collect();
                self.cache.touch_all(&used);
                let new: Vec<(&parsed::Record, bool)> = notes
                    .iter()
                    .filter_map(|n| n.record.as_ref().map(|r| (r, n.same)))
                    .collect();
                if !new.is_empty() {
                    let list = parsed::write(&records, new, self.started_ns, &|k| self.cache.touch(k), &|k, v| {
                        self.cache.put(k, v)
                    });
                    if Some(&list) != records.keys().as_ref() {
                        self.cache.put_named(parsed::NAME, &parsed::encode_list(&list));
                    }
                }
            },
        );
        self.parses = parses;
        // (The notes' records and the last build's, which they share text
        // and shards with, let go of beside the stages that follow.)
        rayon::spawn(move || drop((notes, records)));
        parsed
    }
}

/// Each file's parse (`Note::parse`) by locale and path, for `Run::parses`.
fn gather_parses(
    notes: &[Note],
    files: &[crate::discover::SourceFile],
    locales: usize,
) -> Vec<FxHashMap<Arc<str>, Parse>> {
    // (Sized once for each locale's files.)
    let mut per_locale = vec![0usize; locales];
    for f in files {
        if let Some(n) = per_locale.get_mut(f.locale) {
            *n += 1;
        }
    }
    let mut parses: Vec<FxHashMap<Arc<str>, Parse>> = per_locale
        .iter()
        .map(|n| FxHashMap::with_capacity_and_hasher(*n, Default::default()))
        .collect();
    for (note, f) in notes.iter().zip(files) {
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
    }
    parses
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
