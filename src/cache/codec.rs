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

    fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            code: intern(self.code.clone()),
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message: self.message.clone(),
            help: self.help.clone(),
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
#[derive(Clone, Serialize, Deserialize)]
pub struct Report {
    diags: Vec<StoredDiag>,
    link_classes: Vec<Class>,
    external: Vec<ExternalLink>,
}

impl Report {
    pub fn of(p: &PageOutput) -> Report {
        Report {
            diags: p.diags.iter().map(StoredDiag::of).collect(),
            link_classes: p.link_classes.clone(),
            external: p.external.clone(),
        }
    }

    /// The page's output without its HTML.
    pub fn page(&self, path: String) -> PageOutput {
        PageOutput {
            path,
            html: String::new(),
            diags: self.diags.iter().map(StoredDiag::to_diagnostic).collect(),
            link_classes: self.link_classes.clone(),
            external: self.external.clone(),
            links_to: Vec::new(),
        }
    }
}

pub fn encode_reports(reports: &[([u8; 32], Report)]) -> Vec<u8> {
    let hexed: Vec<(String, &Report)> = reports.iter().map(|(k, r)| (super::hex(k), r)).collect();
    serde_json::to_vec(&hexed).unwrap_or_default()
}

pub fn decode_reports(bytes: &[u8]) -> Option<std::collections::HashMap<[u8; 32], Report>> {
    let hexed: Vec<(String, Report)> = serde_json::from_slice(bytes).ok()?;
    hexed.into_iter().map(|(k, r)| Some((super::unhex(&k)?, r))).collect()
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
pub fn decode_parsed_header(header: &[u8], html_len: u64) -> Option<(Parsed, Vec<(String, String)>)> {
    let (article, diags, looked) = super::parsed_header::decode(header)?;
    if article.is_none() && html_len > 0 {
        return None;
    }
    Some(((article, diags), looked))
}
