//! Learn fidelity: pages render as Microsoft Learn renders them, in the
//! shapes real Learn repositories are written in (CRLF line ends, DocFX
//! syntax indented under list items, comments that hold DocFX syntax, raw
//! HTML). Every fixture is our own; each test builds a site with the real
//! binary and checks the article's HTML and the diagnostics.

mod common;

use common::*;

const EN: &[(&str, &str)] = &[("en-us", "English")];

/// The article's rendered Markdown (its H1 and `<div class="content">`).
fn content(html: &str) -> String {
    article_markdown(html)
}

fn build_with(config_extra: &str, files: &[(&str, &str)]) -> (Site, Report) {
    let site = Site::new(EN);
    if !config_extra.is_empty() {
        let toml = site.read("polydoc.toml");
        site.write("polydoc.toml", &format!("{toml}\n{config_extra}\n"));
    }
    for (rel, text) in files {
        site.write(&format!("articles/en-us/{rel}"), text);
    }
    let r = site.json(&["build"]);
    (site, r)
}

fn build(files: &[(&str, &str)]) -> (Site, Report) {
    build_with("", files)
}

fn page(site: &Site, rel: &str) -> String {
    content(&site.read(&format!("output/{}", page_file("en-us", rel))))
}

/// `code@line:column` of every diagnostic.
fn diags(r: &Report) -> Vec<String> {
    r.diagnostics
        .iter()
        .map(|d| format!("{}@{}:{}", d.code, d.line, d.column))
        .collect()
}

// 1. Comments ---------------------------------------------------------------

#[test]
fn a_comment_holding_docfx_syntax_is_one_comment_and_not_published() {
    let body = "# A\n\n<!--\n>[!Note]\n>Draft note.\n:::image type=\"content\" source=\"x.png\" alt-text=\"X\":::\n[!INCLUDE [x](missing.md)]\n-->\n\nShown after the comment.\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>Shown after the comment.</p>"
    );
}

// CRLF line ends (most Learn repositories are checked out with them) -------

#[test]
fn crlf_files_render_alerts_includes_and_images() {
    let body = "# A\r\n\r\n> [!WARNING]\r\n> Careful.\r\n\r\n[!INCLUDE [shared](includes/shared.md)]\r\n\r\n:::image type=\"content\" source=\"pic.png\" alt-text=\"Pic\":::\r\n";
    let (site, r) = build(&[
        (
            "a.md",
            &article("A", body)
                .replace("---\n", "---\r\n")
                .replace("title: A\n", "title: A\r\n"),
        ),
        ("includes/shared.md", "Shared text.\r\n"),
        ("pic.png", "png"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"alert alert-warning\" role=\"note\">\n<p class=\"alert-title\">Warning</p>\n<p>Careful.</p>\n</div>\n<p>Shared text.</p>\n<p class=\"image\"><span class=\"mx-imgBorder\"><img src=\"../pic.png\" alt=\"Pic\"></span></p>"
    );
}

// 2. Indented containers ----------------------------------------------------

#[test]
fn docfx_blocks_indented_in_list_items_and_with_a_leading_space() {
    let body = "# A\n\n1. First step.\n\n    :::image type=\"content\" source=\"pic.png\" alt-text=\"Step one\":::\n\n2. Second step.\n\n     :::code language=\"text\" source=\"snippet.txt\":::\n\n ::: moniker range=\"v2\"\nFor version 2.\n ::: moniker-end\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        ("pic.png", "png"),
        ("snippet.txt", "hello\n"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "a.md");
    assert_contains(
        &html,
        "<li>\n<p>First step.</p>\n<p class=\"image\"><span class=\"mx-imgBorder\"><img src=\"../pic.png\" alt=\"Step one\"></span></p>\n</li>",
    );
    assert_contains(&html, "<li>\n<p>Second step.</p>\n<pre class=\"code\"");
    assert_contains(&html, "<p>For version 2.</p>");
    assert_not_contains(&html, ":::");
}

// 3. Linked images in quotes and alerts ------------------------------------

#[test]
fn a_linked_image_in_a_quote_or_alert_is_an_image() {
    let body =
        "# A\n\n> [![Diagram](pic.png)](pic.png#lightbox)\n\n> [!NOTE]\n> [![Diagram](pic.png)](pic.png#lightbox)\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("pic.png", "png")]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<blockquote>\n<p><a href=\"../pic.png#lightbox\"><img src=\"../pic.png\" alt=\"Diagram\"></a></p>\n</blockquote>\n\
<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>\n<p><a href=\"../pic.png#lightbox\"><img src=\"../pic.png\" alt=\"Diagram\"></a></p>\n</div>"
    );
}

// 5. Autolinks --------------------------------------------------------------

#[test]
fn bare_urls_become_links_as_markdig_makes_them() {
    let body = "# A\n\nSee https://contoso.example/docs?a=1&b=2. Or www.contoso.example, (https://contoso.example/x_(y)).\n\nNot in `https://code.example` nor [https://text.example](b.md).\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("b.md", &article("B", "# B\n"))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>See <a href=\"https://contoso.example/docs?a=1&amp;b=2\">https://contoso.example/docs?a=1&amp;b=2</a>. Or <a href=\"http://www.contoso.example\">www.contoso.example</a>, (<a href=\"https://contoso.example/x_(y)\">https://contoso.example/x_(y)</a>).</p>\n\
<p>Not in <code>https://code.example</code> nor <a href=\"../b/\">https://text.example</a>.</p>"
    );
    // They are links like any other: in the report, with their position.
    let first = r.json["external_links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == "https://contoso.example/docs?a=1&b=2")
        .expect("the bare URL is an external link");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(6), Some(5)));
}

