//! `polydoc l10n mark-current`: only ms.openlocfilehash and ms.lasthandoff
//! change, every other byte stays; the article is current afterwards.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const SRC: &str = "---\ntitle: Set up\n---\n# Set up\n\nInstall the agent on every server.\n";
const OLD: &str = "3f786850e387550fdab836ed7e6dc881de23001b";

/// A translation with CRLF line ends, a BOM, quoting, comments and keys in
/// odd case: everything mark-current must leave alone.
fn awkward_translation(hash_line: &str) -> String {
    format!(
        "\u{feff}---\r\ntitle: \"Instellen: de agent\"   # titel\r\nms.custom:\r\n- \"9004411\"\r\n{hash_line}\r\nms.sourcegitcommit: 5be4f0c2a1d7e9b3c8f6a0d2e4b6c8a0f1e3d5b7\r\nMS.LastHandoff: 01/15/2024 # door het team\r\nms.translationtype: HT\r\n---\r\n# <a name=\"set-up\"></a>Instellen\r\n\r\nInstalleer de agent op elke server.  \r\nms.openlocfilehash: niet in de front matter\r\n"
    )
}

#[test]
fn rewrites_only_hash_and_date_and_the_article_is_current() {
    let site = Site::new(EN_NL);
    site.write("articles/en-us/setup.md", SRC);
    let before = awkward_translation(&format!("ms.openlocfilehash: '{OLD}'"));
    site.write("articles/nl-nl/setup.md", &before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            site.path("articles/nl-nl/setup.md"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    assert_eq!(entry(&status_json(&site), "nl-nl", "setup.md")["state"], "stale");

    let run = site.run(&[
        "l10n",
        "mark-current",
        "articles/nl-nl/setup.md",
        "--date",
        "07/01/2025",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let new = crlf_sha1(SRC);
    assert_eq!(
        run.stdout,
        format!("articles/nl-nl/setup.md: ms.openlocfilehash {OLD} -> {new}, ms.lasthandoff 07/01/2025\n")
    );
    let expected = before
        .replace(OLD, &new)
        .replace("MS.LastHandoff: 01/15/2024", "MS.LastHandoff: 07/01/2025");
    assert_eq!(site.read("articles/nl-nl/setup.md"), expected);
    // Replaced atomically: no temporary file left, permissions kept.
    let dir: Vec<String> = std::fs::read_dir(site.path("articles/nl-nl"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dir, ["setup.md"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(site.path("articles/nl-nl/setup.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    let e = entry(&status_json(&site), "nl-nl", "setup.md").clone();
    assert_eq!(e["state"], "current", "{e:#}");
    assert_eq!(e["basis"], "hash");
    assert_eq!(e["lasthandoff"], "2025-07-01");
}

#[test]
fn keeps_sha256_adds_missing_keys_and_writes_today() {
    let site = Site::new(EN_NL);
    site.write_all(&[("articles/en-us/a.md", SRC), ("articles/en-us/b.md", SRC)]);
    let a_before = translation("A", &format!("ms.openlocfilehash: {}\n", "0".repeat(64)), "# A\n");
    let b_before = translation("B", "", "# B\n");
    site.write("articles/nl-nl/a.md", &a_before);
    site.write("articles/nl-nl/b.md", &b_before);

    let today = || {
        let out = std::process::Command::new("date")
            .args(["-u", "+%m/%d/%Y"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let day_before = today();
    // SITE first, paths relative to it, run from outside the site.
    let run = run_in(
        site.tmp.path(),
        &[
            "l10n",
            "mark-current",
            "site",
            "articles/nl-nl/a.md",
            "articles/nl-nl/b.md",
        ],
    );
    let day_after = today();
    assert_eq!(run.code, 0, "{run}");

    let a = site.read("articles/nl-nl/a.md");
    let b = site.read("articles/nl-nl/b.md");
    let sha256 = crlf_sha256(SRC);
    let sha1 = crlf_sha1(SRC);
    let ok = |day: &str| {
        a == a_before
            .replace(&"0".repeat(64), &sha256)
            .replace("---\n# A", &format!("ms.lasthandoff: {day}\n---\n# A"))
            && b == b_before.replace(
                "---\n# B",
                &format!("ms.openlocfilehash: {sha1}\nms.lasthandoff: {day}\n---\n# B"),
            )
    };
    assert!(
        ok(&day_before) || ok(&day_after),
        "a:\n{a}\nb:\n{b}\ntoday: {day_before}"
    );
    let s = status_json(&site);
    assert_eq!(entry(&s, "nl-nl", "a.md")["state"], "current");
    assert_eq!(entry(&s, "nl-nl", "b.md")["state"], "current");
}

#[test]
fn refuses_sources_and_unknown_files_but_marks_the_rest() {
    let site = Site::new(EN_NL);
    site.write_all(&[("articles/en-us/a.md", SRC), ("articles/en-us/c.md", SRC)]);
    let before = translation("A", &format!("ms.openlocfilehash: {OLD}\n"), "# A\n");
    site.write("articles/nl-nl/a.md", &before);
    site.write("articles/nl-nl/b.md", &translation("B", "", "# B\n"));
    site.write("articles/nl-nl/c.md", "# C zonder front matter\n");
    let snapshot = site.snapshot();

    let run = site.run(&[
        "l10n",
        "mark-current",
        "articles/en-us/a.md",
        "articles/nl-nl/nope.md",
        "articles/nl-nl/b.md",
        "articles/nl-nl/c.md",
        "articles/nl-nl/a.md",
        "--date",
        "07/01/2025",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert_contains(&run.stderr, "error[mark-current]: this is a source article (en-us); only translations are marked\n  --> articles/en-us/a.md");
    assert_contains(
        &run.stderr,
        "error[mark-current]: no such file\n  --> articles/nl-nl/nope.md",
    );
    assert_contains(
        &run.stderr,
        "error[mark-current]: no source article to compare with: cannot read articles/en-us/b.md",
    );
    assert_contains(&run.stderr, "error[mark-current]: no YAML front matter");
    // The good one is marked, the others untouched.
    assert_eq!(
        site.read("articles/nl-nl/a.md"),
        before
            .replace(OLD, &crlf_sha1(SRC))
            .replace("---\n# A", "ms.lasthandoff: 07/01/2025\n---\n# A")
    );
    let after = site.snapshot();
    let changed: Vec<_> = after
        .iter()
        .filter(|(k, v)| snapshot.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(changed, [std::path::PathBuf::from("site/articles/nl-nl/a.md")]);
}
