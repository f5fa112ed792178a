//! The built-in theme's `page.html` (with the `base.html` it extends and
//! the `macros.html` it imports) written without Tera: the same bytes from
//! the same context, for a theme that leaves those three templates as they
//! are (`Theme::load` compares them with the built-in ones). A reader's
//! page is most of a build's pages, and Tera's lookups (each dotted name
//! copied and split) were a tenth of a publishing build's time.
//!
//! Tera's rules, as these templates use them: `{{ x }}` prints a string
//! HTML-escaped (the theme's escape function), a number or boolean as
//! written, null as nothing; `{% if x %}` is false for a missing value,
//! null, `false`, 0, and an empty string, array or object. Where Tera would
//! fail (a value printed or looped over that is missing or of another
//! type) this gives `None` and the caller renders with Tera, which reports
//! the error as it always did.

use crate::markdown::highlight::push_html_escaped;
use serde_json::{Map, Value};

pub const BASE: &str = include_str!("../../themes/default/templates/base.html");
pub const PAGE: &str = include_str!("../../themes/default/templates/page.html");
pub const MACROS: &str = include_str!("../../themes/default/templates/macros.html");

/// `page.html` for `ctx` (the context `pages::render_page` makes) with the
/// theme's words `t` and `t_plural` (kept apart: not copied for each page),
/// as Tera renders the built-in templates.
pub fn page(ctx: &Map<String, Value>, t: &Value, t_plural: &Value) -> Option<String> {
    let page = ctx.get("page")?;
    // The page's HTML and the chrome around it (about 6 KB); a page that
    // outgrows it (a long sidebar) gives back what it does not use, since
    // pages wait in the writers' queue.
    let html_len = |k: &str| get(page, k).and_then(Value::as_str).map_or(0, str::len);
    let mut w = W {
        out: String::with_capacity(html_len("body") + html_len("title_html") + 6 * 1024),
        ctx,
        t,
        t_plural,
    };
    w.base(page)?;
    if w.out.capacity() - w.out.len() > 4 * 1024 {
        w.out.shrink_to_fit();
    }
    Some(w.out)
}

struct W<'a> {
    out: String,
    ctx: &'a Map<String, Value>,
    t: &'a Value,
    t_plural: &'a Value,
}

/// `v.key`: a missing key, or a value that is no object, is missing.
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key),
        _ => None,
    }
}

/// `{% if %}`'s truth.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                i != 0
            } else if let Some(u) = n.as_u64() {
                u != 0
            } else {
                n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan())
            }
        }
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// A value as Tera writes it unescaped (what `{{ }}` prints for all but
/// strings, and what `join` joins).
fn push_plain(out: &mut String, v: &Value) {
    use std::fmt::Write as _;
    match v {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => {
            let _ = if let Some(i) = n.as_i64() {
                write!(out, "{i}")
            } else if let Some(u) = n.as_u64() {
                write!(out, "{u}")
            } else {
                write!(out, "{}", n.as_f64().unwrap_or_default())
            };
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => {}
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_plain(out, x);
            }
            out.push(']');
        }
        Value::Object(_) => out.push_str("[object]"),
    }
}

