//! Bounded property tests over hostile input: front matter, the DocFX
//! Markdown pipeline (prepare -> parse -> extensions -> HTML), `toc.yml` /
//! `TOC.md`, the redirection JSON and the link resolver. Each property says
//! no panic, positions inside the file, and no super-linear time (a case
//! must finish within a generous bound). `cargo test` runs a few cases of
//! each; `scripts/fuzz MINUTES` runs them with many more
//! (`POLYDOC_FUZZ_CASES`), each run from a new random seed (without it, the
//! seed is fixed, so CI runs the same cases every time). What a run
//! finds is kept as a plain regression test below.

use crate::diagnostics::Diagnostic;
use proptest::prelude::*;
use proptest::test_runner::Config as PropConfig;
use std::time::{Duration, Instant};

fn config() -> PropConfig {
    let fuzzing: Option<u32> = std::env::var("POLYDOC_FUZZ_CASES").ok().and_then(|v| v.parse().ok());
    let defaults = PropConfig::default();
    PropConfig {
        cases: fuzzing.unwrap_or(48),
        failure_persistence: None,
        // `cargo test` (and so CI) runs the same cases every time: a property
        // failure there is a regression, not the luck of a seed. `scripts/fuzz`
        // sets POLYDOC_FUZZ_CASES and explores from new random seeds.
        rng_seed: match fuzzing {
            Some(_) => defaults.rng_seed,
            None => proptest::test_runner::RngSeed::Fixed(0x0070_6f6c_7964_6f63),
        },
        ..defaults
    }
}

/// Longest a case may take (debug build, busy machine): the inputs are at
/// most a few KB, so anything near this is a blow-up.
const BOUND: Duration = Duration::from_secs(3);

/// Hostile text: pieces of the syntax a parser knows, glued with random
/// characters (control characters and non-ASCII included).
fn hostile(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_string),
        1 => "[\\[\\]{}():,#>*`|~\\-!\"' \t\n\\\\/.a-z0-9]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect::<String>()),
        1 => (proptest::sample::select(pieces), 1..40usize).prop_map(|(p, n)| p.repeat(n)),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

fn lines_of(text: &str) -> usize {
    text.split('\n').count()
}

/// A diagnostic's line is one of the file's lines.
fn check_positions(diags: &[Diagnostic], file: &str, text: &str) -> Result<(), TestCaseError> {
    for d in diags.iter().filter(|d| d.file == file) {
        prop_assert!(
            d.line <= lines_of(text),
            "{d:?} past the end of {} lines",
            lines_of(text)
        );
    }
    Ok(())
}

const YAML: &[&str] = &[
    "---\n",
    "title: ",
    "description: ",
    "ms.date: ",
    "01/02/2024",
    "2024-13-45",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "'",
    "\"",
    "|\n",
    ">-\n",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "#",
    "...\n",
    "\u{FEFF}",
    "\t",
    "\0",
    "ms.custom: ",
    "zone_pivot_groups: ",
    "ROBOTS: NOINDEX",
    "uid: ",
    "redirect_url: ",
    "\\u0041",
    "~",
    "null",
    "<<: *a\n",
];