// 10. Text that looks like HTML or DocFX -------------------------------------

#[test]
fn generic_types_in_running_text_stay_text() {
    let body = "# A\n\nReturns ServiceFuture<String> or Task<T>, wrapped in <em>emphasis</em>.\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>Returns ServiceFuture&lt;String&gt; or Task&lt;T&gt;, wrapped in <em>emphasis</em>.</p>"
    );
}

// Raw HTML ------------------------------------------------------------------

const UNSAFE: &str = "# A\n\n<div class=\"box\" onclick=\"steal()\" style=\"color:red\">\n<script>\nsteal();\n</script>\n<a href=\"javascript:steal()\">Go</a>\n</div>\n\nText <span onmouseover=\"x()\">here</span><style>p{}</style> ends.\n";

#[test]
fn raw_html_loses_scripts_styles_and_handlers_with_a_warning_each() {
    let (site, r) = build(&[("a.md", &article("A", UNSAFE))]);
    assert_eq!(
        diags(&r),
        [
            "html-removed@6:18",
            "html-removed@6:36",
            "html-removed@7:1",
            "html-removed@10:4",
            "html-removed@13:12",
            "html-removed@13:41"
        ]
    );
    assert!(r
        .diagnostics
        .iter()
        .all(|d| d.severity == "warning" && d.file == "articles/en-us/a.md"));
    assert!(r.diagnostics[0].message.contains("`onclick=`"), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"box\">\n\n<a>Go</a>\n</div>\n<p>Text <span>here</span> ends.</p>"
    );
}

#[test]
fn trust_html_publishes_raw_html_as_written() {
    let (site, r) = build_with("[markdown]\ntrust_html = true", &[("a.md", &article("A", UNSAFE))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "a.md");
    assert_contains(
        &html,
        "<div class=\"box\" onclick=\"steal()\" style=\"color:red\">\n<script>\nsteal();\n</script>",
    );
    assert_contains(&html, "<a href=\"javascript:steal()\">Go</a>");
}

// 4. Tabs ---------------------------------------------------------------------

#[test]
fn tab_panels_carry_docfx_anchor_names_that_links_can_use() {
    let body = "# A\n\n# [Linux](#tab/linux)\n\nOn Linux.\n\n# [.NET](#tab/dotnet/linux)\n\n.NET on Linux.\n\n---\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        (
            "b.md",
            &article(
                "B",
                "# B\n\nSee [Linux](a.md#tabpanel_1_linux) and [.NET](a.md#tabpanel_1_dotnet_linux).\n",
            ),
        ),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "a.md");
    assert_contains(&html, "<div class=\"tabGroup\" id=\"tabgroup_1\"");
    assert_contains(
        &html,
        "<button type=\"button\" role=\"tab\" id=\"tab_1_linux\" aria-controls=\"tabpanel_1_linux\" data-tab=\"linux\"",
    );
    assert_contains(
        &html,
        "<section class=\"tab-panel\" id=\"tabpanel_1_linux\" role=\"tabpanel\" aria-labelledby=\"tab_1_linux\"",
    );
    assert_contains(&html, "<section class=\"tab-panel\" id=\"tabpanel_1_dotnet_linux\"");
    assert_contains(&page(&site, "b.md"), "<a href=\"../a/#tabpanel_1_linux\">Linux</a>");
}

