//! The index file (`polydoc index`): every article of every locale as the
//! parse stage leaves it for the rest of the site, without its HTML and its
//! links (a page's own business): front matter, title, heading IDs (after
//! duplicates are made unique, as a build publishes them), the other IDs
//! on the page, pivots and monikers. A shard takes the articles it does
//! not render from here, so its link index, TOC, redirects, `uid`s,
//! `ms.custom` IDs and translation statuses are the full build's.

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::frontmatter::FrontMatter;
use crate::markdown::docfx::monikers::Choice;
use crate::markdown::docfx::PivotUse;
use crate::markdown::{Heading, Rendered};
use crate::parse::Article;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Changes whenever the file's meaning changes: shards refuse another.
pub const FORMAT: u32 = 2;

/// What a page needs to know of an article it does not show.
#[derive(Debug, Serialize, Deserialize)]
pub struct Skeleton {
    /// Front matter; of the untyped keys (`all`, for templates) only
    /// `zone_pivot_groups`, which the pivot check reads. Keys without a
    /// value are left out of the file.
    #[serde(serialize_with = "without_empty")]
    pub fm: FrontMatter,
    pub title: String,
    pub headings: Vec<Heading>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_ids: Vec<String>,
    pub h1: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pivots: Vec<PivotUse>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monikers: Vec<Choice>,
}

