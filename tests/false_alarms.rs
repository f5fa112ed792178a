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

#[test]
fn toc_md_group_labels_with_empty_links_are_labels() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        (
            "articles/en-us/TOC.md",
            "# [Home](index.md)\n## [Basics]()\n### [Step one](one.md)\n## [ Advanced ]( )\n### [Step two](two.md)\n",
        ),
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/one.md", &article("One", "# One\n")),
        ("articles/en-us/two.md", &article("Two", "# Two\n")),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = site.read("output/en-us/two/index.html");
    assert_contains(&html, "<span class=\"nav-group\">Basics</span>");
    assert_contains(&html, "<span class=\"nav-group\"> Advanced </span>");
    assert_contains(&html, "aria-current=\"page\">Step two</a>");
}

#[test]
fn query_only_and_fragment_only_hrefs_are_the_same_page() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[(
        "articles/en-us/page.md",
        &article(
            "Page",
            "# Page\n\n## Install\n\n[a](?view=net-8#install) [b](?tabs=cli)\n\n[c](?view=net-8#nowhere)\n",
        ),
    )]);
    let r = site.json(&["build"]);
    let d = r.one("link-anchor");
    assert_eq!((d.file.as_str(), d.line, d.column), ("articles/en-us/page.md", 10, 1));
    assert!(d.message.contains("#nowhere"), "{}", d.message);
    assert_eq!(r.diagnostics.len(), 1, "{r}");
    let html = site.read("output/en-us/page/index.html");
    assert_eq!(
        hrefs(article_html(&html)),
        ["?view=net-8#install", "?tabs=cli", "?view=net-8#nowhere"]
    );
}

const LANDING_HOME: &str = "### YamlMime:Landing\n\ntitle: Home\nsummary: Start here.\n\nlandingContent:\n  - title: Start\n    linkLists:\n      - linkListType: overview\n        links:\n          - text: New\n            url: new.md\n";

/// Two repositories beside the site folder, each with its docset in `docs/`,
/// as Microsoft's localized repositories are laid out.
fn two_repositories() -> Site {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        "title = \"Relay\"\nbase_url = \"https://docs.contoso.example/\"\nsource_locale = \"en-us\"\ntheme = \"default\"\nhosts = [\"docs.contoso.example\"]\n\n[locales.en-us]\nname = \"English\"\npath = \"../repo/docs\"\n\n[locales.de-de]\nname = \"Deutsch\"\npath = \"../repo.de-de/docs\"\n",
    );
    site.write_all(&[
        (
            "../repo/.openpublishing.publish.config.json",
            r#"{ "docsets_to_publish": [ { "docset_name": "relay", "build_source_folder": "docs",
                 "redirection_files": ["redirects/.openpublishing.redirection.extra.json"] } ] }"#,
        ),
        (
            "../repo/.openpublishing.redirection.json",
            r#"{ "redirections": [
  { "source_path": "docs/old.md", "redirect_url": "/new", "redirect_document_id": false },
  { "source_path": "docs/gone.md", "redirect_url": "index" },
  { "source_path": "other-docset/x.md", "redirect_url": "/elsewhere" }
] }"#,
        ),
        (
            "../repo/redirects/.openpublishing.redirection.extra.json",
            r#"{ "redirections": [ { "source_path_from_root": "/docs/extra.md", "redirect_url": "/new" } ] }"#,
        ),
        ("../repo/docs/index.yml", LANDING_HOME),
        ("../repo/docs/new.md", &article("New", "# New\n\n## Install\n")),
        (
            "../repo/docs/sub/links.md",
            &article(
                "Links",
                "# Links\n\n[old](../old.md) [gone](../gone.md#top) [extra](../extra.md)\n\n[back in](../../docs/new.md#install)\n",
            ),
        ),
        ("../repo.de-de/.git/HEAD", "ref: refs/heads/live\n"),
        (
            "../repo.de-de/.openpublishing.redirection.json",
            r#"{ "redirections": [
  { "source_path": "docs/legacy.md", "redirect_url": "/new" },
  { "source_path": "docs/new.md", "redirect_url": "/old" }
] }"#,
        ),
        ("../repo.de-de/docs/new.md", &article("Neu", "# Neu\n\n## <a name=\"install\"></a>Installieren\n")),
        ("../repo.de-de/docs/alt.md", &article("Alt", "# Alt\n\n[legacy](legacy.md)\n")),
    ]);
    site
}

