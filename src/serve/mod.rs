//! `polydoc serve`: builds, serves the output folder on loopback, watches
//! the site and rebuilds only what changed, then tells open tabs to reload.

pub mod http;
pub mod session;
mod watch;

use crate::diagnostics::Diagnostic;
use crate::search::fxhash::FxHashSet;
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
    let mut shown = Shown::default();
    report(&session, &site, &first, "built", &mut shown);
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

    // Work that can wait (site-wide status pages) is done once edits pause.
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(400);
    loop {
        let idle = session.has_deferred().then_some(PAUSE);
        let Some(batch) = watcher.next_batch(idle) else { break };
        let Some(paths) = batch else {
            match session.flush_deferred(&watcher.pending) {
                Ok(update) => notify_tabs(&shared, &update),
                Err(d) => eprint!("{}", d.render(&site)),
            }
            continue;
        };
        match session.apply(&paths) {
            Ok(update) => {
                if report(&session, &site, &update, "rebuilt", &mut shown) {
                    publish_errors(&session, &shared);
                }
                notify_tabs(&shared, &update);
            }
            Err(d) => eprint!("{}", d.render(&site)),
        }
    }
    Ok(())
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

/// The errors the terminal has shown, so that a rebuild prints only what
/// changed: on a site with thousands of broken links, reprinting every one
/// after each save buries the one that matters (and takes longer than the
/// rebuild).
#[derive(Default)]
struct Shown {
    /// Hashes of the errors' `key`s.
    errors: FxHashSet<u64>,
}

/// An error's identity: where it is, its kind and message. (The Fx hash:
/// every rebuild hashes every error, and SipHash made that most of an
/// edit's time on a site with tens of thousands of errors.)
fn key(d: &Diagnostic) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::search::fxhash::FxHasher::default();
    (&d.file, d.line, d.column, d.code, &d.message).hash(&mut h);
    h.finish()
}

/// Prints the first build's diagnostics; after a rebuild only the errors
/// that are new, and how many were fixed (warnings are not repeated).
/// A rebuild walks the diagnostics once, by reference, hashing the errors:
/// nothing is copied or sorted but the new ones. Returns whether the set
/// of errors changed.
fn report(session: &Session, site: &Path, update: &Update, what: &str, shown: &mut Shown) -> bool {
    let first = what == "built";
    let mut errors: FxHashSet<u64> = FxHashSet::with_capacity_and_hasher(shown.errors.len(), Default::default());
    let mut warnings = 0;
    let mut new: Vec<&Diagnostic> = Vec::new();
    for d in session.iter_diagnostics() {
        if !d.is_error() {
            warnings += 1;
            if first {
                new.push(d);
            }
            continue;
        }
        let k = key(d);
        if errors.insert(k) && (first || !shown.errors.contains(&k)) {
            new.push(d);
        }
    }
    new.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message).cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
    let mut out = String::new();
    for d in &new {
        out.push_str(&d.render(site));
    }
    let new_errors = new.iter().filter(|d| d.is_error()).count();
    let fixed = shown.errors.iter().filter(|k| !errors.contains(*k)).count();
    let change = if first {
        String::new()
    } else {
        format!(": {new_errors} new, {fixed} fixed")
    };
    eprint!("{out}");
    eprintln!(
        "{what}: {} pages rendered, {} files written in {:.1} ms ({} errors{change}, {warnings} warnings)",
        update.pages_rendered,
        update.files_written,
        update.elapsed.as_secs_f64() * 1000.0,
        errors.len(),
    );
    shown.errors = errors;
    first || new_errors > 0 || fixed > 0
}

/// The error list the browser overlay shows (only rebuilt when the set of
/// errors changed).
fn publish_errors(session: &Session, shared: &Shared) {
    let lines: Vec<String> = session
        .errors()
        .iter()
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect();
    *shared.errors.write().unwrap() = lines;
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
