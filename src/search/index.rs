//! Search index writer: the analysed pages of one locale -> that locale's
//! index files under `_search/<locale>/`, every one a small script
//! (`polydocSearch("name", {...});`) so the client can load it with a
//! `<script>` element, which works from `file://` as well as from any host.
//!
//! - `meta.js`: constant-size facts (page count, shard count, format).
//! - `t<k>.js`: term shards. A term lives in shard `hash(key) % K`, where
//!   the key is its first three characters (longer for the few crowded
//!   prefixes listed in `meta.split`), so every completion of a typed word
//!   is in the word's own shard. Each term has its postings: page numbers
//!   and, per page, a quantized BM25 impact (title and headings weigh
//!   more), a title flag and the section the term is strongest in. Shards
//!   also carry page titles (`c`: page, title, URL): a page's title is in
//!   the shard of its title's longest word (`primary_words`), the shard the
//!   client loads first for that word, so a search for a page's title is
//!   ranked with one shard. A title that finds no room there is elsewhere;
//!   that shard then has a pointer (`p`: page, title, shard) to it.
//! - `w<k>.js`: shard `k`'s words alone (no postings), for typos: a word
//!   misspelt in its first letters keys to another shard, so the client
//!   reads the words of the shards it may have come from (a few hundred
//!   bytes each) and loads only a shard that has a word one edit away.
//! - `p<id>.js`: one page's result card: title, URL, section headings with
//!   IDs and excerpts, and the prose of its sections deflated (a third of
//!   its size) for snippets around the matched words. The client loads the
//!   cards of the results it shows, and only those: a result costs its own
//!   card (a few KB), never a shard or a block of other pages.
//!
//! Numbers are written as base-64 variable-length integers (5 data bits a
//! character) inside JSON strings; `search.js` decodes them.

use super::analyze::Analyzer;
use super::card::{card_file, json_str, push_json_str};
use super::compounds::add_compound_parts;
use super::doc::{Doc, Strings, B, K1, W_HEADING, W_TITLE};
use super::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use super::postings::{encode_postings, Posting, SECTION_SHIFT};
use rayon::prelude::*;
use std::fmt::Write as _;

/// Index format, checked by the client.
pub const FORMAT: u32 = 3;
/// Bytes a term shard aims at.
pub const SHARD_BYTES: usize = 20_000;
/// Characters of a section excerpt.
pub const EXCERPT: usize = 32;
/// Bytes of crowded prefixes listed in `meta.js` at most.
pub const SPLIT_BYTES: usize = 6_000;
/// Bytes of common terms listed in `meta.js` at most.
pub const STOP_BYTES: usize = 1_000;
/// Sections addressable from a posting (later ones count as the last).
pub const MAX_SECTIONS: usize = 31;

/// What one locale's index came to.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct IndexStats {
    pub pages: usize,
    pub terms: usize,
    pub postings: usize,
    pub shards: usize,
    pub files: usize,
    pub bytes: usize,
    pub meta_bytes: usize,
    /// Titles not in the shard of one of their first primary words
    /// (a search for such a title loads every query word).
    pub cards_elsewhere: usize,
    /// Milliseconds spent writing this locale's index (after analysis):
    /// compound parts, and everything.
    pub compounds_ms: u64,
    pub build_ms: u64,
}

