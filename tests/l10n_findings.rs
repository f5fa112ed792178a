//! Review findings on an English source and its Dutch machine translation
//! (our own writing, in the shape of a real Learn MT article): each finding
//! once, with its line and column, from `check --l10n` and on the review
//! page; severity from polydoc.toml; per segment for segment-aligned
//! translations.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const NL: &str = "articles/nl-nl/sync/troubleshoot-sync.md";

/// 1-based line and column of `needle` in the Dutch translation.
fn at(needle: &str) -> (usize, usize) {
    let text = sync_nl(&crlf_sha1(SYNC_EN));
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = line.find(needle) {
            return (i + 1, line[..c].chars().count() + 1);
        }
    }
    panic!("`{needle}` is not in the translation")
}

fn line_of(needle: &str) -> (usize, usize) {
    (at(needle).0, 1)
}

#[test]
fn every_finding_with_its_position() {
    let site = sync_site();
    let r = site.json(&["check", "--l10n"]);
    assert_eq!(r.code(), 0, "findings are warnings by default:\n{r}");
    let mut got: Vec<(String, usize, usize)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("l10n-") && d.file == NL)
        .map(|d| {
            assert_eq!(d.severity, "warning", "{d:?}");
            (d.code.clone(), d.line, d.column)
        })
        .collect();
    got.sort();
    let glued = at(")inschakelen");
    let sync_errors = line_of("## <a name=\"sync-errors\">");
    let mut expected: Vec<(String, usize, usize)> = vec![
        ("l10n-link-target", at("[licentievereisten")),
        ("l10n-glued-link", (glued.0, glued.1 + 1)),
        ("l10n-space-punctuation", at(" , om dit")),
        ("l10n-number", sync_errors),
        ("l10n-placeholder", sync_errors),
        ("l10n-untranslated", line_of("Read this article")),
        ("l10n-ui-path", line_of("Open **Instellingen**")),
        ("l10n-code", line_of("Get-RelayStatus")),
        ("l10n-anchor", line_of("## <a name=\"synchronisatie-pauzeren\">")),
        ("l10n-image-count", line_of("## <a name=\"synchronisatie-pauzeren\">")),
        // The source's "Contact support": reported after the last section both have.
        ("l10n-section", line_of("## <a name=\"synchronisatie-pauzeren\">")),
        ("l10n-section", line_of("### <a name=\"more-help\">")),
    ]
    .into_iter()
    .map(|(c, (l, col))| (c.to_string(), l, col))
    .collect();
    expected.sort();
    assert_eq!(got, expected, "{r}");

    // The fixture's home pages differ in their H1 anchor (#home, #start): found too.
    let home: Vec<(&str, usize)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("l10n-") && d.file != NL)
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    assert_eq!(home, [("l10n-anchor", 4)], "{r}");
    let msg = |code: &str| -> Vec<String> {
        r.with_code(code)
            .iter()
            .filter(|d| d.file == NL)
            .map(|d| d.message.clone())
            .collect()
    };
    assert_eq!(
        msg("l10n-glued-link"),
        ["`…/docs.contoso.example/relay/sync/enable)inschakelen`: the word `inschakelen` is glued to the link's closing parenthesis"]
    );
    assert_eq!(
        msg("l10n-space-punctuation"),
        ["space before `,` in `…/relay/sync/enable)inschakelen ,`"]
    );
    assert_eq!(
        msg("l10n-link-target"),
        ["link `pricing.md` (\"licentievereisten bekijken.\") goes to `../pricing/`; the source section links to `../licensing/` instead"]
    );
    assert_eq!(msg("l10n-number"), ["number(s) of the source missing here: 8443"]);
    assert_eq!(
        msg("l10n-placeholder"),
        ["placeholder(s) of the source missing here: %s"]
    );
    assert_eq!(
        msg("l10n-ui-path"),
        ["the source's UI path `Settings > Channels > Sync` (3 steps) has no counterpart with 3 steps here"]
    );
    assert_eq!(
        msg("l10n-code"),
        ["code differs from the source's (en-us/sync/troubleshoot-sync.md:27): `Get-RelayStatus -Kanaal \"Financiën\" -Verbose` here, `Get-RelayStatus -Channel \"Finance\" -Verbose` in the source"]
    );
    assert_eq!(
        msg("l10n-anchor"),
        ["heading anchor `#synchronisatie-pauzeren` differs from the source's `#pause-sync` (en-us/sync/troubleshoot-sync.md:32): links written against the source miss it"]
    );
    assert_eq!(msg("l10n-image-count"), ["0 image(s) here, 1 in the source section"]);
    assert_eq!(
        msg("l10n-untranslated"),
        ["\"Read this article to find the most common errors and their f…\" is the same as the source (en-us/sync/troubleshoot-sync.md:22): left untranslated?"]
    );
    let mut sections = msg("l10n-section");
    sections.sort();
    assert_eq!(
        sections,
        [
            "section `#more-help` (\"Meer hulp\") is not in the source",
            "the source's section `#contact-support` (\"Contact support\", en-us/sync/troubleshoot-sync.md:38) has no counterpart in this translation",
        ]
    );
    // The human form names the file, line and column.
    let human = site.run(&["check", "--l10n"]);
    assert_contains(
        &human.stderr,
        &format!("warning[l10n-glued-link]: `…/docs.contoso.example/relay/sync/enable)inschakelen`: the word `inschakelen` is glued to the link's closing parenthesis\n  --> {NL}:{}:{}\n", glued.0, glued.1 + 1),
    );

    // Without --l10n no finding is reported.
    let plain = site.json(&["check"]);
    assert!(
        plain.diagnostics.iter().all(|d| !d.code.starts_with("l10n-")),
        "{plain}"
    );
}

