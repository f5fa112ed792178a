//! The tokens the review findings compare: numbers (with the words some
//! languages write them as), placeholders, identifiers, plain text of
//! Markdown, the words that make a paragraph translatable, URLs without a
//! locale segment.

use regex::Regex;
use std::collections::BTreeSet;
use std::sync::OnceLock;

pub fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\d+(?:[.,]\d+)*").unwrap())
}

pub fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\{\d+(?:[,:][^}]*)?\}|\{[A-Za-z_][A-Za-z0-9_.]*\}|%(?:\d+\$)?[-+0#]?\d*(?:\.\d+)?[sdifuxXc@]\b")
            .unwrap()
    })
}

pub fn markdown_link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap())
}

/// Full-width digits as ASCII, so `８４４３` matches `8443`; a text without
/// them as it is.
pub fn ascii_digits(s: &str) -> std::borrow::Cow<'_, str> {
    // Full-width digits are U+FF10..U+FF19: `EF BC 90`..`EF BC 99` in UTF-8.
    if s.is_ascii() || memchr::memmem::find(s.as_bytes(), b"\xEF\xBC").is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// The numbers of a text standing alone, as their digits (`1,000` and `1.000` are one
/// number), with their written form.
pub fn numbers(text: &str) -> Vec<(String, String)> {
    numbers_of(text, true)
}

/// `numbers`, with those joined to letters too (`all`): what a translation
/// has, where machine translation may have glued a number to a word.
pub fn numbers_of(text: &str, standalone: bool) -> Vec<(String, String)> {
    // Most prose has no number: ASCII text without a digit is answered
    // without running the regex (whose `\d` is Unicode's: other text
    // takes the regex).
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let text = ascii_digits(text);
    let spans: Vec<(usize, usize)> = if text.is_ascii() {
        ascii_number_spans(text.as_bytes())
    } else {
        number_re().find_iter(&text).map(|m| (m.start(), m.end())).collect()
    };
    spans
        .into_iter()
        // A number joined to letters is part of a name or an ordinal
        // (`3rd`, `VS17`, `x64`, `2FA`): languages write those their way.
        .filter(|&(start, end)| {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            !standalone || (!before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic))
        })
        .map(|(start, end)| {
            let shown = &text[start..end];
            let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
            let key = digits.trim_start_matches('0');
            (
                if key.is_empty() { "0".into() } else { key.to_string() },
                shown.to_string(),
            )
        })
        .collect()
}

/// `number_re`'s matches in ASCII text (where its `\d` is `[0-9]`), found
/// byte by byte: a run of digits, then `.` or `,` and digits as long as they
/// follow.
fn ascii_number_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        i = digits(i);
        while i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
            i = digits(i + 1);
        }
        spans.push((start, i));
    }
    spans
}

/// The runs of digits of a number as written (`5.2.0` -> 5, 2, 0): a
/// translation may write the separators its own way (`498, 5`, `3,5`).
pub fn digit_runs(shown: &str) -> Vec<String> {
    ascii_digits(shown)
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(|r| {
            let t = r.trim_start_matches('0');
            if t.is_empty() {
                "0".to_string()
            } else {
                t.to_string()
            }
        })
        .collect()
}

/// Number words 0 to 12 per language (lower case), for numbers a
/// translation writes as words.
const NUMBER_WORDS: &[(&str, [&str; 13])] = &[
    (
        "de",
        [
            "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf",
        ],
    ),
    (
        "nl",
        [
            "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
        ],
    ),
    (
        "fr",
        [
            "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
        ],
    ),
    (
        "es",
        [
            "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce",
        ],
    ),
    (
        "it",
        [
            "zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici",
            "dodici",
        ],
    ),
    (
        "pt",
        [
            "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze", "doze",
        ],
    ),
    (
        "en",
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        ],
    ),
];

