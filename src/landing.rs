//! Learn landing pages: YAML files that start with `### YamlMime:Landing`
//! or `### YamlMime:Hub` (usually `index.yml`), and `### YamlMime:FAQ`
//! pages (rendered by `faq`). Each becomes a page like an
//! article: its title, summary and link cards rendered with the default
//! theme, its `metadata` read as front matter, and every link checked like
//! any other (with its line in the YAML file). Any other `YamlMime` type is
//! reported and left out; YAML without a `YamlMime` line stays a file that is
//! copied.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::highlight::html_escape;
use crate::markdown::{link_placeholder, Link, LinkKind, Rendered};
use crate::parse::Article;
use crate::toc::Positions;
use rayon::prelude::*;
use serde_yaml::Value;

enum Kind {
    Page(Box<Article>),
    /// Not a landing page: a file to copy.
    Asset(SourceFile),
    Skip,
}

/// Splits the landing pages off `assets`.
pub fn extract(
    config: &Config,
    assets: Vec<SourceFile>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Article>, Vec<SourceFile>) {
    let results: Vec<(Kind, Vec<Diagnostic>)> = assets
        .into_par_iter()
        .map(|f| {
            let mut d = Vec::new();
            let lower = f.rel.to_ascii_lowercase();
            if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
                return (Kind::Asset(f), d);
            }
            let k = classify(config, f, &mut d);
            (k, d)
        })
        .collect();
    let mut pages = Vec::new();
    let mut rest = Vec::new();
    for (k, d) in results {
        diags.extend(d);
        match k {
            Kind::Page(a) => pages.push(*a),
            Kind::Asset(f) => rest.push(f),
            Kind::Skip => {}
        }
    }
    (pages, rest)
}

fn classify(config: &Config, f: SourceFile, diags: &mut Vec<Diagnostic>) -> Kind {
    let Ok(text) = std::fs::read_to_string(&f.abs) else {
        return Kind::Asset(f);
    };
    let text = text.trim_start_matches('\u{FEFF}').to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let Some(mime) = first
        .strip_prefix("###")
        .map(str::trim)
        .and_then(|s| s.strip_prefix("YamlMime:"))
    else {
        return Kind::Asset(f);
    };
    let mime = mime.trim();
    if mime != "Landing" && mime != "Hub" && mime != "FAQ" {
        diags.push(
            Diagnostic::warning(
                "yamlmime",
                &f.display,
                format!("`YamlMime:{mime}` pages are not supported; the file is left out"),
            )
            .at(1, 1)
            .help("polydoc renders YamlMime:Landing, YamlMime:Hub and YamlMime:FAQ pages"),
        );
        return Kind::Skip;
    }
    if let Err(d) = crate::yaml_depth::check_depth(&text, 1, &f.display, "yaml") {
        diags.push(d);
        return Kind::Skip;
    }
    let doc: Value = match serde_yaml::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::error(
                "yaml",
                &f.display,
                format!("the YamlMime:{mime} page is not valid YAML: {e}"),
            )
            .help("the page is left out of the site until its YAML is fixed");
            if let Some(l) = e.location() {
                let (line, column) = crate::diagnostics::clamp_position(&text, l.line(), l.column());
                d = d.at(line, column);
            }
            diags.push(d);
            return Kind::Skip;
        }
    };
    let page = if mime == "FAQ" {
        crate::faq::render(config, &f, &text, &doc, diags)
    } else {
        render(&f, &text, &doc, diags)
    };
    match page {
        Some(a) => Kind::Page(Box::new(a)),
        None => Kind::Skip,
    }
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string()
}

fn list<'v>(v: &'v Value, k: &str) -> &'v [Value] {
    v.get(k).and_then(|x| x.as_sequence()).map_or(&[], |x| x.as_slice())
}

/// A card: a title, an optional summary and icon, and groups of (label,
/// links).
struct Card {
    title: String,
    summary: String,
    image: String,
    groups: Vec<(String, Vec<(String, String)>)>,
}

/// A Hub section (a Landing page is one untitled section).
struct Section {
    title: String,
    summary: String,
    cards: Vec<Card>,
}

fn sections(doc: &Value, hub: bool) -> Vec<Section> {
    let links_of = |v: &Value, text_key: &str| -> Vec<(String, String)> {
        list(v, "links")
            .iter()
            .map(|l| {
                let t = s(l, text_key);
                (if t.is_empty() { s(l, "title") } else { t }, s(l, "url"))
            })
            .filter(|(_, u)| !u.is_empty())
            .collect()
    };
    let card = |i: &Value, groups| Card {
        title: s(i, "title"),
        summary: s(i, "summary"),
        image: s(i, "imageSrc"),
        groups,
    };
    if !hub {
        let cards = list(doc, "landingContent")
            .iter()
            .map(|c| {
                let groups = list(c, "linkLists")
                    .iter()
                    .map(|g| (s(g, "linkListType").replace('-', " "), links_of(g, "text")))
                    .collect();
                card(c, groups)
            })
            .collect();
        return vec![Section {
            title: String::new(),
            summary: String::new(),
            cards,
        }];
    }
    // Hub: its sections in order, with their titles and summaries; each
    // item with links a card.
    let mut out = Vec::new();
    let section = |sec: &Value, cards: Vec<Card>| Section {
        title: s(sec, "title"),
        summary: s(sec, "summary"),
        cards,
    };
    for key in ["highlightedContent", "tools"] {
        if let Some(sec) = doc.get(key) {
            let links: Vec<(String, String)> = list(sec, "items")
                .iter()
                .map(|i| (s(i, "title"), s(i, "url")))
                .filter(|(_, u)| !u.is_empty())
                .collect();
            if !links.is_empty() {
                out.push(section(
                    sec,
                    vec![Card {
                        title: String::new(),
                        summary: String::new(),
                        image: String::new(),
                        groups: vec![(String::new(), links)],
                    }],
                ));
            }
        }
    }
    for key in ["productDirectory", "conceptualContent"] {
        if let Some(sec) = doc.get(key) {
            let cards = list(sec, "items")
                .iter()
                .map(|i| card(i, vec![(String::new(), links_of(i, "text"))]))
                .collect();
            out.push(section(sec, cards));
        }
    }
    if let Some(sec) = doc.get("additionalContent") {
        for sub in list(sec, "sections") {
            let cards = list(sub, "items")
                .iter()
                .map(|i| card(i, vec![(String::new(), links_of(i, "text"))]))
                .collect();
            out.push(section(sub, cards));
        }
    }
    out
}

