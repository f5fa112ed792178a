//! Search analysis: text -> index terms, per language.
//!
//! - Chinese, Japanese and Korean runs become overlapping character bigrams
//!   (a one-character run stays a unigram), so any substring of two or more
//!   characters is found without a dictionary.
//! - Other text is split into words (Unicode word boundaries, UAX #29),
//!   folded (lower case, compatibility decomposition, combining marks
//!   dropped, a few letters spelled out) and stemmed with Snowball where
//!   rust-stemmers has the language.
//! - Dutch and German (and the other compounding Germanic languages) also
//!   index the parts of compound words; the parts are found against the
//!   locale's own vocabulary (`compounds::split_compound`).
//!
//! The browser client (`themes/default/static/js/search.js`) folds and
//! segments the query the same way; the two must change together.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Longest word indexed (longer ones are hashes, base64, ...).
pub const MAX_WORD: usize = 40;

pub struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Language of this analyzer (BCP 47 primary subtag, lower case).
    pub lang: String,
    /// Index compound parts (Germanic languages).
    pub compounds: bool,
}

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The index term: folded and stemmed word, or a CJK bigram.
    pub term: String,
    /// The folded word before stemming (empty for CJK), used to split compounds.
    pub word: String,
}

impl Analyzer {
    /// The analyzer for a BCP 47 language tag (`nl-NL`, `ja`, `zh-Hans`).
    pub fn new(lang_tag: &str) -> Analyzer {
        let lang = lang_tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let algorithm = match lang.as_str() {
            "ar" => Some(Algorithm::Arabic),
            "da" => Some(Algorithm::Danish),
            "nl" => Some(Algorithm::Dutch),
            "en" => Some(Algorithm::English),
            "fi" => Some(Algorithm::Finnish),
            "fr" => Some(Algorithm::French),
            "de" => Some(Algorithm::German),
            "el" => Some(Algorithm::Greek),
            "hu" => Some(Algorithm::Hungarian),
            "it" => Some(Algorithm::Italian),
            "nb" | "nn" | "no" => Some(Algorithm::Norwegian),
            "pt" => Some(Algorithm::Portuguese),
            "ro" => Some(Algorithm::Romanian),
            "ru" => Some(Algorithm::Russian),
            "es" => Some(Algorithm::Spanish),
            "sv" => Some(Algorithm::Swedish),
            "ta" => Some(Algorithm::Tamil),
            "tr" => Some(Algorithm::Turkish),
            _ => None,
        };
        let compounds = matches!(lang.as_str(), "nl" | "de" | "da" | "sv" | "nb" | "nn" | "no" | "af");
        Analyzer {
            stemmer: algorithm.map(Stemmer::create),
            lang,
            compounds,
        }
    }

    /// The index term of one folded word.
    pub fn stem(&self, folded: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(folded).into_owned(),
            None => folded.to_string(),
        }
    }

    /// Calls `f` with every token of `text`, in order.
    pub fn tokens(&self, text: &str, mut f: impl FnMut(Token)) {
        self.each_term(text, |term, word| {
            f(Token {
                term: term.to_string(),
                word: word.to_string(),
            })
        });
    }

    /// Calls `f(term, folded word)` for every token of `text`, in order
    /// (the word is empty for CJK bigrams).
    pub fn each_term(&self, text: &str, mut f: impl FnMut(&str, &str)) {
        each_piece(text, |piece, cjk| {
            if cjk {
                f(piece, "");
            } else {
                for (term, word) in self.analyze_word(piece) {
                    f(&term, &word);
                }
            }
        });
    }

    /// (term, folded word) pairs of one word: the whole and, for
    /// `config.json`, `load_users`, `l'utilisateur`, its parts first.
    pub fn analyze_word(&self, w: &str) -> Vec<(String, String)> {
        let folded = fold(w);
        let mut out = Vec::new();
        if folded.is_empty() || folded.chars().count() > MAX_WORD {
            return out;
        }
        if folded.contains(['.', '_', '\'', '\u{2019}']) {
            for part in folded.split(['.', '_', '\'', '\u{2019}']).filter(|p| !p.is_empty()) {
                out.push((self.stem(part), part.to_string()));
            }
        }
        out.push((self.stem(&folded), folded));
        out
    }

    /// The index terms of `text`, in order (a convenience for tests and queries).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut v = Vec::new();
        self.tokens(text, |t| v.push(t.term));
        v
    }
}

