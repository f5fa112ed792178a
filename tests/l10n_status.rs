//! Translation status: current by hash (SHA-1 and SHA-256), stale by hash,
//! current and stale by git commit in a repository the test makes, missing,
//! MT, unknown; the coverage table; the sitemap's hreflang alternates.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const SRC: &str = "---\ntitle: Set up\n---\n# Set up\n\nInstall the agent.\n";
const SRC_EDITED: &str = "---\ntitle: Set up\n---\n# Set up\n\nInstall the agent on every server.\n";

fn nl(extra: &str) -> String {
    translation(
        "Instellen",
        extra,
        "# <a name=\"set-up\"></a>Instellen\n\nInstalleer de agent.\n",
    )
}

#[test]
fn current_and_stale_by_hash_missing_mt_and_unknown() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/a-current.md", SRC),
        ("articles/en-us/b-stale.md", SRC_EDITED),
        ("articles/en-us/c-sha256.md", SRC),
        ("articles/en-us/d-missing.md", SRC),
        ("articles/en-us/e-unknown.md", SRC),
        ("articles/en-us/f-bad-hash.md", SRC),
    ]);
    let h = crlf_sha1(SRC);
    site.write_all(&[
        (
            "articles/nl-nl/a-current.md",
            &nl(&format!(
                "ms.openlocfilehash: {h}\nms.translationtype: HT\nms.lasthandoff: 02/01/2024\n"
            )),
        ),
        // Handed off before the source was edited.
        (
            "articles/nl-nl/b-stale.md",
            &nl(&format!(
                "ms.openlocfilehash: {h}\nms.translationtype: MT\nms.lasthandoff: 01/15/2024\n"
            )),
        ),
        (
            "articles/nl-nl/c-sha256.md",
            &nl(&format!(
                "ms.openlocfilehash: {}\nms.translationtype: MT\n",
                crlf_sha256(SRC)
            )),
        ),
        (
            "articles/nl-nl/e-unknown.md",
            &nl("ms.sourcegitcommit: 0123456789abcdef0123456789abcdef01234567\nms.lasthandoff: 03/01/2024\n"),
        ),
        ("articles/nl-nl/f-bad-hash.md", &nl("ms.openlocfilehash: not-a-hash\n")),
    ]);
    let s = status_json(&site);

    let a = entry(&s, "nl-nl", "a-current.md");
    assert_eq!(a["state"], "current", "{a:#}");
    assert_eq!(a["basis"], "hash");
    assert_eq!(a["translation_type"], "HT");
    assert_eq!(a["machine_translated"], false);
    assert_eq!(a["file"], "articles/nl-nl/a-current.md");
    assert_eq!(a["source_hash"], h.as_str());

    let b = entry(&s, "nl-nl", "b-stale.md");
    assert_eq!(b["state"], "stale", "{b:#}");
    assert_eq!(b["basis"], "hash");
    assert_eq!(b["machine_translated"], true);
    assert_eq!(b["source_hash"], crlf_sha1(SRC_EDITED).as_str());
    assert_eq!(b["lasthandoff"], "2024-01-15");

    let c = entry(&s, "nl-nl", "c-sha256.md");
    assert_eq!(c["state"], "current", "{c:#}");
    assert_eq!(c["source_hash"], crlf_sha256(SRC).as_str());

    let d = entry(&s, "nl-nl", "d-missing.md");
    assert_eq!(d["state"], "missing", "{d:#}");
    assert!(d["file"].is_null());
    assert_eq!(d["source_file"], "articles/en-us/d-missing.md");

    // Not in a git repository and no hash: nobody can tell.
    let e = entry(&s, "nl-nl", "e-unknown.md");
    assert_eq!(e["state"], "unknown", "{e:#}");
    assert!(e["basis"].is_null());
    let reason = e["reason"].as_str().unwrap();
    assert!(reason.contains("no ms.openlocfilehash"), "{reason}");
    assert!(reason.contains("not in a git repository"), "{reason}");

    let f = entry(&s, "nl-nl", "f-bad-hash.md");
    assert_eq!(f["state"], "unknown", "{f:#}");
    assert!(f["reason"]
        .as_str()
        .unwrap()
        .contains("`not-a-hash` is not a SHA-1 or SHA-256 hash"));

    // Coverage: 6 source articles.
    let nl = &s["locales"][0];
    assert_eq!(nl["locale"], "nl-nl");
    for (k, v) in [
        ("total", 6),
        ("current", 2),
        ("stale", 1),
        ("unknown", 2),
        ("missing", 1),
        ("mt", 2),
        ("ht", 3),
    ] {
        assert_eq!(nl[k], v, "{k}: {nl:#}");
    }
    assert_eq!(nl["percent"]["current"], 33.3);
    assert_eq!(nl["percent"]["missing"], 16.7);

    // Attention list: oldest handoff first, no handoff date last.
    let order: Vec<&str> = s["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rel"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["b-stale.md", "e-unknown.md", "f-bad-hash.md", "d-missing.md"]);
}

