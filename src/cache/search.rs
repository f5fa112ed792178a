//! Search analysis through the cache (`build --cache`): each page's
//! analysis remembered under a key of what it is computed from: polydoc (its
//! analyzers), the language it is analysed in and the article (its title
//! and HTML, `key::article`). Its terms go into one record of the whole
//! build (`search::memo`, a file beside the entries, read with one read);
//! its card text (sections and prose) is an entry of its own, read only when
//! a result card must be written; each result card is written under a key
//! of its own (the analysis, its path and number), so a card the output
//! folder holds under that key is neither made nor written.

use super::{key, run::Run};
use std::sync::atomic::Ordering;

/// The search analyses of one build, through the cache.
pub struct Analyses<'a> {
    run: &'a Run,
    articles: &'a [[u8; 32]],
    in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    holds: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
}

/// The file beside the entries holding the last build's terms of a
/// locale's articles.
fn record_name(code: &str) -> String {
    format!("search-terms-{code}")
}

/// The file beside the entries holding what the last build's index of a
/// locale was made from (`search::unchanged`).
fn index_name(code: &str) -> String {
    format!("search-index-{code}")
}

impl<'a> Analyses<'a> {
    /// `None` until `Run::key_site` has keyed the articles. `in_place`
    /// keeps a file the output folder holds under a key, `holds` only
    /// answers whether it does.
    pub fn new(
        run: &'a Run,
        in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
        holds: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    ) -> Option<Analyses<'a>> {
        let (_, articles) = run.site_keys()?;
        Some(Analyses {
            run,
            articles,
            in_place,
            holds,
        })
    }

    /// The key of the card text of the analysis under `key`.
    fn text_key(key: &[u8; 32]) -> [u8; 32] {
        let mut f = key::Fp::new("search-text");
        f.bytes(key);
        f.finish()
    }
}

impl crate::search::Memo for Analyses<'_> {
    fn key(&self, article: usize, lang: &str) -> Option<[u8; 32]> {
        let mut f = key::Fp::new("search");
        f.bytes(&key::version()).str(lang).bytes(self.articles.get(article)?);
        Some(f.finish())
    }

    fn record(&self, code: &str) -> Option<Vec<u8>> {
        self.run.store().get_named_vec(&record_name(code))
    }

    /// Mapped when large (`cache::bytes`): the record of a locale's
    /// terms is megabytes, read whole by every warm build that builds the
    /// locale's index.
    fn record_bytes(&self, code: &str) -> Option<super::Bytes> {
        self.run.store().get_named(&record_name(code))
    }

    fn put_record(&self, code: &str, bytes: &[u8]) {
        self.run.store().put_named(&record_name(code), bytes);
    }

    fn text(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        self.run.store().get(&Self::text_key(key)).map(super::Bytes::into_vec)
    }

    fn put_text(&self, key: &[u8; 32], bytes: &[u8]) {
        self.run.store().put(&Self::text_key(key), bytes);
    }

    fn keep_text(&self, key: &[u8; 32]) {
        self.run.store().touch(&Self::text_key(key));
    }

    /// Keyed in parallel, then marked under one lock (a locale's pages:
    /// one lock each, taken by two threads, cost more than the keys).
    fn keep_texts(&self, keys: &[[u8; 32]]) {
        use rayon::prelude::*;
        let text_keys: Vec<[u8; 32]> = keys.par_iter().map(Self::text_key).collect();
        self.run.store().touch_all(&text_keys);
    }

    fn card_key(&self, key: &[u8; 32], (file, page): (&str, &str), id: u32) -> [u8; 32] {
        let mut f = key::Fp::new("search-card");
        f.bytes(key).str(file).str(page).u64(id as u64);
        f.finish()
    }

    fn card_in_place(&self, path: &str, card_key: &[u8; 32]) -> bool {
        (self.in_place)(path, card_key)
    }

    fn count(&self, hit: bool) {
        let store = self.run.store();
        let counter = if hit { &store.search_hits } else { &store.search_misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn index_key(&self, (code, lang): (&str, &str), pages: &[crate::search::unchanged::Entry]) -> Option<[u8; 32]> {
        let mut f = key::Fp::new("search-index");
        f.bytes(&key::version()).str(code).str(lang).u64(pages.len() as u64);
        for p in pages {
            f.str(p.path).bytes(&p.key).u64(p.own as u64);
        }
        Some(f.finish())
    }

    fn index_record(&self, code: &str) -> Option<Vec<u8>> {
        self.run.store().get_named_vec(&index_name(code))
    }

    fn put_index_record(&self, code: &str, bytes: &[u8]) {
        self.run.store().put_named(&index_name(code), bytes);
    }

    fn holds(&self, path: &str, key: &[u8; 32]) -> bool {
        (self.holds)(path, key)
    }
}
