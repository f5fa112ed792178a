//! Comparing one aligned section pair: links, images, code, UI paths,
//! numbers, placeholders, identifiers, untranslated text, and the marks
//! machine translation leaves around links.

use super::findings::{Input, Out};
use super::sections::{Block, Section};
use super::segments::Segment;
use super::tokens::{
    digit_runs, normalize_href, numbers, numbers_of, placeholders, plain, shorten, translatable_words, without_code,
    written_as_word,
};
use crate::parse::Article;
use std::collections::BTreeSet;

pub(super) fn compare(input: &Input, out: &mut Out, pi: usize, s: &Section, t: &Section) {
    let tr_line = (t.line.max(1), 1);
    // Links, resolved on the translation's page.
    let resolve = |a: &Article, i: usize| normalize_href(&input.resolver.href(input.page, &a.md.links[i]));
    let src_links: Vec<String> = s.links.iter().map(|&i| resolve(input.source, i)).collect();
    if s.links.len() != t.links.len() {
        out.add(
            "l10n-link-count",
            pi,
            tr_line,
            format!(
                "{} link(s) here, {} in the source section",
                t.links.len(),
                s.links.len()
            ),
            None,
        );
        out.say(
            "link_count",
            vec![
                ("here", t.links.len().to_string()),
                ("there", s.links.len().to_string()),
            ],
        );
    }
    let mut pool = src_links.clone();
    let mut unmatched = Vec::new();
    for &i in &t.links {
        // A section's links are the article's own (an include's are left
        // out), so both sides' resolve from the same page and folder: a
        // link written as the source's goes where the source's goes.
        let dest = &input.translation.md.links[i].dest;
        let href = match s.links.iter().position(|&k| input.source.md.links[k].dest == *dest) {
            Some(k) => src_links[k].clone(),
            None => resolve(input.translation, i),
        };
        match pool.iter().position(|h| *h == href) {
            Some(k) => {
                pool.remove(k);
            }
            None => unmatched.push((i, href)),
        }
    }
    if !pool.is_empty() {
        for (i, href) in &unmatched {
            let l = &input.translation.md.links[*i];
            out.add(
                "l10n-link-target",
                pi,
                (l.line, l.column),
                format!(
                    "link `{}` (\"{}\") goes to `{href}`; the source section links to {} instead",
                    l.dest,
                    shorten(l.text.trim(), 40),
                    pool.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
                ),
                Some("link to the same page as the source".into()),
            );
            out.say(
                "link_target",
                vec![
                    ("dest", l.dest.clone()),
                    ("text", shorten(l.text.trim(), 40)),
                    ("href", href.clone()),
                    (
                        "expected",
                        pool.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", "),
                    ),
                ],
            );
        }
    }
    if s.images.len() != t.images.len() {
        out.add(
            "l10n-image-count",
            pi,
            tr_line,
            format!(
                "{} image(s) here, {} in the source section",
                t.images.len(),
                s.images.len()
            ),
            None,
        );
        out.say(
            "image_count",
            vec![
                ("here", t.images.len().to_string()),
                ("there", s.images.len().to_string()),
            ],
        );
    }
    // Code blocks.
    if s.code.len() != t.code.len() {
        out.add(
            "l10n-code",
            pi,
            tr_line,
            format!(
                "{} code block(s) here, {} in the source section",
                t.code.len(),
                s.code.len()
            ),
            None,
        );
        out.say(
            "code_count",
            vec![("here", t.code.len().to_string()), ("there", s.code.len().to_string())],
        );
    } else {
        for (a, b) in s.code.iter().zip(&t.code) {
            let la: Vec<&str> = a.code.lines().map(str::trim_end).collect();
            let lb: Vec<&str> = b.code.lines().map(str::trim_end).collect();
            if la != lb {
                let k = la
                    .iter()
                    .zip(&lb)
                    .position(|(x, y)| x != y)
                    .unwrap_or(la.len().min(lb.len()));
                out.add(
                    "l10n-code",
                    pi,
                    (b.line + 1 + k, 1),
                    format!(
                        "code differs from the source's ({}:{}): `{}` here, `{}` in the source",
                        input.source_name,
                        a.line + 1 + k,
                        shorten(lb.get(k).unwrap_or(&""), 60),
                        shorten(la.get(k).unwrap_or(&""), 60)
                    ),
                    Some("translators must not change code; copy the source's block".into()),
                );
                out.say(
                    "code",
                    vec![
                        ("source", format!("{}:{}", input.source_name, a.line + 1 + k)),
                        ("here", shorten(lb.get(k).unwrap_or(&""), 60)),
                        ("there", shorten(la.get(k).unwrap_or(&""), 60)),
                    ],
                );
            }
        }
    }
    // UI paths: each source path needs one with as many steps.
    let mut steps: Vec<usize> = t.ui_paths.iter().map(|u| u.column).collect();
    for u in &s.ui_paths {
        match steps.iter().position(|&n| n == u.column) {
            Some(k) => {
                steps.remove(k);
            }
            None => {
                out.add(
                    "l10n-ui-path",
                    pi,
                    t.ui_paths.first().map_or(tr_line, |x| (x.line, 1)),
                    format!(
                        "the source's UI path `{}` ({} steps) has no counterpart with {} steps here",
                        u.text, u.column, u.column
                    ),
                    None,
                );
                out.say(
                    "ui_path",
                    vec![("path", u.text.clone()), ("steps", u.column.to_string())],
                );
            }
        }
    }
    // Machine translation's marks around links.
    for g in &t.glued {
        let word: String = g.text.rsplit(')').next().unwrap_or("").to_string();
        out.add(
            "l10n-glued-link",
            pi,
            (g.line, g.column),
            format!(
                "`{}`: the word `{word}` is glued to the link's closing parenthesis",
                g.text
            ),
            Some("put a space after the link, or move the word into the link text".into()),
        );
        out.say("glued_after", vec![("text", g.text.clone()), ("word", word.clone())]);
    }
    for g in &t.glued_before {
        let word: String = g
            .text
            .split('[')
            .next()
            .unwrap_or("")
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        out.add(
            "l10n-glued-link",
            pi,
            (g.line, g.column),
            format!("`{}`: the word `{word}` is glued to the link's opening bracket", g.text),
            Some("put a space before the link, or move the word into the link text".into()),
        );
        out.say("glued_before", vec![("text", g.text.clone()), ("word", word.clone())]);
    }
    if t.empty_links.len() > s.empty_links.len() {
        for e in &t.empty_links {
            out.add(
                "l10n-empty-link",
                pi,
                (e.line, e.column),
                format!("`{}`: the link has no text; readers cannot see or select it", e.text),
                Some("put the words the source links into the brackets".into()),
            );
            out.say("empty_link", vec![("text", e.text.clone())]);
        }
    }
    mangled_identifiers(input, out, pi, s, t);
    // `word ?`: the same word and mark spaced in the source is no
    // punctuation (`help or ? command`).
    let spaced = |x: &str| {
        let mut w = x.split_whitespace().rev();
        (w.next().map(str::to_owned), w.next().map(str::to_owned))
    };
    let source_spaced: Vec<_> = s.space_punct.iter().map(|x| spaced(&x.text)).collect();
    // A mark the source's prose writes after a space as part of a path
    // (`with .. relative paths`, ` ./`) is no punctuation in the section
    // where the sentence goes on after it: machine translation that drops
    // a dot of it leaves `mit . relativer Pfad`.
    let source_writes_spaced = |punct: char| {
        s.blocks.iter().any(|b| {
            [format!(" {punct}{punct}"), format!(" {punct}/"), format!(" {punct}\\")]
                .iter()
                .any(|p| b.prose.contains(p.as_str()))
        })
    };
    for sp in t
        .space_punct
        .iter()
        .filter(|x| !source_spaced.contains(&spaced(&x.text)))
        .filter(|x| !(x.goes_on && source_writes_spaced(x.text.trim_end().chars().last().unwrap_or(' '))))
    {
        let punct = sp.text.trim_end().chars().last().unwrap_or(' ');
        // The text as written, without the code spans' backticks: the
        // message quotes it in backticks of its own.
        let shown = sp.text.trim_start().replace('`', "");
        out.add(
            "l10n-space-punctuation",
            pi,
            (sp.line, sp.column),
            format!("space before `{punct}` in `{shown}`"),
            Some("remove the space".into()),
        );
        out.say("space_punctuation", vec![("punct", punct.to_string()), ("text", shown)]);
    }
    // Numbers, placeholders and untranslated text: per segment where the
    // translation carries its source segments, else per section.
    if !t.segments.is_empty() {
        for seg in &t.segments {
            per_segment(input, out, pi, seg);
        }
        return;
    }
    let src_text: String = s.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
    let tr_text: String = t.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
    missing_tokens(out, pi, tr_line, &src_text, &tr_text);
    // Each source block's prose trimmed once, not again for every block
    // of the translation.
    let source_prose: Vec<&str> = s.blocks.iter().map(|x| x.prose.trim()).collect();
    for b in &t.blocks {
        let same = untranslated(input, &source_prose, b).map(|k| &s.blocks[k]);
        if let Some(same) = same {
            out.add(
                "l10n-untranslated",
                pi,
                (b.line, 1),
                format!(
                    "\"{}\" is the same as the source ({}:{}): left untranslated?",
                    shorten(&b.prose, 60),
                    input.source_name,
                    same.line
                ),
                None,
            );
            out.say(
                "untranslated",
                vec![
                    ("text", shorten(&b.prose, 60)),
                    ("source", format!("{}:{}", input.source_name, same.line)),
                ],
            );
        }
    }
}

