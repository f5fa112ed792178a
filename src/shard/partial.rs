//! What a shard leaves under `_shard/` for `merge`: its manifest, the
//! number of review findings of each of its translations (the status pages
//! list them), and, for a part of a locale, its pages as the search
//! indexer analysed them (terms as words, so `merge` combines the parts
//! without reading a page).

use crate::build::Model;
use crate::search::doc::{Doc, Stat, Strings, Vocab};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The index's checksum.
    pub index: String,
    pub locales: Vec<String>,
    pub part: Option<(u32, u32)>,
    pub review_pages: bool,
    pub pages: usize,
    pub files: usize,
}

/// What the status pages count that only a shard knows: (locale code,
/// path, number of findings) of each review it made, and of each other
/// translated file (includes) it checked.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Findings {
    pub reviews: Vec<(String, String, usize)>,
    pub files: Vec<(String, String, usize)>,
}

pub fn findings(m: &Model) -> Findings {
    let code = |li: usize| m.config.locales[li].code.clone();
    Findings {
        reviews: m
            .l10n
            .reviews
            .iter()
            .map(|r| (code(r.locale), r.rel.clone(), r.findings_count()))
            .collect(),
        files: m
            .l10n
            .files
            .iter()
            .map(|f| (code(f.status.locale_index), f.status.rel.clone(), f.findings.len()))
            .collect(),
    }
}

/// One analysed page with its terms written out.
#[derive(Debug, Serialize, Deserialize)]
struct PartDoc {
    locale: usize,
    path: String,
    title: String,
    sections: Vec<(String, String, String)>,
    /// The sections' prose, deflated (`search::card::deflated_json`).
    #[serde(default)]
    text: String,
    lang: String,
    terms: Vec<(String, Stat)>,
    long_words: Vec<(String, Stat)>,
    len: f32,
    title_terms: u16,
}

/// The analysed pages of a part, and the vocabulary of each of its
/// locales (the words compounds are split against).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SearchPart {
    docs: Vec<PartDoc>,
    /// (locale index, words), for the locales with pages here.
    vocab: Vec<(usize, Vec<String>)>,
}

pub fn search_json(prepared: crate::search::Prepared) -> String {
    let (docs, vocab, strings) = prepared.into_parts();
    let word = |i: u32| strings.list[i as usize].to_string();
    let locales: HashSet<usize> = docs.iter().map(|d| d.locale).collect();
    let mut part = SearchPart::default();
    for (li, v) in vocab.into_iter().enumerate() {
        if locales.contains(&li) {
            let mut words: Vec<String> = crate::search::doc::vocab_words(v, &strings).into_iter().collect();
            words.sort_unstable();
            part.vocab.push((li, words));
        }
    }
    part.docs = docs
        .into_iter()
        .map(|d| PartDoc {
            locale: d.locale,
            path: d.path,
            title: d.title,
            sections: d.sections,
            text: d.text,
            lang: d.lang,
            terms: d.terms.iter().map(|(t, s)| (word(*t), *s)).collect(),
            long_words: d.long_words.iter().map(|(t, s)| (word(*t), *s)).collect(),
            len: d.len,
            title_terms: d.title_terms,
        })
        .collect();
    serde_json::to_string(&part).unwrap_or_default()
}

/// The parts of split locales, combined into one analysis (terms numbered
/// again) for `search::write_for`.
pub fn combine_search(parts: Vec<SearchPart>, locales: usize) -> crate::search::Prepared {
    let mut strings = Strings::default();
    let mut vocab: Vec<HashSet<u32>> = vec![HashSet::new(); locales];
    let mut docs = Vec::new();
    for part in parts {
        for (li, words) in part.vocab {
            if let Some(v) = vocab.get_mut(li) {
                v.extend(words.iter().map(|w| strings.intern(w)));
            }
        }
        for d in part.docs {
            let terms = d.terms.iter().map(|(w, s)| (strings.intern(w), *s)).collect();
            let long_words = d.long_words.iter().map(|(w, s)| (strings.intern(w), *s)).collect();
            docs.push(Doc {
                locale: d.locale,
                path: d.path,
                title: d.title,
                sections: d.sections,
                text: d.text,
                lang: d.lang,
                terms,
                long_words,
                len: d.len,
                title_terms: d.title_terms,
            });
        }
    }
    let vocab = vocab
        .into_iter()
        .map(|v| Vocab::from_ids(v.into_iter().collect()))
        .collect();
    crate::search::Prepared::from_parts(docs, vocab, strings)
}
