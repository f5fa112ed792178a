//! Navigation from toc.yml / TOC.md: the sidebar, breadcrumbs and
//! previous/next of real pages in two locales, and TOC entries that point
//! nowhere reported like any broken link.

mod common;

use common::*;

const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];

const TOC: &str = "items:\n- name: Overview\n  href: index.md\n- name: Get started\n  expanded: true\n  items:\n  - name: Install\n    href: install.md\n  - name: Configure\n    href: guide/toc.yml\n    topicHref: guide/configure.md\n- name: Reference\n  href: reference/\n- name: Contoso\n  href: https://contoso.example/\n";

fn nav_site() -> Site {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/toc.yml", TOC),
        (
            "articles/en-us/guide/toc.yml",
            "- name: Limits\n  href: limits.md\n- name: Tuning\n  href: tuning.md\n",
        ),
        ("articles/en-us/reference/toc.yml", "- name: CLI\n  href: cli.md\n"),
        ("articles/en-us/index.md", &article("Overview", "# Overview\n")),
        ("articles/en-us/install.md", &article("Install Relay", "# Install\n")),
        (
            "articles/en-us/guide/configure.md",
            &article("Configure", "# Configure\n"),
        ),
        ("articles/en-us/guide/limits.md", &article("Limits", "# Limits\n")),
        ("articles/en-us/guide/tuning.md", &article("Tuning", "# Tuning\n")),
        ("articles/en-us/reference/cli.md", &article("CLI", "# CLI\n")),
        (
            "articles/nl-nl/install.md",
            &article("Relay installeren", "# Installeren\n"),
        ),
        ("articles/nl-nl/guide/limits.md", &article("Limieten", "# Limieten\n")),
    ]);
    site
}

/// The part of a page between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let s = html.find(start).unwrap_or_else(|| panic!("no {start} in:\n{html}"));
    let e = html[s..].find(end).map_or(html.len(), |i| s + i + end.len());
    &html[s..e]
}

#[test]
fn sidebar_marks_the_current_page_and_opens_its_branch() {
    let site = nav_site();
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = site.read("output/en-us/guide/limits/index.html");
    assert_contains(&html, "<div class=\"site-body has-nav\">");
    assert_eq!(
        between(&html, "<nav class=\"site-nav\"", "</nav>"),
        "<nav class=\"site-nav\" id=\"pd-nav\" aria-label=\"Table of contents\">\n    <ul>\n\
<li class=\"\"><a href=\"../../\">Overview</a></li>\n\
<li class=\" nav-open\"><span class=\"nav-group\">Get started</span><ul>\n\
<li class=\"\"><a href=\"../../install/\">Install</a></li>\n\
<li class=\" nav-open\"><a href=\"../configure/\">Configure</a><ul>\n\
<li class=\"nav-current\"><a href=\"./\" aria-current=\"page\">Limits</a></li>\n\
<li class=\"\"><a href=\"../tuning/\">Tuning</a></li>\n</ul></li>\n</ul></li>\n\
<li class=\"\"><a href=\"../../reference/cli/\">Reference</a></li>\n\
<li class=\"\"><a href=\"https://contoso.example/\">Contoso</a></li>\n</ul>\n  </nav>"
    );
    assert_eq!(
        between(&html, "<nav class=\"breadcrumbs\"", "</nav>"),
        "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\">\n        <ol>\n          <li>Get started</li>\n          <li><a href=\"../configure/\">Configure</a></li>\n          <li><span aria-current=\"page\">Limits</span></li>\n        </ol>\n      </nav>"
    );
    assert_eq!(
        between(&html, "<nav class=\"prev-next\"", "</nav>"),
        "<nav class=\"prev-next\" aria-label=\"Previous / Next\">\n        <a class=\"prev-next-card prev\" rel=\"prev\" href=\"../configure/\"><span class=\"prev-next-label\">Previous</span> <span class=\"prev-next-title\">Configure</span></a>\n        <a class=\"prev-next-card next\" rel=\"next\" href=\"../tuning/\"><span class=\"prev-next-label\">Next</span> <span class=\"prev-next-title\">Tuning</span></a>\n      </nav>"
    );
}

