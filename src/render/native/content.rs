//! page.html's `content` block (the article with its navigation, its
//! table of contents, breadcrumbs, previous/next) and macros.html's
//! `nav_items`, written without Tera.

use super::{get, length, push_plain, truthy, W};
use crate::markdown::highlight::push_html_escaped;
use serde_json::Value;

impl<'a> W<'a> {
    /// page.html's `content` block.
    pub(super) fn content(&mut self, page: &'a Value, has_nav: bool, has_toc: bool) -> Option<()> {
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
    pub(super) fn nav_items(&mut self, items: &'a Value) -> Option<()> {
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