const MARKDOWN: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "## ",
    "> ",
    "> [!NOTE]\n",
    "> [!WARNING]\n> ",
    "> [!div class=\"x\"]\n",
    "> [!VIDEO https://x]\n",
    "[!INCLUDE [a](includes/a.md)]",
    "[!INCLUDE [b](includes/b.md)]",
    "[!INCLUDE[x](../../outside.md)]",
    "[!INCLUDE [self](includes/loop.md)]",
    ":::code language=\"csharp\" source=\"code/a.cs\" range=\"1-3\":::",
    ":::code source=\"code/a.cs\" id=\"r\":::",
    "[!code-csharp[](code/a.cs?name=r&highlight=2)]",
    "[!code-csharp[](code/a.cs#L2-L9)]",
    "[!notebook-python[](code/n.ipynb?name=c)]",
    ":::image type=\"content\" source=\"media/a.png\" alt-text=\"A\":::",
    ":::image type=\"complex\" source=\"a.png\" alt-text=\"x\":::",
    ":::image-end:::",
    ":::zone target=\"docs\"\n",
    ":::zone pivot=\"p1\"\n",
    ":::zone-end\n",
    ":::moniker range=\">= v2\"\n",
    ":::moniker-end\n",
    ":::row:::\n",
    ":::column span=\"2\":::\n",
    ":::column-end:::\n",
    ":::row-end:::\n",
    "# [Tab A](#tab/a)\n",
    "# [Tab B](#tab/b/a)\n",
    "---\n",
    "```csharp\n",
    "```\n",
    "~~~\n",
    "    code\n",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "[link](b.md#x)",
    "[l](../x/y.md?a=b)",
    "<div>",
    "</div>",
    "<!-- c -->",
    "<a name=\"x\"></a>",
    ":::no-loc text=\"x\":::",
    "\\",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "!",
    ":::",
    "\u{1}",
    "\u{2}",
    "\u{0}",
    "\r\n",
    "https://example.com/x",
    "<https://x>",
    "\t",
    "[!div class=\"nextstepaction\"]\n",
];

/// A site folder with files for includes and code snippets to find.
fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let loc = tmp.path().join("articles/en-us");
    for (rel, text) in [
        ("includes/a.md", "Included **a** [link](../b.md).\n"),
        ("includes/b.md", "> [!TIP]\n> [!INCLUDE [a](a.md)]\n"),
        ("includes/loop.md", "[!INCLUDE [me](loop.md)]\n"),
        ("code/a.cs", "// <r>\nint a = 1;\n// </r>\nint b = 2;\n"),
        (
            "code/n.ipynb",
            "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {\"name\": \"c\"}, \"source\": [\"x = 1\\n\"]}]}",
        ),
        ("b.md", "# B\n"),
    ] {
        let p = loc.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_front_matter(text in hostile(YAML, 60)) {
        let start = Instant::now();
        let split = crate::frontmatter::split(&text);
        prop_assert!(split.body_offset <= text.len());
        let mut diags = Vec::new();
        if let Some(yaml) = split.yaml {
            match crate::frontmatter::parse(yaml, split.yaml_line, "a.md", &mut diags) {
                Ok(_) => {}
                Err(d) => diags.push(d),
            }
        }
        diags.extend(crate::frontmatter::unclosed(&text, "a.md"));
        check_positions(&diags, "a.md", &text)?;
        prop_assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
    }

    #[test]
    fn fuzz_docfx_markdown(body in hostile(MARKDOWN, 80), front in proptest::bool::ANY) {
        let tmp = site();
        let root = tmp.path();
        let loc = root.join("articles/en-us");
        let fence = crate::fence::Fence::new([root, loc.as_path()]);
        let env = crate::markdown::docfx::Env { site_root: root, locale_root: &loc, source_root: None, fence: &fence, trust_html: false };
        let text = if front { format!("---\ntitle: T\n---\n{body}") } else { body };
        let offset = crate::frontmatter::split(&text).body_offset;
        let mut diags = Vec::new();
        let text = crate::parse::without_controls(text, "articles/en-us/a.md", &mut diags);
        let start = Instant::now();
        let md = crate::markdown::render_file(Some(env), &loc.join("a.md"), "articles/en-us/a.md", "a.md", &text, offset);
        prop_assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
        diags.extend(md.diags.iter().cloned());
        check_positions(&diags, "articles/en-us/a.md", &text)?;
        for l in md.links.iter().filter(|l| l.origin.is_none()) {
            prop_assert!(l.line >= 1 && l.line <= lines_of(&text), "{l:?}");
        }
        // Nothing of the hostile text reaches the HTML as a control character
        // (polydoc's own markers are \u{1} link placeholders, \u{2} strings
        // and \u{4}..\u{5} cross references, all filled in per page).
        let own = ['\n', '\t', '\r', '\u{1}', '\u{2}', crate::markdown::xref::OPEN, crate::markdown::xref::CLOSE];
        let stray = md.html.chars().filter(|c| c.is_control() && !own.contains(c)).count();
        prop_assert_eq!(stray, 0, "{:?}", md.html);
        prop_assert!(md.html.matches('\u{1}').count() == 2 * md.links.len(), "placeholders match links");
    }

    #[test]
    fn fuzz_toc(text in hostile(TOC, 60), md in proptest::bool::ANY) {
        let start = Instant::now();
        let mut diags = Vec::new();
        let items = if md {
            crate::toc::parse_md(&text, "toc.md")
        } else {
            crate::toc::parse_yml(&text, "toc.yml", "toc.yml", &mut diags)
        };
        prop_assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
        check_positions(&diags, "toc.yml", &text)?;
        for (line, _) in crate::toc::positions(&items) {
            prop_assert!(line <= lines_of(&text), "entry at line {line}");
        }
    }

    #[test]
    fn fuzz_redirection_json(text in hostile(REDIRECTS, 60)) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("articles/en-us")).unwrap();
        let file = root.join(".openpublishing.redirection.json");
        std::fs::write(&file, &text).unwrap();
        let fence = crate::fence::Fence::new([root]);
        let mut diags = Vec::new();
        let start = Instant::now();
        let rules = crate::links::redirects::load(&file, "r.json", root, &root.join("articles/en-us"), &fence, &mut diags);
        prop_assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
        check_positions(&diags, "r.json", &text)?;
        for r in &rules {
            prop_assert!(!r.source_rel.starts_with('/') && !r.source_rel.split('/').any(|s| s == ".."), "{:?}", r.source_rel);
        }
    }

    #[test]
    fn fuzz_link_resolver(dests in proptest::collection::vec(hostile(LINKS, 8), 1..12)) {
        links_resolve(&dests)?;
    }
}

