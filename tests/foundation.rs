//! Foundation tests: the real binary on fixture sites of our own writing
//! (and on the repository's example site): output layout, heading IDs,
//! robots and sitemap, languages, diagnostics with positions, dates, output
//! folder safety, configuration errors, a Learn-shaped translated article,
//! the CLI help, code highlighting and tables.

mod common;

use common::*;
use regex::Regex;

const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];
const EN: &[(&str, &str)] = &[("en-us", "English")];

/// Builds `site` into `<site>/output`, asserting exit 0 and no errors.
#[track_caller]
fn build_ok(site: &Site) -> Report {
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "build should succeed:\n{r}");
    assert!(r.errors().is_empty(), "no errors expected:\n{r}");
    r
}

/// The built page of `rel` (an article path) in `locale`.
fn page(site: &Site, locale: &str, rel: &str) -> String {
    site.read(&format!("output/{}", page_file(locale, rel)))
}

/// Every `<loc>` of a sitemap.
fn sitemap_locs(xml: &str) -> Vec<String> {
    Regex::new(r"<loc>([^<]*)</loc>")
        .unwrap()
        .captures_iter(xml)
        .map(|c| c[1].to_string())
        .collect()
}

/// Every `*.md` under `dir`, relative and `/`-separated.
fn markdown_files(dir: &std::path::Path) -> Vec<String> {
    snapshot(dir)
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p.ends_with(".md"))
        .collect()
}

// 1. The repository's own example site -----------------------------------

