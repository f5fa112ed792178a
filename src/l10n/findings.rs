//! Review findings: what a reviewer must look at in each aligned section of
//! a translation, with `file:line:column`. Severity per finding comes from
//! `[l10n.severity]` in polydoc.toml; by default every finding is a warning
//! shown on the review pages and by `polydoc check --l10n`, and none fails a
//! build.

use super::align::Pair;
use super::sections::Section;
use crate::diagnostics::{Diagnostic, Severity};

/// One finding in a translation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: &'static str,
    /// The translation's file.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Index of the aligned section pair it belongs to.
    #[serde(skip)]
    pub pair: usize,
}

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::warning(self.code, &self.file, &self.message).at(self.line, self.column);
        if self.severity == "error" {
            d.severity = Severity::Error;
        }
        if let Some(h) = &self.help {
            d = d.help(h);
        }
        d
    }
}

/// The findings of one translation.
pub fn check(_file: &str, _src: &[Section], _tr: &[Section], _pairs: &[Pair]) -> Vec<Finding> {
    Vec::new()
}
