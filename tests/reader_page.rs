//! The reader's page: the header line under the title, "Edit this page",
//! previous/next cards, the 404 page per locale (styled wherever it is
//! served), and in a real headless Chromium: code blocks with a language
//! label and a keyboard-operable copy button (from file://), code colours in
//! dark mode from the system setting and from the toggle, and the drawers
//! below 1024 px. Screenshots land in target/screenshots/.

#[path = "common/browser.rs"]
mod browser;
mod common;

use common::*;
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];

const BASH: &str = "relay-agent install --tenant contoso --force -v\ngrep -rn \"token\" /etc/relay/agent.conf";
const JSON: &str = "{\n  \"tenant\": \"contoso\",\n  \"retries\": 3,\n  \"verbose\": true\n}";

/// A two-locale site under a base path, with a toc.yml, code, dates, an
/// author and `edit_url` (the Dutch locale in its own repository).
fn reader_site() -> Site {
    let site = Site::with_base_url(EN_NL, "https://docs.contoso.example/relay/");
    let toml = site.read("polydoc.toml").replace(
        "[locales.nl-nl]\nname = \"Nederlands\"\n",
        "[locales.nl-nl]\nname = \"Nederlands\"\nedit_url = \"https://git.contoso.example/docs-nl/edit/main/{path}\"\n",
    );
    site.write(
        "polydoc.toml",
        &format!("edit_url = \"https://git.contoso.example/docs/edit/main/articles/en-us/{{path}}\"\n{toml}"),
    );
    let words = "word ".repeat(450);
    site.write_all(&[
        (
            "articles/en-us/toc.yml",
            "items:\n- name: Overview\n  href: index.md\n- name: Install\n  href: guide/install.md\n- name: Configure the agent\n  href: guide/configure.md\n",
        ),
        ("articles/en-us/index.md", "---\ntitle: Overview\nms.date: 03/04/2024\n---\n# Overview\n\nShort.\n"),
        (
            "articles/en-us/guide/install.md",
            &format!(
                "---\ntitle: Install\nms.date: 03/04/2024\nauthor: avery\n---\n# Install the agent\n\nIntro.\n\n## Run it\n\n```bash\n{BASH}\n```\n\n## Settings\n\n```json\n{JSON}\n```\n\n{words}\n"
            ),
        ),
        (
            "articles/en-us/guide/configure.md",
            "---\ntitle: Configure the agent\ncontributors: [avery, bo]\n---\n# Configure the agent\n\nText.\n\n## More\n\nText.\n",
        ),
        (
            "articles/nl-nl/guide/install.md",
            &format!(
                "---\ntitle: Installeren\nms.date: 03/04/2024\n---\n# <a name=\"install-the-agent\"></a>De agent installeren\n\nInleiding.\n\n## <a name=\"run-it\"></a>Uitvoeren\n\n```bash\n{BASH}\n```\n"
            ),
        ),
    ]);
    site
}

fn build_ok(site: &Site) {
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(r.diagnostics.is_empty(), "{r}");
}