// 8. Code snippets ------------------------------------------------------------

/// The text of every `<code>` element, tags removed and entities decoded.
fn code_texts(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?s)<code[^>]*>(.*?)</code>").unwrap();
    let tags = regex::Regex::new(r"<[^>]+>").unwrap();
    re.captures_iter(html)
        .map(|c| {
            tags.replace_all(&c[1], "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn code_snippet_query_forms_and_tags_in_every_comment_style() {
    let body = "# A\n\n\
[!code-csharp[](src/app.cs?name=Setup)]\n\n\
[!code-csharp[](src/app.cs?range=1-2)]\n\n\
[!code-csharp[](src/app.cs?highlight=2#Setup)]\n\n\
[!code-csharp[](src/app.cs?dedent=2&name=Setup)]\n\n\
[!code-vb[](src/app.vb#Main)]\n\n\
[!code-cpp[](src/app.cpp#Init)]\n\n\
[!code-css[](src/site.css#Colors)]\n\n\
[!code-fsharp[](src/app.fs#Fold)]\n\n\
[!code-sql[](src/q.sql#Query)]\n\n\
[!code-xml[](src/app.config#Settings)]\n\n\
[!code-powershell[](src/run.ps1#Run)]\n\n\
[!code-batch[](src/run.cmd#Batch)]\n\n\
| Language | Code |\n|---|---|\n| C# | [!code-csharp[](src/app.cs#Setup)] |\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        (
            "src/app.cs",
            "using System;\nclass App {\n    // <Setup>\n    void Setup() {\n      Run();\n    }\n    // </Setup>\n}\n",
        ),
        (
            "src/app.vb",
            "Module M\n#Region \"Main\"\nSub Main()\nEnd Sub\n#End Region\nEnd Module\n",
        ),
        (
            "src/app.cpp",
            "#include <x>\n#pragma region Init\nint init();\n#pragma endregion\n",
        ),
        (
            "src/site.css",
            "body {}\n/* <Colors> */\n.a { color: red; }\n/* </Colors> */\n",
        ),
        ("src/app.fs", "let x = 1\n(* <Fold> *)\nlet y = 2\n(* </Fold> *)\n"),
        ("src/q.sql", "-- <Query>\nSELECT 1;\n-- </Query>\n"),
        (
            "src/app.config",
            "<configuration>\n  <!-- <Settings> -->\n  <add key=\"a\" />\n  <!-- </Settings> -->\n</configuration>\n",
        ),
        ("src/run.ps1", "# <Run>\nWrite-Host hi\n# </Run>\n"),
        ("src/run.cmd", "@echo off\nrem <Batch>\necho hi\nrem </Batch>\n"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "a.md");
    assert_eq!(
        code_texts(&html),
        [
            "void Setup() {\n  Run();\n}\n",
            "using System;\nclass App {\n",
            "void Setup() {\n  Run();\n}\n",
            "  void Setup() {\n    Run();\n  }\n",
            "Sub Main()\nEnd Sub\n",
            "int init();\n",
            ".a { color: red; }\n",
            "let y = 2\n",
            "SELECT 1;\n",
            "<add key=\"a\" />\n",
            "Write-Host hi\n",
            "echo hi\n",
            "void Setup() {\n  Run();\n}\n",
        ]
    );
    // The highlighted line after a query, and the snippet inside the table cell.
    assert_contains(&html, "data-highlight-lines=\"2\"");
    assert!(html.contains("<td><pre class=\"code\""), "{html}");
}

#[test]
fn a_snippet_that_cannot_be_read_is_an_error_and_a_note_not_raw_syntax() {
    let body = "# A\n\n[!code-csharp[](samples/Program.cs?name=List)]\n\n:::code language=\"csharp\" source=\"missing.cs\" id=\"x\":::\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    let codes: Vec<&str> = r.errors().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["code-missing", "code-missing"], "{r}");
    let html = page(&site, "a.md");
    assert_not_contains(&html, "[!code");
    assert_not_contains(&html, ":::");
    assert_contains(
        &html,
        "<p class=\"code-unavailable\">This code sample is not available in this build: <code>Program.cs (List)</code></p>",
    );
    assert_contains(&html, "<code>missing.cs (x)</code>");
}

// 7. Heading IDs ----------------------------------------------------------------

#[test]
fn heading_ids_with_an_include_or_no_loc_are_docfxs() {
    let body = "# [!INCLUDE[](includes/product.md)] Overview\n\n## Sign in to :::no-loc text=\"Contoso Relay\":::\n\n## Set up [!INCLUDE [](includes/product.md)]\n\nSee [it](#-overview), [that](#sign-in-to-contoso-relay) and [this](#set-up-).\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        ("includes/product.md", "Contoso *Relay*\n"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "a.md");
    assert_eq!(
        heading_ids(&html),
        [
            (1, "-overview".to_string()),
            (2, "sign-in-to-contoso-relay".to_string()),
            (2, "set-up-".to_string())
        ]
    );
    assert_contains(&html, "<h1 id=\"-overview\">Contoso <em>Relay</em> Overview</h1>");
}

// 9. Includes in table cells --------------------------------------------------

#[test]
fn includes_in_table_cells_and_inline_includes_of_several_paragraphs() {
    let body = "# A\n\n| Option | Meaning |\n|---|---|\n| `-v` | [!INCLUDE [verbose](includes/verbose.md)] |\n\nBefore [!INCLUDE [two](includes/two.md)] after.\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        ("includes/verbose.md", "Prints **more**.\r\n"),
        ("includes/two.md", "One.\r\n\r\nTwo.\r\n"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<table><thead><tr><th>Option</th><th>Meaning</th></tr></thead><tbody>\n<tr><td><code>-v</code></td><td>Prints <strong>more</strong>.</td></tr>\n</tbody></table>\n<p>Before One.\nTwo. after.</p>"
    );
}

// 10. Tables and unknown extensions ---------------------------------------------

#[test]
fn table_rows_wider_than_the_header_keep_every_cell() {
    let body =
        "# A\n\n| Name | Value |\n|---|:-:|\n| a | 1 | extra |\n| b |\n\nKey | Value\n--- | ---\nk | v | w | z\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<table><thead><tr><th>Name</th><th style=\"text-align: center\">Value</th><th></th></tr></thead><tbody>\n\
<tr><td>a</td><td style=\"text-align: center\">1</td><td>extra</td></tr>\n<tr><td>b</td><td style=\"text-align: center\"></td><td></td></tr>\n</tbody></table>\n\
<table><thead><tr><th>Key</th><th>Value</th><th></th><th></th></tr></thead><tbody>\n<tr><td>k</td><td>v</td><td>w</td><td>z</td></tr>\n</tbody></table>"
    );
}

