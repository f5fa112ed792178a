//! Sharded builds: a site too large for one machine built as jobs of a CI
//! matrix, then merged, byte for byte the site one `polydoc build` writes.
//!
//! `polydoc index` runs the parse stage over the whole site and keeps what
//! other pages need to know of each article (`index.rs`: front matter,
//! title, heading IDs and every other ID, pivots, monikers), without its
//! HTML. A shard (`build --index --locale [--shard K/N]`) parses only its
//! own articles (and the source articles its fallback pages and reviews
//! show), takes every other article from the index, and then runs the same
//! stages a full build runs on that same site model: the link index, the
//! TOC, redirects, `uid`s, `ms.custom` IDs, the language switcher and the
//! translation statuses come out the same by construction. `Scope` is the
//! only difference: which pages are rendered and which of the other files
//! are written. `merge` (`merge.rs`) copies the shards' outputs and writes
//! the site-wide files from the index alone.

pub mod index;
pub mod merge;
pub mod partial;

use crate::build::Model;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::output::{Content, OutFile};
use crate::parse::Article;
use crate::site::Page;
use rayon::prelude::*;

/// Where a shard keeps what only `merge` reads (never copied to the site).
pub const SHARD_DIR: &str = "_shard";

/// Which pages a shard renders: whole locales, or the K-th of N parts of
/// them by article path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Locale indexes, sorted.
    pub locales: Vec<usize>,
    /// (K, N), K from 1.
    pub part: Option<(u32, u32)>,
}

/// The part (1..=n) an article path belongs to: FNV-1a of its bytes, so
/// every job and every machine agrees.
pub fn part_of(rel: &str, n: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rel.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % u64::from(n.max(1))) as u32 + 1
}

impl Filter {
    fn in_part(&self, rel: &str) -> bool {
        self.part.is_none_or(|(k, n)| part_of(rel, n) == k)
    }

    /// The page (or review) of `rel` in `locale` is this shard's.
    pub fn takes(&self, locale: usize, rel: &str) -> bool {
        self.locales.contains(&locale) && self.in_part(rel)
    }

    /// The article is parsed in full here: it is shown on one of this
    /// shard's pages (a source article on a fallback page) or reviews.
    pub fn parses(&self, locale: usize, rel: &str) -> bool {
        (locale == 0 || self.locales.contains(&locale)) && self.in_part(rel)
    }

    /// The locale's files that are not pages (404, home, redirects,
    /// `ids.json`, assets): written by its whole shard, or by part 1.
    pub fn writes_locale_files(&self, locale: usize) -> bool {
        self.locales.contains(&locale) && self.part.is_none_or(|(k, _)| k == 1)
    }

    /// `en-us` or `en-us+nl-nl`, with `.2of4` for a part.
    pub fn name(&self, config: &Config) -> String {
        let codes: Vec<&str> = self.locales.iter().map(|&l| config.locales[l].code.as_str()).collect();
        match self.part {
            Some((k, n)) => format!("{}.{k}of{n}", codes.join("+")),
            None => codes.join("+"),
        }
    }
}

/// What one build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A full build: everything.
    All,
    /// One shard: its pages, its locales' files, its partial data.
    Shard(Filter),
    /// `merge`: the site-wide files only (root, sitemap, theme files,
    /// translation status pages).
    Merge,
}

impl Scope {
    pub fn page(&self, p: &Page) -> bool {
        match self {
            Scope::All => true,
            Scope::Shard(f) => f.takes(p.locale, &p.rel),
            Scope::Merge => false,
        }
    }

    pub fn locale_files(&self, locale: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Shard(f) => f.writes_locale_files(locale),
            Scope::Merge => false,
        }
    }

    pub fn site_files(&self) -> bool {
        matches!(self, Scope::All | Scope::Merge)
    }
}

/// `build --index FILE --locale CODE... [--shard K/N]` as given.
#[derive(Debug, Clone)]
pub struct Request {
    pub index: std::path::PathBuf,
    pub locales: Vec<String>,
    pub part: Option<(u32, u32)>,
}

/// A shard's build: the index of the whole site and what to build of it.
pub struct Plan {
    pub index: index::SiteIndex,
    /// The index file's checksum: shards and merge must share it.
    pub index_id: String,
    pub scope: Scope,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("index_id", &self.index_id)
            .field("scope", &self.scope)
            .finish()
    }
}

