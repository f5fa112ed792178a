//! Pages: assembles each output document from the site model: resolved
//! content plus the template context (title, robots, dates, "In this
//! article", translations). Runs in parallel, once per published page.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::index::LinkIndex;
use crate::links::{Class, Resolver};
use crate::markdown::docfx::fill_strings;
use crate::markdown::fill_links;
use crate::render::{common_context, Theme};
use crate::site::{relative_url, Page, Site};
use serde_json::{json, Value};

/// Time spent resolving links (summed over threads), for the benchmark's
/// "link resolution must not slow the build by more than 10%".
pub static LINK_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub struct PageOutput {
    /// Output file path relative to the output root.
    pub path: String,
    pub html: String,
    pub diags: Vec<Diagnostic>,
    pub link_classes: Vec<Class>,
    /// Links to other sites, listed in the report (never fetched).
    pub external: Vec<ExternalLink>,
    /// Article paths this page links to (its link dependencies).
    pub links_to: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExternalLink {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub url: String,
}

/// The external links of a build, page by page as rendering left them
/// (each page's list moved here, not copied into one list: tens of
/// thousands of links); one list in page order when serialized. The pages
/// a `--cache` build kept by their reports have theirs read only then
/// (`Deferred`: most builds never print them).
#[derive(Debug, Clone, Default)]
pub struct ExternalLinks(pub Vec<Vec<ExternalLink>>, pub Deferred);

/// A page's external links read when asked, from what stands for them.
pub type Later = std::sync::Arc<dyn Fn(u64) -> Vec<ExternalLink> + Send + Sync>;

/// The lists of `ExternalLinks` read when serialized: each one's place in
/// its `.0` (held empty there, in increasing order) and what `read` takes
/// for it.
#[derive(Clone, Default)]
pub struct Deferred {
    pub at: Vec<(usize, u64)>,
    pub read: Option<Later>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred").field("at", &self.at).finish_non_exhaustive()
    }
}

impl serde::Serialize for ExternalLinks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        let mut later = self.1.at.iter().peekable();
        for (i, page) in self.0.iter().enumerate() {
            match (later.next_if(|(at, _)| *at == i), &self.1.read) {
                (Some((_, h)), Some(read)) => {
                    for l in read(*h) {
                        seq.serialize_element(&l)?;
                    }
                }
                _ => {
                    for l in page {
                        seq.serialize_element(l)?;
                    }
                }
            }
        }
        seq.end()
    }
}

/// What is escaped in the `{path}` of an `edit_url` (not `/`).
pub(crate) const EDIT_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

