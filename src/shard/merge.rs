//! `polydoc merge`: the shards' outputs copied into one folder, plus what
//! belongs to the whole site (root page and 404, sitemap, the theme's
//! files, the translation status pages, the search index of a locale that
//! was split into parts), written by the same functions a full build uses
//! from the site model the index gives; no article is parsed and no page
//! read. Refuses shards of another index, a locale built twice or not at
//! all, a missing part, and a page missing or written by two shards.

use super::partial::{self, Manifest, SearchPart};
use super::{Plan, Scope, SHARD_DIR};
use crate::diagnostics::Diagnostic;
use crate::output::{self, Content, OutFile};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct MergeReport {
    pub shards: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: std::time::Duration,
}

fn err(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("merge", file, message)
}

/// One shard's output folder and what it says about itself.
struct Shard {
    dir: PathBuf,
    manifest: Manifest,
}

fn read_manifest(dir: &Path) -> Result<Manifest, Diagnostic> {
    let path = dir.join(SHARD_DIR).join("manifest.json");
    let shown = dir.display().to_string();
    let bytes = std::fs::read(&path).map_err(|_| {
        err(
            &shown,
            format!("this is not a shard's output: it has no {SHARD_DIR}/manifest.json"),
        )
        .help("give merge the --out folders of `polydoc build --index FILE --locale CODE`")
    })?;
    serde_json::from_slice(&bytes).map_err(|e| err(&shown, format!("the shard's manifest is damaged: {e}")))
}

/// Every locale built exactly once: by one shard, or by parts 1..N of one N.
fn check_coverage(config: &crate::config::Config, shards: &[Shard], diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    type Builds<'a> = Vec<(Option<(u32, u32)>, &'a Path)>;
    let mut by_locale: BTreeMap<&str, Builds> = BTreeMap::new();
    for s in shards {
        for code in &s.manifest.locales {
            by_locale.entry(code).or_default().push((s.manifest.part, &s.dir));
        }
    }
    let mut split = Vec::new();
    for (li, l) in config.locales.iter().enumerate() {
        let builds = by_locale.get(l.code.as_str()).cloned().unwrap_or_default();
        let dirs = |b: &[(Option<(u32, u32)>, &Path)]| {
            b.iter()
                .map(|(_, d)| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if builds.is_empty() {
            diags.push(
                err(crate::config::CONFIG_FILE, format!("no shard built locale {}", l.code))
                    .help(format!("add a shard built with `--locale {}`", l.code)),
            );
            continue;
        }
        let whole = builds.iter().filter(|(p, _)| p.is_none()).count();
        if whole > 0 {
            if builds.len() > 1 {
                diags.push(err(
                    crate::config::CONFIG_FILE,
                    format!("locale {} is built by more than one shard ({})", l.code, dirs(&builds)),
                ));
            }
            continue;
        }
        split.push(li);
        let ns: std::collections::BTreeSet<u32> = builds.iter().filter_map(|(p, _)| p.map(|p| p.1)).collect();
        if ns.len() > 1 {
            diags.push(err(
                crate::config::CONFIG_FILE,
                format!(
                    "locale {} is split in different numbers of parts ({})",
                    l.code,
                    dirs(&builds)
                ),
            ));
            continue;
        }
        let n = ns.into_iter().next().unwrap_or(1);
        for k in 1..=n {
            let count = builds.iter().filter(|(p, _)| *p == Some((k, n))).count();
            if count == 0 {
                diags.push(
                    err(
                        crate::config::CONFIG_FILE,
                        format!("part {k}/{n} of locale {} is missing", l.code),
                    )
                    .help(format!(
                        "add the shard built with `--locale {} --shard {k}/{n}`",
                        l.code
                    )),
                );
            } else if count > 1 {
                diags.push(err(
                    crate::config::CONFIG_FILE,
                    format!(
                        "part {k}/{n} of locale {} is given more than once ({})",
                        l.code,
                        dirs(&builds)
                    ),
                ));
            }
        }
    }
    split
}

/// The files of a shard's output (not its `_shard/` data, not the output
/// marker), as (path with `/`, absolute path).
fn shard_files(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == SHARD_DIR))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !(e.depth() == 1 && e.file_name() == output::MARKER))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some((rel.join("/"), e.path().to_path_buf()))
        })
        .collect()
}

