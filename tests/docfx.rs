//! DocFX-flavoured Markdown: the exact HTML of every extension, built by the
//! real binary on fixture articles written the way Learn repositories write
//! them, and every error case with its file, line and column.

mod common;

use common::*;

const EN: &[(&str, &str)] = &[("en-us", "English")];
const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];

/// The article's rendered Markdown (its H1 and `<div class="content">`).
fn content(html: &str) -> String {
    article_markdown(html)
}

/// Builds a one-locale site with `files` (paths under articles/en-us/) and
/// returns the JSON report.
fn build(files: &[(&str, &str)]) -> (Site, Report) {
    let site = Site::new(EN);
    for (rel, text) in files {
        site.write(&format!("articles/en-us/{rel}"), text);
    }
    let r = site.json(&["build"]);
    (site, r)
}

fn page(site: &Site, locale: &str, rel: &str) -> String {
    content(&site.read(&format!("output/{}", page_file(locale, rel))))
}

/// `code@line:column` of every diagnostic in `file`.
fn diags_in(r: &Report, file: &str) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.file == file)
        .map(|d| format!("{}@{}:{}", d.code, d.line, d.column))
        .collect()
}

// Alerts ------------------------------------------------------------------

#[test]
fn alerts_of_every_kind_in_the_shapes_real_files_use() {
    let body = "# Alerts\n\n> [!NOTE]\n> Keep the **key** safe.\n\n>[!Tip]\n>No space after the marker.\n\n> [!important]\n> Lower case.\n\n> [!CAUTION]\n> Careful.\n\n> [!WARNING]\n> Danger\nlazy continuation.\n";
    let (site, r) = build(&[("alerts.md", &article("Alerts", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "alerts.md"),
        "<h1 id=\"alerts\">Alerts</h1>\n\
<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>\n<p>Keep the <strong>key</strong> safe.</p>\n</div>\n\
<div class=\"alert alert-tip\" role=\"note\">\n<p class=\"alert-title\">Tip</p>\n<p>No space after the marker.</p>\n</div>\n\
<div class=\"alert alert-important\" role=\"note\">\n<p class=\"alert-title\">Important</p>\n<p>Lower case.</p>\n</div>\n\
<div class=\"alert alert-caution\" role=\"note\">\n<p class=\"alert-title\">Caution</p>\n<p>Careful.</p>\n</div>\n\
<div class=\"alert alert-warning\" role=\"note\">\n<p class=\"alert-title\">Warning</p>\n<p>Danger\nlazy continuation.</p>\n</div>"
    );
}

#[test]
fn alert_labels_come_from_the_locales_theme_strings() {
    let site = Site::new(EN_NL);
    site.write("articles/en-us/a.md", &article("A", "# A\n\n> [!TIP]\n> Text.\n"));
    site.write(
        "articles/nl-nl/a.md",
        &article("A", "# A\n\n> [!TIP]\n> Tekst.\n\n> [!NOTE]\n> Meer.\n"),
    );
    let r = site.json(&["build"]);
    assert!(r.errors().is_empty(), "{r}");
    let nl = page(&site, "nl-nl", "a.md");
    assert_contains(
        &nl,
        &format!("<p class=\"alert-title\">{}</p>", theme_string("nl-nl", "alert_tip")),
    );
    assert_contains(&nl, "<p class=\"alert-title\">Opmerking</p>");
    assert_contains(&page(&site, "en-us", "a.md"), "<p class=\"alert-title\">Tip</p>");
}

#[test]
fn several_markers_in_one_quote_and_alerts_inside_lists() {
    let body = "# A\n\n> Plain quote first.\n> [!NOTE]\n> One.\n> [!WARNING]\n> Two.\n\n1. Step one.\n   > [!TIP]\n   > In the step.\n2. Step two.\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<blockquote>\n<p>Plain quote first.</p>\n</blockquote>\n\
<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>\n<p>One.</p>\n</div>\n\
<div class=\"alert alert-warning\" role=\"note\">\n<p class=\"alert-title\">Warning</p>\n<p>Two.</p>\n</div>\n\
<ol>\n<li>Step one.<div class=\"alert alert-tip\" role=\"note\">\n<p class=\"alert-title\">Tip</p>\n<p>In the step.</p>\n</div>\n</li>\n<li>Step two.</li>\n</ol>"
    );
}

#[test]
fn text_on_the_marker_line_is_kept_with_a_warning() {
    let (site, r) = build(&[("a.md", &article("A", "# A\n\n> [!NOTE] Same line.\n> Next line.\n"))]);
    assert_eq!(diags_in(&r, "articles/en-us/a.md"), ["alert-text@6:3"]);
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>\n<p>Same line.\nNext line.</p>\n</div>"
    );
}