#[test]
fn example_site_builds_with_nl_pages_and_fallbacks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let repo = repo_root();
    let run = run_in(
        &repo,
        &[
            std::ffi::OsStr::new("build"),
            repo.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    let report = Report::parse(run);
    assert_eq!(report.code(), 0, "{report}");
    assert!(report.errors().is_empty(), "{report}");
    assert_eq!(report.summary("errors"), 0);

    let nl = markdown_files(&repo.join("articles/nl-nl"));
    assert!(!nl.is_empty(), "the example site has nl-nl articles");
    for rel in &nl {
        let html = read_file(&out.join(page_file("nl-nl", rel)));
        assert_contains(&html, "<html lang=\"nl-NL\"");
    }
    for rel in markdown_files(&repo.join("articles/en-us")) {
        assert!(out.join(page_file("en-us", &rel)).is_file(), "en-us page of {rel}");
    }

    // Untranslated: published in nl-nl as a fallback page.
    assert!(!repo.join("articles/nl-nl/developer/webhooks.md").exists());
    let webhooks = read_file(&out.join("nl-nl/developer/webhooks/index.html"));
    assert_contains(&webhooks, "<html lang=\"nl-NL\"");
    assert_contains(&webhooks, &escape(&theme_string("nl-nl", "fallback_notice")));
    assert!(
        report.json["summary"]["stats"]["fallback_pages"].as_u64().unwrap() >= 1,
        "{report}"
    );

    // The rest of the output contract.
    for f in [
        ".polydoc-output",
        "404.html",
        "sitemap.xml",
        "_static/css/site.css",
        "en-us/media/relay-overview.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let root = read_file(&out.join("index.html"));
    assert_contains(&root, "url=en-us/");
}

// 2. Heading IDs -----------------------------------------------------------

#[test]
fn explicit_anchor_becomes_the_heading_id() {
    let site = Site::new(EN_NL);
    site.write(
        "articles/en-us/setup.md",
        &article("Set up Relay", "# Set up Relay\n\nText.\n"),
    );
    site.write(
        "articles/nl-nl/setup.md",
        &article(
            "Relay instellen",
            "# <a name=\"set-up-relay\"></a>Relay instellen\n\nTekst.\n",
        ),
    );
    build_ok(&site);
    let html = page(&site, "nl-nl", "setup.md");
    assert_contains(&html, "<h1 id=\"set-up-relay\">Relay instellen</h1>");
    assert_not_contains(&html, "<a name");
    assert_not_contains(&html, "&lt;a name");
}

#[test]
fn heading_ids_follow_learn_slugs_and_deduplicate() {
    let site = Site::new(EN);
    let body = "\
# This - is a &@! heading _ with . and ! -

## Setup

### 1. Deploying the network

## Section for myproduct-4.1 and Later

## Setup

#### Setup

## 設定の概要

### Setup
";
    site.write("articles/en-us/ids.md", &article("Heading IDs", body));
    build_ok(&site);
    let html = page(&site, "en-us", "ids.md");
    let content = article_html(&html);
    let ids: Vec<(u8, String)> = heading_ids(content);
    let expected: Vec<(u8, String)> = [
        (1, "this---is-a--heading-_-with--and---"),
        (2, "setup"),
        (3, "1-deploying-the-network"),
        (2, "section-for-myproduct-41-and-later"),
        (2, "setup-1"),
        (4, "setup-2"),
        (2, "設定の概要"),
        (3, "setup-3"),
    ]
    .iter()
    .map(|(l, s)| (*l, s.to_string()))
    .collect();
    assert_eq!(ids, expected, "{content}");
    assert_contains(
        content,
        "<h1 id=\"this---is-a--heading-_-with--and---\">This - is a &amp;@! heading _ with . and ! -</h1>",
    );
    assert_contains(content, "<h2 id=\"設定の概要\">設定の概要</h2>");

    // "In this article" lists H2 and H3, not H1 or H4.
    assert_contains(&html, &escape(&theme_string("en-us", "in_this_article")));
    let toc: Vec<String> = Regex::new(r##"<li class="toc-l(\d)"><a href="#([^"]*)">"##)
        .unwrap()
        .captures_iter(&html)
        .map(|c| format!("{}:{}", &c[1], &c[2]))
        .collect();
    assert_eq!(
        toc,
        [
            "2:setup",
            "3:1-deploying-the-network",
            "2:section-for-myproduct-41-and-later",
            "2:setup-1",
            "2:設定の概要",
            "3:setup-3"
        ],
        "{html}"
    );
}

// 3. Robots and sitemap ------------------------------------------------------

#[test]
fn robots_noindex_sets_meta_and_leaves_the_sitemap() {
    let site = Site::with_base_url(EN_NL, "https://x.example/docs/");
    site.write_all(&[
        (
            "articles/en-us/hidden.md",
            "---\ntitle: Hidden\nROBOTS: NOINDEX, NOFOLLOW\n---\n# Hidden\n",
        ),
        (
            "articles/en-us/visible.md",
            "---\ntitle: Visible\nms.date: 06/15/2023\n---\n# Visible\n",
        ),
        ("articles/en-us/guide/index.md", &article("Guide", "# Guide\n")),
        ("articles/nl-nl/visible.md", &article("Zichtbaar", "# Zichtbaar\n")),
    ]);
    build_ok(&site);

    let hidden = page(&site, "en-us", "hidden.md");
    assert_contains(&hidden, "<meta name=\"robots\" content=\"noindex, nofollow\">");
    // The nl-nl fallback of the hidden page is hidden too.
    assert_contains(
        &page(&site, "nl-nl", "hidden.md"),
        "<meta name=\"robots\" content=\"noindex, nofollow\">",
    );
    for (loc, rel) in [
        ("en-us", "visible.md"),
        ("nl-nl", "visible.md"),
        ("en-us", "guide/index.md"),
    ] {
        assert_not_contains(&page(&site, loc, rel), "name=\"robots\"");
    }

    let locs = sitemap_locs(&site.read("output/sitemap.xml"));
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "https://x.example/docs/en-us/guide/",
            "https://x.example/docs/en-us/visible/",
            "https://x.example/docs/nl-nl/guide/",
            "https://x.example/docs/nl-nl/visible/",
        ],
        "sitemap: {locs:?}"
    );
    assert_contains(
        &site.read("output/sitemap.xml"),
        "<loc>https://x.example/docs/en-us/visible/</loc><lastmod>2023-06-15</lastmod>",
    );
}

// 4. Languages -------------------------------------------------------------------

#[test]
fn html_lang_per_locale_and_fallback_content_in_source_lang() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/both.md", &article("Both", "# Both\n\nEnglish text.\n")),
        (
            "articles/nl-nl/both.md",
            &article("Beide", "# Beide\n\nNederlandse tekst.\n"),
        ),
        (
            "articles/en-us/only-en.md",
            &article("Only English", "# Only English\n\nNot translated yet.\n"),
        ),
    ]);
    build_ok(&site);
    assert_contains(&page(&site, "en-us", "both.md"), "<html lang=\"en-US\"");
    let nl = page(&site, "nl-nl", "both.md");
    assert_contains(&nl, "<html lang=\"nl-NL\"");
    assert_not_contains(article_html(&nl), "lang=\"en-US\"");

    let fallback = page(&site, "nl-nl", "only-en.md");
    assert_contains(&fallback, "<html lang=\"nl-NL\"");
    assert_contains(&fallback, &escape(&theme_string("nl-nl", "fallback_notice")));
    // The English content sits in an element marked as English.
    let wrapped = Regex::new(
        r#"<(div|section|article|main)\s[^>]*\blang="en-US"[^>]*>\s*<h1 id="only-english">Only English</h1>"#,
    )
    .unwrap();
    assert!(
        wrapped.is_match(&fallback),
        "fallback content not wrapped in lang=\"en-US\":\n{fallback}"
    );
}

