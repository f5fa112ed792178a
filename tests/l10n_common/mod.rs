//! Helpers and fixture articles for the translation tests: an English source
//! and its Dutch machine translation in the shape of a real Learn MT article
//! (our own writing), and hashes computed here, independently of polydoc.
#![allow(dead_code)]

use crate::common::*;
use sha1::Digest;
use std::path::Path;
use std::process::Command;

pub const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];

/// SHA-1 of `text` with its LF line ends written as CRLF (the text must use
/// LF only).
pub fn crlf_sha1(text: &str) -> String {
    assert!(!text.contains('\r'));
    hex(&sha1::Sha1::digest(text.replace('\n', "\r\n").as_bytes()))
}

pub fn crlf_sha256(text: &str) -> String {
    assert!(!text.contains('\r'));
    hex(&sha2::Sha256::digest(text.replace('\n', "\r\n").as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs `git ARGS` in `dir` (with a fixed identity); panics on failure and
/// returns standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Polydoc Test",
            "-c",
            "user.email=test@contoso.example",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A translation's front matter (Learn's localization keys) and body.
pub fn translation(title: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nms.contentlocale: nl-NL\n{extra}---\n{body}")
}

/// `polydoc l10n status --format json` of `site`.
pub fn status_json(site: &Site) -> serde_json::Value {
    let run = site.run(&["l10n", "status", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{run}"))
}

/// The status entry of `rel` in `locale`.
pub fn entry<'a>(status: &'a serde_json::Value, locale: &str, rel: &str) -> &'a serde_json::Value {
    status["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["locale"] == locale && a["rel"] == rel)
        .unwrap_or_else(|| panic!("no status for {locale}/{rel} in {status:#}"))
}

/// The English source of the review fixture (a troubleshooting article in
/// the shape of Learn's).
pub const SYNC_EN: &str = r#"---
title: Troubleshoot file sync
author: janedoe
ms.author: jdoe
manager: kmills
ms.date: 05/14/2024
ms.topic: article
ms.service: contoso-relay
localization_priority: Normal
ms.custom:
- "9004411"
---
# Troubleshoot file sync

**My files do not sync**

- If you are an admin and want to turn on sync for a team, see [Tutorial: enable sync](https://docs.contoso.example/relay/sync/enable) to set it up for your organization. You may also want to [review the licensing requirements](licensing.md). At least 1 license must be assigned in your organization.
- Read our [frequently asked questions](faq.md) for more answers.

## Sync errors

Read this article to find the most common errors and their fixes: [Sync error codes](errors.md#codes).

Open **Settings** > **Channels** > **Sync** and check that the channel uses port 8443.

```powershell
Get-RelayStatus -Channel "Finance" -Verbose
```

The message `Channel {0} is paused` shows when %s is over its quota.

## Pause sync

A paused channel keeps its files but stops sending changes.

![The Pause button](media/pause.png)

## Contact support

If the problem stays, open a support case from the Contoso Relay admin center.
"#;

/// The Dutch machine translation of `SYNC_EN`, with the defects machine
/// translation leaves in real Learn articles, each once:
/// - a word glued to a link's closing parenthesis (`...)inschakelen`),
/// - a space before punctuation (`inschakelen ,`),
/// - a link to another target (`licensing.md` -> `pricing.md`),
/// - a changed code block, a missing number (8443), a missing UI path
///   step and a missing placeholder (`%s`),
/// - a changed heading anchor (`pause-sync` -> `synchronisatie-pauzeren`),
/// - a missing image,
/// - a section only in the source (Contact support) and one only here,
/// - a paragraph left in English.
pub const SYNC_NL_BODY: &str = r#"# <a name="troubleshoot-file-sync"></a>Problemen met bestandssynchronisatie oplossen

**Mijn bestanden worden niet gesynchroniseerd**

- Als u beheerder bent en synchronisatie voor een team wilt inschakelen, zie [Zelfstudie: synchronisatie](https://docs.contoso.example/relay/sync/enable)inschakelen , om dit voor uw organisatie in te stellen. Mogelijk wilt u ook de [licentievereisten bekijken.](pricing.md) Er moet ten minste 1 licentie zijn toegewezen in uw organisatie.
- Lees onze [veelgestelde vragen](faq.md) voor meer antwoorden.

## <a name="sync-errors"></a>Synchronisatiefouten

Read this article to find the most common errors and their fixes: [Sync error codes](errors.md#codes).

Open **Instellingen** > **Kanalen** en controleer of het kanaal de juiste poort gebruikt.

```powershell
Get-RelayStatus -Kanaal "Financiën" -Verbose
```

Het bericht `Channel {0} is paused` wordt weergegeven wanneer het quotum is overschreden.

## <a name="synchronisatie-pauzeren"></a>Synchronisatie pauzeren

Een gepauzeerd kanaal behoudt de bestanden, maar verzendt geen wijzigingen meer.

### <a name="more-help"></a>Meer hulp

Neem contact op met uw beheerder.
"#;

/// `SYNC_NL_BODY` with Learn's localization front matter; `hash` is its
/// `ms.openlocfilehash`.
pub fn sync_nl(hash: &str) -> String {
    format!(
        "---\ntitle: Problemen met bestandssynchronisatie oplossen\nauthor: janedoe\nms.author: jdoe\nmanager: kmills\nms.date: 05/14/2024\nms.topic: article\nms.service: contoso-relay\nlocalization_priority: Normal\nms.custom:\n- \"9004411\"\nms.openlocfilehash: {hash}\nms.sourcegitcommit: 5be4f0c2a1d7e9b3c8f6a0d2e4b6c8a0f1e3d5b7\nms.translationtype: MT\nms.contentlocale: nl-NL\nms.lasthandoff: 05/20/2024\nms.locfileid: \"71120934\"\n---\n{SYNC_NL_BODY}"
    )
}

/// A site with `SYNC_EN`, its Dutch MT translation (current by hash) and
/// the pages and image it links to.
pub fn sync_site() -> Site {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/nl-nl/index.md", &article("Start", "# Start\n")),
        ("articles/en-us/sync/troubleshoot-sync.md", SYNC_EN),
        (
            "articles/nl-nl/sync/troubleshoot-sync.md",
            &sync_nl(&crlf_sha1(SYNC_EN)),
        ),
        (
            "articles/en-us/sync/licensing.md",
            &article("Licensing", "# Licensing\n"),
        ),
        ("articles/en-us/sync/pricing.md", &article("Pricing", "# Pricing\n")),
        ("articles/en-us/sync/faq.md", &article("FAQ", "# FAQ\n")),
        (
            "articles/en-us/sync/errors.md",
            &article("Errors", "# Errors\n\n## Codes\n"),
        ),
        ("articles/en-us/sync/media/pause.png", "png"),
    ]);
    site
}

/// The built-in review template before its sections were written by
/// polydoc: Tera loops over `l10n.sections` (what a theme's own template
/// may still do).
pub const REVIEW_LOOP_TEMPLATE: &str = include_str!("review-loop.html");

/// The built-in status template before its article rows were written by
/// polydoc: Tera loops over `l10n.articles` (what a theme's own template
/// may still do).
pub const STATUS_LOOP_TEMPLATE: &str = include_str!("status-loop.html");

/// Every review and status page of `site` (built into `output/`) is byte
/// for byte the page a theme gets whose `l10n-review.html` loops over
/// `l10n.sections` (`REVIEW_LOOP_TEMPLATE`) and whose `l10n-index.html`
/// loops over `l10n.articles` (`STATUS_LOOP_TEMPLATE`), built into
/// `output-loop/`: the markup `l10n::review_markup` and
/// `l10n::status_pages` write is the templates'. Returns the pages
/// compared.
pub fn assert_review_markup_is_the_template_loop(site: &Site) -> usize {
    fn pages(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                pages(&p, out);
            } else if p.file_name().is_some_and(|n| n == "index.html") {
                out.push(p);
            }
        }
    }
    let mut built = Vec::new();
    pages(&site.path("output/_l10n"), &mut built);
    site.write("themes/default/templates/l10n-review.html", REVIEW_LOOP_TEMPLATE);
    site.write("themes/default/templates/l10n-index.html", STATUS_LOOP_TEMPLATE);
    let r = site.json(&["build", "--out", "output-loop"]);
    site.remove("themes/default/templates/l10n-review.html");
    site.remove("themes/default/templates/l10n-index.html");
    assert_eq!(r.code(), 0, "{r}");
    let mut looped = Vec::new();
    pages(&site.path("output-loop/_l10n"), &mut looped);
    assert_eq!(built.len(), looped.len());
    let root = site.path("output");
    for p in &built {
        let rel = p.strip_prefix(&root).unwrap();
        let (a, b) = (read_file(p), read_file(&site.path("output-loop").join(rel)));
        if a != b {
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let from = a[..at].rfind('\n').unwrap_or(0);
            panic!(
                "{} differs from the template loop's at byte {at}:\n{}\n----\n{}",
                rel.display(),
                &a[from..a.len().min(at + 300)],
                &b[from..b.len().min(at + 300)]
            );
        }
    }
    built.len()
}