#[test]
fn the_review_page_shows_each_sections_findings() {
    let site = sync_site();
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    let html = site.read("output/_l10n/nl-nl/sync/troubleshoot-sync/index.html");
    let codes_in = |anchor: &str| -> Vec<String> {
        let start = html.find(&format!("id=\"{anchor}\"")).unwrap();
        let end = html[start..].find("</section>").unwrap() + start;
        regex::Regex::new(r#"data-code="([^"]+)""#)
            .unwrap()
            .captures_iter(&html[start..end])
            .map(|c| c[1].to_string())
            .collect()
    };
    assert_eq!(
        codes_in("pair-0"),
        ["l10n-link-target", "l10n-glued-link", "l10n-space-punctuation"]
    );
    assert_eq!(
        codes_in("pair-1"),
        [
            "l10n-code",
            "l10n-ui-path",
            "l10n-number",
            "l10n-placeholder",
            "l10n-untranslated"
        ]
    );
    assert_eq!(codes_in("pair-2"), ["l10n-anchor", "l10n-image-count"]);
    assert_eq!(codes_in("pair-3"), ["l10n-section"]);
    assert_eq!(codes_in("pair-4"), ["l10n-section"]);
    let (l, c) = at(")inschakelen");
    assert_contains(
        &html,
        &format!(
            "<span class=\"l10n-where\">{}:{l}:{}</span>",
            NL.trim_start_matches("articles/"),
            c + 1
        ),
    );
    assert_contains(&html, "<dd class=\"l10n-findings-count\">12</dd>");
    // The status index counts them too.
    assert_contains(
        &site.read("output/_l10n/nl-nl/index.html"),
        "<td class=\"num\" data-sort=\"12\">12</td>",
    );
}

#[test]
fn severity_is_configurable_per_finding() {
    let site = sync_site();
    let mut toml = site.read("polydoc.toml");
    toml.push_str("\n[l10n]\nproduct_names = [\"Contoso Relay\"]\n\n[l10n.severity]\nglued-link = \"error\"\nl10n-untranslated = \"off\"\nspelling = \"error\"\n");
    site.write("polydoc.toml", &toml);

    // An error fails every check, without --l10n too.
    let r = site.json(&["check"]);
    assert_eq!(r.code(), 1, "{r}");
    let e = r.one("l10n-glued-link");
    assert_eq!(e.severity, "error");
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.code == "l10n-glued-link" || !d.code.starts_with("l10n-")),
        "{r}"
    );
    let w = r.one("config");
    assert_eq!(w.message, "[l10n.severity] `spelling` is not a finding; ignored");

    let r = site.json(&["check", "--l10n"]);
    assert!(r.with_code("l10n-untranslated").is_empty(), "{r}");
    assert_eq!(r.with_code("l10n-section").len(), 2, "{r}");
    let build = site.json(&["build"]);
    assert_eq!(build.code(), 1, "{build}");
    let html = site.read("output/_l10n/nl-nl/sync/troubleshoot-sync/index.html");
    assert_not_contains(&html, "data-code=\"l10n-untranslated\"");
    assert_contains(
        &html,
        "<li class=\"l10n-finding severity-error\" data-code=\"l10n-glued-link\">",
    );

    site.write("polydoc.toml", &toml.replace("\"off\"", "\"never\""));
    let r = site.run(&["check"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(
        &r.stderr,
        "[l10n.severity] `l10n-untranslated = \"never\"`: the severity must be \"error\", \"warning\" or \"off\"",
    );
}

#[test]
fn stale_translations_are_a_finding_at_their_hash() {
    let site = sync_site();
    let old = crlf_sha1(SYNC_EN);
    site.write(
        "articles/en-us/sync/troubleshoot-sync.md",
        &SYNC_EN.replace("for more answers", "for more help"),
    );
    let r = site.json(&["check", "--l10n"]);
    let d = r.one("l10n-stale");
    assert_eq!((d.file.as_str(), d.line, d.column), (NL, at(&old).0, 1), "{r}");
    assert!(
        d.message
            .starts_with("stale translation: the source changed after the handoff"),
        "{d:?}"
    );
}

const SEG_EN: &str = "---\ntitle: Quotas\n---\n# Quotas\n\nA channel holds up to 500 folders. The message `Quota {0} reached` names the channel.\n";
const SEG_NL: &str = "---\ntitle: Quota\n---\n# <a name=\"quotas\"></a><span data-ttu-id=\"9c2d1-101\">Quota</span><span class=\"sxs-lookup\"><span data-stu-id=\"9c2d1-101\">Quotas</span></span>\n\n<span data-ttu-id=\"9c2d1-102\">Een kanaal bevat maximaal vijfhonderd mappen.</span><span class=\"sxs-lookup\"><span data-stu-id=\"9c2d1-102\">A channel holds up to 500 folders.</span></span> <span data-ttu-id=\"9c2d1-103\">The message `Quota {0} reached` names the channel.</span><span class=\"sxs-lookup\"><span data-stu-id=\"9c2d1-103\">The message `Quota {0} reached` names the channel.</span></span>\n";

#[test]
fn segment_aligned_translations_are_checked_per_segment() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/quotas.md", SEG_EN),
        ("articles/nl-nl/quotas.md", SEG_NL),
    ]);
    let r = site.json(&["check", "--l10n"]);
    let got: Vec<(String, usize, String)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("l10n-"))
        .map(|d| (d.code.clone(), d.line, d.message.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "l10n-number".to_string(),
                6,
                "number(s) of the source missing here: 500".to_string()
            ),
            (
                "l10n-untranslated".to_string(),
                6,
                "segment 9c2d1-103 \"The message names the channel.\" is the same as its source: left untranslated?"
                    .to_string()
            ),
        ],
        "{r}"
    );
}

