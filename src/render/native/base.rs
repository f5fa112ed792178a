//! `base.html` written without Tera: the document around every reader
//! page and review page (head, header with the language switcher and
//! search box, footer), with page.html's or l10n-review.html's blocks
//! filled in.

use super::{get, length, same, truthy, Blocks, W};
use crate::markdown::highlight::push_html_escaped;
use serde_json::Value;

impl<'a> W<'a> {
    pub(super) fn base(&mut self, page: &'a Value, blocks: Blocks) -> Option<()> {
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
        // The `head` and `body_class` blocks.
        match blocks {
            Blocks::Article => self.s("\n</head>\n<body class=\"page-article\">"),
            Blocks::Review => {
                self.s("\n<link rel=\"stylesheet\" href=\"");
                self.v(self.top("l10n_static"))?;
                self.s("css/l10n.css\">\n\n</head>\n<body class=\"page-l10n page-l10n-review\">");
            }
        }
        self.s("\n<a class=\"skip-link\" href=\"#pd-main\">");
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
        if blocks == Blocks::Review {
            self.s("\">\n  <main id=\"pd-main\" class=\"site-main\" tabindex=\"-1\">");
            self.review_content()?;
            return self.footer();
        }
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
        self.footer()
    }

    /// From the end of `main` to the end of the document.
    fn footer(&mut self) -> Option<()> {
        let locale_of = |k: &str| self.top("locale").and_then(|l| get(l, k));
        let site_of = |k: &str| self.top("site").and_then(|s| get(s, k));
        let (home, title) = (locale_of("home"), site_of("title"));
        self.s("\n  </main>\n</div>\n<footer class=\"site-footer\">\n  <div class=\"site-footer-inner\">\n    <p><a href=\"");
        self.v(home)?;
        self.s("\">");
        self.t("home")?;
        self.s("</a> <span aria-hidden=\"true\">·</span> ");
        self.v(title)?;
        self.s("</p>\n  </div>\n</footer>\n</body>\n</html>\n");
        Some(())
    }
}
