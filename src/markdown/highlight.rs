//! Code highlighting with syntect into CSS classes (`hl-*`), never inline
//! styles. The syntax set is loaded once, on first use.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Names DocFX articles use that syntect knows by another name.
fn alias(lang: &str) -> &str {
    match lang {
        "csharp" | "c#" | "cs" => "cs",
        "javascript" | "js" | "node" => "js",
        "typescript" | "ts" => "ts",
        "bash" | "shell" | "sh" | "azurecli" | "azurecli-interactive" | "azure-cli" | "console" | "cmd" => "sh",
        "yml" | "yaml" => "yaml",
        "python" | "py" => "py",
        "html" | "xml" | "xaml" | "csproj" => "xml",
        "json" | "jsonc" => "json",
        "markdown" | "md" => "md",
        "sql" | "tsql" | "kusto" => "sql",
        "cpp" | "c++" => "cpp",
        "fsharp" | "f#" => "fs",
        "vb" | "vbnet" => "vb",
        "ruby" | "rb" => "rb",
        other => other,
    }
}

fn find(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() {
        return None;
    }
    let set = syntaxes();
    let l = lang.to_ascii_lowercase();
    set.find_syntax_by_token(alias(&l))
}

/// Highlighted blocks already rendered in this process, by (language,
/// code). Translations carry the source's code blocks unchanged
/// (translators must not touch code), so each block is highlighted once for
/// all locales. Sharded to keep lock contention low.
struct Cache {
    shards: Vec<Mutex<HashMap<u64, Arc<str>>>>,
}

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Cache {
        shards: (0..32).map(|_| Mutex::new(HashMap::new())).collect(),
    })
}

/// Renders a code block. `lang` is the first word of the fence's info string.
pub fn code_block(code: &str, lang: &str) -> String {
    code_block_with(code, lang, "")
}

/// As `code_block`, with `extra` attributes (already escaped, each with a
/// leading space) on the `<code>` element. Each distinct block is rendered
/// once per process.
pub fn code_block_with(code: &str, lang: &str, extra: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (lang, code, extra).hash(&mut h);
    let key = h.finish();
    let shard = &cache().shards[(key % 32) as usize];
    if let Some(hit) = shard.lock().unwrap().get(&key) {
        return hit.to_string();
    }
    let html = render_block(code, lang, extra);
    shard.lock().unwrap().insert(key, Arc::from(html.as_str()));
    html
}

/// Set for a process that keeps no HTML (`polydoc index`).
static PLAIN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on this process escapes code instead of highlighting it: for
/// `polydoc index`, which keeps headings and IDs, not HTML.
pub fn skip_highlighting() {
    PLAIN.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn render_block(code: &str, lang: &str, extra: &str) -> String {
    let lang_attr = html_escape(lang);
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"lang-{lang_attr}\"")
    };
    let plain = PLAIN.load(std::sync::atomic::Ordering::Relaxed);
    let body = match find(lang).filter(|_| !plain).and_then(|syntax| {
        let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            gen.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(gen.finalize())
    }) {
        Some(html) => html,
        None => html_escape(code),
    };
    format!(
        "<pre class=\"code\"{}><code{class}{extra}>{body}</code></pre>\n",
        if lang.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{lang_attr}\"")
        }
    )
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_html_escaped(&mut out, s);
    out
}

/// `s` HTML-escaped onto `out`: the text between the escaped characters is
/// copied a run at a time (they are ASCII, never part of another
/// character's bytes).
pub fn push_html_escaped(out: &mut String, s: &str) {
    // Most values have nothing to escape: two vectorized scans, one copy.
    let b = s.as_bytes();
    if b.len() >= 16 && memchr::memchr3(b'&', b'<', b'>', b).is_none() && memchr::memchr2(b'"', b'\'', b).is_none() {
        out.push_str(s);
        return;
    }
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
}

/// CSS for a syntect theme, for `hl-` classes (used to write the theme's
/// `syntax-light.css` / `syntax-dark.css`).
pub fn theme_css(theme_name: &str) -> Option<String> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = themes.themes.get(theme_name)?;
    syntect::html::css_for_theme_with_class_style(theme, CLASS_STYLE).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_not_styles() {
        let html = code_block("let x = 1;\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
        let plain = code_block("<b>\n", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;"));
        assert!(code_block("{\"a\": 1}\n", "json").contains("hl-"));
        assert!(code_block("var x = 1;\n", "csharp").contains("hl-"));
    }

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            html_escape("a<b>&\"c'd\u{e9}\u{65e5}<"),
            "a&lt;b&gt;&amp;&quot;c&#39;d\u{e9}\u{65e5}&lt;"
        );
        assert_eq!(html_escape(""), "");
        assert_eq!(html_escape("plain"), "plain");
    }
}
