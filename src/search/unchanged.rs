//! A locale's index left as the last build made it (`build --cache`): when
//! its pages are the last build's (each page's path, the key of its
//! analysis and whether it shows an article of its own locale: together
//! the locale's key, `Memo::index_key`) and the output folder holds every
//! file of it as that build wrote it (its index files and every page's
//! result card), none of its pages is recalled or analysed and its index
//! is not built. A small record per locale (`Memo::index_record`) keeps
//! what that needs: the key, the index files with their content keys and
//! the index's statistics. An edit in one locale so builds that locale's
//! index alone.

use super::index::IndexStats;
use super::Memo;
use crate::le_bytes::Reader;
use rayon::prelude::*;

const MAGIC: &[u8; 8] = b"pdsindx1";

/// One locale's index as a build made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The locale's key (`Memo::index_key`).
    pub key: [u8; 32],
    /// Each index file (its name in the locale's index folder) and the
    /// key of its bytes in the output folder (`output::content_key`).
    pub files: Vec<(String, [u8; 32])>,
    pub stats: IndexStats,
}

fn stat_numbers(s: &IndexStats) -> [usize; 8] {
    [
        s.pages,
        s.terms,
        s.postings,
        s.shards,
        s.files,
        s.bytes,
        s.meta_bytes,
        s.cards_elsewhere,
    ]
}

pub fn encode(s: &Stored) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + s.files.len() * 48);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&s.key);
    out.extend_from_slice(&(s.files.len() as u32).to_le_bytes());
    for (name, key) in &s.files {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(key);
    }
    for n in stat_numbers(&s.stats) {
        out.extend_from_slice(&(n as u64).to_le_bytes());
    }
    out
}

/// `encode` read back; `None` when damaged.
pub fn decode(bytes: &[u8]) -> Option<Stored> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let key = r.key()?;
    let n = r.count(36)?;
    let mut files = Vec::with_capacity(n);
    for _ in 0..n {
        files.push((r.str_u32()?.to_string(), r.key()?));
    }
    let mut n = [0usize; 8];
    for x in &mut n {
        *x = usize::try_from(r.u64()?).ok()?;
    }
    if !r.0.is_empty() {
        return None;
    }
    let [pages, terms, postings, shards, files_n, bytes_n, meta_bytes, cards_elsewhere] = n;
    Some(Stored {
        key,
        files,
        stats: IndexStats {
            pages,
            terms,
            postings,
            shards,
            files: files_n,
            bytes: bytes_n,
            meta_bytes,
            cards_elsewhere,
            // Nothing was built.
            compounds_ms: 0,
            build_ms: 0,
        },
    })
}

/// One indexed page as its locale's key sees it.
pub struct Entry<'a> {
    /// Its path in its locale (its card's, and the order of the cards).
    pub path: &'a str,
    /// Its analysis's key (`Memo::key`).
    pub key: [u8; 32],
    /// Whether its article is of the page's own locale (its words are in
    /// the locale's vocabulary) rather than a fallback's source.
    pub own: bool,
}

/// A locale whose pages are the ones its stored index was made from: its
/// pages (sorted by path) and that index's record, to be kept when the
/// output folder holds every file of it (`keep`).
pub struct Candidate<'a> {
    code: &'a str,
    pages: Vec<Entry<'a>>,
    stored: Stored,
}

/// The locale `code`'s key and, when the last build's index of the locale
/// was made from the same pages, that index (`keep` says whether it
/// stays). Does not look at the output folder.
pub fn stored<'a>(
    m: &dyn Memo,
    (code, lang): (&'a str, &str),
    mut pages: Vec<Entry<'a>>,
) -> (Option<[u8; 32]>, Option<Candidate<'a>>) {
    pages.sort_by(|a, b| a.path.cmp(b.path));
    let Some(key) = m.index_key((code, lang), &pages) else {
        return (None, None);
    };
    let Some(stored) = m.index_record(code).and_then(|b| decode(&b)) else {
        return (Some(key), None);
    };
    if stored.key != key {
        return (Some(key), None);
    }
    (Some(key), Some(Candidate { code, pages, stored }))
}

/// The candidate's index statistics when the last build left its index as
/// it would be made now: every file of it (index files and each page's
/// card `p<id>.js`, `id` its place in the pages sorted by path) is then
/// kept in the output folder (`Memo::card_in_place`) and its card texts
/// kept in the cache.
pub fn keep(m: &dyn Memo, c: Candidate) -> Option<IndexStats> {
    let Candidate { code, pages, stored } = c;
    let dir = super::index_dir(code);
    let mut files: Vec<(String, [u8; 32])> = pages
        .par_iter()
        .enumerate()
        .map(|(id, p)| {
            let path = format!("{dir}p{id}.js");
            let card_key = m.card_key(&p.key, (&path, p.path), id as u32);
            (path, card_key)
        })
        .collect();
    files.extend(stored.files.iter().map(|(name, k)| (format!("{dir}{name}"), *k)));
    // Looked at first, and kept only when all are there (a locale built
    // again writes them all).
    if !files.par_iter().all(|(path, k)| m.holds(path, k)) {
        return None;
    }
    files.par_iter().for_each(|(path, k)| {
        m.card_in_place(path, k);
    });
    let keys: Vec<[u8; 32]> = pages.iter().map(|p| p.key).collect();
    m.keep_texts(&keys);
    Some(stored.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_a_damaged_one_does_not() {
        let s = Stored {
            key: [7; 32],
            files: vec![("meta.js".into(), [1; 32]), ("t0.js".into(), [2; 32])],
            stats: IndexStats {
                pages: 3,
                terms: 40,
                postings: 90,
                shards: 1,
                files: 7,
                bytes: 12_345,
                meta_bytes: 120,
                cards_elsewhere: 1,
                compounds_ms: 0,
                build_ms: 0,
            },
        };
        let bytes = encode(&s);
        assert_eq!(decode(&bytes), Some(s));
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        assert_eq!(decode(b"pdterms1"), None);
    }
}
