//! `build --cache`: a warm build writes exactly what a cold build writes
//! (same files, same bytes, same diagnostics) after any kind of change, and
//! reuses what did not change.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

const SETUP_EN: &str = "---\ntitle: Set up Relay\nuid: relay.setup\n---\n# Set up Relay\n\nIntro.\n\n## Install\n\n[!INCLUDE [shared](../includes/shared.md)]\n\n:::code language=\"text\" source=\"snippets/app.txt\" range=\"1-2\":::\n\n## Uninstall\n\nRemove it.\n";
const SETUP_NL: &str = "---\ntitle: Relay instellen\n---\n# Relay instellen\n\nInleiding.\n\n## Install\n\nTekst.\n\n## Verwijderen\n\nVerwijder het.\n\n[!INCLUDE [shared](../includes/shared.md)]\n";
const POLICY: &str = "---\ntitle: Policy\n---\n# Policy\n\nSee [setup](setup.md#install), <xref:relay.setup>, [removal](setup.md#uninstall) and [limits](limits.md).\n\n## Rules\n\nText.\n";
const TOC: &str = "- name: Home\n  href: index.md\n- name: Guide\n  items:\n  - href: guide/setup.md\n  - name: Policy\n    href: guide/policy.md\n";

fn cache_site() -> Site {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        (
            "articles/en-us/index.md",
            &article("Home", "# Home\n\nStart with [setup](guide/setup.md).\n"),
        ),
        ("articles/en-us/toc.yml", TOC),
        ("articles/en-us/guide/setup.md", SETUP_EN),
        ("articles/en-us/guide/policy.md", POLICY),
        (
            "articles/en-us/guide/limits.md",
            &article(
                "Limits",
                "# Limits\n\nTen. [The service](https://example.com/limits) says so.\n",
            ),
        ),
        ("articles/en-us/includes/shared.md", "Shared step one.\n"),
        (
            "articles/en-us/guide/snippets/app.txt",
            "first line\nsecond line\nthird line\n",
        ),
        ("articles/nl-nl/guide/setup.md", SETUP_NL),
    ]);
    site
}

