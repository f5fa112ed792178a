//! The diagnostics of a `serve` session, kept by where they come from (the
//! configuration, discovery, each article's parse, assembly, each page's
//! render, the site files), and a ledger of them that every change goes
//! through. A rebuild replaces only the lists of what it redid, so the
//! ledger knows the error and warning counts without walking the rest, and
//! what appeared and went since the last report: a site with tens of
//! thousands of broken links costs an edit the diagnostics of the pages it
//! re-rendered, not a walk over all of them.

use crate::diagnostics::Diagnostic;
use crate::search::fxhash::{FxHashMap, FxHasher};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// A page: its locale and path in the locale tree.
pub type PageKey = (usize, String);

#[derive(Default)]
pub struct Diags {
    fatal: Vec<Diagnostic>,
    discover: Vec<Diagnostic>,
    parse: HashMap<PathBuf, Vec<Diagnostic>>,
    assemble: Vec<Diagnostic>,
    pages: HashMap<PageKey, Vec<Diagnostic>>,
    extra: Vec<Diagnostic>,
    ledger: Ledger,
}

/// What changed since the last report: diagnostics that appeared and that
/// went, each sorted by place. One that only moved (the same file, kind and
/// message at another line, as when a line is added above it) is in neither.
#[derive(Default)]
pub struct Changes {
    pub new: Vec<Diagnostic>,
    pub fixed: Vec<Diagnostic>,
}

impl Diags {
    pub fn set_fatal(&mut self, new: Vec<Diagnostic>) {
        self.ledger.replace(&self.fatal, &new);
        self.fatal = new;
    }

    pub fn set_discover(&mut self, new: Vec<Diagnostic>) {
        self.ledger.replace(&self.discover, &new);
        self.discover = new;
    }

    /// One article file's parse diagnostics.
    pub fn set_parse(&mut self, file: PathBuf, new: Vec<Diagnostic>) {
        self.ledger.add_all(&new);
        if let Some(old) = self.parse.insert(file, new) {
            self.ledger.remove_all(&old);
        }
    }

    /// Keeps the parse diagnostics of the files `keep` takes.
    pub fn retain_parse(&mut self, mut keep: impl FnMut(&PathBuf) -> bool) {
        let ledger = &mut self.ledger;
        self.parse.retain(|p, old| {
            let k = keep(p);
            if !k {
                ledger.remove_all(old);
            }
            k
        });
    }

    pub fn clear_parse(&mut self) {
        self.retain_parse(|_| false);
    }

    pub fn set_assemble(&mut self, new: Vec<Diagnostic>) {
        self.ledger.replace(&self.assemble, &new);
        self.assemble = new;
    }

    /// Changes the assembly diagnostics in place (an edited article's
    /// anchors are repaired again).
    pub fn assemble_mut(&mut self, f: impl FnOnce(&mut Vec<Diagnostic>)) {
        let mut list = std::mem::take(&mut self.assemble);
        self.ledger.remove_all(&list);
        f(&mut list);
        self.ledger.add_all(&list);
        self.assemble = list;
    }

    /// One page's render diagnostics.
    pub fn set_page(&mut self, key: PageKey, new: Vec<Diagnostic>) {
        self.ledger.add_all(&new);
        if let Some(old) = self.pages.insert(key, new) {
            self.ledger.remove_all(&old);
        }
    }

    pub fn clear_pages(&mut self) {
        for old in std::mem::take(&mut self.pages).values() {
            self.ledger.remove_all(old);
        }
    }

    pub fn set_extra(&mut self, new: Vec<Diagnostic>) {
        self.ledger.replace(&self.extra, &new);
        self.extra = new;
    }

    /// Adds site-file diagnostics, each message once.
    pub fn add_extra(&mut self, new: Vec<Diagnostic>) {
        for d in new {
            if !self.extra.iter().any(|e| e.message == d.message) {
                self.ledger.add(&d);
                self.extra.push(d);
            }
        }
    }

    pub fn errors(&self) -> usize {
        self.ledger.errors
    }

    pub fn warnings(&self) -> usize {
        self.ledger.warnings
    }

    /// Every current diagnostic by reference, unsorted, each error and
    /// each translation's missing anchor once.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> + '_ {
        let mut seen = crate::search::fxhash::FxHashSet::default();
        self.fatal
            .iter()
            .chain(&self.discover)
            .chain(self.parse.values().flatten())
            .chain(&self.assemble)
            .chain(self.pages.values().flatten())
            .chain(&self.extra)
            .filter(move |d| !(d.is_error() || is_anchor(d)) || seen.insert(id(d)))
    }

    /// The first `n` errors by place, and how many there are: what the
    /// browser's overlay lists (a walk by reference, nothing copied but
    /// the `n`).
    pub fn first_errors(&self, n: usize) -> (Vec<Diagnostic>, usize) {
        let mut first: Vec<&Diagnostic> = Vec::with_capacity(n + 1);
        for d in self.iter().filter(|d| d.is_error()) {
            if first.len() == n && first.last().is_some_and(|l| place(l) <= place(d)) {
                continue;
            }
            let at = first.partition_point(|x| place(x) <= place(d));
            first.insert(at, d);
            first.truncate(n);
        }
        (first.into_iter().cloned().collect(), self.ledger.errors)
    }

    /// Whether a diagnostic was added or removed since the last
    /// `take_changes`.
    pub fn touched(&self) -> bool {
        !self.ledger.touched.is_empty()
    }

    /// What appeared and went since the last call.
    pub fn take_changes(&mut self) -> Changes {
        self.ledger.take_changes()
    }
}