#[test]
fn redirection_files_are_found_at_each_repository_root() {
    let site = two_repositories();
    let r = site.json(&["build"]);
    assert!(r.errors().is_empty(), "{r}");
    // Links to redirected pages go straight to the target, with a warning each.
    let redirected = r.with_code("link-redirected");
    assert_eq!(redirected.len(), 4, "{r}");
    // Never an absolute path in the report: the locale trees beside the
    // site are named relative to it.
    assert!(
        r.diagnostics
            .iter()
            .all(|d| !d.file.starts_with('/') && !d.message.contains(&*site.tmp.path().to_string_lossy())),
        "{r}"
    );
    assert!(
        redirected
            .iter()
            .any(|d| d.file == "../repo/docs/sub/links.md" && d.line == 6),
        "{r}"
    );
    assert!(redirected.iter().any(|d| d.file == "../repo.de-de/docs/alt.md"), "{r}");
    let links = site.read("output/en-us/sub/links/index.html");
    assert_eq!(
        hrefs(article_html(&links)),
        ["../../new/", "../../#top", "../../new/", "../../new/#install"]
    );
    // Redirect pages from the repository's files, in every locale.
    for (dir, target) in [("old", "../new/"), ("gone", "../"), ("extra", "../new/")] {
        for locale in ["en-us", "de-de"] {
            let html = site.read(&format!("output/{locale}/{dir}/index.html"));
            assert_contains(&html, &format!("<link rel=\"canonical\" href=\"{target}\">"));
        }
    }
    // The translation's repository adds its own rule, but never redirects a
    // page the source publishes.
    assert_contains(&site.read("output/de-de/legacy/index.html"), "href=\"../new/\"");
    assert_contains(&site.read("output/de-de/new/index.html"), "Installieren");

    // Human output names the file the same way and shows its line.
    let human = site.run(&["check"]);
    assert_contains(&human.stderr, "--> ../repo/docs/sub/links.md:6:1");
    assert_contains(&human.stderr, "[old](../old.md)");
}

const DOCFX_TRAILING_COMMA: &str = r#"{
  "build": {
    "content": [
      { "files": ["**/*.md"], "exclude": ["archive/**", "drafts/*.md"], },
    ],
  }
}
"#;

#[test]
fn links_to_files_docfx_json_excludes_say_so() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/docfx.json", DOCFX_TRAILING_COMMA),
        (
            "articles/en-us/index.md",
            &article(
                "Home",
                "# Home\n\n[old](archive/old.md)\n\n[draft](drafts/wip)\n\n[none](nowhere.md)\n",
            ),
        ),
        ("articles/en-us/archive/old.md", &article("Old", "# Old\n")),
        ("articles/en-us/drafts/wip.md", &article("WIP", "# WIP\n")),
    ]);
    let r = site.json(&["build"]);
    // DocFX reads trailing commas: a warning at the first one, and the globs apply.
    let lenient = r.one("docfx-json-lenient");
    assert_eq!(
        (lenient.file.as_str(), lenient.line, lenient.column),
        ("articles/en-us/docfx.json", 4, 71)
    );
    assert!(r.with_code("docfx-json").is_empty(), "{r}");
    assert!(!site.exists("output/en-us/archive/old/index.html"));
    let excluded = r.with_code("link-excluded");
    assert_eq!(excluded.len(), 2, "{r}");
    assert_eq!((excluded[0].line, excluded[0].column), (6, 1));
    assert!(
        excluded[0]
            .message
            .contains("`archive/old.md` is not published: excluded by articles/en-us/docfx.json (glob `archive/**`)"),
        "{}",
        excluded[0].message
    );
    assert!(
        excluded[1].message.contains("(glob `drafts/*.md`)"),
        "{}",
        excluded[1].message
    );
    let missing = r.one("link-missing-file");
    assert!(missing.message.contains("no file `nowhere.md`"), "{}", missing.message);
}

