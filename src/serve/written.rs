//! What `serve` wrote to the output folder: each file's path and the hash
//! of its bytes, so a rebuild writes only the files whose bytes changed
//! (each with a rename: the server never serves a half-written page) and,
//! after a rebuild of the whole site, removes the files no longer made.

use super::session::Update;
use crate::diagnostics::Diagnostic;
use crate::output::{self, Content, OutFile};
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

pub struct Written {
    /// Output path -> hash of the bytes written (0 for copied files).
    hashes: HashMap<String, u64>,
    /// Nothing written yet (or the output folder was deleted): the next
    /// write is the whole site, at once.
    first: bool,
}

impl Default for Written {
    fn default() -> Written {
        Written {
            hashes: HashMap::new(),
            first: true,
        }
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Written {
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// The output folder is gone: everything is written again.
    pub fn forget(&mut self) {
        self.first = true;
        self.hashes.clear();
    }

    /// Starts writing the whole site a batch at a time (`write_batch`), so
    /// serve never holds every page's bytes at once: the first time into a
    /// staging folder swapped in by `finish`, later only the files whose
    /// bytes changed.
    pub fn begin(&self, out: &Path) -> Result<Pass, Diagnostic> {
        let staging = if self.first {
            Some(output::Staging::new(out).map_err(|e| write_error(out, e))?)
        } else {
            None
        };
        Ok(Pass {
            staging,
            made: HashMap::new(),
        })
    }

    /// Writes one batch of the whole site begun with `begin`.
    pub fn write_batch(
        &mut self,
        pass: &mut Pass,
        out: &Path,
        files: Vec<OutFile>,
        update: &mut Update,
    ) -> Result<(), Diagnostic> {
        if let Some(staging) = &pass.staging {
            let hashes: Vec<u64> = files
                .par_iter()
                .map(|f| staging.write(f).map(|_| content_hash(f)))
                .collect::<Result<_, _>>()
                .map_err(|e| write_error(out, e))?;
            for (f, h) in files.iter().zip(hashes) {
                pass.made.insert(f.path.clone(), h);
            }
            update.files_written += files.len();
            return Ok(());
        }
        for f in &files {
            pass.made.insert(f.path.clone(), 0);
        }
        self.write_changed(out, files, update)
    }

    /// Ends the pass begun with `begin`. With `complete`, the pass wrote the
    /// whole site and outputs it did not make are deleted.
    pub fn finish(&mut self, pass: Pass, out: &Path, complete: bool, update: &mut Update) -> Result<(), Diagnostic> {
        if let Some(staging) = pass.staging {
            staging.commit().map_err(|e| write_error(out, e))?;
            self.first = false;
            self.hashes = pass.made;
            return Ok(());
        }
        if complete {
            self.remove_stale(out, &pass.made, update);
        }
        Ok(())
    }

    /// Writes files whose content changed; with `complete`, `files` is the
    /// whole site and outputs no longer in it are deleted.
    pub fn write(
        &mut self,
        out: &Path,
        files: Vec<OutFile>,
        complete: bool,
        update: &mut Update,
    ) -> Result<(), Diagnostic> {
        let mut pass = self.begin(out)?;
        self.write_batch(&mut pass, out, files, update)?;
        self.finish(pass, out, complete, update)
    }

    /// Writes the files whose bytes differ from what was written last.
    fn write_changed(&mut self, out: &Path, files: Vec<OutFile>, update: &mut Update) -> Result<(), Diagnostic> {
        // Hash in parallel, then write only what changed, in parallel.
        let written = &self.hashes;
        let changed: Vec<(&OutFile, u64)> = files
            .par_iter()
            .filter_map(|f| {
                let (h, changed) = match &f.content {
                    Content::Bytes(b) => {
                        let h = hash(b);
                        (h, written.get(&f.path) != Some(&h))
                    }
                    Content::Copy(src) => (0, copy_is_stale(src, &out.join(&f.path))),
                };
                changed.then_some((f, h))
            })
            .collect();
        changed.par_iter().try_for_each(|(f, _)| {
            output::write_one(out, f).map_err(|e| {
                Diagnostic::error(
                    "write",
                    format!("{}/{}", out.display(), f.path),
                    format!("cannot write: {e}"),
                )
            })
        })?;
        for (f, h) in changed {
            self.hashes.insert(f.path.clone(), h);
            update.files_written += 1;
            update.changed.push(url_of(&f.path));
            if !f.path.ends_with(".css") {
                update.css_only = false;
            }
        }
        Ok(())
    }

    /// Deletes the outputs written before that are not in `keep`.
    fn remove_stale(&mut self, out: &Path, keep: &HashMap<String, u64>, update: &mut Update) {
        let stale: Vec<String> = self.hashes.keys().filter(|p| !keep.contains_key(*p)).cloned().collect();
        for p in stale {
            self.hashes.remove(&p);
            output::remove_one(out, &p);
            update.changed.push(url_of(&p));
        }
    }
}

/// A pass writing the whole site (`Written::begin`).
pub struct Pass {
    /// The first pass writes into a new folder swapped in at the end.
    staging: Option<output::Staging>,
    /// The files the pass made (with their hash, in the first pass).
    made: HashMap<String, u64>,
}

fn content_hash(f: &OutFile) -> u64 {
    match &f.content {
        Content::Bytes(b) => hash(b),
        Content::Copy(_) => 0,
    }
}

fn write_error(out: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "write",
        out.display().to_string(),
        format!("cannot write the site: {e}"),
    )
}

fn copy_is_stale(src: &Path, dest: &Path) -> bool {
    let (Ok(s), Ok(d)) = (std::fs::metadata(src), std::fs::metadata(dest)) else {
        return true;
    };
    s.len() != d.len() || s.modified().ok() > d.modified().ok()
}

/// `nl-nl/a/index.html` -> `/nl-nl/a/`.
fn url_of(path: &str) -> String {
    let p = path.strip_suffix("index.html").unwrap_or(path);
    format!("/{p}")
}