// Divs and video ----------------------------------------------------------

#[test]
fn next_step_action_checklist_and_video() {
    let body = "# A\n\n> [!div class=\"checklist\"]\n> * One\n> * Two\n\n> [!div class=\"nextstepaction\"]\n> [Continue](b.md)\n\n> [!VIDEO https://www.youtube.com/embed/abc]\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("b.md", &article("B", "# B\n"))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"checklist\">\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n</div>\n\
<div class=\"nextstepaction\">\n<p><a href=\"../b/\">Continue</a></p>\n</div>\n\
<div class=\"embeddedvideo\"><iframe src=\"https://www.youtube-nocookie.com/embed/abc\" title=\"Video\" allowfullscreen=\"true\" loading=\"lazy\"></iframe></div>"
    );
}

// Includes ----------------------------------------------------------------

#[test]
fn block_and_inline_includes_with_links_relative_to_the_included_file() {
    let (site, r) = build(&[
        (
            "guide/a.md",
            &article(
                "A",
                "# A\n\n## Steps\n\n[!INCLUDE [shared](../includes/shared.md)]\n\nBefore [!INCLUDE [product](../includes/product.md)] after.\n",
            ),
        ),
        (
            "includes/shared.md",
            "---\ntitle: include file\n---\n### Shared\n\nSee [setup](../guide/b.md), [steps](#steps) and [here](#shared).\n",
        ),
        ("includes/product.md", "Contoso *Relay*  \n"),
        ("guide/b.md", &article("B", "# B\n")),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "guide/a.md"),
        "<h1 id=\"a\">A</h1>\n<h2 id=\"steps\">Steps</h2>\n<h3 id=\"shared\">Shared</h3>\n\
<p>See <a href=\"../b/\">setup</a>, <a href=\"#steps\">steps</a> and <a href=\"#shared\">here</a>.</p>\n\
<p>Before Contoso <em>Relay</em> after.</p>"
    );
    // Include files are not pages.
    assert!(!site.exists("output/en-us/includes/shared/index.html"));
}

#[test]
fn a_broken_link_in_an_include_is_reported_in_the_included_file() {
    let (_, r) = build(&[
        ("a.md", &article("A", "# A\n\n[!INCLUDE [x](includes/x.md)]\n")),
        ("b.md", &article("B", "# B\n\n[!INCLUDE [x](includes/x.md)]\n")),
        ("includes/x.md", "Intro.\n\nSee [gone](../gone.md).\n"),
    ]);
    // Reported once, at the link in the include, though two pages include it.
    let d = r.one("link-missing-file");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("articles/en-us/includes/x.md", 3, 5)
    );
}

#[test]
fn nested_includes_and_the_translation_falls_back_to_the_source_include() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        (
            "articles/en-us/a.md",
            &article("A", "# A\n\n[!INCLUDE [outer](includes/outer.md)]\n"),
        ),
        (
            "articles/en-us/includes/outer.md",
            "Outer.\n\n[!INCLUDE [inner](inner.md)]\n",
        ),
        ("articles/en-us/includes/inner.md", "Inner (English).\n"),
        (
            "articles/nl-nl/a.md",
            &article("A", "# A\n\n[!INCLUDE [outer](includes/outer.md)]\n"),
        ),
        (
            "articles/nl-nl/includes/outer.md",
            "Buiten.\n\n[!INCLUDE [inner](inner.md)]\n",
        ),
    ]);
    let r = site.json(&["build"]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>Outer.</p>\n<p>Inner (English).</p>"
    );
    assert_eq!(
        page(&site, "nl-nl", "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>Buiten.</p>\n<p>Inner (English).</p>"
    );
}