#[test]
fn collapsed_branches_are_not_listed_and_the_first_page_has_no_previous() {
    let site = nav_site();
    site.json(&["build"]);
    let html = site.read("output/en-us/index.html");
    let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
    assert_not_contains(nav, "Limits");
    assert_contains(
        nav,
        "<li class=\"nav-current\"><a href=\"./\" aria-current=\"page\">Overview</a></li>",
    );
    let pn = between(&html, "<nav class=\"prev-next\"", "</nav>");
    assert_not_contains(pn, "rel=\"prev\"");
    assert_contains(pn, "<a class=\"prev-next-card next\" rel=\"next\" href=\"install/\">");
}

#[test]
fn without_a_translated_toc_names_come_from_translated_titles() {
    let site = nav_site();
    site.json(&["build"]);
    let html = site.read("output/nl-nl/guide/limits/index.html");
    let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
    assert_contains(nav, "<a href=\"../../install/\">Relay installeren</a>");
    assert_contains(nav, "<a href=\"./\" aria-current=\"page\">Limieten</a>");
    // Untranslated pages keep the source TOC's name.
    assert_contains(nav, "<a href=\"../tuning/\">Tuning</a>");
}

#[test]
fn a_translated_toc_supplies_its_own_names() {
    let site = nav_site();
    site.write(
        "articles/nl-nl/toc.yml",
        "items:\n- name: Overzicht\n  href: index.md\n- name: Aan de slag\n  items:\n  - name: Installatie\n    href: install.md\n",
    );
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = site.read("output/nl-nl/install/index.html");
    let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
    assert_contains(nav, "<span class=\"nav-group\">Aan de slag</span>");
    assert_contains(nav, "<a href=\"./\" aria-current=\"page\">Installatie</a>");
}

#[test]
fn toc_md_works_like_toc_yml() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        (
            "articles/en-us/TOC.md",
            "# [Welcome](index.md)\n## Basics\n### [Step one](one.md)\n### [Step two](two.md)\n",
        ),
        ("articles/en-us/index.md", &article("Welcome", "# Welcome\n")),
        ("articles/en-us/one.md", &article("One", "# One\n")),
        ("articles/en-us/two.md", &article("Two", "# Two\n")),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert!(!site.exists("output/en-us/TOC/index.html"), "TOC.md is not a page");
    let html = site.read("output/en-us/two/index.html");
    assert_contains(
        &html,
        "<li class=\"nav-current\"><a href=\"./\" aria-current=\"page\">Step two</a></li>",
    );
    assert_contains(
        &html,
        "<a class=\"prev-next-card prev\" rel=\"prev\" href=\"../one/\"><span class=\"prev-next-label\">Previous</span> <span class=\"prev-next-title\">Step one</span></a>",
    );
    assert_contains(&html, "<li><a href=\"../\">Welcome</a></li>\n          <li>Basics</li>");
}

#[test]
fn toc_entries_that_go_nowhere_are_link_errors_at_their_line() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        (
            "articles/en-us/toc.yml",
            "- name: Home\n  href: index.md\n- name: Gone\n  href: gone.md\n- name: Nested\n  href: sub/toc.yml\n",
        ),
        ("articles/en-us/TOC.md", "# [Ignored](x.md)\n"),
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
    ]);
    let r = site.json(&["check"]);
    let gone = r.with_code("link-missing-file");
    assert_eq!(gone.len(), 2, "{r}");
    assert_eq!(
        (gone[0].file.as_str(), gone[0].line, gone[0].column),
        ("articles/en-us/toc.yml", 4, 9)
    );
    assert!(gone[0].message.contains("gone.md"), "{}", gone[0].message);
    assert_eq!((gone[1].line, gone[1].column), (6, 9));
    assert!(gone[1].message.contains("sub/toc.yml"), "{}", gone[1].message);
    assert_eq!(r.code(), 1);
}