fn render(f: &SourceFile, text: &str, doc: &Value, diags: &mut Vec<Diagnostic>) -> Option<Article> {
    let hub = text.lines().next().unwrap_or("").contains("Hub");
    let mut fm = FrontMatter::default();
    if let Some(meta) = doc.get("metadata").filter(|m| m.is_mapping()) {
        let yaml = serde_yaml::to_string(meta).unwrap_or_default();
        if let Ok(m) = frontmatter::parse(&yaml, 1, &f.display, diags) {
            fm = m;
        }
    }
    let title = match s(doc, "title") {
        t if !t.is_empty() => t,
        _ => fm.title.clone().unwrap_or_default(),
    };
    if title.is_empty() {
        diags.push(
            Diagnostic::warning("title", &f.display, "the landing page has no `title`")
                .at(1, 1)
                .help("add `title:` at the top level"),
        );
    }
    let summary = s(doc, "summary");
    if fm.description.is_none() && !summary.is_empty() {
        fm.description = Some(summary.clone());
    }
    let mut md = Rendered::default();
    let mut pos = Positions::new(text);
    let id = crate::markdown::slug::slug(&title);
    let mut html = format!("<h1 id=\"{}\">{}</h1>\n", html_escape(&id), html_escape(&title));
    if !summary.is_empty() {
        html.push_str(&format!("<p class=\"landing-summary\">{}</p>\n", html_escape(&summary)));
    }
    let mut title_pos = Positions::new(text);
    md.headings.push(crate::markdown::Heading {
        level: 1,
        id: id.clone(),
        text: title.clone(),
        line: 1,
        explicit: false,
    });
    let mut push_link = |md: &mut Rendered, dest: &str, text: &str, key: &str, kind: LinkKind| -> usize {
        let (line, column) = pos.find(key, dest);
        md.links.push(Link {
            dest: dest.to_string(),
            text: text.to_string(),
            line,
            column,
            kind,
            origin: None,
        });
        md.links.len() - 1
    };
    for sec in sections(doc, hub) {
        if !sec.title.is_empty() {
            let sid = crate::markdown::slug::slug(&sec.title);
            html.push_str(&format!(
                "<h2 id=\"{}\">{}</h2>\n",
                html_escape(&sid),
                html_escape(&sec.title)
            ));
            md.headings.push(crate::markdown::Heading {
                level: 2,
                id: sid,
                text: sec.title.clone(),
                line: title_pos.find("title", &sec.title).0,
                explicit: false,
            });
        }
        if !sec.summary.is_empty() {
            html.push_str(&format!(
                "<p class=\"landing-section-summary\">{}</p>\n",
                html_escape(&sec.summary)
            ));
        }
        if sec.cards.is_empty() {
            continue;
        }
        html.push_str("<ul class=\"landing-cards\">\n");
        for c in &sec.cards {
            html.push_str("<li class=\"landing-card\">\n");
            if !c.image.is_empty() {
                let n = push_link(&mut md, &c.image, "", "imageSrc", LinkKind::Image);
                html.push_str(&format!(
                    "<img class=\"landing-icon\" src=\"{}\" alt=\"\">\n",
                    link_placeholder(n)
                ));
            }
            if !c.title.is_empty() {
                let tag = if sec.title.is_empty() { "h2" } else { "h3" };
                html.push_str(&format!("<{tag}>{}</{tag}>\n", html_escape(&c.title)));
            }
            if !c.summary.is_empty() {
                html.push_str(&format!(
                    "<p class=\"landing-card-summary\">{}</p>\n",
                    html_escape(&c.summary)
                ));
            }
            for (label, links) in &c.groups {
                if !label.is_empty() {
                    html.push_str(&format!("<p class=\"landing-list-type\">{}</p>\n", html_escape(label)));
                }
                html.push_str("<ul>\n");
                for (t, u) in links {
                    let n = push_link(&mut md, u, t, "url", LinkKind::Link);
                    html.push_str(&format!(
                        "<li><a href=\"{}\">{}</a></li>\n",
                        link_placeholder(n),
                        html_escape(t)
                    ));
                }
                html.push_str("</ul>\n");
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ul>\n");
    }
    md.html = html;
    md.h1 = Some(title.clone());
    Some(Article {
        locale: f.locale,
        rel: f.rel.clone(),
        display: f.display.clone(),
        abs: f.abs.clone(),
        title: fm.title.clone().filter(|t| !t.is_empty()).unwrap_or(title),
        fm,
        md,
        body: None,
    })
}
