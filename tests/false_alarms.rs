//! False alarms: links and files that work on Microsoft Learn must not be
//! reported as broken. Each test is one class of false alarm found on real
//! DocFX repositories, on a fixture written for it.

mod common;
use common::*;

/// Every file under `dir` (relative paths, `/`-separated).
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn letter_case_links_resolve_to_the_real_page_at_a_lower_case_url() {
    let site = Site::new(&[("en-us", "English"), ("de-de", "Deutsch")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        (
            "articles/en-us/Guide/Set-Up.md",
            &article("Set up", "# Set up\n\n## Install\n\n![pic](media/Pic.png)\n"),
        ),
        ("articles/en-us/Guide/media/Pic.png", "png"),
        (
            "articles/en-us/Guide/Old-Page.md",
            "---\ntitle: Old\nredirect_url: Set-Up\n---\n# Old\n",
        ),
        (
            "articles/en-us/links.md",
            &article(
                "Links",
                "# Links\n\n[exact](Guide/Set-Up.md)\n\n[lower](guide/set-up.md#install)\n\n[folder](GUIDE/set-up)\n\n![img](guide/media/pic.png)\n\n[redirected](guide/old-page.md)\n",
            ),
        ),
        ("articles/en-us/TOC.md", "# [Home](index.md)\n# [Set up](guide/set-up.md)\n"),
        ("articles/de-de/index.md", &article("Start", "# Start\n")),
        (
            "articles/de-de/Guide/Set-Up.md",
            &article("Einrichten", "# Einrichten\n\n## <a name=\"install\"></a>Installieren\n"),
        ),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "case-only differences are warnings:\n{r}");
    assert!(r.errors().is_empty(), "{r}");
    let case = r.with_code("link-case");
    // guide/set-up.md, GUIDE/set-up, guide/media/pic.png, guide/old-page.md
    // in links.md, and guide/set-up.md in the TOC.
    assert_eq!(case.len(), 5, "{r}");
    assert!(case.iter().all(|d| d.severity == "warning"), "{r}");
    let lower = case
        .iter()
        .find(|d| d.file == "articles/en-us/links.md" && d.line == 8)
        .unwrap();
    assert_eq!(lower.column, 1);
    assert!(lower.message.contains("`Guide/Set-Up.md`"), "{}", lower.message);
    assert_eq!(
        lower.help.as_deref().map(|h| h.starts_with("write `Guide/Set-Up.md`")),
        Some(true)
    );
    let toc = case.iter().find(|d| d.file == "articles/en-us/TOC.md").unwrap();
    assert_eq!((toc.line, toc.column), (2, 12));

    // Pages are published at lower-case URL paths in every locale.
    let out = files_under(&site.path("output"));
    for f in [
        "en-us/guide/set-up/index.html",
        "de-de/guide/set-up/index.html",
        "en-us/links/index.html",
    ] {
        assert!(out.contains(&f.to_string()), "no {f} in {out:?}");
    }
    assert!(
        !out.iter().any(|f| f.ends_with("index.html") && f.contains("Set-Up")),
        "{out:?}"
    );
    // The redirected page's old URL is lower case too, and goes to the new one.
    let redirect = site.read("output/en-us/guide/old-page/index.html");
    assert_contains(&redirect, "../set-up/");
    // Assets keep their file names.
    assert!(out.contains(&"en-us/Guide/media/Pic.png".to_string()), "{out:?}");

    // Every link is written as the real page's URL.
    let html = site.read("output/en-us/links/index.html");
    assert_eq!(
        hrefs(article_html(&html)),
        [
            "../guide/set-up/",
            "../guide/set-up/#install",
            "../guide/set-up/",
            "../guide/set-up/",
        ]
    );
    assert_contains(article_html(&html), "src=\"../Guide/media/Pic.png\"");
    let nav = site.read("output/en-us/guide/set-up/index.html");
    assert_contains(&nav, "aria-current=\"page\">Set up</a>");
    // The German page's own image and the fallback page's links.
    let de = site.read("output/de-de/links/index.html");
    assert_eq!(hrefs(article_html(&de))[1], "../guide/set-up/#install");
    let img = site.read("output/en-us/guide/set-up/index.html");
    assert_contains(article_html(&img), "src=\"../../Guide/media/Pic.png\"");

    // The sitemap, hreflang alternates and canonical URLs agree.
    let sitemap = site.read("output/sitemap.xml");
    assert_contains(&sitemap, "https://docs.contoso.example/en-us/guide/set-up/");
    assert_contains(&sitemap, "https://docs.contoso.example/de-de/guide/set-up/");
    assert_not_contains(&sitemap, "Set-Up");
    assert_contains(
        &nav,
        "<link rel=\"canonical\" href=\"https://docs.contoso.example/en-us/guide/set-up/\"",
    );
    assert_not_contains(&nav, "/Guide/Set-Up/");
    // The search index points at the published URLs.
    let search: String = files_under(&site.path("output/_search/en-us"))
        .iter()
        .map(|f| site.read(&format!("output/_search/en-us/{f}")))
        .collect();
    assert_contains(&search, "guide/set-up/");
    assert_not_contains(&search, "Guide/Set-Up");

    // With --deny warnings the same site fails.
    assert_eq!(site.run(&["check", "--deny", "warnings"]).code, 1);
}

#[test]
fn pages_differing_only_in_case_are_a_url_conflict() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/Setup.md", &article("A", "# A\n")),
        ("articles/en-us/setup.md", &article("B", "# B\n")),
    ]);
    let r = site.json(&["check"]);
    let d = r.one("url-conflict");
    assert!(d.message.contains("`setup/`"), "{}", d.message);
    assert_eq!(r.code(), 1);
}
