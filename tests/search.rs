//! Search in a real browser: the example site (articles/, polydoc.toml) is
//! built with the real binary and opened from `file://` in headless
//! Chromium, driven over the DevTools protocol (on a pipe). A reader presses
//! `/`, types a Dutch query, sees the expected page first with the section
//! it matched, presses Enter and lands on that heading. Skips (passes with
//! a notice) only when Chromium is not installed.

mod common;

use common::{repo_root, run_in};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A Chromium instance and one page, over `--remote-debugging-pipe`.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: BufReader<std::fs::File>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut cmd_fds = [0; 2]; // we write, Chromium reads on fd 3
        let mut out_fds = [0; 2]; // Chromium writes on fd 4, we read
        unsafe {
            assert_eq!(libc::pipe(cmd_fds.as_mut_ptr()), 0);
            assert_eq!(libc::pipe(out_fds.as_mut_ptr()), 0);
        }
        let (child_read, child_write) = (cmd_fds[0], out_fds[1]);
        let mut cmd = Command::new(CHROMIUM);
        common::dies_with_parent(&mut cmd);
        cmd.args(common::CHROMIUM_FLAGS);
        cmd.args([
            "--remote-debugging-pipe",
            "--window-size=1280,900",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(child_read, 3) < 0 || libc::dup2(child_write, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        use std::os::fd::FromRawFd;
        let (to, from) = unsafe {
            libc::close(child_read);
            libc::close(child_write);
            (
                std::fs::File::from_raw_fd(cmd_fds[1]),
                std::fs::File::from_raw_fd(out_fds[0]),
            )
        };
        let mut b = Browser {
            child,
            to,
            from: BufReader::new(from),
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call("Target.attachToTarget", json!({"targetId": id, "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({}));
        b
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// As `call`, with Chromium's error answer returned instead of panicking.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let mut buf = Vec::new();
            self.from.read_until(0, &mut buf).expect("read from chromium");
            assert!(!buf.is_empty(), "chromium closed the pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    return Err(e.clone());
                }
                return Ok(v["result"].clone());
            }
        }
    }

    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{js}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Evaluates `js` until it returns something truthy, at most `secs`.
    fn wait_for(&mut self, js: &str, secs: u64) -> Value {
        let start = Instant::now();
        loop {
            // While the page navigates (Enter on a result), Chromium answers an
            // evaluation with "Inspected target navigated or closed": ask again.
            let answer = self.try_call(
                "Runtime.evaluate",
                json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            );
            let v = match answer {
                Ok(r) if r.get("exceptionDetails").is_none() => r["result"]["value"].clone(),
                Ok(r) => panic!("{js}: {}", r["exceptionDetails"]),
                Err(e) if e.to_string().contains("navigated") => Value::Null,
                Err(e) => panic!("Runtime.evaluate: {e}"),
            };
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "timed out waiting for {js}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn key(&mut self, key: &str, code: &str, vk: u32, text: &str) {
        for kind in ["keyDown", "keyUp"] {
            let mut p = json!({"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk});
            if kind == "keyDown" && !text.is_empty() {
                p["text"] = json!(text);
            }
            self.call("Input.dispatchKeyEvent", p);
        }
    }

    fn open(&mut self, path: &Path) {
        let url = format!("file://{}", path.display());
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for(
            "document.readyState === 'complete' && location.href.startsWith('file:')",
            20,
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium_missing() -> bool {
    if Path::new(CHROMIUM).exists() {
        return false;
    }
    eprintln!("notice: {CHROMIUM} is not installed; skipping the browser search test");
    true
}

/// The example site, built into a temporary folder.
fn build_example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = run_in(&repo_root(), &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(run.code == 0, "{run}");
    tmp
}

#[test]
fn dutch_query_finds_the_section_and_enter_lands_on_its_heading() {
    if chromium_missing() {
        return;
    }
    let tmp = build_example();
    let site = tmp.path().join("site");
    let mut b = Browser::launch();
    b.open(&site.join("nl-nl/overview/index.html"));

    // `/` focuses the search box.
    b.key("/", "Slash", 191, "/");
    let focused = b.eval("document.activeElement && document.activeElement.id");
    assert_eq!(focused, json!("pd-search-input"));

    // Type an inflected Dutch query: "agents inschrijven" matches the
    // heading "Veel agents tegelijk inschrijven" of "Relay instellen".
    b.call("Input.insertText", json!({"text": "agents inschrijven"}));
    let first = b.wait_for(
        "(() => { const li = document.querySelector('#pd-search-results li.search-result');
                  return li && !document.getElementById('pd-search-results').hidden &&
                    [li.querySelector('.search-result-title').textContent,
                     (li.querySelector('.search-result-heading') || {}).textContent || '',
                     li.getAttribute('aria-selected'),
                     li.querySelector('a').getAttribute('href')]; })()",
        20,
    );
    assert_eq!(first[0], json!("Relay instellen"), "first result: {first}");
    assert_eq!(first[1], json!("Veel agents tegelijk inschrijven"), "{first}");
    assert_eq!(first[2], json!("true"), "the first result is chosen: {first}");
    let marks = b.eval("[...document.querySelectorAll('#pd-search-results li.search-result:first-child mark')].map(m => m.textContent)");
    assert!(
        marks.as_array().unwrap().iter().any(|m| m == "inschrijven"),
        "matched words are highlighted: {marks}"
    );

    // Arrow down and back up keeps the choice on the first result.
    b.key("ArrowDown", "ArrowDown", 40, "");
    let second = b.eval("document.querySelector('#pd-search-results li[aria-selected=true]').id");
    assert_eq!(second, json!("pd-sr-1"));
    b.key("ArrowUp", "ArrowUp", 38, "");

    // Enter opens the page at the heading.
    b.key("Enter", "Enter", 13, "\r");
    let href = b.wait_for(
        "location.href.includes('/nl-nl/admin/setup/') && document.readyState === 'complete' && location.href",
        20,
    );
    let href = href.as_str().unwrap();
    assert!(
        href.ends_with("/nl-nl/admin/setup/index.html#enroll-many-agents-at-once"),
        "{href}"
    );
    // The browser scrolls the heading into view.
    let heading = b.wait_for(
        "(() => { const h = document.getElementById(location.hash.slice(1));
                  const r = h.getBoundingClientRect();
                  return r.top >= 0 && r.bottom <= innerHeight && scrollY > 0 && [h.tagName, h.textContent.trim()]; })()",
        10,
    );
    assert_eq!(heading, json!(["H3", "Veel agents tegelijk inschrijven"]));
}

#[test]
fn results_page_reads_the_query_from_the_url() {
    if chromium_missing() {
        return;
    }
    let tmp = build_example();
    let site = tmp.path().join("site");
    let mut b = Browser::launch();
    let url = format!(
        "file://{}?q=synchronisatiebeleid",
        site.join("nl-nl/search/index.html").display()
    );
    b.call("Page.navigate", json!({"url": url}));
    let titles = b.wait_for(
        "(() => { const t = [...document.querySelectorAll('.search-page-results .search-result-title')].map(x => x.textContent);
                  return t.length ? t : null; })()",
        20,
    );
    assert_eq!(titles[0], json!("Synchronisatiebeleid configureren"), "{titles}");
    // The theme's styles reach the results (a lost brace in site.css once
    // swallowed every search rule: titles, headings and snippets ran together).
    let shown = b.eval(
        "(() => { const li = document.querySelector('.search-page-results li');
                  return [getComputedStyle(li).listStyleType,
                          getComputedStyle(li.querySelector('.search-result-title')).display]; })()",
    );
    assert_eq!(shown, json!(["none", "block"]));
    assert_eq!(
        b.eval("document.getElementById('pd-search-page-input').value"),
        json!("synchronisatiebeleid")
    );
}

/// Serves `root` over HTTP on 127.0.0.1 (a thread per connection, GET
/// only, `index.html` for folders): what a static host does.
fn serve_static(root: &Path) -> u16 {
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split(['?', '#']).next().unwrap_or("/");
                let mut file = root.join(path.trim_start_matches('/'));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let mut stream = stream;
                match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript; charset=utf-8",
                            Some("css") => "text/css; charset=utf-8",
                            _ => "application/octet-stream",
                        };
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body);
                    }
                    _ => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    }
                }
            });
        }
    });
    port
}