// 5. YAML errors -------------------------------------------------------------------

const BAD_YAML: &str = "---\ntitle: Broken page\ndescription: [unclosed\nauthor: someone\n---\n# Broken page\n";

fn site_with_bad_yaml() -> Site {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/bad.md", BAD_YAML),
        ("articles/en-us/good.md", &article("Good", "# Good\n")),
        ("articles/nl-nl/good.md", &article("Goed", "# Goed\n")),
    ]);
    site
}

#[test]
fn yaml_error_is_reported_and_the_rest_builds() {
    let site = site_with_bad_yaml();
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 1, "{r}");
    let d = r.one("yaml");
    assert_eq!(d.severity, "error");
    assert_eq!(d.file, "articles/en-us/bad.md");
    assert!(d.column > 0, "{d:?}");
    assert!(page(&site, "en-us", "good.md").contains("<h1 id=\"good\">Good</h1>"));
    assert!(page(&site, "nl-nl", "good.md").contains("<h1 id=\"goed\">Goed</h1>"));
    assert!(!site.exists(&format!("output/{}", page_file("en-us", "bad.md"))));
    assert!(!site.exists(&format!("output/{}", page_file("nl-nl", "bad.md"))));
}

#[test]
fn yaml_error_points_at_the_broken_line() {
    let site = site_with_bad_yaml();
    let r = site.json(&["build"]);
    let d = r.one("yaml");
    assert_eq!((d.line, d.column > 0), (3, true), "{d:?}");
    let human = site.run(&["build"]);
    assert_eq!(human.code, 1, "{human}");
    assert_contains(&human.stderr, "articles/en-us/bad.md:3:");
}

// 6. Invalid UTF-8 -----------------------------------------------------------------

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let site = Site::new(EN);
    // "Café" written in Windows-1252: 0xE9 on line 6, column 4.
    site.write_bytes(
        "articles/en-us/legacy.md",
        b"---\ntitle: Legacy\n---\n# Legacy\n\nCaf\xE9 au lait.\n",
    );
    site.write("articles/en-us/fine.md", &article("Fine", "# Fine\n"));
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 1, "{r}");
    let d = r.one("utf8");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str(), d.line, d.column),
        ("error", "articles/en-us/legacy.md", 6, 4),
        "{d:?}"
    );
    assert_contains(&page(&site, "en-us", "fine.md"), "<h1 id=\"fine\">Fine</h1>");
    assert!(!site.exists(&format!("output/{}", page_file("en-us", "legacy.md"))));
}

