//! DocFX's documented behaviour, example by example: every case in
//! `tests/docfx_examples/examples.toml` (input Markdown, extra files, the
//! HTML polydoc must produce, the diagnostics it must report) is built as
//! one article of a single fixture site by the real binary. Each case names
//! the DocFX documentation or extension test it comes from; `differs` says
//! where and why polydoc's output deliberately differs from DocFX's.

mod common;

use common::*;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Examples {
    example: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    name: String,
    source: String,
    input: String,
    expected: String,
    #[serde(default)]
    diagnostics: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    #[allow(dead_code)]
    differs: Option<String>,
}

const FRONT_MATTER_LINES: usize = 3;

fn load() -> Vec<Example> {
    let text = read_file(&repo_root().join("tests/docfx_examples/examples.toml"));
    let ex: Examples = toml::from_str(&text).expect("examples.toml is valid");
    ex.example
}

/// The article's rendered Markdown.
fn content(html: &str) -> String {
    let a = article_html(html);
    let start = a.find("<div class=\"content\"").expect("content div");
    let body = &a[a[start..].find('>').unwrap() + start + 1..];
    let end = body.rfind("</div>").unwrap();
    body[..end].trim().to_string()
}

#[test]
fn docfx_documented_examples() {
    let examples = load();
    assert!(examples.len() >= 40, "at least 40 examples, found {}", examples.len());
    let site = Site::new(&[("en-us", "English")]);
    for e in &examples {
        assert!(!e.source.is_empty(), "{}: say where the case comes from", e.name);
        let dir = format!("articles/en-us/ex/{}", e.name);
        site.write(
            &format!("{dir}/index.md"),
            &format!("---\ntitle: {}\n---\n{}", e.name, e.input),
        );
        for (rel, text) in &e.files {
            site.write(&format!("{dir}/{rel}"), text);
        }
    }
    let r = site.json(&["build"]);
    let mut failures = Vec::new();
    for e in &examples {
        let file = format!("articles/en-us/ex/{}/index.md", e.name);
        let html = content(&site.read(&format!("output/en-us/ex/{}/index.html", e.name)));
        let diags: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| d.file == file)
            .map(|d| format!("{}@{}:{}", d.code, d.line.saturating_sub(FRONT_MATTER_LINES), d.column))
            .collect();
        if std::env::var("PRINT_EXAMPLES").is_ok() {
            println!("=== {}\n{html}\n--- {diags:?}", e.name);
        }
        if html != e.expected.trim() {
            failures.push(format!(
                "{} ({}):\n--- expected\n{}\n--- got\n{html}\n",
                e.name,
                e.source,
                e.expected.trim()
            ));
        }
        if diags != e.diagnostics {
            failures.push(format!(
                "{}: diagnostics {:?}, expected {:?}",
                e.name, diags, e.diagnostics
            ));
        }
    }
    // Nothing else in the fixture may complain.
    let stray: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| !d.file.ends_with("/index.md"))
        .map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.message))
        .collect();
    assert!(stray.is_empty(), "unexpected diagnostics: {stray:#?}");
    assert!(
        failures.is_empty(),
        "{} of {} examples differ:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}