/// `check --l10n` loads no theme and renders no page: with a theme whose
/// page template does not even parse (a plain `check` fails on it), it
/// still reports every finding, and the links are still checked.
#[test]
fn check_l10n_runs_without_a_theme() {
    let site = sync_site();
    site.write(
        "articles/en-us/sync/faq.md",
        &article("FAQ", "# FAQ\n\nSee [the old page](gone.md).\n"),
    );
    site.write("themes/default/templates/page.html", "{% if %}broken");
    let plain = site.json(&["check"]);
    assert_eq!(plain.code(), 2, "the theme is broken:\n{plain}");

    let r = site.json(&["check", "--l10n"]);
    assert_eq!(r.code(), 1, "{r}");
    assert!(r.diagnostics.iter().all(|d| d.code != "template"), "{r}");
    let broken = r.one("link-missing-file");
    let line = site
        .read("articles/en-us/sync/faq.md")
        .lines()
        .position(|l| l.contains("gone.md"))
        .expect("the link")
        + 1;
    assert_eq!(
        (broken.file.as_str(), broken.line),
        ("articles/en-us/sync/faq.md", line),
        "{r}"
    );
    for code in ["l10n-glued-link", "l10n-anchor", "l10n-section", "l10n-code"] {
        assert!(
            r.diagnostics.iter().any(|d| d.code == code && d.file == NL),
            "{code} missing:\n{r}"
        );
    }
    assert!(!site.exists("output"), "a check writes nothing");
}