/// `K/N` as given on the command line.
pub fn parse_part(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`--shard {s}`: expected K/N with 1 <= K <= N (e.g. 2/4)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The filter for `--locale CODE... [--shard K/N]`.
pub fn filter(config: &Config, codes: &[String], part: Option<(u32, u32)>) -> Result<Filter, Diagnostic> {
    let mut locales = Vec::new();
    for code in codes {
        match config.locale_index(code) {
            Some(i) => locales.push(i),
            None => {
                let known: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
                return Err(Diagnostic::error(
                    "shard",
                    crate::config::CONFIG_FILE,
                    format!("`--locale {code}` is not a locale of this site"),
                )
                .help(format!("the site's locales: {}", known.join(", "))));
            }
        }
    }
    locales.sort_unstable();
    locales.dedup();
    if locales.is_empty() {
        return Err(Diagnostic::error(
            "shard",
            crate::config::CONFIG_FILE,
            "a build from an index needs at least one `--locale`",
        ));
    }
    Ok(Filter { locales, part })
}

impl Plan {
    /// Reads the index for the shard `r` asks for (checked against the
    /// site when its articles are listed).
    pub fn new(r: &Request, config: &Config) -> Result<Plan, Diagnostic> {
        let filter = filter(config, &r.locales, r.part)?;
        let (index, index_id) = index::SiteIndex::read(&r.index)?;
        Ok(Plan {
            index,
            index_id,
            scope: Scope::Shard(filter),
        })
    }

    /// The parse stage of a shard: its own articles parsed, every other
    /// one taken from the index. Fails when the site is not the one
    /// indexed (its configuration or its list of articles differ).
    #[allow(clippy::type_complexity)]
    pub fn parse(
        &self,
        files: &[SourceFile],
        config: &Config,
        project: Option<&crate::docfx_json::DocfxProject>,
        progress: &indicatif::ProgressBar,
    ) -> Result<Vec<(Option<Article>, Vec<Diagnostic>)>, Diagnostic> {
        self.index.check(config, files)?;
        Ok(files
            .par_iter()
            .zip(self.index.files.par_iter())
            .map(|(f, entry)| {
                let full = match &self.scope {
                    Scope::Shard(filter) => filter.parses(f.locale, &f.rel),
                    _ => false,
                };
                let mut d = Vec::new();
                let a = if full {
                    crate::parse::parse_article(f, config, project, &mut d)
                } else {
                    entry.article.as_ref().map(|s| s.to_article(f))
                };
                progress.inc(1);
                (a, d)
            })
            .collect())
    }

    /// The search files of a shard: a whole locale's index, or (for a
    /// part) the analysed pages for `merge` to combine.
    pub fn search_files(
        &self,
        m: &Model,
        prepared: crate::search::Prepared,
    ) -> (Vec<OutFile>, Vec<crate::search::index::IndexStats>, Vec<Diagnostic>) {
        let Scope::Shard(f) = &self.scope else {
            return (Vec::new(), Vec::new(), Vec::new());
        };
        if !m.config.search.enabled {
            return (Vec::new(), Vec::new(), Vec::new());
        }
        if f.part.is_some() {
            let json = partial::search_json(prepared);
            return (
                vec![OutFile {
                    path: format!("{SHARD_DIR}/search.json"),
                    content: Content::Bytes(json.into_bytes()),
                }],
                Vec::new(),
                Vec::new(),
            );
        }
        crate::build::search_files_for(m, prepared, &|li| f.locales.contains(&li))
    }

    /// The shard's manifest (which index, which pages) and its
    /// translation review counts, under `_shard/`.
    pub fn shard_files(&self, m: &Model, files_written: usize) -> Vec<OutFile> {
        let Scope::Shard(f) = &self.scope else {
            return Vec::new();
        };
        let manifest = partial::Manifest {
            format: index::FORMAT,
            index: self.index_id.clone(),
            locales: f.locales.iter().map(|&l| m.config.locales[l].code.clone()).collect(),
            part: f.part,
            review_pages: m.config.l10n.review_pages,
            pages: m.site.pages.iter().filter(|p| f.takes(p.locale, &p.rel)).count(),
            files: files_written,
        };
        let findings = partial::findings(m);
        vec![
            OutFile {
                path: format!("{SHARD_DIR}/manifest.json"),
                content: Content::Bytes(serde_json::to_vec_pretty(&manifest).unwrap_or_default()),
            },
            OutFile {
                path: format!("{SHARD_DIR}/l10n.json"),
                content: Content::Bytes(serde_json::to_vec(&findings).unwrap_or_default()),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_stable_and_cover_every_path() {
        // Fixed values: a change of the hash would split CI jobs differently
        // from an index made by another version.
        assert_eq!(part_of("index.md", 4), part_of("index.md", 4));
        let rels: Vec<String> = (0..1000).map(|i| format!("area-{}/article-{i}.md", i % 7)).collect();
        let mut counts = [0usize; 4];
        for r in &rels {
            let p = part_of(r, 4);
            assert!((1..=4).contains(&p));
            counts[p as usize - 1] += 1;
        }
        assert!(counts.iter().all(|&c| c > 150), "{counts:?}");
        assert_eq!(part_of("a.md", 1), 1);
    }

    #[test]
    fn part_argument() {
        assert_eq!(parse_part("2/4"), Ok((2, 4)));
        assert!(parse_part("0/4").is_err());
        assert!(parse_part("5/4").is_err());
        assert!(parse_part("2").is_err());
        assert!(parse_part("a/b").is_err());
    }
}
