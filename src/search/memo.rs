//! Search analyses remembered between builds (`build --cache`), in two
//! parts, so a warm build reads only what it uses:
//!
//! - the terms of every page the last build analysed, in ONE record (a
//!   table of words, then per page its title, language, length, terms and
//!   long words as numbers into that table, and the words it adds to its
//!   locale's vocabulary): read with one file read, each word numbered into
//!   this build's `Strings` once however many pages use it;
//! - each page's card text (its sections and deflated prose), an entry of
//!   its own, read only when a result card must be written (the output
//!   folder does not hold it under its key) or kept in the docs (a shard).
//!
//! Both are found by the analysis's key (`Memo::key`: polydoc, the language,
//! the article), which the record stores beside each page.

use super::doc::{Doc, Stat, Strings, Vocab};
use super::fxhash::FxHashMap as HashMap;
pub use crate::cache::bytes::Bytes;
use crate::le_bytes::Reader;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// Pages analysed by earlier builds, by article and the language it is
/// analysed in: the store keys them on the article (its title and HTML) and
/// polydoc.
pub trait Memo: Sync {
    /// The key of `article`'s analysis in `lang`; `None`: not remembered.
    fn key(&self, article: usize, lang: &str) -> Option<[u8; 32]>;
    /// The record of terms (`encode`) named `name` (a locale's code, for
    /// its articles; `Terms` names the records it keeps), if whole.
    fn record(&self, name: &str) -> Option<Vec<u8>>;
    /// `record`, its bytes as the store reads them (the build cache maps
    /// a large record: no fresh buffer faulted in and copied into).
    fn record_bytes(&self, name: &str) -> Option<Bytes> {
        self.record(name).map(Bytes::from)
    }
    /// Replaces the record named `name`.
    fn put_record(&self, name: &str, bytes: &[u8]);
    /// A page's card text (`encode_text`) under its analysis's key.
    fn text(&self, key: &[u8; 32]) -> Option<Vec<u8>>;
    fn put_text(&self, key: &[u8; 32], bytes: &[u8]);
    /// Keeps the card text under `key` (not read: its cards are in place).
    fn keep_text(&self, key: &[u8; 32]);
    /// `keep_text` for many keys.
    fn keep_texts(&self, keys: &[[u8; 32]]) {
        for k in keys {
            self.keep_text(k);
        }
    }
    /// The key of the result card `p<id>.js` written at `file` for the
    /// page at `page` (its path in its locale), made from the analysis
    /// under `key`.
    fn card_key(&self, key: &[u8; 32], at: (&str, &str), id: u32) -> [u8; 32];
    /// Whether the output folder holds `path` made under `card_key` (it then
    /// stays and is not written).
    fn card_in_place(&self, path: &str, card_key: &[u8; 32]) -> bool;
    /// Counts a page's analysis found (`true`) or made.
    fn count(&self, hit: bool);
    /// The key of the index of the locale `code` (in `lang`) made from
    /// `pages` (sorted by path; `search::unchanged`); `None`: an index is
    /// not remembered.
    fn index_key(&self, _locale: (&str, &str), _pages: &[super::unchanged::Entry]) -> Option<[u8; 32]> {
        None
    }
    /// The record of the locale `code`'s index the last build left
    /// (`unchanged::encode`).
    fn index_record(&self, _code: &str) -> Option<Vec<u8>> {
        None
    }
    fn put_index_record(&self, _code: &str, _bytes: &[u8]) {}
    /// Whether the output folder holds `path` made under `key`, as
    /// `card_in_place` answers, without keeping it.
    fn holds(&self, _path: &str, _key: &[u8; 32]) -> bool {
        false
    }
}

const MAGIC: &[u8; 8] = b"pdterms1";

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A page's card text: its sections (heading ID, heading, excerpt) and its
/// deflated prose.
pub fn encode_text(d: &Doc) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.text.len() + 256);
    out.extend_from_slice(&(d.sections.len() as u32).to_le_bytes());
    for (id, heading, excerpt) in &d.sections {
        put_str(&mut out, id);
        put_str(&mut out, heading);
        put_str(&mut out, excerpt);
    }
    put_str(&mut out, &d.text);
    out
}

