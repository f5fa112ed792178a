//! Publishing builds: the reviewers' pages (`_l10n/`) can be left out
//! (`build --no-review-pages`, `[l10n] review_pages = false`) without
//! changing any other byte of the output or losing a finding set to
//! `error`.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir).into_iter().filter_map(|(p, b)| Some((p, b?))).collect()
}

fn without_review(all: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeMap<PathBuf, Vec<u8>> {
    all.iter()
        .filter(|(p, _)| !p.starts_with("_l10n"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

#[test]
fn review_pages_are_left_out_on_request_and_nothing_else_changes() {
    let site = sync_site();
    let r = site.json(&["build", "--out", "full"]);
    assert_eq!(r.code(), 0, "{r}");
    let full = files(&site.path("full"));
    assert!(
        full.keys().any(|p| p.starts_with("_l10n/nl-nl/sync")),
        "{:?}",
        full.keys()
    );

    let r = site.json(&["build", "--out", "flag", "--no-review-pages"]);
    assert_eq!(r.code(), 0, "{r}");
    let flag = files(&site.path("flag"));
    assert!(!flag.keys().any(|p| p.starts_with("_l10n")), "{:?}", flag.keys());
    assert_eq!(without_review(&full), flag);

    let mut toml = site.read("polydoc.toml");
    toml.push_str("\n[l10n]\nreview_pages = false\n");
    site.write("polydoc.toml", &toml);
    let r = site.json(&["build", "--out", "setting"]);
    assert_eq!(r.code(), 0, "{r}");
    assert_eq!(files(&site.path("setting")), flag);
}

#[test]
fn a_finding_set_to_error_still_fails_a_build_without_review_pages() {
    let site = sync_site();
    let mut toml = site.read("polydoc.toml");
    toml.push_str("\n[l10n]\nreview_pages = false\n\n[l10n.severity]\nglued-link = \"error\"\n");
    site.write("polydoc.toml", &toml);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 1, "{r}");
    assert_eq!(r.one("l10n-glued-link").severity, "error");
    assert!(!site.exists("output/_l10n"));
    // `check --l10n` still reports every finding.
    let r = site.json(&["check", "--l10n"]);
    assert!(r.diagnostics.iter().any(|d| d.code == "l10n-section"), "{r}");
}
