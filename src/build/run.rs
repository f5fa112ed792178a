//! One build from start to commit: `build_with` chains the stage functions
//! of `build`, streams every file into the staging folder (or, with
//! `--cache`, only what changed), times the stages and makes the report.

use super::loading::Loading;
use super::*;

/// What the command line may change about a build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides `[l10n] review_pages` (whether `_l10n/` is written).
    pub review_pages: Option<bool>,
    /// `build --index FILE --locale CODE [--shard K/N]`: one shard of the
    /// site, from the index of the whole site.
    pub shard: Option<crate::shard::Request>,
    /// The persistent cache folder (`--cache`), if any.
    pub cache: Option<std::path::PathBuf>,
    /// `check --l10n --cache`: report every translation finding, not only
    /// those set to `error` (without the cache, `check_translations`).
    pub every_finding: bool,
}

/// Runs the whole pipeline; with `out`, writes the site there (into a
/// staging folder as pages are rendered, swapped in at the end).
pub fn build(site_root: &Path, show_progress: bool, out: Option<&Path>) -> Result<Build, Vec<Diagnostic>> {
    build_with(site_root, show_progress, out, &Options::default())
}

/// `build`, with the command line's `Options`.
pub fn build_with(
    site_root: &Path,
    show_progress: bool,
    out: Option<&Path>,
    options: &Options,
) -> Result<Build, Vec<Diagnostic>> {
    let start = Instant::now();
    let mut diags = Vec::new();
    let mut config = match Config::load(site_root) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    // The theme (its templates compiled: ~7 ms, on one thread) loads
    // beside opening the output and cache folders and discovery, not
    // before them; it is waited for before parsing, and a theme that does
    // not load stops the build then, with the diagnostics it would have
    // stopped it with first (`Loading::wait`).
    let theme = Loading::start(&config);
    if let Some(on) = options.review_pages {
        config.l10n.review_pages = on;
    }
    let plan = match &options.shard {
        Some(r) => match crate::shard::Plan::new(r, &config) {
            Ok(p) => Some(p),
            Err(d) => {
                diags.push(d);
                return Err(theme.failed(diags));
            }
        },
        None => None,
    };
    // A check reports findings (every one with `--l10n`); a build needs the
    // review's sections only for the `_l10n/` pages, and its findings only
    // when one is set to `error`.
    let want = if out.is_none() && options.every_finding {
        crate::l10n::Want::EveryFinding
    } else if out.is_none() {
        crate::l10n::Want::Findings
    } else if config.l10n.review_pages {
        crate::l10n::Want::Pages
    } else if config.l10n.severity.values().any(|v| v == "error") {
        crate::l10n::Want::Findings
    } else {
        crate::l10n::Want::Nothing
    };
    let staging = match out {
        Some(out) => {
            let protected = config.source_dirs();
            // With the cache, the output keeps a manifest of keys, and
            // a build into a folder with one writes only what changed.
            let open = if options.cache.is_some() {
                output::Staging::keyed
            } else {
                output::Staging::new
            };
            let staged = output::check_out_dir(site_root, out, &protected).and_then(|_| {
                open(out).map_err(|e| {
                    Diagnostic::error(
                        "write",
                        out.display().to_string(),
                        format!("cannot create the output folder: {e}"),
                    )
                })
            });
            match staged {
                Ok(s) => Some(s),
                Err(d) => {
                    diags.push(d);
                    return Err(theme.failed(diags));
                }
            }
        }
        None => None,
    };
    let mut cache = match &options.cache {
        Some(dir) => match crate::cache::run::Run::start(&config, dir, out) {
            Ok(c) => Some(c),
            Err(d) => {
                diags.push(d);
                return Err(theme.failed(diags));
            }
        },
        None => None,
    };
    let write_error: std::sync::Mutex<Option<(String, std::io::Error)>> = std::sync::Mutex::new(None);
    let write_keyed = |f: OutFile, key: Option<[u8; 32]>| {
        if let Some(s) = &staging {
            if let Err(e) = s.write_keyed(&f, key) {
                write_error.lock().unwrap().get_or_insert((f.path, e));
            }
        }
    };
    let write = |f: OutFile| write_keyed(f, None);
    // Whether the output folder holds a page made under its key (nothing
    // to write; nothing is written without an output folder).
    let in_place = |path: &str, key: &[u8; 32]| staging.as_ref().is_none_or(|s| s.keep(path, key));
    let mut stage_ms = BTreeMap::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stage_ms.insert(name, lap.elapsed().as_millis() as u64);
        lap = Instant::now();
    };
    stage("load");
    // With the cache, the last build's parse record is read beside.
    let ((article_files, assets, project), records) = rayon::join(
        || discover_site(&config, &mut diags),
        || cache.as_ref().filter(|_| plan.is_none()).map(|c| c.read_parse_record()),
    );
    let theme = theme.wait(&mut diags)?;
    stage("discover");

    let progress = progress_bar(show_progress, article_files.len() as u64 * 2);
    progress.set_message("parsing");
    // A build's articles' HTML waits in a file in the staging folder from
    // the moment it is made until its readers are done (`bodies`).
    let bodies = staging
        .as_ref()
        .and_then(|s| crate::bodies::Bodies::spilled(&s.dir.join(".polydoc-bodies")).ok())
        .unwrap_or_else(crate::bodies::Bodies::kept);
    // With the cache, an article read back leaves its HTML in its entry.
    let bodies = match &cache {
        Some(c) => bodies.with_store(c.stored_html()),
        None => bodies,
    };
    // A shard parses its own articles; the others come from the index.
    let parsed = match &plan {
        Some(plan) => match plan.parse(&article_files, &config, project.as_ref(), &progress) {
            Ok(p) => p,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        },
        None => match &mut cache {
            Some(c) => c.parse_all(
                records.unwrap_or_default(),
                &article_files,
                &config,
                project.as_ref(),
                &bodies,
                &progress,
            ),
            None => parse_all(&article_files, &config, project.as_ref(), &bodies, &progress),
        },
    };
    // The articles taken out of the parse results where they lie (an
    // in-place collect: a copy of every article into fresh memory was
    // thousands of page faults on one thread).
    let mut articles: Vec<Article> = parsed
        .into_iter()
        .filter_map(|(a, d)| {
            diags.extend(d);
            // (`parse_all` has put its articles' HTML away already.)
            a.map(|mut a| {
                bodies.put(&mut a);
                a
            })
        })
        .collect();
    stage("parse");
    let all = Scope::All;
    let scope = plan.as_ref().map_or(&all, |p| &p.scope);
    // With the cache, the site's other files are hashed beside assembling
    // (which runs on one thread most of the time).
    // (And the last build's page reports read.)
    let (parts, (inputs, reports)) = match &cache {
        Some(c) => rayon::join(
            || assemble_site(&config, project.as_ref(), &mut articles, assets, &bodies, &mut diags),
            || {
                let (inputs, reports) = rayon::join(|| c.site_inputs(&config, &article_files), || c.read_reports());
                (Some(inputs), Some(reports))
            },
        ),
        None => (
            assemble_site(&config, project.as_ref(), &mut articles, assets, &bodies, &mut diags),
            (None, None),
        ),
    };
    let keyed = Instant::now();
    let mut cache_keys_ms = None;
    if let (Some(c), Some(inputs)) = (&mut cache, &inputs) {
        // A shard's pages also depend on the whole site's index file. (What
        // the translation stage is asked for does not change a page, so
        // `check --cache` and `build --cache` share entries.)
        let options = format!("{:?}", plan.as_ref().map(|p| (&p.index_id, &p.scope)));
        if let Err(d) = c.key_site(&config, (&parts.0, &bodies), (&article_files, inputs), &options) {
            diags.push(d);
            return Err(diags);
        }
        // Keying the site (inputs, shape, every article) is part of
        // `assemble`'s wall time; shown apart too.
        cache_keys_ms = Some(keyed.elapsed().as_millis() as u64);
    }
    if let (Some(c), Some(reports)) = (&mut cache, reports) {
        c.key_pages(&parts.0, reports);
    }
    // The search side: each page's card written as soon as its page is
    // analysed (with the cache, one the output folder holds stays); a
    // shard keeps the cards' text for `merge`. With the cache, the pages
    // are analysed (most of them recalled) beside the translation stage,
    // whose one-thread stretches left a core idle; without it, beside
    // rendering as before (all 20,000 analyses held through the
    // translation stage would raise the peak of memory).
    let search_cards = std::sync::atomic::AtomicUsize::new(0);
    let card_in_place = |path: &str, key: &[u8; 32]| {
        let kept = in_place(path, key);
        if kept {
            search_cards.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        kept
    };
    let holds = |path: &str, key: &[u8; 32]| staging.as_ref().is_none_or(|s| s.holds(path, key));
    let search_memo = cache
        .as_ref()
        .and_then(|c| crate::cache::search::Analyses::new(c, &card_in_place, &holds));
    let write_card = |f: OutFile, key: Option<[u8; 32]>| {
        search_cards.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        write_keyed(f, key)
    };
    let prepare = |config: &Config, site: &crate::site::Site, bodies: &crate::bodies::Bodies| {
        crate::search::prepare_memo(
            config,
            site,
            bodies,
            &|p| scope.page(p),
            search_memo.as_ref().map(|m| m as &dyn crate::search::Memo),
            plan.is_none().then_some(&write_card as crate::search::Cards),
        )
    };
    let early = search_memo.is_some();
    let (mut model, mut prepared) = translate(
        config,
        theme,
        project,
        parts,
        bodies,
        want,
        (
            scope,
            staging.as_ref().map(|_| &write as &(dyn Fn(OutFile) + Sync)),
            cache.as_ref().map(|c| {
                (
                    c,
                    &write_keyed as &(dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
                    &in_place as &(dyn Fn(&str, &[u8; 32]) -> bool + Sync),
                )
            }),
        ),
        &mut diags,
        &|config, site, bodies| early.then(|| prepare(config, site, bodies)),
    );
    stage("assemble");
    diags.extend(model.l10n.config_diagnostics.iter().cloned());
    // Findings set to `error` in [l10n.severity] fail every build; the rest
    // show on the review pages and with `check --l10n`.
    diags.extend(
        model
            .l10n
            .diagnostics()
            .into_iter()
            .filter(|d| d.is_error() || options.every_finding),
    );
    pages::LINK_NANOS.store(0, std::sync::atomic::Ordering::Relaxed);

    progress.set_message("rendering");
    progress.set_length(model.site.articles.len() as u64 + model.site.pages.len() as u64);
    // The site files, then pages written as soon as they are rendered;
    // only what the report needs is kept. Beside all of that, the search
    // index: pages analysed, then its files built (its one-thread steps
    // overlap rendering instead of waiting for it).
    let extra_count = std::sync::atomic::AtomicUsize::new(0);
    let ((rendered, render_ms, extra_diags), (search_count, search, search_diags, search_cpu, search_write)) =
        rayon::join(
            || {
                // The site-wide files first: the translation status pages
                // (a row per translation) need large contexts for a moment,
                // and now the search side beside holds little; at the end
                // it holds every page's analysis and builds the index.
                let counted_write = |f: OutFile, key: Option<[u8; 32]>| {
                    extra_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    write_keyed(f, key)
                };
                let redirect_key = |li: usize, dir: &str, target: &str| cache.as_ref()?.redirect_key(li, dir, target);
                let status_key =
                    |path: &str, inputs: &[u8]| crate::cache::l10n::status_page_key(cache.as_ref()?, path, inputs);
                let group = cache.as_ref().and_then(crate::cache::site_files::Group::new);
                let keyed = KeyedRedirects {
                    key: &redirect_key,
                    status_key: &status_key,
                    in_place: &|path, key| {
                        let kept = in_place(path, key);
                        if kept {
                            extra_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        kept
                    },
                    holds: &|path, key| staging.as_ref().is_none_or(|s| s.holds(path, key)),
                    write: &counted_write,
                    group: group.as_ref(),
                };
                let extra_diags = site_files_keyed(&model, &|f| counted_write(f, None), scope, Some(&keyed));
                let started = Instant::now();
                // (With what the cache counted of a page kept by its report.
                // Each page's result written straight into its place in a
                // list sized once: `None` for a page out of scope, rather
                // than a `filter`, whose results are pushed through growing
                // lists and copied again, in fresh memory.)
                let rendered: Vec<Option<Result<(PageOutput, _), Diagnostic>>> = (0..model.site.pages.len())
                    .into_par_iter()
                    .map(|i| {
                        if !scope.page(&model.site.pages[i]) {
                            return None;
                        }
                        let r = match &cache {
                            Some(c) => c.render(&model, i, &in_place, || render_one(&model, i)),
                            None => render_one(&model, i).map(|page| crate::cache::run::Rendered {
                                page,
                                key: None,
                                unchanged: false,
                                counted: None,
                            }),
                        };
                        // Written at once; what is kept until the report is
                        // only what it needs (no HTML, path or dependencies).
                        let r = r.map(|r| {
                            let mut p = r.page;
                            if !r.unchanged {
                                let html = std::mem::take(&mut p.html);
                                let f = OutFile {
                                    path: std::mem::take(&mut p.path),
                                    content: Content::Bytes(html.into_bytes()),
                                };
                                write_keyed(f, r.key);
                            }
                            p.links_to = Vec::new();
                            (p, r.counted)
                        });
                        progress.inc(1);
                        Some(r)
                    })
                    .collect();
                progress.finish_and_clear();
                let render_ms = started.elapsed().as_millis() as u64;
                if let Some(c) = &cache {
                    c.write_reports();
                }
                (rendered, render_ms, extra_diags)
            },
            || {
                let docs = prepared
                    .take()
                    .unwrap_or_else(|| prepare(&model.config, &model.site, &model.bodies));
                let search_cpu = docs.cpu_ms();
                let started = Instant::now();
                let (out, stats, diags) = match &plan {
                    Some(plan) => plan.search_files(&model, docs),
                    None => search_files_memo(
                        &model,
                        docs,
                        search_memo.as_ref().map(|m| m as &dyn crate::search::Memo),
                    ),
                };
                let took = started.elapsed().as_millis() as u64;
                let count = out.len() + search_cards.load(std::sync::atomic::Ordering::Relaxed);
                out.into_par_iter().for_each(write);
                (count, stats, diags, search_cpu, took)
            },
        );
    let link_ms = pages::LINK_NANOS.load(std::sync::atomic::Ordering::Relaxed) / 1_000_000;

    let mut files_written = 0;
    // Links counted by class (a few classes, a count each; hundreds of
    // thousands of links), put in the report's map at the end.
    let mut by_class: Vec<(Class, usize)> = Vec::new();
    // (Sized once.)
    let n_diags: usize = rendered.iter().flatten().flatten().map(|(p, _)| p.diags.len()).sum();
    // Each page's external links stay in the page's list (moved, not
    // copied into one list of them all).
    let mut external_links = ExternalLinks(Vec::with_capacity(rendered.len()), Default::default());
    let mut page_diags = Vec::with_capacity(n_diags + rendered.len() / 64);
    let mut count = |c: Class, k: usize| match by_class.iter_mut().find(|(class, _)| *class == c) {
        Some((_, n)) => *n += k,
        None => by_class.push((c, k)),
    };
    for r in rendered.into_iter().flatten() {
        match r {
            Ok((p, counted)) => {
                // A page kept by its report: its links counted there, its
                // external links read from it if the report is printed.
                if let Some((classes, links)) = counted {
                    for (i, &k) in classes.iter().enumerate().filter(|(_, k)| **k > 0) {
                        count(crate::cache::codec::class_at(i), k);
                    }
                    if let Some(h) = links {
                        external_links.1.at.push((external_links.0.len(), h));
                        external_links.0.push(Vec::new());
                    }
                }
                if !p.external.is_empty() {
                    external_links.0.push(p.external);
                }
                for c in p.link_classes {
                    count(c, 1);
                }
                page_diags.extend(p.diags);
                files_written += 1;
            }
            Err(d) => page_diags.push(d),
        }
    }
    if !external_links.1.at.is_empty() {
        external_links.1.read = cache.as_ref().map(|c| c.links());
    }
    let links: BTreeMap<Class, usize> = by_class.into_iter().collect();
    diags.extend(dedupe_page_diagnostics(page_diags));
    if let Some(plan) = &plan {
        // What `merge` needs from this shard: which index it was built
        // from, and its partial data.
        let files = plan.shard_files(&model, files_written);
        files_written += files.len();
        files.into_iter().for_each(write);
    }
    files_written += extra_count.into_inner();
    diags.extend(extra_diags);
    files_written += search_count;
    diags.extend(search_diags);
    stage("site_files");
    // A theme that cannot render a page is as fatal as one that does not
    // load: nothing is written (the staging folder is dropped), so the
    // previous output stays as it was.
    if diags.iter().any(|d| d.code == "template" && d.is_error()) {
        drop(staging);
        diags.push(
            Diagnostic::error(
                "template",
                crate::discover::display_path(&model.config.site_root, &model.config.theme_dir().join("templates")),
                "the theme cannot render every page; nothing was written and the previous output is unchanged",
            )
            .help("fix the template named above"),
        );
        return Err(diags);
    }
    // Gone before the staging folder becomes the output.
    model.bodies = crate::bodies::Bodies::kept();
    // Only a build that wrote its site decides what the cache keeps.
    let prune = out.is_some();
    let finish = |c: Option<crate::cache::run::Run>| c.map(|c| c.finish(prune));
    let (committed, finished) = match staging {
        Some(s) => {
            let failed = write_error.into_inner().unwrap();
            // Only a commit in place touches the output before it is done.
            let in_place = failed.is_none() && s.in_place();
            let committed = match failed {
                Some((path, e)) => Err(match source_of(&model, &path) {
                    // Name what to rename: the output path alone does not say.
                    Some(src) => format!("`{path}`, the output of `{src}`: {e}"),
                    None => format!("{path}: {e}"),
                }),
                None => Ok(()),
            };
            match committed {
                Err(e) => (Some((Err(e), in_place, 0)), None),
                // The output's commit and the cache's end (the page
                // reports written, what this build did not use pruned)
                // touch different folders: side by side. (A commit that
                // fails then leaves a cache as sound as any other: an
                // entry is checked when used, and the output's manifest
                // says what the folder holds.)
                Ok(()) => {
                    let ((r, ms), finished) = rayon::join(
                        || {
                            let t = Instant::now();
                            let r = s.commit().map_err(|e| e.to_string());
                            (r, t.elapsed().as_millis() as u64)
                        },
                        || finish(cache),
                    );
                    (Some((r, in_place, ms)), finished)
                }
            }
        }
        None => (None, finish(cache)),
    };
    if let Some((committed, in_place, ms)) = committed {
        if let Err(e) = committed {
            let out = out.map(|o| o.display().to_string()).unwrap_or_default();
            // An update in place says itself what it left.
            let left = if in_place {
                ""
            } else {
                "; the previous output is unchanged"
            };
            diags.push(Diagnostic::error(
                "write",
                out,
                format!("cannot write the site ({e}){left}"),
            ));
            return Err(diags);
        }
        stage("commit");
        stage_ms.insert("commit", ms);
    }

    // "site_files" was timed from the end of `assemble`: rendering's own
    // wall time is "render", the rest (to the end of the search index)
    // stays "site_files".
    let after_assemble = stage_ms.get("site_files").copied().unwrap_or(0);
    stage_ms.insert("render", render_ms);
    stage_ms.insert("site_files", after_assemble.saturating_sub(render_ms));
    stage_ms.insert("links_cpu", link_ms);
    if let Some(ms) = cache_keys_ms {
        stage_ms.insert("cache_keys", ms);
    }
    // Search: page analysis (beside rendering, summed over threads) and
    // building the index files (part of `site_files`).
    stage_ms.insert("search_cpu", search_cpu);
    stage_ms.insert("search_write", search_write);
    let cache_stats = finished.map(|(stats, warnings)| {
        diags.extend(warnings);
        stats
    });
    diagnostics::sort(&mut diags);
    // An included file's problem is found once per page that includes it.
    diags.dedup_by(|a, b| {
        a.file == b.file && a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message
    });
    let Model {
        config,
        site,
        index,
        l10n,
        theme,
        nav,
        pivots,
        project,
        bodies,
    } = model;
    let pages_built = || site.pages.iter().filter(|p| scope.page(p));
    let stats = Stats {
        articles: site.articles.len(),
        pages: pages_built().count(),
        fallback_pages: pages_built().filter(|p| p.fallback).count(),
        locales: config.locales.len(),
        assets: site.assets.len(),
        files_written,
        links,
        redirects: index.redirects.len(),
        stage_ms,
        search,
        cache: cache_stats,
        elapsed: start.elapsed(),
    };
    // The site model is freed beside the report (tens of milliseconds
    // of the build's end; a process that exits does not wait for it).
    drop_beside((site, index, theme, nav, pivots, project, bodies));
    Ok(Build {
        config,
        external_links,
        diagnostics: diags,
        stats,
        l10n,
    })
}

/// Drops `value` on a thread of its own (inline if none can be started).
fn drop_beside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
