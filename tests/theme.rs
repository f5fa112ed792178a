//! The built-in theme: a site without `themes/` builds with the theme
//! compiled into the binary; a site's `themes/<name>/` overrides it file by
//! file; `polydoc theme eject` writes it out.

mod common;

use common::*;

const EN_NL: &[(&str, &str)] = &[("en-us", "English"), ("nl-nl", "Nederlands")];

/// A two-locale site with no `themes/` folder at all.
fn bare_site() -> Site {
    let site = Site::new(EN_NL);
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    site.write(
        "articles/en-us/start.md",
        &article("Getting started", "Hello.\n\n## Install\n\n```bash\necho hi\n```\n"),
    );
    site.write(
        "articles/nl-nl/start.md",
        &article("Aan de slag", "Hallo.\n\n## Installeren\n\nTekst.\n"),
    );
    site
}

fn repo_file(rel: &str) -> String {
    read_file(&repo_root().join("themes/default").join(rel))
}

#[test]
fn a_site_without_themes_builds_with_the_built_in_theme() {
    let site = bare_site();
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(r.errors().is_empty() && r.warnings().is_empty(), "{r}");
    let page = site.read("output/en-us/start/index.html");
    assert_contains(&page, "id=\"install\"");
    assert_contains(&page, "Getting started");
    // The stylesheets and scripts are the repository's theme, byte for byte.
    for rel in ["css/site.css", "css/syntax-dark.css", "js/theme.js", "js/search.js"] {
        assert_eq!(
            site.read(&format!("output/_static/{rel}")),
            repo_file(&format!("static/{rel}")),
            "{rel}"
        );
    }
    // The Dutch theme strings are built in too.
    let nl = site.read("output/nl-nl/start/index.html");
    assert_contains(&nl, &escape(&theme_string("nl-nl", "in_this_article")));
    // `l10n status` loads the theme the same way.
    let status = site.run(&["l10n", "status"]);
    assert_eq!(status.code, 0, "{status}");
    assert_contains(&status.stdout, "nl-nl");
}

#[test]
fn one_template_one_stylesheet_and_one_string_override_the_built_in_ones() {
    let site = bare_site();
    let page = repo_file("templates/page.html");
    assert!(page.contains("{% block content %}"), "page.html changed shape");
    site.write(
        "themes/default/templates/page.html",
        &page.replacen(
            "{% block content %}",
            "{% block content %}<p id=\"site-override\">ours</p><p id=\"meta\">{{ page.meta.title }}</p>",
            1,
        ),
    );
    site.write(
        "themes/default/static/css/site.css",
        "/* ours */ body { color: teal }\n",
    );
    site.write(
        "themes/default/static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    // A strings file with one key: the other Dutch strings stay built in.
    site.write(
        "themes/default/i18n/nl-nl.toml",
        "in_this_article = \"Op deze pagina\"\n",
    );
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    assert!(r.errors().is_empty() && r.warnings().is_empty(), "{r}");
    let en = site.read("output/en-us/start/index.html");
    assert_contains(&en, "<p id=\"site-override\">ours</p>");
    // A theme's own page.html gets every front matter value (the built-in
    // one reads none, so polydoc leaves them out for it).
    assert_contains(&en, "<p id=\"meta\">Getting started</p>");
    // base.html is still the built-in one.
    assert_contains(&en, "_static/js/theme.js");
    assert_eq!(
        site.read("output/_static/css/site.css"),
        "/* ours */ body { color: teal }\n"
    );
    assert_eq!(
        site.read("output/_static/css/syntax-light.css"),
        repo_file("static/css/syntax-light.css")
    );
    assert!(site.exists("output/_static/img/logo.svg"));
    let nl = site.read("output/nl-nl/start/index.html");
    assert_contains(&nl, "Op deze pagina");
    assert_contains(&nl, &escape(&theme_string("nl-nl", "search_placeholder")));
    // The built-in 404 page is still written.
    assert!(site.exists("output/404.html"));
}

#[test]
fn a_broken_override_points_at_the_sites_file() {
    let site = bare_site();
    site.write(
        "themes/default/templates/home.html",
        "{% extends \"base.html\" %}{% block content %}{{ oops(\n",
    );
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 2, "{r}");
    let d = r.one("template");
    assert_eq!(d.file, "themes/default/templates/home.html", "{r}");
}

#[test]
fn a_named_theme_without_its_folder_is_an_error() {
    let site = bare_site();
    let toml = site
        .read("polydoc.toml")
        .replace("theme = \"default\"", "theme = \"corporate\"");
    site.write("polydoc.toml", &toml);
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 2, "{r}");
    assert_contains(&r.one("theme").message, "theme `corporate` not found");
    // With a folder holding one file, it builds over the built-in theme.
    site.write("themes/corporate/static/css/site.css", "body{}\n");
    let r = site.json(&["build"]);
    assert_eq!(r.code(), 0, "{r}");
    assert_eq!(site.read("output/_static/css/site.css"), "body{}\n");
}

#[test]
fn theme_eject_writes_the_built_in_theme_and_refuses_to_overwrite() {
    let site = bare_site();
    let r = site.run(&["theme", "eject"]);
    assert_eq!(r.code, 0, "{r}");
    for rel in [
        "templates/base.html",
        "templates/page.html",
        "templates/404.html",
        "static/css/site.css",
        "static/js/search.js",
        "i18n/nl-nl.toml",
    ] {
        assert_eq!(site.read(&format!("themes/default/{rel}")), repo_file(rel), "{rel}");
    }
    // The ejected theme builds the same site.
    let built = site.json(&["build"]);
    assert_eq!(built.code(), 0, "{built}");

    // A second eject refuses and changes nothing.
    site.write("themes/default/static/css/site.css", "/* edited */\n");
    let before = site.snapshot();
    let again = site.run(&["theme", "eject"]);
    assert_eq!(again.code, 1, "{again}");
    assert_contains(&again.stderr, "themes/default/static/css/site.css");
    assert_contains(&again.stderr, "--force");
    assert!(before == site.snapshot(), "a refused eject must not write");

    // --force overwrites.
    let forced = site.run(&["theme", "eject", "--force"]);
    assert_eq!(forced.code, 0, "{forced}");
    assert_eq!(
        site.read("themes/default/static/css/site.css"),
        repo_file("static/css/site.css")
    );

    // Under another name, from outside the site folder.
    let named = run_in(site.tmp.path(), &["theme", "eject", "mine", "--site", "site"]);
    assert_eq!(named.code, 0, "{named}");
    assert_contains(&named.stderr, "theme = \"mine\"");
    assert_eq!(
        site.read("themes/mine/templates/page.html"),
        repo_file("templates/page.html")
    );
}
