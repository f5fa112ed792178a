//! Search analyses kept between serve's rebuilds: each page's terms (the
//! record `search::memo` reads) and card text, under a key of its article
//! (title, front matter, HTML: `cache::key::article`) and language. When
//! edits pause, only the pages of articles that changed are analysed
//! again; the index is then built from all of them, as a build does.

use crate::bodies::Bodies;
use crate::cache::key;
use crate::parse::Article;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// What the last analysis left: the terms record and each page's card text.
#[derive(Default)]
pub struct Kept {
    records: HashMap<String, Vec<u8>>,
    texts: HashMap<[u8; 32], Vec<u8>>,
}

/// One analysis of the site through `Kept` (`search::Memo`).
pub struct Analyses<'a> {
    kept: Mutex<&'a mut Kept>,
    articles: &'a [Article],
    bodies: &'a Bodies,
    /// The card texts this analysis used or made: the rest are dropped.
    used: Mutex<HashSet<[u8; 32]>>,
}

impl<'a> Analyses<'a> {
    pub fn new(kept: &'a mut Kept, articles: &'a [Article], bodies: &'a Bodies) -> Analyses<'a> {
        Analyses {
            kept: Mutex::new(kept),
            articles,
            bodies,
            used: Mutex::new(HashSet::new()),
        }
    }

    /// Drops the card texts of pages this analysis did not show, when it
    /// ran to the end.
    pub fn finish(self, complete: bool) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let kept = self.kept.into_inner().unwrap_or_else(|e| e.into_inner());
        if complete {
            kept.texts.retain(|k, _| used.contains(k));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, &'a mut Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl crate::search::Memo for Analyses<'_> {
    fn key(&self, article: usize, lang: &str) -> Option<[u8; 32]> {
        let a = self.articles.get(article)?;
        let html = self.bodies.of(a).ok()?;
        let mut f = key::Fp::new("serve-search");
        f.str(lang).bytes(&key::article(a, key::Body::Html(&html)));
        Some(f.finish())
    }

    fn record(&self, code: &str) -> Option<Vec<u8>> {
        self.lock().records.get(code).cloned()
    }

    fn put_record(&self, code: &str, bytes: &[u8]) {
        self.lock().records.insert(code.to_string(), bytes.to_vec());
    }

    fn text(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(*key);
        self.lock().texts.get(key).cloned()
    }

    fn put_text(&self, key: &[u8; 32], bytes: &[u8]) {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(*key);
        self.lock().texts.insert(*key, bytes.to_vec());
    }

    fn keep_text(&self, key: &[u8; 32]) {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(*key);
    }

    fn card_key(&self, key: &[u8; 32], _: (&str, &str), _: u32) -> [u8; 32] {
        // Serve makes no cards while analysing (the index files are made
        // whole and written where their bytes changed).
        *key
    }

    fn card_in_place(&self, _: &str, _: &[u8; 32]) -> bool {
        false
    }

    fn count(&self, _: bool) {}
}
