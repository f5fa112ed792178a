//! A parse entry's header in binary: the article without its HTML, its
//! diagnostics and what the parse looked at. A warm build decodes one for
//! every unchanged article (20,000 on a site of 10,000 articles in two
//! locales), so it is written field by field, in a fixed order, with no
//! names and no text to parse (as JSON it was 11% of a warm build's CPU).
//!
//! Every field is written out here by name, so a field added to `Article`,
//! `FrontMatter` or `markdown::Rendered` does not compile until it is
//! written and read here too. The bytes are read back by `le_bytes::Reader`:
//! a cut or damaged header is `None` (a miss), never a panic. Entries are
//! keyed on polydoc's executable, so a header is only ever read by the
//! polydoc that wrote it; `FORMAT` guards against anything else.

use crate::diagnostics::{Diagnostic, Severity};
use crate::frontmatter::{Date, FrontMatter, Meta};
use crate::le_bytes::Reader;
use crate::markdown::docfx::monikers::Choice;
use crate::markdown::docfx::PivotUse;
use crate::markdown::{Heading, Link, LinkKind, Links, Origin, Rendered, Shared};
use crate::parse::Article;
use std::sync::Arc;

const FORMAT: &[u8; 4] = b"pdh2";

/// The article (its HTML left out: it follows the header in the entry),
/// the parse's diagnostics, and what it looked at.
pub fn encode(article: Option<&Article>, diags: &[Diagnostic], looked: &[(String, String)]) -> Vec<u8> {
    let mut w = Vec::with_capacity(1024);
    w.extend_from_slice(FORMAT);
    match article {
        Some(a) => {
            w.push(1);
            put_article(&mut w, a);
        }
        None => w.push(0),
    }
    put_diags(&mut w, diags);
    put_u32(&mut w, looked.len());
    for (p, found) in looked {
        put_str(&mut w, p);
        put_str(&mut w, found);
    }
    w
}

type Decoded = (Option<Article>, Vec<Diagnostic>, Vec<(String, String)>);

/// What `encode` wrote, or `None` when the bytes are not one whole header.
/// The article's links stay bytes until read, as `share` keeps them (a
/// part of `bytes`, handed back as part of the buffer `bytes` are of, or
/// a copy).
pub fn decode(bytes: &[u8], share: &dyn Fn(&[u8]) -> Shared) -> Option<Decoded> {
    let mut r = Reader(bytes);
    if r.take(4)? != FORMAT {
        return None;
    }
    let article = match r.take(1)?[0] {
        0 => None,
        1 => Some(take_article(&mut r, share)?),
        _ => return None,
    };
    let diags = take_diags(&mut r)?;
    let n = r.count(8)?;
    let mut looked = Vec::with_capacity(n);
    for _ in 0..n {
        looked.push((take_string(&mut r)?, take_string(&mut r)?));
    }
    r.0.is_empty().then_some((article, diags, looked))
}

pub(super) fn put_u32(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_u64(w: &mut Vec<u8>, n: u64) {
    w.extend_from_slice(&n.to_le_bytes());
}

pub(super) fn put_str(w: &mut Vec<u8>, s: &str) {
    put_u32(w, s.len());
    w.extend_from_slice(s.as_bytes());
}

pub(super) fn put_opt(w: &mut Vec<u8>, s: &Option<String>) {
    match s {
        Some(s) => {
            w.push(1);
            put_str(w, s);
        }
        None => w.push(0),
    }
}

fn put_strs(w: &mut Vec<u8>, v: &[String]) {
    put_u32(w, v.len());
    for s in v {
        put_str(w, s);
    }
}

fn put_date(w: &mut Vec<u8>, d: &Option<Date>) {
    match d {
        Some(d) => {
            w.push(1);
            w.extend_from_slice(&d.year.to_le_bytes());
            w.push(d.month);
            w.push(d.day);
        }
        None => w.push(0),
    }
}

pub(super) fn take_string(r: &mut Reader) -> Option<String> {
    r.str_u32().map(str::to_string)
}

pub(super) fn take_opt(r: &mut Reader) -> Option<Option<String>> {
    match r.take(1)?[0] {
        0 => Some(None),
        1 => Some(Some(take_string(r)?)),
        _ => None,
    }
}

fn take_strs(r: &mut Reader) -> Option<Vec<String>> {
    let n = r.count(4)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(take_string(r)?);
    }
    Some(v)
}

pub(super) fn take_usize(r: &mut Reader) -> Option<usize> {
    usize::try_from(r.u64()?).ok()
}

