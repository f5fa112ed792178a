//! l10n-review.html's `content` block (the facts about a translation, its
//! findings, the two sides' headers and the aligned sections polydoc wrote
//! as markup), written without Tera.

use super::{get, push_plain, truthy, W};
use serde_json::Value;

/// `s | truncate(length=n, end="")`: Tera counts grapheme clusters; an
/// ASCII string (commits, dates) is cut at a byte, anything else is left to
/// Tera (`None`).
fn truncated(v: Option<&Value>, n: usize) -> Option<&str> {
    let s = v?.as_str()?;
    s.is_ascii().then(|| &s[..s.len().min(n)])
}

impl<'a> W<'a> {
    /// A finding's line: `<li …><code>code</code> <span class="l10n-where">`,
    /// the file (written by `file`), `:line[:column]</span> message</li>`.
    fn finding(&mut self, f: &'a Value, file: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        self.s("\n        <li class=\"l10n-finding severity-");
        self.v(get(f, "severity"))?;
        self.s("\" data-code=\"");
        self.v(get(f, "code"))?;
        self.s("\"><code>");
        self.v(get(f, "code"))?;
        self.s("</code> <span class=\"l10n-where\">");
        file(self)?;
        self.s(":");
        self.v(get(f, "line"))?;
        if truthy(get(f, "column")) {
            self.s(":");
            self.v(get(f, "column"))?;
        }
        self.s("</span> ");
        self.v(get(f, "message"))?;
        self.s("</li>");
        Some(())
    }

    /// One side's header: `<div lang=…><strong>Source</strong> · name · <a>file</a>`
    /// and its edit link.
    fn review_side(&mut self, side: Option<&'a Value>, word: &str) -> Option<()> {
        let of = |k: &str| side.and_then(|s| get(s, k));
        self.s("\n        <div lang=\"");
        self.v(of("lang"))?;
        self.s("\"><strong>");
        self.t(word)?;
        self.s("</strong> · ");
        self.v(of("name"))?;
        self.s(" · <a href=\"");
        self.v(of("url"))?;
        self.s("\">");
        self.v(of("file"))?;
        self.s("</a>");
        if truthy(of("edit_url")) {
            self.s(" · <a class=\"l10n-edit\" href=\"");
            self.v(of("edit_url"))?;
            self.s("\">");
            self.t("l10n_edit")?;
            self.s("</a>");
        }
        self.s("</div>");
        Some(())
    }

