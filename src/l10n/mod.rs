//! Translations: status of every translation (current, stale, missing,
//! unknown; MT or human), the reviewer's findings per section, and the
//! `_l10n/` review pages. Runs after the site model and the link index are
//! built; knows nothing of how pages are written.

pub mod git;
pub mod hash;
pub mod mark;
pub mod report;
pub mod status;

use crate::config::Config;
use crate::site::Site;
use status::{ArticleStatus, Coverage};

/// Everything the translation stage found.
#[derive(Debug, Default)]
pub struct L10n {
    pub statuses: Vec<ArticleStatus>,
    pub coverage: Vec<Coverage>,
}

pub fn analyse(config: &Config, site: &Site) -> L10n {
    let statuses = status::collect(config, site);
    let coverage = status::coverage(config, &statuses);
    L10n { statuses, coverage }
}
