//! Search: a per-locale full-text index written with the site and searched
//! in the browser by `themes/default/static/js/search.js` (no server, works
//! from `file://`).
//!
//! `analyze` turns text into terms per language; `extract` turns a page's
//! article HTML into sections of plain text; `index` builds each locale's
//! sharded index files from the analysed pages. This module decides which
//! pages are indexed and hands the files to the output plan.

pub mod analyze;
pub mod doc;
pub mod extract;
pub(crate) mod fxhash;
pub mod index;

use crate::config::Config;
use crate::output::{Content, OutFile};
use crate::pages::PageOutput;
use crate::render::{common_context, Theme};
use crate::site::{Page, Site};
use analyze::Analyzer;
use rayon::prelude::*;
use serde_json::json;

/// Where a locale's index lives, relative to the output root.
pub fn index_dir(locale_code: &str) -> String {
    format!("_search/{locale_code}/")
}

/// Whether `page` goes into its locale's index.
pub fn indexed(config: &Config, site: &Site, page: &Page) -> bool {
    let s = &config.search;
    let article = &site.articles[page.article];
    s.enabled
        && (s.index_noindex || !article.fm.noindex())
        && !s
            .exclude
            .iter()
            .any(|x| !x.is_empty() && page.rel.starts_with(x.as_str()))
}

/// Every indexed page, analysed, and each locale's vocabulary.
pub struct Prepared {
    docs: Vec<doc::Doc>,
    vocab: Vec<doc::Vocab>,
    strings: std::sync::Mutex<doc::Strings>,
    /// Time spent analysing, summed over threads.
    nanos: u64,
    /// Per locale, the result cards already written and their bytes (by
    /// `prepare_memo` given somewhere to write them; empty: the cards are
    /// in the docs).
    cards: Vec<(usize, usize)>,
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
        }
    }
}

/// Pages analysed by earlier builds (`build --cache`), by article and the
/// language it is analysed in: the store checks that the article (its title
/// and HTML) and polydoc are the same.
pub trait Memo: Sync {
    fn get(&self, article: usize, lang: &str) -> Option<Vec<u8>>;
    fn put(&self, article: usize, lang: &str, value: &[u8]);
}

/// An analysed page as remembered (`Memo`), in a compact binary form
/// (strings length-prefixed): title, sections, deflated prose, language,
/// terms and long words as words with their stats, weighted length, title
/// terms, and the words it adds to its locale's vocabulary (what compounds
/// are split against).
fn remember(d: &doc::Doc, words: &[u32], strings: &std::sync::Mutex<doc::Strings>) -> Vec<u8> {
    fn str(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let mut out = Vec::with_capacity(d.text.len() + 64 * d.terms.len() + 1024);
    str(&mut out, &d.title);
    out.extend_from_slice(&(d.sections.len() as u32).to_le_bytes());
    for (id, heading, excerpt) in &d.sections {
        str(&mut out, id);
        str(&mut out, heading);
        str(&mut out, excerpt);
    }
    str(&mut out, &d.text);
    str(&mut out, &d.lang);
    out.extend_from_slice(&d.len.to_le_bytes());
    out.extend_from_slice(&d.title_terms.to_le_bytes());
    let s = strings.lock().unwrap_or_else(|e| e.into_inner());
    for list in [&d.terms, &d.long_words] {
        out.extend_from_slice(&(list.len() as u32).to_le_bytes());
        for (t, st) in list.iter() {
            str(&mut out, &s.list[*t as usize]);
            out.extend_from_slice(&[st.title, st.best]);
            for n in [st.heading, st.body, st.best_w] {
                out.extend_from_slice(&n.to_le_bytes());
            }
        }
    }
    out.extend_from_slice(&(words.len() as u32).to_le_bytes());
    for w in words {
        str(&mut out, &s.list[*w as usize]);
    }
    out
}

/// Reads `remember`'s bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
    /// A count of items each at least `min` bytes long (so a damaged count
    /// cannot ask for more than the bytes hold).
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.0.len()).then_some(n)
    }
}