#[test]
fn form_and_unknown_triple_colon_extensions_stay_visible_with_a_warning() {
    let body = "# A\n\n:::form id=\"survey\":::\n\n:::widget:::\n";
    let (site, r) = build(&[("a.md", &article("A", body))]);
    assert_eq!(diags(&r), ["docfx-unknown@6:1", "docfx-unknown@8:1"]);
    assert!(r.diagnostics.iter().all(|d| d.severity == "warning"));
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>:::form id=\"survey\":::</p>\n<p>:::widget:::</p>"
    );
}

// 12. Monikers --------------------------------------------------------------------

const MONIKERS: &str = "# A\n\n:::moniker range=\">= relay-2.0\"\nThe new way.\n:::moniker-end\n\n:::moniker range=\"< relay-2.0 || =relay-legacy\"\nThe old way.\n:::moniker-end\n";

#[test]
fn a_page_with_monikers_gets_a_version_selector_and_each_block_its_versions() {
    let (site, r) = build(&[("a.md", &article("A", MONIKERS))]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let full = site.read("output/en-us/a/index.html");
    assert_contains(
        &full,
        "<div class=\"pivot-selector moniker-selector\" hidden>\n        <label for=\"pd-moniker\">Version</label>\n        <select id=\"pd-moniker\">\n          <option value=\"lt-relay-2.0\">&lt; relay-2.0</option>\n          <option value=\"relay-2.0\">relay-2.0</option>\n          <option value=\"relay-legacy\">relay-legacy</option>\n        </select>",
    );
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<div class=\"moniker\" data-moniker=\"&gt;= relay-2.0\" data-monikers=\"relay-2.0\">\n<p>The new way.</p>\n</div>\n\
<div class=\"moniker\" data-moniker=\"&lt; relay-2.0 || =relay-legacy\" data-monikers=\"lt-relay-2.0 relay-legacy\">\n<p>The old way.</p>\n</div>"
    );
}

