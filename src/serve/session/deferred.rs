//! The work `serve` puts off while edits keep coming (the edited articles'
//! translation status and review pages, the translation status pages, the
//! search index), done once edits pause, and the worker's files written
//! when they are ready.

use super::{Session, Update};
use crate::diagnostics::Diagnostic;
use crate::serve::analyses::Analyses;
use std::time::Instant;

impl Session {
    /// Work put off while edits keep coming: the edited articles'
    /// translations (status, review pages), the translation status pages
    /// and the search index (site-wide), redone once edits pause.
    pub fn has_deferred(&self) -> bool {
        (!self.l10n_dirty.is_empty() || self.status_dirty || self.search_dirty) && self.model.is_some()
    }

    /// Whether the worker is making site-wide files (`collect` writes them).
    pub fn busy(&self) -> bool {
        self.worker.busy()
    }

    /// Does the work put off, unless `cancel` is set (a file changed again):
    /// the edited articles' translations one at a time and the search
    /// analysis give up as soon as it is, and what was not done waits for
    /// the next pause. The status pages and the search index files are
    /// made on the worker (`collect` writes them), so the next edit is not
    /// kept waiting behind them.
    pub fn flush_deferred(&mut self, cancel: &std::sync::atomic::AtomicBool) -> Result<Update, Diagnostic> {
        let start = Instant::now();
        let mut update = Update::default();
        if !self.has_deferred() {
            return Ok(update);
        }
        let cancelled = || cancel.load(std::sync::atomic::Ordering::Relaxed);
        let files = std::sync::Mutex::new(Vec::new());
        // The edited articles' translations, one article at a time.
        while let Some(rel) = self.l10n_dirty.first().cloned() {
            if cancelled() {
                break;
            }
            self.l10n_dirty.remove(&rel);
            let m = self.model.as_mut().unwrap();
            self.status_dirty |= m.l10n.refresh(&m.config, &m.site, &m.index, &rel, &mut self.repo);
            let (c, s, x, t, l) = (&m.config, &m.site, &m.index, &m.theme, &m.l10n);
            crate::l10n::review::pages_only(c, (s, &m.bodies), x, t, l, Some(&rel), false, &|f| {
                files.lock().unwrap().push(f)
            });
        }
        let m = self.model.as_ref().unwrap();
        let generation = self.generation;
        if !cancelled() && self.l10n_dirty.is_empty() && std::mem::take(&mut self.status_dirty) {
            let (config, theme) = (m.config.clone(), m.theme.clone());
            // What the status pages show: the statuses, coverage, other
            // files and findings counts (not the reviews themselves).
            let l10n = crate::l10n::L10n {
                statuses: m.l10n.statuses.clone(),
                coverage: m.l10n.coverage.clone(),
                files: m.l10n.files.clone(),
                ..Default::default()
            };
            let counts = crate::l10n::status_pages::Counts {
                reviews: m.l10n.reviews.iter().map(|r| (r.status, r.findings_count())).collect(),
                files: Default::default(),
            };
            self.worker.send(generation, move || {
                let made = std::sync::Mutex::new(Vec::new());
                let emit = |f| made.lock().unwrap().push(f);
                crate::l10n::status_pages::status_pages_with(&config, &theme, &l10n, &counts, &emit);
                (made.into_inner().unwrap(), Vec::new())
            });
        }
        let prepared = if self.search_dirty && !cancelled() {
            let analyses = Analyses::new(&mut self.search_kept, &m.site.articles, &m.bodies);
            let prepared = crate::search::prepare_unless(&m.config, &m.site, &m.bodies, Some(&analyses), cancel);
            analyses.finish(prepared.is_some());
            prepared
        } else {
            None
        };
        if let Some(prepared) = prepared {
            self.search_dirty = false;
            let (config, theme) = (m.config.clone(), m.theme.clone());
            self.worker.send(generation, move || {
                let mut files = Vec::new();
                let diags = match crate::search::write_for(&config, &theme, prepared, &mut files, &|_| true) {
                    Ok(_) => Vec::new(),
                    Err(e) => vec![Diagnostic::error(
                        "template",
                        "",
                        format!("cannot render the search page: {e}"),
                    )],
                };
                (files, diags)
            });
        }
        self.write(files.into_inner().unwrap(), false, &mut update)?;
        update.elapsed = start.elapsed();
        Ok(update)
    }

    /// Writes what the worker made, unless every site file was written
    /// again since it started.
    pub fn collect(&mut self) -> Result<Update, Diagnostic> {
        let start = Instant::now();
        let mut update = Update::default();
        for (generation, (files, diags)) in self.worker.take() {
            if generation == self.generation {
                self.write(files, false, &mut update)?;
                self.diags.add_extra(diags);
            }
        }
        update.elapsed = start.elapsed();
        Ok(update)
    }
}