pub fn render_page(
    config: &Config,
    site: &Site,
    index: &LinkIndex,
    theme: &Theme,
    (nav, pivots): (&crate::toc::Nav, &crate::pivots::PivotGroups),
    page: &Page,
    html: &str,
) -> Result<PageOutput, String> {
    let article = &site.articles[page.article];
    let resolver = Resolver { config, site, index };
    let mut diags = Vec::new();
    let mut link_classes = Vec::with_capacity(article.md.links.len());
    let mut external = Vec::new();
    let mut links_to = Vec::new();
    // Diagnostics of a source article are reported once, from its own page.
    let report = !page.fallback;
    let started = std::time::Instant::now();
    // Alert labels and other theme words, in the language of the content.
    let with_strings = fill_strings(html, |k| theme.strings[article.locale].get(k).to_string());
    // Cross references: a link without text takes its target's title; an
    // `@uid` shortcut is a link only when the uid is known.
    let title_of = |dest: &str| -> Option<String> {
        let uid = dest.strip_prefix("xref:")?;
        let uid = uid.split(['#', '?']).next().unwrap_or(uid);
        let rel = index.uids.get(uid)?;
        let target = site.page(page.locale, rel)?;
        Some(site.articles[target.article].title.clone())
    };
    let with_xrefs = crate::markdown::xref::fill(
        &with_strings,
        |n| {
            let l = &article.md.shortcuts[n];
            let r = resolver.resolve(page, l, false);
            (r.class != Class::Broken).then(|| {
                let text = title_of(&l.dest).unwrap_or_else(|| l.text.clone());
                format!(
                    "<a href=\"{}\">{}</a>",
                    crate::markdown::highlight::html_escape(&r.href),
                    crate::markdown::highlight::html_escape(&text)
                )
            })
        },
        |n| title_of(&article.md.links[n].dest),
    );
    let content = fill_links(&with_xrefs, |n| {
        let r = resolver.resolve(page, &article.md.links[n], report);
        diags.extend(r.diags);
        link_classes.push(r.class);
        if let Some(t) = r.target {
            links_to.push(t);
        }
        if report && r.class == Class::External {
            let l = &article.md.links[n];
            external.push(ExternalLink {
                file: article.display.clone(),
                line: l.line,
                column: l.column,
                url: r.href.clone(),
            });
        }
        r.href
    });
    LINK_NANOS.fetch_add(
        started.elapsed().as_nanos() as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
    let strings = &theme.strings[page.locale];
    let fm = &article.fm;
    let toc: Vec<Value> = article
        .md
        .headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .map(|h| json!({"level": h.level, "id": h.id, "text": h.text}))
        .collect();
    let translations: Vec<Value> = config
        .locales
        .iter()
        .enumerate()
        .filter_map(|(li, l)| {
            let p = site.page(li, &page.rel)?;
            Some(json!({
                "code": l.code, "name": l.name, "lang": l.lang,
                "url": relative_url(&page.url, &p.url),
                "url_abs": format!("{}{}", config.base_url, p.url),
                "current": li == page.locale,
            }))
        })
        .collect();
    let source_url = site
        .page(0, &page.rel)
        .map(|p| relative_url(&page.url, &p.url))
        .unwrap_or_default();
    let nav_json = nav.for_page(page);
    // A landing page (`index.yml`) is cards, not an article: no header line.
    let landing = article.rel.ends_with(".yml");
    let (title_html, body) = if landing {
        ("", content.as_str())
    } else {
        split_title(&content)
    };
    let minutes = if landing { 0 } else { reading_minutes(body) };
    // Every front matter value, for a theme's templates that may show
    // them; else only the three values the page shows, each parsed only
    // when the front matter has its key.
    let meta = theme.page_reads_meta().then(|| fm.all.map());
    let meta_value = |key: &str| match &meta {
        Some(m) => m.get(key).cloned(),
        None => fm.all.get(key),
    };
    let contributors: Vec<String> = match meta_value("contributors") {
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).map(str::to_string).collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    // "Edit this page": the file shown (the source's on a fallback page),
    // in the repository of the locale it belongs to.
    let edit_url = config.locales[article.locale]
        .edit_url
        .as_ref()
        .map(|u| {
            u.replace(
                "{path}",
                &percent_encoding::utf8_percent_encode(&article.rel, EDIT_PATH).to_string(),
            )
        })
        .unwrap_or_default();
    let mut ctx = crate::render::context_without_words(config, page.locale, &page.url, false);
    ctx.insert(
        "page".into(),
        json!({
            "title": article.title,
            // `titleSuffix` (front matter or docfx.json): "Title - Suffix" in <title>.
            "title_suffix": meta_value("titlesuffix").as_ref().and_then(|v| v.as_str()).unwrap_or_default(),
            "description": fm.description.clone().unwrap_or_default(),
            "url": "./",
            "canonical": format!("{}{}", config.base_url, page.url),
            "robots": fm.robots_meta().unwrap_or_default(),
            "date": fm.ms_date.map(|d| strings.format_date(d)).unwrap_or_default(),
            "date_iso": fm.ms_date.map(|d| d.iso()).unwrap_or_default(),
            // The article's own H1 and what follows it, for a header line
            // under the title (`content` is both).
            "title_html": title_html,
            "body": body,
            "reading_minutes": minutes,
            "reading_time": if landing { String::new() } else { strings.plural("reading_time", minutes) },
            "author": meta_value("author").as_ref().and_then(|v| v.as_str()).unwrap_or_default(),
            "contributors": contributors,
            "is_fallback": page.fallback,
            "content_lang": config.locales[article.locale].lang,
            "machine_translated": !page.fallback && page.locale != 0 && fm.machine_translated(),
            "source_url": source_url,
            "edit_url": edit_url,
            "rel": page.rel,
            "pivots": pivots.for_article(article),
            "monikers": if article.md.monikers.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::json!(article.md.monikers)
            },
        }),
    );
    // Moved in, where `json!` would copy them (the content above all).
    if let Some(Value::Object(p)) = ctx.get_mut("page") {
        if let Some(meta) = meta {
            p.insert("meta".into(), Value::Object(meta.into_iter().collect()));
        }
        p.insert("content".into(), Value::String(content));
        p.insert("toc".into(), Value::Array(toc));
        p.insert("translations".into(), Value::Array(translations));
        p.insert("nav".into(), nav_json);
    }
    let html = theme.render_page(page.locale, ctx)?;
    Ok(PageOutput {
        path: format!("{}index.html", page.url),
        html,
        diags,
        link_classes,
        external,
        links_to,
    })
}