/// `length`: of a string in characters, of an array or object in entries.
fn length(v: Option<&Value>) -> Option<usize> {
    match v? {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

/// `==` between two values of these templates (strings): Tera compares
/// numbers as floats, which none of these comparisons meets.
fn same(a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    match (a?, b?) {
        (Value::Number(_), _) | (_, Value::Number(_)) => None,
        (a, b) => Some(a == b),
    }
}

impl<'a> W<'a> {
    fn s(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// `{{ v }}`.
    fn v(&mut self, v: Option<&Value>) -> Option<()> {
        match v? {
            Value::String(s) => push_html_escaped(&mut self.out, s),
            other => push_plain(&mut self.out, other),
        }
        Some(())
    }

    /// `{{ v | safe }}`.
    fn safe(&mut self, v: Option<&Value>) -> Option<()> {
        push_plain(&mut self.out, v?);
        Some(())
    }

    fn top(&self, key: &str) -> Option<&'a Value> {
        self.ctx.get(key)
    }

    /// `{{ t.<key> }}`.
    fn t(&mut self, key: &str) -> Option<()> {
        let v = get(self.t, key);
        self.v(v)
    }

    fn base(&mut self, page: &'a Value) -> Option<()> {
        let locale = self.top("locale");
        let site = self.top("site");
        let search = self.top("search");
        let static_path = self.top("static_path");
        let locale_of = |k: &str| locale.and_then(|l| get(l, k));
        let site_of = |k: &str| site.and_then(|s| get(s, k));
        let p = |k: &str| get(page, k);

        self.s("<!DOCTYPE html>\n<html lang=\"");
        self.v(locale_of("lang"))?;
        self.s("\" dir=\"");
        self.v(locale_of("dir"))?;
        self.s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
        if truthy(p("title")) && !same(p("title"), site_of("title"))? {
            self.v(p("title"))?;
            if truthy(p("title_suffix")) {
                self.s(" - ");
                self.v(p("title_suffix"))?;
            }
            self.s(" | ");
        }
        self.v(site_of("title"))?;
        self.s("</title>");
        if truthy(p("description")) {
            self.s("\n<meta name=\"description\" content=\"");
            self.v(p("description"))?;
            self.s("\">");
        }
        if truthy(p("robots")) {
            self.s("\n<meta name=\"robots\" content=\"");
            self.v(p("robots"))?;
            self.s("\">");
        }
        if truthy(p("canonical")) {
            self.s("\n<link rel=\"canonical\" href=\"");
            self.v(p("canonical"))?;
            self.s("\">");
        }
        if truthy(p("translations")) {
            let trs = p("translations")?.as_array()?;
            for tr in trs {
                self.s("\n<link rel=\"alternate\" hreflang=\"");
                self.v(get(tr, "lang"))?;
                self.s("\" href=\"");
                self.v(get(tr, "url_abs"))?;
                self.s("\">");
            }
            for tr in trs {
                if same(get(tr, "code"), site_of("source_locale"))? {
                    self.s("\n<link rel=\"alternate\" hreflang=\"x-default\" href=\"");
                    self.v(get(tr, "url_abs"))?;
                    self.s("\">");
                }
            }
        }
        self.s("\n<meta property=\"og:site_name\" content=\"");
        self.v(site_of("title"))?;
        self.s("\">");
        if truthy(p("title")) {
            self.s("\n<meta property=\"og:title\" content=\"");
            self.v(p("title"))?;
            self.s("\">");
        }
        if truthy(p("description")) {
            self.s("\n<meta property=\"og:description\" content=\"");
            self.v(p("description"))?;
            self.s("\">");
        }
        if truthy(p("canonical")) {
            self.s("\n<meta property=\"og:url\" content=\"");
            self.v(p("canonical"))?;
            self.s("\">");
        }
        self.s("\n<meta property=\"og:locale\" content=\"");
        let lang = locale_of("lang")?.as_str()?.replace('-', "_");
        push_html_escaped(&mut self.out, &lang);
        self.s("\">");
        if truthy(self.top("inline_css")) {
            self.s("\n<style>");
            self.safe(self.top("inline_css"))?;
            self.s("</style>");
        } else {
            self.s("\n<link rel=\"stylesheet\" href=\"");
            self.v(static_path)?;
            self.s("css/site.css\">");
        }
        self.s("\n<link rel=\"stylesheet\" id=\"pd-syntax-light\" href=\"");
        self.v(static_path)?;
        self.s("css/syntax-light.css\" media=\"not all and (prefers-color-scheme: dark)\">\n<link rel=\"stylesheet\" id=\"pd-syntax-dark\" href=\"");
        self.v(static_path)?;
        self.s("css/syntax-dark.css\" media=\"(prefers-color-scheme: dark)\">\n<script src=\"");
        self.v(static_path)?;
        self.s("js/theme.js\"></script>\n<script src=\"");
        self.v(static_path)?;
        self.s("js/tabs.js\" defer></script>\n<script src=\"");
        self.v(static_path)?;
        self.s("js/page.js\" defer data-copy=\"");
        self.t("copy_code")?;
        self.s("\" data-copied=\"");
        self.t("copied")?;
        self.s("\" data-copy-failed=\"");
        self.t("copy_failed")?;
        self.s("\" data-code=\"");
        self.t("code_label")?;
        self.s("\" data-close=\"");
        self.t("close")?;
        self.s("\"></script>");
        if truthy(search) {
            let search_of = |k: &str| search.and_then(|s| get(s, k));
            self.s("\n<script src=\"");
            self.v(static_path)?;
            self.s("js/search.js\" defer data-index=\"");
            self.v(search_of("index"))?;
            self.s("\" data-page=\"");
            self.v(search_of("page"))?;
            self.s("\" data-locale=\"");
            self.v(locale_of("home"))?;
            self.s("\" data-all=\"");
            self.t("search_all")?;
            self.s("\" data-more=\"");
            self.t("search_more")?;
            self.s("\" data-empty=\"");
            self.t("search_empty")?;
            self.s("\" data-count=\"");
            self.t("search_count")?;
            self.s("\"");
            let forms = get(self.t_plural, "search_count");
            if truthy(forms) {
                self.s(" data-count-forms=\"");
                let json = serde_json::to_string(forms?).ok()?;
                push_html_escaped(&mut self.out, &json);
                self.s("\"");
            }
            self.s("></script>");
        }
        self.s("\n</head>\n<body class=\"page-article\">\n<a class=\"skip-link\" href=\"#pd-main\">");
        self.t("skip_to_content")?;
        self.s("</a>\n<header class=\"site-header\">\n  <div class=\"site-header-inner\">\n    <a class=\"site-title\" href=\"");
        self.v(locale_of("home"))?;
        self.s("\">");
        self.v(site_of("title"))?;
        self.s("</a>\n    <div class=\"header-tools\">");
        if truthy(search) {
            let search_of = |k: &str| search.and_then(|s| get(s, k));
            self.s("\n      <form class=\"search-box\" role=\"search\" action=\"");
            self.v(search_of("page"))?;
            self.s(
                "\" method=\"get\">\n        <input type=\"search\" name=\"q\" id=\"pd-search-input\" placeholder=\"",
            );
            self.t("search_placeholder")?;
            self.s("\" aria-label=\"");
            self.t("search_label")?;
            self.s("\" autocomplete=\"off\" spellcheck=\"false\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"pd-search-results\">\n        <kbd class=\"search-key\" aria-hidden=\"true\">/</kbd>\n        <ul id=\"pd-search-results\" class=\"search-results\" role=\"listbox\" aria-label=\"");
            self.t("search_label")?;
            self.s("\" hidden></ul>\n      </form>");
        }
        const GLOBE: &str = "\n      <nav class=\"lang-switcher\" aria-label=\"";
        const SUMMARY: &str = "\">\n        <details>\n          <summary>\n            <svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.75\"/><path d=\"M3 12h18M12 3c2.4 2.6 3.6 5.6 3.6 9s-1.2 6.4-3.6 9c-2.4-2.6-3.6-5.6-3.6-9S9.6 5.6 12 3z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.75\"/></svg>\n            <span>";
        const LIST: &str = "</span>\n          </summary>\n          <ul>";
        const END: &str = "\n          </ul>\n        </details>\n      </nav>";
        if truthy(p("translations")) {
            if length(p("translations"))? > 1 {
                self.s(GLOBE);
                self.t("languages")?;
                self.s(SUMMARY);
                self.v(locale_of("name"))?;
                self.s(LIST);
                for tr in p("translations")?.as_array()? {
                    self.s("\n            <li><a href=\"");
                    self.v(get(tr, "url"))?;
                    self.s("\" hreflang=\"");
                    self.v(get(tr, "lang"))?;
                    self.s("\" lang=\"");
                    self.v(get(tr, "lang"))?;
                    self.s("\"");
                    if truthy(get(tr, "current")) {
                        self.s(" aria-current=\"page\"");
                    }
                    self.s(">");
                    self.v(get(tr, "name"))?;
                    self.s("</a></li>");
                }
                self.s(END);
            }
        } else if length(self.top("locales"))? > 1 {
            self.s(GLOBE);
            self.t("languages")?;
            self.s(SUMMARY);
            self.v(locale_of("name"))?;
            self.s(LIST);
            for l in self.top("locales")?.as_array()? {
                self.s("\n            <li><a href=\"");
                self.v(get(l, "home"))?;
                self.s("\" hreflang=\"");
                self.v(get(l, "lang"))?;
                self.s("\" lang=\"");
                self.v(get(l, "lang"))?;
                self.s("\"");
                if same(get(l, "code"), locale_of("code"))? {
                    self.s(" aria-current=\"true\"");
                }
                self.s(">");
                self.v(get(l, "name"))?;
                self.s("</a></li>");
            }
            self.s(END);
        }
        self.s("\n      <button type=\"button\" id=\"pd-theme-toggle\" class=\"theme-toggle\" aria-pressed=\"false\" title=\"");
        self.t("toggle_theme")?;
        self.s("\" hidden>\n        <svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M12 3a9 9 0 0 1 0 18z\" fill=\"currentColor\"/></svg>\n        <span class=\"visually-hidden\">");
        self.t("toggle_theme")?;
        self.s("</span>\n      </button>\n    </div>\n  </div>\n</header>\n<div class=\"site-body");
        // page.html's blocks.
        let nav = p("nav");
        let nav_of = |k: &str| nav.and_then(|n| get(n, k));
        let has_nav = truthy(nav) && truthy(nav_of("items"));
        let has_toc = truthy(p("toc"));
        if has_toc {
            self.s(" has-toc");
        }
        if has_nav {
            self.s(" has-nav");
        }
        self.s("\">");
        if has_nav {
            self.s("\n  <nav class=\"site-nav\" id=\"pd-nav\" aria-label=\"");
            self.t("nav_title")?;
            self.s("\">\n    ");
            self.nav_items(nav_of("items")?)?;
            self.s("\n  </nav>");
        }
        if has_toc {
            self.s("\n  <aside class=\"toc\" id=\"pd-toc\" aria-labelledby=\"pd-toc-title\">\n    <h2 id=\"pd-toc-title\" class=\"toc-title\">");
            self.t("in_this_article")?;
            self.s("</h2>\n    <ol class=\"toc-list\">");
            for item in p("toc")?.as_array()? {
                self.s("\n      <li class=\"toc-l");
                self.v(get(item, "level"))?;
                self.s("\"><a href=\"#");
                self.v(get(item, "id"))?;
                self.s("\">");
                self.v(get(item, "text"))?;
                self.s("</a></li>");
            }
            self.s("\n    </ol>\n  </aside>");
        }
        self.s("\n  <main id=\"pd-main\" class=\"site-main\" tabindex=\"-1\">");
        self.content(page, has_nav, has_toc)?;
        self.s("\n  </main>\n</div>\n<footer class=\"site-footer\">\n  <div class=\"site-footer-inner\">\n    <p><a href=\"");
        self.v(locale_of("home"))?;
        self.s("\">");
        self.t("home")?;
        self.s("</a> <span aria-hidden=\"true\">·</span> ");
        self.v(site_of("title"))?;
        self.s("</p>\n  </div>\n</footer>\n</body>\n</html>\n");
        Some(())
    }

    /// page.html's `content` block.
    fn content(&mut self, page: &'a Value, has_nav: bool, has_toc: bool) -> Option<()> {
        let p = |k: &str| get(page, k);
        let nav = p("nav");
        let nav_of = |k: &str| nav.and_then(|n| get(n, k));
        self.s("\n    <article class=\"article\">");
        if has_nav || has_toc {
            self.s("\n      <div class=\"page-tools\" hidden>");
            if has_nav {
                self.s("\n        <button type=\"button\" class=\"drawer-button\" aria-controls=\"pd-nav\" aria-expanded=\"false\">\n          <svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M4 6h16M4 12h16M4 18h16\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>\n          <span>");
                self.t("nav_title")?;
                self.s("</span>\n        </button>");
            }
            if has_toc {
                self.s("\n        <button type=\"button\" class=\"drawer-button\" aria-controls=\"pd-toc\" aria-expanded=\"false\">\n          <svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M5 6h.01M9 6h10M5 12h.01M9 12h10M5 18h.01M9 18h10\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>\n          <span>");
                self.t("in_this_article")?;
                self.s("</span>\n        </button>");
            }
            self.s("\n      </div>");
        }
        if truthy(nav) && length(nav_of("breadcrumbs"))? > 1 {
            self.s("\n      <nav class=\"breadcrumbs\" aria-label=\"");
            self.t("breadcrumbs")?;
            self.s("\">\n        <ol>");
            for c in nav_of("breadcrumbs")?.as_array()? {
                self.s("\n          <li>");
                if truthy(get(c, "current")) {
                    self.s("<span aria-current=\"page\">");
                    self.v(get(c, "name"))?;
                    self.s("</span>");
                } else if truthy(get(c, "url")) {
                    self.s("<a href=\"");
                    self.v(get(c, "url"))?;
                    self.s("\">");
                    self.v(get(c, "name"))?;
                    self.s("</a>");
                } else {
                    self.v(get(c, "name"))?;
                }
                self.s("</li>");
            }
            self.s("\n        </ol>\n      </nav>");
        }
        let fallback = truthy(p("is_fallback"));
        if fallback {
            self.s("\n      <div class=\"notice notice-info\" role=\"note\">\n        <svg class=\"icon notice-icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M12 11v6M12 7.5v.01\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.25\" stroke-linecap=\"round\"/></svg>\n        <p dir=\"auto\">");
            self.t("fallback_notice")?;
            self.s("</p>\n      </div>");
        }
        if truthy(p("machine_translated")) {
            self.s("\n      <div class=\"notice notice-warning\" role=\"note\">\n        <svg class=\"icon notice-icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M12 3.5 21.5 20h-19z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/><path d=\"M12 10v4.5M12 17.2v.01\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.25\" stroke-linecap=\"round\"/></svg>\n        <p dir=\"auto\">");
            self.t("mt_notice")?;
            if truthy(p("source_url")) {
                self.s(" <a href=\"");
                self.v(p("source_url"))?;
                self.s("\" hreflang=\"");
                self.v(self.top("site").and_then(|s| get(s, "source_locale")))?;
                self.s("\">");
                self.t("mt_notice_link")?;
                self.s("</a>");
            }
            self.s("</p>\n      </div>");
        }
        if truthy(p("title_html")) {
            self.s("\n      <div class=\"article-header\"");
            if fallback {
                self.s(" lang=\"");
                self.v(p("content_lang"))?;
                self.s("\" dir=\"auto\"");
            }
            self.s(">\n");
            self.safe(p("title_html"))?;
            self.s("\n      </div>");
        }
        if truthy(p("date"))
            || truthy(p("reading_time"))
            || truthy(p("author"))
            || truthy(p("contributors"))
            || truthy(p("edit_url"))
        {
            self.s("\n      <div class=\"article-byline\">");
            if truthy(p("date")) {
                self.s("\n        <span class=\"byline-item\">");
                if truthy(p("date_iso")) {
                    self.s("<time datetime=\"");
                    self.v(p("date_iso"))?;
                    self.s("\">");
                    self.v(p("date"))?;
                    self.s("</time>");
                } else {
                    self.v(p("date"))?;
                }
                self.s("</span>");
            }
            if truthy(p("reading_time")) {
                self.s("\n        <span class=\"byline-item\">");
                self.v(p("reading_time"))?;
                self.s("</span>");
            }
            if truthy(p("contributors")) {
                self.s("\n        <span class=\"byline-item\">");
                self.t("contributors")?;
                self.s(": ");
                let mut joined = String::new();
                for (i, c) in p("contributors")?.as_array()?.iter().enumerate() {
                    if i > 0 {
                        joined.push_str(", ");
                    }
                    push_plain(&mut joined, c);
                }
                push_html_escaped(&mut self.out, &joined);
                self.s("</span>");
            } else if truthy(p("author")) {
                self.s("\n        <span class=\"byline-item\">");
                self.t("author")?;
                self.s(": ");
                self.v(p("author"))?;
                self.s("</span>");
            }
            if truthy(p("edit_url")) {
                self.s("\n        <a class=\"byline-item edit-link\" href=\"");
                self.v(p("edit_url"))?;
                self.s("\">\n          <svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.75\" stroke-linejoin=\"round\"/></svg>\n          <span class=\"edit-text\">");
                self.t("edit_page")?;
                self.s("</span></a>");
            }
            self.s("\n      </div>");
        }
        let pivots = p("pivots");
        if truthy(pivots) {
            let pivots = pivots?;
            self.s("\n      <div class=\"pivot-selector\" data-pivot-group=\"");
            self.v(get(pivots, "id"))?;
            self.s("\" hidden>\n        <label for=\"pd-pivot\">");
            if truthy(get(pivots, "prompt")) {
                self.v(get(pivots, "prompt"))?;
            } else {
                self.t("pivot_choice")?;
            }
            self.s("</label>\n        <select id=\"pd-pivot\">");
            for x in get(pivots, "pivots")?.as_array()? {
                self.s("\n          <option value=\"");
                self.v(get(x, "id"))?;
                self.s("\">");
                self.v(get(x, "title"))?;
                self.s("</option>");
            }
            self.s("\n        </select>\n      </div>");
        }
        if truthy(p("monikers")) {
            self.s(
                "\n      <div class=\"pivot-selector moniker-selector\" hidden>\n        <label for=\"pd-moniker\">",
            );
            self.t("moniker_choice")?;
            self.s("</label>\n        <select id=\"pd-moniker\">");
            for m in p("monikers")?.as_array()? {
                self.s("\n          <option value=\"");
                self.v(get(m, "id"))?;
                self.s("\">");
                self.v(get(m, "title"))?;
                self.s("</option>");
            }
            self.s("\n        </select>\n      </div>");
        }
        if fallback {
            self.s("\n      <div class=\"content\" lang=\"");
            self.v(p("content_lang"))?;
            self.s("\" dir=\"auto\">\n");
        } else {
            self.s("\n      <div class=\"content\">\n");
        }
        self.safe(p("body"))?;
        self.s("\n      </div>");
        if truthy(nav) && (truthy(nav_of("prev")) || truthy(nav_of("next"))) {
            self.s("\n      <nav class=\"prev-next\" aria-label=\"");
            self.t("previous")?;
            self.s(" / ");
            self.t("next")?;
            self.s("\">");
            for (key, class, label) in [("prev", "prev", "previous"), ("next", "next", "next")] {
                let to = nav_of(key);
                if truthy(to) {
                    self.s("\n        <a class=\"prev-next-card ");
                    self.s(class);
                    self.s("\" rel=\"");
                    self.s(class);
                    self.s("\" href=\"");
                    self.v(to.and_then(|x| get(x, "url")))?;
                    self.s("\"><span class=\"prev-next-label\">");
                    self.t(label)?;
                    self.s("</span> <span class=\"prev-next-title\">");
                    self.v(to.and_then(|x| get(x, "name")))?;
                    self.s("</span></a>");
                }
            }
            self.s("\n      </nav>");
        }
        self.s("\n    </article>");
        Some(())
    }

    /// macros.html's `nav_items`.
    fn nav_items(&mut self, items: &'a Value) -> Option<()> {
        self.s("<ul>");
        for it in items.as_array()? {
            self.s("\n<li class=\"");
            let current = truthy(get(it, "current"));
            if current {
                self.s("nav-current");
            }
            if truthy(get(it, "open")) {
                self.s(" nav-open");
            }
            self.s("\">");
            if truthy(get(it, "url")) {
                self.s("<a href=\"");
                self.v(get(it, "url"))?;
                self.s("\"");
                if current {
                    self.s(" aria-current=\"page\"");
                }
                self.s(">");
                self.v(get(it, "name"))?;
                self.s("</a>");
            } else {
                self.s("<span class=\"nav-group\">");
                self.v(get(it, "name"))?;
                self.s("</span>");
            }
            if truthy(get(it, "items")) {
                self.nav_items(get(it, "items")?)?;
            }
            self.s("</li>");
        }
        self.s("\n</ul>");
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tera() -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(crate::markdown::highlight::html_escape);
        tera.add_raw_templates([("base.html", BASE), ("page.html", PAGE), ("macros.html", MACROS)])
            .unwrap();
        tera
    }

    fn with_tera(ctx: &Value) -> Option<String> {
        let c = tera::Context::from_value(ctx.clone()).unwrap();
        tera().render("page.html", &c).ok()
    }

    /// As `Theme::render_page` calls it: the words apart.
    fn written(ctx: &Value) -> Option<String> {
        let mut ctx = ctx.as_object().unwrap().clone();
        let t = ctx.remove("t").unwrap_or_default();
        let t_plural = ctx.remove("t_plural").unwrap_or_default();
        page(&ctx, &t, &t_plural)
    }

    fn full() -> Value {
        let mut c = json!({
            "site": {"title": "Docs <&> \"Site\"", "base_url": "https://x.example/", "base_path": "/", "source_locale": "en-us"},
            "locale": {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "dir": "ltr", "home": "../../"},
            "locales": [
                {"code": "en-us", "name": "English", "lang": "en-US", "home": "../../en-us/"},
                {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "home": "../../"}
            ],
            "static_path": "../../_static/",
            "t": {},
            "t_plural": {"search_count": {"one": "{n} resultaat", "other": "{n} \"resultaten\""}},
            "search": {"index": "../../_search/nl-nl/", "page": "../search/"},
            "page": {}
        });
        c["t"] = json!({
            "copy_code": "Kopieer", "copied": "Gekopieerd", "copy_failed": "Mislukt", "code_label": "Code",
            "close": "Sluit", "search_all": "Alle", "search_more": "Meer", "search_empty": "Niets",
            "search_count": "{n} resultaten", "skip_to_content": "Naar inhoud", "search_placeholder": "Zoek",
            "search_label": "Zoeken", "languages": "Talen", "toggle_theme": "Thema", "nav_title": "Navigatie",
            "in_this_article": "In dit artikel", "breadcrumbs": "Kruimels", "fallback_notice": "Niet vertaald",
            "mt_notice": "Machine", "mt_notice_link": "Bron", "contributors": "Bijdragers", "author": "Auteur",
            "edit_page": "Bewerk", "pivot_choice": "Kies", "moniker_choice": "Versie", "previous": "Vorige",
            "next": "Volgende", "home": "Start"
        });
        c["page"] = json!({
                "title": "Een <titel> & 'zo'", "title_suffix": "Suffix", "description": "Beschrijving \"x\"",
                "url": "./", "canonical": "https://x.example/nl-nl/a/", "robots": "noindex",
                "date": "1 januari 2024", "date_iso": "2024-01-01",
                "title_html": "<h1 id=\"t\">Een &lt;titel&gt;</h1>", "body": "<p>Tekst &amp; meer</p>",
                "reading_minutes": 3, "reading_time": "3 minuten", "author": "someone",
                "contributors": ["a <b>", "c"], "meta": {"x": 1}, "is_fallback": false, "content_lang": "nl-NL",
                "machine_translated": true, "source_url": "../../en-us/a/", "edit_url": "https://e.example/?a=1&b=2",
                "rel": "a.md",
                "pivots": {"id": "lang", "prompt": "Taal <kies>", "pivots": [{"id": "cs", "title": "C#"}, {"id": "py", "title": "Python"}]},
                "monikers": [{"id": "v1", "title": "Versie 1"}, {"id": "v2", "title": "Versie <2>"}],
                "content": "<h1>x</h1>",
                "toc": [{"level": 2, "id": "een", "text": "Een & twee"}, {"level": 3, "id": "drie", "text": "Drie"}],
                "translations": [
                    {"code": "en-us", "name": "English", "lang": "en-US", "url": "../../en-us/a/", "url_abs": "https://x.example/en-us/a/", "current": false},
                    {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "url": "./", "url_abs": "https://x.example/nl-nl/a/", "current": true}
                ],
                "nav": null});
        c["page"]["nav"] = json!({
            "items": [
                {"name": "Groep", "url": "", "current": false, "open": true, "items": [
                    {"name": "A <1>", "url": "./", "current": true, "open": false, "items": []},
                    {"name": "B", "url": "../b/", "current": false, "open": false}
                ]},
                {"name": "C", "url": "../c/", "current": false, "open": false, "items": []}
            ],
            "breadcrumbs": [
                {"name": "Start", "url": "../../"},
                {"name": "Groep & co"},
                {"name": "A", "url": "./", "current": true}
            ],
            "prev": {"name": "Vorige <p>", "url": "../p/"},
            "next": {"name": "Volgende", "url": "../n/"}
        });
        c
    }

    #[test]
    fn the_built_in_page_is_written_as_tera_writes_it() {
        let mut cases = vec![full()];
        // No search, no translations (the locale list instead), a
        // fallback page without header, TOC, nav, author alone, a pivot
        // group without prompt, a date without its ISO form, only `prev`.
        let mut c = full();
        c.as_object_mut().unwrap().remove("search");
        c.as_object_mut().unwrap().remove("t_plural");
        let p = c["page"].as_object_mut().unwrap();
        for (k, v) in [
            ("translations", json!([])),
            ("is_fallback", json!(true)),
            ("machine_translated", json!(false)),
            ("title_html", json!("")),
            ("toc", json!([])),
            ("contributors", json!([])),
            ("date_iso", json!("")),
            ("monikers", Value::Null),
            ("edit_url", json!("")),
            ("description", json!("")),
            ("robots", json!("")),
            (
                "pivots",
                json!({"id": "os", "prompt": "", "pivots": [{"id": "win", "title": "Windows"}]}),
            ),
            (
                "nav",
                json!({"items": [], "breadcrumbs": [{"name": "Start", "url": "../"}], "prev": {"name": "P", "url": "../p/"}, "next": null}),
            ),
        ] {
            p.insert(k.into(), v);
        }
        cases.push(c.clone());
        // One locale; one translation (no switcher); the title is the
        // site's; no nav at all; nothing in the byline; MT without a source.
        let mut c = full();
        c["locales"] = json!([{"code": "en-us", "name": "English", "lang": "en-US", "home": "./"}]);
        c["t_plural"] = json!({});
        let p = c["page"].as_object_mut().unwrap();
        for (k, v) in [
            ("title", json!("Docs <&> \"Site\"")),
            (
                "translations",
                json!([{"code": "nl-nl", "name": "NL", "lang": "nl-NL", "url": "./", "url_abs": "https://x.example/", "current": true}]),
            ),
            ("nav", Value::Null),
            ("date", json!("")),
            ("reading_time", json!("")),
            ("author", json!("")),
            ("contributors", json!([])),
            ("edit_url", json!("")),
            ("source_url", json!("")),
            ("pivots", Value::Null),
            ("canonical", json!("")),
        ] {
            p.insert(k.into(), v);
        }
        cases.push(c.clone());
        // No title: the site's alone; no translations and one locale.
        c["page"]["title"] = json!("");
        c["page"]["translations"] = json!([]);
        c["page"]["title_suffix"] = json!("");
        cases.push(c);
        for (i, ctx) in cases.iter().enumerate() {
            let want = with_tera(ctx).expect("Tera renders the case");
            let got = written(ctx).expect("written without Tera");
            if got != want {
                let at = got.bytes().zip(want.bytes()).position(|(a, b)| a != b).unwrap_or(0);
                panic!(
                    "case {i} differs at {at}:\n native: {:?}\n tera:   {:?}",
                    &got[at.saturating_sub(80)..(at + 80).min(got.len())],
                    &want[at.saturating_sub(80)..(at + 80).min(want.len())]
                );
            }
        }
    }

    #[test]
    fn where_tera_would_fail_tera_renders() {
        // A missing value printed, a list that is none: no page here (the
        // caller renders with Tera, which names the error).
        for (path, v) in [("site", Value::Null), ("t", json!({}))] {
            let mut c = full();
            c[path] = v;
            assert!(written(&c).is_none(), "{path}");
            assert!(with_tera(&c).is_none(), "{path}");
        }
        let mut c = full();
        c["page"]["toc"] = json!("not a list");
        assert!(written(&c).is_none());
    }
}
