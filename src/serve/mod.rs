//! `polydoc serve`: builds, serves the output folder on loopback, watches
//! the site and rebuilds only what changed, then tells open tabs to reload.

mod analyses;
mod diags;
pub mod http;
pub mod session;
mod watch;
mod worker;
mod written;

use crate::diagnostics::Diagnostic;
use http::Shared;
use session::{Session, Update};
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Options {
    pub site: PathBuf,
    pub out: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
}

pub fn run(opts: Options) -> Result<(), String> {
    let site = opts
        .site
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", opts.site.display()))?;
    let out = if opts.out.is_absolute() {
        opts.out.clone()
    } else {
        std::env::current_dir().unwrap_or_default().join(&opts.out)
    };
    let mut session = Session::new(&site, &out);
    let first = session.full().map_err(|d| d.render(&site))?;
    report(&mut session, &site, &first, "built");
    eprintln!("{}", memory_line(&session));
    let out = out.canonicalize().unwrap_or(out);

    // Watch before serving: a change saved as soon as the server answers
    // must not be missed.
    let mut roots = vec![site.clone()];
    if let Some(config) = session_config_roots(&site) {
        roots.extend(config.into_iter().filter(|r| !r.starts_with(&site)));
    }
    let watcher = watch::Watcher::new(&roots, &out).map_err(|e| format!("cannot watch the site: {e}"))?;
    let shared = Arc::new(Shared::default());
    publish_errors(&session, &shared);
    let listener = TcpListener::bind((opts.bind, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}/");
    eprintln!("serving {} at {url} (Ctrl+C to stop)", out.display());
    {
        let (root, shared) = (out.clone(), shared.clone());
        std::thread::spawn(move || http::serve(listener, root, shared));
    }
    if opts.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }

    // Work that can wait (site-wide status pages) is done once edits pause;
    // what the worker makes is written as soon as it is ready.
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(400);
    const POLL: std::time::Duration = std::time::Duration::from_millis(10);
    let mut last_change = std::time::Instant::now();
    loop {
        let idle = if session.busy() {
            Some(POLL)
        } else {
            session
                .has_deferred()
                .then(|| PAUSE.saturating_sub(last_change.elapsed()).max(POLL))
        };
        let Some(batch) = watcher.next_batch(idle) else { break };
        let Some(paths) = batch else {
            let collected = session.collect();
            let flushed = if session.has_deferred() && last_change.elapsed() >= PAUSE {
                session.flush_deferred(&watcher.pending)
            } else {
                Ok(Default::default())
            };
            for result in [collected, flushed] {
                match result {
                    Ok(update) => {
                        // The search index's own findings come with it.
                        if session.diags.touched() && report(&mut session, &site, &update, "updated") {
                            publish_errors(&session, &shared);
                        }
                        notify_tabs(&shared, &update);
                    }
                    Err(d) => eprint!("{}", d.render(&site)),
                }
            }
            continue;
        };
        last_change = std::time::Instant::now();
        match session.apply(&paths) {
            Ok(update) => {
                if report(&mut session, &site, &update, "rebuilt") {
                    publish_errors(&session, &shared);
                }
                notify_tabs(&shared, &update);
            }
            Err(d) => eprint!("{}", d.render(&site)),
        }
    }
    Ok(())
}

/// What serve keeps for the session, said once after the first build: a
/// build drops each page once written, serve keeps the parsed site.
fn memory_line(session: &Session) -> String {
    let (articles, pages) = session.size();
    let resident = resident_bytes().map_or(String::new(), |b| format!(", {} MB resident", b.div_ceil(1 << 20)));
    format!("serve keeps the parsed site in memory: {articles} articles, {pages} pages{resident}")
}

/// The process's resident memory, where the system tells it (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Locale folders outside the site folder are watched too.
fn session_config_roots(site: &Path) -> Option<Vec<PathBuf>> {
    let config = crate::config::Config::load(site).ok()?;
    Some(
        config
            .locales
            .iter()
            .map(|l| l.root.canonicalize().unwrap_or_else(|_| l.root.clone()))
            .collect(),
    )
}

/// How many new diagnostics a rebuild prints in full; the rest are
/// counted (a change to the configuration can bring thousands at once).
const PRINTED: usize = 100;

/// How many errors the browser's overlay lists.
const OVERLAID: usize = 50;

/// Prints the first build's diagnostics; after a rebuild, what changed:
/// the diagnostics that are new in full, the ones that went as "fixed".
/// The session's ledger knows both and the counts, so this costs what the
/// rebuild redid, not the number of diagnostics. Returns whether there
/// was a change.
fn report(session: &mut Session, site: &Path, update: &Update, what: &str) -> bool {
    let first = what == "built";
    let changes = session.diags.take_changes();
    let mut out = String::new();
    let mut sources = crate::diagnostics::SourceLines::default();
    for d in changes.new.iter().take(if first { usize::MAX } else { PRINTED }) {
        out.push_str(&d.render_from(site, &mut sources));
    }
    if !first && changes.new.len() > PRINTED {
        out.push_str(&format!(
            "... and {} more new: `polydoc check` lists every diagnostic\n",
            changes.new.len() - PRINTED
        ));
    }
    for d in changes.fixed.iter().take(PRINTED) {
        let label = if d.is_error() { "error" } else { "warning" };
        out.push_str(&format!(
            "fixed {label}[{}]: {}\n  --> {}\n",
            d.code,
            d.message,
            d.location()
        ));
    }
    if changes.fixed.len() > PRINTED {
        out.push_str(&format!("... and {} more fixed\n", changes.fixed.len() - PRINTED));
    }
    let (errors, warnings) = (session.diags.errors(), session.diags.warnings());
    let change = if first {
        String::new()
    } else {
        let count = |f: fn(&Diagnostic) -> bool, ds: &[Diagnostic]| ds.iter().filter(|d| f(d)).count();
        let (new_e, fixed_e) = (
            count(Diagnostic::is_error, &changes.new),
            count(Diagnostic::is_error, &changes.fixed),
        );
        format!(": {new_e} new, {fixed_e} fixed")
    };
    eprint!("{out}");
    eprintln!(
        "{what}: {} pages rendered, {} files written in {:.1} ms ({errors} errors{change}, {warnings} warnings)",
        update.pages_rendered,
        update.files_written,
        update.elapsed.as_secs_f64() * 1000.0,
    );
    first || changes.new.iter().chain(&changes.fixed).any(Diagnostic::is_error)
}

/// The errors the browser overlay lists: the first by place, and how many
/// there are (only redone when the errors changed).
fn publish_errors(session: &Session, shared: &Shared) {
    let (first, total) = session.diags.first_errors(OVERLAID);
    let lines: Vec<String> = first
        .iter()
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect();
    *shared.errors.write().unwrap() = (lines, total);
}

fn notify_tabs(shared: &Shared, update: &Update) {
    let msg = if update.all {
        serde_json::json!({"type": "reload", "all": true})
    } else if update.changed.is_empty() {
        return;
    } else if update.css_only {
        serde_json::json!({"type": "css"})
    } else {
        serde_json::json!({"type": "reload", "paths": update.changed})
    };
    shared.broadcast(&msg.to_string());
}
