//! Sharded builds (`polydoc index`, `build --index --locale [--shard K/N]`,
//! `merge`): the merged folder is byte for byte what one `polydoc build`
//! writes, on the example site, on a generated site with four locales, and
//! on a site with every cross-locale link a locale built alone would get
//! wrong; and merge refuses shards that do not fit together.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Runs the binary and insists on success.
#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> Run {
    let r = run_in(dir, args);
    assert_eq!(r.code, 0, "polydoc {}\n{r}", args.join(" "));
    r
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The two folders hold the same files with the same bytes.
#[track_caller]
fn assert_same_tree(full: &Path, merged: &Path) {
    let a = snapshot(full);
    let b = snapshot(merged);
    let only_full: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).take(5).collect();
    let only_merged: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).take(5).collect();
    let differ: Vec<_> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .take(5)
        .collect();
    assert!(
        only_full.is_empty() && only_merged.is_empty() && differ.is_empty(),
        "merged output differs from the full build: only in full {only_full:?}, only merged {only_merged:?}, different {differ:?}"
    );
    assert!(a.len() > 10, "too few files to compare: {}", a.len());
}

/// Builds `site` in full into `tmp/full`, then as the shards `shards`
/// (each the arguments after `--index FILE`) merged into `tmp/<name>`;
/// returns both folders.
fn full_and_sharded(site: &Path, tmp: &Path, name: &str, shards: &[&[&str]]) -> (PathBuf, PathBuf) {
    let full = tmp.join("full");
    if !full.exists() {
        ok(site, &["build", ".", "--out", s(&full), "-q"]);
    }
    let index = tmp.join("index.json");
    if !index.exists() {
        ok(site, &["index", ".", "--out", s(&index), "-q"]);
    }
    let mut dirs = Vec::new();
    for (i, args) in shards.iter().enumerate() {
        let dir = tmp.join(format!("{name}-shard-{i}"));
        let mut all = vec!["build", ".", "--index", s(&index), "--out", s(&dir), "-q"];
        all.extend_from_slice(args);
        ok(site, &all);
        dirs.push(dir);
    }
    let merged = tmp.join(name);
    let mut all = vec!["merge", "--index", s(&index), "--out", s(&merged), "-q"];
    all.extend(dirs.iter().map(|d| s(d)));
    ok(site, &all);
    (full, merged)
}

#[test]
fn example_site_sharded_by_locale_and_by_part_is_the_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = repo_root();
    let (full, merged) = full_and_sharded(
        &site,
        tmp.path(),
        "by-locale",
        &[&["--locale", "en-us"], &["--locale", "nl-nl"]],
    );
    assert_same_tree(&full, &merged);
    // The example site has an untranslated article: its Dutch page is a
    // fallback the Dutch shard renders from the source.
    assert!(merged.join("nl-nl/developer/webhooks/index.html").is_file());
    let (full, merged) = full_and_sharded(
        &site,
        tmp.path(),
        "by-part",
        &[
            &["--locale", "en-us", "--shard", "1/2"],
            &["--locale", "en-us", "--shard", "2/2"],
            &["--locale", "nl-nl", "--shard", "1/3"],
            &["--locale", "nl-nl", "--shard", "2/3"],
            &["--locale", "nl-nl", "--shard", "3/3"],
        ],
    );
    assert_same_tree(&full, &merged);
}

#[test]
fn generated_site_with_four_locales_sharded_every_way_is_the_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let gen = std::process::Command::new("python3")
        .arg(repo_root().join("scripts/gen_site.py"))
        .arg(&site)
        .args([
            "--articles",
            "60",
            "--locales",
            "en-us,nl-nl,de-de,fr-fr",
            "--seed",
            "7",
        ])
        .output()
        .expect("python3");
    assert!(gen.status.success(), "{}", String::from_utf8_lossy(&gen.stderr));
    // Some articles untranslated, in different locales: fallback pages,
    // and links into them from the translations.
    for (locale, every) in [("de-de", 5), ("fr-fr", 3), ("nl-nl", 11)] {
        for j in (0..100).step_by(every) {
            let _ = std::fs::remove_file(site.join(format!("articles/{locale}/section-0/article-{j}.md")));
        }
    }
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (full, merged) = full_and_sharded(
        &site,
        &out,
        "by-locale",
        &[
            &["--locale", "en-us"],
            &["--locale", "nl-nl"],
            &["--locale", "de-de"],
            &["--locale", "fr-fr"],
        ],
    );
    assert_same_tree(&full, &merged);
    let full_files = snapshot(&full);
    assert!(
        full_files.keys().any(|k| k.starts_with("_search/de-de")),
        "the site has a search index"
    );
    let (full, merged) = full_and_sharded(
        &site,
        &out,
        "mixed",
        &[
            &["--locale", "en-us", "--locale", "nl-nl"],
            &["--locale", "de-de", "--shard", "1/3"],
            &["--locale", "de-de", "--shard", "2/3"],
            &["--locale", "de-de", "--shard", "3/3"],
            &["--locale", "fr-fr", "--shard", "1/2"],
            &["--locale", "fr-fr", "--shard", "2/2"],
        ],
    );
    assert_same_tree(&full, &merged);
}