#[test]
fn include_errors_missing_cycle_and_outside_the_site() {
    let (site, r) = build(&[
        (
            "a.md",
            &article(
                "A",
                "# A\n\n[!INCLUDE [gone](includes/gone.md)]\n\n[!INCLUDE [loop](includes/one.md)]\n\nText [!INCLUDE [x](../../../../secret.md)] here.\n",
            ),
        ),
        ("includes/one.md", "One.\n\n[!INCLUDE [two](two.md)]\n"),
        ("includes/two.md", "Two [!INCLUDE [one](one.md)].\n"),
    ]);
    let missing = r.one("include-missing");
    assert_eq!(
        (missing.file.as_str(), missing.line, missing.column),
        ("articles/en-us/a.md", 6, 18)
    );
    let cycle = r.one("include-cycle");
    assert_eq!(
        (cycle.file.as_str(), cycle.line, cycle.column),
        ("articles/en-us/includes/two.md", 1, 21)
    );
    assert_eq!(
        cycle.message,
        "include cycle: articles/en-us/a.md -> articles/en-us/includes/one.md -> articles/en-us/includes/two.md -> articles/en-us/includes/one.md"
    );
    let outside = r.one("include-outside");
    assert_eq!((outside.line, outside.column), (10, 20));
    assert_eq!(r.code(), 1);
    // What could not be included is shown, not dropped.
    let html = page(&site, "en-us", "a.md");
    assert_contains(&html, "<p>[!INCLUDE [gone](includes/gone.md)]</p>");
    assert_contains(&html, "<p>Text [!INCLUDE [x](../../../../secret.md)] here.</p>");
}

// Images ------------------------------------------------------------------

#[test]
fn image_extension_content_icon_complex_border_lightbox_link() {
    let body = "# A\n\n:::image type=\"content\" source=\"media/a.png\" alt-text=\"A chart\":::\n\n:::image source=\"media/a.png\" alt-text=\"No border\" border=\"false\" lightbox=\"media/big.png\":::\n\n:::image type=\"icon\" source=\"media/i.svg\":::\n\n:::image source=\"media/a.png\" alt-text=\"Linked\" link=\"b.md\":::\n\n:::image type=\"complex\" source=\"media/a.png\" alt-text=\"Sales\":::\nSales **doubled** in May.\n:::image-end:::\n\n| Role | Admin |\n|---|---|\n| Delete | :::image type=\"icon\" source=\"media/i.svg\"::: |\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        ("b.md", &article("B", "# B\n")),
        ("media/a.png", "png"),
        ("media/big.png", "png"),
        ("media/i.svg", "<svg/>"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n\
<p class=\"image\"><span class=\"mx-imgBorder\"><img src=\"../media/a.png\" alt=\"A chart\"></span></p>\n\
<p class=\"image\"><a href=\"../media/big.png\" class=\"lightbox\"><img src=\"../media/a.png\" alt=\"No border\"></a></p>\n\
<p class=\"image\"><img src=\"../media/i.svg\" alt=\"\" role=\"presentation\"></p>\n\
<p class=\"image\"><span class=\"mx-imgBorder\"><a href=\"../b/\"><img src=\"../media/a.png\" alt=\"Linked\"></a></span></p>\n\
<p class=\"image\"><span class=\"mx-imgBorder\"><img src=\"../media/a.png\" alt=\"Sales\" aria-describedby=\"image-description-1\"></span></p>\n\
<div id=\"image-description-1\" class=\"visually-hidden\">\n<p>Sales <strong>doubled</strong> in May.</p>\n</div>\n\
<table><thead><tr><th>Role</th><th>Admin</th></tr></thead><tbody>\n<tr><td>Delete</td><td><img src=\"../media/i.svg\" alt=\"\" role=\"presentation\"></td></tr>\n</tbody></table>"
    );
}

#[test]
fn image_problems_missing_alt_text_missing_source_broken_source() {
    let body = "# A\n\n:::image source=\"media/a.png\":::\n\n:::image type=\"content\" alt-text=\"x\":::\n\nText :::image source=\"media/gone.png\" alt-text=\"Gone\"::: here.\n";
    let (_, r) = build(&[("a.md", &article("A", body)), ("media/a.png", "png")]);
    assert_eq!(
        diags_in(&r, "articles/en-us/a.md"),
        ["image-alt@6:1", "image-source@8:1", "link-missing-file@10:23"]
    );
    assert_eq!(r.one("image-alt").severity, "warning");
}

// Code snippets -----------------------------------------------------------

