//! Review findings are true: names (hosts, files, identifiers, product
//! names), bold UI strings, code and DocFX directives are not "untranslated";
//! numbers a translation writes as words are not missing; a moved section
//! is one finding; an include's links and images stay with the include.
//! And what machine translation breaks is found: mangled identifiers, links
//! without text, words glued to a link's opening bracket.

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;

const EN: &str = r#"---
title: Connect the agent
---
# Connect the agent

Wait 3 minutes, then open the Contoso Relay portal.

**Save changes** in relay.exe at relay.contoso.example

Restart the agent after every change you make.

Run `Contoso.RelayHub_8wekyb3d!App` to start the hub.

See [the setup guide](setup.md#start) for more.

Read [the overview](setup.md) first.

> [!div class="checklist"]
> * Install the agent
> * Connect the hub

Use port 8443 for the channel.

Pick the 3rd option within 2 days (see line 498,5).

Run relay help or ? to list the commands.

[!code-csharp[Connect](snippets/connect.cs)]

## Setup

[!INCLUDE [note](includes/note.md)]

## Limits

A channel holds many files.

## Support

Open a support case.
"#;

/// The Dutch translation: the Support section moved up; otherwise only
/// what machine translation breaks, once each.
const NL_BODY: &str = r#"# <a name="connect-the-agent"></a>De agent verbinden

Wacht drie minuten en open daarna de Contoso Relay-portal.

**Save changes** in relay.exe at relay.contoso.example

Restart the agent after every change you make.

Voer Contoso.RelayHub \_ 8wekyb3d-App \! uit om de hub te starten.

Zie [](setup.md#start)voor meer.

Lees eerst[het overzicht](setup.md).

> [!div class="checklist"]
> * De agent installeren
> * De hub verbinden

Gebruik de poort voor het kanaal.

Kies de derde optie binnen twee dagen (zie regel 498, 5).

Voer relay help or ? uit om de opdrachten te tonen.

[!code-csharp[Verbinden](snippets/connect.cs)]

## <a name="support"></a>Ondersteuning

Open een ondersteuningsaanvraag.

## <a name="setup"></a>Instellen

[!INCLUDE [note](includes/note.md)]

## <a name="limits"></a>Limieten

Een kanaal bevat veel bestanden.
"#;

const NOTE_EN: &str = "---\nms.topic: include\n---\n\nThe hub keeps a copy.\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n![Hub diagram](../media/hub.png)\n\nSee [limits](../setup.md).\n";
const NOTE_NL: &str = "---\nms.topic: include\n---\n\nDe hub bewaart een kopie.\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n![Hubdiagram](../media/hub.png)\n\nZie [limieten](../setup.md).\n";

fn site() -> Site {
    let site = Site::new(EN_NL);
    site.write(
        "polydoc.toml",
        &format!(
            "{}\n[l10n]\nproduct_names = [\"Contoso Relay\"]\n",
            config_toml(EN_NL, BASE_URL)
        ),
    );
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/connect.md", EN),
        (
            "articles/nl-nl/connect.md",
            &translation(
                "De agent verbinden",
                &format!("ms.openlocfilehash: {}\nms.translationtype: MT\n", crlf_sha1(EN)),
                NL_BODY,
            ),
        ),
        (
            "articles/en-us/setup.md",
            &article("Setup", "# Setup\n\n## Start\n\nGo.\n"),
        ),
        ("articles/en-us/includes/note.md", NOTE_EN),
        ("articles/nl-nl/includes/note.md", NOTE_NL),
        ("articles/en-us/media/hub.png", "png"),
        ("articles/en-us/snippets/connect.cs", "Relay.Connect();\n"),
    ]);
    site
}

#[test]
fn only_true_findings_and_the_defects_machine_translation_leaves() {
    let site = site();
    let report = site.json(&["check", "--l10n"]);
    let found: Vec<(String, usize, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("l10n-") && d.file.ends_with("nl-nl/connect.md"))
        .map(|d| (d.code.clone(), d.line, d.message.clone()))
        .collect();
    let codes: Vec<(&str, usize)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    let line_of = |needle: &str| NL_BODY.lines().position(|l| l.contains(needle)).unwrap() + 1 + 6;
    let mut expected = vec![
        // Truly untranslated: flagged; the names-and-UI-strings line is not.
        ("l10n-untranslated", line_of("Restart the agent")),
        ("l10n-identifier", line_of("Contoso.RelayHub")),
        ("l10n-empty-link", line_of("Zie [](")),
        ("l10n-glued-link", line_of("Zie [](")),
        ("l10n-glued-link", line_of("Lees eerst[")),
        // 8443 is really missing; 3 is written "drie", 2 "twee", "3rd"
        // "derde", 498,5 is "498, 5".
        ("l10n-number", line_of("# <a name=\"connect")),
        ("l10n-moved", line_of("name=\"support\"")),
    ];
    expected.sort();
    let mut got = codes.clone();
    got.sort();
    assert_eq!(got, expected, "{found:#?}");
    let number = &found.iter().find(|f| f.0 == "l10n-number").unwrap().2;
    assert!(number.ends_with(": 8443"), "{number}");
    assert!(found.iter().all(|f| f.1 > 0), "every finding has a line: {found:#?}");

    // The review page says it in the reader's language, at the right line.
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{run}");
    let html = site.read("output/_l10n/nl-nl/connect/index.html");
    assert_contains(&html, "Getal(len) van de bron ontbreken hier: 8443");
    assert_contains(&html, "het woord `eerst` zit vast aan de openingshaak van de koppeling");
    assert_contains(&html, &format!("nl-nl/connect.md:{}", line_of("Contoso.RelayHub")));
    assert!(
        !html.contains("number(s) of the source missing"),
        "English message on a Dutch page"
    );
}