fn recall(
    bytes: &[u8],
    (locale, path): (usize, String),
    vocab: &doc::Vocab,
    strings: &std::sync::Mutex<doc::Strings>,
) -> Option<doc::Doc> {
    let mut r = Reader(bytes);
    let title = r.str()?.to_string();
    let n = r.count(12)?;
    let mut sections = Vec::with_capacity(n);
    for _ in 0..n {
        sections.push((r.str()?.to_string(), r.str()?.to_string(), r.str()?.to_string()));
    }
    let text = r.str()?.to_string();
    let lang = r.str()?.to_string();
    let len = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let title_terms = r.u16()?;
    // Words first, numbered under the lock once the page is read whole.
    let mut lists: [Vec<(&str, doc::Stat)>; 2] = [Vec::new(), Vec::new()];
    for list in &mut lists {
        let n = r.count(12)?;
        list.reserve(n);
        for _ in 0..n {
            let w = r.str()?;
            let b = r.take(2)?;
            let stat = doc::Stat {
                title: b[0],
                best: b[1],
                heading: r.u16()?,
                body: r.u16()?,
                best_w: r.u16()?,
            };
            list.push((w, stat));
        }
    }
    let n = r.count(4)?;
    let words: Vec<&str> = (0..n).map(|_| r.str()).collect::<Option<_>>()?;
    if !r.0.is_empty() {
        return None;
    }
    let mut s = strings.lock().unwrap_or_else(|e| e.into_inner());
    let [terms, long_words] = lists.map(|l| l.iter().map(|(w, st)| (s.intern(w), *st)).collect());
    let ids: Vec<u32> = words.iter().map(|w| s.intern(w)).collect();
    drop(s);
    vocab.add(ids);
    Some(doc::Doc {
        locale,
        path,
        title,
        sections,
        text,
        lang,
        terms,
        long_words,
        len,
        title_terms,
    })
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

/// Where a page's result card goes as soon as the page is analysed.
pub type Cards<'a> = &'a (dyn Fn(OutFile) + Sync);

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

/// `prepare_in`, given up (`None`) as soon as `cancel` is set: `serve`
/// analyses the site again when edits pause and stops when the next edit
/// comes, so that edit is not kept waiting.
pub fn prepare_unless(
    config: &Config,
    site: &Site,
    bodies: &crate::bodies::Bodies,
    keep: &(dyn Fn(&Page) -> bool + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Option<Prepared> {
    prepare_with(config, site, bodies, keep, cancel, (None, None))
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
    let pages: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| keep(p) && indexed(config, site, p))
        .collect();
    // Each article is analysed once: the fallback pages that show a source
    // article in other locales copy its analysis (same text, same language).
    let mut first: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        first.entry(p.article).or_insert(i);
    }
    // With `cards`: each page's card number (its place in its locale's
    // pages by path, as `index::build_locale` orders them: the copies
    // first, then the pages analysed, sorted stably), and the pages that
    // show each analysed article (its card is written for each of them).
    let (card_ids, showing) = match cards {
        Some(_) => {
            let mut order: Vec<usize> = (0..pages.len()).filter(|&i| first[&pages[i].article] != i).collect();
            order.extend((0..pages.len()).filter(|&i| first[&pages[i].article] == i));
            let mut ids = vec![0u32; pages.len()];
            for li in 0..config.locales.len() {
                let mut mine: Vec<(String, usize)> = order
                    .iter()
                    .filter(|&&i| pages[i].locale == li)
                    .map(|&i| (path_of(pages[i]), i))
                    .collect();
                mine.sort_by(|a, b| a.0.cmp(&b.0));
                for (id, (_, i)) in mine.into_iter().enumerate() {
                    ids[i] = id as u32;
                }
            }
            let mut showing: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
            for (i, p) in pages.iter().enumerate() {
                showing.entry(p.article).or_default().push(i);
            }
            (ids, showing)
        }
        None => Default::default(),
    };
    let card_counts: Vec<(std::sync::atomic::AtomicUsize, std::sync::atomic::AtomicUsize)> =
        config.locales.iter().map(|_| Default::default()).collect();
    // Writes the cards of the pages showing `d`'s article, then drops
    // what only they needed.
    let write_cards = |mut d: doc::Doc, article: usize| -> doc::Doc {
        let Some(cards) = cards else { return d };
        for &j in &showing[&article] {
            let id = card_ids[j];
            let js = format!(
                "polydocSearch(\"p{id}\",{});\n",
                index::card_json(&d.title, &path_of(pages[j]), &d.sections, &d.text)
            );
            let (n, bytes) = &card_counts[pages[j].locale];
            n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            bytes.fetch_add(js.len(), std::sync::atomic::Ordering::Relaxed);
            cards(OutFile {
                path: format!("{}p{id}.js", index_dir(&config.locales[pages[j].locale].code)),
                content: Content::Bytes(js.into_bytes()),
            });
        }
        d.sections = Vec::new();
        d.text = String::new();
        d
    };
    let analysed: Vec<Option<doc::Doc>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            if first[&p.article] != i || cancelled() {
                return None;
            }
            let a = &site.articles[p.article];
            let started = std::time::Instant::now();
            let lang = &analyzers[a.locale].lang;
            let remembered = memo
                .and_then(|m| m.get(p.article, lang))
                .and_then(|b| recall(&b, (p.locale, path_of(p)), &vocab[a.locale], &strings));
            if let Some(d) = remembered {
                nanos.fetch_add(
                    started.elapsed().as_nanos() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                return Some(write_cards(d, p.article));
            }
            // Unreadable here, the page's own rendering reports it.
            let html = bodies.html(&site.articles, p.article).unwrap_or_default();
            let mut words = Vec::new();
            let d = doc::analyze_page_with(
                &analyzers[a.locale],
                (p.locale, &path_of(p), &a.title, &html),
                &vocab[a.locale],
                &strings,
                memo.is_some().then_some(&mut words),
            );
            if let Some(m) = memo {
                m.put(p.article, lang, &remember(&d, &words, &strings));
            }
            nanos.fetch_add(
                started.elapsed().as_nanos() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            Some(write_cards(d, p.article))
        })
        .collect();
    if cancelled() {
        return None;
    }
    let mut docs: Vec<doc::Doc> = Vec::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        let j = first[&p.article];
        if let (true, Some(d)) = (i != j, &analysed[j]) {
            let mut copy = d.clone();
            copy.locale = p.locale;
            copy.path = path_of(p);
            docs.push(copy);
        }
    }
    docs.extend(analysed.into_iter().flatten());
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
    })
}