/// Builds the index files of one locale: `(file name, contents)` pairs.
/// `cards_written`: the number and bytes of the result cards written
/// already (`search::prepare_writing_cards`), else they are made here from
/// the docs.
pub fn build_locale(
    mut docs: Vec<Doc>,
    analyzer: &Analyzer,
    vocab: &HashSet<String>,
    strings: &Strings,
    cards_written: Option<(usize, usize)>,
) -> (Vec<(String, String)>, IndexStats) {
    let started = std::time::Instant::now();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    // Compound parts never seen alone get numbers after the site's.
    let mut extra: Vec<String> = Vec::new();
    if analyzer.compounds {
        add_compound_parts(&mut docs, analyzer, vocab, strings, &mut extra);
    }
    let compounds_ms = started.elapsed().as_millis() as u64;
    let base = strings.list.len();
    let name = |id: u32| -> &str {
        let id = id as usize;
        if id < base {
            &strings.list[id]
        } else {
            &extra[id - base]
        }
    };
    let n = docs.len();
    let avgdl = (docs.iter().map(|d| d.len as f64).sum::<f64>() / n.max(1) as f64).max(1.0) as f32;

    // Postings, in page order, by term number (numbers are dense): each
    // thread's run of pages fills a flat array (counted first, so no list
    // grows), then each term joins its runs.
    let terms_n = base + extra.len();
    let run = n.div_ceil(rayon::current_num_threads().max(1)).max(1);
    let runs: Vec<(Vec<u32>, Vec<Posting>)> = docs
        .par_chunks(run)
        .enumerate()
        .map(|(r, ds)| {
            let mut start = vec![0u32; terms_n + 1];
            for d in ds {
                for (t, _) in &d.terms {
                    start[*t as usize + 1] += 1;
                }
            }
            for i in 0..terms_n {
                start[i + 1] += start[i];
            }
            let mut next = start.clone();
            let mut flat: Vec<Posting> = vec![(0, 0, false); start[terms_n] as usize];
            for (j, d) in ds.iter().enumerate() {
                let id = (r * run + j) as u32;
                let norm = K1 * (1.0 - B + B * d.len / avgdl);
                // Distinct title terms: a query covering them all is the page's title.
                let title_len = d.title_terms;
                for (term, s) in &d.terms {
                    let tf = W_TITLE * s.title as f32 + W_HEADING * s.heading as f32 + s.body as f32;
                    let impact = tf * (K1 + 1.0) / (tf + norm);
                    let q = (1.0 + impact / (K1 + 1.0) * 14.999).clamp(1.0, 15.0) as u16;
                    let tlen = if s.title > 0 { title_len.min(7) } else { 0 };
                    let value = (s.best as u16) << SECTION_SHIFT | q << 3 | tlen;
                    let at = &mut next[*term as usize];
                    flat[*at as usize] = (id, value, s.title > 0 || s.heading > 0);
                    *at += 1;
                }
            }
            (start, flat)
        })
        .collect();
    // The pages' term lists are in the runs now.
    docs.par_iter_mut().for_each(|d| d.terms = Vec::new());
    // Each used term: its name, number and page count.
    let of_term = |t: usize| {
        runs.iter()
            .map(move |(start, flat)| &flat[start[t] as usize..start[t + 1] as usize])
    };
    let mut postings: Vec<(&str, usize, usize)> = (0..terms_n)
        .filter_map(|t| {
            let len: usize = of_term(t).map(<[Posting]>::len).sum();
            (len > 0).then(|| (name(t as u32), t, len))
        })
        .collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let df: HashMap<&str, usize> = postings.iter().map(|&(t, _, len)| (t, len)).collect();

    // Titles: each in the shard the client loads first when the query is
    // the page's title (`primary_words`), so that search needs one shard.
    let cards: Vec<String> = docs
        .par_iter()
        .enumerate()
        .map(|(id, d)| {
            let mut s = format!("[{id},");
            push_json_str(&mut s, &d.title);
            s.push(',');
            push_json_str(&mut s, &d.path);
            s.push(']');
            s
        })
        .collect();
    let primaries: Vec<Vec<String>> = docs.par_iter().map(|d| primary_words(&d.title)).collect();
    // Encoded terms and their sizes, grouped by key.
    let encoded: Vec<(&str, String)> = postings
        .par_iter()
        .map(|&(name, t, len)| (name, encode_postings(of_term(t), len, n)))
        .collect();
    let entry_size = |t: &str, p: &str| t.len() + p.len() + 6;
    let card_total: usize = cards.iter().map(|c| c.len() + 1).sum();
    let total: usize = encoded.iter().map(|(t, p)| entry_size(t, p)).sum::<usize>() + card_total;
    let shards = total.div_ceil(SHARD_BYTES).max(1);
    let split = crowded_prefixes(&encoded, &|t, p| entry_size(t, p), SHARD_BYTES);
    let shard_of = |t: &str| (fnv1a(key(t, &split)) % shards as u32) as usize;

    let mut shard_terms: Vec<Vec<usize>> = vec![Vec::new(); shards];
    let mut load: Vec<usize> = vec![0; shards];
    for (i, (t, p)) in encoded.iter().enumerate() {
        let k = shard_of(t);
        shard_terms[k].push(i);
        load[k] += entry_size(t, p);
    }
    // A term that is itself a crowded prefix (`apparat`) lives under its own
    // key, but words it is the stem of (`apparaten`) are looked up under
    // longer keys: those shards get a pointer (`"@<shard>"`) to it.
    let mut pointers: Vec<Vec<(&str, usize)>> = vec![Vec::new(); shards];
    {
        let keys: HashSet<&str> = encoded.iter().map(|(t, _)| key(t, &split)).collect();
        for (t, _) in encoded.iter().filter(|(t, _)| split.contains(*t)) {
            let home = shard_of(t);
            let mut targets: Vec<usize> = keys
                .iter()
                .filter(|k| k.len() > t.len() && k.starts_with(*t))
                .map(|k| (fnv1a(k) % shards as u32) as usize)
                .filter(|&k| k != home)
                .collect();
            targets.sort_unstable();
            targets.dedup();
            for k in targets {
                pointers[k].push((t, home));
                load[k] += t.len() + 10;
            }
        }
    }
    // Title homes: the shard of the title's first primary word, else of its
    // second (the client tries both), while the shard stays under
    // `CARD_ROOM`; else the lightest shard (a pointer in the first one).
    let mut shard_cards: Vec<Vec<u32>> = vec![Vec::new(); shards];
    let mut shard_pointers: Vec<Vec<String>> = vec![Vec::new(); shards];
    let mut by_load: std::collections::BinaryHeap<std::cmp::Reverse<(usize, usize)>> = load
        .iter()
        .enumerate()
        .map(|(k, &l)| std::cmp::Reverse((l, k)))
        .collect();
    let room = SHARD_BYTES * CARD_ROOM / 100;
    let mut elsewhere = 0;
    for (id, words) in primaries.iter().enumerate() {
        let size = cards[id].len() + 1;
        let k = match words
            .iter()
            .take(PRIMARY_TRIES)
            .map(|w| shard_of(w))
            .find(|&k| load[k] + size <= room)
        {
            Some(k) => k,
            // Every change of a shard's load pushes its new load: an
            // entry whose load is no longer the shard's is dropped.
            None => loop {
                let std::cmp::Reverse((l, k)) = by_load.pop().unwrap_or(std::cmp::Reverse((load[0], 0)));
                if l == load[k] {
                    elsewhere += 1;
                    break k;
                }
            },
        };
        load[k] += size;
        by_load.push(std::cmp::Reverse((load[k], k)));
        shard_cards[k].push(id as u32);
        // A card that found no room: its title and where it is, in the
        // shard the client tries first (a second request, not every word's).
        if !words.iter().take(PRIMARY_TRIES).any(|w| shard_of(w) == k) {
            if let Some(first) = words.first().map(|w| shard_of(w)) {
                let p = format!("[{id},{},{k}]", json_str(&docs[id].title));
                load[first] += p.len() + 1;
                by_load.push(std::cmp::Reverse((load[first], first)));
                shard_pointers[first].push(p);
            }
        }
    }

    // Shard `k`'s file: its terms and pointers to crowded-prefix terms,
    // its cards, and pointers to its titles' cards that live elsewhere.
    let shard_js = |k: usize| -> (String, String) {
        let mut js = String::with_capacity(load[k] + 64);
        let _ = write!(js, "polydocSearch(\"t{k}\",{{\"t\":[");
        for (j, &i) in shard_terms[k].iter().enumerate() {
            let (t, p) = &encoded[i];
            if j > 0 {
                js.push(',');
            }
            let _ = write!(js, "{},\"{p}\"", json_str(t));
        }
        for (j, (t, home)) in pointers[k].iter().enumerate() {
            if j > 0 || !shard_terms[k].is_empty() {
                js.push(',');
            }
            let _ = write!(js, "{},\"@{home}\"", json_str(t));
        }
        js.push_str("],\"c\":[");
        for (j, &c) in shard_cards[k].iter().enumerate() {
            if j > 0 {
                js.push(',');
            }
            js.push_str(&cards[c as usize]);
        }
        js.push_str("],\"p\":[");
        js.push_str(&shard_pointers[k].join(","));
        js.push_str("]});\n");
        (format!("t{k}.js"), js)
    };
    let mut files: Vec<(String, String)> = (0..shards).into_par_iter().map(shard_js).collect();
    // Each shard's words alone (three letters or more), space-separated:
    // what a typo's search reads in the shards the typo may have moved the
    // word from, before it loads the one shard that has the word.
    files.par_extend((0..shards).into_par_iter().map(|k| {
        let words: Vec<&str> = shard_terms[k]
            .iter()
            .map(|&i| encoded[i].0)
            .filter(|t| t.chars().count() >= 3 && !t.contains(char::is_whitespace))
            .collect();
        (
            format!("w{k}.js"),
            format!("polydocSearch(\"w{k}\",{});\n", json_str(&words.join(" "))),
        )
    }));
    let mut bytes: usize = files.iter().map(|(_, js)| js.len()).sum();

    // Result cards: one file a page.
    let mut card_count = 0;
    match cards_written {
        Some((n, b)) => {
            card_count = n;
            bytes += b;
        }
        None => {
            let card_files: Vec<(String, String)> = docs
                .par_iter()
                .enumerate()
                .map(|(id, d)| {
                    let js = card_file(id as u32, &d.title, &d.path, &d.sections, &d.text);
                    (format!("p{id}.js"), js)
                })
                .collect();
            bytes += card_files.iter().map(|(_, js)| js.len()).sum::<usize>();
            files.extend(card_files);
        }
    }

    // The commonest terms: the client skips them beside rarer query words.
    let mut common: Vec<(&str, usize)> = df
        .iter()
        .filter(|(_, &d)| d * 4 > n && n >= 20)
        .map(|(t, &d)| (*t, d))
        .collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut stop: Vec<&str> = Vec::new();
    let mut stop_bytes = 0;
    for (t, _) in common {
        if stop_bytes + t.len() + 3 > STOP_BYTES {
            break;
        }
        stop_bytes += t.len() + 3;
        stop.push(t);
    }
    let meta = serde_json::json!({
        "stop": stop,
        "v": FORMAT,
        "lang": analyzer.lang,
        "n": n,
        "k": shards,
        "split": split.iter().collect::<Vec<_>>(),
    });
    let meta_js = format!("polydocSearch(\"meta\",{meta});\n");
    let stats = IndexStats {
        pages: n,
        terms: encoded.len(),
        postings: postings.iter().map(|p| p.2).sum(),
        shards,
        files: files.len() + card_count + 1,
        bytes: bytes + meta_js.len(),
        meta_bytes: meta_js.len(),
        cards_elsewhere: elsewhere,
        compounds_ms,
        build_ms: started.elapsed().as_millis() as u64,
    };
    files.push(("meta.js".into(), meta_js));
    (files, stats)
}

