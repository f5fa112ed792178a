//! Search analysis through the cache (`build --cache`): each page's
//! analysed document (terms with their counts, sections, the deflated
//! prose, the words it adds to its locale's vocabulary) remembered under a
//! key of what it is computed from: polydoc (its analyzers), the language
//! it is analysed in and the article (its title and HTML, `key::article`).
//! A build then only merges the documents and builds the index files.

use super::{key, run::Run};
use std::sync::atomic::Ordering;

/// The search analyses of one build, through the cache.
pub struct Analyses<'a> {
    run: &'a Run,
    articles: &'a [[u8; 32]],
}

impl<'a> Analyses<'a> {
    /// `None` until `Run::key_site` has keyed the articles.
    pub fn new(run: &'a Run) -> Option<Analyses<'a>> {
        let (_, articles) = run.site_keys()?;
        Some(Analyses { run, articles })
    }

    fn key(&self, article: usize, lang: &str) -> Option<[u8; 32]> {
        let mut f = key::Fp::new("search");
        f.bytes(&key::version()).str(lang).bytes(self.articles.get(article)?);
        Some(f.finish())
    }
}

impl crate::search::Memo for Analyses<'_> {
    fn get(&self, article: usize, lang: &str) -> Option<Vec<u8>> {
        let store = self.run.store();
        let v = store.get(&self.key(article, lang)?);
        let counter = if v.is_some() {
            &store.search_hits
        } else {
            &store.search_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        v
    }

    fn put(&self, article: usize, lang: &str, value: &[u8]) {
        if let Some(k) = self.key(article, lang) {
            self.run.store().put(&k, value);
        }
    }
}
