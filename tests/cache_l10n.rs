//! `build --cache` and the translation stage and search analysis: a warm
//! build writes what a cold build writes (review pages, status pages, search
//! index; same diagnostics) after a translation, its source, its handoff
//! snapshot, a page it links to or the `[l10n]` settings change, and reuses
//! the reviews and page analyses whose inputs did not change.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const COMMIT: &str = "5e1f0c2a9b7d3e4f6a8b0c1d2e3f4a5b6c7d8e9f";

/// The source as handed off, and as it is now (a section added).
const GUIDE_THEN: &str = "---\ntitle: Route messages\n---\n# Route messages\n\nA route sends each message to one queue. See [the limits](limits.md#queue-size).\n\n## Create a route\n\nSelect **Routes** > **New** and name it.\n";
const GUIDE_NOW: &str = "---\ntitle: Route messages\n---\n# Route messages\n\nA route sends each message to one queue. See [the limits](limits.md#queue-size).\n\n## Create a route\n\nSelect **Routes** > **New** and name it.\n\n## Delete a route\n\nSelect **Delete**.\n";
const GUIDE_NL: &str = "# <a name=\"route-messages\"></a>Berichten routeren\n\nEen route stuurt elk bericht naar één wachtrij. Zie [de limieten](limits.md#queue-size).\n\n## <a name=\"create-a-route\"></a>Een route maken\n\nSelecteer **Routes** > **Nieuw** en geef een naam op.\n";
const LIMITS: &str =
    "---\ntitle: Limits\n---\n# Limits\n\nThe limits of a queue.\n\n## Queue size\n\nA queue holds 5000 messages.\n";
const FAQ_EN: &str = "---\ntitle: Routing questions\n---\n# Routing questions\n\nAnswers about 12 routes.\n\n## Can a route fork?\n\nNo.\n";
const FAQ_NL: &str = "---\ntitle: Vragen over routeren\nms.contentlocale: nl-NL\n---\n# Vragen over routeren\n\nAntwoorden over 12 routes.\n\n## <a name=\"can-a-route-fork\"></a>Kan een route splitsen?\n\nNee.\n";

fn guide_nl() -> String {
    translation(
        "Berichten routeren",
        &format!(
            "ms.openlocfilehash: {}\nms.sourcegitcommit: {COMMIT}\nms.translationtype: MT\n",
            crlf_sha1(GUIDE_THEN)
        ),
        GUIDE_NL,
    )
}

/// Three translations (one stale, checked against its handoff snapshot), a
/// page they link to, and an untranslated page.
fn l10n_site() -> Site {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        &format!(
            "title = \"{SITE_TITLE}\"\nbase_url = \"{BASE_URL}\"\nsource_locale = \"en-us\"\n\n[l10n]\nhandoff_sources = \"../handoff\"\n\n[locales.en-us]\nname = \"English\"\n\n[locales.nl-nl]\nname = \"Nederlands\"\n"
        ),
    );
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n\nStart here.\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n\nBegin hier.\n")),
        ("articles/en-us/guide/routes.md", GUIDE_NOW),
        ("articles/nl-nl/guide/routes.md", &guide_nl()),
        ("articles/en-us/guide/limits.md", LIMITS),
        ("articles/en-us/guide/faq.md", FAQ_EN),
        ("articles/nl-nl/guide/faq.md", FAQ_NL),
    ]);
    write_snapshot(&site, GUIDE_THEN);
    site
}