// 7. Titles and dates -------------------------------------------------------------

#[test]
fn missing_title_uses_first_h1_and_warns() {
    let site = Site::new(EN);
    site.write(
        "articles/en-us/untitled.md",
        "Intro line.\n\n# Getting started with Relay\n\n## Next\n\n# Second H1\n",
    );
    let r = build_ok(&site);
    let d = r.one("title");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str()),
        ("warning", "articles/en-us/untitled.md")
    );
    let html = page(&site, "en-us", "untitled.md");
    assert_contains(
        &html,
        &format!("<title>Getting started with Relay | {SITE_TITLE}</title>"),
    );
}

#[test]
fn iso_date_warns_with_its_value() {
    let site = Site::new(EN);
    site.write(
        "articles/en-us/dated.md",
        "---\ntitle: Dated\nms.date: 2021-03-04\n---\n# Dated\n",
    );
    let r = build_ok(&site);
    let d = r.one("date");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str(), d.line),
        ("warning", "articles/en-us/dated.md", 3),
        "{d:?}"
    );
    assert_contains(&d.message, "2021-03-04");
    // The ignored date is not shown.
    assert_not_contains(&page(&site, "en-us", "dated.md"), "<time");
}

#[test]
fn deny_warnings_fails_and_quiet_hides_warnings() {
    let site = Site::new(EN);
    site.write(
        "articles/en-us/dated.md",
        "---\ntitle: Dated\nms.date: 2021-03-04\n---\n# Dated\n",
    );
    let r = site.json(&["check", "--deny", "warnings"]);
    assert_eq!(r.code(), 1, "{r}");
    assert_eq!(r.one("date").severity, "error");
    assert_eq!((r.summary("errors"), r.summary("warnings")), (1, 0), "{r}");

    let human = site.run(&["check"]);
    assert_eq!(human.code, 0, "{human}");
    assert_contains(&human.stderr, "articles/en-us/dated.md:3");
    let quiet = site.run(&["check", "-q"]);
    assert_eq!(quiet.code, 0, "{quiet}");
    assert_not_contains(&quiet.stderr, "dated.md");
}

#[test]
fn dates_are_written_the_locale_way() {
    let site = Site::new(EN_NL);
    site.write(
        "articles/en-us/dated.md",
        "---\ntitle: Dated\nms.date: 03/04/2021\n---\n# Dated\n",
    );
    site.write(
        "articles/nl-nl/dated.md",
        "---\ntitle: Gedateerd\nms.date: 03/04/2021\n---\n# Gedateerd\n",
    );
    let r = build_ok(&site);
    assert!(r.with_code("date").is_empty(), "{r}");
    assert_contains(
        &page(&site, "en-us", "dated.md"),
        "<time datetime=\"2021-03-04\">March 4, 2021</time>",
    );
    assert_contains(
        &page(&site, "nl-nl", "dated.md"),
        "<time datetime=\"2021-03-04\">4 maart 2021</time>",
    );
}

// 8. Output folder safety ---------------------------------------------------------

fn small_site() -> Site {
    let site = Site::new(EN);
    site.write_all(&[
        ("articles/en-us/a.md", &article("A", "# A\n")),
        ("articles/en-us/old.md", &article("Old", "# Old\n")),
    ]);
    site
}

