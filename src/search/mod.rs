//! Search: a per-locale full-text index written with the site and searched
//! in the browser by `themes/default/static/js/search.js` (no server, works
//! from `file://`).
//!
//! `analyze` turns text into terms per language; `extract` turns a page's
//! article HTML into sections of plain text; `index` builds each locale's
//! sharded index files from the analysed pages. This module decides which
//! pages are indexed and hands the files to the output plan.

pub mod analyze;
pub mod card;
mod compounds;
pub mod doc;
pub mod extract;
pub(crate) mod fxhash;
pub mod index;
pub mod memo;
pub mod plain;
mod postings;
mod prepare;
pub mod unchanged;

pub use memo::Memo;
pub use prepare::{prepare_all, prepare_in, prepare_memo, prepare_unless, Cards, Prepared};

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
    write_memo(config, theme, prepared, files, locales, None)
}

/// `write_for`, each index built remembered in `memo` (`unchanged`); a
/// locale `prepare_memo` skipped gets its search page alone.
pub fn write_memo(
    config: &Config,
    theme: &Theme,
    prepared: Prepared,
    files: &mut Vec<OutFile>,
    locales: &(dyn Fn(usize) -> bool + Sync),
    memo: Option<&dyn Memo>,
) -> Result<Vec<index::IndexStats>, String> {
    if !config.search.enabled {
        return Ok(Vec::new());
    }
    // Each locale's docs: the list itself when it holds one locale's (an
    // edit's build, the other locales' indexes unchanged), else lists
    // sized once.
    let mut by_locale: Vec<Vec<doc::Doc>> = config.locales.iter().map(|_| Vec::new()).collect();
    let mut counts = vec![0usize; by_locale.len()];
    for d in &prepared.docs {
        counts[d.locale] += 1;
    }
    match counts.iter().position(|&n| n == prepared.docs.len()) {
        Some(li) => by_locale[li] = prepared.docs,
        None => {
            for (list, &n) in by_locale.iter_mut().zip(&counts) {
                list.reserve_exact(n);
            }
            for d in prepared.docs {
                by_locale[d.locale].push(d);
            }
        }
    }
    let strings = prepared.strings.into_inner().unwrap_or_else(|e| e.into_inner());
    let cards = &prepared.cards;
    let (skipped, index_keys) = (&prepared.skipped, &prepared.index_keys);
    type Built = (usize, (Vec<(String, String)>, index::IndexStats));
    let built: Vec<Built> = by_locale
        .into_par_iter()
        .zip(prepared.vocab.into_par_iter())
        .enumerate()
        .filter(|(li, _)| locales(*li))
        .map(|(li, (docs, vocab))| {
            if let Some(stats) = skipped.get(li).cloned().flatten() {
                return (li, (Vec::new(), stats));
            }
            let vocab = doc::vocab_words(vocab, &strings);
            let built = index::build_locale(
                docs,
                &Analyzer::new(&config.locales[li].lang),
                &vocab,
                &strings,
                cards.get(li).copied(),
            );
            if let (Some(m), Some(key)) = (memo, index_keys.get(li).copied().flatten()) {
                let stored = unchanged::Stored {
                    key,
                    files: built
                        .0
                        .par_iter()
                        .map(|(name, js)| (name.clone(), crate::output::content_key(js.as_bytes())))
                        .collect(),
                    stats: built.1.clone(),
                };
                m.put_index_record(&config.locales[li].code, &unchanged::encode(&stored));
            }
            (li, built)
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
