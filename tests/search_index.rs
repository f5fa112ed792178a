//! The search index polydoc writes: which pages are in it (NOINDEX and
//! review pages out, fallback pages in under their locale), what text is
//! (never `sxs-lookup` source segments), and the search box and results
//! page around it. Reads the real build's `_search/<locale>/` files.

mod common;

use common::{article, Site};
use serde_json::Value;
use std::collections::BTreeSet;

/// Terms and card paths of a locale's index.
struct Index {
    terms: BTreeSet<String>,
    paths: BTreeSet<String>,
    meta: Value,
}

fn read_index(site: &Site, locale: &str) -> Index {
    let dir = site.path(&format!("output/_search/{locale}"));
    let mut terms = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mut meta = Value::Null;
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let body = text
            .strip_prefix("polydocSearch(")
            .and_then(|t| t.trim_end().strip_suffix(");"))
            .unwrap_or_else(|| panic!("{} is not a polydocSearch(...) call", p.display()));
        let (name, data) = body.split_once(',').unwrap();
        let data: Value = serde_json::from_str(data).unwrap();
        let name = name.trim_matches('"');
        if name == "meta" {
            meta = data;
        } else if name.starts_with('t') {
            let t = data["t"].as_array().unwrap();
            for pair in t.chunks(2) {
                terms.insert(pair[0].as_str().unwrap().to_string());
            }
            for card in data["c"].as_array().unwrap() {
                paths.insert(card[2].as_str().unwrap().to_string());
            }
        }
    }
    Index { terms, paths, meta }
}

fn two_locales() -> Site {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write("articles/en-us/index.md", &article("Home", "# Home\n\nWelcome.\n"));
    site.write(
        "articles/en-us/setup.md",
        &article(
            "Set up the relay",
            "# Set up the relay\n\n## Passwords\n\nReset passwords here.\n",
        ),
    );
    site.write(
        "articles/en-us/hidden.md",
        "---\ntitle: Hidden page\nROBOTS: NOINDEX, NOFOLLOW\n---\n# Hidden page\n\nQuokkas live here.\n",
    );
    site.write(
        "articles/en-us/untranslated.md",
        &article(
            "Configuring webhooks",
            "# Configuring webhooks\n\nWebhooks deliver events.\n",
        ),
    );
    site.write(
        "articles/en-us/_l10n/review.md",
        &article("Review", "# Review\n\nReviewers compare wombats.\n"),
    );
    site.write("articles/nl-nl/index.md", &article("Start", "# Start\n\nWelkom.\n"));
    site.write(
        "articles/nl-nl/setup.md",
        &article(
            "De relay instellen",
            "# <a name=\"set-up-the-relay\"></a>De relay instellen\n\n## <a name=\"passwords\"></a>Wachtwoorden\n\nStel de wachtwoorden opnieuw in <span class=\"sxs-lookup\"><span class=\"stage\">Reset the flamingo passwords</span></span> in de kioskmodus.\n",
        ),
    );
    site
}

#[test]
fn pages_in_and_out_of_the_index() {
    let site = two_locales();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let nl = read_index(&site, "nl-nl");
    // Translated and fallback pages are in; NOINDEX and review pages are out.
    assert_eq!(
        nl.paths,
        ["", "setup/", "untranslated/"].iter().map(|s| s.to_string()).collect(),
        "{:?}",
        nl.paths
    );
    assert_eq!(nl.meta["n"], 3);
    assert_eq!(nl.meta["lang"], "nl");
    // Dutch stems; the fallback page's English words with English stems.
    assert!(nl.terms.contains("wachtwoord"), "{:?}", nl.terms);
    assert!(nl.terms.contains("webhook"), "{:?}", nl.terms);
    // sxs-lookup source text is never indexed; NOINDEX text is not either.
    assert!(!nl.terms.iter().any(|t| t.starts_with("flamingo")), "{:?}", nl.terms);
    assert!(!nl.terms.iter().any(|t| t.starts_with("quokka")));
    assert!(!nl.terms.iter().any(|t| t.starts_with("wombat")));
    let en = read_index(&site, "en-us");
    assert!(en.paths.contains("setup/") && !en.paths.contains("hidden/"));
    assert!(en.terms.contains("password"), "{:?}", en.terms);
}

