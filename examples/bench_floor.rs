//! The benchmark "floor": the least work any generator must do on a site.
//!
//!     cargo run --release --example bench_floor -- SITE_DIR
//!
//! Walks SITE_DIR/articles, reads every `.md`, strips the front matter and
//! renders the Markdown to HTML with pulldown-cmark in parallel (rayon). Writes
//! nothing; prints `files=<n> bytes=<n> ms=<n>` (bytes read, wall time).
//! `scripts/bench` compares polydoc against it.

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;
use walkdir::WalkDir;

/// The text after the front matter: between a first line `---` and the next `---` line.
fn strip_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return text;
    };
    let mut end = 0;
    for line in rest.split_inclusive('\n') {
        end += line.len();
        if line.trim_end() == "---" {
            return &rest[end..];
        }
    }
    text
}

fn main() {
    let Some(site) = std::env::args().nth(1) else {
        eprintln!("usage: bench_floor SITE_DIR");
        std::process::exit(2);
    };
    let start = Instant::now();
    let files: Vec<_> = WalkDir::new(Path::new(&site).join("articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let bytes: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let body = strip_front_matter(&text);
            let mut out = String::with_capacity(body.len() * 3 / 2);
            html::push_html(&mut out, Parser::new_ext(body, options));
            std::hint::black_box(out);
            text.len()
        })
        .sum();
    println!(
        "files={} bytes={} ms={}",
        files.len(),
        bytes,
        start.elapsed().as_millis()
    );
}