#[test]
fn a_bad_moniker_range_is_an_error_where_it_is_written() {
    let (_site, r) = build(&[(
        "a.md",
        &article("A", "# A\n\n:::moniker range=\">= \"\nx\n:::moniker-end\n"),
    )]);
    assert_eq!(diags(&r), ["docfx-syntax@6:19"]);
}

// 6. Cross references ---------------------------------------------------------------

#[test]
fn xref_forms_resolve_to_the_page_declaring_the_uid_with_its_title() {
    let target = "---\ntitle: Relay client overview\nuid: Contoso.Relay.Client\n---\n# Client\n\n## Connect\n";
    let body = "# A\n\nSee <xref:Contoso.Relay.Client>, [](xref:Contoso.Relay.Client#connect), [the client](xref:Contoso.Relay.Client) and @Contoso.Relay.Client.\nAlso @\"Contoso.Relay.Client\"; mail ops@contoso.example; @Unknown.Thing stays text.\nAnd <xref href=\"Contoso.Relay.Client\" data-throw-if-not-resolved=\"true\"/>.\n\n<xref:Contoso.Relay.Missing>\n";
    let (site, r) = build(&[("a.md", &article("A", body)), ("client.md", target)]);
    assert_eq!(diags(&r), ["link-xref@10:1"], "{r}");
    assert!(r.diagnostics[0]
        .message
        .contains("no article has `uid: Contoso.Relay.Missing`"));
    assert_eq!(
        page(&site, "a.md"),
        "<h1 id=\"a\">A</h1>\n<p>See <a href=\"../client/\">Relay client overview</a>, <a href=\"../client/#connect\">Relay client overview</a>, <a href=\"../client/\">the client</a> and <a href=\"../client/\">Relay client overview</a>.\n\
Also <a href=\"../client/\">Relay client overview</a>; mail ops@contoso.example; @Unknown.Thing stays text.\nAnd <a href=\"../client/\">Relay client overview</a>.</p>\n<p><a href=\"xref:Contoso.Relay.Missing\">Contoso.Relay.Missing</a></p>"
    );
}

// 11. FAQ and Hub pages ------------------------------------------------------------

const FAQ: &str = "### YamlMime:FAQ\nmetadata:\n  title: Relay FAQ\n  description: Questions about Relay.\ntitle: Relay questions\nsummary: |\n  Answers to what people ask. See [setup](setup.md).\nsections:\n  - name: Getting started\n    questions:\n      - question: How do I install Relay?\n        answer: |\n          Run the installer.\n\n          > [!NOTE]\n          > Then read [the guide](setup.md#missing).\n      - question: \"Is Relay.Client free, too?\"\n        answer: Yes, see [pricing](pricing.md).\n";

/// Links to a FAQ's sections and questions as Learn's pages have had
/// them: a name with a `.` also found with the `.` kept (a section) or
/// dropped (a question), a question also with the `-` its closing
/// punctuation left; a link to none of them is still reported.
#[test]
fn faq_sections_and_questions_are_found_by_each_id_learn_has_given_them() {
    let faq = "### YamlMime:FAQ\nmetadata:\n  title: Hub FAQ\ntitle: Hub questions\nsections:\n  - name: Hub.io accounts\n    questions:\n      - question: Can I delete my Hub.io account?\n        answer: Yes.\n";
    let (_, r) = build(&[
        ("faq.yml", faq),
        (
            "links.md",
            &article(
                "Links",
                "# Links\n\n[a](faq.yml#hubio-accounts) [b](faq.yml#hub.io-accounts) [c](faq.yml#can-i-delete-my-hub-io-account) [d](faq.yml#can-i-delete-my-hubio-account) [e](faq.yml#can-i-delete-my-hub-io-account-) [f](faq.yml#hub-io-accounts)\n",
            ),
        ),
    ]);
    assert_eq!(diags(&r), ["link-anchor@6:190"], "{r}");
}

