//! Render: loads the theme (Tera templates, UI strings) once and turns a
//! page's resolved content into a full HTML document. Knows the template
//! contract (see ARCHITECTURE.md); knows nothing of Markdown or links.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::i18n::{self, Strings};
use crate::markdown::highlight::html_escape;
use crate::theme::ThemeFiles;
use serde_json::{json, Map, Value};
use std::error::Error as _;
use tera::Tera;

pub mod native;

pub const TEMPLATES: [&str; 5] = ["base.html", "page.html", "home.html", "404.html", "redirect.html"];

#[derive(Clone)]
pub struct Theme {
    tera: Tera,
    /// The theme's files: the site's `themes/<name>/` over the built-in theme.
    pub files: ThemeFiles,
    pub strings: Vec<Strings>,
    /// `t` and `t_plural` of each locale as template values, made once:
    /// every page's context gets a copy (a clone of a map built, where
    /// serializing the strings again costs a lookup per key).
    words: Vec<(Value, Value)>,
    /// The theme's `l10n-review.html` shows `l10n.sections_html` (the
    /// built-in one does): review pages get their sections as markup
    /// written by `l10n::review_markup`, not as values to loop over.
    pub review_markup: bool,
    /// How the theme's `l10n-index.html` takes the status pages' article
    /// rows: as values to loop over (`None`), or as the markup
    /// `l10n::status_pages` writes (`l10n.articles_html`; `Some(true)` when
    /// the template only ever shows it as is, as the built-in one does: the
    /// rows are then written into the page, never held as a value).
    pub status_markup: Option<bool>,
    /// The theme's `page.html`, `base.html` and `macros.html` are the
    /// built-in ones: reader pages are written by `native::page`, without
    /// Tera (the same bytes).
    native_page: bool,
    /// The theme's `base.html` is the built-in one and its `l10n-review.html`
    /// the built-in one (or none, the built-in copy standing in): review
    /// pages are written by `native::review` (the same bytes).
    native_review: bool,
    /// Each locale's `t` with the review pages' English defaults for the
    /// keys it lacks (`l10n::review_words`), made once.
    review_words: Vec<Value>,
    /// Per locale, the built-in `redirect.html` as Tera renders it, cut
    /// where the target goes (`native::Redirect`); `None` where the theme
    /// has its own or Tera could not render it (then Tera renders each
    /// page and says why).
    redirects: Vec<Option<native::Redirect>>,
}