fn take_bool(r: &mut Reader) -> Option<bool> {
    match r.take(1)?[0] {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn take_date(r: &mut Reader) -> Option<Option<Date>> {
    match r.take(1)?[0] {
        0 => Some(None),
        1 => {
            let year = r.u16()?;
            let md = r.take(2)?;
            Some(Some(Date {
                year,
                month: md[0],
                day: md[1],
            }))
        }
        _ => None,
    }
}

fn put_article(w: &mut Vec<u8>, a: &Article) {
    let Article {
        locale,
        rel,
        display,
        abs: _,
        fm,
        title,
        md,
        body: _,
    } = a;
    put_u64(w, *locale as u64);
    put_str(w, rel);
    put_str(w, display);
    put_front_matter(w, fm);
    put_str(w, title);
    let Rendered {
        html: _,
        headings,
        other_ids,
        links,
        h1,
        diags,
        pivots,
        monikers,
        shortcuts,
    } = md;
    put_u32(w, headings.len());
    for Heading {
        level,
        id,
        text,
        line,
        explicit,
    } in headings
    {
        w.push(*level);
        put_str(w, id);
        put_str(w, text);
        put_u64(w, *line as u64);
        w.push(u8::from(*explicit));
    }
    put_strs(w, other_ids);
    // (Their length first: a reader keeps them as bytes, skipped whole.)
    let at = w.len();
    put_u32(w, 0);
    put_links(w, links);
    let len = w.len() - at - 4;
    w[at..at + 4].copy_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    put_opt(w, h1);
    put_diags(w, diags);
    put_u32(w, pivots.len());
    for PivotUse { id, file, line, column } in pivots {
        put_str(w, id);
        put_str(w, file);
        put_u64(w, *line as u64);
        put_u64(w, *column as u64);
    }
    put_u32(w, monikers.len());
    for Choice { id, title } in monikers {
        put_str(w, id);
        put_str(w, title);
    }
    put_links(w, shortcuts);
}

fn take_article(r: &mut Reader, share: &dyn Fn(&[u8]) -> Shared) -> Option<Article> {
    let locale = take_usize(r)?;
    let rel = take_string(r)?;
    let display = take_string(r)?;
    let fm = take_front_matter(r)?;
    let title = take_string(r)?;
    let n = r.count(22)?;
    let mut headings = Vec::with_capacity(n);
    for _ in 0..n {
        headings.push(Heading {
            level: r.take(1)?[0],
            id: take_string(r)?,
            text: take_string(r)?,
            line: take_usize(r)?,
            explicit: take_bool(r)?,
        });
    }
    let other_ids = take_strs(r)?;
    let links = links_stored(r, share)?;
    let h1 = take_opt(r)?;
    let diags = take_diags(r)?;
    let n = r.count(24)?;
    let mut pivots = Vec::with_capacity(n);
    for _ in 0..n {
        pivots.push(PivotUse {
            id: take_string(r)?,
            file: take_string(r)?,
            line: take_usize(r)?,
            column: take_usize(r)?,
        });
    }
    let n = r.count(8)?;
    let mut monikers = Vec::with_capacity(n);
    for _ in 0..n {
        monikers.push(Choice {
            id: take_string(r)?,
            title: take_string(r)?,
        });
    }
    let shortcuts = take_links(r)?;
    Some(Article {
        locale,
        rel,
        display,
        abs: Default::default(),
        fm,
        title,
        md: Rendered {
            html: String::new(),
            headings,
            other_ids,
            links,
            h1,
            diags,
            pivots,
            monikers,
            shortcuts,
        },
        body: None,
    })
}

fn put_front_matter(w: &mut Vec<u8>, fm: &FrontMatter) {
    let FrontMatter {
        title,
        description,
        ms_date,
        ms_custom,
        robots,
        ms_translationtype,
        ms_openlocfilehash,
        ms_sourcegitcommit,
        ms_lasthandoff,
        uid,
        redirect_url,
        all,
    } = fm;
    put_opt(w, title);
    put_opt(w, description);
    put_date(w, ms_date);
    put_strs(w, ms_custom);
    put_opt(w, robots);
    put_opt(w, ms_translationtype);
    put_opt(w, ms_openlocfilehash);
    put_opt(w, ms_sourcegitcommit);
    put_date(w, ms_lasthandoff);
    put_opt(w, uid);
    put_opt(w, redirect_url);
    put_str(w, all.text());
}

fn take_front_matter(r: &mut Reader) -> Option<FrontMatter> {
    Some(FrontMatter {
        title: take_opt(r)?,
        description: take_opt(r)?,
        ms_date: take_date(r)?,
        ms_custom: take_strs(r)?,
        robots: take_opt(r)?,
        ms_translationtype: take_opt(r)?,
        ms_openlocfilehash: take_opt(r)?,
        ms_sourcegitcommit: take_opt(r)?,
        ms_lasthandoff: take_date(r)?,
        uid: take_opt(r)?,
        redirect_url: take_opt(r)?,
        all: Meta::from_text(r.str_u32()?),
    })
}

fn put_links(w: &mut Vec<u8>, links: &[Link]) {
    put_u32(w, links.len());
    for Link {
        dest,
        text,
        line,
        column,
        kind,
        origin,
    } in links
    {
        put_str(w, dest);
        put_str(w, text);
        put_u64(w, *line as u64);
        put_u64(w, *column as u64);
        w.push(match kind {
            LinkKind::Link => 0,
            LinkKind::Image => 1,
            LinkKind::Html => 2,
        });
        match origin {
            Some(o) => {
                w.push(1);
                put_str(w, &o.rel);
                put_str(w, &o.display);
            }
            None => w.push(0),
        }
    }
}

/// One link as written, its text still in the bytes.
struct LinkAt<'a> {
    dest: &'a str,
    text: &'a str,
    line: usize,
    column: usize,
    kind: LinkKind,
    origin: Option<(&'a str, &'a str)>,
}

/// Reads the links `put_links` wrote, handing each to `each`: `None` when
/// they are not whole.
fn each_link<'a>(r: &mut Reader<'a>, mut each: impl FnMut(LinkAt<'a>)) -> Option<usize> {
    let n = r.count(26)?;
    for _ in 0..n {
        let dest = r.str_u32()?;
        let text = r.str_u32()?;
        let line = take_usize(r)?;
        let column = take_usize(r)?;
        let kind = match r.take(1)?[0] {
            0 => LinkKind::Link,
            1 => LinkKind::Image,
            2 => LinkKind::Html,
            _ => return None,
        };
        let origin = match r.take(1)?[0] {
            0 => None,
            1 => Some((r.str_u32()?, r.str_u32()?)),
            _ => return None,
        };
        each(LinkAt {
            dest,
            text,
            line,
            column,
            kind,
            origin,
        });
    }
    Some(n)
}

fn take_links(r: &mut Reader) -> Option<Vec<Link>> {
    // (Sized by the count `each_link` reads first.)
    let mut links = Vec::with_capacity(Reader(r.0).count(26).unwrap_or(0));
    // Links written in the same included file share its origin.
    let mut last: Option<Arc<Origin>> = None;
    each_link(r, |l| {
        let origin = l.origin.map(|(rel, display)| match &last {
            Some(o) if o.rel == rel && o.display == display => o.clone(),
            _ => {
                let o = Arc::new(Origin {
                    rel: rel.to_string(),
                    display: display.to_string(),
                });
                last = Some(o.clone());
                o
            }
        });
        links.push(Link {
            dest: l.dest.to_string(),
            text: l.text.to_string(),
            line: l.line,
            column: l.column,
            kind: l.kind,
            origin,
        });
    })?;
    Some(links)
}

/// The links `put_links` wrote after their length, kept as their bytes
/// until read (`Links`): most articles a warm build reads back are not
/// rendered, and nothing else of it reads their links. Not even walked
/// now: the record they are in passed its checksum, and is trusted as
/// far as the article's HTML is (walking 20,000 articles' links to check
/// them was 3% of a warm edit's CPU, copying them out 3% of its fresh memory).
fn links_stored(r: &mut Reader, share: &dyn Fn(&[u8]) -> Shared) -> Option<Links> {
    let len = r.count(1)?;
    let bytes = r.take(len)?;
    if bytes.get(..4)? == [0, 0, 0, 0] {
        return Some(Links::default());
    }
    Some(Links::stored(share(bytes), decode_links))
}

/// What `links_stored` kept, decoded (none, should the bytes not read
/// whole: they come from a record whose checksum held).
fn decode_links(bytes: &[u8]) -> Vec<Link> {
    let mut r = Reader(bytes);
    take_links(&mut r).filter(|_| r.0.is_empty()).unwrap_or_default()
}

pub(super) fn put_diags(w: &mut Vec<u8>, diags: &[Diagnostic]) {
    put_u32(w, diags.len());
    for Diagnostic {
        severity,
        code,
        file,
        line,
        column,
        message,
        help,
    } in diags
    {
        w.push(match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
        });
        put_str(w, code);
        put_str(w, file);
        put_u64(w, *line as u64);
        put_u64(w, *column as u64);
        put_str(w, message);
        put_opt(w, help);
    }
}

pub(super) fn take_diags(r: &mut Reader) -> Option<Vec<Diagnostic>> {
    let n = r.count(30)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let severity = match r.take(1)?[0] {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => return None,
        };
        v.push(Diagnostic {
            severity,
            code: super::codec::intern_code(r.str_u32()?),
            file: take_string(r)?,
            line: take_usize(r)?,
            column: take_usize(r)?,
            message: take_string(r)?,
            help: take_opt(r)?,
        });
    }
    Some(v)
}

#[cfg(test)]
mod tests;