/// Identifiers and app names of the source (`Contoso.Relay_8x2!App`) the
/// translation has only with spaces, escapes or other separators in them:
/// machine translation mangled them.
fn mangled_identifiers(input: &Input, out: &mut Out, pi: usize, s: &Section, t: &Section) {
    let squash = |x: &str| x.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let mut seen = BTreeSet::new();
    // A block without a `.`, `_` or `!` between two letters or digits has
    // no identifier: most prose is passed over without splitting it.
    for b in s.blocks.iter().filter(|b| has_joining_mark(&b.text)) {
        for id in b
            .text
            .split_whitespace()
            // An identifier has 8 characters or more: a shorter word (in
            // bytes, at least its characters) is none, trimmed or not.
            .filter(|w| w.len() >= 8)
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '!'))
            .filter(|w| is_identifier(w))
        {
            if !seen.insert(id.to_string())
                || t.blocks.iter().any(|x| x.text.contains(id))
                || t.code.iter().any(|c| c.code.contains(id))
            {
                continue;
            }
            let key = squash(id);
            if let Some((x, at)) = t
                .blocks
                .iter()
                .find_map(|x| Some((x, spread_over_words(&x.text, &key)?)))
            {
                // The mangled form and what follows, at its own line.
                let shown = if at == 0 {
                    shorten(&x.text, 80)
                } else {
                    format!("…{}", shorten(&x.text[at..], 80))
                };
                out.add(
                    "l10n-identifier",
                    pi,
                    (x.line_at(at), 1),
                    format!(
                        "`{id}` of the source ({}:{}) is mangled here: \"{shown}\"",
                        input.source_name, b.line,
                    ),
                    Some(format!("write it exactly as the source does: `{id}`")),
                );
                out.say(
                    "identifier",
                    vec![
                        ("id", id.to_string()),
                        ("source", format!("{}:{}", input.source_name, b.line)),
                        ("text", shown),
                    ],
                );
            }
        }
    }
}

