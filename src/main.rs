//! The `polydoc` command line. Parses arguments, runs the pipeline, prints
//! diagnostics and sets the exit status. No pipeline logic lives here.

mod cli;

use clap::Parser;
use cli::{Cli, Command, Common, Deny, Format, L10nCommand, ThemeCommand};
use polydoc::build::{self, Build};
use polydoc::diagnostics::{Diagnostic, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a build allocates many small,
/// short-lived strings from every thread.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A closed pipe ends the process quietly, as it does `ls | head`;
    // Rust's default (SIGPIPE ignored) makes every print panic instead.
    #[cfg(unix)]
    // SAFETY: called before any thread starts; sets a signal disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build {
            common,
            out,
            no_review_pages,
            index,
            locale,
            shard,
            cache,
        } => {
            let out = out.unwrap_or_else(|| common.site.join("output"));
            let options = build::Options {
                review_pages: no_review_pages.then_some(false),
                shard: index.map(|index| polydoc::shard::Request {
                    index,
                    locales: locale,
                    part: shard,
                }),
                cache: cache_dir(&common.site, cache),
                every_finding: false,
            };
            run_with(&common, Some(&out), &options)
        }
        Command::Index { site, out, quiet } => index(&site, &out, quiet),
        Command::Merge {
            site,
            index,
            out,
            shards,
            quiet,
        } => merge(&site, &index, &out, &shards, quiet),
        // The translation check without the cache renders no page
        // (`check_translations`); with it, it is the cached check reporting
        // every finding.
        Command::Check {
            common,
            l10n: true,
            cache: None,
        } => check_l10n(&common),
        Command::Check { common, l10n, cache } => {
            let options = build::Options {
                cache: cache_dir(&common.site, cache),
                every_finding: l10n,
                ..Default::default()
            };
            run_with(&common, None, &options)
        }
        Command::L10n { command } => match command {
            L10nCommand::Status { site, format } => l10n_status(&site, format),
            L10nCommand::MarkCurrent { paths, date } => mark_current(paths, date.as_deref()),
        },
        Command::Init { dir, locales } => init(&dir, &locales),
        Command::Theme {
            command: ThemeCommand::Eject { name, site, force },
        } => theme_eject(&site, name, force),
        Command::ThemeCss { dir } => theme_css(&dir),
        Command::Serve {
            site,
            out,
            port,
            bind,
            open,
        } => {
            let out = out.unwrap_or_else(|| site.join("output"));
            match polydoc::serve::run(polydoc::serve::Options {
                site,
                out,
                port,
                bind,
                open,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    };
    exit_now(code)
}

/// Ends the process as soon as its work is done: standard output flushed,
/// every file written and renamed in and every thread's work finished
/// (the commands return only then), it skips the allocator's teardown at
/// exit, which hands the build's freed memory back to the kernel page by
/// page (`madvise`, 1.6-2.3% of a warm build's CPU, serial at the end of
/// the main thread). The kernel takes the whole address space back in
/// one go instead. An exit code this does not know returns as before.
fn exit_now(code: ExitCode) -> ExitCode {
    use std::io::Write;
    let raw = [(ExitCode::SUCCESS, 0), (ExitCode::from(1), 1), (ExitCode::from(2), 2)]
        .into_iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n);
    match raw {
        Some(n) if std::io::stdout().flush().is_ok() && std::io::stderr().flush().is_ok() => {
            // SAFETY: `_exit` ends the process; nothing of ours is left
            // to run (no destructor of ours holds unwritten data: output
            // files are renamed in before a command returns).
            unsafe { libc::_exit(n) }
        }
        _ => code,
    }
}

/// Diagnostics to standard error (errors only when `quiet`).
fn print_diagnostics(site: &Path, diags: &[Diagnostic], quiet: bool) {
    for d in diags.iter().filter(|d| !quiet || d.is_error()) {
        eprint!("{}", d.render(site));
    }
}

fn index(site: &Path, out: &Path, quiet: bool) -> ExitCode {
    match polydoc::shard::index::write(site, out) {
        Ok((r, diags)) => {
            print_diagnostics(site, &diags, quiet);
            if !quiet {
                eprintln!(
                    "indexed {} articles in {} locales into {} ({} bytes, index {}) in {:.2?}",
                    r.articles,
                    r.locales,
                    out.display(),
                    r.bytes,
                    r.id,
                    r.elapsed
                );
            }
            // A bad article fails the index as it fails a build.
            content_status(&diags)
        }
        Err(diags) => {
            print_diagnostics(site, &diags, false);
            ExitCode::from(2)
        }
    }
}