#[test]
fn noindex_pages_can_be_indexed_and_exclusions_configured() {
    let site = two_locales();
    let toml = site.read("polydoc.toml");
    site.write(
        "polydoc.toml",
        &format!("{toml}\n[search]\nindex_noindex = true\nexclude = [\"untranslated\"]\n"),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let en = read_index(&site, "en-us");
    assert!(en.paths.contains("hidden/"), "{:?}", en.paths);
    assert!(en.paths.contains("_l10n/review/"), "{:?}", en.paths);
    assert!(!en.paths.contains("untranslated/"), "{:?}", en.paths);
}

#[test]
fn search_box_on_every_page_and_a_results_page_per_locale() {
    let site = two_locales();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let page = site.read("output/nl-nl/setup/index.html");
    assert!(page.contains("data-index=\"../../_search/nl-nl/\""), "{page}");
    assert!(
        page.contains("<form class=\"search-box\" role=\"search\" action=\"../search/\""),
        "{page}"
    );
    let results = site.read("output/nl-nl/search/index.html");
    assert!(results.contains("<h1>Zoeken</h1>"), "{results}");
    assert!(results.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(site.exists("output/en-us/search/index.html"));
    assert!(site.exists("output/_static/js/search.js"));
}

#[test]
fn search_can_be_turned_off() {
    let site = two_locales();
    let toml = site.read("polydoc.toml");
    site.write("polydoc.toml", &format!("{toml}\n[search]\nenabled = false\n"));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(!site.exists("output/_search"));
    assert!(!site.exists("output/nl-nl/search/index.html"));
    assert!(!site.read("output/nl-nl/setup/index.html").contains("search-box"));
}

#[test]
fn unknown_search_key_is_a_config_error() {
    let site = two_locales();
    let toml = site.read("polydoc.toml");
    site.write("polydoc.toml", &format!("{toml}\n[search]\nenable = false\n"));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("enable"), "{run}");
}

/// Builds with the cache into `warm` and without into `cold`: every search
/// file (and every other) the same bytes.
#[track_caller]
fn warm_search_equals_cold(site: &Site, step: &str) {
    let (cold, warm) = (site.outside("cold"), site.outside("warm"));
    let _ = std::fs::remove_dir_all(&cold);
    let c = site.json(&["build", "--out", cold.to_str().unwrap()]);
    let w = site.json(&["build", "--cache", "--out", warm.to_str().unwrap()]);
    assert_eq!(c.code(), w.code(), "{step}: exit status\ncold:\n{c}\nwarm:\n{w}");
    let files = |dir: &std::path::Path| {
        let mut s = common::snapshot(dir);
        s.remove(std::path::Path::new(".polydoc-manifest"));
        s
    };
    let (c, w) = (files(&cold), files(&warm));
    assert_eq!(
        c.keys().collect::<Vec<_>>(),
        w.keys().collect::<Vec<_>>(),
        "{step}: the same files"
    );
    for (k, v) in &c {
        assert!(v == &w[k], "{step}: {} differs", k.display());
    }
}

#[test]
fn a_warm_build_after_search_edits_writes_the_index_a_cold_build_writes() {
    // Pages enough that each locale's terms record is read mapped (64 KB
    // and more), each with words of its own, and a Dutch locale (compound
    // parts are split against its words).
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    let page = |i: usize, extra: &str| {
        let words: Vec<String> = (0..60).map(|j| format!("word{i}x{j}")).collect();
        article(
            &format!("Page {i} about relay{i}"),
            &format!(
                "# Page {i}\n\nShared text and {}.\n\n## Part\n\n{extra}\n",
                words.join(" ")
            ),
        )
    };
    let nl = |i: usize, extra: &str| {
        article(
            &format!("Pagina {i}"),
            &format!("# Pagina {i}\n\nDe kioskmodus en de modus{i} en woord{i}.\n\n{extra}\n"),
        )
    };
    for i in 0..160 {
        site.write(&format!("articles/en-us/p{i}.md"), &page(i, ""));
        site.write(&format!("articles/nl-nl/p{i}.md"), &nl(i, ""));
    }
    warm_search_equals_cold(&site, "first");
    warm_search_equals_cold(&site, "unchanged");
    let record = site.path(".polydoc-cache/v1/search-terms-en-us");
    let len = std::fs::metadata(&record).map(|m| m.len()).unwrap_or(0);
    assert!(len >= 64 * 1024, "the en-us record is {len} bytes: not mapped");
    site.write(
        "articles/en-us/p3.md",
        &page(3, "").replace("Page 3 about", "Page three about"),
    );
    warm_search_equals_cold(&site, "a title edited");
    site.write("articles/en-us/p5.md", &page(5, "A zyzzyvarare word."));
    warm_search_equals_cold(&site, "a new rare word");
    site.write("articles/en-us/p5.md", &page(5, ""));
    warm_search_equals_cold(&site, "the rare word deleted");
    site.write("articles/en-us/p7.md", &page(7, "").replace("word7x9 ", ""));
    warm_search_equals_cold(&site, "a word only that page had deleted");
    site.write("articles/en-us/p1000.md", &page(1000, ""));
    warm_search_equals_cold(&site, "a page added");
    site.remove("articles/en-us/p11.md");
    warm_search_equals_cold(&site, "a page deleted");
    site.write("articles/nl-nl/p4.md", &nl(4, "De kioskgebruiker en het woordenboek."));
    warm_search_equals_cold(&site, "a Dutch page with new compounds");
    site.write("articles/nl-nl/p4.md", &nl(4, ""));
    warm_search_equals_cold(&site, "the Dutch compounds deleted");
    // A damaged record (its bytes changed in place): a miss, the same
    // index.
    let mut bytes = std::fs::read(&record).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&record, &bytes).unwrap();
    site.write("articles/en-us/p9.md", &page(9, "Edited."));
    warm_search_equals_cold(&site, "a damaged record");
}
