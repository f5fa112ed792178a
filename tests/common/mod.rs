//! Shared helpers for polydoc's integration tests: a fixture site in a
//! temporary folder (with a copy of the repository's real default theme),
//! the real `polydoc` binary, and small readers for its output.
//!
//! Layout of a fixture: `<tmp>/site/` is the site root (`Site::root`);
//! `<tmp>/` itself is free for output folders outside the site
//! (`Site::outside`).
#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The base URL fixtures get unless they ask for another.
pub const BASE_URL: &str = "https://docs.contoso.example/";
/// The `title` of every fixture site.
pub const SITE_TITLE: &str = "Relay Test Docs";

/// The repository root (holds the example site and the default theme).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site in a temporary folder.
pub struct Site {
    pub tmp: tempfile::TempDir,
    /// The site folder (holds `polydoc.toml`).
    pub root: PathBuf,
}

impl Site {
    /// A site whose first locale is the source, at `BASE_URL`.
    /// `locales` are `(code, display name)` pairs.
    pub fn new(locales: &[(&str, &str)]) -> Site {
        Site::with_base_url(locales, BASE_URL)
    }

    pub fn with_base_url(locales: &[(&str, &str)], base_url: &str) -> Site {
        let site = Site::without_config();
        site.write("polydoc.toml", &config_toml(locales, base_url));
        site
    }

    /// The default theme and nothing else: write your own `polydoc.toml`.
    pub fn without_config() -> Site {
        let tmp = tempfile::Builder::new()
            .prefix("polydoc-test-")
            .tempdir()
            .expect("create temp dir");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
        Site { tmp, root }
    }

    /// `rel` inside the site folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `rel` inside the temporary folder, beside (outside) the site folder.
    pub fn outside(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Writes a text file (creating folders), relative to the site root.
    pub fn write(&self, rel: &str, text: &str) -> &Site {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Writes raw bytes (e.g. invalid UTF-8), relative to the site root.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Site {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        self
    }

    /// Writes every `(path, content)` pair.
    pub fn write_all(&self, files: &[(&str, &str)]) -> &Site {
        for (rel, text) in files {
            self.write(rel, text);
        }
        self
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Reads a file relative to the site root; on failure lists what the
    /// output folder does contain.
    pub fn read(&self, rel: &str) -> String {
        read_file(&self.path(rel))
    }

    /// Runs `polydoc ARGS` with the site folder as the working directory
    /// (so `build` alone writes `<site>/output`).
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// Runs `polydoc ARGS --format json` in the site folder and parses the
    /// report on stdout.
    pub fn json(&self, args: &[&str]) -> Report {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", "json"]);
        Report::parse(self.run(&all))
    }

    /// Every file and folder under the temporary folder with its content,
    /// to prove a command changed nothing.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        snapshot(self.tmp.path())
    }
}

/// `polydoc.toml` for `locales` (the first is the source); `hosts` is the
/// host of `base_url`.
pub fn config_toml(locales: &[(&str, &str)], base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    let mut s = format!(
        "title = \"{SITE_TITLE}\"\nbase_url = \"{base_url}\"\nsource_locale = \"{}\"\ntheme = \"default\"\nhosts = [\"{host}\"]\n",
        locales[0].0
    );
    for (code, name) in locales {
        s.push_str(&format!("\n[locales.{code}]\nname = \"{name}\"\n"));
    }
    s
}

/// Front matter with a title, then `body`.
pub fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}")
}

/// The output file of an article: `("nl-nl", "a/b.md")` ->
/// `nl-nl/a/b/index.html`, `("nl-nl", "a/index.md")` -> `nl-nl/a/index.html`.
/// Pages are published at lower-case URL paths, as on Learn.
pub fn page_file(locale: &str, rel: &str) -> String {
    let rel = rel.to_lowercase();
    let stem = rel.strip_suffix(".md").unwrap_or(&rel);
    let dir = if stem == "index" {
        String::new()
    } else if let Some(d) = stem.strip_suffix("/index") {
        format!("{d}/")
    } else {
        format!("{stem}/")
    };
    format!("{locale}/{dir}index.html")
}

/// One run of the binary.
pub struct Run {
    /// Exit status (-1 if killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the real `polydoc` binary in `dir`.
pub fn run_in<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_polydoc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run polydoc");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One entry of the JSON report's `diagnostics`.
#[derive(Debug, Clone, Deserialize)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(default)]
    pub help: Option<String>,
}

/// The JSON report of a `--format json` run.
pub struct Report {
    pub run: Run,
    pub json: serde_json::Value,
    pub diagnostics: Vec<Diag>,
}

impl Report {
    pub fn parse(run: Run) -> Report {
        let json: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{run}"));
        let diagnostics = serde_json::from_value(json["diagnostics"].clone())
            .unwrap_or_else(|e| panic!("bad `diagnostics` ({e}):\n{run}"));
        Report { run, json, diagnostics }
    }

    pub fn code(&self) -> i32 {
        self.run.code
    }

    pub fn errors(&self) -> Vec<&Diag> {
        self.diagnostics.iter().filter(|d| d.severity == "error").collect()
    }

