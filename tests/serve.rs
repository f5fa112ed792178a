//! `polydoc serve`: the real binary on a free port; files are changed,
//! added, renamed and deleted, and HTTP must show each change.

#[path = "common/browser.rs"]
mod browser;
mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

fn request(port: u16, method: &str, path: &str) -> Option<Response> {
    request_for(port, "localhost", method, path)
}

/// A request with its own `Host` header.
fn request_for(port: u16, host: &str, method: &str, path: &str) -> Option<Response> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some(Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

fn get(port: u16, path: &str) -> Response {
    request(port, "GET", path).unwrap_or_else(|| panic!("GET {path} failed"))
}

/// Polls until `f` holds (the rebuild is asynchronous), up to 10 s.
#[track_caller]
/// Waits for `f`: long enough for a debug build's rebuild on a busy 2-core
/// machine (with other builds running, 10 s was sometimes too short), and never
/// longer than it takes.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn serve(site: &Site) -> Server {
    let port = browser::free_port();
    let child = common::dies_with_parent(&mut Command::new(env!("CARGO_BIN_EXE_polydoc")))
        .args(["serve", site.root.to_str().unwrap(), "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start polydoc serve");
    let server = Server { child, port };
    eventually("the server answers", || {
        request(port, "GET", "/").is_some_and(|r| r.status == 200)
    });
    server
}

fn fixture() -> Site {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        (
            "articles/en-us/index.md",
            &article("Home", "# Home\n\n[Setup](guide/setup.md#install)\n"),
        ),
        (
            "articles/en-us/guide/setup.md",
            &article("Setup", "# Setup\n\nFirst version.\n\n## Install\n"),
        ),
        (
            "articles/en-us/guide/policy.md",
            &article("Policy", "# Policy\n\nA policy.\n"),
        ),
        (
            "articles/nl-nl/guide/setup.md",
            &article(
                "Instellen",
                "# <a name=\"setup\"></a>Instellen\n\nEerste versie.\n\n## <a name=\"install\"></a>Installeren\n",
            ),
        ),
        ("articles/en-us/media/a.png", "png"),
    ]);
    site
}

#[test]
fn edits_additions_renames_and_deletions_show_up() {
    let site = fixture();
    let s = serve(&site);
    assert!(get(s.port, "/en-us/guide/setup/").body.contains("First version."));

    site.write(
        "articles/en-us/guide/setup.md",
        &article("Setup", "# Setup\n\nSecond version.\n\n## Install\n"),
    );
    eventually("the edit", || {
        get(s.port, "/en-us/guide/setup/").body.contains("Second version.")
    });
    // The nl-nl translation is untouched; its review page shows the new
    // source beside it once edits pause.
    assert!(get(s.port, "/nl-nl/guide/setup/").body.contains("Eerste versie."));
    eventually("the review page", || {
        let review = get(s.port, "/_l10n/nl-nl/guide/setup/").body;
        review.contains("Second version.") && review.contains("Eerste versie.")
    });

    site.write("articles/en-us/guide/new.md", &article("New", "# New page\n"));
    eventually("the new page", || get(s.port, "/en-us/guide/new/").status == 200);
    eventually("its fallback in nl-nl", || {
        get(s.port, "/nl-nl/guide/new/").body.contains("New page")
    });

    std::fs::rename(
        site.path("articles/en-us/guide/new.md"),
        site.path("articles/en-us/guide/renamed.md"),
    )
    .unwrap();
    eventually("the renamed page", || {
        get(s.port, "/en-us/guide/renamed/").status == 200
    });
    eventually("the old URL gone", || get(s.port, "/en-us/guide/new/").status == 404);

    // A translation deleted: the page falls back to the source.
    site.remove("articles/nl-nl/guide/setup.md");
    eventually("the fallback", || {
        get(s.port, "/nl-nl/guide/setup/").body.contains("Second version.")
    });

    // A whole folder removed.
    std::fs::remove_dir_all(site.path("articles/en-us/guide")).unwrap();
    eventually("the folder's pages gone", || {
        get(s.port, "/en-us/guide/policy/").status == 404 && get(s.port, "/nl-nl/guide/policy/").status == 404
    });
    // The link to the removed page is now an error, shown in the overlay.
    eventually("the overlay", || {
        get(s.port, "/en-us/").body.contains("polydoc-overlay")
    });
}

