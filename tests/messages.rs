//! Messages a writer reads: `serve` prints the first build's warnings (not
//! only their count); the letter-case suggestion is relative to the linking
//! file.

#[path = "common/browser.rs"]
mod browser;
mod common;

use common::*;
use std::io::{BufRead, BufReader};

fn case_site() -> Site {
    let site = Site::new(&[("en-us", "English")]);
    site.write_all(&[
        ("articles/en-us/index.md", &article("Home", "# Home\n")),
        ("articles/en-us/admin/setup.md", &article("Setup", "# Setup\n")),
        (
            "articles/en-us/admin/start.md",
            &article("Start", "# Start\n\nSee [setup](Setup.md).\n"),
        ),
    ]);
    site
}

#[test]
fn the_case_suggestion_is_relative_to_the_linking_file() {
    let site = case_site();
    let r = site.json(&["check"]);
    let d = r.one("link-case");
    assert_eq!((d.file.as_str(), d.line), ("articles/en-us/admin/start.md", 6), "{r}");
    assert_eq!(
        d.help.as_deref(),
        Some("write `setup.md`: file names are case-sensitive on most web servers and in DocFX builds on Linux")
    );
}

#[test]
fn serve_prints_the_first_builds_warnings() {
    let site = case_site();
    let port = browser::free_port();
    let mut child = dies_with_parent(&mut std::process::Command::new(env!("CARGO_BIN_EXE_polydoc")))
        .args(["serve", site.root.to_str().unwrap(), "--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("serving ") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_contains(&seen, "warning[link-case]");
    assert_contains(&seen, "--> articles/en-us/admin/start.md:6:5");
    assert_contains(&seen, "(0 errors, 1 warnings)");
}