/// `build --out OUT --format json` must be refused with exit 2 and change nothing.
#[track_caller]
fn assert_out_refused(site: &Site, out: &std::path::Path) {
    let before = site.snapshot();
    let r = site.json(&["build", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code(), 2, "{r}");
    assert_eq!(r.one("out-dir").severity, "error");
    let after = site.snapshot();
    assert!(
        before == after,
        "a refused build changed files: before {:?}\nafter {:?}",
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
}

#[test]
fn out_refuses_the_site_folder_and_its_parent() {
    let site = small_site();
    assert_out_refused(&site, &site.root);
    assert_out_refused(&site, site.tmp.path());
    assert_out_refused(&site, &site.path("articles"));
    // Spelled relatively, from inside the site.
    assert_out_refused(&site, std::path::Path::new("."));
    assert_out_refused(&site, std::path::Path::new(".."));
    assert!(
        site.exists("polydoc.toml")
            && site.exists("articles/en-us/a.md")
            && site.exists("themes/default/templates/page.html")
    );
}

#[test]
fn out_refuses_a_foreign_non_empty_folder() {
    let site = small_site();
    let foreign = site.outside("mine");
    std::fs::create_dir_all(foreign.join("notes")).unwrap();
    std::fs::write(foreign.join("notes/todo.txt"), "keep me").unwrap();
    assert_out_refused(&site, &foreign);
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes/todo.txt")).unwrap(),
        "keep me"
    );
    assert!(!foreign.join(".polydoc-output").exists());
}

#[test]
fn out_accepts_an_empty_folder_and_replaces_its_own_output() {
    let site = small_site();
    let out = site.outside("out");
    std::fs::create_dir(&out).unwrap();
    let out_s = out.to_str().unwrap();

    let r = site.json(&["build", "--out", out_s]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(out.join(".polydoc-output").is_file());
    assert!(out.join("en-us/old/index.html").is_file());
    assert!(!site.exists("output"), "--out must not also write <site>/output");
    std::fs::write(out.join("en-us/stray.txt"), "stale").unwrap();

    site.remove("articles/en-us/old.md");
    let r = site.json(&["build", "--out", out_s]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(out.join(".polydoc-output").is_file());
    assert!(out.join("en-us/a/index.html").is_file());
    assert!(
        !out.join("en-us/old/index.html").exists(),
        "stale page of a deleted article survived"
    );
    assert!(!out.join("en-us/stray.txt").exists(), "stale file survived");
    // No staging folders left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(site.tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("polydoc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn default_out_is_site_output_and_rebuilds() {
    let site = small_site();
    build_ok(&site);
    assert!(site.exists("output/.polydoc-output"));
    site.remove("articles/en-us/old.md");
    build_ok(&site);
    assert!(site.exists("output/en-us/a/index.html"));
    assert!(!site.exists("output/en-us/old/index.html"));
}

#[test]
fn check_writes_nothing() {
    let site = small_site();
    site.write("articles/en-us/bad.md", BAD_YAML);
    let before = site.snapshot();
    let r = site.json(&["check"]);
    assert_eq!(r.code(), 1, "{r}");
    assert_eq!(r.one("yaml").file, "articles/en-us/bad.md");
    site.write("articles/en-us/bad.md", &article("Fixed", "# Fixed\n"));
    let before_ok = site.snapshot();
    let ok = site.json(&["check"]);
    assert_eq!(ok.code(), 0, "{ok}");
    assert!(before_ok == site.snapshot(), "check wrote files");
    assert!(before.keys().all(|k| !k.starts_with("site/output")));
    assert!(!site.exists("output"));
}

// 9. Configuration errors ---------------------------------------------------------

#[test]
fn unknown_config_key_is_fatal_with_position() {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        "title = \"T\"\nbase_url = \"https://x.example/\"\nsource_locale = \"en-us\"\ncolour = 1\n\n[locales.en-us]\nname = \"English\"\n",
    );
    site.write("articles/en-us/a.md", &article("A", "# A\n"));
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "colour");
    assert_contains(&r.stderr, "polydoc.toml:4");
    assert!(!site.exists("output"));

    let j = site.json(&["check"]);
    assert_eq!(j.code(), 2, "{j}");
    let d = j.one("config");
    assert_eq!((d.file.as_str(), d.line), ("polydoc.toml", 4), "{d:?}");
    assert_contains(&d.message, "colour");
}

#[test]
fn underscore_locale_is_not_bcp47() {
    let site = Site::without_config();
    site.write("polydoc.toml", &config_toml(&[("en_US", "English")], BASE_URL));
    site.write("articles/en_US/a.md", &article("A", "# A\n"));
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 2, "{r}");
    let d = r.one("config");
    assert_contains(&d.message, "en_US");
    assert_contains(&d.message, "BCP 47");
    assert!(!site.exists("output"));
}