/// Builds every locale's index and its search page into `files`.
pub fn write(
    config: &Config,
    theme: &Theme,
    prepared: Prepared,
    files: &mut Vec<OutFile>,
) -> Result<Vec<index::IndexStats>, String> {
    write_for(config, theme, prepared, files, &|_| true)
}

/// `write`, for the locales `locales` takes only (a shard's or a merge's).
pub fn write_for(
    config: &Config,
    theme: &Theme,
    prepared: Prepared,
    files: &mut Vec<OutFile>,
    locales: &(dyn Fn(usize) -> bool + Sync),
) -> Result<Vec<index::IndexStats>, String> {
    if !config.search.enabled {
        return Ok(Vec::new());
    }
    let mut by_locale: Vec<Vec<doc::Doc>> = config.locales.iter().map(|_| Vec::new()).collect();
    for d in prepared.docs {
        by_locale[d.locale].push(d);
    }
    let strings = prepared.strings.into_inner().unwrap_or_else(|e| e.into_inner());
    let cards = &prepared.cards;
    type Built = (usize, (Vec<(String, String)>, index::IndexStats));
    let built: Vec<Built> = by_locale
        .into_par_iter()
        .zip(prepared.vocab.into_par_iter())
        .enumerate()
        .filter(|(li, _)| locales(*li))
        .map(|(li, (docs, vocab))| {
            let vocab = doc::vocab_words(vocab, &strings);
            (
                li,
                index::build_locale(
                    docs,
                    &Analyzer::new(&config.locales[li].lang),
                    &vocab,
                    &strings,
                    cards.get(li).copied(),
                ),
            )
        })
        .collect();
    let mut stats = Vec::new();
    for (li, (locale_files, s)) in built {
        let dir = index_dir(&config.locales[li].code);
        for (name, js) in locale_files {
            files.push(OutFile {
                path: format!("{dir}{name}"),
                content: Content::Bytes(js.into_bytes()),
            });
        }
        stats.push(s);
        if theme.has_template("search.html") {
            let p = render_search_page(config, theme, li)?;
            files.push(OutFile {
                path: p.path,
                content: Content::Bytes(p.html.into_bytes()),
            });
        }
    }
    Ok(stats)
}