/// Exit status 1 when the content has errors (the rest was still done).
fn content_status(diags: &[Diagnostic]) -> ExitCode {
    if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn merge(site: &Path, index: &Path, out: &Path, shards: &[PathBuf], quiet: bool) -> ExitCode {
    match polydoc::shard::merge::merge(site, index, out, shards) {
        Ok((r, diags)) => {
            print_diagnostics(site, &diags, quiet);
            if !quiet {
                eprintln!(
                    "merged {} shards ({} pages, {} files) into {} in {:.2?}",
                    r.shards,
                    r.pages,
                    r.files,
                    out.display(),
                    r.elapsed
                );
            }
            content_status(&diags)
        }
        Err(diags) => {
            print_diagnostics(site, &diags, false);
            ExitCode::from(2)
        }
    }
}

/// `--cache` alone means the default folder in the site folder.
#[allow(clippy::option_option)]
fn cache_dir(site: &Path, flag: Option<Option<PathBuf>>) -> Option<PathBuf> {
    flag.map(|dir| dir.unwrap_or_else(|| site.join(polydoc::cache::DEFAULT_DIR)))
}

/// Loads the site (no theme, no pages rendered) and prints the translation
/// status.
fn l10n_status(site: &Path, format: Format) -> ExitCode {
    let (config, l10n) = match build::translations(site) {
        Ok(b) => b,
        Err(diags) => {
            for d in &diags {
                eprint!("{}", d.render(site));
            }
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&polydoc::l10n::report::json(&config, &l10n)).unwrap_or_default()
        ),
        Format::Human => print!("{}", polydoc::l10n::report::text(&config, &l10n)),
    }
    ExitCode::SUCCESS
}

/// Builds (with `out`) or checks the site, then reports.
fn run_with(common: &Common, out: Option<&Path>, options: &build::Options) -> ExitCode {
    let show_progress = std::io::stderr().is_terminal() && !common.quiet && common.format == Format::Human;
    match build::build_with(&common.site, show_progress, out, options) {
        Ok(b) => finish(common, out, b),
        Err(diags) => {
            report(common, &diags, None);
            ExitCode::from(2)
        }
    }
}

/// `check --l10n`: the site's diagnostics and every translation finding,
/// with no theme loaded and no page rendered.
fn check_l10n(common: &Common) -> ExitCode {
    match build::check_translations(&common.site) {
        Ok(b) => finish(common, None, b),
        Err(diags) => {
            report(common, &diags, None);
            ExitCode::from(2)
        }
    }
}

