//! Analysing the indexed pages for search (`prepare_*`), each page's
//! analysis from the memo when its article did not change, its result card
//! handed on as soon as it is made: what `super::write` builds the
//! locale's index files from.

use super::*;

/// Every indexed page, analysed, and each locale's vocabulary.
pub struct Prepared {
    pub(super) docs: Vec<doc::Doc>,
    pub(super) vocab: Vec<doc::Vocab>,
    pub(super) strings: std::sync::Mutex<doc::Strings>,
    /// Time spent analysing, summed over threads.
    pub(super) nanos: u64,
    /// Per locale, the result cards already written and their bytes (by
    /// `prepare_memo` given somewhere to write them; empty: the cards are
    /// in the docs).
    pub(super) cards: Vec<(usize, usize)>,
    /// Per locale (empty: none), its index's statistics when the last
    /// build's index stays (`unchanged`): none of its pages is in `docs`.
    pub(super) skipped: Vec<Option<index::IndexStats>>,
    /// Per locale (empty: none), the key its index is remembered under.
    pub(super) index_keys: Vec<Option<[u8; 32]>>,
}

impl Prepared {
    /// Milliseconds spent analysing pages, summed over threads (the
    /// analysis runs beside rendering, so it has no wall time of its own).
    pub fn cpu_ms(&self) -> u64 {
        self.nanos / 1_000_000
    }
}

impl Prepared {
    /// The analysed pages, each locale's vocabulary (term numbers) and the
    /// strings they number (a shard's partial index is written from these).
    pub fn into_parts(self) -> (Vec<doc::Doc>, Vec<doc::Vocab>, doc::Strings) {
        let strings = self.strings.into_inner().unwrap_or_else(|e| e.into_inner());
        (self.docs, self.vocab, strings)
    }

    /// `into_parts` reversed (`merge` rebuilds a split locale's analysis).
    pub fn from_parts(docs: Vec<doc::Doc>, vocab: Vec<doc::Vocab>, strings: doc::Strings) -> Prepared {
        Prepared {
            docs,
            vocab,
            strings: std::sync::Mutex::new(strings),
            nanos: 0,
            cards: Vec::new(),
            skipped: Vec::new(),
            index_keys: Vec::new(),
        }
    }
}

/// Analyses every indexed page, in parallel (run beside rendering).
pub fn prepare_all(config: &Config, site: &Site, bodies: &crate::bodies::Bodies) -> Prepared {
    prepare_in(config, site, bodies, &|_| true)
}

/// `prepare_all`, for the pages `keep` takes (a shard's).
pub fn prepare_in(
    config: &Config,
    site: &Site,
    bodies: &crate::bodies::Bodies,
    keep: &(dyn Fn(&Page) -> bool + Sync),
) -> Prepared {
    prepare_memo(config, site, bodies, keep, None, None)
}

/// Where a page's result card goes as soon as the page is analysed (with
/// the key it is made under, in a build with the cache).
pub type Cards<'a> = &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync);

/// `prepare_in`, each page's analysis from `memo` when it has it. With
/// `cards` (a build, which writes files as they are made), each page's
/// result card is handed to `cards` as soon as the page is analysed and
/// its sections and prose are dropped, so they are not held until the
/// index is built (`write` then writes the rest of the index).
pub fn prepare_memo(
    config: &Config,
    site: &Site,
    bodies: &crate::bodies::Bodies,
    keep: &(dyn Fn(&Page) -> bool + Sync),
    memo: Option<&dyn Memo>,
    cards: Option<Cards>,
) -> Prepared {
    let never = std::sync::atomic::AtomicBool::new(false);
    prepare_with(config, site, bodies, keep, &never, (memo, cards)).unwrap_or_else(|| unreachable!("never cancelled"))
}

