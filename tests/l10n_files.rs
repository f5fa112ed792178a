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

/// The source's include as handed off, and as it is now (a link added
/// since: compared with today's text, the translation would miss a link).
const START_THEN: &str = "---\nms.topic: include\n---\n## Before you start\n\n1. Open **Settings** > **Keys**.\n2. Select [Licensing](../guide/licensing.md) and copy the key.\n\nRotate the key every 30 days.\n";
const HANDOFF: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

fn start_nl() -> String {
    format!(
        "---\nms.topic: include\nms.openlocfilehash: {}\nms.sourcegitcommit: {HANDOFF}\nms.translationtype: MT\n---\n## <a name=\"before-you-start\"></a>Voordat u begint\n\n1. Open **Instellingen** > **Sleutels**.\n2. Selecteer [Licenties](../guide/pricing.md)en kopieer de sleutel.\n\nDraai de sleutel elke 30 dagen.\n",
        crlf_sha1(START_THEN)
    )
}

/// (line, column) of `needle` in the translated include.
fn in_start_nl(needle: &str) -> (usize, usize) {
    let text = start_nl();
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1)))
        .unwrap_or_else(|| panic!("no `{needle}`"))
}

/// A translated include is reviewed as a file of its own: compared with the
/// source's include as handed off, each finding at the include's own line;
/// the including article reports nothing of it, and its review page shows
/// the stale include with the include's findings.
#[test]
fn an_include_is_reviewed_at_its_own_lines() {
    let site = Site::new(EN_NL);
    let mut toml = site.read("polydoc.toml");
    toml.push_str("\n[l10n]\nhandoff_sources = \"handoff\"\n");
    site.write("polydoc.toml", &toml);
    let setup_en = article(
        "Setup",
        "# Setup\n\n[!INCLUDE [start](../includes/start.md)]\n\n## Next steps\n\nDone.\n",
    );
    let start_now = format!("{START_THEN}\nSee also [Pricing](../guide/pricing.md).\n");
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/guide/setup.md", &setup_en),
        (
            "articles/nl-nl/guide/setup.md",
            &translation(
                "Instellen",
                &format!("ms.openlocfilehash: {}\n", crlf_sha1(&setup_en)),
                "# <a name=\"setup\"></a>Instellen\n\n[!INCLUDE [start](../includes/start.md)]\n\n## <a name=\"next-steps\"></a>Volgende stappen\n\nKlaar.\n",
            ),
        ),
        ("articles/en-us/guide/licensing.md", &article("Licensing", "# Licensing\n")),
        ("articles/en-us/guide/pricing.md", &article("Pricing", "# Pricing\n")),
        ("articles/en-us/includes/start.md", &start_now),
        ("articles/nl-nl/includes/start.md", &start_nl()),
        (&format!("handoff/{HANDOFF}/includes/start.md"), START_THEN),
    ]);
    let r = site.json(&["check", "--l10n"]);
    let mut got: Vec<(String, usize)> = r
        .diagnostics
        .iter()
        .filter(|d| d.file == "articles/nl-nl/includes/start.md")
        .map(|d| (d.code.clone(), d.line))
        .collect();
    got.sort();
    let link = in_start_nl("[Licenties");
    assert_eq!(
        got,
        vec![
            ("l10n-glued-link".to_string(), link.0),
            ("l10n-link-target".to_string(), link.0),
            ("l10n-stale".to_string(), in_start_nl("ms.openlocfilehash").0),
        ],
        "{r}"
    );
    let target = r.one("l10n-link-target");
    assert_eq!(target.column, link.1, "{target:?}");
    assert_contains(&target.message, "guide/licensing");
    assert!(
        r.diagnostics
            .iter()
            .all(|d| !(d.code.starts_with("l10n-") && d.file == "articles/nl-nl/guide/setup.md")),
        "the including article reports nothing of the include:\n{r}"
    );

    let s = status_json(&site);
    let start = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rel"] == "includes/start.md")
        .expect("the include");
    assert_eq!(
        (start["state"].as_str(), start["findings"].as_u64()),
        (Some("stale"), Some(3))
    );

    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let html = site.read("output/_l10n/nl-nl/guide/setup/index.html");
    assert_contains(
        &html,
        "<code>includes/start.md</code> <span class=\"l10n-badge state-stale\"",
    );
    assert_contains(
        &html,
        &format!(
            "<span class=\"l10n-where\">nl-nl/includes/start.md:{}:{}</span>",
            link.0, link.1
        ),
    );
}