#[test]
fn text_report_has_counts_percentages_and_the_list() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/a.md", SRC_EDITED),
        ("articles/en-us/b.md", SRC),
        (
            "articles/nl-nl/a.md",
            &nl(&format!(
                "ms.openlocfilehash: {}\nms.translationtype: MT\nms.lasthandoff: 01/15/2024\n",
                crlf_sha1(SRC)
            )),
        ),
    ]);
    let run = site.run(&["l10n", "status"]);
    assert_eq!(run.code, 0, "{run}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Translation status (2 source articles in en-us)", "{run}");
    let row = lines
        .iter()
        .find(|l| l.starts_with("nl-nl"))
        .unwrap_or_else(|| panic!("{run}"));
    let cells: Vec<&str> = row.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(
        cells,
        [
            "nl-nl",
            "Nederlands",
            "0 (0.0%)",
            "1 (50.0%)",
            "0 (0.0%)",
            "1 (50.0%)",
            "1 (50.0%)"
        ],
        "{run}"
    );
    assert_contains(&run.stdout, "  stale   MT 2024-01-15  articles/nl-nl/a.md\n");
    assert_contains(
        &run.stdout,
        "  missing    -           nl-nl/b.md (source: articles/en-us/b.md)\n",
    );
}

#[test]
fn current_and_stale_by_git_commit() {
    let site = Site::new(EN_NL);
    site.write("articles/en-us/setup.md", SRC);
    git(&site.root, &["init", "-q"]);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "source"]);
    let handoff = git(&site.root, &["rev-parse", "HEAD"]);
    // No ms.openlocfilehash: only git can tell. An abbreviated commit works too.
    site.write(
        "articles/nl-nl/setup.md",
        &nl(&format!(
            "ms.sourcegitcommit: {}\nms.translationtype: HT\n",
            &handoff[..12]
        )),
    );
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "translation"]);

    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "setup.md");
    assert_eq!(e["state"], "current", "{e:#}");
    assert_eq!(e["basis"], "git");

    // An edit not committed yet already makes it stale.
    site.write("articles/en-us/setup.md", SRC_EDITED);
    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "setup.md");
    assert_eq!(e["state"], "stale", "{e:#}");
    assert_eq!(e["basis"], "git");
    assert!(e["reason"].as_str().unwrap().contains("not committed yet"), "{e:#}");

    git(&site.root, &["commit", "-q", "-am", "edit the source"]);
    let edit = git(&site.root, &["rev-parse", "HEAD"]);
    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "setup.md");
    assert_eq!(e["state"], "stale", "{e:#}");
    assert_eq!(e["basis"], "git");
    assert_eq!(e["source_changed_in"][0], edit.as_str(), "{e:#}");
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("changed since {}", &handoff[..7])),
        "{e:#}"
    );

    // A commit git does not know: unknown, never a guess.
    site.write(
        "articles/nl-nl/setup.md",
        &nl("ms.sourcegitcommit: 0123456789abcdef0123456789abcdef01234567\n"),
    );
    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "setup.md");
    assert_eq!(e["state"], "unknown", "{e:#}");
    assert!(
        e["reason"].as_str().unwrap().contains("git does not know commit"),
        "{e:#}"
    );

    // The hash, when there is one, decides even in a repository.
    site.write(
        "articles/nl-nl/setup.md",
        &nl(&format!(
            "ms.openlocfilehash: {}\nms.sourcegitcommit: {handoff}\n",
            crlf_sha1(SRC_EDITED)
        )),
    );
    let e = entry(&status_json(&site), "nl-nl", "setup.md").clone();
    assert_eq!(
        (e["state"].as_str(), e["basis"].as_str()),
        (Some("current"), Some("hash")),
        "{e:#}"
    );
}

#[test]
fn sitemap_lists_every_locale_as_hreflang_alternates() {
    let site = Site::with_base_url(EN_NL, "https://x.example/docs/");
    site.write_all(&[
        ("articles/en-us/a.md", SRC),
        ("articles/nl-nl/a.md", &nl("")),
        ("articles/en-us/b.md", SRC),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    let xml = site.read("output/sitemap.xml");
    assert_contains(
        &xml,
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">",
    );
    let alternates =
        "\n    <xhtml:link rel=\"alternate\" hreflang=\"en-US\" href=\"https://x.example/docs/en-us/a/\"/>\
\n    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://x.example/docs/en-us/a/\"/>\
\n    <xhtml:link rel=\"alternate\" hreflang=\"nl-NL\" href=\"https://x.example/docs/nl-nl/a/\"/>\n  </url>";
    assert_contains(&xml, &format!("<loc>https://x.example/docs/en-us/a/</loc>{alternates}"));
    assert_contains(&xml, &format!("<loc>https://x.example/docs/nl-nl/a/</loc>{alternates}"));
    // The untranslated article's Dutch page (the source in Dutch chrome) is an alternate too.
    assert_contains(&xml, "hreflang=\"nl-NL\" href=\"https://x.example/docs/nl-nl/b/\"");
    // The same alternates as the page head.
    let head = site.read("output/nl-nl/a/index.html");
    assert_contains(
        &head,
        "<link rel=\"alternate\" hreflang=\"en-US\" href=\"https://x.example/docs/en-us/a/\">",
    );
    assert_contains(
        &head,
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://x.example/docs/en-us/a/\">",
    );
}