    /// l10n-review.html's `content` block.
    pub(super) fn review_content(&mut self) -> Option<()> {
        let l10n = self.top("l10n");
        let l = |k: &str| l10n.and_then(|v| get(v, k));
        let translation = l("translation");
        let tr = |k: &str| translation.and_then(|v| get(v, k));
        let status = l("status");
        let st = |k: &str| status.and_then(|v| get(v, k));
        self.s("\n    <div class=\"l10n\">\n      <nav class=\"l10n-crumbs\" aria-label=\"");
        self.t("l10n_review")?;
        self.s("\">\n        <a href=\"");
        self.v(l("all_url"))?;
        self.s("\">");
        self.t("l10n_all_locales")?;
        self.s("</a> <span aria-hidden=\"true\">›</span>\n        <a href=\"");
        self.v(l("index_url"))?;
        self.s("\">");
        self.v(tr("code"))?;
        self.s("</a> <span aria-hidden=\"true\">›</span>\n        ");
        self.v(tr("file"))?;
        self.s("\n      </nav>\n      <h1>");
        self.t("l10n_review")?;
        self.s(": ");
        self.v(tr("title"))?;
        self.s("</h1>\n      <dl class=\"l10n-facts\">\n        <div><dt>");
        self.t("l10n_state")?;
        self.s("</dt><dd><span class=\"l10n-badge state-");
        self.v(st("state"))?;
        self.s("\">");
        self.v(st("state_label"))?;
        self.s("</span> ");
        self.v(st("reason"))?;
        self.s("</dd></div>\n        <div><dt>");
        self.t("l10n_type")?;
        self.s("</dt><dd>");
        self.v(st("translation_type"))?;
        self.s("</dd></div>");
        if truthy(st("lasthandoff")) {
            self.s("\n        <div><dt>");
            self.t("l10n_handoff")?;
            self.s("</dt><dd><time datetime=\"");
            self.v(st("lasthandoff"))?;
            self.s("\">");
            self.v(st("lasthandoff"))?;
            self.s("</time></dd></div>");
        }
        if truthy(st("handoff_commit")) {
            self.s("\n        <div><dt>");
            self.t("l10n_handoff_commit")?;
            self.s("</dt><dd><code>");
            self.escaped(truncated(st("handoff_commit"), 7)?);
            self.s("</code></dd></div>");
        }
        if truthy(st("source_commit")) {
            self.s("\n        <div><dt>");
            self.t("l10n_source_commit")?;
            self.s("</dt><dd><code>");
            self.escaped(truncated(st("source_commit"), 7)?);
            self.s("</code> <time datetime=\"");
            self.v(st("source_date"))?;
            self.s("\">");
            self.escaped(truncated(st("source_date"), 10)?);
            self.s("</time></dd></div>");
        }
        let stale = st("state")?.as_str() == Some("stale");
        if truthy(st("changes")) && stale {
            let changes = st("changes");
            let c = |k: &str| changes.and_then(|v| get(v, k));
            self.s("\n        <div class=\"l10n-since\"><dt>");
            self.t("l10n_since_handoff")?;
            self.s("</dt><dd><span class=\"l10n-words-added\">+");
            self.v(c("words_added"))?;
            self.s("</span> ");
            self.t("l10n_words_added")?;
            self.s(", <span class=\"l10n-words-removed\">−");
            self.v(c("words_removed"))?;
            self.s("</span> ");
            self.t("l10n_words_removed")?;
            self.s(", <span class=\"l10n-words-changed\">~");
            self.v(c("words_changed"))?;
            self.s("</span> ");
            self.t("l10n_words_changed")?;
            self.s("; ");
            self.t("l10n_sections_changed")?;
            self.s(": ");
            // Tera adds whole numbers as whole numbers.
            let mut sum: u64 = 0;
            for k in ["sections_added", "sections_removed", "sections_changed"] {
                sum = sum.checked_add(c(k)?.as_u64()?)?;
            }
            push_plain(&mut self.out, &Value::from(sum));
            self.s("</dd></div>");
        } else if truthy(st("handoff_missing")) && stale {
            self.s("\n        <div class=\"l10n-since\"><dt>");
            self.t("l10n_since_handoff")?;
            self.s("</dt><dd>");
            self.t("l10n_no_handoff_text")?;
            self.s(": ");
            self.v(st("handoff_missing"))?;
            self.s("</dd></div>");
        }
        let includes = l("includes");
        if truthy(includes) {
            self.s("\n        <div class=\"l10n-includes\"><dt>");
            self.t("l10n_includes")?;
            self.s("</dt><dd>");
            let all = includes?.as_array()?;
            for (n, i) in all.iter().enumerate() {
                self.s("<code>");
                self.v(get(i, "rel"))?;
                self.s("</code> <span class=\"l10n-badge state-");
                self.v(get(i, "state"))?;
                self.s("\" title=\"");
                self.v(get(i, "reason"))?;
                self.s("\">");
                self.v(get(i, "label"))?;
                self.s("</span>");
                if n + 1 < all.len() {
                    self.s(", ");
                }
            }
            self.s("</dd></div>");
        }
        self.s("\n        <div><dt>");
        self.t("l10n_findings")?;
        self.s("</dt><dd class=\"l10n-findings-count\">");
        self.v(l("findings_count"))?;
        self.s("</dd></div>\n      </dl>");
        if truthy(l("findings")) {
            self.s("\n      <ul class=\"l10n-findings l10n-article-findings\" aria-label=\"");
            self.t("l10n_findings")?;
            self.s("\">");
            let file = tr("file");
            for f in l("findings")?.as_array()? {
                self.finding(f, |w| w.v(file))?;
            }
            self.s("\n      </ul>");
        }
        // `{% for i in l10n.includes %}` fails on a value that is no list.
        let includes = match includes? {
            Value::Array(a) => a,
            _ => return None,
        };
        for i in includes {
            if !truthy(get(i, "findings")) {
                continue;
            }
            self.s("\n      <ul class=\"l10n-findings l10n-include-findings\" aria-label=\"");
            self.t("l10n_findings")?;
            self.s(": ");
            self.v(get(i, "rel"))?;
            self.s("\">");
            let (code, rel) = (tr("code"), get(i, "rel"));
            for f in get(i, "findings")?.as_array()? {
                self.finding(f, |w| {
                    w.v(code)?;
                    w.s("/");
                    w.v(rel)
                })?;
            }
            self.s("\n      </ul>");
        }
        self.s("\n      <div class=\"l10n-grid l10n-head\" role=\"presentation\">");
        self.review_side(l("source"), "l10n_source")?;
        self.review_side(translation, "l10n_translation")?;
        self.s("\n      </div>");
        self.safe(l("sections_html"))?;
        self.s("\n    </div>");
        Some(())
    }

