//! `polydoc.toml`: the site contract. Owns parsing and validation of the
//! configuration; knows nothing about articles or output.

use crate::diagnostics::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "polydoc.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    source_locale: String,
    locales: BTreeMap<String, RawLocale>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    redirects: Option<PathBuf>,
    #[serde(default)]
    l10n: L10nSettings,
    #[serde(default)]
    search: Option<SearchConfig>,
    #[serde(default)]
    markdown: MarkdownConfig,
    /// "Edit this page": a URL pattern with `{path}`.
    #[serde(default)]
    edit_url: Option<String>,
}

/// `[markdown]` in polydoc.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Publish raw HTML as written: no removal of `<script>`, `<style>`,
    /// event handler attributes, `style=` and `javascript:` URLs (default
    /// false, as on Microsoft Learn).
    #[serde(default)]
    pub trust_html: bool,
}

/// `[l10n]`: translation review settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct L10nSettings {
    /// Finding name (`glued-link` or `l10n-glued-link`) -> `error`,
    /// `warning` or `off`. Unlisted findings are warnings.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Names that stay the same in every language (ignored when looking for
    /// paragraphs left untranslated).
    #[serde(default)]
    pub product_names: Vec<String>,
    /// A folder of the source files each translation was made from, laid
    /// out `<ms.sourcegitcommit>/<path>` (relative to the site root), for
    /// showing what changed since the handoff without the git history.
    #[serde(default)]
    pub handoff_sources: Option<PathBuf>,
    /// Write the reviewers' pages under `_l10n/` (default true); a
    /// publishing build may leave them out.
    #[serde(default = "yes")]
    pub review_pages: bool,
}

fn yes() -> bool {
    true
}