/// `polydoc merge SITE --index FILE --out DIR SHARD_DIR...`.
pub fn merge(
    site_root: &Path,
    index_path: &Path,
    out: &Path,
    shard_dirs: &[PathBuf],
) -> Result<(MergeReport, Vec<Diagnostic>), Vec<Diagnostic>> {
    let start = std::time::Instant::now();
    let mut diags = Vec::new();
    let (mut config, theme) = crate::build::load(site_root, &mut diags).map_err(|d| vec![d])?;
    let (index, index_id) = super::index::SiteIndex::read(index_path).map_err(|d| vec![d])?;
    let mut shards = Vec::new();
    for dir in shard_dirs {
        match read_manifest(dir) {
            Ok(manifest) => shards.push(Shard {
                dir: dir.clone(),
                manifest,
            }),
            Err(d) => diags.push(d),
        }
    }
    for s in &shards {
        if s.manifest.index != index_id {
            diags.push(
                err(
                    s.dir.display().to_string(),
                    format!(
                        "this shard was built from another index ({}, not {index_id})",
                        s.manifest.index
                    ),
                )
                .help("build every shard from the index given to merge"),
            );
        }
    }
    let review: std::collections::BTreeSet<bool> = shards.iter().map(|s| s.manifest.review_pages).collect();
    if review.len() > 1 {
        diags.push(
            err(
                crate::config::CONFIG_FILE,
                "some shards were built with review pages and some without (--no-review-pages)",
            )
            .help("build every shard with the same options"),
        );
    }
    if let Some(&on) = review.iter().next() {
        config.l10n.review_pages = on;
    }
    let split = check_coverage(&config, &shards, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }

    // The site model from the index alone, and the statuses of every
    // translation (the status pages list them).
    let plan = Plan {
        index,
        index_id,
        scope: Scope::Merge,
    };
    let (article_files, assets, project) = crate::build::discover_site(&config, &mut diags);
    let progress = crate::build::progress_bar(false, 0);
    let parsed = plan
        .parse(&article_files, &config, project.as_ref(), &progress)
        .map_err(|d| vec![d])?;
    let articles = parsed.into_iter().filter_map(|(a, _)| a).collect();
    let want = crate::l10n::Want::Nothing;
    let m = crate::build::assemble_in(
        config,
        theme,
        project,
        (articles, crate::bodies::Bodies::kept()),
        assets,
        want,
        (&Scope::Merge, None),
        &mut Vec::new(),
    );

    let mut protected = m.config.source_dirs();
    protected.extend(shard_dirs.iter().cloned());
    output::check_out_dir(site_root, out, &protected).map_err(|d| vec![d])?;
    for dir in shard_dirs {
        if let (Ok(a), Ok(b)) = (dir.canonicalize(), out.canonicalize()) {
            if a == b || a.starts_with(&b) {
                return Err(vec![err(
                    out.display().to_string(),
                    "the output folder is one of the shards' folders",
                )
                .help("merge into a new folder")]);
            }
        }
    }
    let staging = output::Staging::new(out).map_err(|e| {
        vec![err(
            out.display().to_string(),
            format!("cannot create the output folder: {e}"),
        )]
    })?;

    // Every shard's files, each written by one shard only.
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut copies = Vec::new();
    for (si, s) in shards.iter().enumerate() {
        for (rel, abs) in shard_files(&s.dir) {
            if let Some(&other) = owner.get(&rel) {
                diags.push(err(
                    s.dir.display().to_string(),
                    format!(
                        "`{rel}` is written by two shards (also {})",
                        shards[other].dir.display()
                    ),
                ));
                continue;
            }
            owner.insert(rel.clone(), si);
            copies.push(OutFile {
                path: rel,
                content: Content::Copy(abs),
            });
        }
    }
    let mut missing = m
        .site
        .pages
        .iter()
        .map(|p| format!("{}index.html", p.url))
        .filter(|f| !owner.contains_key(f));
    if let Some(first) = missing.next() {
        diags.push(
            err(
                out.display().to_string(),
                format!("{} page(s) are in no shard (first: `{first}`)", missing.count() + 1),
            )
            .help("a shard's build failed or its folder was left out"),
        );
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let write_error: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let written = std::sync::atomic::AtomicUsize::new(0);
    let emit = |f: OutFile| {
        written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = staging.write(&f) {
            write_error.lock().unwrap().get_or_insert(format!("{}: {e}", f.path));
        }
    };
    copies.into_par_iter().for_each(emit);

    diags.extend(crate::build::site_files_in(&m, &emit, &Scope::Merge));
    // The status pages, with the shards' counts of review findings.
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    let mut file_counts: HashMap<(String, String), usize> = HashMap::new();
    for s in &shards {
        let path = s.dir.join(SHARD_DIR).join("l10n.json");
        let found: partial::Findings = match std::fs::read(&path).map(|b| serde_json::from_slice(&b)) {
            Ok(Ok(f)) => f,
            _ => {
                diags.push(err(
                    s.dir.display().to_string(),
                    format!("cannot read {SHARD_DIR}/l10n.json"),
                ));
                continue;
            }
        };
        counts.extend(found.reviews.into_iter().map(|(l, r, n)| ((l, r), n)));
        file_counts.extend(found.files.into_iter().map(|(l, r, n)| ((l, r), n)));
    }
    let findings = crate::l10n::status_pages::Counts {
        reviews: m
            .l10n
            .statuses
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, *counts.get(&(s.locale.clone(), s.rel.clone()))?)))
            .collect(),
        files: m
            .l10n
            .files
            .iter()
            .filter_map(|f| {
                let key = (f.status.locale.clone(), f.status.rel.clone());
                Some(((f.status.locale_index, f.status.rel.clone()), *file_counts.get(&key)?))
            })
            .collect(),
    };
    diags.extend(crate::l10n::status_pages::status_pages_with(
        &m.config, &m.theme, &m.l10n, &findings, &emit,
    ));
    // A split locale's search index, from its parts' analysed pages.
    if m.config.search.enabled && !split.is_empty() {
        let mut parts = Vec::new();
        for s in shards.iter().filter(|s| s.manifest.part.is_some()) {
            let path = s.dir.join(SHARD_DIR).join("search.json");
            match std::fs::read(&path).map(|b| serde_json::from_slice::<SearchPart>(&b)) {
                Ok(Ok(p)) => parts.push(p),
                _ => diags.push(err(
                    s.dir.display().to_string(),
                    format!("cannot read {SHARD_DIR}/search.json"),
                )),
            }
        }
        let prepared = partial::combine_search(parts, m.config.locales.len());
        let mut files = Vec::new();
        if let Err(e) = crate::search::write_for(&m.config, &m.theme, prepared, &mut files, &|li| split.contains(&li)) {
            diags.push(Diagnostic::error(
                "template",
                "",
                format!("cannot render the search page: {e}"),
            ));
        }
        files.into_par_iter().for_each(emit);
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    if let Some(e) = write_error.into_inner().unwrap() {
        diags.push(err(out.display().to_string(), format!("cannot write the site ({e})")));
        return Err(diags);
    }
    staging.commit().map_err(|e| {
        let mut d = diags.clone();
        d.push(err(
            out.display().to_string(),
            format!("cannot write the site ({e}); the previous output is unchanged"),
        ));
        d
    })?;
    crate::diagnostics::sort(&mut diags);
    Ok((
        MergeReport {
            shards: shards.len(),
            pages: m.site.pages.len(),
            files: written.into_inner(),
            elapsed: start.elapsed(),
        },
        diags,
    ))
}