#[test]
fn error_overlay_appears_and_goes_away() {
    let site = fixture();
    let s = serve(&site);
    assert!(!get(s.port, "/en-us/").body.contains("polydoc-overlay"));
    site.write("articles/en-us/guide/policy.md", "---\ntitle: [broken\n---\n# Policy\n");
    eventually("the overlay", || {
        let body = get(s.port, "/en-us/").body;
        body.contains("id=\"polydoc-overlay\"") && body.contains("articles/en-us/guide/policy.md:2:8")
    });
    let status = get(s.port, "/__polydoc/status").body;
    assert!(status.contains("policy.md:2:8"), "{status}");
    site.write(
        "articles/en-us/guide/policy.md",
        &article("Policy", "# Policy\n\nFixed.\n"),
    );
    eventually("the overlay gone", || {
        !get(s.port, "/en-us/").body.contains("polydoc-overlay")
    });
    assert!(get(s.port, "/en-us/guide/policy/").body.contains("Fixed."));
    assert_eq!(get(s.port, "/__polydoc/status").body, "{\"errors\":[]}");
}

#[test]
fn server_basics_and_traversal() {
    let site = fixture();
    let s = serve(&site);
    let page = get(s.port, "/en-us/guide/setup/");
    assert_eq!(page.status, 200);
    assert!(
        page.head.contains("Content-Type: text/html; charset=utf-8"),
        "{}",
        page.head
    );
    assert!(page.body.contains("/__polydoc/live.js"));
    // Folder URL without its slash is redirected.
    let r = get(s.port, "/en-us/guide/setup");
    assert_eq!(r.status, 301);
    assert!(r.head.contains("Location: /en-us/guide/setup/"));
    assert!(get(s.port, "/_static/css/site.css").head.contains("text/css"));
    assert!(get(s.port, "/en-us/media/a.png").head.contains("image/png"));
    // HEAD: headers only.
    let h = request(s.port, "HEAD", "/en-us/guide/setup/").unwrap();
    assert_eq!(h.status, 200);
    assert!(h.body.is_empty());
    assert!(h.head.contains(&format!("Content-Length: {}", page.body.len())));
    // The theme's 404 page.
    let missing = get(s.port, "/en-us/nope/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(&theme_string("en-us", "not_found_title")));
    // Traversal, plain and encoded, never leaves the output folder.
    std::fs::write(site.outside("secret.txt"), "secret").unwrap();
    for p in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/en-us/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let r = get(s.port, p);
        assert!(r.status == 403 || r.status == 404, "{p}: {}", r.status);
        assert!(!r.body.contains("secret"), "{p}");
    }
}

#[test]
fn serve_listens_on_loopback_only_by_default() {
    let site = fixture();
    let s = serve(&site);
    let out = Command::new("ss").args(["-ltnH"]).output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.contains(&format!(":{} ", s.port)))
            .unwrap_or_default();
        assert!(line.contains("127.0.0.1"), "{line}");
    }
}

#[test]
fn the_open_page_reloads_by_itself() {
    let site = fixture();
    let s = serve(&site);
    let Some(mut b) = browser::Browser::start() else { return };
    b.goto(&format!("http://127.0.0.1:{}/en-us/guide/setup/", s.port));
    assert_eq!(b.eval("document.querySelector('main p').textContent"), "First version.");
    b.eval("window.__before_reload = true");
    // Give the page time to open its event stream.
    b.wait_for(
        "window.performance.getEntriesByType('resource').some(e => e.name.includes('live.js'))",
        Duration::from_secs(5),
    );
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "articles/en-us/guide/setup.md",
        &article("Setup", "# Setup\n\nEdited in the editor.\n\n## Install\n"),
    );
    b.wait_for(
        "document.querySelector('main p') && document.querySelector('main p').textContent === 'Edited in the editor.'",
        Duration::from_secs(10),
    );
    assert_eq!(
        b.eval("window.__before_reload === undefined"),
        true,
        "the page was reloaded"
    );
}