/// A mangled identifier is reported at the line that holds it (a paragraph
/// wrapped over lines has several), and only where its letters make whole
/// words: `4,2 Beta3` is `4.2-Beta3` mangled, not `4.2-Beta`.
#[test]
fn a_mangled_identifier_at_its_own_line() {
    let en = article(
        "Relay 4.2-Beta3 release notes",
        "# Relay 4.2-Beta3 release notes\n\n[Relay 4.2-Beta notes](beta.md) | [Relay 4.2-Beta3 notes](beta3.md)\n\nThe agent runs as a service.\nIt starts with Windows.\nYou can stop it with Contoso.RelayAgent.exe at any time.\n\n## Stop\n\nSelect **Stop {agent_name}**.\n",
    );
    let nl_body = "# <a name=\"relay-42-beta3-release-notes\"></a>Relay 4,2 Beta3 releaseopmerkingen\n\n[Relay 4,2-Beta notities](beta.md) | [Relay 4,2-Beta3 notities](beta3.md)\n\nDe agent draait als service.\nHij start met Windows.\nU kunt hem op elk moment stoppen met Contoso. RelayAgent. exe.\n\n## <a name=\"stop\"></a>Stoppen\n\nSelecteer **{Agent_name} stoppen**.\n";
    let nl = translation(
        "Releaseopmerkingen",
        &format!("ms.openlocfilehash: {}\n", crlf_sha1(&en)),
        nl_body,
    );
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/notes.md", en.as_str()),
        ("articles/nl-nl/notes.md", nl.as_str()),
        ("articles/en-us/beta.md", &article("Beta", "# Beta\n")),
        ("articles/en-us/beta3.md", &article("Beta3", "# Beta3\n")),
    ]);
    let line_of = |needle: &str| nl.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let r = site.json(&["check", "--l10n"]);
    let mut got: Vec<(usize, String)> = r
        .with_code("l10n-identifier")
        .iter()
        .map(|d| (d.line, d.message.split('`').nth(1).unwrap_or("").to_string()))
        .collect();
    got.sort();
    // `4.2-Beta3` is first mangled in the heading (`4,2 Beta3`), `4.2-Beta`
    // only in the links' line.
    let mut expected = vec![
        (line_of("[Relay 4,2-Beta notities]"), "4.2-Beta".to_string()),
        (line_of("Relay 4,2 Beta3"), "4.2-Beta3".to_string()),
        (line_of("Contoso. RelayAgent"), "Contoso.RelayAgent.exe".to_string()),
    ];
    expected.sort();
    assert_eq!(got, expected, "{r}");
    let agent = r
        .with_code("l10n-identifier")
        .into_iter()
        .find(|d| d.message.contains("Contoso.RelayAgent.exe"))
        .unwrap();
    assert_contains(&agent.message, "\"…Contoso. RelayAgent. exe.\"");
    // A placeholder in other letter case is named as written.
    let p = r.one("l10n-placeholder");
    assert_eq!(p.line, line_of("name=\"stop\""), "{r}");
    assert_contains(&p.message, "{agent_name} (here: {Agent_name})");
}

/// A link whose text starts or ends with a space is not glued to the word
/// beside it (readers see them apart), and a dot the source writes as part
/// of a path (`with .. relative paths`) is no punctuation to space-check;
/// a word really glued, and a space really before a full stop, still are.
#[test]
fn spaced_link_text_and_path_dots_are_no_defects() {
    let en = article(
        "Tools",
        "# Tools\n\nRead [the guide](guide.md) first, then [the notes](notes.md) twice. See [the FAQ](faq.md).\n\n## Fixes\n\n* Slow packing with .. relative paths.\n* Restore failed when offline.\n* Run `relay --offline`.\n",
    );
    let nl_body = "# <a name=\"tools\"></a>Hulpmiddelen\n\nLees eerst[ de handleiding](guide.md), daarna tweemaal [de notities ](notes.md)lezen. Zie[de FAQ](faq.md).\n\n## <a name=\"fixes\"></a>Oplossingen\n\n* Traag inpakken met . relatieve paden.\n* Herstellen mislukte zonder verbinding .\n* Voer `relay --offline` uit .\n";
    let nl = translation(
        "Hulpmiddelen",
        &format!("ms.openlocfilehash: {}\n", crlf_sha1(&en)),
        nl_body,
    );
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/tools.md", en.as_str()),
        ("articles/nl-nl/tools.md", nl.as_str()),
        ("articles/en-us/guide.md", &article("Guide", "# Guide\n")),
        ("articles/en-us/notes.md", &article("Notes", "# Notes\n")),
        ("articles/en-us/faq.md", &article("FAQ", "# FAQ\n")),
    ]);
    let line_of = |needle: &str| nl.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let r = site.json(&["check", "--l10n"]);
    let mut got: Vec<(&str, usize, String)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "l10n-glued-link" || d.code == "l10n-space-punctuation")
        .map(|d| (d.code.as_str(), d.line, d.message.clone()))
        .collect();
    got.sort();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(
        (got[0].0, got[0].1),
        ("l10n-glued-link", line_of("Zie[de FAQ]")),
        "{got:#?}"
    );
    assert_contains(&got[0].2, "the word `Zie`");
    assert_eq!(
        (got[1].0, got[1].1),
        ("l10n-space-punctuation", line_of("zonder verbinding .")),
        "{got:#?}"
    );
    // Quoted without the code span's own backticks.
    assert_eq!(got[2].1, line_of("uit ."), "{got:#?}");
    assert_eq!(got[2].2, "space before `.` in `* Voer relay --offline uit .`");
}