fn place(d: &Diagnostic) -> (&str, usize, usize, crate::diagnostics::Severity, &str) {
    (&d.file, d.line, d.column, d.severity, &d.message)
}

/// A translation's missing anchor is found on every page that links to it
/// (`build::dedupe_page_diagnostics` keeps one): it counts once.
fn is_anchor(d: &Diagnostic) -> bool {
    d.code == "link-anchor-translation"
}

/// The message that identifies a diagnostic: a translation's missing
/// anchor without "(linked from ...)".
fn message(d: &Diagnostic) -> &str {
    if is_anchor(d) {
        d.message.split(" (linked from").next().unwrap_or("")
    } else {
        &d.message
    }
}

/// A diagnostic's identity: where it is, its kind and message (a
/// translation's missing anchor: its file and message only). The Fx hash:
/// a full rebuild hashes every diagnostic.
fn id(d: &Diagnostic) -> u64 {
    let mut h = FxHasher::default();
    if is_anchor(d) {
        (&d.file, d.code, message(d)).hash(&mut h);
    } else {
        (&d.file, d.line, d.column, d.is_error(), d.code, &d.message).hash(&mut h);
    }
    h.finish()
}

/// `id` without the position: what a diagnostic that moved keeps.
fn what(d: &Diagnostic) -> u64 {
    let mut h = FxHasher::default();
    (&d.file, d.is_error(), d.code, message(d)).hash(&mut h);
    h.finish()
}

/// How many times each diagnostic is held (an include's finding can be
/// held by every page that shows it), the counts the terminal prints, and
/// the diagnostics touched since the last report.
#[derive(Default)]
struct Ledger {
    held: FxHashMap<u64, u32>,
    /// Distinct errors.
    errors: usize,
    /// Warnings as a build counts them: each one held (a translation's
    /// missing anchor once).
    warnings: usize,
    /// Identity -> whether it was held before it was first touched, and
    /// the diagnostic.
    touched: FxHashMap<u64, (bool, Diagnostic)>,
}

impl Ledger {
    fn replace(&mut self, old: &[Diagnostic], new: &[Diagnostic]) {
        self.add_all(new);
        self.remove_all(old);
    }

    fn add_all(&mut self, ds: &[Diagnostic]) {
        for d in ds {
            self.add(d);
        }
    }

    fn remove_all(&mut self, ds: &[Diagnostic]) {
        for d in ds {
            self.remove(d);
        }
    }

    fn add(&mut self, d: &Diagnostic) {
        let k = id(d);
        let n = self.held.entry(k).or_insert(0);
        let first = *n == 0;
        *n += 1;
        self.count(d, first, 1);
        match self.touched.get_mut(&k) {
            Some(t) => t.1 = d.clone(),
            None => {
                self.touched.insert(k, (!first, d.clone()));
            }
        }
    }

    fn remove(&mut self, d: &Diagnostic) {
        let k = id(d);
        let Some(n) = self.held.get_mut(&k) else { return };
        *n -= 1;
        let last = *n == 0;
        if last {
            self.held.remove(&k);
        }
        self.count(d, last, -1);
        self.touched.entry(k).or_insert_with(|| (true, d.clone()));
    }

    /// Counts one more (`by` 1) or one fewer (-1) of `d`; `edge`: it was
    /// not held before, or is no longer held.
    fn count(&mut self, d: &Diagnostic, edge: bool, by: isize) {
        let counter = if d.is_error() {
            &mut self.errors
        } else {
            &mut self.warnings
        };
        if edge || !(d.is_error() || is_anchor(d)) {
            *counter = counter.saturating_add_signed(by);
        }
    }

    fn take_changes(&mut self) -> Changes {
        let mut appeared = Vec::new();
        let mut gone: FxHashMap<u64, Vec<Diagnostic>> = FxHashMap::default();
        for (k, (before, d)) in std::mem::take(&mut self.touched) {
            match (before, self.held.contains_key(&k)) {
                (false, true) => appeared.push(d),
                (true, false) => gone.entry(what(&d)).or_default().push(d),
                _ => {}
            }
        }
        let mut changes = Changes::default();
        for d in appeared {
            // Moved, not new: the same finding went from another line.
            match gone.get_mut(&what(&d)).and_then(Vec::pop) {
                Some(_) => {}
                None => changes.new.push(d),
            }
        }
        changes.fixed = gone.into_values().flatten().collect();
        crate::diagnostics::sort(&mut changes.new);
        crate::diagnostics::sort(&mut changes.fixed);
        changes
    }
}