#[test]
fn header_line_edit_link_and_cards() {
    let site = reader_site();
    build_ok(&site);
    let en = site.read("output/en-us/guide/install/index.html");
    let article = article_html(&en);
    // Title first, then the header line: date in the locale's format, reading
    // time (455 words: 3 minutes), author, edit link.
    let h1 = article.find("<h1 id=\"install-the-agent\"").expect("h1");
    let byline = article.find("class=\"article-byline\"").expect("byline");
    assert!(h1 < byline, "the header line follows the title");
    assert_contains(article, "<time datetime=\"2024-03-04\">March 4, 2024</time>");
    assert_contains(article, "3 minutes to read");
    assert_contains(article, "Author: avery");
    assert_contains(
        article,
        "href=\"https://git.contoso.example/docs/edit/main/articles/en-us/guide/install.md\"",
    );
    // Contributors win over the author; one minute is singular.
    let configure = site.read("output/en-us/guide/configure/index.html");
    assert_contains(&configure, "Contributors: avery, bo");
    assert_contains(&configure, "1 minute to read");
    // Dutch: its own edit_url, its date format, formal words, Dutch plural.
    let nl = site.read("output/nl-nl/guide/install/index.html");
    assert_contains(
        &nl,
        "href=\"https://git.contoso.example/docs-nl/edit/main/guide/install.md\"",
    );
    assert_contains(&nl, "4 maart 2024");
    assert_contains(&nl, "1 minuut leestijd");
    assert_contains(&nl, &escape(&theme_string("nl-nl", "edit_page")));
    // A Dutch page showing the English article (fallback) edits the English
    // source.
    let fallback = site.read("output/nl-nl/guide/configure/index.html");
    assert_contains(
        &fallback,
        "href=\"https://git.contoso.example/docs/edit/main/articles/en-us/guide/configure.md\"",
    );
    // Previous / next as cards.
    assert_contains(&en, "<a class=\"prev-next-card prev\" rel=\"prev\" href=\"../../\">");
    assert_contains(&en, "<span class=\"prev-next-title\">Configure the agent</span>");
    // Without edit_url there is no edit link.
    let toml = site.read("polydoc.toml");
    let without: String = toml
        .lines()
        .filter(|l| !l.starts_with("edit_url"))
        .collect::<Vec<_>>()
        .join("\n");
    site.write("polydoc.toml", &without);
    build_ok(&site);
    assert_not_contains(&site.read("output/en-us/guide/install/index.html"), "edit-link");
}

#[test]
fn an_edit_url_without_path_is_a_config_error() {
    let site = reader_site();
    // The top-level pattern without {path}.
    let toml = site.read("polydoc.toml").replacen("/{path}\"", "/\"", 1);
    site.write("polydoc.toml", &toml);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 2, "{r}");
    assert_contains(&r.one("config").message, "{path}");
}