/// Every language the built-in theme has words for shows the findings and
/// the stale reason in those words, on the review page and the status page.
#[test]
fn findings_and_stale_reasons_in_each_theme_language() {
    let locales: &[(&str, &str)] = &[
        ("en-us", "English"),
        ("fr-fr", "Français"),
        ("ja-jp", "日本語"),
        ("de-de", "Deutsch"),
        ("nl-nl", "Nederlands"),
    ];
    let site = Site::new(locales);
    let en = article(
        "Setup",
        "# Setup\n\nOpen [the portal](portal.md) and wait 30 seconds.\n",
    );
    site.write("articles/en-us/setup.md", &en);
    site.write("articles/en-us/portal.md", &article("Portal", "# Portal\n"));
    let then = crlf_sha1("---\ntitle: Setup\n---\n# Setup\n");
    let bodies = [
        ("fr-fr", "Configuration\n\nOuvrez [le portail](portal.md) et patientez."),
        ("ja-jp", "セットアップ\n\n[ポータル](portal.md) を開いて待ちます。"),
        (
            "de-de",
            "Einrichtung\n\nÖffnen Sie [das Portal](portal.md) und warten Sie.",
        ),
        ("nl-nl", "Instellen\n\nOpen [de portal](portal.md) en wacht."),
    ];
    for (code, body) in bodies {
        site.write(
            &format!("articles/{code}/setup.md"),
            &translation(
                "Setup",
                &format!("ms.openlocfilehash: {then}\n"),
                &format!("# <a name=\"setup\"></a>{body}\n"),
            ),
        );
    }
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let expected = [
        (
            "fr-fr",
            "Traduction obsolète : La source a changé après la remise",
            "Nombre(s) de la source absent(s) ici : 30",
        ),
        (
            "ja-jp",
            "古い翻訳: 引き渡し後にソースが変更されました",
            "ソースの数値がここにありません: 30",
        ),
        (
            "de-de",
            "Veraltete Übersetzung: Die Quelle wurde nach der Übergabe geändert",
            "Zahl(en) der Quelle fehlen hier: 30",
        ),
        (
            "nl-nl",
            "Verouderde vertaling: De bron is na de overdracht gewijzigd",
            "Getal(len) van de bron ontbreken hier: 30",
        ),
    ];
    for (code, stale, number) in expected {
        // The review page gives the reason beside the state, and lists the
        // stale finding (at its hash's line) with the sections' findings.
        let reason = stale.split_once(": ").or_else(|| stale.split_once(" : ")).unwrap().1;
        let html = site.read(&format!("output/_l10n/{code}/setup/index.html"));
        assert_contains(&html, reason);
        assert_contains(&html, stale);
        assert_contains(&html, &format!("<span class=\"l10n-where\">{code}/setup.md:4:1</span>"));
        assert_contains(&html, number);
        for english in [
            "stale translation",
            "the source changed after",
            "number(s) of the source",
        ] {
            assert!(!html.contains(english), "{code}: `{english}` on the review page");
        }
        let status = site.read(&format!("output/_l10n/{code}/index.html"));
        assert_contains(&status, reason);
    }

    // Every language file of the built-in theme that has review words has
    // every finding's and every reason's words (English is the code's).
    let dir = repo_root().join("themes/default/i18n");
    let keys = |code: &str| -> std::collections::BTreeSet<String> {
        read_file(&dir.join(format!("{code}.toml")))
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
            .filter(|k| k.starts_with("l10n_msg_") || k.starts_with("l10n_reason_"))
            .collect()
    };
    let de = keys("de-de");
    assert!(de.len() > 25, "{de:?}");
    for code in ["fr-fr", "ja-jp", "nl-nl"] {
        assert_eq!(keys(code), de, "{code}");
    }
}