#[test]
fn results_page_from_a_server_shows_the_matched_words_of_each_page() {
    if chromium_missing() {
        return;
    }
    let tmp = build_example();
    let port = serve_static(&tmp.path().join("site"));
    let mut b = Browser::launch();
    // `beleid` is a part of `Synchronisatiebeleid`, which the setup page
    // only names in its last section's link list: the index keeps no
    // section for it and the card's excerpt is the page's first words.
    let url = format!("http://127.0.0.1:{port}/nl-nl/search/?q=beleid");
    b.call("Page.navigate", json!({"url": url}));
    let snippet = b.wait_for(
        "(() => { const li = [...document.querySelectorAll('.search-page-results .search-result')]
                    .find(l => l.querySelector('.search-result-title').textContent === 'Relay instellen');
                  const s = li && li.querySelector('.search-result-snippet');
                  return s && s.querySelector('mark') ? s.innerHTML : null; })()",
        20,
    );
    let snippet = snippet.as_str().unwrap();
    assert!(snippet.contains("<mark>Synchronisatiebeleid</mark>"), "{snippet}");
    assert!(
        !snippet.contains("begeleidt"),
        "still the page's first words: {snippet}"
    );
    // The compound in a title is marked too.
    assert_eq!(
        b.eval("document.querySelector('.search-page-results .search-result-title').innerHTML"),
        json!("<mark>Synchronisatiebeleid</mark> configureren")
    );
}

