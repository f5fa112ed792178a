//! Search analysis of one page: its title and article HTML -> a `Doc`
//! (interned terms with per-field counts, the section each term is
//! strongest in, its weighted length, and its sections for result cards).
//! Runs in parallel beside rendering, once per page; `index.rs` turns the
//! `Doc`s of a locale into index files.

use super::analyze::{each_piece, Analyzer};
use super::card::deflated_json;
use super::compounds::MIN_PART;
use super::extract;
use super::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use super::index::{EXCERPT, MAX_SECTIONS};
use super::plain;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Field weights (BM25F-style) and BM25 parameters.
pub const W_TITLE: f32 = 6.0;
pub const W_HEADING: f32 = 3.0;
pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;

/// How often a term occurs in one page, per field, and where most. Eight
/// bytes, so a page's `(term, Stat)` list takes 12 bytes a term (a title
/// has fewer than 255 of any word).
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    pub title: u8,
    /// Section where the term weighs most, and that weight.
    pub best: u8,
    pub heading: u16,
    pub body: u16,
    pub best_w: u16,
}

const _: () = assert!(std::mem::size_of::<(u32, Stat)>() == 12);

impl Stat {
    pub(super) fn merge(&mut self, o: &Stat) {
        self.title = self.title.saturating_add(o.title);
        self.heading = self.heading.saturating_add(o.heading);
        self.body = self.body.saturating_add(o.body);
        if o.best_w > self.best_w {
            self.best = o.best;
            self.best_w = o.best_w;
        }
    }
    fn add(&mut self, field: u8, section: usize, local: &mut u16) {
        match field {
            0 => self.title = self.title.saturating_add(1),
            1 => self.heading = self.heading.saturating_add(1),
            _ => self.body = self.body.saturating_add(1),
        }
        *local = local.saturating_add(if field == 2 { 1 } else { 4 });
        if *local > self.best_w {
            self.best_w = *local;
            self.best = section.min(MAX_SECTIONS) as u8;
        }
    }
}

/// One page, analysed: built in parallel with rendering, once per page.
#[derive(Debug, Default, Clone)]
pub struct Doc {
    pub locale: usize,
    /// URL path relative to the locale's folder (`admin/setup/`).
    pub path: String,
    pub title: String,
    /// (heading ID, heading text, excerpt) per section; section 0 is the intro.
    pub sections: Vec<(String, String, String)>,
    /// The prose of those sections (collapsed), for snippets: a JSON array
    /// of strings, zlib-deflated and in base64 (`card::card_json`).
    pub text: String,
    /// Language of the analyzer used (a fallback page is in the source language).
    pub lang: String,
    /// Interned terms (`Strings`) with their stats, by term number.
    pub terms: Vec<(u32, Stat)>,
    /// Interned folded words long enough to be compounds, with their stats.
    pub long_words: Vec<(u32, Stat)>,
    /// Weighted length (tokens).
    pub len: f32,
    /// Distinct terms of the title (before compound parts are added).
    pub title_terms: u16,
}

/// The words a locale's pages use (what compounds are split against), as
/// numbers in `Strings`, gathered as pages are analysed: a word is added
/// when a thread first meets it, so each thread's word cache belongs to
/// one `Vocab` (`key`).
pub struct Vocab {
    words: Mutex<HashSet<u32>>,
    key: u64,
}