const APP_CS: &str = "using System;\n\nclass App\n{\n    // <greet>\n    void Greet()\n    {\n        // <inner>\n        Console.WriteLine(\"hi\");\n        // </inner>\n    }\n    // </greet>\n\n    #region Helper\n    int Two() => 2;\n    #endregion\n}\n";

#[test]
fn code_snippets_by_id_range_region_and_line_fragment() {
    let body = "# A\n\n:::code language=\"text\" source=\"snippets/app.cs\" id=\"greet\" highlight=\"2\":::\n\n:::code language=\"text\" source=\"snippets/app.cs\" range=\"1,3-4\":::\n\n[!code-text[helper](snippets/app.cs#Helper \"Helper\")]\n\n[!code-text[](snippets/app.cs#L3-L4)]\n\n[!code-text[](snippets/app.cs?range=15&dedent=2)]\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("snippets/app.cs", APP_CS)]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n\
<pre class=\"code\" data-lang=\"text\"><code class=\"lang-text\" data-highlight-lines=\"2\">void Greet()\n{\n    Console.WriteLine(&quot;hi&quot;);\n}\n</code><span class=\"hl-lines\" aria-hidden=\"true\" style=\"--from:2;--to:2\"></span></pre>\n\
<pre class=\"code\" data-lang=\"text\"><code class=\"lang-text\">using System;\nclass App\n{\n</code></pre>\n\
<pre class=\"code\" data-lang=\"text\"><code class=\"lang-text\" data-name=\"helper\" title=\"Helper\">int Two() =&gt; 2;\n</code></pre>\n\
<pre class=\"code\" data-lang=\"text\"><code class=\"lang-text\">class App\n{\n</code></pre>\n\
<pre class=\"code\" data-lang=\"text\"><code class=\"lang-text\">  int Two() =&gt; 2;\n</code></pre>"
    );
}

#[test]
fn code_snippets_are_highlighted_like_fenced_code() {
    let body = "# A\n\n:::code source=\"snippets/app.cs\" id=\"greet\":::\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("snippets/app.cs", APP_CS)]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "en-us", "a.md");
    assert_contains(
        &html,
        "<pre class=\"code\" data-lang=\"csharp\"><code class=\"lang-csharp\">",
    );
    assert_contains(&html, "<span class=\"hl-");
}

#[test]
fn code_snippet_errors_bad_range_missing_file_missing_region() {
    let body = "# A\n\n:::code source=\"snippets/app.cs\" range=\"5-2\":::\n\n:::code source=\"snippets/app.cs\" range=\"40-45\":::\n\n:::code source=\"snippets/gone.cs\":::\n\n[!code-csharp[](snippets/app.cs#nothere)]\n\n:::code language=\"csharp\":::\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("snippets/app.cs", APP_CS)]);
    assert_eq!(
        diags_in(&r, "articles/en-us/a.md"),
        [
            "code-range@6:41",
            "code-range@8:41",
            "code-missing@10:17",
            "code-region@12:33",
            "code-source@14:1"
        ]
    );
    assert!(r.with_code("code-range")[0].message.contains("ends before it starts"));
    assert!(r.with_code("code-range")[1]
        .message
        .contains("past the end (the code has 17 lines)"));
    // A file that cannot be read leaves a note, not the syntax; a snippet
    // written wrong (no source) is shown as written.
    let html = page(&site, "en-us", "a.md");
    assert_contains(
        &html,
        "<p class=\"code-unavailable\">This code sample is not available in this build: <code>gone.cs</code></p>",
    );
    assert_contains(&html, "<p>:::code language=\"csharp\":::</p>");
}

// Tabs --------------------------------------------------------------------

