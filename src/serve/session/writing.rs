//! How the session writes: every page, the site files and the search
//! index rendered and written a batch at a time (so the whole site's bytes
//! are never held at once), a set of pages rendered again with the links
//! between pages kept up to date, and the output folder checked before
//! the first write.

use super::{Session, Update};
use crate::build;
use crate::diagnostics::Diagnostic;
use crate::output::{self, Content, OutFile};
use crate::serve::analyses::Analyses;
use crate::serve::written::{Pass, Written};
use rayon::prelude::*;

/// How many pages are rendered and written at a time when the whole site is.
const BATCH: usize = 512;

impl Session {
    /// Renders every page, the site files and the search index, and writes
    /// what changed (deleting outputs that are gone). Pages are rendered and
    /// written a batch at a time, and the site files as they are made, so
    /// the whole site's bytes are never held at once.
    pub(super) fn write_everything(&mut self, update: &mut Update, with_search: bool) -> Result<(), Diagnostic> {
        self.generation += 1;
        self.check_out_dir()?;
        let mut pass = self.written.begin(&self.out)?;
        let pages = self.model.as_ref().unwrap().site.pages.len();
        let mut failed = false;
        for from in (0..pages).step_by(BATCH) {
            let which: Vec<usize> = (from..pages.min(from + BATCH)).collect();
            let files = self.render_pages(&which, update);
            failed |= self.render_failed;
            self.written.write_batch(&mut pass, &self.out, files, update)?;
        }
        self.render_failed = failed;
        let m = self.model.as_ref().unwrap();
        // The site files (status and review pages among them) are written
        // a batch at a time as they are made.
        let sink = std::sync::Mutex::new((&mut self.written, &mut pass, &mut *update, Vec::new(), Ok(())));
        let flush = |s: &mut (
            &mut Written,
            &mut Pass,
            &mut Update,
            Vec<OutFile>,
            Result<(), Diagnostic>,
        )| {
            let files = std::mem::take(&mut s.3);
            if s.4.is_ok() {
                s.4 = s.0.write_batch(s.1, &self.out, files, s.2);
            }
        };
        let site_diags = build::site_files(m, &|f| {
            let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
            s.3.push(f);
            if s.3.len() >= BATCH {
                flush(&mut s);
            }
        });
        let mut s = sink.into_inner().unwrap_or_else(|e| e.into_inner());
        flush(&mut s);
        std::mem::replace(&mut s.4, Ok(()))?;
        let mut complete = true;
        if with_search {
            self.search_dirty = false;
            let analyses = Analyses::new(&mut self.search_kept, &m.site.articles, &m.bodies);
            let prepared = crate::search::prepare_memo(&m.config, &m.site, &m.bodies, &|_| true, Some(&analyses), None);
            analyses.finish(true);
            let (search, _, search_diags) = build::search_files(m, prepared);
            self.written.write_batch(&mut pass, &self.out, search, update)?;
            self.diags
                .set_extra(site_diags.into_iter().chain(search_diags).collect());
        } else {
            // The index files are unchanged: keep them (not a complete set).
            complete = false;
            self.diags.set_extra(site_diags);
        }
        // Pages that failed to render keep their last good version.
        let complete = complete && !self.render_failed;
        self.written.finish(pass, &self.out, complete, update)
    }

    /// The first write checks the output folder is one polydoc may write.
    fn check_out_dir(&self) -> Result<(), Diagnostic> {
        if !self.written.is_first() {
            return Ok(());
        }
        let protected = self.model.as_ref().unwrap().config.source_dirs();
        output::check_out_dir(&self.site_root, &self.out, &protected)
    }

    pub(super) fn render_pages(&mut self, which: &[usize], update: &mut Update) -> Vec<OutFile> {
        let m = self.model.as_ref().unwrap();
        let results: Vec<_> = which.par_iter().map(|&i| (i, build::render_one(m, i))).collect();
        update.pages_rendered += results.len();
        self.render_failed = results.iter().any(|(_, r)| r.is_err());
        let mut files = Vec::with_capacity(results.len());
        for (i, r) in results {
            let page = &m.site.pages[i];
            let key = (page.locale, page.rel.clone());
            for old in self.links_to.remove(&key).unwrap_or_default() {
                if let Some(set) = self.linked_from.get_mut(&old) {
                    set.remove(&key);
                }
            }
            match r {
                Ok(p) => {
                    for t in &p.links_to {
                        self.linked_from.entry(t.clone()).or_default().insert(key.clone());
                    }
                    self.links_to.insert(key.clone(), p.links_to);
                    self.diags.set_page(key, p.diags);
                    files.push(OutFile {
                        path: p.path,
                        content: Content::Bytes(p.html.into_bytes()),
                    });
                }
                Err(d) => {
                    self.diags.set_page(key, vec![d]);
                }
            }
        }
        files
    }

    /// Writes files whose content changed; with `complete`, `files` is the
    /// whole site and outputs no longer in it are deleted.
    pub(super) fn write(&mut self, files: Vec<OutFile>, complete: bool, update: &mut Update) -> Result<(), Diagnostic> {
        self.check_out_dir()?;
        // Pages that failed to render keep their last good version.
        let complete = complete && !self.render_failed;
        self.written.write(&self.out, files, complete, update)
    }
}
