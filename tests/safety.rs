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
fn an_image_reached_through_a_link_out_of_the_site_is_reported_as_leaving_it_not_as_missing() {
    let site = Site::new(&[("en-us", "English")]);
    let private = secret_dir(&site);
    std::fs::write(private.join("logo.png"), SECRET).unwrap();
    site.write(
        "articles/en-us/a.md",
        &article(
            "A",
            "# A\n\n![Logo](media/logo.png)\n\n![Logo](logo.png)\n\n![Gone](gone.png)\n",
        ),
    );
    symlink(&private, site.path("articles/en-us/media")).unwrap();
    symlink(private.join("logo.png"), site.path("articles/en-us/logo.png")).unwrap();
    let r = site.json(&["build"]);
    let outside: Vec<_> = r
        .with_code("link-outside")
        .iter()
        .map(|d| (d.line, d.message.clone()))
        .collect();
    assert_eq!(outside.len(), 2, "{r}");
    assert_eq!(outside[0].0, 6, "{r}");
    assert!(
        outside[0]
            .1
            .contains("`media/logo.png` is a symbolic link whose real path leaves the site"),
        "{r}"
    );
    assert_eq!(outside[1].0, 8, "{r}");
    // A file that is really missing is still reported as missing.
    assert_eq!(r.with_code("link-missing-file").len(), 1, "{r}");
    assert_eq!(files_containing(&site.path("output"), SECRET), Vec::<String>::new());
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
    // A nested TOC reference through the linked folder: refused at the entry.
    site.write(
        "articles/en-us/guide/toc.yml",
        "- name: Guide\n  href: ../b.md\n- name: Sys\n  href: ../includes/sys/toc.yml\n",
    );
    site.write("articles/en-us/guide/c.md", &article("C", "# C\n"));
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
    let toc = r.with_code("toc");
    assert!(
        toc.iter().any(|d| d.file == "articles/en-us/toc.yml"),
        "the linked TOC is refused: {r}"
    );
    assert!(
        toc.iter().any(
            |d| (d.file.as_str(), d.line, d.column) == ("articles/en-us/guide/toc.yml", 4, 9)
                && d.message.contains("leaves the site")
        ),
        "the nested TOC is refused at its entry: {r}"
    );
    let html = site.read(&format!("output/{}", page_file("en-us", "a.md")));
    assert_contains(&html, "Still built.");
    assert!(site.exists(&format!("output/{}", page_file("en-us", "b.md"))));
    assert_eq!(files_containing(&site.path("output"), SECRET), Vec::<String>::new());
}

// Output is never lost or misplaced -------------------------------------------

/// A site with two articles, built once: the good output to keep.
fn built_site() -> Site {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n\nText.\n"));
    site.write("articles/en-us/b.md", &article("B", "# B\n\nMore.\n"));
    let r = site.run(&["build"]);
    assert_eq!(r.code, 0, "{r}");
    site
}

fn edit_template(site: &Site, name: &str, edit: impl Fn(&str) -> String) {
    let p = format!("themes/default/templates/{name}");
    let text = site.read(&p);
    let new = edit(&text);
    assert_ne!(new, text, "the edit changed {name}");
    site.write(&p, &new);
}

#[test]
fn a_template_error_at_render_time_is_exit_2_and_the_previous_output_stays() {
    let site = built_site();
    let before = snapshot(&site.path("output"));
    edit_template(&site, "page.html", |t| {
        t.replacen(
            "page-article{% endblock",
            "page-article{{ page.no_such_thing.deeper }}{% endblock",
            1,
        )
    });
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "no_such_thing");
    assert_contains(&r.stderr, "previous output is unchanged");
    assert!(snapshot(&site.path("output")) == before, "the output changed:\n{r}");
}