#[test]
fn tab_groups_render_every_tab_and_end_at_a_rule() {
    let body = "# A\n\n# [Windows](#tab/windows)\n\nRun **setup.exe**.\n\n# <a name=\"linux-tab\"></a>[Linux](#tab/linux)\n\nRun `setup.sh`.\n\n---\n\nAfter the tabs.\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n\
<div class=\"tabGroup\" id=\"tabgroup_1\" data-tab-ids=\"windows linux\">\n<div class=\"tab-list\" role=\"tablist\" hidden>\n\
<button type=\"button\" role=\"tab\" id=\"tab_1_windows\" aria-controls=\"tabpanel_1_windows\" data-tab=\"windows\" aria-selected=\"true\" tabindex=\"0\">Windows</button>\n\
<button type=\"button\" role=\"tab\" id=\"tab_1_linux\" aria-controls=\"tabpanel_1_linux\" data-tab=\"linux\" aria-selected=\"false\" tabindex=\"-1\">Linux</button>\n</div>\n\
<section class=\"tab-panel\" id=\"tabpanel_1_windows\" role=\"tabpanel\" aria-labelledby=\"tab_1_windows\" data-tab=\"windows\">\n<p class=\"tab-label\">Windows</p>\n<p>Run <strong>setup.exe</strong>.</p>\n</section>\n\
<section class=\"tab-panel\" id=\"tabpanel_1_linux\" role=\"tabpanel\" aria-labelledby=\"tab_1_linux\" data-tab=\"linux\">\n<p class=\"tab-label\"><a name=\"linux-tab\"></a>Linux</p>\n<p>Run <code>setup.sh</code>.</p>\n</section>\n</div>\n\
<p>After the tabs.</p>"
    );
}

#[test]
fn a_link_to_a_tab_anchor_is_a_valid_target() {
    let body = "# A\n\nSee [Linux](#linux-tab).\n\n# <a name=\"linux-tab\"></a>[Linux](#tab/linux)\n\nText.\n";
    let (_, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
}

// Zones, monikers, rows and columns ---------------------------------------

#[test]
fn zones_and_monikers() {
    let body = "# A\n\n::: zone pivot=\"cli,portal\"\n## CLI steps\nRun it.\n::: zone-end\n\n:::moniker range=\">= relay-2.0\"\nVersion two.\n:::moniker-end\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"zone has-pivot\" data-pivot=\"cli portal\">\n<h2 id=\"cli-steps\">CLI steps</h2>\n<p>Run it.</p>\n</div>\n\
<div class=\"moniker\" data-moniker=\"&gt;= relay-2.0\" data-monikers=\"relay-2.0\">\n<p>Version two.</p>\n</div>"
    );
}

#[test]
fn zone_errors_unclosed_nested_and_unmatched_end() {
    let body = "# A\n\n:::zone pivot=\"a\"\n:::zone pivot=\"b\"\nText.\n:::zone-end\n\n:::moniker-end\n\n:::zone pivot=\"**\"\nNever closed.\n";
    let (_, r) = build(&[("a.md", &article("A", body))]);
    assert_eq!(
        diags_in(&r, "articles/en-us/a.md"),
        [
            "docfx-container@6:1",
            "docfx-container@7:1",
            "docfx-container@11:1",
            "docfx-container@13:1",
            "docfx-container@13:1",
            "docfx-syntax@13:16"
        ]
    );
}

#[test]
fn rows_and_columns_dedent_their_content() {
    let body = "# A\n\n:::row:::\n   :::column span=\"2\":::\n      **Wide.**\n\n      Second paragraph.\n   :::column-end:::\n   :::column:::\n      Narrow.\n   :::column-end:::\n:::row-end:::\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<section class=\"row\">\n<div class=\"column span2\">\n<p><strong>Wide.</strong></p>\n<p>Second paragraph.</p>\n</div>\n<div class=\"column\">\n<p>Narrow.</p>\n</div>\n</section>"
    );
}

// Unknown extensions and real-file shapes -----------------------------------

#[test]
fn unknown_extensions_warn_with_position_and_show_as_text() {
    let body = "# A\n\n:::sidebar title=\"x\":::\n\nUse [!KEYBOARD Ctrl] to copy.\n\n> [!TODO]\n> Later.\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert_eq!(
        diags_in(&r, "articles/en-us/a.md"),
        ["docfx-unknown@6:1", "docfx-unknown@8:5", "docfx-unknown@10:3"]
    );
    assert!(r.warnings().len() == 3 && r.errors().is_empty(), "{r}");
    assert_eq!(
        page(&site, "en-us", "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>:::sidebar title=\"x\":::</p>\n<p>Use [!KEYBOARD Ctrl] to copy.</p>\n<blockquote>\n<p>[!TODO]\nLater.</p>\n</blockquote>"
    );
}