/// Runs polydoc in the site folder with extra environment variables.
fn run_env(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Report {
    let out = Command::new(env!("CARGO_BIN_EXE_polydoc"))
        .args(args)
        .args(["--format", "json"])
        .current_dir(&site.root)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .output()
        .expect("run polydoc");
    Report::parse(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

fn cache_stat(r: &Report, key: &str) -> u64 {
    r.json["summary"]["stats"]["cache"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("no cache.{key} in the report:\n{r}"))
}

/// A build with the cache into `warm`, and one without into `cold`: the
/// same files with the same bytes, and the same diagnostics. Returns the
/// cached build's report.
fn warm_equals_cold(site: &Site, env: &[(&str, &str)]) -> Report {
    let cold_out = site.outside("cold");
    let warm_out = site.outside("warm");
    let cold = site.json(&["build", "--out", cold_out.to_str().unwrap()]);
    let warm = run_env(site, &["build", "--cache", "--out", warm_out.to_str().unwrap()], env);
    assert_eq!(cold.code(), warm.code(), "exit status\ncold:\n{cold}\nwarm:\n{warm}");
    assert_same_tree(&cold_out, &warm_out);
    assert_eq!(
        cold.json["diagnostics"], warm.json["diagnostics"],
        "diagnostics\ncold:\n{cold}\nwarm:\n{warm}"
    );
    // (A page kept by its report counts its links and lists its external
    // links from the report.)
    assert_eq!(
        cold.json["external_links"], warm.json["external_links"],
        "external links\ncold:\n{cold}\nwarm:\n{warm}"
    );
    assert_eq!(
        cold.json["summary"]["stats"]["links"], warm.json["summary"]["stats"]["links"],
        "links\ncold:\n{cold}\nwarm:\n{warm}"
    );
    warm
}

/// The manifest a cached build leaves beside the marker (keys of the
/// files, no content of the site).
const MANIFEST: &str = ".polydoc-manifest";

#[track_caller]
fn assert_same_tree(a: &Path, b: &Path) {
    let site_files = |dir: &Path| {
        let mut s = snapshot(dir);
        s.remove(Path::new(MANIFEST));
        s
    };
    let (sa, sb) = (site_files(a), site_files(b));
    let names = |s: &std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>>| {
        s.keys().map(|k| k.display().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names(&sa), names(&sb), "the same files");
    for (k, v) in &sa {
        if v != &sb[k] {
            panic!(
                "{} differs:\n--- cold ---\n{}\n--- warm ---\n{}",
                k.display(),
                String::from_utf8_lossy(v.as_deref().unwrap_or_default()),
                String::from_utf8_lossy(sb[k].as_deref().unwrap_or_default())
            );
        }
    }
}

fn prime(site: &Site) -> Report {
    let r = site.json(&["build", "--cache", "--out", site.outside("prime").to_str().unwrap()]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "{r}");
    r
}

fn objects(site: &Site) -> usize {
    walk_files(&site.path(".polydoc-cache/v1/objects")).len()
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| dir.join(k))
        .collect()
}

#[test]
fn an_edited_article_is_rebuilt_and_the_other_pages_come_from_the_cache() {
    let site = cache_site();
    let first = prime(&site);
    let pages = first.json["summary"]["stats"]["pages"].as_u64().unwrap();
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(
        cache_stat(&r, "page_misses"),
        1,
        "only the page with another file's diagnostic:\n{r}"
    );
    assert_eq!(cache_stat(&r, "page_hits"), pages - 1, "{r}");
    let articles = first.json["summary"]["stats"]["articles"].as_u64().unwrap();
    assert_eq!(cache_stat(&first, "parse_misses"), articles, "{first}");
    assert_eq!(cache_stat(&r, "parse_hits"), articles, "{r}");

    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nTwelve, since the last release.\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    // The article's page, its fallback copy in nl-nl, and the page whose
    // diagnostic is about another file.
    assert_eq!(cache_stat(&r, "page_misses"), 3, "{r}");
    assert_eq!(cache_stat(&r, "parse_misses"), 1, "{r}");
    // Entries of the old version are gone: the folder does not grow.
    let reviews = cache_stat(&r, "review_hits") + cache_stat(&r, "review_misses");
    let analysed = cache_stat(&r, "search_hits") + cache_stat(&r, "search_misses");
    assert_eq!(
        objects(&site) - parse_record_shards(&site) - page_report_shards(&site),
        (pages + articles + reviews + analysed) as usize,
        "one entry per page, per article, per page analysed for search (its card text), and per review (its page)"
    );
    // Only the shards of page reports in use are left.
    assert!((1..=pages as usize).contains(&page_report_shards(&site)));
    // Only the parse record's shards in use are left.
    assert!((1..=articles as usize).contains(&parse_record_shards(&site)));
}

/// A cache entry's header: magic (8 bytes), the value's length (8), its
/// checksum (16).
const ENTRY_HEADER: usize = 32;

/// How many cache entries are shards of the page reports.
fn page_report_shards(site: &Site) -> usize {
    walk_files(&site.path(".polydoc-cache/v1/objects"))
        .iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.get(ENTRY_HEADER..ENTRY_HEADER + 8) == Some(&b"pdrshrd1"[..])))
        .count()
}

/// Whether the cache entry at `path` is a shard of the parse record.
fn is_parse_record_shard(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.get(ENTRY_HEADER..ENTRY_HEADER + 8) == Some(&b"pdparse1"[..]))
}

fn parse_record_shards(site: &Site) -> usize {
    walk_files(&site.path(".polydoc-cache/v1/objects"))
        .iter()
        .filter(|p| is_parse_record_shard(p))
        .count()
}