/// `prepare_memo` without cards, given up (`None`) as soon as `cancel` is
/// set: `serve` analyses the site again when edits pause (each page's
/// analysis from `memo` when its article did not change) and stops when
/// the next edit comes, so that edit is not kept waiting.
pub fn prepare_unless(
    config: &Config,
    site: &Site,
    bodies: &crate::bodies::Bodies,
    memo: Option<&dyn Memo>,
    cancel: &std::sync::atomic::AtomicBool,
) -> Option<Prepared> {
    prepare_with(config, site, bodies, &|_| true, cancel, (memo, None))
}

fn prepare_with(
    config: &Config,
    site: &Site,
    bodies: &crate::bodies::Bodies,
    keep: &(dyn Fn(&Page) -> bool + Sync),
    cancel: &std::sync::atomic::AtomicBool,
    (memo, cards): (Option<&dyn Memo>, Option<Cards>),
) -> Option<Prepared> {
    let cancelled = || cancel.load(std::sync::atomic::Ordering::Relaxed);
    let vocab: Vec<doc::Vocab> = config.locales.iter().map(|_| Default::default()).collect();
    if !config.search.enabled {
        return Some(Prepared {
            docs: Vec::new(),
            vocab,
            strings: Default::default(),
            nanos: 0,
            cards: Vec::new(),
            skipped: Vec::new(),
            index_keys: Vec::new(),
        });
    }
    let analyzers: Vec<Analyzer> = config.locales.iter().map(|l| Analyzer::new(&l.lang)).collect();
    let strings = std::sync::Mutex::new(doc::Strings::default());
    let nanos = std::sync::atomic::AtomicU64::new(0);
    // A page's path inside its locale's folder.
    let path_of = |p: &Page| -> String {
        let code = &config.locales[p.locale].code;
        p.url
            .strip_prefix(code.as_str())
            .unwrap_or(&p.url)
            .trim_start_matches('/')
            .to_string()
    };
    let mut pages: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| keep(p) && indexed(config, site, p))
        .collect();
    // Each page's path in its locale, made once (a page's card, its
    // card's key and its analysis all name it).
    let mut paths: Vec<String> = pages.par_iter().map(|p| path_of(p)).collect();
    // Each page's analysis key (with `memo`).
    let mut keys: Vec<Option<[u8; 32]>> = match memo {
        Some(m) => pages
            .par_iter()
            .map(|p| m.key(p.article, &analyzers[site.articles[p.article].locale].lang))
            .collect(),
        None => Vec::new(),
    };
    let n_locales = config.locales.len();
    // A build (`cards`) with the cache: the locales whose index the output
    // folder holds as it would be made now are left alone (`unchanged`).
    let mut skipped: Vec<Option<index::IndexStats>> = vec![None; n_locales];
    let mut index_keys: Vec<Option<[u8; 32]>> = vec![None; n_locales];
    // Terms records read beside the output folder's check (`memo::Terms`).
    let mut read_early: Vec<Option<memo::Terms>> = Vec::new();
    if let (Some(m), Some(_)) = (memo, cards) {
        let mut candidates: Vec<(usize, unchanged::Candidate)> = Vec::new();
        for li in 0..n_locales {
            let mine = || pages.iter().enumerate().filter(|(_, p)| p.locale == li);
            let entries: Option<Vec<unchanged::Entry>> = mine()
                .map(|(i, p)| {
                    Some(unchanged::Entry {
                        path: &paths[i],
                        key: keys[i]?,
                        own: site.articles[p.article].locale == li,
                    })
                })
                .collect();
            let Some(entries) = entries else { continue };
            let locale = (config.locales[li].code.as_str(), analyzers[li].lang.as_str());
            let candidate;
            (index_keys[li], candidate) = unchanged::stored(m, locale, entries);
            candidates.extend(candidate.map(|c| (li, c)));
        }
        // The terms records the locales built again certainly need are
        // read while the others' files are looked for in the output folder
        // (which waits for the output check).
        let mut early = vec![false; n_locales];
        for p in &pages {
            if !candidates.iter().any(|(li, _)| *li == p.locale) {
                early[site.articles[p.article].locale] = true;
            }
        }
        let kept: Vec<(usize, Option<index::IndexStats>)>;
        (kept, read_early) = rayon::join(
            || {
                candidates
                    .into_iter()
                    .map(|(li, c)| (li, unchanged::keep(m, c)))
                    .collect()
            },
            || {
                (0..n_locales)
                    .into_par_iter()
                    .map(|li| early[li].then(|| memo::Terms::read(m, &config.locales[li].code)))
                    .collect()
            },
        );
        for (li, stats) in kept {
            skipped[li] = stats;
        }
        if skipped.iter().any(Option::is_some) {
            let live: std::collections::HashSet<usize> = pages
                .iter()
                .filter(|p| skipped[p.locale].is_none())
                .map(|p| p.article)
                .collect();
            // The analyses of articles only skipped pages show are found
            // (they are what the locale's key was made from).
            let mut found = std::collections::HashSet::new();
            for p in pages.iter().filter(|p| skipped[p.locale].is_some()) {
                if !live.contains(&p.article) && found.insert(p.article) {
                    m.count(true);
                }
            }
            let mut k = pages.iter().map(|p| skipped[p.locale].is_none());
            paths.retain(|_| k.next() == Some(true));
            (pages, keys) = pages
                .into_iter()
                .zip(keys)
                .filter(|(p, _)| skipped[p.locale].is_none())
                .unzip();
        }
    }
    // Each article is analysed once: the fallback pages that show a source
    // article in other locales copy its analysis (same text, same language).
    // (By article, in lists as long as the site's articles: no map.)
    let mut first: Vec<usize> = vec![usize::MAX; site.articles.len()];
    for (i, p) in pages.iter().enumerate().rev() {
        first[p.article] = i;
    }
    // With `cards`: each page's card number (its place in its locale's
    // pages by path, as `index::build_locale` orders them: the copies
    // first, then the pages analysed, sorted stably), and the pages that
    // show each analysed article (its card is written for each of them).
    let (card_ids, showing) = match cards {
        Some(_) => {
            let mut order: Vec<usize> = (0..pages.len()).filter(|&i| first[pages[i].article] != i).collect();
            order.extend((0..pages.len()).filter(|&i| first[pages[i].article] == i));
            let mut ids = vec![0u32; pages.len()];
            for li in 0..config.locales.len() {
                let mut mine: Vec<(&str, usize)> = order
                    .iter()
                    .filter(|&&i| pages[i].locale == li)
                    .map(|&i| (paths[i].as_str(), i))
                    .collect();
                mine.sort_by(|a, b| a.0.cmp(b.0));
                for (id, (_, i)) in mine.into_iter().enumerate() {
                    ids[i] = id as u32;
                }
            }
            (ids, Showing::new(&pages, site.articles.len()))
        }
        None => Default::default(),
    };
    let card_counts: Vec<(std::sync::atomic::AtomicUsize, std::sync::atomic::AtomicUsize)> =
        config.locales.iter().map(|_| Default::default()).collect();
    let count_card = |locale: usize, len: usize| {
        let (n, bytes) = &card_counts[locale];
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
    };
    let card_path = |j: usize| {
        format!(
            "{}p{}.js",
            index_dir(&config.locales[pages[j].locale].code),
            card_ids[j]
        )
    };
    // Writes the cards of the pages showing `d`'s article (with `key`,
    // each under its card key, unless the output folder holds it so),
    // then drops what only they needed.
    let write_cards = |mut d: doc::Doc, article: usize, key: Option<&[u8; 32]>, kept: &[usize]| -> doc::Doc {
        let Some(cards) = cards else { return d };
        for j in showing.of(article).filter(|j| !kept.contains(j)) {
            let id = card_ids[j];
            let path = card_path(j);
            let page = &paths[j];
            let card_key = memo.zip(key).map(|(m, k)| m.card_key(k, (&path, page), id));
            let js = card::card_file(id, &d.title, page, &d.sections, &d.text);
            count_card(pages[j].locale, js.len());
            cards(
                OutFile {
                    path,
                    content: Content::Bytes(js.into_bytes()),
                },
                card_key,
            );
        }
        d.sections = Vec::new();
        d.text = String::new();
        d
    };
    // The terms of every article the last build analysed (`memo`), a
    // record per article's locale, read once: those of the locales not
    // skipped, and of the articles their pages show.
    let mut wanted: Vec<bool> = skipped.iter().map(Option::is_none).collect();
    for p in &pages {
        wanted[site.articles[p.article].locale] = true;
    }
    read_early.resize_with(n_locales, || None);
    let records: Vec<memo::Terms> = read_early
        .into_par_iter()
        .enumerate()
        .map(|(li, early)| match memo.filter(|_| wanted[li]) {
            Some(m) => early.unwrap_or_else(|| memo::Terms::read(m, &config.locales[li].code)),
            None => memo::Terms::default(),
        })
        .collect();
    // A remembered page: its terms from the record; its card text only
    // when a card must be written (else its cards stay in place) or the
    // docs keep it (no `cards`: a shard), with whether its card text is
    // to be kept unread (all its cards in place: kept after, all under one
    // lock). `Err`: to be analysed afresh, with the pages whose cards
    // stayed in place (counted).
    type Recalled = (doc::Doc, memo::Kept, bool);
    let recall = |m: &dyn Memo, key: &[u8; 32], i: usize, vocab: &doc::Vocab| -> Result<Recalled, Vec<usize>> {
        let p = pages[i];
        let Some((mut d, kept)) =
            records[site.articles[p.article].locale].recall(key, (p.locale, paths[i].clone()), vocab, &strings)
        else {
            return Err(Vec::new());
        };
        let text = |d: &mut doc::Doc| m.text(key).and_then(|t| memo::decode_text(&t, d));
        let Some(cards) = cards else {
            return text(&mut d).map(|()| (d, kept, false)).ok_or_else(Vec::new);
        };
        let (mut left, mut stayed) = (Vec::new(), Vec::new());
        for j in showing.of(p.article) {
            let (path, page) = (card_path(j), paths[j].as_str());
            let card_key = m.card_key(key, (&path, page), card_ids[j]);
            if m.card_in_place(&path, &card_key) {
                count_card(pages[j].locale, card::card_file_len(kept.card_len, page, card_ids[j]));
                stayed.push(j);
            } else {
                left.push((j, path, card_key));
            }
        }
        if left.is_empty() {
            return Ok((d, kept, true));
        }
        if text(&mut d).is_none() {
            return Err(stayed);
        }
        for (j, path, card_key) in left {
            let js = card::card_file(card_ids[j], &d.title, &paths[j], &d.sections, &d.text);
            count_card(pages[j].locale, js.len());
            cards(
                OutFile {
                    path,
                    content: Content::Bytes(js.into_bytes()),
                },
                Some(card_key),
            );
        }
        d.sections = Vec::new();
        d.text = String::new();
        Ok((d, kept, false))
    };
    // (A recalled page whose card text is kept unread: `keep` set.)
    type Analysed = Option<(doc::Doc, Option<([u8; 32], memo::Kept)>, bool)>;
    let analysed: Vec<Analysed> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            if first[p.article] != i || cancelled() {
                return None;
            }
            let a = &site.articles[p.article];
            let started = std::time::Instant::now();
            let key = memo.and_then(|m| Some((m, keys[i]?)));
            let done = |d: doc::Doc, kept: Option<([u8; 32], memo::Kept)>, keep: bool| {
                nanos.fetch_add(
                    started.elapsed().as_nanos() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                Some((d, kept, keep))
            };
            let mut stayed = Vec::new();
            if let Some((m, k)) = key {
                let found = recall(m, &k, i, &vocab[a.locale]);
                m.count(found.is_ok());
                match found {
                    Ok((d, kept, keep)) => return done(d, Some((k, kept)), keep),
                    Err(s) => stayed = s,
                }
            }
            // Unreadable here, the page's own rendering reports it.
            let html = bodies.html(&site.articles, p.article).unwrap_or_default();
            let mut words = Vec::new();
            let d = doc::analyze_page_with(
                &analyzers[a.locale],
                (p.locale, &paths[i], &a.title, &html),
                &vocab[a.locale],
                &strings,
                key.is_some().then_some(&mut words),
            );
            let kept = key.map(|(m, k)| {
                m.put_text(&k, &memo::encode_text(&d));
                let kept = memo::Kept {
                    words: memo::distinct(words),
                    card_len: card::card_json(&d.title, "", &d.sections, &d.text).len(),
                };
                (k, kept)
            });
            let d = write_cards(d, p.article, kept.as_ref().map(|(k, _)| k), &stayed);
            done(d, kept, false)
        })
        .collect();
    if cancelled() {
        return None;
    }
    // The records for the next build, of each locale whose articles are
    // not the last's. A skipped locale's stay: they hold every article of
    // the locale still (the pages of other locales that show some of them
    // found them there).
    if let Some(m) = memo {
        let mut listed: Vec<Vec<memo::Listed>> = vec![Vec::new(); n_locales];
        let mut per_locale = vec![0usize; n_locales];
        for i in (0..pages.len()).filter(|&i| analysed[i].is_some()) {
            per_locale[site.articles[pages[i].article].locale] += 1;
        }
        for (list, &n) in listed.iter_mut().zip(&per_locale) {
            list.reserve_exact(n);
        }
        let mut keep_texts: Vec<[u8; 32]> = Vec::new();
        for (i, a) in analysed.iter().enumerate() {
            if let Some((d, Some((k, kept)), keep)) = a {
                listed[site.articles[pages[i].article].locale].push((k, d, kept));
                if *keep {
                    keep_texts.push(*k);
                }
            }
        }
        let strings = strings.lock().unwrap_or_else(|e| e.into_inner());
        let strings: &doc::Strings = &strings;
        rayon::join(
            || m.keep_texts(&keep_texts),
            || {
                records
                    .into_par_iter()
                    .zip(listed)
                    .enumerate()
                    .filter(|(li, _)| skipped[*li].is_none())
                    .for_each(|(li, (terms, listed))| terms.write(m, &config.locales[li].code, &listed, strings))
            },
        );
    } else {
        drop(records);
    }
    // The copies first, then the pages analysed (taken out of `analysed`
    // where they lie: an in-place collect, no fresh list of them all).
    let mut copies: Vec<doc::Doc> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let j = first[p.article];
        if let (true, Some((d, _, _))) = (i != j, &analysed[j]) {
            let mut copy = d.clone();
            copy.locale = p.locale;
            copy.path = std::mem::take(&mut paths[i]);
            copies.push(copy);
        }
    }
    let analysed: Vec<doc::Doc> = analysed.into_iter().filter_map(|a| a.map(|(d, _, _)| d)).collect();
    let docs = if copies.is_empty() {
        analysed
    } else {
        copies.extend(analysed);
        copies
    };
    Some(Prepared {
        docs,
        vocab,
        strings,
        nanos: nanos.into_inner(),
        cards: match cards {
            Some(_) => card_counts
                .into_iter()
                .map(|(n, bytes)| (n.into_inner(), bytes.into_inner()))
                .collect(),
            None => Vec::new(),
        },
        skipped,
        index_keys,
    })
}

/// The pages that show each article (by index into the pages), as one
/// list in article order with where each article's part starts: no list
/// (nor map entry) of its own for each of 20,000 articles.
#[derive(Default)]
struct Showing {
    start: Vec<u32>,
    pages: Vec<u32>,
}

impl Showing {
    fn new(pages: &[&Page], articles: usize) -> Showing {
        let (pages, start) =
            crate::counting_sort::counting_sort(pages.len(), articles, 0..pages.len(), |i| pages[i].article);
        Showing { start, pages }
    }

    fn of(&self, article: usize) -> impl Iterator<Item = usize> + '_ {
        let part = match (self.start.get(article), self.start.get(article + 1)) {
            (Some(&a), Some(&b)) => &self.pages[a as usize..b as usize],
            _ => &[],
        };
        part.iter().map(|&i| i as usize)
    }
}
