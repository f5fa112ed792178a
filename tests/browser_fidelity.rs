//! Learn fidelity in real headless Chromium: links to a tab's anchor open
//! that tab, combined tabs follow their parts, moniker selectors show one
//! version, a FAQ heading is reached by each ID Learn has given it. Skips
//! (with a notice) only when `chromium` is not installed.

#[path = "common/browser.rs"]
mod browser;
mod common;

use common::*;

/// `(id, hidden)` of every tab panel, in page order.
fn panels(dom: &str) -> Vec<(String, bool)> {
    let re = regex::Regex::new(r#"<section class="tab-panel" id="([^"]*)"[^>]*>"#).unwrap();
    re.captures_iter(dom)
        .map(|c| (c[1].to_string(), c[0].contains(" hidden")))
        .collect()
}

#[test]
fn a_tab_anchor_opens_its_tab_and_combined_tabs_follow_their_parts() {
    if !chromium_available() {
        return;
    }
    let site = Site::new(&[("en-us", "English")]);
    let body = "# Set up\n\n# [Portal](#tab/portal)\n\nIn the portal.\n\n# [CLI](#tab/cli)\n\nWith the CLI.\n\n---\n\nThen:\n\n## [Portal](#tab/portal)\n\nCheck in the portal.\n\n## [CLI or PowerShell](#tab/cli+powershell)\n\nCheck from a shell.\n\n---\n";
    site.write("articles/en-us/setup.md", &article("Set up", body));
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let page = site.path("output/en-us/setup/index.html");
    let profile = tempfile::tempdir().unwrap();
    let s = |id: &str, hidden: bool| (id.to_string(), hidden);

    let dom = dump_dom(&format!("file://{}", page.display()), profile.path());
    assert_eq!(
        panels(&dom),
        [
            s("tabpanel_1_portal", false),
            s("tabpanel_1_cli", true),
            s("tabpanel_2_portal", false),
            s("tabpanel_2_cli+powershell", true)
        ],
        "{dom}"
    );
    // Learn's anchor for the CLI tab: that tab opens, and the combined
    // "CLI or PowerShell" tab of the next group with it.
    let dom = dump_dom(&format!("file://{}#tabpanel_1_cli", page.display()), profile.path());
    assert_eq!(
        panels(&dom),
        [
            s("tabpanel_1_portal", true),
            s("tabpanel_1_cli", false),
            s("tabpanel_2_portal", true),
            s("tabpanel_2_cli+powershell", false)
        ],
        "{dom}"
    );
}

#[test]
fn monikers_show_one_version_at_a_time() {
    if !chromium_available() {
        return;
    }
    let site = Site::new(&[("en-us", "English")]);
    let body = "# Set up\n\n:::moniker range=\">= relay-2.0\"\nThe new way.\n:::moniker-end\n\n:::moniker range=\"< relay-2.0\"\nThe old way.\n:::moniker-end\n";
    site.write("articles/en-us/setup.md", &article("Set up", body));
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let page = site.path("output/en-us/setup/index.html");
    let profile = tempfile::tempdir().unwrap();
    let blocks = |dom: &str| -> Vec<(String, bool)> {
        let re =
            regex::Regex::new(r#"<div class="moniker" data-moniker="[^"]*" data-monikers="([^"]*)"( hidden="")?>"#)
                .unwrap();
        re.captures_iter(dom)
            .map(|c| (c[1].to_string(), c.get(2).is_some()))
            .collect()
    };
    // The newest version by default; the selector is shown.
    let dom = dump_dom(&format!("file://{}", page.display()), profile.path());
    assert_contains(&dom, "<div class=\"pivot-selector moniker-selector\">");
    assert_eq!(
        blocks(&dom),
        [("relay-2.0".to_string(), false), ("lt-relay-2.0".to_string(), true)],
        "{dom}"
    );
    // Learn's ?view= picks another.
    let dom = dump_dom(&format!("file://{}?view=lt-relay-2.0", page.display()), profile.path());
    assert_eq!(
        blocks(&dom),
        [("relay-2.0".to_string(), true), ("lt-relay-2.0".to_string(), false)],
        "{dom}"
    );
}

/// A link to a FAQ question or section by any ID Learn has given it lands
/// on that heading in a browser (its other IDs are `<a name>` anchors in
/// the heading: the page scrolls to them as to the heading's own).
#[test]
fn a_faq_heading_is_reached_by_each_of_its_ids() {
    if !chromium_available() {
        return;
    }
    let site = Site::new(&[("en-us", "English")]);
    let filler = "Text that makes the page long.\n\n".repeat(60);
    let faq = format!(
        "### YamlMime:FAQ\nmetadata:\n  title: Hub FAQ\ntitle: Hub questions\nsections:\n  - name: Getting started\n    questions:\n      - question: How do I start?\n        answer: |\n{}\n  - name: Hub.io accounts\n    questions:\n      - question: Can I delete my Hub.io account?\n        answer: Yes.\n",
        filler.lines().map(|l| format!("          {l}")).collect::<Vec<_>>().join("\n")
    );
    site.write("articles/en-us/faq.yml", &faq);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let page = site.path("output/en-us/faq/index.html");
    let Some(mut b) = browser::Browser::start() else { return };
    for (id, heading) in [
        ("can-i-delete-my-hub-io-account", "Can I delete my Hub.io account?"),
        ("can-i-delete-my-hubio-account", "Can I delete my Hub.io account?"),
        ("can-i-delete-my-hub-io-account-", "Can I delete my Hub.io account?"),
        ("hubio-accounts", "Hub.io accounts"),
        ("hub.io-accounts", "Hub.io accounts"),
    ] {
        b.goto("about:blank");
        b.goto(&format!("file://{}#{id}", page.display()));
        // The indicated element is the heading or an anchor in it...
        let target = "(() => { const t = document.querySelector(':target'); return t && t.closest('h2, h3'); })()";
        assert_eq!(
            b.eval(&format!("{target}?.textContent")),
            serde_json::json!(heading),
            "#{id}"
        );
        // ...and the page has scrolled to it.
        b.wait_for(
            &format!("window.scrollY > 0 && {target}.getBoundingClientRect().top >= 0 && {target}.getBoundingClientRect().bottom <= window.innerHeight"),
            std::time::Duration::from_secs(10),
        );
    }
}