#[test]
fn a_changed_title_or_heading_reaches_the_pages_that_show_it() {
    let site = cache_site();
    prime(&site);
    // The xref and the TOC entry on other pages show the title.
    site.write(
        "articles/en-us/guide/setup.md",
        &SETUP_EN.replace("title: Set up Relay", "title: Install Relay"),
    );
    let r = warm_equals_cold(&site, &[]);
    assert_contains(&site.read("../warm/en-us/guide/policy/index.html"), "Install Relay");
    assert!(cache_stat(&r, "page_misses") > 2, "{r}");
    // A heading removed: the link to it is now broken on another page.
    site.write(
        "articles/en-us/guide/setup.md",
        &SETUP_EN.replace("## Install\n", "## Installing\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    assert!(!r.with_code("link-anchor").is_empty(), "{r}");
}

#[test]
fn a_diagnostic_about_another_file_follows_that_file_s_lines() {
    let site = cache_site();
    prime(&site);
    // Lines above the translation's renamed heading: the diagnostic on the
    // policy page (about the translation) must point at the new line, though
    // nothing the policy page shows changed.
    site.write(
        "articles/nl-nl/guide/setup.md",
        &SETUP_NL.replace("Inleiding.\n", "Inleiding.\n\nMeer tekst.\n\nNog meer.\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    let d = r.one("link-anchor-translation");
    assert_eq!((d.file.as_str(), d.line), ("articles/nl-nl/guide/setup.md", 16), "{r}");
}

#[test]
fn theme_config_include_and_snippet_changes_are_seen() {
    let site = cache_site();
    prime(&site);
    let base = site.read("themes/default/templates/base.html");
    assert!(base.contains("</body>"));
    site.write(
        "themes/default/templates/base.html",
        &base.replace("</body>", "<!-- theme edited --></body>"),
    );
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "{r}");
    assert_contains(&site.read("../warm/en-us/guide/limits/index.html"), "theme edited");

    let config = site.read("polydoc.toml");
    site.write("polydoc.toml", &config.replace(SITE_TITLE, "Relay Docs, edited"));
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "{r}");

    site.write("articles/en-us/includes/shared.md", "Shared step one, edited.\n");
    warm_equals_cold(&site, &[]);
    assert_contains(
        &site.read("../warm/en-us/guide/setup/index.html"),
        "Shared step one, edited.",
    );

    site.write(
        "articles/en-us/guide/snippets/app.txt",
        "first line\nsecond line, edited\nthird line\n",
    );
    warm_equals_cold(&site, &[]);
    assert_contains(
        &site.read("../warm/en-us/guide/setup/index.html"),
        "second line, edited",
    );

    // The translation includes the source's file until it has its own.
    assert_contains(
        &site.read("../warm/nl-nl/guide/setup/index.html"),
        "Shared step one, edited.",
    );
    site.write("articles/nl-nl/includes/shared.md", "Gedeelde stap een.\n");
    warm_equals_cold(&site, &[]);
    assert_contains(&site.read("../warm/nl-nl/guide/setup/index.html"), "Gedeelde stap een.");
}

#[test]
fn an_included_file_s_edit_reparses_only_the_articles_that_include_it() {
    let site = cache_site();
    site.write("articles/en-us/includes/note.md", "A note.\n");
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\n[!INCLUDE [note](../includes/note.md)]\n"),
    );
    prime(&site);
    site.write("articles/en-us/includes/note.md", "A longer note.\n");
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "parse_misses"), 1, "{r}");
    assert_contains(&site.read("../warm/en-us/guide/limits/index.html"), "A longer note.");
}

#[test]
fn another_polydoc_version_never_reads_the_entries() {
    let site = cache_site();
    prime(&site);
    let r = warm_equals_cold(&site, &[("POLYDOC_CACHE_VERSION", "another")]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "{r}");
}

#[test]
fn a_deleted_article_is_gone_and_links_to_it_are_reported() {
    let site = cache_site();
    prime(&site);
    site.remove("articles/en-us/guide/limits.md");
    let r = warm_equals_cold(&site, &[]);
    assert!(r.diagnostics.iter().any(|d| d.message.contains("limits.md")), "{r}");
    assert!(!site.outside("warm/en-us/guide/limits/index.html").exists());
}

#[test]
fn corrupt_and_truncated_entries_are_ignored_with_one_warning() {
    let site = cache_site();
    prime(&site);
    let files = walk_files(&site.path(".polydoc-cache/v1/objects"));
    assert!(files.len() > 2);
    for (i, f) in files.iter().enumerate() {
        let mut bytes = std::fs::read(f).unwrap();
        match i % 3 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => *bytes.last_mut().unwrap() ^= 0x20,
            _ => bytes.clear(),
        }
        std::fs::write(f, bytes).unwrap();
    }
    let cold_out = site.outside("cold");
    let warm_out = site.outside("warm");
    let cold = site.json(&["build", "--out", cold_out.to_str().unwrap()]);
    let warm = site.json(&["build", "--cache", "--out", warm_out.to_str().unwrap()]);
    assert_same_tree(&cold_out, &warm_out);
    let w = warm.one("cache");
    assert_eq!(w.severity, "warning");
    // Every one (the reviews' and the search terms' records beside the
    // entries are whole, so each review page and card text is read too).
    assert!(w.message.contains(&format!("{} cache entries", files.len())), "{warm}");
    assert_eq!(cache_stat(&warm, "page_hits"), 0, "{warm}");
    // Without the warning, the same diagnostics as the cold build.
    let rest: Vec<_> = warm
        .diagnostics
        .iter()
        .filter(|d| d.code != "cache")
        .map(|d| &d.message)
        .collect();
    let cold_msgs: Vec<_> = cold.diagnostics.iter().map(|d| &d.message).collect();
    assert_eq!(rest, cold_msgs);
    // They were written again, whole.
    let r = warm_equals_cold(&site, &[]);
    assert!(r.with_code("cache").is_empty(), "{r}");
    assert_eq!(cache_stat(&r, "page_misses"), 1, "{r}");
}

