//! Links: every link kind resolved to its exact output href in two locales,
//! and every diagnostic with its position.

mod common;
use common::*;

const SETUP_EN: &str = "---\ntitle: Set up\nuid: relay.setup\nms.custom:\n- \"9001\"\n---\n# Set up\n\n## Prerequisites\n\n## Install\n\n## Prerequisites\n\n## Uninstall\n";
const SETUP_NL: &str = "---\ntitle: Instellen\nuid: relay.setup\nms.custom:\n- \"9001\"\n---\n# <a name=\"set-up\"></a>Instellen\n\n## <a name=\"prerequisites\"></a>Vereisten\n\n## <a name=\"install\"></a>Installeren\n\n## <a name=\"prerequisites\"></a>Vereisten\n\n## <a name=\"verwijderen\"></a>Verwijderen\n";

const POLICY: &str = r#"---
title: Policy
---
# Policy

## Overview

[a](setup.md) [b](../guide/setup) [c](~/guide/setup.md#install) [d](/guide/setup)
[e](/azure/foo?x=1) [f](https://docs.contoso.example/guide/setup?WT.mc_id=x#install)
[g](https://docs.contoso.example/nl-nl/guide/setup) [h](https://docs.contoso.example/azure/x)
[i](xref:relay.setup) <xref:relay.setup> ![j](media/pic.png) [k](#overview)
[l](setup.md?tabs=win#install) ![m](.\media\pic.png) <a href="setup.md#install">n</a>
[o](untranslated.md) [p](setup.md#prerequisites-1) [q](setup.md#uninstall) [r](../old.md)
[s](mailto:docs@contoso.example)
"#;

fn link_site() -> Site {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/guide/setup.md", SETUP_EN),
        ("articles/nl-nl/guide/setup.md", SETUP_NL),
        ("articles/en-us/guide/policy.md", POLICY),
        (
            "articles/en-us/guide/untranslated.md",
            &article("Untranslated", "# Untranslated\n"),
        ),
        (
            "articles/en-us/old.md",
            "---\ntitle: Old\nredirect_url: /guide/setup\n---\n# Old\n",
        ),
        ("articles/en-us/guide/media/pic.png", "png"),
    ]);
    site
}

fn hrefs_in_article(site: &Site, file: &str) -> Vec<String> {
    hrefs(article_html(&site.read(&format!("output/{file}"))))
}

const EXPECTED_EN: [&str; 19] = [
    "../setup/",
    "../setup/",
    "../setup/#install",
    "../setup/",
    "https://docs.contoso.example/en-us/azure/foo?x=1",
    "../setup/?WT.mc_id=x#install",
    "../setup/",
    "https://docs.contoso.example/azure/x",
    "../setup/",
    "../setup/",
    "#overview",
    "../setup/?tabs=win#install",
    "../setup/#install",
    "../untranslated/",
    "../setup/#prerequisites-1",
    "../setup/#uninstall",
    "../setup/",
    "mailto:docs@contoso.example",
    // images are src=, checked separately
    "",
];

#[test]
fn every_link_kind_resolves_in_both_locales() {
    let site = link_site();
    let report = site.json(&["build"]);
    let en = hrefs_in_article(&site, "en-us/guide/policy/index.html");
    let want: Vec<&str> = EXPECTED_EN.iter().copied().filter(|s| !s.is_empty()).collect();
    assert_eq!(en, want, "{report}");

    // nl-nl has no policy.md: its fallback page resolves every link in nl-nl.
    let nl = hrefs_in_article(&site, "nl-nl/guide/policy/index.html");
    let want_nl: Vec<String> = want.iter().map(|h| h.replace("/en-us/azure", "/nl-nl/azure")).collect();
    assert_eq!(nl, want_nl);

    // Images: in en-us next to the page, in nl-nl from the source locale's tree.
    let en_html = site.read("output/en-us/guide/policy/index.html");
    assert_contains(&en_html, "<img src=\"../media/pic.png\" alt=\"j\">");
    assert_contains(&en_html, "<img src=\"../media/pic.png\" alt=\"m\">");
    let nl_html = site.read("output/nl-nl/guide/policy/index.html");
    assert_contains(&nl_html, "<img src=\"../../../en-us/guide/media/pic.png\" alt=\"j\">");
    assert!(!site.exists("output/nl-nl/guide/media/pic.png"));
}

#[test]
fn link_diagnostics_are_exact_and_only_real_problems() {
    let site = link_site();
    // `build` reports exactly what `check` does, and still writes the site.
    let report = site.json(&["build"]);
    assert_eq!(report.code(), 1, "{report}");
    assert_eq!(report.diagnostics.len(), site.json(&["check"]).diagnostics.len());

    // The backslash path works with a warning at its position.
    let b = report.one("link-backslash");
    assert_eq!(
        (b.file.as_str(), b.line, b.column),
        ("articles/en-us/guide/policy.md", 12, 32)
    );
    // (Browsers read a `\` in a web address as `/`: the help says what
    // actually breaks, no more.)
    assert_contains(
        b.help.as_deref().unwrap_or_default(),
        "a `\\` works only where a browser or a DocFX-style build rewrites it",
    );
    // A link to a redirected page is rewritten with a warning.
    let r = report.one("link-redirected");
    assert_eq!((r.line, r.column), (13, 76), "{report}");
    // The translation repeats an anchor: repaired with the source's suffix.
    let d = report.one("duplicate-anchor");
    assert_eq!((d.file.as_str(), d.line), ("articles/nl-nl/guide/setup.md", 13));
    assert!(d.message.contains("prerequisites-1"), "{}", d.message);
    let nl_setup = site.read("output/nl-nl/guide/setup/index.html");
    assert_eq!(
        heading_ids(article_html(&nl_setup))
            .into_iter()
            .map(|(_, id)| id)
            .collect::<Vec<_>>(),
        ["set-up", "prerequisites", "install", "prerequisites-1", "verwijderen"]
    );
    // The translator renamed `uninstall`: reported once, against the translation.
    let t = report.one("link-anchor-translation");
    assert_eq!(t.file, "articles/nl-nl/guide/setup.md");
    // At the heading that took the anchor's place (never line 0), and the help
    // names that heading's ID, not `install`, which the source page has too.
    assert_eq!((t.line, t.column), (15, 1), "{report}");
    let help = t.help.as_deref().unwrap_or("");
    assert!(help.contains("now using `#verwijderen`"), "{help}");
    assert!(
        t.message.contains("#uninstall") && t.message.contains("articles/en-us/guide/policy.md:13:"),
        "{}",
        t.message
    );
    assert_eq!(
        report.errors().len(),
        1,
        "only the renamed anchor is an error:\n{report}"
    );

    let links = &report.json["summary"]["stats"]["links"];
    assert_eq!(links["fallback"], 1, "{report}");
    assert_eq!(links["redirected"], 2, "{report}");
    assert!(links["external"].as_u64().unwrap() >= 4, "{report}");
}

#[test]
fn broken_links_name_reason_position_and_suggestion() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/guide/setup.md", SETUP_EN),
        (
            "articles/en-us/guide/broken.md",
            "---\ntitle: Broken\n---\n# Broken\n\n[missing](setpu.md)\n\nSee [anchor](setup.md#instal).\n\n[case](Setup.md)\n\n[outside](../../x.md)\n\n[uid](xref:relay.stup)\n\n[self](#nowhere)\n",
        ),
    ]);
    let report = site.json(&["check"]);
    assert_eq!(report.code(), 1);
    let at = |code: &str| {
        let d = report.one(code);
        assert_eq!(d.file, "articles/en-us/guide/broken.md");
        (d.line, d.column, d.help.clone().unwrap_or_default(), d.message.clone())
    };
    let (l, c, help, msg) = at("link-missing-file");
    assert_eq!((l, c), (6, 1));
    assert!(msg.contains("\"missing\"") && msg.contains("setpu.md"), "{msg}");
    assert_eq!(help, "did you mean `setup.md`?");
    // A link that differs only in letter case works (as on Learn): a warning.
    let (l, c, help, _) = at("link-case");
    assert_eq!((l, c), (10, 1));
    assert_eq!(report.one("link-case").severity, "warning");
    assert!(help.contains("`setup.md`"), "{help}");
    let (l, c, _, _) = at("link-outside");
    assert_eq!((l, c), (12, 1));
    let (l, c, help, _) = at("link-xref");
    assert_eq!((l, c), (14, 1));
    assert_eq!(help, "did you mean `xref:relay.setup`?");
    let anchors = report.with_code("link-anchor");
    assert_eq!(anchors.len(), 2, "{report}");
    assert_eq!((anchors[0].line, anchors[0].column), (8, 5));
    assert_eq!(anchors[0].help.as_deref(), Some("did you mean `#install`?"));
    assert_eq!((anchors[1].line, anchors[1].column), (16, 1));
    assert_eq!(report.errors().len(), 5, "{report}");

    // Human output has file:line:column and the source line.
    let human = site.run(&["check"]);
    assert_contains(&human.stderr, "--> articles/en-us/guide/broken.md:8:5");
    assert_contains(&human.stderr, "See [anchor](setup.md#instal).");
}

#[test]
fn deny_warnings_fails_on_a_warning() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/a.md", &article("A", "# A\n\n![x](.\\media\\x.png)\n")),
        ("articles/en-us/media/x.png", "png"),
    ]);
    assert_eq!(site.run(&["check"]).code, 0);
    assert_eq!(site.run(&["check", "--deny", "warnings"]).code, 1);
}