#[test]
fn duplicate_anchor_help_names_the_source_page_only_when_it_has_the_anchor() {
    let site = Site::new(&[("en-us", "English"), ("de-de", "Deutsch")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/api.md", &article("API", "# API\n\n## Request\n\n## Request\n")),
        ("articles/de-de/index.md", &article("Start", "# Start\n")),
        (
            "articles/de-de/api.md",
            &article(
                "API",
                "# API\n\n## <a name=\"request\"></a>Anfrage\n\n## <a name=\"request\"></a>Anfrage\n\n## <a name=\"request\"></a>Anfrage\n",
            ),
        ),
        (
            "articles/de-de/nur-de.md",
            &article("Nur", "# Nur\n\n## <a name=\"x\"></a>Eins\n\n## <a name=\"x\"></a>Zwei\n"),
        ),
    ]);
    let r = site.json(&["check"]);
    let d = r.with_code("duplicate-anchor");
    assert_eq!(d.len(), 3, "{r}");
    let help = |file: &str, line: usize| {
        d.iter()
            .find(|x| x.file == file && x.line == line)
            .and_then(|x| x.help.clone())
            .unwrap_or_else(|| panic!("no duplicate-anchor at {file}:{line}\n{r}"))
    };
    assert_eq!(
        help("articles/de-de/api.md", 8),
        "write `<a name=\"request-1\"></a>` in this heading, as the source page articles/en-us/api.md has it"
    );
    // The source has no third `request`; this page has no source at all.
    for (file, line) in [("articles/de-de/api.md", 10), ("articles/de-de/nur-de.md", 8)] {
        let h = help(file, line);
        assert!(!h.contains("source"), "{h}");
        assert!(h.starts_with("give this heading an anchor of its own"), "{h}");
    }
}

#[test]
fn code_from_a_dependent_repository_is_read_there_or_reported_as_unavailable() {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        "title = \"Relay\"\nbase_url = \"https://docs.contoso.example/\"\nsource_locale = \"en-us\"\ntheme = \"default\"\n\n[locales.en-us]\nname = \"English\"\npath = \"../repo/docs\"\n",
    );
    site.write_all(&[
        (
            "../repo/.openpublishing.publish.config.json",
            r#"{ "docsets_to_publish": [ { "build_source_folder": "docs" } ],
                 "dependent_repositories": [ { "path_to_root": "relay-samples", "url": "https://git.contoso.example/relay-samples", "branch": "main" } ] }"#,
        ),
        (
            "../repo/docs/index.md",
            &article(
                "Home",
                "# Home\n\n:::code language=\"python\" source=\"~/../relay-samples/hello.py\":::\n\n:::code language=\"python\" source=\"~/../relay-samples/missing.py\":::\n\n:::code language=\"python\" source=\"~/../elsewhere/x.py\":::\n",
            ),
        ),
        ("../repo/relay-samples/hello.py", "print('hello from the samples')\n"),
        ("../repo/elsewhere/x.py", "print('not a dependent repository')\n"),
    ]);
    let r = site.json(&["build"]);
    // The sample in the cloned dependent repository is shown.
    let html = site.read("output/en-us/index.html");
    assert_contains(&html, "hello from the samples");
    // One that is not there: a warning that says why, not "leaves the site".
    let d = r.one("code-unavailable");
    assert_eq!(d.severity, "warning");
    assert_eq!((d.file.as_str(), d.line), ("../repo/docs/index.md", 8));
    assert!(
        d.message.contains("https://git.contoso.example/relay-samples")
            && d.message.contains("`../repo/relay-samples`"),
        "{}",
        d.message
    );
    // A folder the configuration does not name is still outside the site.
    let outside = r.one("code-outside");
    assert_eq!(outside.line, 10);
    assert_not_contains(&html, "not a dependent repository");
    assert_eq!(r.errors().len(), 1, "{r}");
}