/// The handoff snapshot, outside the site folder (so no other input of
/// the build changes with it).
fn write_snapshot(site: &Site, text: &str) {
    let p = site.outside(&format!("handoff/{COMMIT}/guide/routes.md"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn stat(r: &Report, key: &str) -> u64 {
    r.json["summary"]["stats"]["cache"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("no cache.{key} in the report:\n{r}"))
}

/// A build with the cache into `warm` and one without into `cold`: the same
/// files, bytes and diagnostics. Returns the cached build's report.
#[track_caller]
fn warm_equals_cold(site: &Site) -> Report {
    let cold_out = site.outside("cold");
    let warm_out = site.outside("warm");
    let cold = site.json(&["build", "--out", cold_out.to_str().unwrap()]);
    let warm = site.json(&["build", "--cache", "--out", warm_out.to_str().unwrap()]);
    assert_eq!(cold.code(), warm.code(), "exit status\ncold:\n{cold}\nwarm:\n{warm}");
    // Less the manifest a cached build leaves beside its output.
    let site_files = |dir: &std::path::Path| {
        let mut s = snapshot(dir);
        s.remove(std::path::Path::new(".polydoc-manifest"));
        s
    };
    let (a, b) = (site_files(&cold_out), site_files(&warm_out));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{} differs:\n--- cold ---\n{}\n--- warm ---\n{}",
            k.display(),
            String::from_utf8_lossy(v.as_deref().unwrap_or_default()),
            String::from_utf8_lossy(b[k].as_deref().unwrap_or_default())
        );
    }
    assert_eq!(
        cold.json["diagnostics"], warm.json["diagnostics"],
        "diagnostics\ncold:\n{cold}\nwarm:\n{warm}"
    );
    warm
}

/// Primes the cache; returns (reviews, analysed pages) of the build.
fn prime(site: &Site) -> (u64, u64) {
    let r = site.json(&["build", "--cache", "--out", site.outside("prime").to_str().unwrap()]);
    assert_eq!(stat(&r, "review_hits") + stat(&r, "search_hits"), 0, "{r}");
    (stat(&r, "review_misses"), stat(&r, "search_misses"))
}

#[test]
fn a_warm_build_takes_every_review_and_search_analysis_from_the_cache() {
    let site = l10n_site();
    let (reviews, analysed) = prime(&site);
    assert_eq!(reviews, 3, "three translations with a source");
    // Seven articles, each analysed once (a fallback page copies its
    // source's analysis).
    assert_eq!(analysed, 7);
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    assert_eq!((stat(&r, "search_hits"), stat(&r, "search_misses")), (7, 0), "{r}");
    // The review page of the stale translation shows what changed.
    assert_contains(
        &read_file(&site.outside("warm").join("_l10n/nl-nl/guide/routes/index.html")),
        "Delete a route",
    );
}

#[test]
fn an_edit_in_one_locale_leaves_the_other_locale_s_search_index_alone() {
    let site = l10n_site();
    prime(&site);
    warm_equals_cold(&site);
    // A source edit whose page no other locale shows (faq is translated):
    // the Dutch index is left as it is, none of its pages recalled (its
    // articles' terms record is gone, and nothing misses).
    site.write("articles/en-us/guide/faq.md", &FAQ_EN.replace("12 routes", "14 routes"));
    std::fs::remove_file(site.path(".polydoc-cache/v1/search-terms-nl-nl")).unwrap();
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "search_hits"), stat(&r, "search_misses")), (6, 1), "{r}");
    // A Dutch edit: the Dutch index is built again (its terms record is
    // still gone: its three articles analysed again, and the English
    // article its fallback page `limits` shows, whose record is removed
    // now), the English index left with its three other articles.
    std::fs::remove_file(site.path(".polydoc-cache/v1/search-terms-en-us")).unwrap();
    site.write(
        "articles/nl-nl/index.md",
        &article("Start", "# Start\n\nBegin hier, nu.\n"),
    );
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "search_hits"), stat(&r, "search_misses")), (3, 4), "{r}");
}

#[test]
fn a_search_index_file_changed_in_the_output_is_written_again() {
    let site = l10n_site();
    prime(&site);
    warm_equals_cold(&site);
    // Nothing changed in the site, but the output's Dutch index and an
    // English card were changed by hand: both are made again
    // (`warm_equals_cold` compares them with a build without the cache).
    for f in ["_search/nl-nl/meta.js", "_search/en-us/p0.js"] {
        let path = site.outside("warm").join(f);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"// changed\n");
        std::fs::write(&path, bytes).unwrap();
    }
    warm_equals_cold(&site);
}

#[test]
fn editing_a_translation_or_its_source_redoes_that_review_alone() {
    let site = l10n_site();
    prime(&site);
    site.write(
        "articles/nl-nl/guide/routes.md",
        &guide_nl().replace("geef een naam op", "geef de route een naam"),
    );
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (2, 1), "{r}");
    assert_eq!(stat(&r, "search_misses"), 1, "the edited page alone: {r}");
    assert_contains(
        &read_file(&site.outside("warm").join("_l10n/nl-nl/guide/routes/index.html")),
        "geef de route een naam",
    );

    site.write("articles/en-us/guide/faq.md", &FAQ_EN.replace("12 routes", "13 routes"));
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (2, 1), "{r}");
    // The number no longer matches: the finding is on the review page.
    assert_contains(
        &read_file(&site.outside("warm").join("_l10n/nl-nl/guide/faq/index.html")),
        "13",
    );
}