/// One HTTP GET: (status, body).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    Some((head.split_whitespace().nth(1)?.parse().ok()?, body.to_string()))
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `polydoc serve` on a free port, once it answers.
fn serve(site: &Site) -> (Server, u16) {
    let port = browser::free_port();
    let server = Server(
        dies_with_parent(&mut std::process::Command::new(env!("CARGO_BIN_EXE_polydoc")))
            .args(["serve", site.root.to_str().unwrap(), "--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while http_get(port, "/").is_none() {
        assert!(Instant::now() < deadline, "serve did not answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, port)
}

#[test]
fn search_snippets_from_a_fetched_page_keep_table_cells_apart() {
    let site = reader_site();
    // A word only in a table, far past the start the index keeps.
    let filler = "Relay keeps folders in step across offices. ".repeat(12);
    site.write(
        "articles/en-us/ports.md",
        &article(
            "Ports",
            &format!("# Ports\n\n{filler}\n\n| Endpoint | Port |\n|---|---|\n| hub | 443 |\n| zebrafish | 8443 |\n"),
        ),
    );
    build_ok(&site);
    let (_server, port) = serve(&site);
    let Some(mut b) = browser::Browser::start() else { return };
    b.goto(&format!("http://127.0.0.1:{port}/en-us/search/?q=zebrafish"));
    b.wait_for(
        "(() => { const s = document.querySelector('.search-page-results .search-result-snippet'); return s && s.querySelector('mark'); })()",
        Duration::from_secs(15),
    );
    let snippet = b.eval("document.querySelector('.search-page-results .search-result-snippet').textContent");
    let snippet = snippet.as_str().unwrap();
    assert!(snippet.contains("443 zebrafish 8443"), "cells apart: {snippet}");
    assert!(!snippet.contains("# "), "{snippet}");
}

#[test]
fn a_section_of_only_code_gives_the_result_card_no_code() {
    let site = reader_site();
    site.write(
        "articles/en-us/examples.md",
        &article("Examples", "# Examples\n\nRun these.\n\n## Restore\n\n```bash\n# Restore packages for a solution\nrelay restore a.sln\n```\n"),
    );
    build_ok(&site);
    let cards: String = std::fs::read_dir(site.path("output/_search/en-us"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_contains(&cards, "Run these.");
    assert_contains(&cards, "\"Restore\"");
    assert_not_contains(&cards, "# Restore packages");
}

#[test]
fn the_404_page_is_styled_and_in_the_locales_language_from_any_path() {
    let site = reader_site();
    build_ok(&site);
    // One per locale, plus the source locale's at the root.
    let root = site.read("output/404.html");
    let nl = site.read("output/nl-nl/404.html");
    assert_contains(&root, "<html lang=\"en-US\"");
    assert_contains(&nl, "<html lang=\"nl-NL\"");
    assert_contains(&nl, &escape(&theme_string("nl-nl", "not_found_title")));
    // The stylesheet is inside the page: no URL that only works at the
    // base path.
    for page in [&root, &nl] {
        assert_contains(page, "<style>");
        assert_contains(page, ".not-found-code");
        assert_not_contains(page, "css/site.css");
    }

    // Served at the root (not under /relay/), from a deep path.
    let (_server, port) = serve(&site);
    let (status, body) = http_get(port, "/nl-nl/no/such/page/").unwrap();
    assert_eq!(status, 404);
    assert_contains(&body, &escape(&theme_string("nl-nl", "not_found_text")));
    let (_, en) = http_get(port, "/en-us/missing/").unwrap();
    assert_contains(&en, &escape(&theme_string("en-us", "not_found_title")));

    let Some(mut b) = browser::Browser::start() else { return };
    b.goto(&format!("http://127.0.0.1:{port}/nl-nl/no/such/page/"));
    // Styled: the header rule and the big muted "404" come from site.css.
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"),
        "solid"
    );
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.not-found-code')).fontWeight"),
        "700"
    );
}

fn screenshot_dir() -> std::path::PathBuf {
    let d = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn viewport(b: &mut browser::Browser, width: u32, height: u32) {
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    );
}

fn system_dark(b: &mut browser::Browser, dark: bool) {
    b.call(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" }}]}),
    );
}

/// Which code stylesheets apply now, as "light", "dark" or "light+dark".
const SHEETS: &str = "['pd-syntax-light','pd-syntax-dark'].filter(id => matchMedia(document.getElementById(id).media || 'all').matches).map(id => id.slice(10)).join('+')";

/// The colour of the JSON block's `true` as [r, g, b], and its background.
const TRUE_COLOUR: &str = "(() => { const pre = document.querySelectorAll('.content pre')[1]; const t = [...pre.querySelectorAll('span')].find(s => s.textContent === 'true'); const rgb = c => c.match(/\\d+/g).slice(0, 3).map(Number); return [rgb(getComputedStyle(t).color), rgb(getComputedStyle(pre).backgroundColor)]; })()";

/// WCAG contrast ratio of two [r, g, b] colours.
fn contrast(a: &serde_json::Value, b: &serde_json::Value) -> f64 {
    let lum = |c: &serde_json::Value| {
        let ch = |i: usize| {
            let v = c[i].as_f64().unwrap() / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(0) + 0.7152 * ch(1) + 0.0722 * ch(2)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn code_blocks_dark_mode_and_drawers_in_chromium() {
    let site = reader_site();
    build_ok(&site);
    let Some(mut b) = browser::Browser::start() else { return };
    let shots = screenshot_dir();
    let url = format!(
        "file://{}",
        site.path("output/en-us/guide/install/index.html").display()
    );
    viewport(&mut b, 1366, 900);
    system_dark(&mut b, false);
    b.goto(&url);
    b.wait_for(
        "document.querySelectorAll('.code-block').length === 2",
        Duration::from_secs(5),
    );

    // Labels from the fence's language.
    assert_eq!(
        b.eval("[...document.querySelectorAll('.code-lang')].map(e => e.textContent).join(',')"),
        "Bash,JSON"
    );
    // Light: only the light code stylesheet applies; `true` is readable.
    assert_eq!(b.eval(SHEETS), "light");
    let light = b.eval(TRUE_COLOUR);
    assert!(contrast(&light[0], &light[1]) >= 3.0, "light code colours: {light}");
    b.screenshot(&shots.join("light-1366.png"));

    // The copy button, by keyboard, from file://.
    b.call(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    b.eval("document.querySelector('.copy-button').focus()");
    assert_eq!(b.eval("document.activeElement.className"), "copy-button");
    for kind in ["keyDown", "keyUp"] {
        b.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": if kind == "keyDown" { "\r" } else { "" }}),
        );
    }
    b.wait_for(
        "document.querySelector('.copy-button').textContent.trim() === 'Copied'",
        Duration::from_secs(5),
    );
    assert_eq!(
        b.eval("document.querySelector('.code-header [role=status]').textContent"),
        "Copied"
    );
    let clip = b.eval("navigator.clipboard.readText()");
    assert_eq!(clip, BASH, "the clipboard holds the code");

    // Dark from the system setting: only the dark code stylesheet.
    system_dark(&mut b, true);
    b.wait_for(
        "matchMedia('(prefers-color-scheme: dark)').matches",
        Duration::from_secs(5),
    );
    assert_eq!(b.eval(SHEETS), "dark");
    let dark = b.eval(TRUE_COLOUR);
    assert!(
        contrast(&dark[0], &dark[1]) >= 3.0,
        "dark code colours (system): {dark}"
    );
    b.screenshot(&shots.join("dark-1366.png"));

    // The toggle picks light under a dark system, then dark again.
    b.eval("document.getElementById('pd-theme-toggle').click()");
    assert_eq!(b.eval(SHEETS), "light");
    let toggled_light = b.eval(TRUE_COLOUR);
    assert!(contrast(&toggled_light[0], &toggled_light[1]) >= 3.0, "{toggled_light}");
    system_dark(&mut b, false);
    b.eval("document.getElementById('pd-theme-toggle').click()");
    assert_eq!(b.eval(SHEETS), "dark");
    let toggled_dark = b.eval(TRUE_COLOUR);
    assert!(contrast(&toggled_dark[0], &toggled_dark[1]) >= 3.0, "{toggled_dark}");
    b.eval("localStorage.removeItem('polydoc-theme')");

    // 390 px: the title comes first; sidebar and "In this article" are
    // behind buttons.
    viewport(&mut b, 390, 844);
    b.goto(&url);
    b.wait_for(
        "document.querySelector('.page-tools') && !document.querySelector('.page-tools').hidden",
        Duration::from_secs(5),
    );
    assert_eq!(
        b.eval("getComputedStyle(document.getElementById('pd-nav')).display"),
        "none"
    );
    assert_eq!(
        b.eval("getComputedStyle(document.getElementById('pd-toc')).display"),
        "none"
    );
    let title_top = b
        .eval("document.querySelector('h1').getBoundingClientRect().top")
        .as_f64()
        .unwrap();
    assert!(title_top < 200.0, "the title is near the top: {title_top}");
    b.screenshot(&shots.join("narrow-390.png"));
    b.eval("document.querySelector('[aria-controls=pd-nav]').click()");
    assert_eq!(
        b.eval("getComputedStyle(document.getElementById('pd-nav')).position"),
        "fixed"
    );
    assert_eq!(
        b.eval("document.querySelector('[aria-controls=pd-nav]').getAttribute('aria-expanded')"),
        "true"
    );
    assert_eq!(b.eval("document.activeElement.className"), "drawer-close");
    b.screenshot(&shots.join("narrow-390-drawer.png"));
    // Tab goes round the open drawer: Shift+Tab from its first stop (the
    // close button) lands on its last link, Tab from there comes back.
    let tab = |b: &mut browser::Browser, shift: bool| {
        for kind in ["rawKeyDown", "keyUp"] {
            b.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "modifiers": if shift { 8 } else { 0 }}),
            );
        }
    };
    tab(&mut b, true);
    assert_eq!(
        b.eval("(function(){var l=document.querySelectorAll('#pd-nav a[href]');return document.activeElement===l[l.length-1];})()"),
        true,
        "Shift+Tab from the close button stays in the drawer"
    );
    tab(&mut b, false);
    assert_eq!(b.eval("document.activeElement.className"), "drawer-close");
    for kind in ["keyDown", "keyUp"] {
        b.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27}),
        );
    }
    assert_eq!(
        b.eval("getComputedStyle(document.getElementById('pd-nav')).display"),
        "none"
    );
    assert_eq!(b.eval("document.activeElement.getAttribute('aria-controls')"), "pd-nav");
}