#[test]
fn status_pages_follow_an_edited_source_once_edits_pause() {
    use sha1::{Digest, Sha1};
    let site = fixture();
    let source = article("Policy", "# Policy\n\nA policy.\n");
    let hash: String = Sha1::digest(source.replace('\n', "\r\n").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    site.write(
        "articles/nl-nl/guide/policy.md",
        &format!(
            "---\ntitle: Beleid\nms.openlocfilehash: {hash}\n---\n# <a name=\"policy\"></a>Beleid\n\nEen beleid.\n"
        ),
    );
    let s = serve(&site);
    let row = |body: &str| body.contains("state-current") && !body.contains("state-stale");
    assert!(
        row(&get(s.port, "/_l10n/nl-nl/").body),
        "the translation starts current"
    );
    site.write(
        "articles/en-us/guide/policy.md",
        &article("Policy", "# Policy\n\nA changed policy.\n"),
    );
    eventually("the status page shows it stale", || {
        get(s.port, "/_l10n/nl-nl/").body.contains("state-stale")
    });
}

#[test]
fn the_search_index_follows_an_edit_once_edits_pause() {
    let site = fixture();
    let s = serve(&site);
    // Every index file of a locale, as one text (terms are plain JSON strings).
    let index = |locale: &str| -> String {
        let meta = get(s.port, &format!("/_search/{locale}/meta.js")).body;
        let shards: usize = meta
            .split("\"k\":")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|k| k.parse().ok())
            .expect("meta.js names its shard count");
        (0..shards)
            .map(|k| get(s.port, &format!("/_search/{locale}/t{k}.js")).body)
            .collect()
    };
    assert!(!index("en-us").contains("\"zeppelin\""));
    site.write(
        "articles/en-us/guide/policy.md",
        &article("Policy", "# Policy\n\nA policy for every zeppelin.\n"),
    );
    eventually("the edited page", || {
        get(s.port, "/en-us/guide/policy/").body.contains("zeppelin")
    });
    eventually("the new word in the index", || index("en-us").contains("\"zeppelin\""));
    // The untranslated page is indexed under nl-nl too, in English.
    eventually("and in the fallback locale's", || {
        index("nl-nl").contains("\"zeppelin\"")
    });
}

#[test]
fn a_top_level_folder_made_after_start_up_is_watched() {
    // `articles/` is replaced after serve starts (as a checkout or a `mv` does):
    // the new folder is a new top-level folder, and edits inside it count.
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write("articles/en-us/index.md", &article("Home", "# Home\n"));
    site.write("articles/en-us/setup.md", &article("Setup", "# Setup\n\nEnglish.\n"));
    std::fs::rename(site.path("articles"), site.path("later")).unwrap();
    std::fs::create_dir_all(site.path("articles/en-us")).unwrap();
    std::fs::write(site.path("articles/en-us/index.md"), article("Home", "# Home\n")).unwrap();
    let s = serve(&site);
    std::fs::remove_dir_all(site.path("articles")).unwrap();
    std::fs::rename(site.path("later"), site.path("articles")).unwrap();
    eventually("the moved-in folder's page", || {
        get(s.port, "/en-us/setup/").body.contains("English.")
    });
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "articles/en-us/setup.md",
        &article("Setup", "# Setup\n\nEdited later.\n"),
    );
    eventually("an edit inside it", || {
        get(s.port, "/en-us/setup/").body.contains("Edited later.")
    });
}