// 10. A Learn-shaped machine-translated article --------------------------------

const FAQ_NL: &str = r#"---
title: Veelgestelde vragen over kanaalsynchronisatie in Relay
description: Antwoorden op vragen die beheerders stellen over het synchroniseren van kanalen.
ms.author: kvandijk
author: kimvandijk
manager: mdekker
ms.date: 11/17/2022
ms.topic: article
ms.audience: Admin
ms.service: contoso-relay
ROBOTS: NOINDEX, NOFOLLOW
localization_priority: Normal
ms.collection:
- Relay_Admin
- Strat_Relay_Top
ms.custom:
- "4810021"
- "7731290"
ms.openlocfilehash: 3f9a0c1d5e7b2a4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c
ms.sourcegitcommit: 8c2e4a6b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a
ms.translationtype: MT
ms.contentlocale: nl-NL
ms.lasthandoff: 12/02/2022
ms.locfileid: "148213907"
---
# <a name="channel-sync-faq"></a>Veelgestelde vragen over kanaalsynchronisatie

**Waarom zien andere leden een gewijzigd bestand niet meteen?**

Relay bundelt wijzigingen een paar seconden. Zie [Kanaalinstellingen](https://docs.contoso.example/nl-nl/admin/channels?WT.mc_id=RELAY-DOC-0042#sync-interval) voor het interval.

**Kan ik de synchronisatie van één kanaal pauzeren?**

Ja. Volg de [Zelfstudie](https://docs.contoso.example/nl-nl/tutorial)inschakelen , en kies daarna **Pauzeren**.

Meer achtergrond staat in het [Overzicht](https://docs.contoso.example/en-us/overview?WT.mc_id=RELAY-DOC-0042&ocid=relay_faq#what-relay-does).
"#;

#[test]
fn learn_shaped_machine_translated_article() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        (
            "articles/en-us/admin/sync-faq.md",
            &article("Channel sync FAQ", "# Channel sync FAQ\n\n**Why?**\n\nBecause.\n"),
        ),
        (
            "articles/en-us/admin/channels.md",
            &article(
                "Channel settings",
                "# Channel settings\n\n## Sync interval\n\nFive seconds.\n",
            ),
        ),
        (
            "articles/nl-nl/admin/channels.md",
            &article(
                "Kanaalinstellingen",
                "# Kanaalinstellingen\n\n## <a name=\"sync-interval\"></a>Synchronisatie-interval\n\nVijf seconden.\n",
            ),
        ),
        ("articles/en-us/tutorial.md", &article("Tutorial", "# Tutorial\n")),
        (
            "articles/en-us/overview.md",
            &article("Overview", "# Overview\n\n## What Relay does\n\nIt relays.\n"),
        ),
        ("articles/nl-nl/admin/sync-faq.md", FAQ_NL),
    ]);
    build_ok(&site);
    let html = page(&site, "nl-nl", "admin/sync-faq.md");
    let content = article_html(&html);

    assert_contains(&html, "<html lang=\"nl-NL\"");
    assert_contains(&html, "<meta name=\"robots\" content=\"noindex, nofollow\">");
    assert_contains(
        &html,
        "<title>Veelgestelde vragen over kanaalsynchronisatie in Relay | Relay Test Docs</title>",
    );
    assert_contains(
        content,
        "<h1 id=\"channel-sync-faq\">Veelgestelde vragen over kanaalsynchronisatie</h1>",
    );
    assert_not_contains(content, "<a name");
    assert_contains(
        content,
        "<p><strong>Waarom zien andere leden een gewijzigd bestand niet meteen?</strong></p>",
    );
    assert_contains(
        content,
        "<p><strong>Kan ik de synchronisatie van één kanaal pauzeren?</strong></p>",
    );
    assert_contains(content, &escape(&theme_string("nl-nl", "mt_notice")));
    assert_contains(&html, "<time datetime=\"2022-11-17\">17 november 2022</time>");

    let links = hrefs(content);
    let has = |suffix: &str| links.iter().any(|h| h.ends_with(suffix));
    assert!(has("?WT.mc_id=RELAY-DOC-0042#sync-interval"), "{links:?}");
    assert!(
        has("?WT.mc_id=RELAY-DOC-0042&amp;ocid=relay_faq#what-relay-does"),
        "{links:?}"
    );
    assert!(!links.iter().any(|h| h.contains("&ocid")), "unescaped & in {links:?}");
    let mt_link = Regex::new(r#"<a href="[^"]+">Zelfstudie</a>inschakelen ,"#).unwrap();
    assert!(mt_link.is_match(content), "{content}");

    // The source-language page of a MT article carries no MT notice.
    assert_not_contains(
        &page(&site, "en-us", "admin/sync-faq.md"),
        &escape(&theme_string("en-us", "mt_notice")),
    );
}

// 11. CLI help -----------------------------------------------------------------------

#[track_caller]
fn help(args: &[&str]) -> String {
    let r = run_in(&std::env::temp_dir(), args);
    assert_eq!(r.code, 0, "{r}");
    r.stdout
}

#[test]
fn help_mentions_every_command_and_option() {
    let top = help(&["--help"]);
    for word in ["build", "check", "--help", "--version"] {
        assert_contains(&top, word);
    }
    let build = help(&["build", "--help"]);
    for word in [
        "[SITE]", "--out", "--format", "human", "json", "--deny", "warnings", "--quiet", "-q", "--help",
    ] {
        assert_contains(&build, word);
    }
    let check = help(&["check", "--help"]);
    for word in [
        "[SITE]", "--format", "human", "json", "--deny", "warnings", "--quiet", "-q", "--help",
    ] {
        assert_contains(&check, word);
    }
    assert_not_contains(&check, "--out");
}

// 12. Code and tables -----------------------------------------------------------------

#[test]
fn code_is_highlighted_with_classes_and_tables_render() {
    let site = Site::new(EN);
    let body = "# Code\n\n```rust\nfn main() { let x = \"<hi>\"; }\n```\n\n```json\n{\"channel\": \"pricing\", \"paused\": false}\n```\n\n\
```\nplain <text>\n```\n\n| Option | Default |\n|--------|---------|\n| `interval` | 5 |\n| paused | no |\n";
    site.write("articles/en-us/code.md", &article("Code", body));
    build_ok(&site);
    let html = page(&site, "en-us", "code.md");
    let content = article_html(&html);
    let pres: Vec<&str> = Regex::new(r"(?s)<pre\b.*?</pre>")
        .unwrap()
        .find_iter(content)
        .map(|m| m.as_str())
        .collect();
    assert_eq!(pres.len(), 3, "{content}");
    for pre in &pres[..2] {
        assert!(pre.contains("class=\"hl-"), "not highlighted: {pre}");
    }
    assert_not_contains(content, "style=");
    assert_contains(pres[0], "&lt;hi&gt;");
    assert_contains(pres[2], "plain &lt;text&gt;");
    assert_contains(content, "<table>");
    assert_contains(content, "<th>Option</th>");
    assert_contains(content, "<td><code>interval</code></td>");
    assert_contains(content, "<td>paused</td>");
    assert_contains(content, "<td>5</td>");
}