#[test]
fn builds_sharing_the_cache_at_the_same_time_write_what_a_cold_build_writes() {
    let site = cache_site();
    for i in 0..6 {
        site.write(
            &format!("articles/en-us/more/p{i}.md"),
            &article(
                &format!("Page {i}"),
                &format!("# Page {i}\n\nSee [setup](../guide/setup.md#install).\n"),
            ),
        );
    }
    let cold_out = site.outside("cold");
    site.json(&["build", "--out", cold_out.to_str().unwrap()]);
    let runs: Vec<_> = (0..3)
        .map(|i| {
            let out = site.outside(&format!("warm{i}"));
            Command::new(env!("CARGO_BIN_EXE_polydoc"))
                .args(["build", "--cache", "-q", "--out", out.to_str().unwrap()])
                .current_dir(&site.root)
                .spawn()
                .expect("start polydoc")
        })
        .collect();
    for mut child in runs {
        // 1: the fixture has an error (the translation's missing anchor).
        assert_eq!(child.wait().unwrap().code(), Some(1));
    }
    for i in 0..3 {
        assert_same_tree(&cold_out, &site.outside(&format!("warm{i}")));
    }
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_misses"), 1, "{r}");
}

#[test]
fn a_cache_restored_beside_a_site_checked_out_elsewhere_still_hits() {
    let site = cache_site();
    prime(&site);
    let moved = tempfile::tempdir().unwrap();
    copy_dir(&site.root, &moved.path().join("elsewhere"));
    let root = moved.path().join("elsewhere");
    let r = Report::parse(run_in(
        &root,
        &[
            "build",
            "--cache",
            "--out",
            moved.path().join("out").to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    assert_eq!(cache_stat(&r, "page_misses"), 1, "{r}");
}

#[test]
fn a_cache_folder_among_the_articles_is_refused() {
    let site = cache_site();
    let r = site.json(&["build", "--cache", "articles/en-us/cache"]);
    assert_eq!(r.code(), 2, "{r}");
    let d = r.one("cache");
    assert!(d.message.contains("inside the `en-us` articles"), "{r}");
    assert!(!site.exists("articles/en-us/cache"));
    let r = site.json(&["build", "--cache", "."]);
    assert_eq!(r.code(), 2, "{r}");
}

#[test]
fn check_and_build_share_the_cache() {
    let site = cache_site();
    let c = site.json(&["check", "--cache"]);
    assert_eq!(cache_stat(&c, "page_hits"), 0, "{c}");
    assert!(!site.exists("output"), "check writes no site");
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_misses"), 1, "{r}");
    let c = site.json(&["check", "--cache"]);
    assert_eq!(cache_stat(&c, "page_misses"), 1, "{c}");
    assert_eq!(cache_stat(&c, "pruned"), 0, "{c}");
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .ino()
}

#[cfg(unix)]
#[test]
fn a_warm_build_into_its_last_output_writes_only_what_changed_and_removes_what_it_did_not_make() {
    let site = cache_site();
    // An article ID: a redirect page at `go/<id>/` in every locale.
    site.write(
        "articles/en-us/guide/ids.md",
        "---\ntitle: IDs\nms.custom:\n- \"4242\"\n---\n# IDs\n\nText.\n",
    );
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    assert!(warm.join(MANIFEST).is_file(), "a cached build leaves its manifest");
    let policy = warm.join("en-us/guide/policy/index.html");
    let limits = warm.join("en-us/guide/limits/index.html");
    let go = warm.join("nl-nl/go/4242/index.html");
    let (policy_ino, limits_ino, go_ino) = (inode(&policy), inode(&limits), inode(&go));
    // Nothing the next build makes, and an output file changed by hand.
    std::fs::write(warm.join("en-us/planted.html"), "not ours").unwrap();
    std::fs::create_dir_all(warm.join("empty/inside")).unwrap();
    let home = warm.join("en-us/index.html");
    let mut bytes = std::fs::read(&home).unwrap();
    bytes.extend_from_slice(b"<!-- edited by hand -->");
    std::fs::write(&home, bytes).unwrap();
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nTwelve, since the last release.\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_misses"), 3, "{r}");
    assert_eq!(inode(&policy), policy_ino, "an unchanged page is not written again");
    assert_eq!(inode(&go), go_ino, "nor is an unchanged redirect page");
    assert_ne!(inode(&limits), limits_ino, "the edited page is");
    assert_contains(&std::fs::read_to_string(&limits).unwrap(), "Twelve");
    // The same again with the output folder gone (a CI run that restores
    // only the cache): everything is written, from the cache.
    std::fs::remove_dir_all(&warm).unwrap();
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_misses"), 1, "{r}");
    // A manifest cut short is no manifest: the folder is written anew.
    let manifest = std::fs::read(warm.join(MANIFEST)).unwrap();
    std::fs::write(warm.join(MANIFEST), &manifest[..manifest.len() / 2]).unwrap();
    std::fs::write(warm.join("planted.txt"), "x").unwrap();
    let policy_ino = inode(&policy);
    warm_equals_cold(&site, &[]);
    assert_ne!(inode(&policy), policy_ino, "written anew");
}

/// A folder a warm build's commit changed (the edited page's, the search
/// index's) is trusted by the next build without being listed, and still
/// a file added to it right after the commit is found and removed: the
/// commit set the folder's time back, so any later change stamps another.
#[cfg(unix)]
#[test]
fn a_file_added_right_after_a_commit_to_a_folder_it_changed_is_removed() {
    let site = cache_site();
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nThirteen, since the last release.\n"),
    );
    warm_equals_cold(&site, &[]);
    // At once (well within a tick of any file system's clock).
    let page_dir = warm.join("en-us/guide/limits");
    let search_dir = warm.join("_search/en-us");
    let modified = |d: &Path| std::fs::metadata(d).unwrap().modified().unwrap();
    let now = std::time::SystemTime::now();
    for d in [&page_dir, &search_dir] {
        let age = now.duration_since(modified(d)).unwrap_or_default();
        assert!(
            age.as_secs() >= 5,
            "{}: changed by the commit, its time set back",
            d.display()
        );
    }
    std::fs::write(page_dir.join("planted.html"), "not ours").unwrap();
    std::fs::write(search_dir.join("p999.js"), "not ours").unwrap();
    warm_equals_cold(&site, &[]);
    assert!(!page_dir.join("planted.html").exists());
    assert!(!search_dir.join("p999.js").exists());
}

#[test]
fn a_build_without_the_cache_leaves_no_manifest() {
    let site = cache_site();
    let out = site.outside("plain");
    site.json(&["build", "--out", out.to_str().unwrap()]);
    assert!(out.join(".polydoc-output").is_file());
    assert!(!out.join(MANIFEST).exists());
}

#[test]
fn search_terms_come_from_one_record_and_a_card_s_text_is_read_only_when_the_card_is_written() {
    let site = cache_site();
    let objects = site.path(".polydoc-cache/v1/objects");
    let first = warm_equals_cold(&site, &[]);
    let analysed = cache_stat(&first, "search_misses");
    assert!(analysed > 0, "{first}");
    // Every entry gone but the files beside them (the last build's page
    // reports and search terms): the output folder holds every card, so
    // no page's card text is needed.
    std::fs::remove_dir_all(&objects).unwrap();
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "search_hits"), analysed, "{r}");
    assert_eq!(cache_stat(&r, "search_misses"), 0, "{r}");
    // A card changed by hand must be written again: its text is not in the
    // cache, so that page alone is analysed again.
    let card = site.outside("warm/_search/en-us/p0.js");
    let mut bytes = std::fs::read(&card).unwrap();
    bytes.extend_from_slice(b"// changed\n");
    std::fs::write(&card, bytes).unwrap();
    std::fs::remove_dir_all(&objects).unwrap();
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "search_misses"), 1, "{r}");
    assert_eq!(cache_stat(&r, "search_hits"), analysed - 1, "{r}");
}