#[test]
fn article_ids_get_short_urls_and_duplicates_are_errors() {
    let site = link_site();
    site.run(&["build"]);
    assert_contains(&site.read("output/nl-nl/go/9001/index.html"), "../../guide/setup/");
    let ids: serde_json::Value = serde_json::from_str(&site.read("output/nl-nl/ids.json")).unwrap();
    assert_eq!(ids["9001"], "nl-nl/guide/setup/");

    site.write(
        "articles/en-us/other.md",
        "---\ntitle: Other\nms.custom: \"9001\"\n---\n# Other\n",
    );
    let report = site.json(&["check"]);
    let d = report.one("article-id-duplicate");
    assert!(
        d.message.contains("9001") && (d.message.contains("setup.md") || d.message.contains("other.md")),
        "{}",
        d.message
    );
}

#[test]
fn redirect_file_chains_and_loops() {
    let site = link_site();
    site.write(
        ".openpublishing.redirection.json",
        "{\n\u{a0}\"redirections\": [\n  {\"source_path\": \"articles/en-us/legacy.md\", \"redirect_url\": \"/chain\", \"redirect_document_id\": false},\n  {\"source_path\": \"articles/en-us/chain.md\", \"redirect_url\": \"/guide/policy\"},\n  {\"source_path\": \"articles/en-us/loop1.md\", \"redirect_url\": \"/loop2\"},\n  {\"source_path\": \"articles/en-us/loop2.md\", \"redirect_url\": \"/loop1\"},\n]\n}\n",
    );
    let report = site.json(&["build"]);
    report.one("redirects-lenient");
    let chain = report.one("redirect-chain");
    assert!(
        chain.message.contains("legacy.md -> chain.md -> guide/policy.md"),
        "{}",
        chain.message
    );
    assert_eq!(report.with_code("redirect-loop").len(), 2, "{report}");
    // The redirect pages exist in every locale and go to the final page.
    assert_contains(&site.read("output/nl-nl/legacy/index.html"), "../guide/policy/");
    assert_contains(&site.read("output/en-us/old/index.html"), "../guide/setup/");
}