/// Whether `text` has a `.`, `_` or `!` with a letter or digit on each
/// side: what every identifier (`is_identifier`) has inside it.
fn has_joining_mark(text: &str) -> bool {
    memchr::memchr3_iter(b'.', b'_', b'!', text.as_bytes()).any(|i| {
        text[..i].chars().next_back().is_some_and(char::is_alphanumeric)
            && text[i + 1..].chars().next().is_some_and(char::is_alphanumeric)
    })
}

/// Where `text` holds `key` (letters and digits only) spread over words
/// and marks (`Microsoft. Windows _ App`): the byte offset of its first
/// letter, when that starts a word and its last letter ends one (so `3,5
/// Beta2` does not hold `35Beta`).
fn spread_over_words(text: &str, key: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let alnum: Vec<usize> = (0..chars.len()).filter(|&k| chars[k].1.is_alphanumeric()).collect();
    let key: Vec<char> = key.chars().collect();
    if key.is_empty() || alnum.len() < key.len() {
        return None;
    }
    let is_alnum = |k: usize| chars.get(k).is_some_and(|c| c.1.is_alphanumeric());
    (0..=alnum.len() - key.len()).find_map(|i| {
        let (first, last) = (alnum[i], alnum[i + key.len() - 1]);
        let same = key.iter().enumerate().all(|(n, c)| chars[alnum[i + n]].1 == *c);
        let starts = first == 0 || !is_alnum(first - 1);
        (same && starts && !is_alnum(last + 1)).then_some(chars[first].0)
    })
}

