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
pub const REVIEW: &str = include_str!("../../themes/default/templates/l10n-review.html");
pub const REDIRECT: &str = include_str!("../../themes/default/templates/redirect.html");

mod base;
mod content;
mod redirect;
mod review;

pub use redirect::Redirect;

/// Which child template fills base.html's blocks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocks {
    /// `page.html`: a reader's page.
    Article,
    /// `l10n-review.html`: a translation beside its source.
    Review,
}

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
    w.base(page, Blocks::Article)?;
    if w.out.capacity() - w.out.len() > 4 * 1024 {
        w.out.shrink_to_fit();
    }
    Some(w.out)
}

/// `l10n-review.html` for `ctx` (the context `l10n::review` makes, its
/// sections as markup in `l10n.sections_html`) with the words `t` (the
/// review pages' English defaults among them) and `t_plural`, as Tera
/// renders the built-in templates. Written at once, never grown: a review
/// page is two articles and the chrome around them.
pub fn review(ctx: &Map<String, Value>, t: &Value, t_plural: &Value) -> Option<String> {
    let page = ctx.get("page")?;
    let sections = get(ctx.get("l10n")?, "sections_html")
        .and_then(Value::as_str)
        .map_or(0, str::len);
    let mut w = W {
        out: String::with_capacity(sections + 8 * 1024),
        ctx,
        t,
        t_plural,
    };
    w.base(page, Blocks::Review)?;
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
}

/// For the tests of each native writer: every case written without Tera
/// is byte for byte what Tera writes from the same context (where they
/// part, the bytes around it).
#[cfg(test)]
pub(crate) fn assert_written_as_tera_writes(
    cases: &[Value],
    written: impl Fn(&Value) -> Option<String>,
    with_tera: impl Fn(&Value) -> Option<String>,
) {
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
        assert_written_as_tera_writes(&cases, written, with_tera);
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