const WORDS: &[&str] = &[
    "wachtwoord",
    "kioskmodus",
    "printerwachtrij",
    "aanmeldbeleid",
    "certificaat",
    "webhook",
    "abonnement",
    "toegangsregel",
    "tijdzone",
    "sleutelkluis",
    "netwerkprofiel",
    "beheerder",
    "synchronisatie",
    "meldingsrapport",
    "gebruikersgroep",
    "domeinnaam",
    "logboek",
    "sjabloon",
    "bestandsversie",
    "apparaatbeheer",
    "verbinding",
    "serverpoort",
    "toepassing",
    "licentie",
];
const VERBS: &[&str] = &[
    "instellen",
    "controleren",
    "verwijderen",
    "vernieuwen",
    "blokkeren",
    "delen",
];

/// The title of page `i` of `many_pages`: three words of our own list and its number.
fn title_of(i: usize) -> String {
    let (a, b) = (WORDS[i % WORDS.len()], WORDS[(i / WORDS.len() + 3 * i) % WORDS.len()]);
    format!("{} {} {} {}", capital(a), b, VERBS[i % VERBS.len()], i)
}

/// A Dutch site of `n` pages large enough to need many index shards.
fn many_pages(n: usize) -> common::Site {
    let site = common::Site::new(&[("nl-nl", "Nederlands")]);
    site.write(
        "articles/nl-nl/index.md",
        &common::article("Start", "# Start\n\nWelkom.\n"),
    );
    for i in 0..n {
        let title = title_of(i);
        let mut body = format!("# {title}\n\n");
        for s in 0..4 {
            let w: Vec<&str> = (0..12).map(|k| WORDS[(i * 7 + s * 5 + k * 11) % WORDS.len()]).collect();
            body.push_str(&format!(
                "## Stap {s} {}\n\nU kunt de {} met {} {}.\n\n",
                w[0],
                w[1..].join(" "),
                w[3],
                VERBS[s]
            ));
        }
        site.write(
            &format!("articles/nl-nl/deel-{}/pagina-{i}.md", i % 10),
            &common::article(&title, &body),
        );
    }
    site
}

fn capital(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[test]
fn a_typed_title_is_found_with_one_shard_and_other_queries_with_every_word() {
    if chromium_missing() {
        return;
    }
    let site = many_pages(1600);
    let run = site.run(&["build"]);
    assert!(run.code == 0, "{run}");
    let shards = std::fs::read_dir(site.path("output/_search/nl-nl"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('t'))
        .count();
    assert!(shards >= 8, "the fixture needs several shards, has {shards}");

    let mut b = Browser::launch();
    b.open(&site.path("output/nl-nl/deel-3/pagina-3/index.html"));
    // The index parts the page has loaded (each a <script> element).
    let loaded = "[...document.querySelectorAll('script[src*=\"/_search/\"]')].map(s => s.src.split('/').pop())";
    let first = "(() => { const li = document.querySelector('#pd-search-results li.search-result');
                  return li && !document.getElementById('pd-search-results').hidden &&
                    li.querySelector('.search-result-title').textContent; })()";

    // A page's whole title, typed as a reader would: that page first, from
    // the index's metadata and one shard.
    b.key("/", "Slash", 191, "/");
    b.call("Input.insertText", json!({"text": title_of(417)}));
    let got = b.wait_for(first, 20);
    assert_eq!(got, json!(title_of(417)));
    let files = b.eval(loaded);
    let files: Vec<&str> = files.as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(files.contains(&"meta.js"), "{files:?}");
    // The shard of the title's longest word; at most one more when the
    // card found no room there (that shard points to it); no card map.
    let shards = files.iter().filter(|f| f.starts_with('t')).count();
    assert!(
        (1..=2).contains(&shards) && !files.iter().any(|f| f.starts_with('c')),
        "a title query needs one shard, two at most: {files:?}"
    );

    // Words from the body, in no title together: every word's shard, and
    // pages that have both rank first.
    b.eval("document.getElementById('pd-search-input').value = ''");
    b.call("Input.insertText", json!({"text": "sleutelkluis printerwachtrij"}));
    b.wait_for(
        "(() => { const li = document.querySelector('#pd-search-results li.search-result .search-result-title');
                  return li && !/417/.test(li.textContent); })()",
        20,
    );
    let after = b.eval(loaded);
    assert!(after.as_array().unwrap().len() > files.len(), "{after}");
}