/// A name machine translation must leave alone: letters and digits joined
/// by `.`, `_` or `!` (at least one of them inside), 8 characters or more,
/// no URL or path.
fn is_identifier(w: &str) -> bool {
    w.chars().count() >= 8
        && !w.contains("://")
        && !w.contains(['/', '\\'])
        && w.chars().any(char::is_alphabetic)
        && w.char_indices().any(|(i, c)| {
            matches!(c, '.' | '_' | '!')
                && i > 0
                && w[..i].chars().next_back().is_some_and(char::is_alphanumeric)
                && w[i + 1..].chars().next().is_some_and(char::is_alphanumeric)
        })
}

/// The first source block (by its trimmed prose, `source_prose`) that the
/// translation's block `tr` is the same as, when `tr` has words to translate.
fn untranslated(input: &Input, source_prose: &[&str], tr: &Block) -> Option<usize> {
    // `prose` has no inline code already; an unclosed backtick is text.
    let b = tr.prose.trim();
    let k = source_prose.iter().position(|a| *a == b)?;
    // Bold (UI strings), code, names and directives need no translation.
    // A table cell of a few words is a value (`array of strings`).
    let least = if tr.cell { 4 } else { 3 };
    (translatable_words(tr.loose(), &input.settings.product_names) >= least).then_some(k)
}

fn missing_tokens(out: &mut Out, pi: usize, at: (usize, usize), src: &str, tr: &str) {
    let found = numbers_of(tr, false);
    let have: BTreeSet<String> = found.iter().map(|(k, _)| k.clone()).collect();
    let runs: BTreeSet<String> = found.iter().flat_map(|(_, shown)| digit_runs(shown)).collect();
    let mut missing: Vec<String> = Vec::new();
    for (k, shown) in numbers(src) {
        // The same digits with other separators (`498,5` -> `498, 5`), or
        // "3" written "drei" (a number word of the translation's language)
        // count.
        let present = have.contains(&k)
            || digit_runs(&shown).iter().all(|r| runs.contains(r))
            || written_as_word(out.lang, &k, tr);
        if !present && !missing.contains(&shown) {
            missing.push(shown);
        }
    }
    if !missing.is_empty() {
        out.add(
            "l10n-number",
            pi,
            at,
            format!("number(s) of the source missing here: {}", missing.join(", ")),
            None,
        );
        out.say("number", vec![("numbers", missing.join(", "))]);
    }
    let have = placeholders(tr);
    // One written in other letter case is named beside it.
    let missing: Vec<String> = placeholders(src)
        .into_iter()
        .filter(|p| !have.contains(p))
        .map(|p| match have.iter().find(|h| h.to_lowercase() == p.to_lowercase()) {
            Some(h) => format!("{p} (here: {h})"),
            None => p,
        })
        .collect();
    if !missing.is_empty() {
        out.add(
            "l10n-placeholder",
            pi,
            at,
            format!("placeholder(s) of the source missing here: {}", missing.join(", ")),
            Some("keep placeholders exactly as the source writes them".into()),
        );
        out.say("placeholder", vec![("list", missing.join(", "))]);
    }
}

fn per_segment(input: &Input, out: &mut Out, pi: usize, seg: &Segment) {
    let at = (seg.line, 1);
    missing_tokens(out, pi, at, &plain(&seg.source), &plain(&seg.translation));
    let a = plain(&without_code(&seg.source));
    let b = plain(&without_code(&seg.translation));
    if a == b && translatable_words(&b, &input.settings.product_names) >= 3 {
        out.add(
            "l10n-untranslated",
            pi,
            at,
            format!(
                "segment {} \"{}\" is the same as its source: left untranslated?",
                seg.id,
                shorten(&b, 60)
            ),
            None,
        );
        out.say(
            "segment_untranslated",
            vec![("id", seg.id.clone()), ("text", shorten(&b, 60))],
        );
    }
}