/// Whether `text` writes the number `digits` (no separators) as a word of
/// `locale`'s language: a word starting with the number word (German and
/// Dutch inflect: `einen`, `zwei`, `drie`, `eine`, `één`).
pub fn written_as_word(locale: &str, digits: &str, text: &str) -> bool {
    let Ok(n) = digits.parse::<usize>() else {
        return false;
    };
    let lang = locale.split(['-', '_']).next().unwrap_or("");
    let Some((_, words)) = NUMBER_WORDS.iter().find(|(l, _)| *l == lang) else {
        return false;
    };
    let Some(word) = words.get(n) else {
        return false;
    };
    // Forms a table of bare words misses.
    let extra: &[&str] = match (lang, n) {
        ("de", 1) => &["ein"],
        ("de", 2) => &["beide"],
        ("de", 3) => &["dritt"],
        ("nl", 2) => &["beide"],
        ("nl", 3) => &["derde"],
        ("nl", 1) => &["één"],
        ("fr", 1) => &["une"],
        ("es", 1) => &["un", "una"],
        ("it", 1) => &["una", "un"],
        ("pt", 1) => &["uma"],
        ("pt", 2) => &["duas"],
        _ => &[],
    };
    let lower = text.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).any(|w| {
        // Two and up also start compounds: `zweistufige` for "2FA".
        let fits = |stem: &str| w.starts_with(stem) && (n >= 2 || w.len() <= stem.len() + 2);
        fits(word) || extra.iter().any(|e| fits(e))
    })
}

pub fn placeholders(text: &str) -> BTreeSet<String> {
    placeholder_re()
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Markdown of a segment as plain text (link text kept, emphasis and code
/// marks dropped).
pub fn plain(md: &str) -> String {
    let s = markdown_link_re().replace_all(md, "$1");
    s.replace(['*', '`'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without inline code (`` `x` ``).
pub fn without_code(md: &str) -> String {
    let mut out = String::new();
    for (i, part) in md.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        }
    }
    out
}

/// Words that make a paragraph "translatable": at least one lower-case
/// letter, product names removed.
pub fn translatable_words(text: &str, products: &[String]) -> usize {
    let mut t = directive_re().replace_all(text, " ").into_owned();
    for p in products {
        t = t.replace(p.as_str(), " ");
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    // A command line (`tool verb -Name <name>`) is not prose.
    if words
        .iter()
        .any(|w| (w.starts_with('-') && w.len() > 1) || (w.starts_with('<') && w.ends_with('>')))
    {
        return 0;
    }
    // Title Case throughout (`Azure Artifacts Credential Provider for
    // Visual Studio`) is a name: only words starting lower case count.
    words
        .into_iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            w.chars().count() > 1
                && w.chars().next().is_some_and(char::is_lowercase)
                && !w.chars().any(|c| c.is_ascii_digit())
                && !is_name(w)
        })
        .count()
}

/// DocFX directives written in text: `[!div class="checklist"]`, `[!VIDEO url]`.
fn directive_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[![A-Za-z][\w-]*(?:\s[^\]]*)?\]").unwrap())
}

/// A token no language translates: a URL, host or file name
/// (`dev.azure.com`, `nuget.exe`), a path, an identifier
/// (`PackageReference`, `ms_date`, `Microsoft.Build`), an e-mail address.
pub fn is_name(w: &str) -> bool {
    let inner = w.trim_matches(|c: char| !c.is_alphanumeric());
    if inner.contains(['.', '/', '\\', '_', '@', '=', ':', '<', '>']) {
        return true;
    }
    // An upper-case letter after a lower-case one: camel case.
    let mut prev_lower = false;
    for c in inner.chars() {
        if c.is_uppercase() && prev_lower {
            return true;
        }
        prev_lower = c.is_lowercase();
    }
    false
}