/// The folder holding the locale trees removed, rebuilt without it, then
/// moved back in: the move's only event names `articles/` itself, outside
/// every locale tree, and must still rebuild.
#[test]
fn a_folder_of_locale_trees_moved_in_later_is_built() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/index.md", &article("Home", "# Home\n"));
    site.write("articles/en-us/setup.md", &article("Setup", "# Setup\n\nEnglish.\n"));
    let s = serve(&site);
    std::fs::rename(site.path("articles"), site.path("later")).unwrap();
    eventually("the pages gone", || get(s.port, "/en-us/setup/").status == 404);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(site.path("later"), site.path("articles")).unwrap();
    eventually("the pages back", || {
        get(s.port, "/en-us/setup/").body.contains("English.")
    });
}

#[test]
fn requests_for_other_hosts_are_refused_and_redirects_stay_on_the_origin() {
    let site = fixture();
    let s = serve(&site);
    let port = s.port;
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "192.168.0.9",
        "localhost.evil.example",
    ] {
        let r = request_for(port, host, "GET", "/en-us/guide/setup/").unwrap();
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.body.contains("First version."), "{host}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = request_for(port, &host, "GET", "/en-us/guide/setup/").unwrap();
        assert_eq!(r.status, 200, "{host}");
    }
    // `//en-us` is a path, not a host: the redirect keeps one slash.
    for path in ["//en-us", "///en-us/guide"] {
        let r = get(port, path);
        assert_eq!(r.status, 301, "{path}");
        let location = r.head.lines().find_map(|l| l.strip_prefix("Location: ")).unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{path}: {location}"
        );
    }
}

