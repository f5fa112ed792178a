//! `polydoc init`: the real binary writes a site that builds with no errors
//! or warnings, in every locale, and refuses to write over a site.

mod common;

use common::*;

#[test]
fn init_writes_a_two_locale_site_that_builds_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(tmp.path(), &["init", "docs", "--locales", "en-us,nl-nl"]);
    assert_eq!(r.code, 0, "{r}");
    let site = tmp.path().join("docs");
    for rel in [
        "polydoc.toml",
        "articles/en-us/index.md",
        "articles/en-us/get-started.md",
        "articles/en-us/toc.yml",
        "articles/nl-nl/index.md",
        "articles/nl-nl/get-started.md",
        "articles/nl-nl/toc.yml",
    ] {
        assert!(site.join(rel).is_file(), "{rel} missing:\n{r}");
    }
    assert_eq!(
        read_file(&site.join(".gitignore"))
            .lines()
            .filter(|l| *l == "output/" || *l == ".polydoc-cache/")
            .count(),
        2
    );
    assert!(!site.join("themes").exists(), "the theme is built in");

    // Built by the real binary: no diagnostics at all, every review finding
    // included.
    let built = Report::parse(run_in(&site, &["build", "--format", "json"]));
    assert_eq!(built.code(), 0, "{built}");
    assert!(built.diagnostics.is_empty(), "{built}");
    let checked = Report::parse(run_in(
        &site,
        &["check", "--l10n", "--deny", "warnings", "--format", "json"],
    ));
    assert_eq!(checked.code(), 0, "{checked}");
    assert!(checked.diagnostics.is_empty(), "{checked}");

    // The toc.yml gives the sidebar and previous/next; the Dutch page is a
    // translation (not a fallback), in Dutch, and current.
    let nl = read_file(&site.join("output/nl-nl/get-started/index.html"));
    assert_contains(&nl, "has-nav");
    assert_contains(&nl, "Aan de slag");
    assert_contains(&nl, "lang=\"nl-NL\"");
    assert_contains(&nl, "id=\"write-an-article\"");
    assert_not_contains(&nl, &escape(&theme_string("nl-nl", "fallback_notice")));
    let status = run_in(&site, &["l10n", "status", "--format", "json"]);
    assert_eq!(status.code, 0, "{status}");
    let json: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_contains(&json.to_string(), "\"current\":2");
}

#[test]
fn init_refuses_an_existing_site_and_bad_locales_and_writes_nothing() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/index.md", &article("Home", "# Home\n"));
    let before = site.snapshot();
    let r = site.run(&["init"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "polydoc.toml");
    assert!(before == site.snapshot(), "a refused init must not write");

    let tmp = tempfile::tempdir().unwrap();
    let bad = run_in(tmp.path(), &["init", "new", "--locales", "en-us,not a locale"]);
    assert_eq!(bad.code, 2, "{bad}");
    assert_contains(&bad.stderr, "BCP 47");
    assert!(!tmp.path().join("new").exists(), "nothing written:\n{bad}");
}