/// A site with everything a locale built alone gets wrong: fallback pages,
/// links from a translation into an untranslated article and its anchors,
/// repeated headings whose IDs a translation takes from the source, `uid`
/// cross references, `ms.custom` short URLs, redirects, TOC, assets,
/// review pages.
fn cross_locale_site() -> Site {
    let site = Site::new(&[("en-us", "English"), ("nl-nl", "Nederlands"), ("de-de", "Deutsch")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Relay", "# Relay\n\n[Set up](guide/setup.md#install) and [Only English](guide/english-only.md#limits-2).\n")),
        (
            "articles/en-us/guide/setup.md",
            "---\ntitle: Set up\nuid: relay.setup\nms.custom:\n- \"9001\"\n---\n# Set up\n\n## Prerequisites\n\n## Install\n\n## Prerequisites\n\nSee <xref:relay.limits>.\n\n[!INCLUDE [note](../includes/note.md)]\n",
        ),
        (
            "articles/en-us/guide/english-only.md",
            "---\ntitle: Limits\nuid: relay.limits\nms.custom: \"9002\"\n---\n# Limits\n\n## Limits\n\n## Limits\n\n![logo](../media/logo.svg)\n\n[Setup](setup.md#install)\n",
        ),
        // In another part than the pages it links to (with --shard 1/2 and
        // 1/3 .. 3/3): their repeated headings' IDs come from the index.
        (
            "articles/en-us/guide/faq.md",
            &article("FAQ", "# FAQ\n\n[Limits](english-only.md#limits-2) [Again](setup.md#prerequisites-1)\n"),
        ),
        (
            "articles/nl-nl/guide/faq.md",
            &article("FAQ NL", "# FAQ NL\n\n[Limieten](english-only.md#limits-2) [Opnieuw](setup.md#prerequisites-1)\n"),
        ),
        // Includes: one a translation includes (its findings show on that
        // review page and its count on the status pages), one nobody does.
        ("articles/en-us/includes/note.md", "See [Set up](../guide/setup.md) and [Limits](../guide/english-only.md).\n"),
        ("articles/nl-nl/includes/note.md", "Zie [Instellen](../guide/setup.md).\n"),
        ("articles/en-us/includes/spare.md", "[One](../index.md) [Two](../guide/setup.md)\n"),
        ("articles/nl-nl/includes/spare.md", "[Een](../index.md)\n"),
        ("articles/en-us/old-page.md", &article("Old", "# Old\n")),
        ("articles/en-us/media/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
        (
            "articles/en-us/toc.yml",
            "items:\n- name: Home\n  href: index.md\n- name: Guide\n  items:\n  - name: Set up\n    href: guide/setup.md\n  - name: Limits\n    href: guide/english-only.md\n",
        ),
        ("articles/nl-nl/index.md", &article("Relay NL", "# Relay NL\n\n[Instellen](guide/setup.md#install) en [Engels](guide/english-only.md#limits-2) en <xref:relay.limits>.\n")),
        (
            "articles/nl-nl/guide/setup.md",
            "---\ntitle: Instellen\nuid: relay.setup\nms.custom:\n- \"9001\"\n---\n# <a name=\"set-up\"></a>Instellen\n\n## <a name=\"prerequisites\"></a>Vereisten\n\n## <a name=\"install\"></a>Installeren\n\n## <a name=\"prerequisites\"></a>Vereisten\n\nZie [Limieten](english-only.md#limits-1).\n\n[!INCLUDE [note](../includes/note.md)]\n",
        ),
        (
            "articles/nl-nl/toc.yml",
            "items:\n- name: Start\n  href: index.md\n- name: Gids\n  items:\n  - name: Instellen\n    href: guide/setup.md\n  - name: Limieten\n    href: guide/english-only.md\n",
        ),
        ("articles/de-de/guide/setup.md", "---\ntitle: Einrichten\n---\n# Einrichten\n\n## <a name=\"prerequisites\"></a>Voraussetzungen\n\n## <a name=\"install\"></a>Installieren\n\n## <a name=\"prerequisites\"></a>Voraussetzungen\n\n[Start](../index.md) [Alt](../old-page.md)\n"),
        (
            ".openpublishing.redirection.json",
            "{\"redirections\": [{\"source_path\": \"articles/en-us/old-page.md\", \"redirect_url\": \"/guide/setup\"}]}\n",
        ),
    ]);
    site
}

#[test]
fn cross_locale_links_fallbacks_and_redirects_survive_sharding() {
    let site = cross_locale_site();
    let out = site.outside("out");
    std::fs::create_dir_all(&out).unwrap();
    let (full, merged) = full_and_sharded(
        &site.root,
        &out,
        "by-locale",
        &[&["--locale", "en-us"], &["--locale", "nl-nl"], &["--locale", "de-de"]],
    );
    assert_same_tree(&full, &merged);
    // What the Dutch shard had to know from the others.
    let nl = read_file(&merged.join("nl-nl/index.html"));
    assert_contains(&nl, "guide/english-only/#limits-2");
    assert!(merged.join("nl-nl/guide/english-only/index.html").is_file());
    assert!(merged.join("de-de/go/9002/index.html").is_file());
    assert!(merged.join("nl-nl/old-page/index.html").is_file());
    assert!(merged.join("_l10n/index.html").is_file());
    // The include's finding, counted on the status page (from the shard).
    let status = read_file(&merged.join("_l10n/nl-nl/index.html"));
    assert_contains(&status, "includes/note.md");
    let (full, merged) = full_and_sharded(
        &site.root,
        &out,
        "by-part",
        &[
            &["--locale", "en-us", "--locale", "de-de", "--shard", "1/2"],
            &["--locale", "en-us", "--locale", "de-de", "--shard", "2/2"],
            &["--locale", "nl-nl", "--shard", "1/3"],
            &["--locale", "nl-nl", "--shard", "2/3"],
            &["--locale", "nl-nl", "--shard", "3/3"],
        ],
    );
    assert_same_tree(&full, &merged);
}

#[test]
fn merge_refuses_shards_that_do_not_fit_together() {
    let site = cross_locale_site();
    let out = site.outside("out");
    let index = out.join("index.json");
    ok(&site.root, &["index", ".", "--out", s(&index), "-q"]);
    let shard = |name: &str, args: &[&str]| -> PathBuf {
        let dir = out.join(name);
        let mut all = vec!["build", ".", "--index", s(&index), "--out", s(&dir), "-q"];
        all.extend_from_slice(args);
        ok(&site.root, &all);
        dir
    };
    let en = shard("en", &["--locale", "en-us"]);
    let nl1 = shard("nl1", &["--locale", "nl-nl", "--shard", "1/2"]);
    let nl2 = shard("nl2", &["--locale", "nl-nl", "--shard", "2/2"]);
    let de = shard("de", &["--locale", "de-de"]);
    let merged = out.join("merged");
    let merge = |dirs: &[&PathBuf]| -> Run {
        let mut all = vec!["merge", "--index", s(&index), "--out", s(&merged)];
        all.extend(dirs.iter().map(|d| s(d)));
        run_in(&site.root, &all)
    };
    // A part left out.
    let r = merge(&[&en, &nl1, &de]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "part 2/2 of locale nl-nl is missing");
    assert!(!merged.exists());
    // A locale given twice.
    let r = merge(&[&en, &nl1, &nl2, &de, &en]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "locale en-us is built by more than one shard");
    // Something that is not a shard.
    let r = merge(&[&en, &nl1, &nl2, &site.root]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "is not a shard's output");
    // A shard of another index: the site changed between the jobs.
    site.write("articles/en-us/new.md", &article("New", "# New\n"));
    let r = run_in(
        &site.root,
        &[
            "build",
            ".",
            "--index",
            s(&index),
            "--locale",
            "de-de",
            "--out",
            s(&out.join("de2")),
        ],
    );
    assert_eq!(r.code, 2, "{r}");
    assert_contains(
        &r.stderr,
        "the site is not the one indexed: 1 article(s) not in the index (first: en-us/new.md)",
    );
    let index2 = out.join("index2.json");
    ok(&site.root, &["index", ".", "--out", s(&index2), "-q"]);
    let de2 = out.join("de2");
    ok(
        &site.root,
        &[
            "build",
            ".",
            "--index",
            s(&index2),
            "--locale",
            "de-de",
            "--out",
            s(&de2),
            "-q",
        ],
    );
    let r = merge(&[&en, &nl1, &nl2, &de2]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "this shard was built from another index");
    // The index is never written among the sources.
    let r = run_in(&site.root, &["index", ".", "--out", "articles/en-us/index.json"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "the index would be written among the site's sources");
    assert!(!site.exists("articles/en-us/index.json"));
    // An unknown locale.
    let r = run_in(
        &site.root,
        &[
            "build",
            ".",
            "--index",
            s(&index),
            "--locale",
            "xx-yy",
            "--out",
            s(&out.join("x")),
        ],
    );
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "`--locale xx-yy` is not a locale of this site");
    // With the right shards it works, new article or not (the index and
    // the shards agree).
    site.remove("articles/en-us/new.md");
    let r = merge(&[&en, &nl1, &nl2, &de]);
    assert_eq!(r.code, 0, "{r}");
}