/// The content's leading `<h1>…</h1>` (when it starts with one) and the
/// rest.
fn split_title(content: &str) -> (&str, &str) {
    let trimmed = content.trim_start();
    if trimmed.starts_with("<h1") {
        if let Some(end) = trimmed.find("</h1>") {
            let at = content.len() - trimmed.len() + end + "</h1>".len();
            return content.split_at(at);
        }
    }
    ("", content)
}

/// Minutes to read an article's HTML: 200 words a minute, and 500
/// characters a minute for scripts written without spaces (CJK); at least 1.
fn reading_minutes(html: &str) -> u64 {
    let mut words = 0u64;
    let mut dense = 0u64;
    // 1 inside a word: a word is counted where it starts.
    let mut in_word = 0u64;
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let class = ASCII_CLASS[b as usize];
        if class < TAG {
            // Most bytes: ASCII text, counted without a branch.
            let alnum = u64::from(class);
            words += alnum & !in_word & 1;
            in_word = alnum;
            i += 1;
            continue;
        }
        if class == TAG {
            // A tag: nothing in it counts, up to its `>` (or the end).
            in_word = 0;
            i = memchr::memchr(b'>', &bytes[i + 1..]).map_or(bytes.len(), |at| i + 1 + at + 1);
            continue;
        }
        // Another character, decoded.
        let c = html[i..].chars().next().unwrap_or_default();
        i += c.len_utf8();
        if matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF) {
            dense += 1;
            in_word = 0;
        } else if c.is_alphanumeric() {
            words += !in_word & 1;
            in_word = 1;
        } else {
            in_word = 0;
        }
    }
    let minutes = (words as f64 / 200.0 + dense as f64 / 500.0).ceil() as u64;
    minutes.max(1)
}