impl Default for Vocab {
    fn default() -> Vocab {
        Vocab {
            words: Mutex::default(),
            key: GENERATION.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// A locale's vocabulary as words (once, when its index is built).
pub fn vocab_words(vocab: Vocab, strings: &Strings) -> HashSet<String> {
    let ids = vocab.words.into_inner().unwrap_or_else(|e| e.into_inner());
    ids.iter().map(|&i| strings.list[i as usize].to_string()).collect()
}

/// Every term and compound candidate of the site, numbered once, so pages
/// keep numbers instead of strings (memory).
pub struct Strings {
    pub ids: HashMap<Box<str>, u32>,
    pub list: Vec<Box<str>>,
    /// Which `Strings` this is: the per-thread word caches keep its numbers.
    generation: u64,
}

static GENERATION: AtomicU64 = AtomicU64::new(1);

impl Default for Strings {
    fn default() -> Strings {
        Strings {
            ids: HashMap::default(),
            list: Vec::new(),
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Vocab {
    /// A vocabulary of these term numbers (a merge's, from its shards').
    pub fn from_ids(ids: HashSet<u32>) -> Vocab {
        Vocab {
            words: Mutex::new(ids),
            ..Vocab::default()
        }
    }

    /// Adds words (term numbers) a page analysed before uses.
    pub fn add(&self, ids: impl IntoIterator<Item = u32>) {
        self.words.lock().unwrap_or_else(|e| e.into_inner()).extend(ids);
    }
}

impl Strings {
    /// The number of `s`, given it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        self.id(s)
    }

    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }
}

/// One token of a cached word: its term; its folded word when that is a
/// compound candidate (else `NO_WORD`), with `LONG` set when the word is
/// long enough to be split; `count` is for `MANY` entries only.
#[derive(Clone, Copy)]
struct Tok {
    term: u32,
    word: u32,
    count: u32,
}

const NO_WORD: u32 = u32::MAX;
const LONG: u32 = 1 << 31;

/// A cached word: its one token, or (`term` = `MANY`) `count` tokens
/// from `word` in `LangCache::toks`. One token, the common case, is read
/// from the map without another memory access.
type Entry = Tok;
const MANY: u32 = u32::MAX;

/// A term's stat on the page being analysed, with its weight in the
/// current segment (the title, or one section).
#[derive(Clone, Copy)]
struct Acc {
    stat: Stat,
    segment: u32,
    weight: u16,
}

/// Per vocabulary (a locale, analysed in its language): word as written
/// -> its tokens. Words of up to 15 bytes are keyed by their bytes packed
/// in a number (no pointer to follow, no string to compare).
struct LangCache {
    vocab: u64,
    /// The short words met last, by a hash of their key: the common words
    /// of a text stay in this small table (in the processor's cache).
    hot: Box<[(u128, Entry)]>,
    short: HashMap<u128, Entry>,
    words: HashMap<Box<str>, Entry>,
    toks: Vec<Tok>,
}

impl LangCache {
    fn new(vocab: u64) -> LangCache {
        LangCache {
            vocab,
            hot: vec![HOT_EMPTY; 1 << HOT_BITS].into_boxed_slice(),
            short: HashMap::default(),
            words: HashMap::default(),
            toks: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.short.len() + self.words.len()
    }

    fn clear(&mut self) {
        self.hot.fill(HOT_EMPTY);
        self.short.clear();
        self.words.clear();
        self.toks.clear();
    }

    fn get(&mut self, w: &str) -> Option<Entry> {
        match pack(w) {
            Some(k) => {
                // Fibonacci hashing of the key's two halves.
                let h = ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                let slot = &mut self.hot[(h >> (64 - HOT_BITS)) as usize];
                if slot.0 == k {
                    return Some(slot.1);
                }
                let e = *self.short.get(&k)?;
                *slot = (k, e);
                Some(e)
            }
            None => self.words.get(w).copied(),
        }
    }

    fn insert(&mut self, w: &str, e: Entry) {
        match pack(w) {
            Some(k) => self.short.insert(k, e),
            None => self.words.insert(w.into(), e),
        };
    }

    fn tokens<'a>(&'a self, e: &'a Entry) -> &'a [Tok] {
        if e.term == MANY {
            &self.toks[e.word as usize..(e.word as usize + e.count as usize)]
        } else {
            std::slice::from_ref(e)
        }
    }
}

/// Size of `LangCache::hot` (2^12 slots of 32 bytes).
const HOT_BITS: u32 = 12;
/// An empty `hot` slot: no word packs to 1 (a first byte with a length
/// of 0; even the empty word packs to 0).
const HOT_EMPTY: (u128, Entry) = (
    1,
    Tok {
        term: 0,
        word: 0,
        count: 0,
    },
);

/// A word of up to 15 bytes as a number: its bytes, then its length.
/// Read in a few overlapping loads (copying the bytes into a buffer and
/// reading it back as one number stalls the processor).
fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or([0; 4])) as u64;
    let (lo, hi) = match n {
        16.. => return None,
        8.. => (word(0), if n == 8 { 0 } else { word(n - 8) >> ((16 - n) * 8) }),
        4.. => (half(0) | half(n - 4) << ((n - 4) * 8), 0),
        1.. => (
            b[0] as u64 | (b[n / 2] as u64) << (n / 2 * 8) | (b[n - 1] as u64) << ((n - 1) * 8),
            0,
        ),
        0 => (0, 0),
    };
    Some(lo as u128 | (hi as u128) << 64 | (n as u128) << 120)
}

/// Per thread: the words seen, analysed and numbered (for one `Strings`:
/// the global lock is taken only for a word the thread has not seen), and
/// the page buffers, reused.
#[derive(Default)]
struct Scratch {
    generation: u64,
    langs: Vec<LangCache>,
    bigrams: HashMap<Box<str>, u32>,
    terms: PageTerms,
    /// The page's long words (compound candidates), by word number.
    long: PageTerms,
}

/// The terms of the page being analysed, by term number: a slot per term
/// of the site (reset after each page) instead of a hash map per word.
#[derive(Default)]
struct PageTerms {
    slot: Vec<u32>,
    list: Vec<(u32, Acc)>,
}

impl PageTerms {
    const EMPTY: u32 = u32::MAX;

    fn entry(&mut self, term: u32, segment: u32) -> &mut Acc {
        let t = term as usize;
        if t >= self.slot.len() {
            self.slot.resize((t + 1).next_power_of_two(), Self::EMPTY);
        }
        if self.slot[t] == Self::EMPTY {
            self.slot[t] = self.list.len() as u32;
            self.list.push((
                term,
                Acc {
                    stat: Stat::default(),
                    segment,
                    weight: 0,
                },
            ));
        }
        &mut self.list[self.slot[t] as usize].1
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    fn clear(&mut self) {
        for (t, _) in self.list.drain(..) {
            self.slot[t as usize] = Self::EMPTY;
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Words (or bigrams) cached per thread and language before starting over.
const CACHE_WORDS: usize = 500_000;

/// Analyses one page's title and article HTML; adds its words to `vocab`
/// and its terms to `strings`.
pub fn analyze_page(
    analyzer: &Analyzer,
    locale: usize,
    path: &str,
    title: &str,
    html: &str,
    vocab: &Vocab,
    strings: &Mutex<Strings>,
) -> Doc {
    analyze_page_with(analyzer, (locale, path, title, html), vocab, strings, None)
}

/// `analyze_page`; with `words`, also the words the page adds to `vocab`
/// (each once, in no order): what a cached analysis must add again.
pub fn analyze_page_with(
    analyzer: &Analyzer,
    (locale, path, title, html): (usize, &str, &str, &str),
    vocab: &Vocab,
    strings: &Mutex<Strings>,
    mut words: Option<&mut Vec<u32>>,
) -> Doc {
    let secs = extract::sections(html);
    let mut doc = Doc {
        locale,
        path: path.to_string(),
        title: title.to_string(),
        lang: analyzer.lang.clone(),
        ..Doc::default()
    };
    let generation = strings.lock().unwrap_or_else(|e| e.into_inner()).generation;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let s = &mut *scratch;
        if s.generation != generation {
            s.generation = generation;
            s.langs.clear();
            s.bigrams.clear();
        }
        let li = match s.langs.iter().position(|l| l.vocab == vocab.key) {
            Some(i) => i,
            None => {
                s.langs.push(LangCache::new(vocab.key));
                s.langs.len() - 1
            }
        };
        if s.langs[li].len() > CACHE_WORDS {
            s.langs[li].clear();
        }
        if s.bigrams.len() > CACHE_WORDS {
            s.bigrams.clear();
        }
        let Scratch {
            langs,
            bigrams,
            terms,
            long,
            ..
        } = s;
        let cache = &mut langs[li];
        terms.clear();
        // Long words in the order the page first uses them: the order
        // their compound parts are merged in, which decides ties (the
        // section a part is strongest in).
        long.clear();
        let mut len = 0f32;
        // `segment` is 0 for the title, i + 1 for section i: a term's
        // weight in it decides the section it is strongest in.
        let mut feed =
            |terms: &mut PageTerms, long: &mut PageTerms, text: &str, field: u8, section: usize, segment: u32| {
                let w = match field {
                    0 => W_TITLE,
                    1 => W_HEADING,
                    _ => 1.0,
                };
                let mut add = |term: u32| {
                    let a = terms.entry(term, segment);
                    if a.segment != segment {
                        a.segment = segment;
                        a.weight = 0;
                    }
                    a.stat.add(field, section, &mut a.weight);
                };
                each_piece(text, |piece, cjk| {
                    if cjk {
                        let term = match bigrams.get(piece) {
                            Some(&t) => t,
                            None => {
                                let t = strings.lock().unwrap_or_else(|e| e.into_inner()).id(piece);
                                bigrams.insert(piece.into(), t);
                                t
                            }
                        };
                        len += w;
                        add(term);
                        return;
                    }
                    let entry = match cache.get(piece) {
                        Some(e) => e,
                        None => cache_word(analyzer, piece, cache, strings, vocab),
                    };
                    for tok in cache.tokens(&entry) {
                        len += w;
                        add(tok.term);
                        if let (Some(words), true) = (words.as_deref_mut(), tok.word != NO_WORD) {
                            words.push(tok.word & !LONG);
                        }
                        if tok.word != NO_WORD && tok.word & LONG != 0 {
                            long.entry(tok.word & !LONG, 0).stat.add(field, section, &mut 0);
                        }
                    }
                });
            };
        feed(terms, long, title, 0, 0, 0);
        // Distinct terms of the title: all there are so far.
        let title_terms = terms.len();
        for (i, s) in secs.iter().enumerate() {
            let segment = i as u32 + 1;
            feed(terms, long, &s.heading, 1, i, segment);
            feed(terms, long, &s.text, 2, i, segment);
            feed(terms, long, &s.code, 2, i, segment);
        }
        doc.title_terms = title_terms.min(u16::MAX as usize) as u16;
        doc.len = len;
        doc.terms = terms.list.iter().map(|(t, a)| (*t, a.stat)).collect();
        doc.long_words = long.list.iter().map(|(w, a)| (*w, a.stat)).collect();
    });
    if let Some(words) = words {
        words.sort_unstable();
        words.dedup();
    }
    let prose: Vec<String> = secs
        .iter()
        .take(MAX_SECTIONS + 1)
        .map(|s| plain::collapse(&s.text))
        .collect();
    doc.text = deflated_json(&prose);
    doc.sections = secs
        .into_iter()
        .take(MAX_SECTIONS + 1)
        .zip(&prose)
        .map(|(s, prose)| {
            // Prose only: a section that is all code gets no excerpt (its
            // first line, often a `# comment`, read like a Markdown heading
            // in the result card); the results page looks for prose on the
            // page. Cut from the prose collapsed above (`excerpt` of its text).
            let ex = plain::excerpt_collapsed(prose, EXCERPT);
            (s.id, s.heading, ex)
        })
        .collect();
    doc
}

/// Analyses a word not in the thread's cache, numbers its terms (and
/// compound candidates) under the global lock and adds its words to
/// `vocab`; returns its cache entry.
fn cache_word(
    analyzer: &Analyzer,
    piece: &str,
    cache: &mut LangCache,
    strings: &Mutex<Strings>,
    vocab: &Vocab,
) -> Entry {
    let pairs = analyzer.analyze_word(piece);
    let mut toks: Vec<Tok> = Vec::with_capacity(pairs.len());
    if !pairs.is_empty() {
        let mut st = strings.lock().unwrap_or_else(|e| e.into_inner());
        for (term, word) in &pairs {
            let chars = word.chars().count();
            let candidate = analyzer.compounds && chars >= MIN_PART && !word.bytes().any(|b| b.is_ascii_digit());
            let long = candidate && word.len() > 2 * MIN_PART && chars > 2 * MIN_PART;
            let term = st.id(term);
            let word_id = if candidate { st.id(word) } else { NO_WORD };
            assert!(term < LONG && (word_id < LONG || word_id == NO_WORD), "too many terms");
            toks.push(Tok {
                term,
                word: if long { word_id | LONG } else { word_id },
                count: 0,
            });
        }
    }
    if toks.iter().any(|t| t.word != NO_WORD) {
        let mut v = vocab.words.lock().unwrap_or_else(|e| e.into_inner());
        v.extend(toks.iter().filter(|t| t.word != NO_WORD).map(|t| t.word & !LONG));
    }
    let entry = if toks.len() == 1 {
        toks[0]
    } else {
        let start = cache.toks.len() as u32;
        cache.toks.extend(toks.iter().copied());
        Tok {
            term: MANY,
            word: start,
            count: toks.len() as u32,
        }
    };
    cache.insert(piece, entry);
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_is_the_bytes_then_the_length() {
        let by_copy = |w: &str| {
            let mut k = [0u8; 16];
            k[..w.len()].copy_from_slice(w.as_bytes());
            k[15] = w.len() as u8;
            u128::from_le_bytes(k)
        };
        let text = "abcdefghijklmnopqrstuvwxyzé0123456789";
        for i in 0..text.len() {
            for j in i..=text.len() {
                if let Some(w) = text.get(i..j) {
                    assert_eq!(pack(w), (w.len() <= 15).then(|| by_copy(w)), "{w:?}");
                    assert_ne!(pack(w), Some(HOT_EMPTY.0), "{w:?}");
                }
            }
        }
    }
}