/// Front matter without its unset keys (most of them, in most articles):
/// they read back as unset.
fn without_empty<S: serde::Serializer>(fm: &FrontMatter, s: S) -> Result<S::Ok, S::Error> {
    let mut v = serde_json::to_value(fm).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.retain(|_, x| match x {
            serde_json::Value::Null => false,
            serde_json::Value::Array(a) => !a.is_empty(),
            serde_json::Value::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
    v.serialize(s)
}

/// The untyped front matter keys another page's build reads.
const KEPT_KEYS: [&str; 1] = ["zone_pivot_groups"];

impl Skeleton {
    fn of(a: &Article) -> Skeleton {
        let mut fm = a.fm.clone();
        fm.all.retain(|k, _| KEPT_KEYS.contains(&k.as_str()));
        Skeleton {
            fm,
            title: a.title.clone(),
            headings: a.md.headings.clone(),
            other_ids: a.md.other_ids.clone(),
            h1: a.md.h1.clone(),
            pivots: a.md.pivots.clone(),
            monikers: a.md.monikers.clone(),
        }
    }

    /// The article `file` as other pages see it (no HTML, no links).
    pub fn to_article(&self, file: &SourceFile) -> Article {
        Article {
            locale: file.locale,
            rel: file.rel.clone(),
            display: file.display.clone(),
            abs: file.abs.clone(),
            fm: self.fm.clone(),
            title: self.title.clone(),
            md: Rendered {
                headings: self.headings.clone(),
                other_ids: self.other_ids.clone(),
                h1: self.h1.clone(),
                pivots: self.pivots.clone(),
                monikers: self.monikers.clone(),
                ..Rendered::default()
            },
            body: None,
        }
    }
}

/// One article file, in discovery order; `None`: it is not published
/// (it did not parse, or another file has its URL).
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub locale: usize,
    pub rel: String,
    pub article: Option<Skeleton>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SiteIndex {
    pub format: u32,
    /// SHA-256 of `polydoc.toml`: a shard of another configuration would
    /// not fit the others.
    pub config: String,
    pub locales: Vec<String>,
    pub files: Vec<Entry>,
}

/// What `polydoc index` reports.
#[derive(Debug, Default)]
pub struct IndexReport {
    pub articles: usize,
    pub locales: usize,
    pub bytes: usize,
    pub id: String,
    pub elapsed: std::time::Duration,
}

fn config_hash(config: &Config) -> String {
    let bytes = std::fs::read(config.site_root.join(CONFIG_FILE)).unwrap_or_default();
    hex(&sha2::Sha256::digest(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The checksum that names an index (its first 16 hex digits of SHA-256).
fn id_of(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))[..16].to_string()
}

/// `polydoc index SITE --out FILE`: discovers and parses the whole site,
/// makes heading IDs unique as a build does, and writes the index
/// (atomically). Returns the report and the site's diagnostics.
pub fn write(site_root: &Path, out: &Path) -> Result<(IndexReport, Vec<Diagnostic>), Vec<Diagnostic>> {
    let start = std::time::Instant::now();
    let mut diags = Vec::new();
    let config = Config::load(site_root).map_err(|d| vec![d])?;
    refuse_inside_sources(&config, out).map_err(|d| vec![d])?;
    // The index keeps no HTML: code needs no colours.
    crate::markdown::highlight::skip_highlighting();
    let (files, assets, project) = crate::build::discover_site(&config, &mut diags);
    let parsed: Vec<(Option<Article>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let mut d = Vec::new();
            let a = crate::parse::parse_article(f, &config, project.as_ref(), &mut d).map(slim);
            (a, d)
        })
        .collect();
    let mut articles = Vec::with_capacity(files.len());
    for (a, d) in parsed {
        diags.extend(d);
        articles.extend(a);
    }
    let (site, _index) = crate::build::site_and_index(
        &config,
        project.as_ref(),
        &mut articles,
        assets,
        &crate::bodies::Bodies::kept(),
        &mut diags,
    );
    let published: HashMap<(usize, &str), &Article> =
        site.articles.iter().map(|a| ((a.locale, a.rel.as_str()), a)).collect();
    let index = SiteIndex {
        format: FORMAT,
        config: config_hash(&config),
        locales: config.locales.iter().map(|l| l.code.clone()).collect(),
        files: files
            .iter()
            .map(|f| Entry {
                locale: f.locale,
                rel: f.rel.clone(),
                article: published.get(&(f.locale, f.rel.as_str())).map(|a| Skeleton::of(a)),
            })
            .collect(),
    };
    let bytes = serde_json::to_vec(&index).map_err(|e| {
        vec![Diagnostic::error(
            "index",
            out.display().to_string(),
            format!("cannot encode the index: {e}"),
        )]
    })?;
    write_atomic(out, &bytes).map_err(|e| {
        vec![Diagnostic::error(
            "write",
            out.display().to_string(),
            format!("cannot write the index: {e}"),
        )]
    })?;
    crate::diagnostics::sort(&mut diags);
    let report = IndexReport {
        articles: index.files.iter().filter(|e| e.article.is_some()).count(),
        locales: config.locales.len(),
        bytes: bytes.len(),
        id: id_of(&bytes),
        elapsed: start.elapsed(),
    };
    Ok((report, diags))
}

/// An article as the index pass keeps it: no links, and of its HTML only
/// the heading tags that the anchor repair (`links::anchors`) finds, in
/// the order and with the search it uses, so it renames the same headings
/// as a build does; the whole site's HTML is never in memory at once.
fn slim(mut a: Article) -> Article {
    let html = std::mem::take(&mut a.md.html);
    let mut kept = String::new();
    let mut pos = 0;
    for h in &a.md.headings {
        let tag = format!(
            "<h{} id=\"{}\">",
            h.level,
            crate::markdown::highlight::html_escape(&h.id)
        );
        if let Some(found) = html[pos..].find(&tag) {
            pos += found + tag.len();
            kept.push_str(&tag);
        }
    }
    a.md.html = kept;
    a.md.links = Default::default();
    a.md.shortcuts = Vec::new();
    a
}

/// The index is written beside the site, never into its sources.
fn refuse_inside_sources(config: &Config, out: &Path) -> Result<(), Diagnostic> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(dir) = parent.canonicalize() else {
        return Ok(()); // created by the write, or reported by it
    };
    for root in config.source_dirs() {
        if root.canonicalize().is_ok_and(|r| dir.starts_with(&r)) {
            return Err(Diagnostic::error(
                "index",
                out.display().to_string(),
                "the index would be written among the site's sources",
            )
            .help("write it beside the site, e.g. `--out polydoc-index.json` in the site folder"));
        }
    }
    Ok(())
}

fn write_atomic(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let tmp = out.with_file_name(format!(".{name}.polydoc-new-{}", std::process::id()));
    if let Some(p) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, out).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

impl SiteIndex {
    /// Reads an index file; returns it with its checksum.
    pub fn read(path: &Path) -> Result<(SiteIndex, String), Diagnostic> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            Diagnostic::error("index", &shown, format!("cannot read the index: {e}"))
                .help("write it first with `polydoc index SITE --out FILE`")
        })?;
        let id = id_of(&bytes);
        // The format first: a file of another version fails with that
        // message, not a field error.
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::error("index", &shown, format!("this is not a polydoc index: {e}"))
                .help("write it with `polydoc index SITE --out FILE`")
        })?;
        if head.format != FORMAT {
            return Err(Diagnostic::error(
                "index",
                &shown,
                format!(
                    "this index has format {}; this polydoc reads format {FORMAT}",
                    head.format
                ),
            )
            .help("make the index with the same polydoc version as the shards"));
        }
        let index: SiteIndex = serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::error("index", &shown, format!("the index is damaged: {e}"))
                .help("write it again with `polydoc index SITE --out FILE`")
        })?;
        Ok((index, id))
    }

    /// Fails unless the site has the configuration and the article files
    /// the index was made from.
    pub fn check(&self, config: &Config, files: &[SourceFile]) -> Result<(), Diagnostic> {
        let again = "make the index again from this checkout (`polydoc index`), and build every shard from it";
        if self.config != config_hash(config) {
            return Err(Diagnostic::error(
                "index",
                CONFIG_FILE,
                "polydoc.toml is not the one the index was made with",
            )
            .help(again));
        }
        let listed: BTreeMap<(usize, &str), ()> = self.files.iter().map(|e| ((e.locale, e.rel.as_str()), ())).collect();
        let found: BTreeMap<(usize, &str), ()> = files.iter().map(|f| ((f.locale, f.rel.as_str()), ())).collect();
        let same_order = self.files.len() == files.len()
            && self
                .files
                .iter()
                .zip(files)
                .all(|(e, f)| e.locale == f.locale && e.rel == f.rel);
        if same_order {
            return Ok(());
        }
        let code = |l: usize| config.locales.get(l).map_or("?", |l| l.code.as_str());
        let new: Vec<String> = found
            .keys()
            .filter(|k| !listed.contains_key(k))
            .map(|(l, r)| format!("{}/{r}", code(*l)))
            .collect();
        let gone: Vec<String> = listed
            .keys()
            .filter(|k| !found.contains_key(k))
            .map(|(l, r)| format!("{}/{r}", code(*l)))
            .collect();
        let mut what = Vec::new();
        if let Some(f) = new.first() {
            what.push(format!("{} article(s) not in the index (first: {f})", new.len()));
        }
        if let Some(f) = gone.first() {
            what.push(format!("{} indexed article(s) missing (first: {f})", gone.len()));
        }
        if what.is_empty() {
            what.push("the articles are listed in another order".into());
        }
        Err(Diagnostic::error(
            "index",
            crate::discover::display_path(&config.site_root, &config.locales[0].root),
            format!("the site is not the one indexed: {}", what.join("; ")),
        )
        .help(again))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_reads_back_as_written_without_its_unset_keys() {
        let mut fm = FrontMatter {
            title: Some("Set up".into()),
            ms_custom: vec!["9001".into()],
            ms_date: crate::frontmatter::Date::parse_us("03/04/2021"),
            uid: Some("relay.setup".into()),
            ..FrontMatter::default()
        };
        fm.all.insert("zone_pivot_groups".into(), serde_json::json!("langs"));
        let s = Skeleton {
            fm,
            title: "Set up".into(),
            headings: Vec::new(),
            other_ids: Vec::new(),
            h1: None,
            pivots: Vec::new(),
            monikers: Vec::new(),
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            !json.contains("\"author\"") && !json.contains("ms_collection"),
            "{json}"
        );
        let back: Skeleton = serde_json::from_str(&json).unwrap();
        assert_eq!(format!("{:?}", back.fm), format!("{:?}", s.fm));
    }
}
