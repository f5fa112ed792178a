//! What readers and reviewers see, in real headless Chromium (Debian's
//! `chromium`): the language switcher (opened and followed), the MT notice
//! and its link, right-to-left chrome, the side-by-side review page (both
//! sides next to each other, section by section, with the findings) and the
//! sortable status table. Screenshots are written to
//! `target/l10n-screenshots/`. Skips (passing, with a notice) only when
//! Chromium is not installed.
//!
//! The output folder is served over HTTP on 127.0.0.1 (a static host:
//! folders serve their index.html), and pages are driven from a small
//! harness page of our own in it that loads them in a same-origin iframe,
//! acts as a reader would (opens the switcher, clicks a language, clicks a
//! column heading) and writes what it saw as JSON into its own DOM, which
//! `--dump-dom` prints.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A static file server for `root` on 127.0.0.1 (folders serve their
/// `index.html`), stopped when dropped.
struct Server {
    base: String,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let path = request.split(' ').nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/");
                let decoded = percent_decode(path);
                let mut file = root.join(decoded.trim_start_matches('/'));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let mut stream = stream;
                let (status, body, kind) = match std::fs::read(&file) {
                    Ok(b) if !decoded.contains("..") => ("200 OK", b, content_type(&file)),
                    _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.0 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Server { base, stop }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

fn chromium() -> Option<PathBuf> {
    if Path::new("/usr/bin/chromium").exists() {
        return Some("/usr/bin/chromium".into());
    }
    let out = Command::new("sh").args(["-c", "command -v chromium"]).output().ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!p.is_empty()).then(|| p.into())
}

/// Runs headless Chromium with the brief's flags plus `extra`, with a fresh
/// profile, for at most 90 seconds; returns standard output.
fn run_chromium(bin: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = common::dies_with_parent(&mut Command::new(bin))
        .args(common::CHROMIUM_FLAGS)
        .args(["--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Loads the harness page and returns the JSON it wrote into `#out`.
fn harness(bin: &Path, page: &str) -> Value {
    let dom = run_chromium(
        bin,
        &[
            "--window-size=1300,1100".into(),
            "--virtual-time-budget=15000".into(),
            "--dump-dom".into(),
            page.into(),
        ],
    );
    let start = dom
        .find("<pre id=\"out\">")
        .unwrap_or_else(|| panic!("no #out in:\n{dom}"))
        + 14;
    let end = dom[start..].find("</pre>").unwrap() + start;
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("harness wrote no JSON ({e}):\n{json}"))
}

/// Saves a screenshot of `url` to `target/l10n-screenshots/<name>.png`.
fn screenshot(bin: &Path, url: &str, name: &str, size: &str) -> PathBuf {
    let dir = repo_root().join("target/l10n-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    run_chromium(
        bin,
        &[
            format!("--window-size={size}"),
            "--virtual-time-budget=5000".into(),
            format!("--screenshot={}", png.display()),
            url.into(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{} is not a real screenshot",
        png.display()
    );
    png
}

const HELPERS: &str = r#"
function visible(el) {
  if (!el) return false;
  // Closed <details> hide their content with content-visibility, which
  // only checkVisibility sees.
  if (el.checkVisibility && !el.checkVisibility({ checkVisibilityCSS: true, contentVisibilityAuto: true })) return false;
  var r = el.getBoundingClientRect();
  var s = el.ownerDocument.defaultView.getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
}
function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : null; }
function done(out) { document.getElementById("out").textContent = JSON.stringify(out); }
"#;

/// Writes a harness page into the output folder; returns its URL.
fn write_harness(site: &Site, server: &Server, name: &str, src: &str, script: &str) -> String {
    let html = format!(
        "<!doctype html><meta charset=\"utf-8\"><style>body{{margin:0}}iframe{{border:0;width:1280px;height:1000px}}</style>\
<iframe id=\"f\" src=\"{src}\"></iframe><pre id=\"out\"></pre><script>{HELPERS}\nvar f = document.getElementById(\"f\");\n{script}</script>"
    );
    std::fs::write(site.path(&format!("output/{name}")), html).unwrap();
    format!("{}{name}", server.base)
}

fn browser_site() -> Site {
    let site = sync_site();
    let mut toml = site.read("polydoc.toml");
    toml.push_str("\n[locales.ar-sa]\nname = \"العربية\"\n");
    site.write("polydoc.toml", &toml);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    site
}

#[test]
fn language_switcher_mt_notice_and_rtl_in_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("NOTICE: chromium is not installed; browser test skipped");
        return;
    };
    let site = browser_site();
    let server = Server::start(site.path("output"));
    let page = "nl-nl/sync/troubleshoot-sync/";

    let flow = write_harness(
        &site,
        &server,
        "harness-switcher.html",
        page,
        r#"
var out = {}, step = 0;
f.addEventListener("load", function () {
  var d = f.contentDocument;
  if (step === 0) {
    step = 1;
    var nav = d.querySelector("nav.lang-switcher");
    var det = nav.querySelector("details");
    out.summary = text(det.querySelector("summary"));
    out.closed_links_visible = visible(nav.querySelector("ul a"));
    det.querySelector("summary").click();
    setTimeout(function () {
      out.open = det.open;
      out.links = [].map.call(nav.querySelectorAll("ul a"), function (a) {
        return { text: text(a), hreflang: a.getAttribute("hreflang"), current: a.getAttribute("aria-current"),
                 href: new URL(a.href).pathname, visible: visible(a) };
      });
      var n = d.querySelector(".notice-warning");
      var h1 = d.querySelector(".article h1");
      out.mt = { text: text(n), visible: visible(n), link: new URL(n.querySelector("a").href).pathname,
                 link_text: text(n.querySelector("a")), above_title: n.getBoundingClientRect().bottom <= h1.getBoundingClientRect().top,
                 title: text(h1) };
      out.lang = d.documentElement.lang;
      out.alternates = [].map.call(d.querySelectorAll("link[rel=alternate]"), function (l) { return l.hreflang + " " + l.href; });
      [].filter.call(nav.querySelectorAll("ul a"), function (a) { return a.hreflang === "en-US"; })[0].click();
    }, 100);
  } else if (step === 1) {
    step = 2;
    out.english = { lang: d.documentElement.lang, path: f.contentWindow.location.pathname,
                    title: text(d.querySelector(".article h1")), mt_notice: !!d.querySelector(".notice-warning") };
    f.src = "ar-sa/sync/troubleshoot-sync/";
  } else {
    var main = d.querySelector("main");
    var content = d.querySelector(".content");
    out.arabic = { dir: d.documentElement.dir, direction: getComputedStyle(d.body).direction,
                   content_lang: content.getAttribute("lang"), fallback_notice: visible(d.querySelector(".notice-info")),
                   notice_direction: getComputedStyle(d.querySelector(".notice-info p")).direction,
                   summary: text(d.querySelector("nav.lang-switcher summary")) };
    done(out);
  }
});
"#,
    );
    let out = harness(&bin, &flow);

    assert_eq!(out["summary"], "Nederlands", "{out:#}");
    assert_eq!(
        out["closed_links_visible"], false,
        "the switcher starts closed: {out:#}"
    );
    assert_eq!(out["open"], true, "a click on it opens it: {out:#}");
    let links: Vec<(String, String, bool, bool)> = out["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["text"].as_str().unwrap().to_string(),
                l["href"].as_str().unwrap().to_string(),
                l["current"] == "page",
                l["visible"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("English".into(), "/en-us/sync/troubleshoot-sync/".into(), false, true),
            ("العربية".into(), "/ar-sa/sync/troubleshoot-sync/".into(), false, true),
            ("Nederlands".into(), "/nl-nl/sync/troubleshoot-sync/".into(), true, true),
        ],
        "{out:#}"
    );
    assert_eq!(out["lang"], "nl-NL");
    let alternates: Vec<&str> = out["alternates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        alternates,
        [
            "en-US https://docs.contoso.example/en-us/sync/troubleshoot-sync/",
            "ar-SA https://docs.contoso.example/ar-sa/sync/troubleshoot-sync/",
            "nl-NL https://docs.contoso.example/nl-nl/sync/troubleshoot-sync/",
            "x-default https://docs.contoso.example/en-us/sync/troubleshoot-sync/",
        ]
    );

    // The MT notice: visible, above the title, in Dutch, linking to the source page.
    let mt = &out["mt"];
    assert_eq!(mt["visible"], true, "{out:#}");
    assert_eq!(mt["above_title"], true, "{out:#}");
    assert_eq!(
        mt["text"].as_str().unwrap(),
        format!(
            "{} {}",
            theme_string("nl-nl", "mt_notice"),
            theme_string("nl-nl", "mt_notice_link")
        )
    );
    assert_eq!(mt["link"], "/en-us/sync/troubleshoot-sync/");
    assert_eq!(mt["title"], "Problemen met bestandssynchronisatie oplossen");

    // Following the switcher lands on the English article.
    let en = &out["english"];
    assert_eq!(en["lang"], "en-US", "{out:#}");
    assert_eq!(en["path"], "/en-us/sync/troubleshoot-sync/");
    assert_eq!(en["title"], "Troubleshoot file sync");
    assert_eq!(en["mt_notice"], false);

    // Arabic: right-to-left chrome around the (untranslated) English source.
    let ar = &out["arabic"];
    assert_eq!(ar["dir"], "rtl", "{out:#}");
    assert_eq!(ar["direction"], "rtl");
    assert_eq!(ar["content_lang"], "en-US");
    assert_eq!(ar["fallback_notice"], true);
    // Its words come from the source locale's strings (no ar-sa file): left to right inside.
    assert_eq!(ar["notice_direction"], "ltr");
    assert_eq!(ar["summary"], "العربية");

    // For a person to look at: the Dutch page with its switcher open, and the Arabic page.
    let open = write_harness(
        &site,
        &server,
        "harness-open.html",
        page,
        "f.addEventListener(\"load\", function () { f.contentDocument.querySelector(\"nav.lang-switcher summary\").click(); done({}); });",
    );
    screenshot(&bin, &open, "switcher-open-nl", "1280,1000");
    screenshot(
        &bin,
        &format!("{}ar-sa/sync/troubleshoot-sync/", server.base),
        "fallback-rtl-ar",
        "1280,900",
    );
}

#[test]
fn side_by_side_review_page_in_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("NOTICE: chromium is not installed; browser test skipped");
        return;
    };
    let site = browser_site();
    let server = Server::start(site.path("output"));
    let review = "_l10n/nl-nl/sync/troubleshoot-sync/";
    let flow = write_harness(
        &site,
        &server,
        "harness-review.html",
        review,
        r#"
var out = {}, step = 0;
f.addEventListener("load", function () {
  var d = f.contentDocument;
  if (step === 0) {
    step = 1;
    out.robots = d.querySelector("meta[name=robots]").content;
    out.sections = [].map.call(d.querySelectorAll(".l10n-section"), function (s) {
      var src = s.querySelector(".l10n-source, .l10n-grid > .l10n-absent:first-child");
      var tr = s.querySelector(".l10n-translation, .l10n-grid > .l10n-absent:last-child");
      var a = src.getBoundingClientRect(), b = tr.getBoundingClientRect();
      return { source: text(src.querySelector("h1, h2, h3")) || text(src), translation: text(tr.querySelector("h1, h2, h3")) || text(tr),
               same_row: Math.abs(a.top - b.top) < 2, source_left: a.left < b.left, widths: [Math.round(a.width), Math.round(b.width)],
               findings: [].map.call(s.querySelectorAll(".l10n-finding"), function (li) { return { code: li.dataset.code, visible: visible(li), text: text(li) }; }) };
    });
    f.src = "_l10n/nl-nl/";
  } else {
    var rows = function () { return [].map.call(d.querySelectorAll("table.l10n-articles tbody tr"), function (r) { return r.dataset.rel; }); };
    out.index_before = rows();
    var th = d.querySelectorAll("table.l10n-articles thead th");
    var findings = th[th.length - 1];
    findings.querySelector("button").click();
    findings.querySelector("button").click();
    out.index_sorted = rows();
    out.index_sort_state = findings.getAttribute("aria-sort");
    done(out);
  }
});
"#,
    );
    let out = harness(&bin, &flow);
    assert_eq!(out["robots"], "noindex, nofollow");
    let sections = out["sections"].as_array().unwrap();
    let titles: Vec<(&str, &str)> = sections
        .iter()
        .map(|s| (s["source"].as_str().unwrap(), s["translation"].as_str().unwrap()))
        .collect();
    assert_eq!(
        titles,
        [
            (
                "Troubleshoot file sync",
                "Problemen met bestandssynchronisatie oplossen"
            ),
            ("Sync errors", "Synchronisatiefouten"),
            ("Pause sync", "Synchronisatie pauzeren"),
            ("Contact support", theme_string("nl-nl", "l10n_only_source").as_str()),
            (theme_string("nl-nl", "l10n_only_translation").as_str(), "Meer hulp"),
        ],
        "{out:#}"
    );
    for s in sections {
        assert_eq!(s["same_row"], true, "side by side: {s:#}");
        assert_eq!(s["source_left"], true, "source on the left: {s:#}");
        let w = s["widths"].as_array().unwrap();
        assert!(w[0].as_u64().unwrap() > 400 && w[1].as_u64().unwrap() > 400, "{s:#}");
        for f in s["findings"].as_array().unwrap() {
            assert_eq!(f["visible"], true, "{f:#}");
        }
    }
    let first: Vec<&str> = sections[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["l10n-link-target", "l10n-glued-link", "l10n-space-punctuation"]);
    let glued = sections[0]["findings"][1]["text"].as_str().unwrap();
    // In the reader's language (the theme's l10n_msg_glued_after).
    assert!(
        glued.contains("het woord `inschakelen` zit vast aan het sluithaakje"),
        "{glued}"
    );

    // The status table sorts by findings, most first after two clicks.
    assert_eq!(out["index_sort_state"], "descending", "{out:#}");
    assert_eq!(out["index_sorted"][0], "sync/troubleshoot-sync.md", "{out:#}");
    assert_ne!(out["index_before"], out["index_sorted"], "{out:#}");

    screenshot(
        &bin,
        &format!("{}{review}", server.base),
        "review-side-by-side",
        "1400,1600",
    );
    screenshot(&bin, &format!("{}_l10n/", server.base), "review-index", "1280,800");
}