#[test]
fn unchanged_articles_come_from_the_parse_record_without_their_entries() {
    let site = cache_site();
    let first = prime(&site);
    let articles = first.json["summary"]["stats"]["articles"].as_u64().unwrap();
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nTwelve, since the last release.\n"),
    );
    // Every entry gone but the parse record's: the unchanged articles
    // still hit, and the pages that need their HTML (every page: the
    // page entries are gone too) parse it again from the file.
    for f in walk_files(&site.path(".polydoc-cache/v1/objects")) {
        if !is_parse_record_shard(&f) {
            std::fs::remove_file(f).unwrap();
        }
    }
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "parse_hits"), articles - 1, "{r}");
    assert_eq!(cache_stat(&r, "parse_misses"), 1, "{r}");
    assert_eq!(cache_stat(&r, "page_hits"), 0, "{r}");
    assert!(r.with_code("cache").is_empty(), "a missing entry is no damage:\n{r}");
}

#[test]
fn an_edit_that_keeps_the_size_and_the_modification_time_is_seen() {
    let site = cache_site();
    // Old enough for the record to trust the files' stamps.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    prime(&site);
    let path = site.path("articles/en-us/guide/limits.md");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let after = before.replace("Ten.", "Six.");
    assert_eq!(before.len(), after.len());
    std::fs::write(&path, &after).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "parse_misses"), 1, "{r}");
    let page = std::fs::read_to_string(site.outside("warm/en-us/guide/limits/index.html")).unwrap();
    assert!(page.contains("Six.") && !page.contains("Ten."), "{page}");
}