impl Default for L10nSettings {
    fn default() -> Self {
        L10nSettings {
            severity: BTreeMap::new(),
            product_names: Vec::new(),
            handoff_sources: None,
            review_pages: true,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocale {
    name: String,
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    edit_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Locale {
    /// Folder and URL segment, lower case (`nl-nl`).
    pub code: String,
    /// Display name (`Nederlands`).
    pub name: String,
    /// BCP 47 with conventional casing for `<html lang>` (`nl-NL`).
    pub lang: String,
    /// Folder holding this locale's article tree.
    pub root: PathBuf,
    pub rtl: bool,
    /// "Edit this page" for this locale's own articles: a URL with `{path}`
    /// (the article's path under the locale folder), from
    /// `[locales.<code>] edit_url` or the top-level `edit_url`.
    pub edit_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub site_root: PathBuf,
    pub title: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending in `/`.
    pub base_path: String,
    pub source_locale: String,
    /// Source locale first, then the others in code order.
    pub locales: Vec<Locale>,
    pub theme: String,
    pub hosts: Vec<String>,
    /// A redirection file (`.openpublishing.redirection.json` format),
    /// relative to the site root. Default: that file when present.
    pub redirects: Option<PathBuf>,
    pub l10n: L10nSettings,
    /// `[search]`: the per-locale search index.
    pub search: SearchConfig,
    /// The site boundary on real paths: the site folder and every locale's.
    pub fence: crate::fence::Fence,
    /// `[markdown]`: how Markdown is rendered.
    pub markdown: MarkdownConfig,
}

/// `[search]` in polydoc.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Write the index and the search page (default true).
    pub enabled: bool,
    /// Index pages marked `ROBOTS: NOINDEX` too (default false).
    pub index_noindex: bool,
    /// Pages left out: paths inside each locale starting with one of these
    /// (default: the localization review pages under `_l10n/`).
    pub exclude: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            index_noindex: false,
            exclude: vec!["_l10n/".into()],
        }
    }
}

impl Config {
    pub fn load(site_root: &Path) -> Result<Config, Diagnostic> {
        let path = site_root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error("config", CONFIG_FILE, format!("cannot read {CONFIG_FILE}: {e}")).help(format!(
                "run polydoc in a site folder, or pass it: `polydoc build SITE` (looked in {})",
                site_root.display()
            ))
        })?;
        Config::parse(site_root, &text)
    }

    pub fn parse(site_root: &Path, text: &str) -> Result<Config, Diagnostic> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("config", CONFIG_FILE, e.message().to_string());
            if let Some(span) = e.span() {
                let (l, c) = LineIndex::new(text).line_col(text, span.start);
                d = d.at(l, c);
            }
            d.help("allowed keys: title, base_url, source_locale, theme, hosts, redirects, edit_url, [locales.<code>] with name, path and edit_url, [l10n] with severity, product_names, handoff_sources and review_pages, [search] with enabled, index_noindex, exclude, [markdown] with trust_html")
        })?;
        let err = |msg: String| Diagnostic::error("config", CONFIG_FILE, msg);

        let (base_url, base_path) = split_base_url(&raw.base_url).ok_or_else(|| {
            err(format!("base_url `{}` is not an absolute http(s) URL", raw.base_url))
                .help("write it as the published address, e.g. base_url = \"https://docs.example.com/product/\"")
        })?;

        let mut locales = Vec::new();
        for (code, loc) in &raw.locales {
            let lang = bcp47_lang(code).ok_or_else(|| {
                err(format!("locale code `{code}` is not a BCP 47 language tag"))
                    .help("use a tag like `en-us`, `nl-nl`, `zh-hans` or `pt-br`")
            })?;
            let code_lc = code.to_ascii_lowercase();
            if code_lc != *code {
                return Err(err(format!(
                    "locale code `{code}` must be written in lower case (`{code_lc}`): it is the folder and URL name"
                )));
            }
            let root = match &loc.path {
                Some(p) => site_root.join(p),
                None => site_root.join("articles").join(code),
            };
            let primary = code.split('-').next().unwrap_or("");
            locales.push(Locale {
                code: code.clone(),
                name: loc.name.clone(),
                lang,
                root,
                rtl: matches!(primary, "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "dv" | "ug"),
                edit_url: match loc.edit_url.as_ref().or(raw.edit_url.as_ref()) {
                    Some(u) => Some(check_edit_url(
                        u,
                        &format!("[locales.{code}] edit_url"),
                        loc.edit_url.is_some(),
                    )?),
                    None => None,
                },
            });
        }
        let Some(src_pos) = locales.iter().position(|l| l.code == raw.source_locale) else {
            return Err(err(format!(
                "source_locale `{}` has no [locales.{}] table",
                raw.source_locale, raw.source_locale
            ))
            .help("add a table for it, e.g. [locales.en-us] name = \"English\""));
        };
        let src = locales.remove(src_pos);
        locales.insert(0, src);
        // Each locale needs a folder of its own: two on one folder (or one
        // inside another) publish the same files as two languages.
        let real: Vec<PathBuf> = locales.iter().map(|l| crate::fence::real_path(&l.root)).collect();
        for i in 0..locales.len() {
            for j in i + 1..locales.len() {
                let (a, b) = (&locales[i], &locales[j]);
                let shown = |p: &Path| crate::discover::display_path(site_root, p);
                let why = if real[i] == real[j] {
                    "the same folder"
                } else if real[j].starts_with(&real[i]) || real[i].starts_with(&real[j]) {
                    "nested folders"
                } else {
                    continue;
                };
                let source = if i == 0 { " (the source locale's folder)" } else { "" };
                let line = text
                    .find(&format!("[locales.{}]", b.code))
                    .map_or(0, |o| LineIndex::new(text).line_col(text, o).0);
                return Err(err(format!(
                    "locales `{}` and `{}` are on {why}: `{}`{source} and `{}`",
                    a.code,
                    b.code,
                    shown(&a.root),
                    shown(&b.root)
                ))
                .at(line, 1)
                .help("give each locale its own folder with `path` in [locales.<code>] (default: articles/<code>)"));
            }
        }

        let theme = raw.theme.unwrap_or_else(|| "default".to_string());
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            return Err(err(format!("theme `{theme}` must be a folder name under themes/")));
        }
        for (name, level) in &raw.l10n.severity {
            if !matches!(level.as_str(), "error" | "warning" | "off") {
                return Err(err(format!(
                    "[l10n.severity] `{name} = \"{level}\"`: the severity must be \"error\", \"warning\" or \"off\""
                )));
            }
        }
        for host in &raw.hosts {
            if host.is_empty() || host.contains(['/', ':', ' ']) {
                return Err(err(format!(
                    "host `{host}` must be a bare host name like docs.example.com"
                )));
            }
        }
        let fence =
            crate::fence::Fence::new(std::iter::once(site_root).chain(locales.iter().map(|l| l.root.as_path())));
        Ok(Config {
            fence,
            site_root: site_root.to_path_buf(),
            title: raw.title,
            base_url,
            base_path,
            source_locale: raw.source_locale,
            locales,
            theme,
            hosts: raw.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            redirects: raw.redirects,
            l10n: raw.l10n,
            search: raw.search.unwrap_or_default(),
            markdown: raw.markdown,
        })
    }

    pub fn source(&self) -> &Locale {
        &self.locales[0]
    }

    pub fn theme_dir(&self) -> PathBuf {
        self.site_root.join("themes").join(&self.theme)
    }

    /// The folders no output may go into: each locale's articles and the
    /// theme (the site's own sources).
    pub fn source_dirs(&self) -> Vec<PathBuf> {
        self.locales
            .iter()
            .map(|l| l.root.clone())
            .chain([self.theme_dir()])
            .collect()
    }

    pub fn locale_index(&self, code: &str) -> Option<usize> {
        self.locales.iter().position(|l| l.code == code)
    }
}

