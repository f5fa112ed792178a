//! What cached values look like on disk: a rendered page (`PageOutput`) as
//! a JSON header (path, diagnostics, links) followed by its HTML.

use crate::diagnostics::{Diagnostic, Severity};
use crate::links::Class;
use crate::pages::{ExternalLink, PageOutput};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// A diagnostic as read back (its code is a `String` until interned).
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredDiag {
    severity: Severity,
    code: String,
    file: String,
    line: usize,
    column: usize,
    message: String,
    #[serde(default)]
    help: Option<String>,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        StoredDiag::deserialize(d).map(StoredDiag::into_diagnostic)
    }
}

impl StoredDiag {
    fn of(d: &Diagnostic) -> StoredDiag {
        StoredDiag {
            severity: d.severity,
            code: d.code.to_string(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    fn into_diagnostic(self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            code: intern(self.code),
            file: self.file,
            line: self.line,
            column: self.column,
            message: self.message,
            help: self.help,
        }
    }
}

/// Diagnostic codes are `&'static str`: the few distinct codes read back
/// are kept once for the life of the process.
fn intern(code: String) -> &'static str {
    intern_code(&code)
}

/// `intern` for a borrowed code.
pub fn intern_code(code: &str) -> &'static str {
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(c) = codes.get(code) {
        return c;
    }
    let leaked: &'static str = Box::leak(code.into());
    codes.insert(leaked);
    leaked
}

pub fn encode_diags(diags: &[Diagnostic]) -> Vec<u8> {
    serde_json::to_vec(&diags.iter().map(StoredDiag::of).collect::<Vec<_>>()).unwrap_or_default()
}

pub fn decode_diags(bytes: &[u8]) -> Option<Vec<Diagnostic>> {
    let stored: Vec<StoredDiag> = serde_json::from_slice(bytes).ok()?;
    Some(stored.into_iter().map(StoredDiag::into_diagnostic).collect())
}

#[derive(Serialize, Deserialize)]
struct PageHeader {
    path: String,
    diags: Vec<StoredDiag>,
    link_classes: Vec<Class>,
    external: Vec<ExternalLink>,
    links_to: Vec<String>,
}

pub fn encode_page(p: &PageOutput) -> Vec<u8> {
    let header = PageHeader {
        path: p.path.clone(),
        diags: p.diags.iter().map(StoredDiag::of).collect(),
        link_classes: p.link_classes.clone(),
        external: p.external.clone(),
        links_to: p.links_to.clone(),
    };
    let json = serde_json::to_vec(&header).unwrap_or_default();
    let mut out = Vec::with_capacity(8 + json.len() + p.html.len());
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(p.html.as_bytes());
    out
}

pub fn decode_page(bytes: &[u8]) -> Option<PageOutput> {
    let len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    let json = bytes.get(8..8usize.checked_add(len)?)?;
    let header: PageHeader = serde_json::from_slice(json).ok()?;
    let html = String::from_utf8(bytes[8 + len..].to_vec()).ok()?;
    Some(PageOutput {
        path: header.path,
        html,
        diags: header.diags.into_iter().map(StoredDiag::into_diagnostic).collect(),
        link_classes: header.link_classes,
        external: header.external,
        links_to: header.links_to,
    })
}

/// What the report needs of a page (its diagnostics, links by class,
/// external links), kept for every page of the last build in one file
/// (`encode_reports`), so a page whose output file is in place costs no
/// entry read.
#[derive(Clone)]
pub struct Report {
    diags: Vec<Diagnostic>,
    link_classes: Vec<Class>,
    external: Vec<ExternalLink>,
}

impl Report {
    pub fn of(p: &PageOutput) -> Report {
        Report {
            diags: p.diags.clone(),
            link_classes: p.link_classes.clone(),
            external: p.external.clone(),
        }
    }

    /// The page's output without its HTML.
    #[cfg(test)]
    pub fn page(&self, path: String) -> PageOutput {
        PageOutput {
            path,
            html: String::new(),
            diags: self.diags.clone(),
            link_classes: self.link_classes.clone(),
            external: self.external.clone(),
            links_to: Vec::new(),
        }
    }
}