impl Theme {
    pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> Result<Theme, Diagnostic> {
        let files = ThemeFiles::for_site(config)?;
        let mut templates = Vec::new();
        for (rel, source) in files.list("templates") {
            if !rel.ends_with(".html") {
                continue;
            }
            let shown = files.show(&format!("templates/{rel}"), &source);
            let text = source
                .read_string()
                .map_err(|e| Diagnostic::error("theme", &shown, format!("cannot read the template: {e}")))?;
            templates.push((rel, text, shown));
        }
        let mut tera = Tera::default();
        // Tera's default also escapes `/`, which is valid but makes every URL unreadable.
        tera.set_escape_fn(html_escape);
        tera.add_raw_templates(templates.iter().map(|(name, text, _)| (name.as_str(), text.as_str())))
            .map_err(|e| {
                // Tera names the template at fault; point at its file.
                let msg = chain(&e);
                let at = templates
                    .iter()
                    .find(|(name, _, _)| msg.contains(&format!("'{name}'")))
                    .map(|(_, _, shown)| shown.clone())
                    .unwrap_or_else(|| files.shown.clone());
                Diagnostic::error("template", at, format!("theme template does not compile: {msg}"))
            })?;
        for name in TEMPLATES {
            if tera.get_template(name).is_err() {
                return Err(Diagnostic::error(
                    "template",
                    format!("{}/templates/{name}", files.shown),
                    format!("the theme has no `{name}`"),
                ));
            }
        }
        // The translation review pages: the theme's own, else built-in copies.
        let review_markup = templates
            .iter()
            .find(|(name, _, _)| name == "l10n-review.html")
            .map_or(crate::l10n::review::TEMPLATES[1].1, |(_, text, _)| text.as_str())
            .contains("l10n.sections_html");
        let status_markup = crate::l10n::status_pages::rows_markup(
            templates
                .iter()
                .find(|(name, _, _)| name == "l10n-index.html")
                .map_or(crate::l10n::review::TEMPLATES[0].1, |(_, text, _)| text.as_str()),
        );
        for (name, text) in crate::l10n::review::TEMPLATES {
            if tera.get_template(name).is_err() {
                tera.add_raw_template(name, text).map_err(|e| {
                    Diagnostic::error(
                        "template",
                        files.shown.clone(),
                        format!("built-in template {name} does not fit this theme: {}", chain(&e)),
                    )
                })?;
            }
        }
        let same = |name: &str, builtin: &str| templates.iter().any(|(n, text, _)| n == name && text == builtin);
        let native_page =
            same("base.html", native::BASE) && same("page.html", native::PAGE) && same("macros.html", native::MACROS);
        let native_review = same("base.html", native::BASE)
            && templates
                .iter()
                .find(|(name, _, _)| name == "l10n-review.html")
                .is_none_or(|(_, text, _)| text == native::REVIEW);
        // A macro that calls itself without end is an error, not a crash.
        crate::template_guard::install(&mut tera);
        let codes: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
        let strings = i18n::load(&files, &codes, diags);
        let words: Vec<(Value, Value)> = strings.iter().map(|s| (json!(s.map), json!(s.plurals))).collect();
        let review_words = words.iter().map(|(t, _)| crate::l10n::review_words(t)).collect();
        let native_redirect = same("redirect.html", native::REDIRECT);
        let mut theme = Theme {
            tera,
            files,
            strings,
            words,
            review_markup,
            status_markup,
            native_page,
            native_review,
            review_words,
            redirects: Vec::new(),
        };
        if native_redirect {
            theme.redirects = (0..config.locales.len())
                .map(|locale| native::Redirect::new(|target| theme.tera_redirect(config, locale, target)))
                .collect();
        }
        Ok(theme)
    }

    /// `redirect.html` for a page in `from_dir` that sends the reader to
    /// `target`: the built-in template's parts joined by the escaped
    /// target (Tera's bytes), or rendered by Tera.
    pub fn render_redirect(
        &self,
        config: &Config,
        locale: usize,
        from_dir: &str,
        target: &str,
    ) -> Result<String, String> {
        if let Some(Some(redirect)) = self.redirects.get(locale) {
            return Ok(redirect.to(target));
        }
        let mut ctx = common_context(config, self, locale, from_dir, false);
        ctx.insert("target".into(), Value::String(target.to_string()));
        self.render("redirect.html", ctx)
    }

    /// `redirect.html` rendered by Tera for a page at the site's root.
    fn tera_redirect(&self, config: &Config, locale: usize, target: &str) -> Result<String, String> {
        let mut ctx = common_context(config, self, locale, "", false);
        ctx.insert("target".into(), Value::String(target.to_string()));
        self.render("redirect.html", ctx)
    }