    /// A string HTML-escaped.
    fn escaped(&mut self, s: &str) {
        crate::markdown::highlight::push_html_escaped(&mut self.out, s);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    fn with_tera(ctx: &Value) -> Option<String> {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(crate::markdown::highlight::html_escape);
        tera.add_raw_templates([
            ("base.html", super::super::BASE),
            ("l10n-review.html", super::super::REVIEW),
        ])
        .unwrap();
        let c = tera::Context::from_value(ctx.clone()).unwrap();
        tera.render("l10n-review.html", &c).ok()
    }

    fn written(ctx: &Value) -> Option<String> {
        let mut ctx = ctx.as_object().unwrap().clone();
        let t = ctx.remove("t").unwrap_or_default();
        let t_plural = ctx.remove("t_plural").unwrap_or_default();
        super::super::review(&ctx, &t, &t_plural)
    }

    fn full() -> Value {
        let mut t = json!({
            "copy_code": "Kopieer", "copied": "Gekopieerd", "copy_failed": "Mislukt", "code_label": "Code",
            "close": "Sluit", "search_all": "Alle", "search_more": "Meer", "search_empty": "Niets",
            "search_count": "{n} resultaten", "skip_to_content": "Naar inhoud", "search_placeholder": "Zoek",
            "search_label": "Zoeken", "languages": "Talen", "toggle_theme": "Thema", "home": "Start",
            "l10n_edit": "Bewerk <hier>", "l10n_includes": "Ingevoegd"
        });
        let defaults = crate::l10n::review_words(&json!({}));
        for (k, v) in defaults.as_object().unwrap() {
            t[k] = json!(format!("{} & \"nl\"", v.as_str().unwrap()));
        }
        let finding = |sev: &str, col: u64| json!({"code": "l10n-stale", "message": "Bron <gewijzigd> & 'zo'", "line": 3, "column": col, "severity": sev});
        json!({
            "site": {"title": "Docs <&> \"Site\"", "base_url": "https://x.example/", "base_path": "/", "source_locale": "en-us"},
            "locale": {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "dir": "ltr", "home": "../../../nl-nl/"},
            "locales": [
                {"code": "en-us", "name": "English", "lang": "en-US", "home": "../../../en-us/"},
                {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "home": "../../../nl-nl/"}
            ],
            "static_path": "../../../_static/",
            "t": t,
            "t_plural": {"search_count": {"one": "{n} resultaat", "other": "{n} \"resultaten\""}},
            "search": {"index": "../../../_search/nl-nl/", "page": "../../../nl-nl/search/"},
            "page": {"title": "Controle: <Titel> & zo", "url": "./", "robots": "noindex, nofollow", "description": "", "canonical": "", "toc": [], "translations": []},
            "l10n_static": "../../../_static/",
            "l10n": {
                "source_now": "en-us/a.md",
                "source": {"code": "en-us", "name": "English", "lang": "en-US", "dir": "ltr", "file": "en-us/a.md@abc1234", "title": "A <b>", "url": "../../../en-us/a/", "edit_url": "https://e.example/edit?p=a.md&x=1"},
                "translation": {"code": "nl-nl", "name": "Nederlands", "lang": "nl-NL", "dir": "ltr", "file": "nl-nl/a.md", "title": "Een <b> & 'c'", "url": "../../../nl-nl/a/", "edit_url": null},
                "status": {
                    "state": "stale", "state_label": "verouderd <x>", "metadata_changed": false, "reason": "bron & gewijzigd",
                    "handoff_commit": "0123456789abcdef", "source_commit": "fedcba9876543210", "source_date": "2024-05-06T07:08:09+02:00",
                    "handoff_missing": "", "changes": {"words_added": 3, "words_removed": 1, "words_changed": 0, "sections_added": 1, "sections_removed": 2, "sections_changed": 4, "sections": []},
                    "translation_type": "MT", "machine_translated": true, "lasthandoff": "2024-01-02"
                },
                "findings_count": 7,
                "findings": [finding("warning", 0), finding("error", 5)],
                "includes": [
                    {"rel": "includes/x.md", "state": "current", "reason": "", "label": "actueel", "file": "nl-nl/includes/x.md", "findings": []},
                    {"rel": "includes/<y>.md", "state": "stale", "reason": "oud & \"zo\"", "label": "oud", "file": "nl-nl/includes/y.md", "findings": [finding("warning", 2)]}
                ],
                "index_url": "../../", "all_url": "../../../_l10n/",
                "sections_html": "\n      <section class=\"l10n-section\" id=\"pair-0\"><p>x &amp; y</p></section>"
            }
        })
    }

    #[test]
    fn the_built_in_review_page_is_written_as_tera_writes_it() {
        let mut cases = vec![full()];
        // Current, no commits, no includes or findings, no search, an
        // edit link on the translation's side only.
        let mut c = full();
        c.as_object_mut().unwrap().remove("search");
        let l = &mut c["l10n"];
        l["status"]["state"] = json!("current");
        l["status"]["handoff_commit"] = json!("");
        l["status"]["source_commit"] = json!("");
        l["status"]["lasthandoff"] = json!("");
        l["status"]["changes"] = Value::Null;
        l["findings"] = json!([]);
        l["includes"] = json!([]);
        l["findings_count"] = json!(0);
        l["source"]["edit_url"] = Value::Null;
        l["translation"]["edit_url"] = json!("https://e.example/nl");
        cases.push(c);
        // Stale without the handoff text; one include; a short commit.
        let mut c = full();
        let l = &mut c["l10n"];
        l["status"]["changes"] = Value::Null;
        l["status"]["handoff_missing"] = json!("git <has> no commit");
        l["status"]["source_commit"] = json!("abc");
        l["status"]["source_date"] = json!("2024");
        l["includes"] = json!([l["includes"][1].clone()]);
        cases.push(c.clone());
        // Changes known but the translation current: no "since" line.
        c["l10n"]["status"]["state"] = json!("current");
        c["l10n"]["status"]["changes"] = full()["l10n"]["status"]["changes"].clone();
        cases.push(c);
        // Every part of the template shows in one case or another.
        let first = written(&cases[0]).unwrap();
        for part in [
            "l10n-since",
            ": 7</dd>",
            "<code>0123456</code>",
            "l10n-include-findings",
            "l10n-article-findings",
            "l10n-edit",
        ] {
            assert!(first.contains(part), "{part}");
        }
        assert!(written(&cases[2]).unwrap().contains("git &lt;has&gt; no commit"));
        super::super::assert_written_as_tera_writes(&cases, written, with_tera);
    }

    #[test]
    fn where_tera_would_fail_or_cuts_by_grapheme_tera_renders() {
        // A missing value printed; includes that are no list; a commit
        // that is not ASCII (Tera cuts it by grapheme cluster).
        let mut c = full();
        c["l10n"]["translation"] = Value::Null;
        assert!(written(&c).is_none());
        assert!(with_tera(&c).is_none());
        let mut c = full();
        c["l10n"]["includes"] = json!("x");
        assert!(written(&c).is_none());
        let mut c = full();
        c["l10n"]["status"]["handoff_commit"] = json!("e\u{301}bcdefghij");
        assert!(written(&c).is_none());
        assert!(with_tera(&c).is_some());
    }
}