const TOC: &[&str] = &[
    "- name: ",
    "  href: ",
    "items:\n",
    "  - ",
    "    ",
    "a.md",
    "sub/toc.yml",
    "../x/",
    "topicHref: ",
    "tocHref: ",
    "expanded: true",
    "uid: ",
    "\n",
    "# ",
    "## ",
    "[A](a.md)",
    "[B](sub/TOC.md)",
    "[C](../)",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ": ",
    "'",
    "\"",
    "\t",
    "\0",
    "https://x/",
    "#anchor",
    "?q=1",
    "%2e%2e/",
];

const REDIRECTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"redirections\"",
    ": ",
    ", ",
    "\"source_path\"",
    "\"redirect_url\"",
    "\"redirect_document_id\"",
    "\"articles/en-us/old.md\"",
    "\"../../etc/x.md\"",
    "\"/articles/en-us/a.md\"",
    "\"/en-us/a\"",
    "\"https://x/\"",
    "true",
    "null",
    "1e999",
    "\u{a0}",
    ",]",
    ",}",
    "\"\\u0000\"",
    "\"\\\\\"",
    "\n",
    " ",
];

const LINKS: &[&str] = &[
    "a.md",
    "b.md",
    "../",
    "./",
    "..",
    "/",
    "sub/",
    "c.md",
    "#x",
    "#",
    "?",
    "?a=b",
    "%2e%2e",
    "%2F",
    "%",
    "%zz",
    "~/",
    "xref:",
    "https://",
    "http://x/a",
    "mailto:x",
    "javascript:",
    "//x",
    "\\",
    "en-us/",
    "/en-us/a",
    ".md",
    "index.md",
    "media/a.png",
    "A.MD",
    "old.md",
    "\u{0}",
    " ",
    "<",
    ">",
];

