//! What `serve` wrote to the output folder: each file's path and the hash
//! of its bytes, so a rebuild writes only the files whose bytes changed
//! (each with a rename: the server never serves a half-written page) and,
//! after a rebuild of the whole site, removes the files no longer made.

use super::session::Update;
use crate::diagnostics::Diagnostic;
use crate::output::{self, Content, OutFile};
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
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

    /// Writes files whose content changed; with `complete`, `files` is the
    /// whole site and outputs no longer in it are deleted.
    pub fn write(
        &mut self,
        out: &Path,
        files: Vec<OutFile>,
        complete: bool,
        update: &mut Update,
    ) -> Result<(), Diagnostic> {
        if self.first {
            output::write_site(out, &files).map_err(|e| {
                Diagnostic::error(
                    "write",
                    out.display().to_string(),
                    format!("cannot write the site: {e}"),
                )
            })?;
            self.first = false;
            self.hashes = files
                .iter()
                .map(|f| {
                    let h = match &f.content {
                        Content::Bytes(b) => hash(b),
                        Content::Copy(_) => 0,
                    };
                    (f.path.clone(), h)
                })
                .collect();
            update.files_written = files.len();
            return Ok(());
        }
        let keep: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
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
        if complete {
            let stale: Vec<String> = self.hashes.keys().filter(|p| !keep.contains(*p)).cloned().collect();
            for p in stale {
                self.hashes.remove(&p);
                output::remove_one(out, &p);
                update.changed.push(url_of(&p));
            }
        }
        Ok(())
    }
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
