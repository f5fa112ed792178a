//! Anchor repair: makes every heading ID on a page unique. Translation tools
//! copy each English heading's anchor into `<a name>` but drop the `-1`/`-2`
//! that de-duplicates repeated headings; the n-th repeat of an anchor gets
//! the ID the source page's n-th heading with that anchor has, so links
//! written against the source land in the translation too.

use crate::diagnostics::Diagnostic;
use crate::markdown::highlight::html_escape;
use crate::site::Site;
use std::collections::{HashMap, HashSet};

pub fn repair_duplicate_ids(site: &mut Site, bodies: &crate::bodies::Bodies, diags: &mut Vec<Diagnostic>) {
    // Most sites have few such articles: found first, without allocating.
    let repaired: Vec<usize> = (0..site.articles.len())
        .filter(|&i| has_duplicate_ids(&site.articles[i]))
        .collect();
    if repaired.is_empty() {
        return;
    }
    let source_of: HashMap<String, usize> = site
        .articles
        .iter()
        .enumerate()
        .filter(|(_, a)| a.locale == 0)
        .map(|(i, a)| (a.rel.clone(), i))
        .collect();
    for i in repaired {
        let source = source_of.get(&site.articles[i].rel).copied();
        repair_article(site, i, source, bodies, diags);
    }
}

/// Whether two of the article's headings have the same ID.
fn has_duplicate_ids(a: &crate::parse::Article) -> bool {
    let h = &a.md.headings;
    if h.len() <= 16 {
        return (1..h.len()).any(|j| h[..j].iter().any(|x| x.id == h[j].id));
    }
    let mut seen = HashSet::new();
    !h.iter().all(|h| seen.insert(h.id.as_str()))
}

/// Repairs one article (`source`: the index of its source-locale article).
pub fn repair_article(
    site: &mut Site,
    i: usize,
    source: Option<usize>,
    bodies: &crate::bodies::Bodies,
    diags: &mut Vec<Diagnostic>,
) {
    {
        let a = &site.articles[i];
        let mut seen = HashSet::new();
        if a.md.headings.iter().all(|h| seen.insert(h.id.as_str())) {
            return;
        }
        let source_display = source.filter(|&s| s != i).map(|s| site.articles[s].display.clone());
        let source_ids: Vec<String> = match source {
            Some(s) if s != i => site.articles[s].md.headings.iter().map(|h| h.id.clone()).collect(),
            _ => Vec::new(),
        };
        let mut used: HashSet<String> = a.md.headings.iter().map(|h| h.id.clone()).collect();
        let mut count: HashMap<String, usize> = HashMap::new();
        // (heading, new ID, whether the source page has that ID)
        let mut renames: Vec<(usize, String, bool)> = Vec::new();
        for (hi, h) in a.md.headings.iter().enumerate() {
            let n = count.entry(h.id.clone()).or_default();
            *n += 1;
            if *n == 1 {
                continue;
            }
            let nth = *n - 1;
            // The source's headings that carry this anchor, suffixed or not.
            let from_source = source_ids
                .iter()
                .filter(|s| is_same_anchor(s, &h.id))
                .nth(nth)
                .filter(|s| !used.contains(*s));
            let new_id = match from_source {
                Some(s) => s.clone(),
                None => (nth..)
                    .map(|k| format!("{}-{k}", h.id))
                    .find(|c| !used.contains(c))
                    .unwrap(),
            };
            used.insert(new_id.clone());
            renames.push((hi, new_id, from_source.is_some()));
        }
        let a = &mut site.articles[i];
        let Ok(old) = bodies.of(a).map(|h| h.into_owned()) else {
            return;
        };
        let mut pos = 0;
        let mut html = String::with_capacity(old.len());
        let mut rest_start = 0;
        let mut renames = renames.into_iter().peekable();
        for (hi, h) in a.md.headings.iter_mut().enumerate() {
            let tag = format!("<h{} id=\"{}\">", h.level, html_escape(&h.id));
            let Some(found) = old[pos..].find(&tag).map(|f| f + pos) else {
                continue;
            };
            pos = found + tag.len();
            if renames.peek().is_some_and(|(r, _, _)| *r == hi) {
                let (_, new_id, in_source) = renames.next().unwrap();
                let help = match (in_source, source_display.as_deref()) {
                    (true, Some(src)) => {
                        format!("write `<a name=\"{new_id}\"></a>` in this heading, as the source page {src} has it")
                    }
                    _ => format!("give this heading an anchor of its own, e.g. `<a name=\"{new_id}\"></a>`"),
                };
                diags.push(
                    Diagnostic::warning(
                        "duplicate-anchor",
                        &a.display,
                        format!("heading anchor `{}` is used more than once on this page; this one is published as `{new_id}`", h.id),
                    )
                    .at(h.line, 1)
                    .help(help),
                );
                html.push_str(&old[rest_start..found]);
                html.push_str(&format!("<h{} id=\"{}\">", h.level, html_escape(&new_id)));
                rest_start = pos;
                h.id = new_id;
            }
        }
        html.push_str(&old[rest_start..]);
        bodies.replace(a, html);
    }
}

/// `prerequisites` and `prerequisites-2` are the same anchor, repeated.
fn is_same_anchor(candidate: &str, anchor: &str) -> bool {
    candidate == anchor
        || candidate
            .strip_prefix(anchor)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
