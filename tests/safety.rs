//! Hostile input: reads stay inside the site on real paths, output is never
//! lost or misplaced, cost grows linearly, serve stays on loopback, and the
//! rest gets located diagnostics.
#![cfg(unix)]

mod common;

use common::*;
use std::os::unix::fs::symlink;

/// A secret outside the site folder, in a folder of its own.
const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-SITE";

fn secret_dir(site: &Site) -> std::path::PathBuf {
    let dir = site.outside("private");
    std::fs::create_dir_all(dir.join("deeper")).unwrap();
    std::fs::write(dir.join("passwd"), format!("{SECRET} passwd\n")).unwrap();
    std::fs::write(dir.join("page.md"), format!("---\ntitle: Leak\n---\n{SECRET} page\n")).unwrap();
    std::fs::write(dir.join("deeper/data.txt"), format!("{SECRET} data\n")).unwrap();
    std::fs::write(dir.join("code.cs"), format!("// {SECRET} code\n")).unwrap();
    std::fs::write(dir.join("toc.yml"), format!("- name: {SECRET}\n  href: a.md\n")).unwrap();
    dir
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| {
            bytes
                .as_ref()
                .is_some_and(|b| String::from_utf8_lossy(b).contains(needle))
        })
        .map(|(p, _)| p.display().to_string())
        .collect()
}

// Reads stay inside the site -------------------------------------------------

#[test]
fn nothing_under_a_link_to_a_folder_outside_the_site_is_read_or_copied() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n\nText.\n"));
    let private = secret_dir(&site);
    symlink(&private, site.path("articles/en-us/sysdir")).unwrap();
    symlink(private.join("passwd"), site.path("articles/en-us/passwd.txt")).unwrap();
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    let outside = r.with_code("symlink-outside");
    assert_eq!(outside.len(), 2, "{r}");
    assert!(site.exists("output/en-us/a/index.html"));
    assert_eq!(files_containing(&site.path("output"), SECRET), Vec::<String>::new());
    assert!(!site.exists("output/en-us/sysdir"));
}

#[test]
fn includes_code_files_and_tocs_whose_real_path_leaves_the_site_are_refused_where_written() {
    let site = Site::new(&[("en-us", "English")]);
    let private = secret_dir(&site);
    // A folder inside the site that is a link out of it, and single files
    // that are links out of it: the paths as written all look inside.
    std::fs::create_dir_all(site.path("articles/en-us/includes")).unwrap();
    symlink(&private, site.path("articles/en-us/includes/sys")).unwrap();
    symlink(private.join("passwd"), site.path("articles/en-us/includes/passwd.md")).unwrap();
    symlink(private.join("code.cs"), site.path("articles/en-us/snippet.cs")).unwrap();
    symlink(private.join("toc.yml"), site.path("articles/en-us/toc.yml")).unwrap();
    site.write(
        "articles/en-us/a.md",
        &article(
            "A",
            "# A\n\n[!INCLUDE [p](includes/sys/passwd)]\n\nInline [!INCLUDE [q](includes/passwd.md)] here.\n\n:::code language=\"csharp\" source=\"snippet.cs\":::\n\n[!code-csharp[](includes/sys/code.cs)]\n\nStill built.\n",
        ),
    );
    site.write("articles/en-us/b.md", &article("B", "# B\n\nFine.\n"));
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 1, "{r}");
    let inc = r.with_code("include-outside");
    let at: Vec<_> = inc.iter().map(|d| (d.file.as_str(), d.line, d.column)).collect();
    assert_eq!(
        at,
        [("articles/en-us/a.md", 6, 15), ("articles/en-us/a.md", 8, 22)],
        "{r}"
    );
    assert!(inc.iter().all(|d| d.message.contains("leaves the site")), "{r}");
    let code = r.with_code("code-outside");
    let at: Vec<_> = code.iter().map(|d| (d.file.as_str(), d.line)).collect();
    assert_eq!(at, [("articles/en-us/a.md", 10), ("articles/en-us/a.md", 12)], "{r}");
    assert!(!r.with_code("toc").is_empty(), "the TOC link is refused: {r}");
    let html = site.read(&format!("output/{}", page_file("en-us", "a.md")));
    assert_contains(&html, "Still built.");
    assert!(site.exists(&format!("output/{}", page_file("en-us", "b.md"))));
    assert_eq!(files_containing(&site.path("output"), SECRET), Vec::<String>::new());
}