#[test]
fn files_written_just_before_a_build_are_read_once_more_then_trusted_by_their_stamps() {
    let site = cache_site();
    // Written in the same second as the build that records them: their
    // stamps cannot stand for their bytes yet.
    let first = prime(&site);
    let articles = first.json["summary"]["stats"]["articles"].as_u64().unwrap();
    assert_eq!(cache_stat(&first, "articles_read"), articles, "{first}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(
        cache_stat(&r, "articles_read"),
        articles,
        "still racy in the record: {r}"
    );
    // Recorded now by a build well after they were written: not read.
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "articles_read"), 0, "{r}");
    assert_eq!(cache_stat(&r, "parse_hits"), articles, "{r}");
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "articles_read"), 0, "{r}");
    // An edit: that file alone is read.
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nEleven.\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "articles_read"), 1, "{r}");
    assert_eq!(cache_stat(&r, "parse_misses"), 1, "{r}");
}

#[cfg(unix)]
#[test]
fn an_article_replaced_by_a_link_out_of_the_site_is_refused_by_a_warm_build() {
    let site = cache_site();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    prime(&site);
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "articles_read"), 0, "stamps trusted: {r}");
    let secret = site.outside("secret.md");
    std::fs::write(&secret, article("Secret", "# Secret\n\nThe private words.\n")).unwrap();
    let limits = site.path("articles/en-us/guide/limits.md");
    std::fs::remove_file(&limits).unwrap();
    std::os::unix::fs::symlink(&secret, &limits).unwrap();
    let r = warm_equals_cold(&site, &[]);
    for f in walk_files(&site.outside("warm")) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("private words"),
            "{} shows the file outside the site",
            f.display()
        );
    }
    assert!(!r.with_code("symlink-outside").is_empty(), "{r}");
}

