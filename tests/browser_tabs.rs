//! What a reader sees of DocFX tab groups, in real headless Chromium: with
//! JavaScript off every tab's content shows under its label; with it on the
//! groups become tabs, linked groups follow the same choice, and the choice
//! is remembered for the next page. Skips (with a notice) only when
//! `chromium` is not installed.

mod common;

use common::*;

/// `(data-tab, hidden)` of every tab panel, in page order.
fn panels(dom: &str) -> Vec<(String, bool)> {
    let re = regex::Regex::new(r#"<section class="tab-panel"[^>]*>"#).unwrap();
    re.find_iter(dom)
        .map(|m| {
            let tag = m.as_str();
            let tab = regex::Regex::new(r#"data-tab="([^"]*)""#)
                .unwrap()
                .captures(tag)
                .unwrap()[1]
                .to_string();
            (tab, tag.contains(" hidden"))
        })
        .collect()
}

const PAGE: &str = "# Install\n\n# [Windows](#tab/windows)\n\nRun setup.exe.\n\n# [Linux](#tab/linux)\n\nRun setup.sh.\n\n---\n\nLater on the page:\n\n## [Windows](#tab/windows)\n\nUninstall on Windows.\n\n## [Linux](#tab/linux)\n\nUninstall on Linux.\n\n---\n";

#[test]
fn tabs_without_javascript_with_javascript_linked_and_remembered() {
    if !chromium_available() {
        return;
    }
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/install.md", &article("Install", PAGE));
    // A page of the same origin that records an earlier choice of "linux",
    // then opens the article in the same browser (a second browser process
    // may start before the first has written its storage to disk).
    site.write(
        "articles/en-us/seed.html",
        "<!doctype html><script>localStorage.setItem('polydoc-tabs', JSON.stringify(['linux']));\
         location.replace('install/index.html');</script>seeded",
    );
    let r = site.json(&["build"]);
    assert!(r.errors().is_empty(), "{r}");
    let page = site.path("output/en-us/install/index.html");
    let url = format!("file://{}", page.display());

    // Without the tab script (as with JavaScript off: --dump-dom itself
    // needs JavaScript, so the page is loaded without tabs.js): every panel
    // shows, under its label; no tab list.
    let profile = tempfile::tempdir().unwrap();
    let html = site.read("output/en-us/install/index.html");
    let script = "<script src=\"../../_static/js/tabs.js\" defer></script>";
    assert_contains(&html, script);
    site.write("output/en-us/install/no-tabs-js.html", &html.replace(script, ""));
    let plain = format!("file://{}", site.path("output/en-us/install/no-tabs-js.html").display());
    let dom = dump_dom(&plain, profile.path());
    assert_contains(&dom, "<p class=\"tab-label\">Linux</p>");
    assert_eq!(
        panels(&dom),
        [
            ("windows".to_string(), false),
            ("linux".to_string(), false),
            ("windows".to_string(), false),
            ("linux".to_string(), false)
        ],
        "{dom}"
    );
    assert_contains(&dom, "<div class=\"tab-list\" role=\"tablist\" hidden=\"\">");

    // JavaScript on: tabs, the first one chosen in both groups.
    let dom = dump_dom(&url, profile.path());
    assert_contains(&dom, "class=\"tabGroup js-tabs\"");
    assert_not_contains(&dom, "<div class=\"tab-list\" role=\"tablist\" hidden");
    assert_eq!(
        panels(&dom),
        [
            ("windows".to_string(), false),
            ("linux".to_string(), true),
            ("windows".to_string(), false),
            ("linux".to_string(), true)
        ],
        "{dom}"
    );

    // A remembered choice selects that tab in every linked group.
    let seed = format!("file://{}", site.path("output/en-us/seed.html").display());
    let dom = dump_dom(&seed, profile.path());
    assert_eq!(
        panels(&dom),
        [
            ("windows".to_string(), true),
            ("linux".to_string(), false),
            ("windows".to_string(), true),
            ("linux".to_string(), false)
        ],
        "{dom}"
    );
    assert_contains(&dom, "data-tab=\"linux\" aria-selected=\"true\"");
}

#[test]
fn zone_pivots_show_the_chosen_pivot() {
    if !chromium_available() {
        return;
    }
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        (
            "articles/en-us/zone-pivot-groups.yml",
            "groups:\n- id: tools\n  title: Tools\n  prompt: Choose a tool\n  pivots:\n  - id: cli\n    title: CLI\n  - id: portal\n    title: Portal\n",
        ),
        (
            "articles/en-us/a.md",
            "---\ntitle: A\nzone_pivot_groups: tools\n---\n# A\n\n:::zone pivot=\"cli\"\nCLI steps.\n:::zone-end\n\n:::zone pivot=\"portal\"\nPortal steps.\n:::zone-end\n",
        ),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let page = site.path("output/en-us/a/index.html");
    let profile = tempfile::tempdir().unwrap();
    let zones = |dom: &str| -> Vec<(String, bool)> {
        let re = regex::Regex::new(r#"<div class="zone has-pivot" data-pivot="([^"]*)"( hidden="")?>"#).unwrap();
        re.captures_iter(dom)
            .map(|c| (c[1].to_string(), c.get(2).is_some()))
            .collect()
    };
    let dom = dump_dom(&format!("file://{}", page.display()), profile.path());
    assert_contains(&dom, "<div class=\"pivot-selector\" data-pivot-group=\"tools\">");
    assert_eq!(
        zones(&dom),
        [("cli".to_string(), false), ("portal".to_string(), true)],
        "{dom}"
    );
    let dom = dump_dom(&format!("file://{}?pivots=portal", page.display()), profile.path());
    assert_eq!(
        zones(&dom),
        [("cli".to_string(), true), ("portal".to_string(), false)],
        "{dom}"
    );
}
