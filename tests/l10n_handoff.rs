//! What changed in the source since a translation's handoff: the handoff
//! text from a snapshot folder (`[l10n] handoff_sources`, laid out
//! `<commit>/<repository path>`) or from git, trusted only when it hashes to
//! `ms.openlocfilehash`; word and section counts in `l10n status`; the word
//! diff beside the translation's section on the review page; front matter
//! changes only = current (metadata changed).

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;
use sha1::Digest;

const COMMIT: &str = "3c9d1e0f5a7b2c4d6e8f0a1b3c5d7e9f1a2b4c6d";

/// The source as handed off (LF line ends, hashed as they are: the form
/// real pipelines record when they read an LF checkout).
const SETUP_THEN: &str = "---\ntitle: Set up the agent\nms.date: 01/10/2024\n---\n# Set up the agent\n\nInstall the agent on one server.\n\n## Requirements\n\nYou need an account.\n\n## Old limits\n\nA channel holds ten files.\n\n## Next steps\n\nRead the guide.\n";
/// Today: one section edited, one removed, one added, one unchanged.
const SETUP_NOW: &str = "---\ntitle: Set up the agent\nms.date: 03/02/2024\n---\n# Set up the agent\n\nInstall the agent on every server in the farm.\n\n## Requirements\n\nYou need an account.\n\n## Firewall\n\nOpen port 8443 first.\n\n## Next steps\n\nRead the guide.\n";
const SETUP_NL: &str = "# <a name=\"set-up-the-agent\"></a>De agent instellen\n\nInstalleer de agent op één server.\n\n## <a name=\"requirements\"></a>Vereisten\n\nU hebt een account nodig.\n\n## <a name=\"old-limits\"></a>Oude limieten\n\nEen kanaal bevat tien bestanden.\n\n## <a name=\"next-steps\"></a>Volgende stappen\n\nLees de handleiding.\n";

const META_THEN: &str =
    "---\ntitle: Pause sync\nms.date: 01/10/2024\n---\n# Pause sync\n\nA paused channel keeps its files.\n";
const META_NOW: &str = "---\ntitle: Pause sync\nms.date: 06/30/2024\nms.custom: refresh\n---\n# Pause sync\n\nA paused channel keeps its files.\n";

fn sha1_raw(text: &str) -> String {
    sha1::Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn nl_file(title: &str, hash: &str, body: &str) -> String {
    translation(
        title,
        &format!("ms.openlocfilehash: {hash}\nms.sourcegitcommit: {COMMIT}\nms.translationtype: MT\nms.lasthandoff: 01/12/2024\n"),
        body,
    )
}

/// Locale trees inside repository-shaped folders (`repo-en/docs`), handoff
/// snapshots keeping the repository path (`handoff/<commit>/docs/...`).
fn snapshot_site() -> Site {
    let site = Site::without_config();
    site.write(
        "polydoc.toml",
        &format!(
            "title = \"{SITE_TITLE}\"\nbase_url = \"{BASE_URL}\"\nsource_locale = \"en-us\"\n\n[l10n]\nhandoff_sources = \"handoff\"\n\n[locales.en-us]\nname = \"English\"\npath = \"repo-en/docs\"\n\n[locales.nl-nl]\nname = \"Nederlands\"\npath = \"repo-nl/docs\"\nedit_url = \"https://git.contoso.example/nl/edit/main/docs/{{path}}\"\n"
        ),
    );
    site.write_all(&[
        ("repo-en/docs/index.md", &article("Home", "# Home\n")),
        ("repo-nl/docs/index.md", &article("Start", "# Start\n")),
        ("repo-en/docs/guide/setup.md", SETUP_NOW),
        (&format!("handoff/{COMMIT}/docs/guide/setup.md"), SETUP_THEN),
        (
            "repo-nl/docs/guide/setup.md",
            &nl_file("De agent instellen", &sha1_raw(SETUP_THEN), SETUP_NL),
        ),
        ("repo-en/docs/guide/pause.md", META_NOW),
        (&format!("handoff/{COMMIT}/docs/guide/pause.md"), META_THEN),
        (
            "repo-nl/docs/guide/pause.md",
            &nl_file(
                "Synchronisatie pauzeren",
                &crlf_sha1(META_THEN),
                "# <a name=\"pause-sync\"></a>Synchronisatie pauzeren\n\nEen gepauzeerd kanaal behoudt de bestanden.\n\n> [!NOTE]\n> Bestanden blijven.\n",
            ),
        ),
        // A snapshot that is not the text that was handed off.
        ("repo-en/docs/guide/forged.md", META_NOW),
        (
            &format!("handoff/{COMMIT}/docs/guide/forged.md"),
            "---\ntitle: x\n---\n# Something else\n",
        ),
        (
            "repo-nl/docs/guide/forged.md",
            &nl_file(
                "Vervalst",
                &crlf_sha1(META_THEN),
                "# <a name=\"pause-sync\"></a>Vervalst\n\nTekst van de vertaling.\n",
            ),
        ),
    ]);
    site
}

#[test]
fn snapshot_gives_words_and_sections_changed_since_handoff() {
    let site = snapshot_site();
    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "guide/setup.md");
    assert_eq!(e["state"], "stale", "{e:#}");
    assert_eq!(e["handoff_source"], "snapshot", "{e:#}");
    assert_eq!(e["handoff_commit"], COMMIT);
    // "one server." -> "every server in the farm." (5 words changed); the
    // Firewall section (5 words, `##` is none) added; Old limits (7 words)
    // removed.
    assert_eq!(e["words_changed"], 5, "{e:#}");
    assert_eq!(e["words_added"], 5, "{e:#}");
    assert_eq!(e["words_removed"], 7, "{e:#}");
    assert_eq!(e["sections_changed"], 3, "{e:#}");
    assert_eq!(e["metadata_changed"], false);
    assert!(e["findings"].as_u64().is_some(), "{e:#}");
    assert_eq!(s["locales"][0]["words_to_retranslate"], 5 + 5, "{s:#}");

    // Front matter only: current (metadata changed), nothing to retranslate.
    let m = entry(&s, "nl-nl", "guide/pause.md");
    assert_eq!(m["state"], "current", "{m:#}");
    assert_eq!(m["metadata_changed"], true);
    assert_eq!(m["label"], "current (metadata changed)");
    assert_eq!(m["words_added"], 0);

    // A snapshot that does not hash to ms.openlocfilehash is not used.
    let f = entry(&s, "nl-nl", "guide/forged.md");
    assert_eq!(f["state"], "stale", "{f:#}");
    assert!(f["handoff_source"].is_null(), "{f:#}");
    assert!(
        f["handoff_missing"]
            .as_str()
            .unwrap()
            .contains("does not hash to ms.openlocfilehash"),
        "{f:#}"
    );
    assert!(f["words_added"].is_null(), "{f:#}");
}