#[test]
fn faq_pages_are_published_with_heading_ids_and_checked_links() {
    let (site, r) = build(&[
        ("faq.yml", FAQ),
        (
            "setup.md",
            &article(
                "Setup",
                "# Setup\n\nAsk in the [FAQ](faq.yml#how-do-i-install-relay) or [here](faq.yml#is-relay-client-free--too), [as Learn has it now](faq.yml#is-relayclient-free--too) or [once had it](faq.yml#is-relay-client-free--too-).\n",
            ),
        ),
    ]);
    // Problems are reported at their line and column in the YAML file.
    let found: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| format!("{}@{}:{}:{}", d.code, d.file, d.line, d.column))
        .collect();
    assert_eq!(
        found,
        [
            "link-anchor@articles/en-us/faq.yml:16:23",
            "link-missing-file@articles/en-us/faq.yml:18:26"
        ]
    );
    let html = page(&site, "faq.md");
    assert_eq!(
        html,
        "<h1 id=\"relay-questions\">Relay questions</h1>\n<p>Answers to what people ask. See <a href=\"../setup/\">setup</a>.</p>\n\
<h2 id=\"getting-started\">Getting started</h2>\n<h3 id=\"how-do-i-install-relay\"><a name=\"how-do-i-install-relay-\"></a>How do I install Relay?</h3>\n<p>Run the installer.</p>\n\
<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>\n<p>Then read <a href=\"../setup/#missing\">the guide</a>.</p>\n</div>\n\
<h3 id=\"is-relay-client-free--too\"><a name=\"is-relay-client-free--too-\"></a><a name=\"is-relayclient-free--too\"></a><a name=\"is-relayclient-free--too-\"></a>Is Relay.Client free, too?</h3>\n<p>Yes, see <a href=\"pricing.md\">pricing</a>.</p>"
    );
    assert_contains(&site.read("output/en-us/faq/index.html"), "<title>Relay FAQ");
    assert_contains(
        &page(&site, "setup.md"),
        "<a href=\"../faq/#how-do-i-install-relay\">FAQ</a>",
    );
}

#[test]
fn hub_pages_keep_section_titles_summaries_and_icons() {
    let hub = "### YamlMime:Hub\ntitle: Relay docs\nsummary: Everything about Relay.\nproductDirectory:\n  title: Products\n  summary: Pick a product.\n  items:\n    - title: Relay client\n      imageSrc: media/client.svg\n      summary: The client library.\n      links:\n        - url: setup.md\n          text: Set up\nconceptualContent:\n  title: Concepts\n  items:\n    - title: Basics\n      links:\n        - url: setup.md\n          itemType: overview\n          text: Overview\n";
    let (site, r) = build(&[
        ("index.yml", hub),
        ("setup.md", &article("Setup", "# Setup\n")),
        ("media/client.svg", "<svg/>"),
    ]);
    assert!(r.diagnostics.is_empty(), "{r}");
    let html = page(&site, "index.md");
    assert_contains(&html, "<h2 id=\"products\">Products</h2>\n<p class=\"landing-section-summary\">Pick a product.</p>\n<ul class=\"landing-cards\">\n<li class=\"landing-card\">\n<img class=\"landing-icon\" src=\"media/client.svg\" alt=\"\">\n<h3>Relay client</h3>\n<p class=\"landing-card-summary\">The client library.</p>");
    assert_contains(
        &html,
        "<h2 id=\"concepts\">Concepts</h2>\n<ul class=\"landing-cards\">\n<li class=\"landing-card\">\n<h3>Basics</h3>",
    );
}

#[test]
fn a_control_character_in_a_code_file_is_shown_as_a_space_with_a_warning_at_it() {
    let body =
        "# A\n\n[!code-csharp[](src/app.cs)]\n\n:::code language=\"csharp\" source=\"src/app.cs\" range=\"2\":::\n";
    let (site, r) = build(&[
        ("a.md", &article("A", body)),
        ("src/app.cs", "int a;\nint\u{1}b;\u{7f}\n"),
    ]);
    assert_eq!(code_texts(&page(&site, "a.md")), ["int a;\nint b; \n", "int b; \n"]);
    let warnings: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| format!("{}@{}:{}:{}", d.code, d.file, d.line, d.column))
        .collect();
    assert_eq!(warnings, ["control-char@articles/en-us/src/app.cs:2:4"], "{r}");
    assert!(
        r.diagnostics[0].message.contains("U+0001 in the text (2 in the file)"),
        "{r}"
    );
}