#[test]
fn real_file_shapes_indented_fences_inline_triple_backticks_and_code_examples() {
    let body = "# A\n\n1. Run:\n\n    ```bash\n    az login\n    ```\n\n1. Then:\n\n      ```json\n      {}\n      ```\n\nType ```az login``` first.\n\n```text\n> [!NOTE]\n> Shown as code.\n[!INCLUDE [x](nowhere.md)]\n```\n\n    :::image source=\"x.png\":::\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "en-us", "a.md");
    assert_contains(&html, "<li>\n<p>Run:</p>\n<pre class=\"code\" data-lang=\"bash\">");
    assert_contains(&html, "<p>Type <code>az login</code> first.</p>");
    assert_contains(
        &html,
        "<code class=\"lang-text\">&gt; [!NOTE]\n&gt; Shown as code.\n[!INCLUDE [x](nowhere.md)]\n</code>",
    );
    assert_contains(
        &html,
        "<pre class=\"code\"><code>:::image source=&quot;x.png&quot;:::\n</code></pre>",
    );
}

#[test]
fn raw_html_passes_through_and_front_matter_is_escaped() {
    let (site, r) = build(&[(
        "a.md",
        "---\ntitle: Tom & <Jerry>\ndescription: \"<script>x</script>\"\n---\n# A\n\n<div class=\"custom\"><b>raw</b></div>\n",
    )]);
    assert!(r.errors().is_empty(), "{r}");
    let full = site.read("output/en-us/a/index.html");
    assert_contains(&full, "<title>Tom &amp; &lt;Jerry&gt; | ");
    assert_contains(&full, "content=\"&lt;script&gt;x&lt;/script&gt;\"");
    assert_contains(&content(&full), "<div class=\"custom\"><b>raw</b></div>");
}

// Zone pivots ---------------------------------------------------------------

const PIVOT_GROUPS: &str = "groups:\n- id: relay-tools\n  title: Tools\n  prompt: Choose a tool\n  pivots:\n  - id: cli\n    title: Relay CLI\n  - id: portal\n    title: Portal\n";

#[test]
fn zone_pivot_groups_give_a_selector_and_unknown_pivots_are_reported() {
    let body = "# A\n\n:::zone pivot=\"cli\"\nUse the CLI.\n:::zone-end\n\n:::zone pivot=\"portal,powershell\"\nUse the portal.\n:::zone-end\n";
    let site = Site::new(EN);
    site.write_all(&[
        ("articles/en-us/zone-pivot-groups.yml", PIVOT_GROUPS),
        (
            "articles/en-us/a.md",
            &format!("---\ntitle: A\nzone_pivot_groups: relay-tools\n---\n{body}"),
        ),
        (
            "articles/en-us/b.md",
            "---\ntitle: B\nzone_pivot_groups: nothere\n---\n# B\n",
        ),
    ]);
    let r = site.json(&["build"]);
    assert_eq!(diags_in(&r, "articles/en-us/a.md"), ["pivots@11:16"], "{r}");
    let unknown = r
        .with_code("pivots")
        .into_iter()
        .find(|d| d.file == "articles/en-us/a.md")
        .unwrap();
    assert_eq!(
        unknown.message,
        "pivot `powershell` is not in zone pivot group `relay-tools`"
    );
    assert_eq!(diags_in(&r, "articles/en-us/b.md"), ["pivots@1:1"]);
    let html = site.read("output/en-us/a/index.html");
    assert_contains(
        &html,
        "<div class=\"pivot-selector\" data-pivot-group=\"relay-tools\" hidden>\n        <label for=\"pd-pivot\">Choose a tool</label>\n        <select id=\"pd-pivot\">\n          <option value=\"cli\">Relay CLI</option>\n          <option value=\"portal\">Portal</option>\n        </select>\n      </div>",
    );
    assert_contains(&html, "<div class=\"zone has-pivot\" data-pivot=\"portal powershell\">");
}

// A Learn-shaped translation using everything at once -----------------------

const RELAY_EN: &str = "---\ntitle: Rotate Relay keys\nms.date: 02/11/2022\nms.topic: how-to\nms.custom:\n- \"7001\"\n---\n# Rotate Relay keys\n\n[!INCLUDE [availability](../includes/availability.md)]\n\n## Before you begin\n\n> [!IMPORTANT]\n> Rotate one key at a time.\n\n:::image type=\"content\" source=\"media/keys.png\" alt-text=\"The keys page of the Relay portal\":::\n\n> [!VIDEO https://www.youtube.com/embed/relaykeys]\n\n## Rotate the key\n\n1. Open **Keys**.\n1. Select **Rotate**.\n\n    > [!NOTE]\n    > The old key works for one hour.\n\n> [!div class=\"nextstepaction\"]\n> [Monitor Relay](monitor.md)\n";