#[test]
fn a_stale_translation_is_checked_against_the_source_it_was_made_from() {
    let site = snapshot_site();
    let report = site.json(&["check", "--l10n"]);
    let setup: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("guide/setup.md"))
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    // The Firewall section (and its port number) came after the handoff:
    // a change to translate, shown as such, not a missing section; the Old
    // limits section the translation keeps was in its source.
    assert_eq!(setup.len(), 1, "{setup:#?}");
    assert!(setup[0].starts_with("l10n-stale "), "{setup:#?}");
}

#[test]
fn review_page_shows_the_word_diff_beside_the_matching_section() {
    let site = snapshot_site();
    let out = site.path("output");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let html = std::fs::read_to_string(out.join("_l10n/nl-nl/guide/setup/index.html")).unwrap();
    let section = |id: &str| {
        let start = html
            .find(&format!("data-translation-id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        let end = html[start..].find("</section>").unwrap() + start;
        &html[start..end]
    };
    // The edited intro: the diff in the source column of the section whose
    // translation is "De agent instellen".
    let intro = section("set-up-the-agent");
    assert_contains(intro, "l10n-change-changed");
    assert_contains(intro, "<del>one server.</del> <ins>every server in the farm.</ins>");
    assert_contains(intro, "De agent instellen");
    // The removed section lands beside the translation that still has it.
    let old = section("old-limits");
    assert_contains(old, "l10n-change-removed");
    assert_contains(old, "<del>## Old limits\nA channel holds ten files.</del>");
    // The added one shows with the source section it is.
    assert_contains(&html, "l10n-change-added");
    assert_contains(&html, "<ins>## Firewall\nOpen port 8443 first.</ins>");
    // Unchanged sections are collapsed.
    let req = section("requirements");
    assert_contains(req, "<details class=\"l10n-unchanged\">");
    assert!(!req.contains("l10n-change"), "{req}");
    // Paths are the locale's, never the build machine's.
    let tmp = site.tmp.path().to_string_lossy().into_owned();
    for entry in walk(&out.join("_l10n")) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains(&tmp), "{} shows {tmp}", entry.display());
    }
    assert_contains(&html, ">nl-nl/guide/setup.md</a>");
    // The locale's edit_url links the translation to its repository.
    assert_contains(
        &html,
        "<a class=\"l10n-edit\" href=\"https://git.contoso.example/nl/edit/main/docs/guide/setup.md\">Bewerken</a>",
    );

    // The status page: the words to retranslate, per article and per locale.
    let index = std::fs::read_to_string(out.join("_l10n/nl-nl/index.html")).unwrap();
    assert_contains(&index, "<td class=\"num l10n-to-retranslate\" data-sort=\"10\">10</td>");
    assert_contains(&index, "Opnieuw te vertalen woorden");
    assert_contains(&index, "actueel (metagegevens gewijzigd)");

    let pause = std::fs::read_to_string(out.join("_l10n/nl-nl/guide/pause/index.html")).unwrap();
    assert_contains(&pause, "actueel (metagegevens gewijzigd)");
    assert!(
        !pause.contains("l10n-stale"),
        "a metadata-only change is no stale finding"
    );
}

