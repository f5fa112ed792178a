//! Compound parts: the stems of the parts of long words (`modus` in
//! `kioskmodus`) added to each page's terms, split against the words its
//! locale's pages use, so a search for a part finds the compound.

use super::analyze::Analyzer;
use super::doc::{Doc, Stat, Strings};
use super::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use rayon::prelude::*;

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
    // Every long word of the locale, in number order.
    let mut seen = vec![false; strings.list.len()];
    for d in docs.iter().filter(|d| d.lang == lang) {
        for (w, _) in &d.long_words {
            seen[*w as usize] = true;
        }
    }
    let long: Vec<u32> = (0..seen.len() as u32).filter(|&w| seen[w as usize]).collect();
    // Productive tails: a word that ends several compounds after a known
    // head is a part even if the site never writes it alone.
    let tails: HashMap<&str, u32> = long
        .par_iter()
        .fold(HashMap::default, |mut tails: HashMap<&str, u32>, &w| {
            let w: &str = &strings.list[w as usize];
            let idx: Vec<usize> = w.char_indices().map(|(i, _)| i).collect();
            for h in MIN_PART..idx.len().saturating_sub(MIN_PART) {
                if vocab.contains(&w[..idx[h]]) {
                    *tails.entry(&w[idx[h]..]).or_default() += 1;
                }
            }
            tails
        })
        .reduce(HashMap::default, |mut a, b| {
            for (k, n) in b {
                *a.entry(k).or_default() += n;
            }
            a
        });
    let base = strings.list.len() as u32;
    let mut extra_ids: HashMap<String, u32> = HashMap::default();
    // Each long word's parts: a range of `part_ids`.
    let mut parts: Vec<(u32, u32)> = vec![(0, 0); base as usize];
    let mut part_ids: Vec<u32> = Vec::new();
    // The stems of each long word's parts, found in parallel.
    // (Parts recur across compounds: each thread stems a part once.)
    let stems: Vec<Vec<String>> = long
        .par_iter()
        .map_init(HashMap::<String, String>::default, |stemmed, &wid| {
            let w: &str = &strings.list[wid as usize];
            let known = |x: &str| x != w && (vocab.contains(x) || tails.get(x).is_some_and(|&n| n >= PRODUCTIVE_TAIL));
            split_compound(w, lang, &known)
                .into_iter()
                .map(|p| match stemmed.get(&p) {
                    Some(stem) => stem.clone(),
                    None => {
                        let stem = analyzer.stem(&p);
                        stemmed.insert(p, stem.clone());
                        stem
                    }
                })
                .collect()
        })
        .collect();
    for (&wid, stems) in long.iter().zip(stems) {
        let start = part_ids.len() as u32;
        for stem in stems {
            part_ids.push(match strings.ids.get(stem.as_str()) {
                Some(&i) => i,
                None => *extra_ids.entry(stem.clone()).or_insert_with(|| {
                    extra.push(stem);
                    base + extra.len() as u32 - 1
                }),
            });
        }
        parts[wid as usize] = (start, part_ids.len() as u32 - start);
    }
    let parts_of = |w: &u32| {
        let (start, n) = parts[*w as usize];
        &part_ids[start as usize..(start + n) as usize]
    };
    // Pages in parallel, in chunks; `at`: where each term is in the page's
    // list (`NONE` when not there), one per chunk (rayon would make one per
    // split of a plain parallel iterator: thousands of site-sized arrays).
    const NONE: u32 = u32::MAX;
    let terms = base as usize + extra.len();
    docs.par_chunks_mut(512).for_each(|chunk| {
        let at = &mut vec![NONE; terms];
        for d in chunk.iter_mut().filter(|d| d.lang == lang) {
            let long = std::mem::take(&mut d.long_words);
            if long.iter().all(|(w, _)| parts_of(w).is_empty()) {
                continue;
            }
            for (i, (t, _)) in d.terms.iter().enumerate() {
                at[*t as usize] = i as u32;
            }
            // In the order of `long_words` (it decides ties).
            for (w, s) in &long {
                for &p in parts_of(w) {
                    match at[p as usize] {
                        NONE => {
                            at[p as usize] = d.terms.len() as u32;
                            let mut stat = Stat::default();
                            stat.merge(s);
                            d.terms.push((p, stat));
                        }
                        i => d.terms[i as usize].1.merge(s),
                    }
                }
            }
            for (t, _) in &d.terms {
                at[*t as usize] = NONE;
            }
        }
    });
}

/// Compounds a tail must end (after a known head) to count as a word.
const PRODUCTIVE_TAIL: u32 = 3;

/// Linking morphemes allowed between compound parts (`beleid-s-regel`,
/// `Arbeit-s-platz`, `boek-en-kast`).
fn linkers(lang: &str) -> &'static [&'static str] {
    match lang {
        "nl" | "af" => &["s", "en", "e"],
        "de" => &["s", "es", "en", "n", "e", "er"],
        "da" | "nb" | "nn" | "no" | "sv" => &["s", "e"],
        _ => &[],
    }
}

/// Shortest compound part.
pub const MIN_PART: usize = 3;

/// The parts of a compound `word` (folded), each a word of `known`:
/// `kioskmodus` -> [`kiosk`, `modus`], `wachtwoordbeleid` ->
/// [`wachtwoord`, `beleid`, `wacht`, `woord`]. Empty when the word is
/// not a compound of known words. Prefers the longest head, so parts
/// that are themselves compounds are split again.
pub fn split_compound(word: &str, lang: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    split_into(word, lang, known, &mut out, 0);
    out
}

fn split_into(word: &str, lang: &str, known: &dyn Fn(&str) -> bool, out: &mut Vec<String>, depth: usize) {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    if chars.len() < 2 * MIN_PART || depth > 3 {
        return;
    }
    // Longest head first: `wachtwoord|beleid` before `wacht|woordbeleid`.
    for h in (MIN_PART..=chars.len() - MIN_PART).rev() {
        let head = &word[..chars[h].0];
        if !known(head) {
            continue;
        }
        let rest = &word[chars[h].0..];
        let tails = std::iter::once(rest).chain(
            linkers(lang)
                .iter()
                .filter_map(|l| rest.strip_prefix(l))
                .filter(|t| t.chars().count() >= MIN_PART),
        );
        for tail in tails {
            let tail_ok = known(tail) || {
                let mut sub = Vec::new();
                split_into(tail, lang, known, &mut sub, depth + 1);
                !sub.is_empty()
            };
            if tail_ok {
                for p in [head, tail] {
                    if !out.iter().any(|o| o == p) {
                        out.push(p.to_string());
                    }
                }
                for p in [head, tail] {
                    split_into(p, lang, known, out, depth + 1);
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_split_against_known_words() {
        let vocab: HashSet<&str> = ["kiosk", "modus", "wachtwoord", "wacht", "woord", "beleid", "regel"]
            .into_iter()
            .collect();
        let known = |w: &str| vocab.contains(w);
        assert_eq!(split_compound("kioskmodus", "nl", &known), vec!["kiosk", "modus"]);
        let parts = split_compound("wachtwoordbeleid", "nl", &known);
        assert_eq!(&parts[..2], ["wachtwoord", "beleid"]);
        assert!(parts.contains(&"woord".to_string()));
        // Linking -s-.
        assert_eq!(split_compound("beleidsregel", "nl", &known), vec!["beleid", "regel"]);
        assert!(split_compound("kiosken", "nl", &known).is_empty());
        assert!(split_compound("modus", "nl", &known).is_empty());
    }
}