/// How many of a title's primary words the client tries before it
/// searches every query word.
pub const PRIMARY_TRIES: usize = 3;
/// A shard takes cards until it is this much (percent) of `SHARD_BYTES`.
const CARD_ROOM: usize = 118;

/// The words of a title in the order the client tries them when the query
/// is that title (`primaryOrder` in search.js): the query words exactly as
/// the client derives them (Unicode words folded, or CJK bigrams), longest
/// first, ties in code point order.
pub fn primary_words(title: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_segmentation::UnicodeSegmentation;
    let mut words: Vec<String> = Vec::new();
    let mut rest = title;
    while let Some(first) = rest.chars().next() {
        let cjk = super::analyze::is_cjk(first);
        let end = rest
            .char_indices()
            .find(|&(_, c)| super::analyze::is_cjk(c) != cjk)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        if cjk {
            let chars: Vec<char> = run.nfkc().flat_map(char::to_lowercase).collect();
            if chars.len() == 1 {
                words.push(chars[0].to_string());
            }
            words.extend(chars.windows(2).map(|p| p.iter().collect::<String>()));
        } else {
            for w in run.unicode_words() {
                let f = super::analyze::fold(w);
                if !f.is_empty() && f.chars().count() <= super::analyze::MAX_WORD {
                    words.push(f);
                }
            }
        }
    }
    words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
    words.dedup();
    words
}