#[test]
fn a_macro_that_recurses_without_end_is_a_located_error_not_a_crash() {
    let site = built_site();
    let before = snapshot(&site.path("output"));
    edit_template(&site, "macros.html", |t| {
        format!("{t}\n{{% macro forever(n) %}}<i>{{{{ self::forever(n=n + 1) }}}}</i>{{% endmacro forever %}}\n")
    });
    edit_template(&site, "page.html", |t| {
        t.replacen(
            "page-article{% endblock",
            "page-article{{ macros::forever(n=0) }}{% endblock",
            1,
        )
    });
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "macro `forever` in macros.html nests too deep");
    assert!(snapshot(&site.path("output")) == before, "the output changed:\n{r}");
    // A template that includes itself, the same.
    site.write(
        "themes/default/templates/loop.html",
        "<b>{% include \"loop.html\" %}</b>",
    );
    edit_template(&site, "page.html", |t| {
        t.replace("{{ macros::forever(n=0) }}", "{% include \"loop.html\" %}")
    });
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "template loop.html nests too deep");
    assert!(snapshot(&site.path("output")) == before, "the output changed:\n{r}");
    edit_template(&site, "page.html", |t| {
        t.replace("{% include \"loop.html\" %}", "{{ macros::forever(n=0) }}")
    });
    // A macro that recurses a bounded number of times still renders.
    edit_template(&site, "macros.html", |t| {
        t.replace(
            "<i>{{ self::forever(n=n + 1) }}</i>",
            "<i>{% if n < 40 %}{{ self::forever(n=n + 1) }}{% endif %}</i>",
        )
    });
    let r = site.run(&["build"]);
    assert_eq!(r.code, 0, "{r}");
    assert_contains(
        &site.read(&format!("output/{}", page_file("en-us", "a.md"))),
        &"</i>".repeat(41),
    );
}