fn finish(common: &Common, out: Option<&Path>, mut build: build::Build) -> ExitCode {
    if common.deny == Some(Deny::Warnings) {
        for d in &mut build.diagnostics {
            d.severity = Severity::Error;
        }
    }
    report(common, &build.diagnostics, Some(&build));
    if common.format == Format::Human && !common.quiet {
        let s = &build.stats;
        let what = if out.is_some() { "built" } else { "checked" };
        eprintln!(
            "{what} {} pages ({} articles, {} locales, {} fallback pages, {} assets) in {:.2?}",
            s.pages, s.articles, s.locales, s.fallback_pages, s.assets, s.elapsed
        );
        let links: Vec<String> = s
            .links
            .iter()
            .map(|(k, v)| {
                format!(
                    "{v} {}",
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )
            })
            .collect();
        let total: usize = s.links.values().sum();
        eprintln!(
            "links: {total} ({})",
            if links.is_empty() {
                "none".into()
            } else {
                links.join(", ")
            }
        );
        if let Some(out) = out {
            eprintln!(
                "to read it: polydoc serve, or any static server (python3 -m http.server -d {} 8000)",
                out.display()
            );
        }
    }
    let code = if build.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing the build (every article's translation
    // status and findings, the diagnostics, the external links: a great
    // many small allocations, then the allocator handing pages back to the
    // system) is work for nothing, on the one thread left, after the output
    // is committed (about 30 ms of a 0.5 s warm build of 20,000 pages).
    // Nothing in a `Build` has a `Drop` with an effect outside memory.
    std::mem::forget(build);
    code
}

fn report(common: &Common, diags: &[Diagnostic], build: Option<&Build>) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if common.format == Format::Json {
        let report = serde_json::json!({
            "summary": {
                "errors": errors,
                "warnings": warnings,
                "stats": build.map(|b| &b.stats),
            },
            "diagnostics": diags,
            "external_links": build.map(|b| &b.external_links),
        });
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        return;
    }
    let mut sources = polydoc::diagnostics::SourceLines::default();
    for d in diags {
        if common.quiet && !d.is_error() {
            continue;
        }
        eprint!("{}", d.render_from(&common.site, &mut sources));
    }
    if !common.quiet && (errors > 0 || warnings > 0) {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

fn mark_current(mut paths: Vec<PathBuf>, date: Option<&str>) -> ExitCode {
    use polydoc::l10n::mark;
    let site = if paths.len() > 1 && paths[0].join(polydoc::config::CONFIG_FILE).is_file() {
        paths.remove(0)
    } else {
        PathBuf::from(".")
    };
    let config = match polydoc::config::Config::load(&site) {
        Ok(c) => c,
        Err(d) => {
            eprint!("{}", d.render(&site));
            return ExitCode::from(2);
        }
    };
    let date = match date {
        None => mark::today(),
        Some(s) => match polydoc::frontmatter::Date::parse_us(s) {
            Some(d) => d,
            None => {
                eprintln!("error: --date {s} is not a date in MM/DD/YYYY form");
                return ExitCode::from(2);
            }
        },
    };
    let mut failed = false;
    for p in &paths {
        match mark::mark_current(&config, p, date) {
            Ok(m) => println!(
                "{}: ms.openlocfilehash {} -> {}, ms.lasthandoff {}{}",
                m.file,
                m.previous.as_deref().unwrap_or("(none)"),
                m.hash,
                m.date,
                m.commit
                    .as_deref()
                    .map(|c| format!(", ms.sourcegitcommit {c}"))
                    .unwrap_or_default()
            ),
            Err(d) => {
                failed = true;
                eprint!("{}", d.render(&site));
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn init(dir: &Path, locales: &[String]) -> ExitCode {
    match polydoc::init::init(dir, locales, polydoc::l10n::mark::today()) {
        Ok(done) => {
            for f in &done.written {
                eprintln!("  wrote {f}");
            }
            let shown = dir.display();
            for c in &done.untranslated {
                eprintln!("note: polydoc has no starter words in {c}: its articles are in English, to be translated");
            }
            eprintln!("a new site is ready in {shown}; preview it with:\n  polydoc serve {shown}");
            eprintln!("then set `base_url` in {shown}/polydoc.toml to the address it will be published at");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(dir));
            ExitCode::from(2)
        }
    }
}

fn theme_eject(site: &Path, name: Option<String>, force: bool) -> ExitCode {
    let config = match polydoc::config::Config::load(site) {
        Ok(c) => c,
        Err(d) => {
            eprint!("{}", d.render(site));
            return ExitCode::from(2);
        }
    };
    let name = name.unwrap_or_else(|| config.theme.clone());
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        eprintln!("error: theme name `{name}` must be a folder name (no `/`, not starting with `.`)");
        return ExitCode::from(2);
    }
    match polydoc::theme::eject(site, &name, force) {
        Ok(e) if e.written.is_empty() => {
            eprintln!(
                "error: {} file(s) of the theme already exist in themes/{name}/; nothing was written:",
                e.existing.len()
            );
            for f in e.existing.iter().take(10) {
                eprintln!("  {f}");
            }
            if e.existing.len() > 10 {
                eprintln!("  ... and {} more", e.existing.len() - 10);
            }
            eprintln!("  = help: add --force to overwrite them, or eject under another name");
            ExitCode::from(1)
        }
        Ok(e) => {
            eprintln!(
                "wrote the built-in theme to themes/{name}/ ({} files{})",
                e.written.len(),
                if e.existing.is_empty() {
                    String::new()
                } else {
                    format!(", {} overwritten", e.existing.len())
                }
            );
            if name != config.theme {
                eprintln!("to use it, set `theme = \"{name}\"` in polydoc.toml");
            }
            eprintln!("files you keep unchanged may be deleted: the built-in ones stand in for them");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write themes/{name}/: {e}");
            ExitCode::from(2)
        }
    }
}

fn theme_css(dir: &Path) -> ExitCode {
    let pairs = [
        ("syntax-light.css", "InspiredGitHub"),
        ("syntax-dark.css", "base16-ocean.dark"),
    ];
    for (file, theme) in pairs {
        let Some(css) = polydoc::markdown::highlight::theme_css(theme) else {
            eprintln!("error: syntect has no theme {theme}");
            return ExitCode::from(2);
        };
        if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(dir.join(file), css)) {
            eprintln!("error: cannot write {}: {e}", dir.join(file).display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
