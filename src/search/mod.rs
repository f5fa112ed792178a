//! Search: a per-locale full-text index written with the site, searched in
//! the browser by `themes/default/static/js/search.js` (no server).
//!
//! `analyze` turns text into terms per language; `extract` turns a page's
//! article HTML into sections of plain text; `index` builds each locale's
//! sharded index files from the analysed pages.

pub mod analyze;