/// `reading_minutes`' classes of a byte: 0 ASCII but no letter or digit,
/// 1 an ASCII letter or digit, `TAG` for `<`, `WIDE` for the first or a
/// later byte of another character.
const TAG: u8 = 2;
const WIDE: u8 = 3;
static ASCII_CLASS: [u8; 256] = {
    let mut class = [WIDE; 256];
    let mut b = 0;
    while b < 0x80 {
        class[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    class[b'<' as usize] = TAG;
    class
};

/// A generated home page for a locale without `index.md`.
/// What `render_home` shows of the site's pages in `locale` (each page's
/// title, URL and description), as bytes: with the configuration and the
/// theme, everything the home page is made from (a cached build keys it on
/// these and does not render it when the output holds it).
pub fn home_inputs(site: &Site, locale: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for p in site.pages.iter().filter(|p| p.locale == locale) {
        let a = &site.articles[p.article];
        for s in [
            a.title.as_str(),
            p.url.as_str(),
            a.fm.description.as_deref().unwrap_or_default(),
        ] {
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

pub fn render_home(config: &Config, site: &Site, theme: &Theme, locale: usize) -> Result<PageOutput, String> {
    let dir = format!("{}/", config.locales[locale].code);
    let pages: Vec<Value> = site
        .pages
        .iter()
        .filter(|p| p.locale == locale)
        .map(|p| {
            let a = &site.articles[p.article];
            json!({"title": a.title, "url": relative_url(&dir, &p.url), "description": a.fm.description.clone().unwrap_or_default()})
        })
        .collect();
    let mut ctx = common_context(config, theme, locale, &dir, false);
    ctx.insert(
        "page".into(),
        json!({"title": config.title, "url": "./", "robots": "", "description": "", "canonical": format!("{}{dir}", config.base_url)}),
    );
    ctx.insert("pages".into(), Value::Array(pages));
    Ok(PageOutput::plain(
        format!("{dir}index.html"),
        theme.render("home.html", ctx)?,
    ))
}

/// The not-found page of a locale (`<locale>/404.html`, and `404.html` at
/// the root for the source locale). It may be served at any URL, so links
/// are base-path URLs and the stylesheet is inlined: it is styled wherever
/// the site is served (a local preview, a host under another path).
pub fn render_404(config: &Config, theme: &Theme, locale: usize, root: bool) -> Result<PageOutput, String> {
    let mut ctx = common_context(config, theme, locale, "", true);
    let title = theme.strings[locale].get("not_found_title").to_string();
    let css = theme
        .files
        .get("static/css/site.css")
        .and_then(|s| s.read_string().ok())
        .unwrap_or_default();
    // A `</style>` inside the stylesheet would end the element early.
    ctx.insert("inline_css".into(), Value::String(css.replace("</", "<\\/")));
    ctx.insert(
        "page".into(),
        json!({"title": title, "url": config.base_path, "robots": "noindex", "description": "", "canonical": "", "toc": [], "translations": []}),
    );
    let path = if root {
        "404.html".to_string()
    } else {
        format!("{}/404.html", config.locales[locale].code)
    };
    Ok(PageOutput::plain(path, theme.render("404.html", ctx)?))
}

/// `index.html` at the root: sends the reader to the source locale.
pub fn render_root(config: &Config, theme: &Theme) -> Result<PageOutput, String> {
    render_redirect(
        config,
        theme,
        0,
        "",
        &format!("{}/", config.source().code),
        "index.html",
    )
}

/// A redirect page at `path` (in the folder `from_dir`) to `target`: a URL
/// relative to `from_dir`, or absolute.
pub fn render_redirect(
    config: &Config,
    theme: &Theme,
    locale: usize,
    from_dir: &str,
    target: &str,
    path: &str,
) -> Result<PageOutput, String> {
    Ok(PageOutput::plain(
        path.to_string(),
        theme.render_redirect(config, locale, from_dir, target)?,
    ))
}

impl PageOutput {
    fn plain(path: String, html: String) -> PageOutput {
        PageOutput {
            path,
            html,
            diags: Vec::new(),
            link_classes: Vec::new(),
            external: Vec::new(),
            links_to: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reading_minutes;

    /// Reading time as it was counted character by character.
    fn by_chars(html: &str) -> u64 {
        let (mut words, mut dense, mut in_tag, mut in_word) = (0u64, 0u64, false, false);
        for c in html.chars() {
            match c {
                '<' => (in_tag, in_word) = (true, false),
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                c if matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF) => {
                    (dense, in_word) = (dense + 1, false)
                }
                c if c.is_alphanumeric() => (words, in_word) = (words + u64::from(!in_word), true),
                _ => in_word = false,
            }
        }
        ((words as f64 / 200.0 + dense as f64 / 500.0).ceil() as u64).max(1)
    }

    #[test]
    fn reading_minutes_counts_words_outside_tags() {
        let words = "word ".repeat(450);
        let cjk = "日本語の文章".repeat(120);
        let cases = [
            String::new(),
            format!("<p class=\"a>b\">{words}</p>"),
            format!("<p>{words}<a href=\"x\">one</a>two>three<unclosed {words}"),
            format!("<p>{cjk}</p><p>caf\u{e9}s na\u{ef}ve {words}</p>"),
            format!("x<y>{words}<<b>>{words}"),
        ];
        for html in &cases {
            assert_eq!(reading_minutes(html), by_chars(html), "{html:.60}");
        }
        assert_eq!(reading_minutes(&format!("<p>{words}</p>")), 3);
    }
}