/// Issue 16's budget for a first search: the client's script, the index's
/// metadata and term shards at most 120 KB; each result shown costs its own
/// card (its prose for the snippet included) and nothing else: never a
/// shard for its title, never the page itself.
const FIRST_QUERY_INDEX_BYTES: u64 = 120_000;
const RESULTS_SHOWN: usize = 10;
const CARD_BYTES: u64 = 8_000;

#[test]
fn a_first_search_stays_within_its_byte_budget() {
    if chromium_missing() {
        return;
    }
    let site = many_pages(1600);
    let run = site.run(&["build"]);
    assert!(run.code == 0, "{run}");
    let port = serve_static(&site.path("output"));
    let mut b = Browser::launch();
    // A title word, a body word on most pages, a word on one page (a
    // title's number), a typo inside a word's first letters (its shard
    // key: the shards it may have come from are loaded too) and one after.
    for q in ["printerwachtrij", "sleutelkluis", "1234", "sluetelkluis", "sleutelkuis"] {
        // A fresh document: Resource Timing lists what this page fetched.
        b.call("Page.navigate", json!({"url": "about:blank"}));
        let url = format!("http://127.0.0.1:{port}/nl-nl/search/?q={q}");
        b.call("Page.navigate", json!({"url": url}));
        b.wait_for(
            "document.querySelector('.search-page-status') && document.querySelector('.search-page-status').textContent",
            30,
        );
        // Until nothing more arrives for a second (cards load after the ranking).
        let mut seen = Value::Null;
        let mut since = Instant::now();
        while since.elapsed() < Duration::from_secs(1) {
            let n = b.eval("performance.getEntriesByType('resource').length");
            if n != seen {
                seen = n;
                since = Instant::now();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let got =
            b.eval("performance.getEntriesByType('resource').map(e => [new URL(e.name).pathname, e.encodedBodySize])");
        let (mut index, mut cards, mut pages) = (0u64, Vec::new(), Vec::new());
        for e in got.as_array().unwrap() {
            let (path, size) = (e[0].as_str().unwrap(), e[1].as_u64().unwrap());
            let name = path.rsplit('/').next().unwrap();
            if path.starts_with("/_search/") && name.starts_with('p') {
                cards.push((name.to_string(), size));
            } else if path.starts_with("/_search/") || name == "search.js" {
                index += size;
            } else if path.ends_with('/') || path.ends_with(".html") {
                pages.push(path.to_string());
            }
        }
        assert!(
            index <= FIRST_QUERY_INDEX_BYTES,
            "`{q}`: the first search fetched {index} bytes of index, over {FIRST_QUERY_INDEX_BYTES}: {got}"
        );
        assert!(pages.is_empty(), "`{q}`: pages fetched for snippets: {pages:?}");
        assert!(
            !cards.is_empty() && cards.len() <= RESULTS_SHOWN,
            "`{q}`: one card per result shown: {cards:?}"
        );
        for (name, size) in &cards {
            assert!(*size <= CARD_BYTES, "`{q}`: card {name} is {size} bytes");
        }
        // And the results are real: the query's word marked in the first
        // result (its title, or the snippet from its card's prose).
        let marked = b.eval(
            "(() => { const li = document.querySelector('.search-page-results .search-result');
                      return !!(li && li.querySelector('mark')); })()",
        );
        assert_eq!(marked, json!(true), "`{q}`: no marked result");
    }
}
