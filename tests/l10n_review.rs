//! The reviewers' pages: `_l10n/` indexes and the side-by-side page of each
//! translation, aligned section by section; segment-aligned translations
//! (readers never see the `sxs-lookup` source text).

mod common;
mod l10n_common;

use common::*;
use l10n_common::*;
use regex::Regex;

const REVIEW: &str = "output/_l10n/nl-nl/sync/troubleshoot-sync/index.html";

fn built_sync_site() -> Site {
    let site = sync_site();
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    site
}

/// `(data-source-id, data-translation-id)` of every section of a review page.
fn section_pairs(html: &str) -> Vec<(String, String)> {
    Regex::new(
        r#"<section class="l10n-section[^"]*" id="pair-\d+" data-source-id="([^"]*)" data-translation-id="([^"]*)""#,
    )
    .unwrap()
    .captures_iter(html)
    .map(|c| (c[1].to_string(), c[2].to_string()))
    .collect()
}

/// The HTML of the section with this `pair-N` anchor.
fn section<'a>(html: &'a str, anchor: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{anchor}\""))
        .unwrap_or_else(|| panic!("no {anchor} in {html}"));
    let end = html[start..].find("</section>").map_or(html.len(), |i| start + i);
    &html[start..end]
}

#[test]
fn side_by_side_sections_are_aligned_by_heading_id() {
    let site = built_sync_site();
    let html = site.read(REVIEW);
    assert_contains(&html, "<meta name=\"robots\" content=\"noindex, nofollow\">");
    assert_contains(&html, "<html lang=\"nl-NL\" dir=\"ltr\">");
    let pairs = section_pairs(&html);
    let expected: Vec<(String, String)> = [
        ("troubleshoot-file-sync", "troubleshoot-file-sync"),
        ("sync-errors", "sync-errors"),
        ("pause-sync", "synchronisatie-pauzeren"),
        ("contact-support", ""),
        ("", "more-help"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, expected, "{html}");

    // Each side rendered as readers see it, in its own language.
    let errors = section(&html, "pair-1");
    assert_contains(
        errors,
        "<div class=\"l10n-side l10n-source content\" lang=\"en-US\" dir=\"ltr\">",
    );
    assert_contains(
        errors,
        "<div class=\"l10n-side l10n-translation content\" lang=\"nl-NL\" dir=\"ltr\">",
    );
    assert_contains(errors, "<h2 id=\"src-sync-errors\">Sync errors</h2>");
    assert_contains(errors, "<h2 id=\"tr-sync-errors\">Synchronisatiefouten</h2>");
    assert_contains(errors, ">en-us/sync/troubleshoot-sync.md:20");
    assert_contains(errors, ">nl-nl/sync/troubleshoot-sync.md:26");
    // Links resolved from the review page's folder, per side.
    assert_contains(
        errors,
        "<a href=\"../../../../en-us/sync/errors/#codes\">Sync error codes</a>",
    );
    assert_contains(
        errors,
        "<a href=\"../../../../nl-nl/sync/errors/#codes\">Sync error codes</a>",
    );
    assert_contains(
        &html,
        "<img src=\"../../../../en-us/sync/media/pause.png\" alt=\"The Pause button\">",
    );

    let pause = section(&html, "pair-2");
    assert_contains(
        pause,
        &format!("<strong>{}</strong>", theme_string("nl-nl", "l10n_anchor_changed")),
    );
    assert_contains(
        section(&html, "pair-3"),
        &format!("<p>{}</p>", theme_string("nl-nl", "l10n_only_source")),
    );
    assert_contains(
        section(&html, "pair-4"),
        &format!("<p>{}</p>", theme_string("nl-nl", "l10n_only_translation")),
    );

    // Links to the published pages and the indexes.
    assert_contains(
        &html,
        "<a href=\"../../../../en-us/sync/troubleshoot-sync/\">en-us/sync/troubleshoot-sync.md</a>",
    );
    assert_contains(&html, "<a href=\"../../\">nl-nl</a>");
    assert_contains(
        &html,
        "<link rel=\"stylesheet\" href=\"../../../../_static/css/l10n.css\">",
    );
}

#[test]
fn status_indexes_link_every_review_and_stay_out_of_the_sitemap() {
    let site = built_sync_site();
    let all = site.read("output/_l10n/index.html");
    assert_contains(&all, "<meta name=\"robots\" content=\"noindex, nofollow\">");
    assert_contains(
        &all,
        "<a href=\"nl-nl/sync/troubleshoot-sync/\">sync/troubleshoot-sync.md</a>",
    );
    assert_contains(
        &all,
        "<td data-sort=\"nl-nl\"><a href=\"nl-nl/\">Nederlands</a> <code>nl-nl</code></td>",
    );
    // 6 source articles: index and the MT article translated, 4 missing.
    assert_contains(
        &all,
        "<td class=\"num\" data-sort=\"4\">4 <span class=\"pct\">(66.7%)</span></td>",
    );
    let nl = site.read("output/_l10n/nl-nl/index.html");
    assert_contains(&nl, "<html lang=\"nl-NL\"");
    assert_contains(&nl, "<h1>Vertaalstatus</h1>");
    assert_contains(&nl, "<a href=\"sync/troubleshoot-sync/\">sync/troubleshoot-sync.md</a>");
    // A missing article has no review page, only its published (fallback) page.
    assert_contains(
        &nl,
        "<td data-sort=\"sync/faq.md\">sync/faq.md <a class=\"l10n-read\" href=\"../../nl-nl/sync/faq/\"",
    );
    assert_contains(&nl, "<span class=\"l10n-badge state-missing\"");
    assert!(site.exists("output/_static/js/l10n.js"));

    let sitemap = site.read("output/sitemap.xml");
    assert_not_contains(&sitemap, "_l10n");
}

const SEGMENTED_EN: &str = "---\ntitle: Pause sync\n---\n# Pause sync\n\nA paused channel keeps its files. See [the policies](policies.md).\n\n## Resume\n\nSelect **Resume** to send changes again.\n";
const SEGMENTED_NL: &str = "---\ntitle: Synchronisatie pauzeren\nms.translationtype: HT\n---\n# <a name=\"pause-sync\"></a><span data-ttu-id=\"7a1f3-101\">Synchronisatie pauzeren</span><span class=\"sxs-lookup\"><span data-stu-id=\"7a1f3-101\">Pause sync</span></span>\n\n<span data-ttu-id=\"7a1f3-102\">Een gepauzeerd kanaal behoudt de bestanden.</span><span class=\"sxs-lookup\"><span data-stu-id=\"7a1f3-102\">A paused channel keeps its files.</span></span> <span data-ttu-id=\"7a1f3-103\">Zie [het beleid](policies.md).</span><span class=\"sxs-lookup\"><span data-stu-id=\"7a1f3-103\">See [the policies](policies.md).</span></span>\n\n## <a name=\"resume\"></a><span data-ttu-id=\"7a1f3-104\">Hervatten</span><span class=\"sxs-lookup\"><span data-stu-id=\"7a1f3-104\">Resume</span></span>\n\n<span data-ttu-id=\"7a1f3-105\">Selecteer **Hervatten** om weer wijzigingen te verzenden.</span><span class=\"sxs-lookup\"><span data-stu-id=\"7a1f3-105\">Select **Resume** to send changes again.</span></span>\n";

#[test]
fn review_sections_written_by_polydoc_are_the_template_loops() {
    // Findings with and without a column, a changed anchor, sections only
    // on one side, escaped text; then segments.
    let site = built_sync_site();
    assert!(assert_review_markup_is_the_template_loop(&site) >= 3);
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/pause.md", SEGMENTED_EN),
        ("articles/nl-nl/pause.md", SEGMENTED_NL),
        (
            "articles/en-us/policies.md",
            &article("Policies <&> \"quoted\"", "# Policies\n"),
        ),
        (
            "articles/nl-nl/policies.md",
            &article("Beleid <&> 'x'", "# Beleid & <regels>\n\nTekst.\n"),
        ),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    let html = site.read("output/_l10n/nl-nl/pause/index.html");
    assert_contains(&html, "<tr data-segment=\"7a1f3-101\">");
    assert!(assert_review_markup_is_the_template_loop(&site) >= 4);
}

#[test]
fn segment_aligned_translation_readers_see_only_the_translation() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/pause.md", SEGMENTED_EN),
        ("articles/nl-nl/pause.md", SEGMENTED_NL),
        ("articles/en-us/policies.md", &article("Policies", "# Policies\n")),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(r.errors().is_empty(), "{r}");

    let page = site.read("output/nl-nl/pause/index.html");
    let content = article_html(&page);
    for english in [
        "Pause sync",
        "A paused channel",
        "the policies",
        "Resume<",
        "send changes",
        "sxs-lookup",
        "<!--",
    ] {
        assert_not_contains(content, english);
    }
    assert_contains(
        content,
        "<h1 id=\"pause-sync\"><span data-ttu-id=\"7a1f3-101\">Synchronisatie pauzeren</span></h1>",
    );
    assert_contains(
        content,
        "<span data-ttu-id=\"7a1f3-103\">Zie <a href=\"../policies/\">het beleid</a>.</span>",
    );
    assert_contains(&page, "<li class=\"toc-l2\"><a href=\"#resume\">Hervatten</a></li>");
    // One link only: the source's copy inside sxs-lookup is not a link of the page.
    assert_eq!(hrefs(content).len(), 1, "{content}");

    let review = site.read("output/_l10n/nl-nl/pause/index.html");
    let rows: Vec<(String, String, String)> =
        Regex::new(r#"<tr data-segment="([^"]+)"><td><code>[^<]*</code><br><span class="l10n-where">:\d+</span></td><td lang="en-US" dir="ltr">([^<]*)</td><td lang="nl-NL" dir="ltr">([^<]*)</td></tr>"#)
            .unwrap()
            .captures_iter(&review)
            .map(|c| (c[1].to_string(), c[2].to_string(), c[3].to_string()))
            .collect();
    assert_eq!(
        rows,
        [
            ("7a1f3-101", "Pause sync", "Synchronisatie pauzeren"),
            (
                "7a1f3-102",
                "A paused channel keeps its files.",
                "Een gepauzeerd kanaal behoudt de bestanden."
            ),
            (
                "7a1f3-103",
                "See [the policies](policies.md).",
                "Zie [het beleid](policies.md)."
            ),
            ("7a1f3-104", "Resume", "Hervatten"),
            (
                "7a1f3-105",
                "Select **Resume** to send changes again.",
                "Selecteer **Hervatten** om weer wijzigingen te verzenden."
            ),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())),
        "{review}"
    );
    assert_eq!(
        section_pairs(&review),
        [
            ("pause-sync".to_string(), "pause-sync".to_string()),
            ("resume".to_string(), "resume".to_string())
        ]
    );
}

#[test]
fn status_rows_reach_a_theme_that_filters_them() {
    // A theme's own status template that changes the rows' markup on its
    // way out gets the rows themselves, not the place they would go.
    let site = sync_site();
    site.write(
        "themes/default/templates/l10n-index.html",
        "{% extends \"base.html\" %}{% block content %}<table>{{ l10n.articles_html | replace(from=\"<tr \", to=\"<tr data-x \") | safe }}</table>{% endblock content %}",
    );
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    let nl = site.read("output/_l10n/nl-nl/index.html");
    assert_contains(&nl, "<tr data-x class=\"state-missing\" data-rel=\"sync/faq.md\">");
    assert_not_contains(&nl, "l10n.articles_html");
    assert_not_contains(&nl, "\u{1}");
}
