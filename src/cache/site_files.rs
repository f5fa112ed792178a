//! The site files made from the site's shape alone (`build/site_files.rs`:
//! the 404 and root pages, each locale's `ids.json` and home page when it
//! has no article of its own, the redirect and `go/` pages, the sitemap),
//! remembered as one group: a record beside the entries (`site-files`)
//! holds the key of what they were made from and each file's path and key
//! as the output manifest has it. A build whose group key is the same, into
//! an output folder that holds every one of those files under its key,
//! keeps them all without making, keying or listing any of them.
//!
//! The group key is the site's shape (`key::shape`: polydoc's version and
//! executable, every input file but the articles, and everything one page
//! sees of the others: each article's path, title and front matter, the
//! published pages and their URLs), which is everything these files are
//! made from: their templates, strings and configuration are input files,
//! the redirect rules come from input files and the pages, the article IDs
//! from the front matter.

use super::{key, run::Run, Cache};

/// The record's name beside the entries.
const NAME: &str = "site-files";

/// The group of one build.
pub struct Group<'a> {
    cache: &'a Cache,
    key: [u8; 32],
}

impl<'a> Group<'a> {
    /// `None` until `Run::key_site` has keyed the site.
    pub fn new(run: &'a Run) -> Option<Group<'a>> {
        let (shape, _) = run.site_keys()?;
        let mut f = key::Fp::new("site-files");
        f.bytes(shape);
        Some(Group {
            cache: run.store(),
            key: f.finish(),
        })
    }

    /// What the last build that recorded the group made, when it was made
    /// under this build's group key.
    pub fn recall(&self) -> Option<Recalled> {
        let bytes = self.cache.get_named(NAME)?;
        (bytes.get(..32)? == self.key).then_some(Recalled(bytes))
    }

    /// Records `files` (path, key) as the group made under this build's
    /// key.
    pub fn remember(&self, files: &[(String, [u8; 32])]) {
        let size: usize = files.iter().map(|(p, _)| 36 + p.len()).sum();
        let mut out = Vec::with_capacity(40 + size);
        out.extend_from_slice(&self.key);
        out.extend_from_slice(&(files.len() as u64).to_le_bytes());
        for (p, k) in files {
            out.extend_from_slice(k);
            out.extend_from_slice(&(p.len() as u32).to_le_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        self.cache.put_named(NAME, &out);
    }
}

/// A record read back.
pub struct Recalled(super::Bytes);

impl Recalled {
    /// Each file's path and key; `None` when the record is not one whole.
    pub fn files(&self) -> Option<Vec<(&str, [u8; 32])>> {
        let mut r = self.0.get(32..)?;
        let n = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
        if n.saturating_mul(36) > r.len() {
            return None;
        }
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let k: [u8; 32] = take(&mut r, 32)?.try_into().ok()?;
            let len = u32::from_le_bytes(take(&mut r, 4)?.try_into().ok()?) as usize;
            files.push((std::str::from_utf8(take(&mut r, len)?).ok()?, k));
        }
        r.is_empty().then_some(files)
    }
}

/// The next `n` bytes of `r`.
fn take<'a>(r: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if r.len() < n {
        return None;
    }
    let (head, rest) = r.split_at(n);
    *r = rest;
    Some(head)
}