#[test]
fn an_out_folder_through_a_link_into_the_sources_is_refused_on_its_real_path() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n\nText.\n"));
    symlink(site.path("articles/en-us"), site.outside("L")).unwrap();
    symlink(site.path("articles"), site.outside("M")).unwrap();
    let before = site.snapshot();
    for out in ["L/newout", "M/en-us/x/y", "M"] {
        let out = site.outside(out);
        let r = site.run(&["build", "--out", out.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{out:?}: {r}");
        assert_contains(&r.stderr, "refusing to write");
        assert!(site.snapshot() == before, "{out:?} wrote something:\n{r}");
    }
    // Through a link to a folder outside the sources, the build writes.
    std::fs::create_dir(site.outside("elsewhere")).unwrap();
    symlink(site.outside("elsewhere"), site.outside("E")).unwrap();
    let r = site.run(&["build", "--out", site.outside("E/site-out").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r}");
    assert!(site.outside("elsewhere/site-out/en-us/a/index.html").is_file());
}

// Cost grows linearly with the input ------------------------------------------

/// Runs `polydoc build` and returns the run and how long it took. The bounds
/// the tests use are generous (debug build, busy machine): the inputs took
/// minutes or forever before.
fn timed_build(site: &Site) -> (Run, std::time::Duration) {
    let start = std::time::Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_polydoc"))
        .arg("build")
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run polydoc");
    // Read the pipes beside waiting, so a full pipe cannot stall the build.
    fn reader(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    }
    let out_t = reader(child.stdout.take().unwrap());
    let err_t = reader(child.stderr.take().unwrap());
    // A build that blows up is killed rather than left to hang the test.
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let took = start.elapsed();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    };
    (run, took)
}

#[test]
fn deeply_nested_yaml_flow_collections_are_refused_quickly_with_a_short_excerpt() {
    let site = Site::new(&[("en-us", "English")]);
    let deep = format!("x: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    site.write("articles/en-us/a.md", &format!("---\ntitle: A\n{deep}\n---\n# A\n"));
    site.write("articles/en-us/b.md", &article("B", "# B\n"));
    let (r, took) = timed_build(&site);
    assert!(took.as_secs() < 20, "took {took:?}");
    assert_eq!(r.code, 1, "{r}");
    assert_contains(&r.stderr, "articles/en-us/a.md:3:68");
    assert_contains(&r.stderr, "more than 64 deep");
    assert!(r.stderr.len() < 4000, "the excerpt is capped: {} bytes", r.stderr.len());
    assert!(site.exists(&format!("output/{}", page_file("en-us", "b.md"))));
}

#[test]
fn include_fan_out_is_expanded_once_per_file_and_capped_at_the_include_that_crosses() {
    let site = Site::new(&[("en-us", "English")]);
    for k in 0..9 {
        let line = format!("[!INCLUDE [next](f{}.md)]\n\n", k + 1);
        site.write(&format!("articles/en-us/includes/f{k}.md"), &line.repeat(10));
    }
    site.write("articles/en-us/includes/f9.md", "Leaf paragraph of the fan-out.\n");
    site.write(
        "articles/en-us/a.md",
        &article("A", "# A\n\n[!INCLUDE [top](includes/f0.md)]\n"),
    );
    site.write(
        "articles/en-us/b.md",
        &article("B", "# B\n\n[!INCLUDE [small](includes/f7.md)]\n"),
    );
    let (r, took) = timed_build(&site);
    assert!(took.as_secs() < 30, "took {took:?}");
    assert_eq!(r.code, 1, "{r}");
    assert_contains(&r.stderr, "error[include-too-large]");
    assert_contains(&r.stderr, "larger than 1 MiB");
    // 100 leaves: far under the limit, expanded in full.
    let b = site.read(&format!("output/{}", page_file("en-us", "b.md")));
    assert_eq!(b.matches("Leaf paragraph of the fan-out.").count(), 100);
}

#[test]
fn toc_fan_out_loads_each_file_once_and_is_capped_at_the_reference_that_crosses() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n"));
    let mut dir = String::new();
    for level in 0..13 {
        let entries: String = (0..4)
            .map(|i| format!("- name: Level {level} entry {i}\n  href: l{}/toc.yml\n", level + 1))
            .collect();
        site.write(&format!("articles/en-us/{dir}toc.yml"), &entries);
        dir.push_str(&format!("l{}/", level + 1));
    }
    // The deepest file links to the page (relative to itself).
    let up = "../".repeat(13);
    site.write(
        &format!("articles/en-us/{dir}toc.yml"),
        &format!("- name: Page\n  href: {up}a.md\n"),
    );
    let (r, took) = timed_build(&site);
    assert!(took.as_secs() < 30, "took {took:?}");
    assert_eq!(r.code, 1, "{r}");
    assert_contains(&r.stderr, "more than 20000 entries");
}

// Clear messages for the rest ----------------------------------------------------

#[test]
fn unclosed_front_matter_and_control_characters_are_located() {
    let site = Site::new(&[("en-us", "English")]);
    site.write(
        "articles/en-us/open.md",
        "---\ntitle: Open\nms.date: 01/02/2024\n# Open\n\nText.\n",
    );
    site.write("articles/en-us/rule.md", "---\n\nA rule, then text.\n");
    site.write_bytes(
        "articles/en-us/nul.md",
        b"---\ntitle: Nul\n---\n# Nul\n\nA\x00B and \x02alert_note\x02 and \x1b[31m.\n",
    );
    let r = site.json(&["build"]);
    let open = r.one("yaml");
    assert_eq!(
        (open.file.as_str(), open.line, open.column),
        ("articles/en-us/open.md", 1, 1),
        "{r}"
    );
    assert!(open.message.contains("never closed"), "{r}");
    assert!(!site.exists(&format!("output/{}", page_file("en-us", "open.md"))));
    assert!(site.exists(&format!("output/{}", page_file("en-us", "rule.md"))));
    let nul = r.one("control-char");
    assert_eq!(
        (nul.file.as_str(), nul.line, nul.column),
        ("articles/en-us/nul.md", 6, 2),
        "{r}"
    );
    assert!(
        nul.message.contains("U+0000") && nul.message.contains("4 in the file"),
        "{r}"
    );
    let html = site.read(&format!("output/{}", page_file("en-us", "nul.md")));
    assert!(!html.contains(['\0', '\u{2}', '\u{1b}']), "{html}");
    assert_contains(&html, "A B and  alert_note  and  [31m.");
}

#[test]
fn two_locales_on_one_folder_are_a_config_error() {
    for (path, why) in [
        ("articles/en-us", "the same folder"),
        ("articles/en-us/nl", "nested folders"),
    ] {
        let site = Site::without_config();
        site.write(
            "polydoc.toml",
            &format!(
                "title = \"T\"\nbase_url = \"https://x.example/\"\nsource_locale = \"en-us\"\n\n[locales.en-us]\nname = \"English\"\n\n[locales.nl-nl]\nname = \"Nederlands\"\npath = \"{path}\"\n"
            ),
        );
        site.write("articles/en-us/a.md", &article("A", "# A\n"));
        let r = site.run(&["build"]);
        assert_eq!(r.code, 2, "{r}");
        assert_contains(&r.stderr, &format!("locales `en-us` and `nl-nl` are on {why}"));
        assert_contains(&r.stderr, "polydoc.toml:8:1");
    }
}

#[test]
fn a_redirection_file_that_cannot_be_read_is_reported_not_ignored() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n"));
    let private = secret_dir(&site);
    std::fs::write(
        private.join("redirects.json"),
        "{\"redirections\": [{\"source_path\": \"articles/en-us/old.md\", \"redirect_url\": \"/en-us/a\"}]}",
    )
    .unwrap();
    symlink(
        private.join("redirects.json"),
        site.path(".openpublishing.redirection.json"),
    )
    .unwrap();
    let r = site.json(&["build"]);
    let d = r.one("redirects");
    assert_eq!(d.file, ".openpublishing.redirection.json", "{r}");
    assert!(d.message.contains("leaves the site"), "{r}");
    assert!(!site.exists("output/en-us/old/index.html"));
}