/// The shard key of a term: its first three characters, one more for each
/// crowded prefix it starts with.
pub fn key<'a>(term: &'a str, split: &HashSet<String>) -> &'a str {
    let mut n = 0;
    for (i, c) in term.char_indices() {
        let end = i + c.len_utf8();
        n += 1;
        if n >= 3 && (end == term.len() || !split.contains(&term[..end])) {
            return &term[..end];
        }
    }
    term
}

/// Longest shard key (crowded families split no further).
pub const MAX_KEY: usize = 16;

/// A term and its encoded postings.
type Encoded<'a> = (&'a str, String);

/// Prefixes whose terms alone would overflow a shard: their terms are keyed
/// by one more character (up to `MAX_KEY`). `encoded` is sorted by term, so
/// the terms under a prefix are one run: each round groups only the runs
/// of the prefixes the round before split.
fn crowded_prefixes(encoded: &[Encoded], size: &dyn Fn(&str, &str) -> usize, limit: usize) -> HashSet<String> {
    debug_assert!(encoded.windows(2).all(|w| w[0].0 <= w[1].0));
    let mut split = HashSet::default();
    let mut used = 0;
    let mut runs: Vec<&[Encoded]> = vec![encoded];
    for len in 3..MAX_KEY {
        // (key, bytes of its terms, its run) for keys of `len` characters.
        let mut crowded: Vec<(&str, usize, &[Encoded])> = Vec::new();
        for run in &runs {
            let mut i = 0;
            while i < run.len() {
                let Some(k) = char_prefix(run[i].0, len) else {
                    i += 1;
                    continue;
                };
                let mut j = i;
                let mut bytes = 0;
                while j < run.len() && run[j].0.starts_with(k) {
                    bytes += size(run[j].0, &run[j].1);
                    j += 1;
                }
                if bytes > limit {
                    crowded.push((k, bytes, &run[i..j]));
                }
                i = j;
            }
        }
        // Keep the list (it is in meta.js) within a fixed size whatever
        // the site size: the most crowded prefixes first.
        crowded.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut next = Vec::new();
        for (k, _, run) in crowded {
            if used + k.len() + 3 > SPLIT_BYTES {
                break;
            }
            used += k.len() + 3;
            split.insert(k.to_string());
            next.push(run);
        }
        if next.is_empty() {
            break;
        }
        runs = next;
    }
    split
}