pub fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// An external URL without a locale segment (`/nl-nl/`, `/en-us/`) in its
/// path: translators may localize those.
pub fn normalize_href(href: &str) -> String {
    let Some(i) = href.find("://") else {
        return href.to_string();
    };
    let rest = &href[i + 3..];
    let Some(slash) = rest.find('/') else {
        return href.to_string();
    };
    let path = &rest[slash + 1..];
    let seg = path.split(['/', '?', '#']).next().unwrap_or("");
    let mut it = seg.split('-');
    let looks_locale = matches!((it.next(), it.next(), it.next()), (Some(a), Some(b), None)
        if (2..=3).contains(&a.len()) && a.bytes().all(|c| c.is_ascii_alphabetic()) && (2..=4).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_alphanumeric()));
    if looks_locale {
        format!(
            "{}{}{}",
            &href[..i + 3],
            &rest[..slash + 1],
            &path[seg.len()..].trim_start_matches('/')
        )
    } else {
        href.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let n: Vec<String> = numbers("port 8443, TLS 1.2 and 1,000 or １０")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(n, ["8443", "12", "1000", "10"]);
        let p: Vec<String> = placeholders("`Channel {0}` when %s is over 50% of {count}")
            .into_iter()
            .collect();
        assert_eq!(p, ["%s", "{0}", "{count}"]);
        assert_eq!(plain("See [the **guide**](a.md) `x`."), "See the guide x.");
        assert_eq!(
            normalize_href("https://learn.example/nl-nl/azure/x?y=1"),
            "https://learn.example/azure/x?y=1"
        );
        assert_eq!(
            normalize_href("https://learn.example/azure/x"),
            "https://learn.example/azure/x"
        );
        assert_eq!(
            translatable_words("Open the Contoso Relay portal", &["Contoso Relay".into()]),
            2
        );
        assert_eq!(translatable_words("Contoso Relay SDK", &[]), 0);
        assert_eq!(
            translatable_words("Azure Artifacts Credential Provider for Visual Studio", &[]),
            1
        );
        assert_eq!(translatable_words("relay trusted-signers sync -Name <name>", &[]), 0);
        assert!(written_as_word("nl-nl", "3", "na drie pogingen"));
        assert!(written_as_word("de-de", "1", "mit einem Paket"));
        assert!(!written_as_word("de-de", "3", "mit einem Paket"));
        assert!(written_as_word("de-de", "2", "die zweistufige Anmeldung"));
        assert!(!written_as_word("de-de", "1", "einfach"));
        assert!(!written_as_word("ja-jp", "3", "三"));
        assert!(written_as_word("de-de", "3", "ein Drittanbieter-Tool"));
        let keys = |t: &str| numbers(t).into_iter().map(|x| x.0).collect::<Vec<_>>();
        assert_eq!(keys("the 3rd party, VS17 and x64, 2FA"), Vec::<String>::new());
        // Text without an ASCII digit skips the regex; other scripts'
        // digits (Unicode's `\d`) and text without digits still answer as it does.
        for t in [
            "no digits at all",
            "",
            "caf\u{e9} \u{663}\u{664} x",
            "\u{966}\u{967}.\u{968}",
            "1 and 2",
            "v1.2.3, 1,000.5. 7. .8 ,9 12,,3 4..5 x64 3rd 2FA 00 0.0,",
            "9.",
            "1.2.",
        ] {
            let by_regex: Vec<(String, String)> = number_re()
                .find_iter(t)
                .map(|m| {
                    let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
                    let key = digits.trim_start_matches('0');
                    (
                        if key.is_empty() { "0".into() } else { key.to_string() },
                        m.as_str().to_string(),
                    )
                })
                .collect();
            assert_eq!(numbers_of(t, false), by_regex, "{t:?}");
        }
        assert_eq!(numbers_of("\u{663}\u{664}", false).len(), 1);
        assert_eq!(digit_runs("498,5"), ["498", "5"]);
        // Host, file and identifier names, directives: nothing to translate.
        assert_eq!(translatable_words("badge.fury.io", &[]), 0);
        assert_eq!(translatable_words("Windows nuget.exe dev.azure.com", &[]), 0);
        assert_eq!(translatable_words("Set PackageReference in app_config", &[]), 1);
        assert_eq!(
            translatable_words("[!div class=\"checklist\"] [!VIDEO https://x.example/a-b]", &[]),
            0
        );
    }
}