    /// Whether the theme has an optional template (e.g. `search.html`).
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template(name).is_ok()
    }

    /// Whether the reader pages' templates may read `page.meta` (every
    /// front matter value): not when they are the built-in ones, which
    /// never do (written by `native::page`, or by Tera where it gives up).
    pub fn page_reads_meta(&self) -> bool {
        !self.native_page
    }

    /// `page.html` for `ctx`, a `context_without_words`: written by
    /// `native::page` with the theme's words as they are kept, or by Tera
    /// from a copy of them (where the built-in template would fail, Tera
    /// says why).
    pub fn render_page(&self, locale: usize, mut ctx: Map<String, Value>) -> Result<String, String> {
        if self.native_page {
            let (t, t_plural) = &self.words[locale];
            if let Some(html) = native::page(&ctx, t, t_plural) {
                return Ok(html);
            }
        }
        self.put_words(&mut ctx, locale);
        self.render("page.html", ctx)
    }

    /// `l10n-review.html` for `ctx`, a context without words: written by
    /// `native::review`, or by Tera with the locale's review words (where
    /// the built-in template would fail, Tera says why).
    pub fn render_review(&self, locale: usize, mut ctx: Map<String, Value>) -> Result<String, String> {
        let (t, t_plural) = (&self.review_words[locale], &self.words[locale].1);
        if self.native_review {
            if let Some(html) = native::review(&ctx, t, t_plural) {
                return Ok(html);
            }
        }
        ctx.insert("t".into(), t.clone());
        ctx.insert("t_plural".into(), t_plural.clone());
        self.render("l10n-review.html", ctx)
    }

    /// `t` and `t_plural` of the locale into `ctx`.
    fn put_words(&self, ctx: &mut Map<String, Value>, locale: usize) {
        let (t, t_plural) = self.words[locale].clone();
        ctx.insert("t".into(), t);
        ctx.insert("t_plural".into(), t_plural);
    }

    pub fn render(&self, template: &str, ctx: Map<String, Value>) -> Result<String, String> {
        let ctx = tera::Context::from_value(Value::Object(ctx)).map_err(|e| chain(&e))?;
        let _render = crate::template_guard::enter();
        self.tera.render(template, &ctx).map_err(|e| chain(&e))
    }

    /// `render` into a buffer of `capacity` bytes reserved at once: a page
    /// of tens of megabytes (the translation status pages) grown by
    /// doubling holds the old and the new buffer while it is copied.
    /// Reserved bytes never written cost no memory.
    pub fn render_sized(&self, template: &str, ctx: Map<String, Value>, capacity: usize) -> Result<String, String> {
        let ctx = tera::Context::from_value(Value::Object(ctx)).map_err(|e| chain(&e))?;
        let _render = crate::template_guard::enter();
        let mut out = Vec::with_capacity(capacity);
        self.tera.render_to(template, &ctx, &mut out).map_err(|e| chain(&e))?;
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}

/// Tera nests the useful part of its errors; show the whole chain.
fn chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// What every template gets: `site`, `locale`, `locales`, `static_path`, `t`.
/// URLs are relative to `from_dir` unless `absolute_paths` (the 404 page,
/// served at any URL) asks for base-path URLs.
pub fn common_context(
    config: &Config,
    theme: &Theme,
    locale: usize,
    from_dir: &str,
    absolute_paths: bool,
) -> Map<String, Value> {
    let mut m = context_without_words(config, locale, from_dir, absolute_paths);
    theme.put_words(&mut m, locale);
    m
}

/// `common_context` but `t` and `t_plural` (`Theme::render_page` adds
/// them only where Tera renders: a copy of every string per page).
pub fn context_without_words(
    config: &Config,
    locale: usize,
    from_dir: &str,
    absolute_paths: bool,
) -> Map<String, Value> {
    let url = |to: &str| {
        if absolute_paths {
            format!("{}{to}", config.base_path)
        } else {
            crate::site::relative_url(from_dir, to)
        }
    };
    let loc = &config.locales[locale];
    let locales: Vec<Value> = config
        .locales
        .iter()
        .map(|l| json!({"code": l.code, "name": l.name, "lang": l.lang, "home": url(&format!("{}/", l.code))}))
        .collect();
    let mut m = Map::new();
    m.insert(
        "site".into(),
        json!({"title": config.title, "base_url": config.base_url, "base_path": config.base_path, "source_locale": config.source_locale}),
    );
    m.insert(
        "locale".into(),
        json!({"code": loc.code, "name": loc.name, "lang": loc.lang, "dir": if loc.rtl {"rtl"} else {"ltr"}, "home": url(&format!("{}/", loc.code))}),
    );
    m.insert("locales".into(), Value::Array(locales));
    m.insert("static_path".into(), Value::String(url("_static/")));
    if config.search.enabled {
        m.insert(
            "search".into(),
            json!({"index": url(&crate::search::index_dir(&loc.code)), "page": url(&format!("{}/search/", loc.code))}),
        );
    }
    m
}

/// A small standalone redirect page (used where templates are not wanted).
pub fn plain_redirect(target: &str) -> String {
    let t = html_escape(target);
    format!("<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"><link rel=\"canonical\" href=\"{t}\"><a href=\"{t}\">{t}</a>\n")
}
