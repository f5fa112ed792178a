//! Learn fidelity in real headless Chromium: links to a tab's anchor open
//! that tab, combined tabs follow their parts, moniker selectors show one
//! version. Skips (with a notice) only when `chromium` is not installed.

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