#[test]
fn a_page_with_broken_yaml_keeps_its_last_good_version_and_a_deleted_output_recovers() {
    let site = fixture();
    let s = serve(&site);
    assert!(get(s.port, "/en-us/guide/policy/").body.contains("A policy."));
    site.write(
        "articles/en-us/guide/policy.md",
        "---\ntitle: [broken\n---\n# Policy\n\nHalf-typed.\n",
    );
    eventually("the error", || {
        get(s.port, "/__polydoc/status").body.contains("policy.md:2:8")
    });
    let page = get(s.port, "/en-us/guide/policy/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("A policy."), "the last good version is served");
    // The output folder deleted while serving: the next rebuild writes it all.
    std::fs::remove_dir_all(site.path("output")).unwrap();
    site.write(
        "articles/en-us/guide/setup.md",
        &article("Setup", "# Setup\n\nAfter the output was deleted.\n\n## Install\n"),
    );
    eventually("the rebuilt page", || {
        get(s.port, "/en-us/guide/setup/")
            .body
            .contains("After the output was deleted.")
    });
    assert_eq!(get(s.port, "/en-us/").status, 200);
    assert_eq!(get(s.port, "/nl-nl/guide/setup/").status, 200);
    assert!(get(s.port, "/en-us/guide/policy/").body.contains("A policy."));
    assert!(site.exists("output/.polydoc-output"));
}

#[test]
fn a_theme_that_cannot_render_keeps_the_last_good_pages() {
    let site = fixture();
    let s = serve(&site);
    assert!(get(s.port, "/en-us/guide/setup/").body.contains("First version."));
    let tpl = "themes/default/templates/page.html";
    let good = site.read(tpl);
    let broken = good.replacen(
        "page-article{% endblock",
        "page-article{{ page.no_such_thing.deeper }}{% endblock",
        1,
    );
    assert_ne!(broken, good);
    site.write(tpl, &broken);
    eventually("the template error", || {
        get(s.port, "/__polydoc/status").body.contains("no_such_thing")
    });
    for path in ["/en-us/guide/setup/", "/en-us/guide/policy/", "/nl-nl/guide/setup/"] {
        let page = get(s.port, path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("</html>"), "{path}");
    }
    assert!(get(s.port, "/en-us/guide/setup/").body.contains("First version."));
    site.write(tpl, &good);
    eventually("the error gone", || {
        get(s.port, "/__polydoc/status").body == "{\"errors\":[]}"
    });
}

/// After a rebuild the terminal shows only the errors that are new and how
/// many were fixed, not every error again (a site with thousands of broken
/// links would reprint all of them on every save).
#[test]
fn a_rebuild_prints_only_the_errors_that_changed() {
    let site = fixture();
    site.write(
        "articles/en-us/guide/policy.md",
        &article("Policy", "# Policy\n\n[Gone](gone.md)\n"),
    );
    let log = site.outside("serve.log");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let port = browser::free_port();
    let child = common::dies_with_parent(&mut Command::new(env!("CARGO_BIN_EXE_polydoc")))
        .args(["serve", site.root.to_str().unwrap(), "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start polydoc serve");
    let _server = Server { child, port };
    eventually("the server answers", || {
        request(port, "GET", "/").is_some_and(|r| r.status == 200)
    });
    let text = || std::fs::read_to_string(&log).unwrap_or_default();
    let rebuilt = |n: usize| move |t: &str| t.matches("rebuilt:").count() >= n;
    assert_eq!(text().matches("link `gone.md`").count(), 1, "{}", text());

    // An unrelated edit: the old error is not printed again.
    site.write(
        "articles/en-us/guide/setup.md",
        &article("Setup", "# Setup\n\nSecond version.\n\n## Install\n"),
    );
    eventually("the first rebuild", || rebuilt(1)(&text()));
    let t = text();
    assert_eq!(t.matches("link `gone.md`").count(), 1, "{t}");
    assert!(t.contains("(1 errors: 0 new, 0 fixed"), "{t}");

    // A new broken link is printed once; fixing the old one is counted.
    site.write(
        "articles/en-us/guide/policy.md",
        &article("Policy", "# Policy\n\n[Missing](missing.md)\n"),
    );
    eventually("the second rebuild", || rebuilt(2)(&text()));
    let t = text();
    assert_eq!(t.matches("link `missing.md`").count(), 1, "{t}");
    let starting = |p: &str| t.lines().filter(|l| l.starts_with(p)).count();
    assert_eq!(starting("error[link-missing-file]: link `gone.md`"), 1, "{t}");
    assert_eq!(
        t.matches("fixed error[link-missing-file]: link `gone.md`").count(),
        1,
        "{t}"
    );
    assert!(t.contains("(1 errors: 1 new, 1 fixed"), "{t}");
}

/// `polydoc serve` with its terminal output in a file.
fn serve_logged(site: &Site) -> (Server, std::path::PathBuf) {
    let log = site.outside("serve.log");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let port = browser::free_port();
    let child = common::dies_with_parent(&mut Command::new(env!("CARGO_BIN_EXE_polydoc")))
        .args(["serve", site.root.to_str().unwrap(), "--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start polydoc serve");
    let server = Server { child, port };
    eventually("the server answers", || {
        request(port, "GET", "/").is_some_and(|r| r.status == 200)
    });
    (server, log)
}

/// On a site with many broken links, an edit that fixes one prints exactly
/// that: the one error fixed, where it was, and the count; none of the
/// others again. An edit that only moves errors (a line added above them)
/// prints no change at all.
#[test]
fn fixing_one_of_many_broken_links_prints_exactly_that() {
    let site = Site::new(&[("en-us", "English")]);
    let links = |from: usize| -> String {
        (0..10)
            .filter(|j| *j >= from)
            .map(|j| format!("[gone {j}](gone-{j}.md)\n"))
            .collect()
    };
    let mut files = vec![("articles/en-us/index.md".to_string(), article("Home", "# Home\n"))];
    for i in 0..6 {
        files.push((
            format!("articles/en-us/p{i}.md"),
            article(&format!("Page {i}"), &format!("# Page {i}\n\n{}", links(0))),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    site.write_all(&refs);
    let (_server, log) = serve_logged(&site);
    let text = || std::fs::read_to_string(&log).unwrap_or_default();
    // What the n-th rebuild printed, its summary line last.
    let after = |n: usize| -> String {
        eventually("a rebuild", || text().matches("rebuilt:").count() >= n);
        let t = text();
        let (mut seg, mut count) = (Vec::new(), 0);
        for l in t.lines().skip_while(|l| !l.starts_with("serving ")).skip(1) {
            seg.push(l);
            if l.starts_with("rebuilt:") {
                count += 1;
                if count == n {
                    break;
                }
                seg.clear();
            }
        }
        seg.join("\n")
    };
    assert_eq!(text().matches("error[link-missing-file]").count(), 60, "{}", text());
    assert!(text().contains("(60 errors, 0 warnings)"), "{}", text());

    // p3.md loses its first broken link.
    site.write(
        "articles/en-us/p3.md",
        &article("Page 3", &format!("# Page 3\n\n{}", links(1))),
    );
    let printed = after(1);
    assert_eq!(
        printed
            .lines()
            .filter(|l| !l.starts_with("rebuilt:"))
            .collect::<Vec<_>>(),
        [
            "fixed error[link-missing-file]: link `gone-0.md` (\"gone 0\"): no file `gone-0.md` in the site",
            "  --> articles/en-us/p3.md:6:1",
        ],
        "{}",
        text()
    );
    assert!(
        printed.contains("(59 errors: 0 new, 1 fixed, 0 warnings)"),
        "{}",
        text()
    );

    // A paragraph above p4.md's links moves them two lines down: nothing
    // is new and nothing fixed.
    site.write(
        "articles/en-us/p4.md",
        &article("Page 4", &format!("# Page 4\n\nA new paragraph.\n\n{}", links(0))),
    );
    let printed = after(2);
    assert_eq!(printed.lines().count(), 1, "{}", text());
    assert!(
        printed.contains("(59 errors: 0 new, 0 fixed, 0 warnings)"),
        "{}",
        text()
    );
}

/// git in `dir`, its output trimmed.
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Polydoc Test", "-c", "user.email=test@contoso.example"])
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// serve keeps the site's git repository between edits (its history is
/// read once per HEAD): an edit not committed yet still makes a
/// translation stale by git, and after a commit the review page names the
/// source's new last commit.
#[test]
fn translations_follow_git_between_edits() {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    let src = |body: &str| article("Set up", &format!("# Set up\n\n{body}\n"));
    site.write("articles/en-us/index.md", &article("Home", "# Home\n"));
    site.write("articles/en-us/setup.md", &src("Install the agent."));
    git(&site.root, &["init", "-q"]);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "source"]);
    let handoff = git(&site.root, &["rev-parse", "HEAD"]);
    site.write(
        "articles/nl-nl/setup.md",
        &format!(
            "---\ntitle: Instellen\nms.sourcegitcommit: {handoff}\nms.translationtype: HT\n---\n# <a name=\"set-up\"></a>Instellen\n\nInstalleer de agent.\n"
        ),
    );
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "translation"]);
    let s = serve(&site);
    let status = || get(s.port, "/_l10n/nl-nl/").body;
    assert!(status().contains("state-current"), "{}", status());

    site.write("articles/en-us/setup.md", &src("Install the agent on every server."));
    eventually("stale by git", || status().contains("state-stale"));

    git(&site.root, &["commit", "-q", "-am", "edit the source"]);
    let edit = git(&site.root, &["rev-parse", "HEAD"]);
    site.write(
        "articles/en-us/setup.md",
        &src("Install the agent on every server, twice."),
    );
    eventually("the new last commit on the review page", || {
        get(s.port, "/_l10n/nl-nl/setup/")
            .body
            .contains(&format!("<code>{}</code>", &edit[..7]))
    });
}

/// Serve keeps the parsed site in memory, where a build drops each page
/// once written: it says how much once the first build is done.
#[test]
fn serve_says_how_much_it_keeps_in_memory() {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/a.md", &article("A", "# A\n")),
        ("articles/nl-nl/a.md", &article("A", "# A\n")),
    ]);
    let (_server, log) = serve_logged(&site);
    let text = || std::fs::read_to_string(&log).unwrap_or_default();
    eventually("the memory line", || {
        text().contains("serve keeps the parsed site in memory")
    });
    let t = text();
    let line = t.lines().find(|l| l.starts_with("serve keeps")).unwrap();
    // 3 articles; 4 pages (nl-nl's home falls back to the English one).
    let rest = line
        .strip_prefix("serve keeps the parsed site in memory: 3 articles, 4 pages, ")
        .unwrap_or_else(|| panic!("{t}"));
    let mb: u64 = rest
        .strip_suffix(" MB resident")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{t}"));
    assert!((1..4096).contains(&mb), "{t}");
}