#[test]
fn review_pages_with_changes_since_handoff_are_the_template_loops() {
    // Changed, removed, added and collapsed sections, written by polydoc,
    // are the markup the template's loop over the sections made.
    let site = snapshot_site();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(assert_review_markup_is_the_template_loop(&site) >= 4);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn status_needs_no_theme() {
    let site = snapshot_site();
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    let s = status_json(&site);
    assert_eq!(entry(&s, "nl-nl", "guide/setup.md")["handoff_source"], "snapshot");
}

#[test]
fn git_gives_the_handoff_text_and_the_source_commit() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/guide/setup.md", SETUP_THEN),
    ]);
    git(&site.root, &["init", "-q"]);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "source"]);
    let handoff = git(&site.root, &["rev-parse", "HEAD"]);
    site.write(
        "articles/nl-nl/guide/setup.md",
        &translation(
            "De agent instellen",
            &format!(
                "ms.openlocfilehash: {}\nms.sourcegitcommit: {handoff}\n",
                crlf_sha1(SETUP_THEN)
            ),
            SETUP_NL,
        ),
    );
    site.write("articles/en-us/guide/setup.md", SETUP_NOW);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "edit the source"]);
    let now = git(&site.root, &["rev-parse", "HEAD"]);
    let s = status_json(&site);
    let e = entry(&s, "nl-nl", "guide/setup.md");
    assert_eq!(e["state"], "stale", "{e:#}");
    assert_eq!(e["handoff_source"], "git", "{e:#}");
    assert_eq!(e["source_current_commit"], now.as_str(), "{e:#}");
    assert!(
        e["source_current_date"].as_str().is_some_and(|d| d.len() >= 10),
        "{e:#}"
    );
    assert_eq!(e["words_changed"], 5, "{e:#}");
    assert_eq!(e["sections_changed"], 3, "{e:#}");

    // Accepting the translation records the commit it was checked against,
    // every other byte kept.
    let before = site.read("articles/nl-nl/guide/setup.md");
    let run = site.run(&[
        "l10n",
        "mark-current",
        "articles/nl-nl/guide/setup.md",
        "--date",
        "04/05/2024",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert_contains(&run.stdout, &format!("ms.sourcegitcommit {now}"));
    let after = site.read("articles/nl-nl/guide/setup.md");
    let expected = before
        .replace(&crlf_sha1(SETUP_THEN), &crlf_sha1(SETUP_NOW))
        .replace(&handoff, &now);
    let expected = expected.replace("\n---\n#", "\nms.lasthandoff: 04/05/2024\n---\n#");
    assert_eq!(after, expected);
    let e = entry(&status_json(&site), "nl-nl", "guide/setup.md").clone();
    assert_eq!(e["state"], "current", "{e:#}");
    assert_eq!(e["handoff_commit"], now.as_str());
}

/// Translations often name a commit the clone does not have (a shallow CI
/// clone, or the source's history elsewhere): git is asked about that
/// commit once, not `git show` once per translation, and the status is the
/// same.
#[test]
fn a_commit_git_does_not_know_is_not_shown_once_per_translation() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/guide/setup.md", SETUP_THEN),
        ("articles/en-us/guide/pause.md", META_THEN),
    ]);
    git(&site.root, &["init", "-q"]);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "source"]);
    for (rel, then, title) in [
        ("guide/setup.md", SETUP_THEN, "De agent instellen"),
        ("guide/pause.md", META_THEN, "Pauzeren"),
    ] {
        site.write(
            &format!("articles/nl-nl/{rel}"),
            &translation(
                title,
                &format!(
                    "ms.openlocfilehash: {}\nms.sourcegitcommit: {COMMIT}\n",
                    crlf_sha1(then)
                ),
                "# Vertaald\n\nTekst.\n",
            ),
        );
    }
    // A `git` first on PATH that notes each question, then asks the real one.
    let real = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("git")).find(|g| g.is_file()))
        .expect("git on PATH");
    let bin = site.root.join(".bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = site.root.join(".git-questions");
    let script = bin.join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_polydoc"))
        .args(["l10n", "status", "--format", "json"])
        .current_dir(&site.root)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let asked = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        asked.contains("rev-parse --verify"),
        "git was not asked about the commit:\n{asked}"
    );
    assert!(
        !asked.contains(" show "),
        "git show for a commit git does not know:\n{asked}"
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for rel in ["guide/setup.md", "guide/pause.md"] {
        let e = entry(&s, "nl-nl", rel);
        // The hash still decides: the source is as handed off.
        assert_eq!(e["state"], "current", "{e:#}");
        assert_eq!(e["basis"], "hash", "{e:#}");
    }
}