#[test]
fn a_changed_handoff_snapshot_redoes_the_review() {
    let site = l10n_site();
    prime(&site);
    // The same text with CRLF line ends: it still hashes to the recorded
    // `ms.openlocfilehash`, so the review compares against it.
    write_snapshot(&site, &GUIDE_THEN.replace('\n', "\r\n"));
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (2, 1), "{r}");
    // Another text: no longer the one handed off.
    write_snapshot(&site, &GUIDE_THEN.replace("one queue", "two queues"));
    let r = warm_equals_cold(&site);
    assert_eq!(stat(&r, "review_misses"), 1, "{r}");
    assert_contains(
        &read_file(&site.outside("warm").join("_l10n/nl-nl/guide/routes/index.html")),
        "does not hash",
    );
}

#[test]
fn a_linked_page_s_headings_reach_the_reviews_that_link_to_it() {
    let site = l10n_site();
    prime(&site);
    // Both sides' links to `limits.md#queue-size` now miss their anchor.
    site.write(
        "articles/en-us/guide/limits.md",
        &LIMITS.replace("## Queue size", "## Queue length"),
    );
    let r = warm_equals_cold(&site);
    assert!(stat(&r, "review_misses") >= 1, "{r}");
    assert!(!r.with_code("link-anchor").is_empty(), "{r}");
}

#[test]
fn l10n_settings_reach_every_review_and_the_build_s_diagnostics() {
    let site = l10n_site();
    prime(&site);
    // A finding set to `error` fails the build, from a review made again.
    let toml = site.read("polydoc.toml");
    site.write(
        "polydoc.toml",
        &toml.replace("[l10n]\n", "[l10n]\nseverity = { stale = \"error\" }\n"),
    );
    let r = warm_equals_cold(&site);
    assert_eq!(r.code(), 1, "{r}");
    assert!(!r.with_code("l10n-stale").is_empty(), "{r}");
    assert_eq!(stat(&r, "review_misses"), 3, "{r}");
    // Taken from the cache, the error findings still fail the build.
    let r = warm_equals_cold(&site);
    assert_eq!(r.code(), 1, "{r}");
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    assert!(!r.with_code("l10n-stale").is_empty(), "{r}");
}

#[test]
fn the_reviews_results_come_from_one_record_and_their_pages_stay_in_place() {
    let site = l10n_site();
    warm_equals_cold(&site);
    // Every entry gone but the files beside them: the output folder holds
    // every review page, so the reviews' record alone answers.
    std::fs::remove_dir_all(site.path(".polydoc-cache/v1/objects")).unwrap();
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    // A review page changed by hand is written again: its bytes are not in
    // the cache, so that review alone is made again.
    let page = site.outside("warm/_l10n/nl-nl/guide/routes/index.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes.extend_from_slice(b"<!-- changed -->\n");
    std::fs::write(&page, bytes).unwrap();
    std::fs::remove_dir_all(site.path(".polydoc-cache/v1/objects")).unwrap();
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (2, 1), "{r}");
}

/// The status pages' key covers every translation's status field by field:
/// a status that changes (here a translation no longer machine-translated)
/// makes them again, as a build without the cache does.
#[test]
fn a_changed_status_makes_the_status_pages_again() {
    let site = l10n_site();
    prime(&site);
    let before = read_file(&site.outside("prime").join("_l10n/nl-nl/index.html"));
    site.write(
        "articles/nl-nl/guide/routes.md",
        &guide_nl().replace("ms.translationtype: MT", "ms.translationtype: HT"),
    );
    warm_equals_cold(&site);
    let after = read_file(&site.outside("warm").join("_l10n/nl-nl/index.html"));
    assert_ne!(before, after, "the status page shows the new status");
}

/// The hashes of the source files that translations record
/// (`ms.openlocfilehash`) are kept in the cache by the bytes each source
/// was parsed from: a warm build with no source changed writes no new
/// record of them, and one whose source went back to the handed-off text
/// finds its translation current again, as a build without the cache does.
#[test]
fn the_source_files_hashes_come_from_the_cache_until_a_source_changes() {
    let site = l10n_site();
    prime(&site);
    let record = site.path(".polydoc-cache/v1/source-sums");
    let stamp = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    let first = stamp(&record);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let stale = read_file(&site.outside("prime").join("_l10n/nl-nl/index.html"));
    warm_equals_cold(&site);
    assert_eq!(stamp(&record), first, "no source changed: the record is kept as it was");
    site.write("articles/en-us/guide/routes.md", GUIDE_THEN);
    warm_equals_cold(&site);
    assert_ne!(stamp(&record), first, "the source changed: its hashes are new");
    let current = read_file(&site.outside("warm").join("_l10n/nl-nl/index.html"));
    assert_ne!(stale, current, "the translation is current again on the status page");
}