const RELAY_NL: &str = "---\ntitle: Relay-sleutels vervangen\nms.date: 02/11/2022\nms.topic: how-to\nms.custom:\n- \"7001\"\nms.translationtype: MT\nms.contentlocale: nl-NL\n---\n# <a name=\"rotate-relay-keys\"></a>Relay-sleutels vervangen\n\n[!INCLUDE [availability](../includes/availability.md)]\n\n## <a name=\"before-you-begin\"></a>Voordat u begint\n\n> [!IMPORTANT]\n> Vervang één sleutel tegelijk.\n\n:::image type=\"content\" source=\"media/keys.png\" alt-text=\"De sleutelpagina van de Relay-portal\":::\n\n> [!VIDEO https://www.youtube.com/embed/relaykeys]\n\n## <a name=\"rotate-the-key\"></a>De sleutel vervangen\n\n1. Open **Sleutels**.\n1. Selecteer **Vervangen**.\n\n    > [!NOTE]\n    > De oude sleutel werkt nog een uur.\n\n> [!div class=\"nextstepaction\"]\n> [Relay bewaken](monitor.md)\n";

#[test]
fn a_learn_shaped_translation_with_includes_alerts_images_video_and_next_steps() {
    let site = Site::new(EN_NL);
    site.write_all(&[
        ("articles/en-us/admin/rotate-keys.md", RELAY_EN),
        ("articles/nl-nl/admin/rotate-keys.md", RELAY_NL),
        (
            "articles/en-us/admin/monitor.md",
            &article("Monitor Relay", "# Monitor Relay\n"),
        ),
        ("articles/en-us/admin/media/keys.png", "png"),
        (
            "articles/en-us/includes/availability.md",
            "> [!NOTE]\n> Key rotation is available in every [region](../admin/monitor.md#regions).\n",
        ),
        (
            "articles/nl-nl/includes/availability.md",
            "> [!NOTE]\n> Sleutels vervangen kan in elke [regio](../admin/monitor.md).\n",
        ),
    ]);
    let r = site.json(&["build"]);
    // The English include links to an anchor the monitor page lacks: reported once, in the include.
    let d = r.one("link-anchor");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("articles/en-us/includes/availability.md", 2, 38)
    );
    assert_eq!(r.diagnostics.len(), 1, "{r}");
    let nl = content(&site.read("output/nl-nl/admin/rotate-keys/index.html"));
    assert_eq!(
        nl,
        "<h1 id=\"rotate-relay-keys\">Relay-sleutels vervangen</h1>\n\
<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Opmerking</p>\n<p>Sleutels vervangen kan in elke <a href=\"../monitor/\">regio</a>.</p>\n</div>\n\
<h2 id=\"before-you-begin\">Voordat u begint</h2>\n\
<div class=\"alert alert-important\" role=\"note\">\n<p class=\"alert-title\">Belangrijk</p>\n<p>Vervang één sleutel tegelijk.</p>\n</div>\n\
<p class=\"image\"><span class=\"mx-imgBorder\"><img src=\"../../../en-us/admin/media/keys.png\" alt=\"De sleutelpagina van de Relay-portal\"></span></p>\n\
<div class=\"embeddedvideo\"><iframe src=\"https://www.youtube-nocookie.com/embed/relaykeys\" title=\"Video\" allowfullscreen=\"true\" loading=\"lazy\"></iframe></div>\n\
<h2 id=\"rotate-the-key\">De sleutel vervangen</h2>\n\
<ol>\n<li>\n<p>Open <strong>Sleutels</strong>.</p>\n</li>\n<li>\n<p>Selecteer <strong>Vervangen</strong>.</p>\n<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Opmerking</p>\n<p>De oude sleutel werkt nog een uur.</p>\n</div>\n</li>\n</ol>\n\
<div class=\"nextstepaction\">\n<p><a href=\"../monitor/\">Relay bewaken</a></p>\n</div>"
    );
}
