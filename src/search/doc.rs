//! Search analysis of one page: its title and article HTML -> a `Doc`
//! (interned terms with per-field counts, the section each term is
//! strongest in, its weighted length, and its sections for result cards).
//! Runs in parallel beside rendering, once per page; `index.rs` turns the
//! `Doc`s of a locale into index files.

use super::analyze::{split_compound, Analyzer, MIN_PART};
use super::extract;
use super::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use super::index::{EXCERPT, MAX_SECTIONS};

/// Field weights (BM25F-style) and BM25 parameters.
pub const W_TITLE: f32 = 6.0;
pub const W_HEADING: f32 = 3.0;
pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;

/// How often a term occurs in one page, per field, and where most.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stat {
    pub title: u16,
    pub heading: u16,
    pub body: u16,
    /// Section where the term weighs most, and that weight.
    pub best: u8,
    pub best_w: u16,
}

impl Stat {
    fn merge(&mut self, o: &Stat) {
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
#[derive(Debug, Default)]
pub struct Doc {
    pub locale: usize,
    /// URL path relative to the locale's folder (`admin/setup/`).
    pub path: String,
    pub title: String,
    /// (heading ID, heading text, excerpt) per section; section 0 is the intro.
    pub sections: Vec<(String, String, String)>,
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

/// The words a language's pages use (what compounds are split against),
/// gathered from every page as it is analysed.
pub type Vocab = std::sync::Mutex<HashSet<String>>;

/// Every term and compound candidate of the site, numbered once, so pages
/// keep numbers instead of strings (memory).
#[derive(Default)]
pub struct Strings {
    pub ids: HashMap<Box<str>, u32>,
    pub list: Vec<Box<str>>,
}

impl Strings {
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

/// Analyses one page's title and article HTML; adds its words to `vocab`
/// and its terms to `strings`.
pub fn analyze_page(
    analyzer: &Analyzer,
    locale: usize,
    path: &str,
    title: &str,
    html: &str,
    vocab: &Vocab,
    strings: &std::sync::Mutex<Strings>,
) -> Doc {
    let secs = extract::sections(html);
    let mut doc = Doc {
        locale,
        path: path.to_string(),
        title: title.to_string(),
        lang: analyzer.lang.clone(),
        ..Doc::default()
    };
    let mut len = 0f32;
    let mut terms: HashMap<String, Stat> = HashMap::default();
    let mut long_words: HashMap<String, Stat> = HashMap::default();
    let mut words: HashSet<String> = HashSet::default();
    let mut feed = |text: &str, field: u8, section: usize, local: &mut HashMap<String, u16>| {
        analyzer.each_term(text, |term, word| {
            len += match field {
                0 => W_TITLE,
                1 => W_HEADING,
                _ => 1.0,
            };
            let l = match local.get_mut(term) {
                Some(l) => l,
                None => local.entry(term.to_string()).or_default(),
            };
            match terms.get_mut(term) {
                Some(s) => s.add(field, section, l),
                None => terms.entry(term.to_string()).or_default().add(field, section, l),
            }
            if analyzer.compounds && word.len() >= MIN_PART {
                let known = words.contains(word)
                    || (word.chars().count() >= MIN_PART
                        && !word.bytes().any(|b| b.is_ascii_digit())
                        && words.insert(word.to_string()));
                if known && word.len() > 2 * MIN_PART && word.chars().count() > 2 * MIN_PART {
                    let mut lw = 0u16;
                    match long_words.get_mut(word) {
                        Some(s) => s.add(field, section, &mut lw),
                        None => long_words
                            .entry(word.to_string())
                            .or_default()
                            .add(field, section, &mut lw),
                    }
                }
            }
        });
    };
    let mut local = HashMap::default();
    feed(title, 0, 0, &mut local);
    doc.title_terms = local.len().min(u16::MAX as usize) as u16;
    for (i, s) in secs.iter().enumerate() {
        let mut local = HashMap::default();
        feed(&s.heading, 1, i, &mut local);
        feed(&s.text, 2, i, &mut local);
        feed(&s.code, 2, i, &mut local);
    }
    doc.len = len;
    {
        let mut st = strings.lock().unwrap_or_else(|e| e.into_inner());
        doc.terms = terms.iter().map(|(t, s)| (st.id(t), *s)).collect();
        doc.long_words = long_words.iter().map(|(t, s)| (st.id(t), *s)).collect();
    }
    if !words.is_empty() {
        let mut v = vocab.lock().unwrap_or_else(|e| e.into_inner());
        for w in words {
            v.insert(w);
        }
    }
    doc.sections = secs
        .into_iter()
        .take(MAX_SECTIONS + 1)
        .map(|s| {
            let ex = extract::excerpt(if s.text.is_empty() { &s.code } else { &s.text }, EXCERPT);
            (s.id, s.heading, ex)
        })
        .collect();
    doc
}

/// Adds the stems of compound parts (`modus` in `kioskmodus`) to each page,
/// splitting against the words the locale's pages use.
pub fn add_compound_parts(
    docs: &mut [Doc],
    analyzer: &Analyzer,
    vocab: &HashSet<String>,
    strings: &Strings,
    extra: &mut Vec<String>,
) {
    let lang = analyzer.lang.as_str();
    let mut long: Vec<u32> = docs
        .iter()
        .filter(|d| d.lang == lang)
        .flat_map(|d| d.long_words.iter().map(|(w, _)| *w))
        .collect();
    long.sort_unstable();
    long.dedup();
    // Productive tails: a word that ends several compounds after a known
    // head is a part even if the site never writes it alone.
    let mut tails: HashMap<&str, u32> = HashMap::default();
    for &w in &long {
        let w: &str = &strings.list[w as usize];
        let idx: Vec<usize> = w.char_indices().map(|(i, _)| i).collect();
        for h in MIN_PART..idx.len().saturating_sub(MIN_PART) {
            if vocab.contains(&w[..idx[h]]) {
                *tails.entry(&w[idx[h]..]).or_default() += 1;
            }
        }
    }
    let base = strings.list.len() as u32;
    let mut extra_ids: HashMap<String, u32> = HashMap::default();
    let mut parts: HashMap<u32, Vec<u32>> = HashMap::default();
    for &wid in &long {
        let w: &str = &strings.list[wid as usize];
        let known = |x: &str| x != w && (vocab.contains(x) || tails.get(x).is_some_and(|&n| n >= PRODUCTIVE_TAIL));
        let p: Vec<u32> = split_compound(w, lang, &known)
            .iter()
            .map(|p| {
                let stem = analyzer.stem(p);
                match strings.ids.get(stem.as_str()) {
                    Some(&i) => i,
                    None => *extra_ids.entry(stem.clone()).or_insert_with(|| {
                        extra.push(stem);
                        base + extra.len() as u32 - 1
                    }),
                }
            })
            .collect();
        parts.insert(wid, p);
    }
    for d in docs.iter_mut().filter(|d| d.lang == lang) {
        let long = std::mem::take(&mut d.long_words);
        if long.iter().all(|(w, _)| parts[w].is_empty()) {
            continue;
        }
        let mut terms: HashMap<u32, Stat> = d.terms.drain(..).collect();
        for (w, s) in &long {
            for p in &parts[w] {
                terms.entry(*p).or_default().merge(s);
            }
        }
        d.terms = terms.into_iter().collect();
    }
}

/// Compounds a tail must end (after a known head) to count as a word.
const PRODUCTIVE_TAIL: u32 = 3;