/// Returns the URL with a trailing slash and its path part.
/// An `edit_url` must be an absolute http(s) URL with `{path}` in it.
fn check_edit_url(url: &str, key: &str, own: bool) -> Result<String, Diagnostic> {
    let key = if own { key } else { "edit_url" };
    if !(url.starts_with("https://") || url.starts_with("http://")) || !url.contains("{path}") {
        return Err(Diagnostic::error(
            "config",
            CONFIG_FILE,
            format!("{key} `{url}` must be an absolute http(s) URL containing {{path}}"),
        )
        .help("e.g. edit_url = \"https://github.com/contoso/docs/edit/main/articles/en-us/{path}\" ({path} is the article's path under its locale folder)"));
    }
    Ok(url.to_string())
}

fn split_base_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || path.contains(['?', '#']) {
        return None;
    }
    let path = if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    let scheme_len = url.len() - rest.len();
    Some((format!("{}{}{}", &url[..scheme_len], host, path), path))
}

/// Validates a BCP 47 tag (language, script, region, variants) and returns it
/// with conventional casing (`nl-NL`, `zh-Hans`).
pub fn bcp47_lang(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let lang = parts.next()?;
    if !(2..=8).contains(&lang.len()) || lang.len() == 4 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = lang.to_ascii_lowercase();
    let mut stage = 0; // 0: script allowed, 1: region allowed, 2: variants only
    for sub in parts {
        let alpha = sub.bytes().all(|b| b.is_ascii_alphabetic());
        let alnum = sub.bytes().all(|b| b.is_ascii_alphanumeric());
        let digits = sub.bytes().all(|b| b.is_ascii_digit());
        if stage == 0 && sub.len() == 4 && alpha {
            let mut s = sub.to_ascii_lowercase();
            s[..1].make_ascii_uppercase();
            out.push('-');
            out.push_str(&s);
            stage = 1;
        } else if stage <= 1 && ((sub.len() == 2 && alpha) || (sub.len() == 3 && digits)) {
            out.push('-');
            out.push_str(&sub.to_ascii_uppercase());
            stage = 2;
        } else if ((5..=8).contains(&sub.len()) && alnum)
            || (sub.len() == 4 && alnum && sub.as_bytes()[0].is_ascii_digit())
        {
            out.push('-');
            out.push_str(&sub.to_ascii_lowercase());
            stage = 2;
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcp47() {
        assert_eq!(bcp47_lang("nl-nl").as_deref(), Some("nl-NL"));
        assert_eq!(bcp47_lang("zh-hans-cn").as_deref(), Some("zh-Hans-CN"));
        assert_eq!(bcp47_lang("es-419").as_deref(), Some("es-419"));
        assert_eq!(bcp47_lang("de").as_deref(), Some("de"));
        assert_eq!(bcp47_lang("english"), Some("english".into()));
        assert_eq!(bcp47_lang("en_us"), None);
        assert_eq!(bcp47_lang("e"), None);
        assert_eq!(bcp47_lang("nl-nl-x"), None);
        assert_eq!(bcp47_lang("123"), None);
    }

    #[test]
    fn base_url() {
        assert_eq!(
            split_base_url("https://d.example/docs"),
            Some(("https://d.example/docs/".into(), "/docs/".into()))
        );
        assert_eq!(
            split_base_url("http://d.example"),
            Some(("http://d.example/".into(), "/".into()))
        );
        assert_eq!(split_base_url("/docs/"), None);
    }

    #[test]
    fn unknown_key_has_position() {
        let text = "title = \"x\"\nbase_url = \"https://x.example/\"\nsource_locale = \"en-us\"\ncolour = 1\n[locales.en-us]\nname = \"English\"\n";
        let e = Config::parse(Path::new("."), text).unwrap_err();
        assert!(e.message.contains("colour"), "{}", e.message);
        assert_eq!(e.line, 4);
    }
}
