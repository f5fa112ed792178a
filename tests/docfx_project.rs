//! DocFX project files: docfx.json's content/resource globs and metadata,
//! and Learn landing pages (index.yml with YamlMime:Landing or Hub).

mod common;

use common::*;

const EN: &[(&str, &str)] = &[("en-us", "English")];

const DOCFX_JSON: &str = r#"{
  "build": {
    "content": [
      { "files": ["**/*.md", "**/*.yml"], "exclude": ["drafts/**", "README.md"] }
    ],
    "resource": [
      { "files": ["**/*.png"], "exclude": ["drafts/**"] }
    ],
    "globalMetadata": { "description": "Relay documentation", "ms.author": "relayteam", "titleSuffix": "Relay" },
    "fileMetadata": { "description": { "guide/**.md": "A Relay guide" } }
  }
}
"#;

#[test]
fn docfx_json_globs_decide_articles_and_files_and_metadata_fills_front_matter() {
    let site = Site::new(EN);
    site.write_all(&[
        ("articles/en-us/docfx.json", DOCFX_JSON),
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/guide/setup.md", &article("Setup", "# Setup\n")),
        (
            "articles/en-us/guide/own.md",
            "---\ntitle: Own\ndescription: My own words\ntitleSuffix: Relay for admins\n---\n# Own\n",
        ),
        ("articles/en-us/drafts/wip.md", &article("WIP", "# WIP\n")),
        ("articles/en-us/README.md", "# Repository readme\n"),
        ("articles/en-us/media/a.png", "png"),
        ("articles/en-us/drafts/b.png", "png"),
        ("articles/en-us/notes.txt", "not a resource"),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert!(site.exists("output/en-us/guide/setup/index.html"));
    assert!(!site.exists("output/en-us/drafts/wip/index.html"), "excluded article");
    assert!(!site.exists("output/en-us/README/index.html"), "excluded file");
    assert!(site.exists("output/en-us/media/a.png"));
    assert!(!site.exists("output/en-us/drafts/b.png"), "excluded resource");
    assert!(!site.exists("output/en-us/notes.txt"), "neither content nor resource");
    assert!(!site.exists("output/en-us/docfx.json"));
    let desc = |rel: &str| {
        let html = site.read(&format!("output/{}", page_file("en-us", rel)));
        let re = regex::Regex::new(r#"<meta name="description" content="([^"]*)">"#).unwrap();
        re.captures(&html).map(|c| c[1].to_string()).unwrap_or_default()
    };
    assert_eq!(desc("index.md"), "Relay documentation", "globalMetadata");
    assert_eq!(
        desc("guide/setup.md"),
        "A Relay guide",
        "fileMetadata over globalMetadata"
    );
    assert_eq!(desc("guide/own.md"), "My own words", "front matter wins");
    // titleSuffix, from docfx.json or front matter, follows the title.
    let title = |rel: &str| {
        let html = site.read(&format!("output/{}", page_file("en-us", rel)));
        html.split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        title("guide/setup.md").starts_with("Setup - Relay | "),
        "{}",
        title("guide/setup.md")
    );
    assert!(
        title("guide/own.md").starts_with("Own - Relay for admins | "),
        "{}",
        title("guide/own.md")
    );
}

#[test]
fn docfx_json_that_is_not_json_is_an_error_with_its_position() {
    let site = Site::new(EN);
    site.write_all(&[
        (
            "articles/en-us/docfx.json",
            "{\n  \"build\": {\n    \"content\": [,]\n  }\n}\n",
        ),
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
    ]);
    let r = site.json(&["check"]);
    let d = r.one("docfx-json");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("articles/en-us/docfx.json", 3, 17)
    );
}

const LANDING: &str = "### YamlMime:Landing\n\ntitle: Relay for admins\nsummary: Everything an admin needs.\n\nmetadata:\n  title: Relay admin docs\n  ms.date: 03/04/2021\n\nlandingContent:\n  - title: Get started\n    linkLists:\n      - linkListType: how-to-guide\n        links:\n          - text: Set up Relay\n            url: setup.md#install\n          - text: Missing page\n            url: gone.md\n      - linkListType: overview\n        links:\n          - text: Contoso\n            url: https://contoso.example/\n";

#[test]
fn landing_pages_render_cards_and_check_their_links() {
    let site = Site::new(EN);
    site.write_all(&[
        ("articles/en-us/index.yml", LANDING),
        ("articles/en-us/setup.md", &article("Setup", "# Setup\n\n## Install\n")),
        (
            "articles/en-us/toc.yml",
            "- name: Home\n  href: index.yml\n- name: Setup\n  href: setup.md\n",
        ),
        ("articles/en-us/other.yml", "### YamlMime:ModuleUnit\ntitle: x\n"),
        ("articles/en-us/data.yml", "key: value\n"),
    ]);
    let r = site.json(&["build"]);
    let d = r.one("link-missing-file");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("articles/en-us/index.yml", 18, 18)
    );
    let w = r.one("yamlmime");
    assert_eq!(
        (w.file.as_str(), w.severity.as_str()),
        ("articles/en-us/other.yml", "warning")
    );
    let html = site.read("output/en-us/index.html");
    assert_contains(&html, "<title>Relay admin docs | ");
    let a = article_html(&html);
    assert_contains(
        a,
        "<h1 id=\"relay-for-admins\">Relay for admins</h1>\n<p class=\"landing-summary\">Everything an admin needs.</p>\n<ul class=\"landing-cards\">\n<li class=\"landing-card\">\n<h2>Get started</h2>\n<p class=\"landing-list-type\">how to guide</p>\n<ul>\n<li><a href=\"setup/#install\">Set up Relay</a></li>\n<li><a href=\"gone.md\">Missing page</a></li>\n</ul>\n<p class=\"landing-list-type\">overview</p>\n<ul>\n<li><a href=\"https://contoso.example/\">Contoso</a></li>\n</ul>\n</li>\n</ul>",
    );
    // The TOC's `index.yml` entry is the landing page.
    let setup = site.read("output/en-us/setup/index.html");
    assert_contains(
        &setup,
        "<a class=\"prev-next-card prev\" rel=\"prev\" href=\"../\"><span class=\"prev-next-label\">Previous</span> <span class=\"prev-next-title\">Home</span></a>",
    );
    // YAML without YamlMime is still a file of the site; unsupported YamlMime is left out.
    assert!(site.exists("output/en-us/data.yml"));
    assert!(!site.exists("output/en-us/other/index.html"));
    assert!(!site.exists("output/en-us/other.yml"));
}

#[test]
fn hub_pages_render_their_sections() {
    let site = Site::new(EN);
    site.write_all(&[
        (
            "articles/en-us/index.yml",
            "### YamlMime:Hub\ntitle: Relay hub\nsummary: All of Relay.\nmetadata:\n  title: Relay hub\nhighlightedContent:\n  items:\n    - title: What is Relay?\n      itemType: overview\n      url: setup.md\nconceptualContent:\n  items:\n    - title: Concepts\n      links:\n        - url: setup.md\n          itemType: concept\n          text: How Relay works\n",
        ),
        ("articles/en-us/setup.md", &article("Setup", "# Setup\n")),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let a = site.read("output/en-us/index.html");
    assert_contains(&a, "<h1 id=\"relay-hub\">Relay hub</h1>");
    assert_contains(&a, "<li><a href=\"setup/\">What is Relay?</a></li>");
    assert_contains(
        &a,
        "<h2>Concepts</h2>\n<ul>\n<li><a href=\"setup/\">How Relay works</a></li>",
    );
}

/// A locale folder that is a Learn repository of several docsets (its
/// `.openpublishing.publish.config.json` lists each docset's folder):
/// only what is inside those folders is published, as on Learn; the
/// repository's own README, security policy and files beside them are not
/// pages (nor titleless-page warnings).
#[test]
fn a_repository_of_docsets_publishes_its_docset_folders_only() {
    let site = Site::new(EN);
    site.write_all(&[
        (
            "articles/en-us/.openpublishing.publish.config.json",
            r#"{ "docsets_to_publish": [
                 { "docset_name": "Admin", "build_source_folder": "admin" },
                 { "docset_name": "Home", "build_source_folder": "home/" } ] }"#,
        ),
        ("articles/en-us/README.md", "# Repository readme\n"),
        ("articles/en-us/SECURITY.md", "Report issues privately.\n"),
        ("articles/en-us/banner.png", "png"),
        (
            "articles/en-us/admin/index.md",
            &article("Admin", "# Admin\n\nSee [home](../home/start.md).\n"),
        ),
        ("articles/en-us/admin/media/a.png", "png"),
        ("articles/en-us/home/start.md", &article("Start", "# Start\n")),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert!(site.exists("output/en-us/admin/index.html"));
    assert!(site.exists("output/en-us/home/start/index.html"));
    assert!(site.exists("output/en-us/admin/media/a.png"));
    assert!(
        !site.exists("output/en-us/readme/index.html"),
        "the repository's README"
    );
    assert!(!site.exists("output/en-us/security/index.html"));
    assert!(!site.exists("output/en-us/banner.png"));
}

/// A publishing configuration that is not JSON is said at its line and
/// column (a warning: the site builds without its redirections, dependent
/// repositories and docsets); a YAML page that is not YAML is an error at
/// its position, named by its kind, and the other pages are built.
#[test]
fn a_broken_publishing_configuration_or_yaml_page_is_reported_where_it_breaks() {
    let site = Site::new(EN);
    site.write_all(&[
        (
            "articles/en-us/.openpublishing.publish.config.json",
            "{\n  \"docsets_to_publish\": [\n    { \"build_source_folder\": \"admin\" },\n",
        ),
        (
            "articles/en-us/faq.yml",
            "### YamlMime:FAQ\ntitle: Questions\nsections:\n  - name: General\n    questions:\n      - question: [unclosed\n        answer: Yes.\n",
        ),
        ("articles/en-us/admin/index.md", &article("Admin", "# Admin\n")),
        ("articles/en-us/README.md", &article("Readme", "# Readme\n")),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 1, "{r}");
    let c = r.one("publish-config");
    assert_eq!(
        (c.file.as_str(), c.line, c.severity.as_str()),
        ("articles/en-us/.openpublishing.publish.config.json", 4, "warning"),
        "{r}"
    );
    let y = r.one("yaml");
    assert_eq!(y.file, "articles/en-us/faq.yml", "{r}");
    assert!(y.line >= 6, "{r}");
    assert_contains(&y.message, "YamlMime:FAQ page is not valid YAML");
    // The rest of the site is built; with no docsets read, the whole
    // folder is published.
    assert!(site.exists("output/en-us/admin/index.html"));
    assert!(site.exists("output/en-us/readme/index.html"));
    assert!(!site.exists("output/en-us/faq/index.html"));
}