/// The first `n` characters of `s`, if it has that many.
fn char_prefix(s: &str, n: usize) -> Option<&str> {
    match s.char_indices().nth(n) {
        Some((i, _)) => Some(&s[..i]),
        None => (s.chars().count() == n).then_some(s),
    }
}

/// FNV-1a over the Unicode scalar values (the client hashes the same way).
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in s.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `crowded_prefixes` by its definition: every round regroups every
    /// term by its current key.
    fn crowded_by_definition(encoded: &[Encoded], limit: usize) -> HashSet<String> {
        let mut split: HashSet<String> = HashSet::default();
        for len in 3..MAX_KEY {
            let mut groups: HashMap<&str, usize> = HashMap::default();
            for (t, p) in encoded {
                *groups.entry(key(t, &split)).or_default() += t.len() + p.len();
            }
            let mut crowded: Vec<(&str, usize)> = groups
                .into_iter()
                .filter(|(k, s)| *s > limit && k.chars().count() == len)
                .collect();
            crowded.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let before = split.len();
            let mut used: usize = split.iter().map(|k| k.len() + 3).sum();
            for (k, _) in crowded {
                if used + k.len() + 3 > SPLIT_BYTES {
                    break;
                }
                used += k.len() + 3;
                split.insert(k.to_string());
            }
            if split.len() == before {
                break;
            }
        }
        split
    }

    #[test]
    fn crowded_prefixes_match_their_definition() {
        // Families of every depth, multi-byte letters, terms that equal a
        // crowded prefix, and short terms.
        let mut terms: Vec<String> = vec!["ab".into(), "é".into(), "ver".into(), "verw".into()];
        let mut x: u32 = 7;
        for i in 0..4000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let stem = ["ver", "verwijder", "verwijderbaar", "gebruik", "géén", "新幹線", "aa"][i % 7];
            let tail: String = (0..(x >> 16) % 6)
                .map(|j| ['a', 'e', 'ö', 'n', 's', 'x'][((x >> j) % 6) as usize])
                .collect();
            terms.push(format!("{stem}{tail}"));
        }
        terms.sort();
        terms.dedup();
        let encoded: Vec<Encoded> = terms
            .iter()
            .map(|t| (t.as_str(), "p".repeat(t.len() % 9 + 1)))
            .collect();
        for limit in [40, 200, 1_000, 5_000] {
            let got = crowded_prefixes(&encoded, &|t, p| t.len() + p.len(), limit);
            assert_eq!(got, crowded_by_definition(&encoded, limit), "limit {limit}");
            if limit == 40 {
                assert!(got.iter().any(|k| k.chars().count() >= 9), "{got:?}");
            }
        }
    }

    #[test]
    fn keys_grow_for_crowded_prefixes() {
        let split: HashSet<String> = ["ver".to_string()].into_iter().collect();
        assert_eq!(key("verwijderen", &split), "verw");
        assert_eq!(key("vak", &split), "vak");
        assert_eq!(key("ver", &split), "ver");
        assert_eq!(key("新幹", &split), "新幹");
    }

    #[test]
    fn primary_words_are_longest_first() {
        assert_eq!(
            primary_words("Stap 1: Kioskmodus instellen voor C#-ontwikkelaars"),
            ["ontwikkelaars", "kioskmodus", "instellen", "stap", "voor", "1", "c"]
        );
        // Ties in code point order; duplicates once.
        assert_eq!(primary_words("beta alfa Beta"), ["alfa", "beta"]);
        assert_eq!(primary_words("東海道新幹線"), ["幹線", "新幹", "東海", "海道", "道新"]);
    }

    #[test]
    fn hash_matches_the_client() {
        // search.js: fnv1a("wac") must give the same.
        assert_eq!(fnv1a("wac"), 0x26e2_db22);
    }
}
