//! Every translated file is tracked: include files (with the articles
//! using them; a stale include shows on their review pages), TOC files,
//! YAML pages, and translations whose source article is gone.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const NOTE_THEN: &str = "---\nms.topic: include\n---\nKeep the key safe.\n";
const NOTE_NOW: &str = "---\nms.topic: include\n---\nKeep the key safe and rotate it every month.\n";

fn site() -> Site {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        (
            "articles/en-us/guide/keys.md",
            &article("Keys", "# Keys\n\n[!INCLUDE [note](../includes/note.md)]\n"),
        ),
        (
            "articles/nl-nl/guide/keys.md",
            &translation(
                "Sleutels",
                "",
                "# <a name=\"keys\"></a>Sleutels\n\n[!INCLUDE [note](../includes/note.md)]\n",
            ),
        ),
        ("articles/en-us/includes/note.md", NOTE_NOW),
        (
            "articles/nl-nl/includes/note.md",
            &format!(
                "---\nms.topic: include\nms.openlocfilehash: {}\nms.translationtype: HT\n---\nBewaar de sleutel veilig.\n",
                crlf_sha1(NOTE_THEN)
            ),
        ),
        ("articles/en-us/includes/other.md", "Another shared part.\n"),
        ("articles/en-us/toc.yml", "- name: Keys\n  href: guide/keys.md\n"),
        ("articles/nl-nl/toc.yml", "- name: Sleutels\n  href: guide/keys.md\n"),
        (
            "articles/en-us/unit.yml",
            "### YamlMime:ModuleUnit\ntitle: Questions\nuid: relay.unit\n",
        ),
        ("articles/nl-nl/gone.md", &translation("Weg", "ms.translationtype: MT\n", "# Weg\n")),
    ]);
    site
}

#[test]
fn includes_toc_yaml_and_orphans_are_listed() {
    let site = site();
    let s = status_json(&site);
    let files = s["files"].as_array().expect("files");
    let file = |rel: &str| {
        files
            .iter()
            .find(|f| f["rel"] == rel)
            .unwrap_or_else(|| panic!("no {rel} in {files:#?}"))
    };
    let note = file("includes/note.md");
    assert_eq!(note["kind"], "include");
    assert_eq!(note["state"], "stale", "{note:#}");
    assert_eq!(note["used_by"], serde_json::json!(["guide/keys.md"]));
    assert_eq!(note["translation_type"], "HT");
    let other = file("includes/other.md");
    assert_eq!(other["label"], "missing");
    let toc = file("toc.yml");
    assert_eq!(
        (toc["kind"].as_str(), toc["label"].as_str()),
        (Some("toc"), Some("present"))
    );
    let unit = file("unit.yml");
    assert_eq!(
        (unit["kind"].as_str(), unit["label"].as_str()),
        (Some("yaml"), Some("missing"))
    );
    let gone = file("gone.md");
    assert_eq!(
        (gone["kind"].as_str(), gone["label"].as_str()),
        (Some("orphan"), Some("no source"))
    );
    assert_eq!(gone["translation_type"], "MT");

    let run = site.run(&["l10n", "status"]);
    assert_contains(&run.stdout, "include files: 2 (1 missing, 1 stale)");

    // The including article's review page shows the stale include.
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let html = site.read("output/_l10n/nl-nl/guide/keys/index.html");
    assert_contains(
        &html,
        "<code>includes/note.md</code> <span class=\"l10n-badge state-stale\"",
    );
    let index = site.read("output/_l10n/nl-nl/index.html");
    assert_contains(&index, "data-rel=\"includes/note.md\" data-kind=\"include\"");
}