/// A page's report for `encode_reports`: made by this build, or the bytes
/// the last build's shard holds for it (`index_reports`), copied as they are.
#[derive(Clone, Copy)]
pub enum ReportBytes<'a> {
    Made(&'a Report),
    Stored(&'a [u8]),
}

/// The reports of a shard, binary (read by every warm build: as JSON they
/// were 3% of a warm edit's CPU): per page its key, diagnostics, link
/// classes (a byte each) and external links.
const REPORTS: &[u8; 4] = b"pdr2";

/// How many link classes there are (`class_at`).
pub const CLASS_COUNT: usize = 9;

const CLASSES: [Class; CLASS_COUNT] = [
    Class::SamePage,
    Class::Internal,
    Class::Fallback,
    Class::Asset,
    Class::Xref,
    Class::Redirected,
    Class::External,
    Class::Other,
    Class::Broken,
];

fn class_byte(c: Class) -> u8 {
    match c {
        Class::SamePage => 0,
        Class::Internal => 1,
        Class::Fallback => 2,
        Class::Asset => 3,
        Class::Xref => 4,
        Class::Redirected => 5,
        Class::External => 6,
        Class::Other => 7,
        Class::Broken => 8,
    }
}

pub fn encode_reports(reports: &[([u8; 32], ReportBytes)]) -> Vec<u8> {
    use super::parsed_header::{put_diags, put_str, put_u32};
    let size: usize = reports
        .iter()
        .map(|(_, r)| match r {
            ReportBytes::Stored(b) => b.len(),
            ReportBytes::Made(_) => 64,
        })
        .sum();
    let mut w = Vec::with_capacity(16 + reports.len() * 32 + size);
    w.extend_from_slice(REPORTS);
    put_u32(&mut w, reports.len());
    for (k, r) in reports {
        w.extend_from_slice(k);
        let r = match r {
            ReportBytes::Stored(b) => {
                w.extend_from_slice(b);
                continue;
            }
            ReportBytes::Made(r) => r,
        };
        put_diags(&mut w, &r.diags);
        put_u32(&mut w, r.link_classes.len());
        w.extend(r.link_classes.iter().map(|c| class_byte(*c)));
        put_u32(&mut w, r.external.len());
        for ExternalLink {
            file,
            line,
            column,
            url,
        } in &r.external
        {
            put_str(&mut w, file);
            w.extend_from_slice(&(*line as u64).to_le_bytes());
            w.extend_from_slice(&(*column as u64).to_le_bytes());
            put_str(&mut w, url);
        }
    }
    w
}

/// Where a page's report lies in what `encode_reports` wrote (the bytes
/// after its key: `report_page` reads them), with what the build's report
/// takes of it but its diagnostics, found as it was checked (a kept page's
/// report is then read again only when it has diagnostics).
#[derive(Clone, Copy)]
pub struct Indexed {
    pub start: usize,
    pub end: usize,
    /// Its links counted by class (`class_at`).
    pub classes: [u32; CLASS_COUNT],
    pub diags: bool,
    pub external: bool,
}

/// Each page's report in what `encode_reports` wrote (`Indexed`), or
/// `None` when it is not whole. Nothing is decoded: a warm build keeps
/// most pages, and reads a kept page's diagnostics, if it has any, once.
pub fn index_reports(bytes: &[u8]) -> Option<crate::search::fxhash::FxHashMap<[u8; 32], Indexed>> {
    let mut r = crate::le_bytes::Reader(bytes);
    if r.take(4)? != REPORTS {
        return None;
    }
    let n = r.count(44)?;
    let mut out = crate::search::fxhash::FxHashMap::with_capacity_and_hasher(n, Default::default());
    for _ in 0..n {
        let k = r.key()?;
        let start = bytes.len() - r.0.len();
        let (classes, diags, external) = skip_report(&mut r)?;
        out.insert(
            k,
            Indexed {
                start,
                end: bytes.len() - r.0.len(),
                classes,
                diags,
                external,
            },
        );
    }
    r.0.is_empty().then_some(out)
}

/// Past one report's bytes, checking them as `report_page` reads them:
/// its links counted by class, whether it has diagnostics and external
/// links.
fn skip_report(r: &mut crate::le_bytes::Reader) -> Option<([u32; CLASS_COUNT], bool, bool)> {
    let diags = skip_diags(r)?;
    let n = r.count(1)?;
    let mut classes = [0u32; CLASS_COUNT];
    for b in r.take(n)? {
        *classes.get_mut(*b as usize)? += 1;
    }
    let m = r.count(24)?;
    for _ in 0..m {
        r.str_u32()?;
        r.take(16)?;
        r.str_u32()?;
    }
    Some((classes, diags, m > 0))
}

/// The diagnostics of the report `encode_reports` wrote at the start of
/// `bytes` (what follows them is not read).
pub fn report_diags(bytes: &[u8]) -> Option<Vec<Diagnostic>> {
    super::parsed_header::take_diags(&mut crate::le_bytes::Reader(bytes))
}

/// Past a report's diagnostics (`put_diags`), checking them as
/// `take_diags` reads them.
fn skip_diags(r: &mut crate::le_bytes::Reader) -> Option<bool> {
    let n = r.count(30)?;
    for _ in 0..n {
        if r.take(1)?[0] > 1 {
            return None;
        }
        r.str_u32()?;
        r.str_u32()?;
        r.take(16)?;
        r.str_u32()?;
        match r.take(1)?[0] {
            0 => {}
            1 => {
                r.str_u32()?;
            }
            _ => return None,
        }
    }
    Some(n > 0)
}

/// The output (without its HTML) of the page at `path` whose report
/// `encode_reports` wrote as `bytes` (a range `index_reports` found), or
/// `None` when they are not one whole report.
#[cfg(test)]
pub fn report_page(bytes: &[u8], path: String) -> Option<PageOutput> {
    let mut r = crate::le_bytes::Reader(bytes);
    let diags = super::parsed_header::take_diags(&mut r)?;
    let classes = r.count(1)?;
    let link_classes = r
        .take(classes)?
        .iter()
        .map(|b| CLASSES.get(*b as usize).copied())
        .collect::<Option<Vec<Class>>>()?;
    let external = take_links(&mut r)?;
    r.0.is_empty().then_some(PageOutput {
        path,
        html: String::new(),
        diags,
        link_classes,
        external,
        links_to: Vec::new(),
    })
}

/// What the build's report takes of a page kept by its report: its
/// diagnostics, its links counted by class (`class_at`), and whether it
/// has external links (read only when asked: `report_links`).
pub struct Kept {
    pub diags: Vec<Diagnostic>,
    pub classes: [usize; CLASS_COUNT],
    pub external: bool,
}

/// The class counted at `i` of `Kept::classes`.
pub fn class_at(i: usize) -> Class {
    CLASSES[i]
}

/// The external links of the report `encode_reports` wrote at the start
/// of `bytes` (what follows it is not read), or `None` when it is not
/// one.
pub fn report_links(bytes: &[u8]) -> Option<Vec<ExternalLink>> {
    let mut r = crate::le_bytes::Reader(bytes);
    skip_diags(&mut r)?;
    let classes = r.count(1)?;
    r.take(classes)?;
    take_links(&mut r)
}

/// A report's external links (after its link classes).
fn take_links(r: &mut crate::le_bytes::Reader) -> Option<Vec<ExternalLink>> {
    use super::parsed_header::{take_string, take_usize};
    let m = r.count(24)?;
    let mut external = Vec::with_capacity(m);
    for _ in 0..m {
        external.push(ExternalLink {
            file: take_string(r)?,
            line: take_usize(r)?,
            column: take_usize(r)?,
            url: take_string(r)?,
        });
    }
    Some(external)
}

/// One file's parse as stored: a header (`parsed_header`: the article
/// without its HTML, its diagnostics, what the parse looked at
/// (`fence::Looked`: path relative to the site folder, finding)), then the
/// article's HTML.
pub type Parsed = (Option<crate::parse::Article>, Vec<Diagnostic>);

pub fn encode_parsed(parsed: &Parsed, looked: Vec<(String, String)>) -> Vec<u8> {
    let header = super::parsed_header::encode(parsed.0.as_ref(), &parsed.1, &looked);
    let html = parsed.0.as_ref().map(|a| a.md.html.as_bytes()).unwrap_or_default();
    let mut out = Vec::with_capacity(8 + header.len() + html.len());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(html);
    out
}

/// A parse entry's header and HTML, apart.
pub fn split_parsed(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    let header = bytes.get(8..8usize.checked_add(len)?)?;
    Some((header, &bytes[8 + len..]))
}

/// Where a parse entry's HTML begins in the entry.
pub fn parsed_html_at(header: &[u8]) -> u64 {
    8 + header.len() as u64
}

/// A parse entry's header: the article without its HTML, its diagnostics
/// and what the parse looked at. An entry without an article has no HTML
/// (`html_len`).
pub fn decode_parsed_header(
    header: &[u8],
    html_len: u64,
    share: &dyn Fn(&[u8]) -> crate::markdown::Shared,
) -> Option<(Parsed, Vec<(String, String)>)> {
    let (article, diags, looked) = super::parsed_header::decode(header, share)?;
    if article.is_none() && html_len > 0 {
        return None;
    }
    Some(((article, diags), looked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_back_and_a_cut_or_damaged_shard_is_none() {
        let report = Report {
            diags: vec![Diagnostic::error("link-missing-file", "articles/en-us/a.md", "no such file").help("fix it")],
            link_classes: CLASSES.to_vec(),
            external: vec![ExternalLink {
                file: "articles/en-us/a.md".into(),
                line: 3,
                column: 9,
                url: "https://example.com/".into(),
            }],
        };
        let empty = Report {
            diags: Vec::new(),
            link_classes: Vec::new(),
            external: Vec::new(),
        };
        let bytes = encode_reports(&[
            ([1; 32], ReportBytes::Made(&report)),
            ([2; 32], ReportBytes::Made(&empty)),
        ]);
        let index = index_reports(&bytes).unwrap();
        let of = |k: [u8; 32], path: &str| {
            let at = index[&k];
            report_page(&bytes[at.start..at.end], path.into()).unwrap()
        };
        let page = of([1; 32], "a/index.html");
        let want = report.page("a/index.html".into());
        assert_eq!(page.path, "a/index.html");
        assert_eq!(
            serde_json::to_string(&page.diags).unwrap(),
            serde_json::to_string(&want.diags).unwrap()
        );
        assert_eq!(page.link_classes, want.link_classes);
        assert_eq!(
            serde_json::to_string(&page.external).unwrap(),
            serde_json::to_string(&want.external).unwrap()
        );
        assert!(of([2; 32], "").diags.is_empty());
        // A kept page's report: its classes counted as it was checked, its
        // diagnostics and external links read from where the report starts
        // (what follows not read).
        let kept = |k: [u8; 32]| {
            let at = index[&k];
            let diags = report_diags(&bytes[at.start..]).unwrap();
            (at, diags, report_links(&bytes[at.start..]).unwrap())
        };
        let (at, diags, links) = kept([1; 32]);
        assert!(at.diags);
        assert_eq!(
            serde_json::to_string(&diags).unwrap(),
            serde_json::to_string(&want.diags).unwrap()
        );
        assert_eq!(at.classes, [1; CLASS_COUNT]);
        assert!((0..CLASS_COUNT).map(class_at).eq(CLASSES));
        assert!(at.external);
        assert_eq!(
            serde_json::to_string(&links).unwrap(),
            serde_json::to_string(&want.external).unwrap()
        );
        let (at, diags, links) = kept([2; 32]);
        assert!(!at.diags && diags.is_empty() && !at.external && links.is_empty());
        assert_eq!(at.classes, [0; CLASS_COUNT]);
        // A report copied from a shard as read is the same report.
        let (start, end) = (index[&[1; 32]].start, index[&[1; 32]].end);
        let copied = encode_reports(&[
            ([1; 32], ReportBytes::Stored(&bytes[start..end])),
            ([2; 32], ReportBytes::Made(&empty)),
        ]);
        assert_eq!(copied, bytes);
        for cut in 0..bytes.len() {
            assert!(index_reports(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        // One report's bytes cut or longer: not a report.
        assert!(report_page(&bytes[start..end - 1], String::new()).is_none());
        assert!(report_page(&bytes[start..end + 1], String::new()).is_none());
        let mut bad = bytes.clone();
        let at = bytes.windows(9).position(|w| w == [0, 1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        bad[at + 8] = 9;
        assert!(index_reports(&bad).is_none(), "not a link class");
        assert!(
            report_page(&bad[start..end], String::new()).is_none(),
            "not a link class"
        );
        let mut bad = bytes.clone();
        bad[start + 4] = 2;
        assert!(index_reports(&bad).is_none(), "not a severity");
    }
}