/// `check --cache` (what a CI job runs) and a build without review pages
/// recall the reviews' findings from the cache and remember those they
/// make, without a page; a build that writes review pages makes those
/// reviews again for their pages, then a check recalls the build's.
#[test]
fn a_check_with_the_cache_recalls_reviews_and_a_build_still_writes_their_pages() {
    let site = l10n_site();
    let toml = site.read("polydoc.toml");
    site.write(
        "polydoc.toml",
        &toml.replace("[l10n]\n", "[l10n]\nseverity = { stale = \"error\" }\n"),
    );
    let cold = site.json(&["check"]);
    assert_eq!(cold.code(), 1, "{cold}");
    assert!(!cold.with_code("l10n-stale").is_empty(), "{cold}");
    let check = |hits: u64, misses: u64| {
        let r = site.json(&["check", "--cache"]);
        assert_eq!(
            (stat(&r, "review_hits"), stat(&r, "review_misses")),
            (hits, misses),
            "{r}"
        );
        assert_eq!(r.code(), 1, "{r}");
        assert_eq!(
            cold.json["diagnostics"], r.json["diagnostics"],
            "cold:\n{cold}\nwarm:\n{r}"
        );
    };
    check(0, 3);
    check(3, 0);
    // The check made no page: the build makes each review again for it.
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (0, 3), "{r}");
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    check(3, 0);
    // A publishing build without review pages recalls them too, and a
    // build with them after it still finds its pages.
    let out = site.outside("publish");
    let r = site.json(&["build", "--cache", "--no-review-pages", "--out", out.to_str().unwrap()]);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    assert!(!out.join("_l10n/nl-nl/guide/routes/index.html").exists());
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
}

#[test]
fn check_l10n_with_the_cache_reports_every_finding_a_check_without_it_does() {
    let site = l10n_site();
    let plain = site.json(&["check", "--l10n"]);
    // Findings that are warnings (a build reports none of them).
    assert!(
        plain.json["diagnostics"].as_array().unwrap().iter().any(|d| d["code"]
            .as_str()
            .unwrap_or("")
            .starts_with("l10n-")
            && d["severity"] == "warning"),
        "{plain}"
    );
    let l10n = |hits: u64, misses: u64| {
        let r = site.json(&["check", "--l10n", "--cache"]);
        assert_eq!(
            (stat(&r, "review_hits"), stat(&r, "review_misses")),
            (hits, misses),
            "{r}"
        );
        assert_eq!(r.code(), plain.code(), "{r}");
        assert_eq!(
            plain.json["diagnostics"], r.json["diagnostics"],
            "without the cache:\n{plain}\nwith it:\n{r}"
        );
    };
    // After a build alone (which keeps only `error` findings), the first
    // `check --l10n` makes the reviews with other findings again, once.
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (0, 3), "{r}");
    l10n(0, 3);
    l10n(3, 0);
    // A build after it writes the same site (each review made again for
    // its page, its every finding kept), and a plain check recalls them:
    // both keep every finding for the next `check --l10n`.
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (0, 3), "{r}");
    l10n(3, 0);
    let r = site.json(&["check", "--cache"]);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    assert!(
        r.json["diagnostics"].as_array().unwrap().iter().all(|d| !d["code"]
            .as_str()
            .unwrap_or("")
            .starts_with("l10n-")
            || d["severity"] == "error"),
        "a check without --l10n reports no warning finding:\n{r}"
    );
    l10n(3, 0);
    let r = warm_equals_cold(&site);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (3, 0), "{r}");
    l10n(3, 0);
    // An edited translation: its review alone is made again, with every
    // finding it has now.
    site.write("articles/nl-nl/guide/faq.md", &FAQ_NL.replace("Nee.", "Nee, 12 keer."));
    let plain = site.json(&["check", "--l10n"]);
    let r = site.json(&["check", "--l10n", "--cache"]);
    assert_eq!((stat(&r, "review_hits"), stat(&r, "review_misses")), (2, 1), "{r}");
    assert_eq!(plain.json["diagnostics"], r.json["diagnostics"], "{plain}\n{r}");
}