#[cfg(unix)]
#[test]
fn a_warm_build_finds_what_was_added_or_changed_in_a_page_folder_its_manifest_does_not_list_again() {
    let site = cache_site();
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    // Long enough after the commit for the folders' stamps to be trusted
    // (a scan lists only folders whose stamp changed).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let policy_dir = warm.join("en-us/guide/policy");
    std::fs::write(policy_dir.join("planted.html"), "not ours").unwrap();
    std::fs::create_dir_all(policy_dir.join("deep/er")).unwrap();
    std::fs::write(policy_dir.join("deep/er/x.txt"), "x").unwrap();
    // A folder of the site replaced by a file, and one by a symbolic link.
    let limits_dir = warm.join("en-us/guide/limits");
    std::fs::remove_dir_all(&limits_dir).unwrap();
    std::fs::write(&limits_dir, "a file now").unwrap();
    let home_dir = warm.join("nl-nl/guide/setup");
    std::fs::remove_dir_all(&home_dir).unwrap();
    let elsewhere = site.outside("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "not ours").unwrap();
    std::os::unix::fs::symlink(&elsewhere, &home_dir).unwrap();
    // A page edited in place, size kept.
    let index = warm.join("en-us/index.html");
    let mut bytes = std::fs::read(&index).unwrap();
    let n = bytes.len();
    bytes[n - 2] = b' ';
    std::fs::write(&index, &bytes).unwrap();
    warm_equals_cold(&site, &[]);
    assert_eq!(std::fs::read(elsewhere.join("index.html")).unwrap(), b"not ours");
    // Nothing was listed this time that the next build needs to list
    // again: another build changes nothing and still matches.
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(warm.join("en-us/guide/planted.html"), "x").unwrap();
    warm_equals_cold(&site, &[]);
}

#[cfg(unix)]
#[test]
fn builds_in_a_row_each_update_the_output_in_place() {
    // Each build follows the last at once, so the scan lists every folder
    // (their stamps too recent to trust) and the edited page's folder is
    // also one the commit changes: the manifest it leaves must still be
    // whole for the next build to update the folder in place.
    let site = cache_site();
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    let policy = warm.join("en-us/guide/policy/index.html");
    for round in 0..3 {
        let before = inode(&policy);
        site.write(
            "articles/en-us/guide/limits.md",
            &article("Limits", &format!("# Limits\n\nRound {round}.\n")),
        );
        let r = warm_equals_cold(&site, &[]);
        assert_eq!(cache_stat(&r, "page_misses"), 3, "round {round}: {r}");
        assert_eq!(
            inode(&policy),
            before,
            "round {round}: an unchanged page is not written again"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_locale_home_page_is_kept_until_a_title_or_description_it_lists_changes() {
    // No `index.md`: each locale's home page lists the locale's pages.
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands")]);
    site.write_all(&[
        ("articles/en-us/guide/a.md", &article("Alpha", "# Alpha\n\nText.\n")),
        ("articles/en-us/guide/b.md", &article("Beta", "# Beta\n\nText.\n")),
    ]);
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    let home = warm.join("en-us/index.html");
    assert_contains(&std::fs::read_to_string(&home).unwrap(), "Alpha");
    let ino = inode(&home);
    // A body edit: the home page shows nothing of it.
    site.write(
        "articles/en-us/guide/a.md",
        &article("Alpha", "# Alpha\n\nMore text.\n"),
    );
    warm_equals_cold(&site, &[]);
    assert_eq!(inode(&home), ino, "the home page stays");
    site.write(
        "articles/en-us/guide/a.md",
        &article("Alpha two", "# Alpha two\n\nMore text.\n"),
    );
    warm_equals_cold(&site, &[]);
    assert_contains(&std::fs::read_to_string(&home).unwrap(), "Alpha two");
    site.write(
        "articles/en-us/guide/b.md",
        "---\ntitle: Beta\ndescription: Second letter.\n---\n# Beta\n\nText.\n",
    );
    warm_equals_cold(&site, &[]);
}

#[test]
fn an_edit_rewrites_only_the_shards_of_page_reports_its_pages_are_in() {
    let site = cache_site();
    let list = || std::fs::read(site.path(".polydoc-cache/v1/page-reports")).unwrap();
    // The entry header (magic, length, checksum), the list's magic, then
    // per shard a flag and the key of its entry.
    let shards = |bytes: &[u8]| -> Vec<Vec<u8>> {
        assert_eq!(bytes.len(), ENTRY_HEADER + 8 + 64 * 33, "64 shards");
        bytes[ENTRY_HEADER + 8..].chunks(33).map(<[u8]>::to_vec).collect()
    };
    warm_equals_cold(&site, &[]);
    let before = shards(&list());
    let used = before.iter().filter(|s| s[0] == 1).count();
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nEleven.\n"),
    );
    let r = warm_equals_cold(&site, &[]);
    let after = shards(&list());
    let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    // A page made under a new key leaves its old key's shard and joins
    // its new key's.
    let misses = cache_stat(&r, "page_misses") as usize;
    assert!(
        changed >= 1 && changed <= 2 * misses,
        "{changed} shards changed for {misses} pages"
    );
    assert!(changed < used, "{changed} of the {used} shards in use written again");
    // Nothing changed: no shard either, and the pages' reports read back
    // give the same diagnostics (`warm_equals_cold`).
    warm_equals_cold(&site, &[]);
    assert_eq!(shards(&list()), after);
}

#[cfg(unix)]
#[test]
fn a_record_beside_the_entries_whose_bytes_are_the_same_is_not_written_again() {
    let site = cache_site();
    warm_equals_cold(&site, &[]);
    warm_equals_cold(&site, &[]);
    let terms = site.path(".polydoc-cache/v1/search-terms-en-us");
    let ino = inode(&terms);
    // Nothing changed: the same terms, left as they are.
    warm_equals_cold(&site, &[]);
    assert_eq!(inode(&terms), ino, "the search terms record is not written again");
    // An edit: written again.
    site.write(
        "articles/en-us/guide/limits.md",
        &article("Limits", "# Limits\n\nEleven kilograms.\n"),
    );
    warm_equals_cold(&site, &[]);
    assert_ne!(inode(&terms), ino, "the record is written after an edit");
}

#[cfg(unix)]
#[test]
fn the_files_made_from_the_site_s_shape_are_kept_as_one_group_until_it_changes_or_one_is_gone() {
    // Redirect and short-URL pages, `ids.json`, the sitemap, the 404
    // pages: made from the site's shape alone, kept whole while it stays.
    let site = cache_site();
    site.write_all(&[
        (
            "articles/en-us/guide/limits.md",
            "---\ntitle: Limits\nms.custom: \"7001\"\n---\n# Limits\n\nTen.\n",
        ),
        (
            ".openpublishing.redirection.json",
            "{\"redirections\": [{\"source_path\": \"articles/en-us/old.md\", \"redirect_url\": \"/guide/setup\"}]}\n",
        ),
    ]);
    let warm = site.outside("warm");
    warm_equals_cold(&site, &[]);
    let group = [
        "sitemap.xml",
        "en-us/ids.json",
        "nl-nl/ids.json",
        "en-us/go/7001/index.html",
        "nl-nl/go/7001/index.html",
        "en-us/old/index.html",
        "404.html",
    ];
    for f in group {
        assert!(warm.join(f).is_file(), "{f}");
    }
    let inodes = || group.map(|f| inode(&warm.join(f)));
    let before = inodes();
    // A body edit: the shape is the same, none of them is made again.
    site.write(
        "articles/en-us/guide/limits.md",
        "---\ntitle: Limits\nms.custom: \"7001\"\n---\n# Limits\n\nEleven.\n",
    );
    warm_equals_cold(&site, &[]);
    assert_eq!(inodes(), before, "the group stays as it was");
    // Files of the group removed or changed by hand: the group is made
    // again (each file the output still holds as made stays).
    std::fs::remove_file(warm.join("en-us/go/7001/index.html")).unwrap();
    std::fs::write(warm.join("nl-nl/ids.json"), "{}").unwrap();
    warm_equals_cold(&site, &[]);
    assert_eq!(inode(&warm.join("sitemap.xml")), before[0], "the sitemap stays");
    // Another ID, and another redirect target: the shape changed, so do
    // the files that show it.
    site.write(
        "articles/en-us/guide/limits.md",
        "---\ntitle: Limits\nms.custom: \"7002\"\n---\n# Limits\n\nEleven.\n",
    );
    site.write(
        ".openpublishing.redirection.json",
        "{\"redirections\": [{\"source_path\": \"articles/en-us/old.md\", \"redirect_url\": \"/guide/policy\"}]}\n",
    );
    warm_equals_cold(&site, &[]);
    assert!(warm.join("en-us/go/7002/index.html").is_file());
    assert!(!warm.join("en-us/go/7001").exists());
    assert_contains(
        &std::fs::read_to_string(warm.join("en-us/old/index.html")).unwrap(),
        "policy",
    );
    // The record beside the entries damaged: made again, never misread.
    let record = site.path(".polydoc-cache/v1/site-files");
    let mut bytes = std::fs::read(&record).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0x55;
    std::fs::write(&record, &bytes).unwrap();
    std::fs::remove_file(warm.join("en-us/old/index.html")).unwrap();
    warm_equals_cold(&site, &[]);
}

/// The site's other files are listed from a record of each folder when
/// the folder has not changed since a build listed it: a file added to or
/// removed from such a folder still changes every page's key.
#[test]
fn a_file_added_to_or_removed_from_a_folder_the_last_build_listed_is_seen() {
    let site = cache_site();
    prime(&site);
    // Recorded by a build well after the folders were written.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    warm_equals_cold(&site, &[]);
    let r = warm_equals_cold(&site, &[]);
    assert!(cache_stat(&r, "page_hits") > 0, "{r}");
    site.write("articles/en-us/guide/notes.txt", "a note no page shows\n");
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "a new file: {r}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    warm_equals_cold(&site, &[]);
    let r = warm_equals_cold(&site, &[]);
    assert!(cache_stat(&r, "page_hits") > 0, "{r}");
    site.remove("articles/en-us/guide/notes.txt");
    let r = warm_equals_cold(&site, &[]);
    assert_eq!(cache_stat(&r, "page_hits"), 0, "a file removed: {r}");
}