#[test]
fn redirect_pages_are_the_template_s_own_or_the_built_in_one() {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        ("articles/en-us/guide/setup.md", SETUP_EN),
        ("articles/nl-nl/guide/setup.md", SETUP_NL),
    ]);
    let report = site.json(&["build"]);
    assert_eq!(report.errors().len(), 0, "{report}");
    // The built-in template: the target printed four times, escaped, the
    // locale's words and language around it.
    let built_in = site.read("output/nl-nl/go/9001/index.html");
    assert_contains(&built_in, "<html lang=\"nl-NL\" dir=\"ltr\">");
    assert_contains(&built_in, "<title>U wordt doorgestuurd…</title>");
    assert_eq!(built_in.matches("\"../../guide/setup/\"").count(), 2, "{built_in}");
    assert_contains(&built_in, "url=../../guide/setup/\">");
    assert_contains(&built_in, ">../../guide/setup/</a>");
    // A theme's own redirect page, doing more with the target than printing
    // it, is rendered by Tera.
    site.write(
        "themes/default/templates/redirect.html",
        "<p lang=\"{{ locale.lang }}\">{{ t.redirecting }} {{ target | upper }} {{ static_path }}</p>\n",
    );
    let report = site.json(&["build"]);
    assert_eq!(report.errors().len(), 0, "{report}");
    assert_eq!(
        site.read("output/nl-nl/go/9001/index.html"),
        "<p lang=\"nl-NL\">U wordt doorgestuurd… ../../GUIDE/SETUP/ ../../../_static/</p>\n"
    );
}

#[test]
fn site_under_a_base_path() {
    let site = Site::with_base_url(&[("en-us", "English")], "https://docs.contoso.example/relay/");
    site.write_all(&[
        (
            "articles/en-us/a.md",
            &article(
                "A",
                "# A\n\n[b](/relay/b) [c](https://docs.contoso.example/relay/en-us/b) [d](/other/x)\n",
            ),
        ),
        ("articles/en-us/b.md", &article("B", "# B\n")),
    ]);
    let report = site.json(&["build"]);
    assert_eq!(report.code(), 0, "{report}");
    assert_eq!(
        hrefs_in_article(&site, "en-us/a/index.html"),
        ["../b/", "../b/", "https://docs.contoso.example/en-us/other/x"]
    );
}