/// `/<locale>/search/`: the results page for shared links (`?q=`).
fn render_search_page(config: &Config, theme: &Theme, locale: usize) -> Result<PageOutput, String> {
    let code = &config.locales[locale].code;
    let dir = format!("{code}/search/");
    let mut ctx = common_context(config, theme, locale, &dir, false);
    let title = theme.strings[locale].get("search_title").to_string();
    ctx.insert(
        "page".into(),
        json!({"title": title, "url": "./", "robots": "noindex", "description": "",
               "canonical": format!("{}{dir}", config.base_url)}),
    );
    Ok(PageOutput {
        path: format!("{dir}index.html"),
        html: theme.render("search.html", ctx)?,
        diags: Vec::new(),
        link_classes: Vec::new(),
        external: Vec::new(),
        links_to: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_analysis_reads_back_as_made_into_other_numbering() {
        let analyzer = Analyzer::new("de");
        let (vocab, strings) = (doc::Vocab::default(), std::sync::Mutex::new(doc::Strings::default()));
        let html = "<p>Der Kioskmodus sperrt das Gerät.</p><h2 id=\"modus\">Modus wählen</h2><p>Wählen Sie den Modus.</p><pre><code>kiosk --on</code></pre>";
        let mut words = Vec::new();
        let made = doc::analyze_page_with(
            &analyzer,
            (1, "geraete/kiosk/", "Kioskmodus", html),
            &vocab,
            &strings,
            Some(&mut words),
        );
        assert!(!words.is_empty() && !made.long_words.is_empty());
        let bytes = remember(&made, &words, &strings);
        // Read into another build's numbering (a word met first elsewhere).
        let (vocab2, strings2) = (doc::Vocab::default(), std::sync::Mutex::new(doc::Strings::default()));
        strings2.lock().unwrap().intern("elsewhere");
        let back = recall(&bytes, (1, "geraete/kiosk/".into()), &vocab2, &strings2).unwrap();
        let as_words = |d: &doc::Doc, s: &std::sync::Mutex<doc::Strings>| {
            let s = s.lock().unwrap();
            let w = |l: &[(u32, doc::Stat)]| {
                l.iter()
                    .map(|(t, st)| format!("{}{st:?}", s.list[*t as usize]))
                    .collect::<Vec<_>>()
            };
            (w(&d.terms), w(&d.long_words))
        };
        assert_eq!(as_words(&made, &strings), as_words(&back, &strings2));
        assert_eq!(
            (
                &made.title,
                &made.sections,
                &made.text,
                &made.lang,
                made.len,
                made.title_terms
            ),
            (
                &back.title,
                &back.sections,
                &back.text,
                &back.lang,
                back.len,
                back.title_terms
            )
        );
        let vocab_words = |v: doc::Vocab, s: std::sync::Mutex<doc::Strings>| {
            let mut w: Vec<String> = doc::vocab_words(v, &s.into_inner().unwrap()).into_iter().collect();
            w.sort();
            w
        };
        assert_eq!(vocab_words(vocab, strings), vocab_words(vocab2, strings2));
        // Cut short or with bytes after it: not read.
        assert!(recall(
            &bytes[..bytes.len() - 1],
            (1, String::new()),
            &doc::Vocab::default(),
            &Default::default()
        )
        .is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(recall(&longer, (1, String::new()), &doc::Vocab::default(), &Default::default()).is_none());
    }
}
