//! Heading IDs exactly as DocFX / Microsoft Learn generate them (Markdig's
//! GitHub mode), and de-duplication within a page.

use std::collections::HashMap;
use unicode_general_category::{get_general_category, GeneralCategory as G};

/// Per character: keep and lower-case (simple 1:1 mapping) letters (L*),
/// decimal digits (Nd), `-` and `_`; a space becomes `-`; everything else,
/// including marks and characters outside the BMP, is dropped. No trimming or
/// collapsing; empty becomes `section`.
pub fn slug(text: &str) -> String {
    slug_keeping(text, None)
}

/// `slug`, keeping `keep` as written too (a `.`: the section IDs Learn's
/// FAQ pages have given, `NuGet.org accounts` -> `nuget.org-accounts`).
pub fn slug_keeping(text: &str, keep: Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' {
            out.push('-');
        } else if c == '-' || c == '_' || Some(c) == keep {
            out.push(c);
        } else if (c as u32) <= 0xFFFF && is_letter_or_digit(c) {
            out.push(simple_lower(c));
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

fn is_letter_or_digit(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
    )
}

/// Unicode's simple lowercase mapping: one character to one character.
/// `char::to_lowercase` is the full mapping; it differs only where it
/// yields several characters (U+0130 `İ` -> `i` + U+0307), and there the
/// simple mapping is its first character.
fn simple_lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Hands out unique IDs on one page: a repeat of `x` becomes `x-1`, `x-2`…
#[derive(Default)]
pub struct IdSet {
    used: HashMap<String, usize>,
}

impl IdSet {
    /// Records an ID that must be kept as written (an explicit anchor).
    /// Returns false when it was already taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        if self.used.contains_key(id) {
            return false;
        }
        self.used.insert(id.to_string(), 0);
        true
    }

    /// Returns `base`, or `base-N` with the first free N.
    pub fn unique(&mut self, base: &str) -> String {
        if !self.used.contains_key(base) {
            self.used.insert(base.to_string(), 0);
            return base.to_string();
        }
        let mut n = self.used[base];
        loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.used.contains_key(&candidate) {
                self.used.insert(base.to_string(), n);
                self.used.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learn_vectors() {
        assert_eq!(
            slug("This - is a &@! heading _ with . and ! -"),
            "this---is-a--heading-_-with--and---"
        );
        assert_eq!(slug("1. Deploying the network"), "1-deploying-the-network");
        assert_eq!(
            slug("Section for myproduct-4.1 and Later"),
            "section-for-myproduct-41-and-later"
        );
        assert_eq!(slug("東海道新幹線の概要"), "東海道新幹線の概要");
        assert_eq!(slug("Vereisten"), "vereisten");
        assert_eq!(slug("!!!"), "section");
        assert_eq!(slug(""), "section");
    }

    #[test]
    fn where_rust_differs() {
        // Marks are dropped (é in NFD is e + U+0301).
        assert_eq!(slug("Cafe\u{301}"), "cafe");
        // Precomposed letters stay, lower-cased.
        assert_eq!(slug("Überblick"), "überblick");
        // İ lower-cases to plain i, one character.
        assert_eq!(slug("İstanbul"), "istanbul");
        // Astral letters (U+1D400 MATHEMATICAL BOLD CAPITAL A) are dropped.
        assert_eq!(slug("a\u{1D400}b"), "ab");
        // Other numbers (²) and tabs are dropped; only U+0020 becomes '-'.
        assert_eq!(slug("x²\ty\u{a0}z"), "xyz");
    }

    #[test]
    fn duplicates() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a"), "a-2");
        assert!(ids.reserve("b-1"));
        assert_eq!(ids.unique("b"), "b");
        assert_eq!(ids.unique("b"), "b-2");
        assert!(!ids.reserve("a"));
    }
}