#[test]
fn a_relative_redirect_to_another_doc_set_is_a_url_on_the_host() {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/guide/new.md", &article("New", "# New\n")),
        (
            "articles/en-us/guide/moved.md",
            "---\ntitle: Moved\nredirect_url: ../../other-docs/start\n---\n# Moved\n",
        ),
        (
            "articles/en-us/guide/renamed.md",
            "---\ntitle: Renamed\nredirect_url: new\n---\n# Renamed\n",
        ),
    ]);
    let r = site.json(&["build"]);
    assert!(r.errors().is_empty(), "{r}");
    let d = r.one("redirect-target");
    assert_eq!(d.severity, "warning");
    assert_eq!(d.file, "articles/en-us/guide/moved.md");
    assert!(
        d.message.contains("https://docs.contoso.example/other-docs/start"),
        "{}",
        d.message
    );
    assert_contains(
        &site.read("output/en-us/guide/moved/index.html"),
        "<link rel=\"canonical\" href=\"https://docs.contoso.example/other-docs/start\">",
    );
    assert_contains(
        &site.read("output/en-us/guide/renamed/index.html"),
        "<link rel=\"canonical\" href=\"../new/\">",
    );
}

#[test]
fn a_translation_takes_dependent_repository_samples_from_the_source_repository() {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        "title = \"Relay\"\nbase_url = \"https://docs.contoso.example/\"\nsource_locale = \"en-us\"\ntheme = \"default\"\n\n[locales.en-us]\nname = \"English\"\npath = \"../repo/docs\"\n\n[locales.de-de]\nname = \"Deutsch\"\npath = \"../repo.de-de/docs\"\n",
    );
    let page = |title: &str| {
        article(
            title,
            &format!("# {title}\n\n:::code language=\"python\" source=\"~/../relay-samples/hello.py\":::\n"),
        )
    };
    site.write_all(&[
        (
            "../repo/.openpublishing.publish.config.json",
            r#"{ "dependent_repositories": [ { "path_to_root": "relay-samples", "url": "https://git.contoso.example/relay-samples" } ] }"#,
        ),
        ("../repo/docs/index.md", &page("Home")),
        ("../repo/relay-samples/hello.py", "print('hello from the samples')\n"),
        ("../repo.de-de/.openpublishing.publish.config.json", r#"{ "dependent_repositories": [] }"#),
        ("../repo.de-de/docs/index.md", &page("Start")),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_contains(&site.read("output/de-de/index.html"), "hello from the samples");
}

#[test]
fn a_translation_without_source_that_is_redirected_says_so() {
    let site = Site::new(&[("en-us", "English"), ("de-de", "Deutsch")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        (
            ".openpublishing.redirection.json",
            r#"{ "redirections": [ { "source_path": "articles/en-us/gone.md", "redirect_url": "/index" } ] }"#,
        ),
        ("articles/de-de/gone.md", &article("Weg", "# Weg\n")),
        ("articles/de-de/nur-hier.md", &article("Nur hier", "# Nur hier\n")),
    ]);
    let r = site.json(&["build"]);
    let o = r.with_code("orphan-translation");
    assert_eq!(o.len(), 2, "{r}");
    let gone = o.iter().find(|d| d.file == "articles/de-de/gone.md").unwrap();
    assert!(
        gone.message.contains("readers get that redirect, not this page"),
        "{}",
        gone.message
    );
    assert!(!gone.message.contains("published in de-de only"), "{}", gone.message);
    let here = o.iter().find(|d| d.file == "articles/de-de/nur-hier.md").unwrap();
    assert!(here.message.contains("published in de-de only"), "{}", here.message);
    assert!(site.exists("output/de-de/nur-hier/index.html"));
    assert_contains(
        &site.read("output/de-de/gone/index.html"),
        "<link rel=\"canonical\" href=\"../\">",
    );
}