/// Builds a small site whose article links to each of `dests`, and resolves
/// every link the way pages do.
fn links_resolve(dests: &[String]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let toml = "title = \"T\"\nbase_url = \"https://x.example/docs/\"\nsource_locale = \"en-us\"\n\n[locales.en-us]\nname = \"English\"\n\n[locales.nl-nl]\nname = \"Nederlands\"\n";
    let config = crate::config::Config::parse(root, toml).unwrap();
    let body: String = dests.iter().map(|d| format!("[x]({d})\n\n<{d}>\n\n")).collect();
    let files = [
        (0, "sub/a.md", format!("---\ntitle: A\n---\n# A\n\n{body}")),
        (
            0,
            "b.md",
            "---\ntitle: B\nms.custom: \"12\"\n---\n# B\n\n## X\n".to_string(),
        ),
        (1, "sub/a.md", format!("---\ntitle: A\n---\n# A\n\n{body}")),
    ];
    let mut articles = Vec::new();
    let mut diags = Vec::new();
    for (li, rel, text) in &files {
        let abs = config.locales[*li].root.join(rel);
        std::fs::create_dir_all(abs.parent().unwrap()).unwrap();
        std::fs::write(&abs, text).unwrap();
        let f = crate::discover::SourceFile {
            locale: *li,
            rel: rel.to_string(),
            abs,
            display: format!("articles/{}/{rel}", config.locales[*li].code),
            kind: crate::discover::FileKind::Article,
        };
        articles.extend(crate::parse::parse_article(&f, &config, None, &mut diags));
    }
    let start = Instant::now();
    let site = crate::site::Site::build(&config, articles, Vec::new(), &mut diags);
    let index = crate::links::index::LinkIndex::build(&config, &site, &mut diags);
    let resolver = crate::links::Resolver {
        config: &config,
        site: &site,
        index: &index,
    };
    for page in &site.pages {
        for link in &site.articles[page.article].md.links {
            let reported = resolver.resolve(page, link, true);
            // The href alone (review pages, translation findings) is the
            // href a full resolution gives, with or without diagnostics.
            let href = resolver.href(page, link);
            prop_assert_eq!(&href, &reported.href, "link {:?}", link.dest);
            prop_assert_eq!(&href, &resolver.resolve(page, link, false).href, "link {:?}", link.dest);
        }
    }
    prop_assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
    Ok(())
}

// Regression inputs found by the property tests --------------------------------

#[test]
fn an_href_alone_is_the_href_of_a_full_resolution_for_anchors_found_or_not() {
    // `Resolver::href` skips the anchor check: links to missing and present
    // anchors, on this page, another, through a uid, by an absolute path.
    let dests = [
        "../b.md#x",
        "../b.md#nope",
        "#a",
        "#nope",
        "?view=1#nope",
        "/b.md#x",
        "~/b.md#nope",
        "xref:nothing#x",
        "../B.MD#X",
        "https://x.example/docs/en-us/b#nope",
        "../missing.md#x",
    ];
    links_resolve(&dests.map(String::from)).unwrap();
}

#[test]
fn a_toc_yaml_error_at_the_end_of_a_text_without_a_final_line_end_is_on_its_last_line() {
    // Found by fuzz_toc: libyaml puts it on line 3 of a 2-line text.
    let mut diags = Vec::new();
    crate::toc::parse_yml("items:\na", "toc.yml", "toc.yml", &mut diags);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!((diags[0].line, diags[0].column), (2, 2), "{diags:?}");
}

#[test]
fn raw_html_with_a_wide_character_where_an_xref_tag_name_would_end_does_not_panic() {
    // Found by fuzz_docfx_markdown and fuzz_link_resolver: `<xref` was
    // compared on bytes 0..5 of every HTML event, inside the `𐫬` here.
    for body in [
        "<?b\u{10AEC}x?>\n",
        "\u{1D400}<? 0\u{3A3}\u{A1}A\u{DCF}0\u{1F48}\u{11347}0?> ",
    ] {
        let md = crate::markdown::render(body, 0, &crate::diagnostics::LineIndex::new(body));
        assert!(!md.html.is_empty(), "{body:?}");
    }
}