/// Case and diacritic folding of a non-CJK word: lower case, compatibility
/// decomposition, combining marks dropped, and letters that do not
/// decompose spelled out (`ß` -> `ss`, `æ` -> `ae`, `ø` -> `o`, ...).
pub fn fold(word: &str) -> String {
    // ASCII: lower case is all the folding does (no ASCII character
    // decomposes, is a mark or is spelled out): what `fold_unicode` gives,
    // without its passes (tested on every ASCII character).
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    fold_unicode(word)
}

/// `fold` of any word.
fn fold_unicode(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase).collect::<String>().nfkd() {
        if is_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            other => out.push(other),
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    matches!(
        get_general_category(c),
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark
    )
}

/// Chinese, Japanese and Korean letters (searched by bigrams).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3006        // 々 〆
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x31F0..=0x31FF      // Katakana phonetic extensions
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // compatibility ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x1100..=0x11FF      // Hangul Jamo
        | 0x3130..=0x318F      // Hangul compatibility Jamo
        | 0xAC00..=0xD7AF      // Hangul syllables
        | 0x20000..=0x2FA1F    // CJK extensions B..F, compatibility supplement
    )
}

/// Splits text into alternating (is_cjk, run) pieces.
fn cjk_runs(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let cjk = is_cjk(first);
        let end = if cjk {
            rest.char_indices()
                .find(|&(_, c)| !is_cjk(c))
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
        } else {
            next_cjk(rest)
        };
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some((cjk, run))
    })
}

/// Byte offset of the first CJK letter of `s` (or its length). Every CJK
/// letter is at U+1100 or above, so it starts with a byte of 0xE1 or more
/// (always a leading byte): other bytes are skipped without decoding.
fn next_cjk(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&x| x >= 0xE1) {
        i += p;
        let c = s[i..].chars().next().unwrap_or(' ');
        if is_cjk(c) {
            return i;
        }
        i += c.len_utf8();
    }
    s.len()
}

/// Calls `f(piece, cjk)` for every piece of `text`, in order: a Unicode
/// word of non-CJK text as written (`cjk` false; `Analyzer::analyze_word`
/// makes its terms), or a CJK bigram, already folded (the term itself).
pub fn each_piece(text: &str, mut f: impl FnMut(&str, bool)) {
    if text.is_ascii() {
        each_word(text, |w| f(w, false));
        return;
    }
    let mut buf = String::new();
    let mut folded: Vec<char> = Vec::new();
    for (cjk, run) in cjk_runs(text) {
        if cjk {
            folded.clear();
            folded.extend(run.nfkc().flat_map(char::to_lowercase));
            if folded.len() == 1 {
                buf.clear();
                buf.push(folded[0]);
                f(&buf, true);
            }
            for pair in folded.windows(2) {
                buf.clear();
                buf.extend(pair);
                f(&buf, true);
            }
        } else {
            each_word(run, |w| f(w, false));
        }
    }
}

/// The words of `text` exactly as `unicode_words` (UAX #29) gives them,
/// faster: the text is cut where an ASCII white space is followed by an
/// ASCII character (no word-boundary rule looks across that), and pieces
/// that are all ASCII are split by `ascii_words`.
pub fn each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    if text.is_ascii() {
        ascii_words(text, &mut f);
        return;
    }
    let b = text.as_bytes();
    let mut start = 0;
    for i in 1..b.len() {
        if b[i] < 0x80 && !b[i].is_ascii_whitespace() && b[i - 1].is_ascii_whitespace() {
            words_of_piece(&text[start..i], &mut f);
            start = i;
        }
    }
    words_of_piece(&text[start..], &mut f);
}

fn words_of_piece<'a>(piece: &'a str, f: &mut impl FnMut(&'a str)) {
    if piece.is_ascii() {
        ascii_words(piece, f);
    } else {
        for w in piece.unicode_words() {
            f(w);
        }
    }
}