/// The files serve writes for the whole site (at start, after a template
/// change, after an article is deleted) are `polydoc build`'s, byte for
/// byte, on a site of more pages than serve renders and writes at a time;
/// so is the search index serve makes again after an edit.
#[test]
fn serve_writes_what_build_writes_on_a_site_larger_than_a_batch() {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    let mut files = vec![
        ("articles/en-us/index.md".to_string(), article("Home", "# Home\n")),
        ("articles/en-us/extra.md".to_string(), article("Extra", "# Extra\n")),
    ];
    for i in 0..300 {
        let body = format!("# Page {i}\n\nText of page {i}, [next](p{}.md).\n", (i + 1) % 300);
        files.push((format!("articles/en-us/p{i}.md"), article(&format!("Page {i}"), &body)));
        if i % 3 == 0 {
            files.push((
                format!("articles/nl-nl/p{i}.md"),
                article(&format!("Pagina {i}"), &body),
            ));
        }
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    site.write_all(&refs);
    let built = site.outside("built");
    let same_as_build = |what: &str| {
        let _ = std::fs::remove_dir_all(&built);
        let report = site.json(&["build", "--out", built.to_str().unwrap()]);
        assert_eq!(report.code(), 0, "{report}");
        // More pages (each locale's, the Dutch fallbacks among them) than
        // serve renders and writes at a time (512).
        assert!(
            report.json["summary"]["stats"]["pages"].as_u64().unwrap() > 600,
            "{report}"
        );
        // Serve may still be writing what follows once edits pause.
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let (want, got) = (snapshot(&built), snapshot(&site.path("output")));
            let differ: Vec<_> = want
                .keys()
                .chain(got.keys())
                .filter(|k| want.get(*k) != got.get(*k))
                .take(5)
                .cloned()
                .collect();
            if differ.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: {} files against {}, differ: {differ:?}",
                got.len(),
                want.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let s = serve(&site);
    same_as_build("at start");

    let tpl = "themes/default/templates/page.html";
    let changed = site.read(tpl).replacen(
        "{%- endblock content %}",
        "<!-- second theme -->{%- endblock content %}",
        1,
    );
    site.write(tpl, &changed);
    eventually("every page rendered again", || {
        get(s.port, "/en-us/p299/").body.contains("second theme")
            && get(s.port, "/nl-nl/p0/").body.contains("second theme")
    });
    same_as_build("after a template change");

    site.remove("articles/en-us/extra.md");
    eventually("the deleted page gone", || get(s.port, "/en-us/extra/").status == 404);
    same_as_build("after an article was deleted");

    // An edit: the search index (made again from the analyses serve kept,
    // the edited article's made anew) follows once edits pause.
    let body = "# Page 7\n\nA zebrafinch sings here, [next](p8.md).\n";
    site.write("articles/en-us/p7.md", &article("Page 7", body));
    eventually("the edit", || get(s.port, "/en-us/p7/").body.contains("zebrafinch"));
    same_as_build("after an edit");
}