    pub fn warnings(&self) -> Vec<&Diag> {
        self.diagnostics.iter().filter(|d| d.severity == "warning").collect()
    }

    /// Diagnostics with this `code`.
    pub fn with_code(&self, code: &str) -> Vec<&Diag> {
        self.diagnostics.iter().filter(|d| d.code == code).collect()
    }

    /// The only diagnostic with this `code` (panics otherwise).
    pub fn one(&self, code: &str) -> &Diag {
        let found = self.with_code(code);
        assert_eq!(found.len(), 1, "expected one `{code}` diagnostic:\n{self}");
        found[0]
    }

    /// `summary.<key>` as a number.
    pub fn summary(&self, key: &str) -> u64 {
        self.json["summary"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no summary.{key}:\n{self}"))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.run.fmt(f)
    }
}

/// Reads a text file; when it is missing, the panic lists the files that
/// exist in the nearest existing ancestor folder.
pub fn read_file(p: &Path) -> String {
    match std::fs::read(p) {
        Ok(b) => String::from_utf8(b).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", p.display())),
        Err(e) => {
            let mut dir = p.parent();
            while let Some(d) = dir {
                if d.is_dir() {
                    break;
                }
                dir = d.parent();
            }
            let listing: Vec<String> = dir
                .map(|d| snapshot(d).keys().map(|k| k.display().to_string()).collect())
                .unwrap_or_default();
            panic!(
                "cannot read {}: {e}\nfiles under {:?}:\n{}",
                p.display(),
                dir,
                listing.join("\n")
            )
        }
    }
}

/// Every path under `dir` (relative), with file contents (`None` for
/// folders).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_path_buf();
            if p.is_dir() {
                out.insert(rel, None);
                walk(base, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).ok());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Asserts `haystack` contains `needle`, showing the page on failure.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find\n  {needle}\nin:\n{haystack}"
    );
}

#[track_caller]
pub fn assert_not_contains(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "expected NOT to find\n  {needle}\nin:\n{haystack}"
    );
}

/// Every `href="..."` value of a page, as written (still HTML-escaped).
pub fn hrefs(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\shref="([^"]*)""#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The `id` of every `<hN>` of a page, in order, with its level.
pub fn heading_ids(html: &str) -> Vec<(u8, String)> {
    let re = regex::Regex::new(r#"<h([1-6])\s[^>]*\bid="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| (c[1].parse().unwrap(), c[2].to_string()))
        .collect()
}

/// The article's own HTML (inside `<article ...>`), without the theme's
/// chrome around it.
pub fn article_html(html: &str) -> &str {
    let start = html
        .find("<article")
        .unwrap_or_else(|| panic!("no <article> in:\n{html}"));
    let end = html[start..].find("</article>").map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// The article's rendered Markdown as the default theme lays it out: its
/// H1 (in `<div class="article-header">`, above the header line) and the
/// rest (inside `<div class="content">`), joined by a line break.
pub fn article_markdown(html: &str) -> String {
    let a = article_html(html);
    let inner = |start: usize| &a[a[start..].find('>').unwrap() + start + 1..];
    let title = a
        .find("<div class=\"article-header\"")
        .map(|s| {
            let rest = inner(s);
            rest[..rest.find("</div>").unwrap()].trim()
        })
        .unwrap_or_default();
    let body = inner(a.find("<div class=\"content\"").expect("content div"));
    let body = body[..body.rfind("</div>").unwrap()].trim();
    if title.is_empty() {
        body.to_string()
    } else {
        format!("{title}\n{body}")
    }
}

/// HTML-escapes text as the theme's templates do.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A UI string of the repository's default theme (`themes/default/i18n/<locale>.toml`).
pub fn theme_string(locale: &str, key: &str) -> String {
    let path = repo_root().join(format!("themes/default/i18n/{locale}.toml"));
    let table: toml::Table = read_file(&path).parse().expect("theme strings are TOML");
    table
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{} has no string `{key}`", path.display()))
        .to_string()
}

/// The flags every headless Chromium of the tests starts with (as root, in a
/// closed network: no sandbox, no background connections).
pub const CHROMIUM_FLAGS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// Makes a child the tests start (Chromium, `polydoc serve`) die with the
/// thread that started it, so a killed test run leaves nothing spinning.
pub fn dies_with_parent(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// Debian's Chromium, for the browser tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether Chromium is installed; a browser test skips (with a notice) when not.
pub fn chromium_available() -> bool {
    if std::path::Path::new(CHROMIUM).exists() {
        return true;
    }
    eprintln!("NOTICE: {CHROMIUM} is not installed; skipping the browser test");
    false
}

/// The DOM of `url` after load, as headless Chromium sees it.
pub fn dump_dom(url: &str, profile: &std::path::Path) -> String {
    let mut cmd = std::process::Command::new(CHROMIUM);
    dies_with_parent(&mut cmd);
    cmd.args(CHROMIUM_FLAGS);
    cmd.args(["--allow-file-access-from-files", "--virtual-time-budget=2000"]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.arg("--dump-dom").arg(url);
    let out = cmd.output().expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