/// UAX #29 words of ASCII text. In ASCII the rules come down to: letters,
/// digits and `_` join (WB5, WB8-WB10, WB13a/b); `.` `'` `:` join between
/// two letters (WB6/WB7), `.` `'` `,` `;` between two digits (WB11/WB12);
/// everything else is a boundary. A word is a segment with a letter or digit.
fn ascii_words<'a>(s: &'a str, f: &mut impl FnMut(&'a str)) {
    let b = s.as_bytes();
    let n = b.len();
    let core = |c: u8| WORD_BYTE[c as usize];
    let mut i = 0;
    while i < n {
        while i < n && !core(b[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        let start = i;
        i += 1;
        loop {
            while i < n && core(b[i]) {
                i += 1;
            }
            if i + 1 < n {
                let (c, p, q) = (b[i], b[i - 1], b[i + 1]);
                let join = match c {
                    b'.' | b'\'' => {
                        (p.is_ascii_alphabetic() && q.is_ascii_alphabetic())
                            || (p.is_ascii_digit() && q.is_ascii_digit())
                    }
                    b':' => p.is_ascii_alphabetic() && q.is_ascii_alphabetic(),
                    b',' | b';' => p.is_ascii_digit() && q.is_ascii_digit(),
                    _ => false,
                };
                if join {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        // A run of `_` alone is not a word.
        if b[start] != b'_' || b[start..i].iter().any(|&c| c != b'_') {
            f(&s[start..i]);
        }
    }
}

/// ASCII letters, digits and `_`: the bytes words are made of.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Whether a query finds a text: every query term is a term of the text.
    fn finds(lang: &str, query: &str, text: &str) -> bool {
        let a = Analyzer::new(lang);
        let doc: HashSet<String> = a.terms(text).into_iter().collect();
        let q = a.terms(query);
        !q.is_empty() && q.iter().all(|t| doc.contains(t))
    }

    #[test]
    fn dutch_inflections_share_a_stem() {
        assert!(finds("nl-NL", "wachtwoorden", "Stel een nieuw wachtwoord in."));
        assert!(finds("nl-NL", "wachtwoord", "Alle wachtwoorden verlopen na 90 dagen."));
        assert!(finds("nl-NL", "gebruikers", "Elke gebruiker kan zich aanmelden."));
        assert!(finds("nl-NL", "instellingen", "De instelling staat uit."));
        assert!(!finds("nl-NL", "wachtwoord", "Wacht op de beheerder."));
    }

    #[test]
    fn english_german_french_spanish_stem() {
        assert!(finds("en-US", "configuring", "Configure the relay."));
        assert!(finds("de-DE", "Einstellungen", "Die Einstellung ist aktiv."));
        assert!(finds("fr-FR", "utilisateurs", "Chaque utilisateur peut se connecter."));
        assert!(finds("es-ES", "contraseñas", "Cambie la contraseña."));
        assert!(finds("ru-RU", "пароли", "Введите пароль."));
        assert!(finds("sv-SE", "lösenorden", "Ange ett lösenord."));
    }

    #[test]
    fn ascii_folds_as_any_word_does() {
        let every: String = (0u8..128).map(char::from).collect();
        assert_eq!(fold(&every), fold_unicode(&every));
        for c in (0u8..128).map(char::from) {
            assert_eq!(fold(&c.to_string()), fold_unicode(&c.to_string()), "{c:?}");
        }
        assert_eq!(fold("Load_Users.JSON"), "load_users.json");
    }

    #[test]
    fn diacritics_and_case_fold() {
        assert_eq!(fold("Één"), "een");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ærø"), "aero");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("ＡＢＣ"), "abc");
        assert!(finds("fr-FR", "developpeur", "Le développeur"));
        assert!(finds("fr-FR", "DÉVELOPPEUR", "le developpeur"));
        assert!(finds("nl-NL", "ideeen", "Twee ideeën."));
        assert!(finds("de-DE", "uber", "Über die Anmeldung"));
    }

    #[test]
    fn japanese_without_spaces_by_bigrams() {
        let a = Analyzer::new("ja-JP");
        assert_eq!(a.terms("新幹線"), vec!["新幹", "幹線"]);
        assert!(finds("ja-JP", "新幹線", "東海道新幹線の時刻表"));
        assert!(finds("ja-JP", "パスワード", "パスワードをリセットするには"));
        assert!(finds("ja-JP", "リセット", "パスワードをリセットするには"));
        assert!(!finds("ja-JP", "新幹線", "東海道線の時刻表"));
        // Latin words inside Japanese text are words of their own.
        assert!(finds("ja-JP", "azure", "Azureのパスワード"));
        // Half-width Katakana folds to full width; dakuten are kept.
        assert!(finds("ja-JP", "ﾊﾟｽﾜｰﾄﾞ", "パスワード"));
        assert!(!finds("ja-JP", "かか", "がが"));
        // One character alone is a term.
        assert_eq!(a.terms("字"), vec!["字"]);
    }

    #[test]
    fn chinese_and_korean_bigrams() {
        assert!(finds("zh-Hans", "密码", "重置用户密码的步骤"));
        assert!(finds("ko-KR", "비밀번호", "비밀번호를 재설정하려면"));
    }

    #[test]
    fn identifiers_are_words_and_parts() {
        let a = Analyzer::new("en-US");
        let t = a.terms("Edit config.json and load_users()");
        for want in ["config", "json", "config.json", "load", "user"] {
            assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
        }
    }

    /// Pseudo-random text over characters that matter to word boundaries.
    fn random_texts(count: usize) -> Vec<String> {
        const CHARS: &[char] = &[
            'a',
            'b',
            'Z',
            'é',
            '0',
            '9',
            '_',
            '.',
            '\'',
            ':',
            ',',
            ';',
            '"',
            '-',
            '/',
            '(',
            ')',
            '?',
            '=',
            '&',
            '#',
            '@',
            ' ',
            ' ',
            ' ',
            '\t',
            '\n',
            '\r',
            '\u{b}',
            '\u{c}',
            '\u{301}',
            '\u{2019}',
            '\u{93e}',
            '\u{a0}',
            '\u{200d}',
            '\u{ad}',
            '日',
            'カ',
            '😀',
            '\u{1f1e6}',
            'ß',
            'Ⅻ',
            '٣',
            '\u{5d0}',
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..count)
            .map(|i| {
                let len = (next() % 48) as usize;
                // Half of them ASCII only (the fast path), half mixed.
                let pool = if i % 2 == 0 { 21 + 4 } else { CHARS.len() };
                (0..len)
                    .map(|_| {
                        let c = CHARS[(next() % pool as u64) as usize];
                        if i % 2 == 0 && !c.is_ascii() {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect()
            })
            .collect()
    }

    const SAMPLES: &[&str] = &[
        "Edit config.json and load_users() first.",
        "Open config.json, then call load_users(); done",
        "l'utilisateur et l\u{2019}administrateur",
        "It costs 1,000.5 or 3.14; 2;3 and 1'000 (a.1 1.a 1:2)",
        "don't can't 'quoted' rock'n'roll",
        "https://example.com/docs/a_b/c.d?x=1&y=2#frag-ment and mailto:x@y.z",
        "__init__ _x x_ a__b ___ _1 1_ a_.b a._b",
        "e.g. U.S.A. a:b a::b a: :b .a a. ..a",
        "Twee ideeën, één café, naïve Straße",
        "tab\there\nnew\r\nline\u{b}vt\u{c}ff  two  spaces",
        " \u{93e}x a \u{301}b a\u{301} \u{301}",
        "Azureのパスワード 東海道新幹線 ﾊﾟｽﾜｰﾄﾞ",
        "",
        "   ",
        "x",
    ];

    #[test]
    fn fast_words_are_unicode_words() {
        let mut texts: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
        texts.extend(random_texts(20_000));
        for t in &texts {
            let mut fast = Vec::new();
            each_word(t, |w| fast.push(w));
            let want: Vec<&str> = t.unicode_words().collect();
            assert_eq!(fast, want, "{t:?}");
        }
    }

    /// The analysis as it was before pieces and the ASCII path.
    fn reference_terms(a: &Analyzer, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(first) = rest.chars().next() {
            let cjk = is_cjk(first);
            let end = rest
                .char_indices()
                .find(|&(_, c)| is_cjk(c) != cjk)
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            if cjk {
                let folded: Vec<char> = run.nfkc().flat_map(char::to_lowercase).collect();
                if folded.len() == 1 {
                    out.push((folded[0].to_string(), String::new()));
                }
                for pair in folded.windows(2) {
                    out.push((pair.iter().collect(), String::new()));
                }
            } else {
                for w in run.unicode_words() {
                    out.extend(a.analyze_word(w));
                }
            }
        }
        out
    }

    #[test]
    fn terms_are_the_reference_terms() {
        let mut texts: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
        texts.extend(random_texts(5_000));
        for lang in ["nl-NL", "ja-JP", "en-US"] {
            let a = Analyzer::new(lang);
            for t in &texts {
                let mut got = Vec::new();
                a.each_term(t, |term, word| got.push((term.to_string(), word.to_string())));
                assert_eq!(got, reference_terms(&a, t), "{lang} {t:?}");
            }
        }
    }
}