#[test]
fn names_that_differ_in_case_and_urls_of_generated_pages_are_reported() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/media/a.png", "lower");
    site.write("articles/en-us/media/A.png", "upper");
    site.write("articles/en-us/search.md", &article("Search", "# Search\n"));
    site.write("articles/en-us/go/6122.md", &article("Go", "# Go\n"));
    site.write("articles/en-us/b.md", "---\ntitle: B\nms.custom: \"6122\"\n---\n# B\n");
    let r = site.json(&["build"]);
    let case = r.one("case-collision");
    assert!(
        case.file.ends_with("media/a.png") || case.file.ends_with("media/A.png"),
        "{r}"
    );
    let urls: Vec<&str> = r.with_code("url-collision").iter().map(|d| d.file.as_str()).collect();
    assert_eq!(urls, ["articles/en-us/go/6122.md", "articles/en-us/search.md"], "{r}");
}

#[test]
fn an_output_path_too_long_names_its_source_file() {
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n"));
    // Each folder name is fine; the output path, longer than the source's
    // by the output folder's, passes the system's limit.
    let deep: String = (0..15).map(|i| format!("{}{i:02}/", "d".repeat(250))).collect();
    let rel = format!("articles/en-us/{deep}{}.md", "x".repeat(200));
    let source = site.path(&rel);
    if std::fs::create_dir_all(source.parent().unwrap()).is_err() {
        return; // this file system does not take such paths at all
    }
    std::fs::write(&source, article("X", "# X\n")).unwrap();
    let long_out = site.outside(&"o".repeat(230));
    let r = site.run(&["build", "--out", long_out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, &format!("the output of `{rel}`"));
}

#[test]
fn out_at_a_mount_point_says_why_it_cannot_be_swapped() {
    let shm = std::path::Path::new("/dev/shm");
    let parent_dev = |p: &std::path::Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).map(|m| m.dev()).ok()
    };
    if !shm.is_dir() || parent_dev(shm) == parent_dev(std::path::Path::new("/dev")) {
        return; // no mount point to try here
    }
    let site = Site::new(&[("en-us", "English")]);
    site.write("articles/en-us/a.md", &article("A", "# A\n"));
    let r = site.run(&["build", "--out", "/dev/shm"]);
    assert_eq!(r.code, 2, "{r}");
    assert_contains(&r.stderr, "is a mount point");
    assert_contains(&r.stderr, "cannot be renamed");
}

#[test]
fn check_json_into_a_closed_pipe_ends_quietly() {
    let site = Site::new(&[("en-us", "English")]);
    for i in 0..300 {
        site.write(
            &format!("articles/en-us/p{i}.md"),
            &format!("# P{i}\n\n[x](missing{i}.md)\n"),
        );
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' check --format json | head -c 10 >/dev/null; echo \"${{PIPESTATUS:-}}\"",
            env!("CARGO_BIN_EXE_polydoc")
        ))
        .current_dir(&site.root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}