/// `encode_text` read back into `d`; `None` when damaged.
pub fn decode_text(bytes: &[u8], d: &mut Doc) -> Option<()> {
    let mut r = Reader(bytes);
    let n = r.count(12)?;
    let mut sections = Vec::with_capacity(n);
    for _ in 0..n {
        sections.push((
            r.str_u32()?.to_string(),
            r.str_u32()?.to_string(),
            r.str_u32()?.to_string(),
        ));
    }
    let text = r.str_u32()?.to_string();
    if !r.0.is_empty() {
        return None;
    }
    d.sections = sections;
    d.text = text;
    Some(())
}

/// What the record keeps of a page besides its `Doc`: the words it adds to
/// its locale's vocabulary (numbers in `Strings`) and the length of its
/// card's JSON with an empty path (`card::card_json`), so a card left in
/// place is counted without its text.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub words: Vec<u32>,
    pub card_len: usize,
}

/// The record of this build's analysed pages: (key, doc, kept) each, the
/// doc's terms numbered in `strings`. Only the words they use are written.
pub fn encode(pages: &[(&[u8; 32], &Doc, &Kept)], strings: &Strings) -> Vec<u8> {
    let mut index: Vec<u32> = vec![u32::MAX; strings.list.len()];
    let mut table: Vec<u32> = Vec::new();
    let mut at = |id: u32| -> u32 {
        let slot = &mut index[id as usize];
        if *slot == u32::MAX {
            *slot = table.len() as u32;
            table.push(id);
        }
        *slot
    };
    let mut body = Vec::with_capacity(pages.len() * 1024);
    for (key, d, kept) in pages {
        body.extend_from_slice(&key[..]);
        put_str(&mut body, &d.title);
        put_str(&mut body, &d.lang);
        body.extend_from_slice(&d.len.to_le_bytes());
        body.extend_from_slice(&d.title_terms.to_le_bytes());
        body.extend_from_slice(&(kept.card_len as u32).to_le_bytes());
        for list in [&d.terms, &d.long_words] {
            body.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for (t, st) in list.iter() {
                body.extend_from_slice(&at(*t).to_le_bytes());
                body.extend_from_slice(&[st.title, st.best]);
                for n in [st.heading, st.body, st.best_w] {
                    body.extend_from_slice(&n.to_le_bytes());
                }
            }
        }
        body.extend_from_slice(&(kept.words.len() as u32).to_le_bytes());
        for w in &kept.words {
            body.extend_from_slice(&at(*w).to_le_bytes());
        }
    }
    let mut out = Vec::with_capacity(body.len() + table.len() * 12 + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for id in table {
        put_str(&mut out, &strings.list[id as usize]);
    }
    out.extend_from_slice(&(pages.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// A record read: its words (numbered into this build's `Strings` as pages
/// that use them are recalled) and where each page's part lies.
pub struct Record {
    bytes: Bytes,
    words: Vec<(u32, u32)>,
    /// Each word's number in this build's `Strings` (`u32::MAX`: not yet).
    numbers: Vec<AtomicU32>,
    pages: HashMap<[u8; 32], (usize, usize)>,
}

impl Record {
    /// `None` when the bytes are not a whole record.
    pub fn read(bytes: impl Into<Bytes>) -> Option<Record> {
        let bytes: Bytes = bytes.into();
        let mut r = Reader(&bytes[..]);
        if r.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let start = |r: &Reader| bytes.len() - r.0.len();
        let n = r.count(4)?;
        let mut words = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.u32()? as usize;
            let at = start(&r);
            r.take(len)?;
            std::str::from_utf8(&bytes[at..at + len]).ok()?;
            words.push((at as u32, len as u32));
        }
        let n = r.count(32)?;
        let mut pages = HashMap::default();
        pages.reserve(n);
        for _ in 0..n {
            let from = start(&r);
            let key: [u8; 32] = r.take(32)?.try_into().ok()?;
            skip_page(&mut r)?;
            pages.insert(key, (from + 32, start(&r)));
        }
        if !r.0.is_empty() {
            return None;
        }
        let numbers = (0..words.len()).map(|_| AtomicU32::new(u32::MAX)).collect();
        Some(Record {
            bytes,
            words,
            numbers,
            pages,
        })
    }

    /// Whether the record holds exactly the pages under `keys` (each
    /// once): then it needs no writing again.
    pub fn holds_only<'k>(&self, keys: impl Iterator<Item = &'k [u8; 32]>) -> bool {
        let mut n = 0;
        for k in keys {
            if !self.pages.contains_key(k) {
                return false;
            }
            n += 1;
        }
        n == self.pages.len()
    }

    fn word(&self, i: u32) -> &str {
        let (at, len) = self.words[i as usize];
        // Checked to be UTF-8 when read.
        std::str::from_utf8(&self.bytes[at as usize..(at + len) as usize]).unwrap_or_default()
    }

    /// The page analysed under `key` (without its card text), numbered into
    /// `strings`, its words added to `vocab`.
    pub fn recall(
        &self,
        key: &[u8; 32],
        (locale, path): (usize, String),
        vocab: &Vocab,
        strings: &Mutex<Strings>,
    ) -> Option<(Doc, Kept)> {
        let &(from, to) = self.pages.get(key)?;
        let mut r = Reader(&self.bytes[from..to]);
        let title = r.str_u32()?.to_string();
        let lang = r.str_u32()?.to_string();
        let len = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let title_terms = r.u16()?;
        let card_len = r.u32()? as usize;
        // The two term lists and the vocabulary words, as bytes (`count`
        // checked they are there).
        let mut raw: [&[u8]; 3] = [&[], &[], &[]];
        for list in raw.iter_mut().take(2) {
            let n = r.count(12)?;
            *list = r.take(n * 12)?;
        }
        let n = r.count(4)?;
        raw[2] = r.take(n * 4)?;
        let word_at = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let all = || {
            let [terms, long_words, words] = raw;
            terms
                .chunks_exact(12)
                .chain(long_words.chunks_exact(12))
                .chain(words.chunks_exact(4))
                .map(word_at)
        };
        // A word number past the table: damaged, not recalled. Words this
        // build has not numbered yet: all under one lock.
        let unnumbered = |w: u32| self.numbers[w as usize].load(Ordering::Relaxed) == u32::MAX;
        let mut any_new = false;
        for w in all() {
            if w as usize >= self.numbers.len() {
                return None;
            }
            any_new = any_new || unnumbered(w);
        }
        if any_new {
            let mut s = strings.lock().unwrap_or_else(|e| e.into_inner());
            for w in all().filter(|&w| unnumbered(w)) {
                self.numbers[w as usize].store(s.intern(self.word(w)), Ordering::Relaxed);
            }
        }
        let number = |w: u32| self.numbers[w as usize].load(Ordering::Relaxed);
        let list = |bytes: &[u8]| -> Vec<(u32, Stat)> {
            bytes
                .chunks_exact(12)
                .map(|t| {
                    let u16_at = |i: usize| u16::from_le_bytes([t[i], t[i + 1]]);
                    let stat = Stat {
                        title: t[4],
                        best: t[5],
                        heading: u16_at(6),
                        body: u16_at(8),
                        best_w: u16_at(10),
                    };
                    (number(word_at(t)), stat)
                })
                .collect()
        };
        let (terms, long_words) = (list(raw[0]), list(raw[1]));
        let words: Vec<u32> = raw[2].chunks_exact(4).map(|b| number(word_at(b))).collect();
        vocab.add(words.iter().copied());
        let doc = Doc {
            locale,
            path,
            title,
            sections: Vec::new(),
            text: String::new(),
            lang,
            terms,
            long_words,
            len,
            title_terms,
        };
        Some((doc, Kept { words, card_len }))
    }
}

/// A page of `encode`'s list: its analysis's key, its doc, what is kept.
pub type Listed<'a> = (&'a [u8; 32], &'a Doc, &'a Kept);

/// The terms of one locale's articles as the last builds left them: the
/// record of them all (`Memo::record(code)`) and, beside it, the pages
/// analysed since it was written (`Memo::record("<code>+changed")`), so an
/// edit writes a record of the pages it changed, not every page's again.
/// Both hold analyses by key: an entry no page uses any more is never
/// wrong, only left over until the whole record is written again.
#[derive(Default)]
pub struct Terms {
    whole: Option<Record>,
    changed: Option<Record>,
}

/// The name of the record of pages analysed since the whole one.
fn changed_name(code: &str) -> String {
    format!("{code}+changed")
}

impl Terms {
    pub fn read(m: &dyn Memo, code: &str) -> Terms {
        let whole = m.record_bytes(code).and_then(Record::read);
        // Without the whole record, the pages changed since are no use.
        let changed = whole
            .as_ref()
            .and_then(|_| m.record_bytes(&changed_name(code)))
            .and_then(Record::read);
        Terms { whole, changed }
    }

    /// `Record::recall`, from the pages changed first.
    pub fn recall(
        &self,
        key: &[u8; 32],
        (locale, path): (usize, String),
        vocab: &Vocab,
        strings: &Mutex<Strings>,
    ) -> Option<(Doc, Kept)> {
        // (The pages changed are few: the path is not copied for a page
        // they do not hold.)
        if let Some(changed) = self.changed.as_ref().filter(|c| c.pages.contains_key(key)) {
            if let Some(found) = changed.recall(key, (locale, path.clone()), vocab, strings) {
                return Some(found);
            }
        }
        self.whole.as_ref()?.recall(key, (locale, path), vocab, strings)
    }

    /// Writes what the next build needs to find `listed` (this build's
    /// pages of the locale `code`): nothing when the records hold them;
    /// the pages the whole record lacks when they are few (a sixteenth of
    /// the pages at most, and a whole record not more than an eighth
    /// pages no longer used), else a whole record again (and no changed
    /// pages beside it). Drops the records read first.
    pub fn write(self, m: &dyn Memo, code: &str, listed: &[Listed], strings: &Strings) {
        let Some(whole) = &self.whole else {
            m.put_record(code, &encode(listed, strings));
            return;
        };
        let new: Vec<Listed> = listed
            .iter()
            .filter(|(k, _, _)| !whole.pages.contains_key(*k))
            .copied()
            .collect();
        let unused = whole.pages.len().saturating_sub(listed.len() - new.len());
        let changed_holds = |keys: &[Listed]| match &self.changed {
            Some(c) => c.holds_only(keys.iter().map(|(k, _, _)| *k)),
            None => keys.is_empty(),
        };
        if new.len() * 16 <= listed.len() && unused * 8 <= whole.pages.len() {
            if !changed_holds(&new) {
                drop(self);
                m.put_record(&changed_name(code), &encode(&new, strings));
            }
            return;
        }
        let had_changed = self.changed.is_some();
        drop(self);
        m.put_record(code, &encode(listed, strings));
        if had_changed {
            m.put_record(&changed_name(code), &encode(&[], strings));
        }
    }
}

/// Passes over one page's part (after its key) by its counts; its word
/// numbers are checked when the page is recalled (`Record::recall`), so
/// reading a record does not walk every term of every page.
fn skip_page(r: &mut Reader) -> Option<()> {
    r.str_u32()?;
    r.str_u32()?;
    r.take(4 + 2 + 4)?;
    for size in [12, 12, 4] {
        let n = r.count(size)?;
        r.take(n * size)?;
    }
    Some(())
}

/// The words a page adds to its vocabulary, each once (analysis lists each
/// time it met one).
pub fn distinct(mut words: Vec<u32>) -> Vec<u32> {
    words.sort_unstable();
    words.dedup();
    words
}

#[cfg(test)]
mod tests;
