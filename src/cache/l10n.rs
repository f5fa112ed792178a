//! The translation stage through the cache (`build --cache`): a
//! translation's review (its findings and its page's bytes) remembered
//! under a key covering everything the review reads, so a build after an
//! edit redoes only the reviews of what changed.
//!
//! A review's key: the site's shape (polydoc, the configuration, the theme,
//! every non-article file, what each article shows the others, the list of
//! pages: so every link's answer, on both sides), both articles' own keys
//! (their HTML and what their parse found), both files' text as read now,
//! the translation's status (state, hashes, commits, what changed since the
//! handoff), the source as handed off when the review compares against it,
//! and the translated includes its page shows (status and findings). The
//! reviews' results (findings count, the `error` findings, the page's
//! path) are one record of the whole build beside the entries (`reviews`),
//! read with one read; each review page's bytes are an entry of their own,
//! read only when the output folder does not hold the page. The status
//! pages are site-wide and made on every build.

use super::{key, run::Run};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::l10n::findings::Finding;
use crate::l10n::{ArticleReview, L10n, MadeOf, Memo};
use crate::links::index::LinkIndex;
use crate::output::{Content, OutFile};
use crate::render::Theme;
use crate::site::Site;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, OnceLock};

/// The file beside the entries holding the last build's review results.
const RECORD: &str = "reviews";

/// The reviews of one build, through the cache; writes each review page as
/// the build's `Sink` would.
pub struct Reviews<'a> {
    run: &'a Run,
    write: &'a (dyn Fn(OutFile, Option<[u8; 32]>) + Sync),
    in_place: &'a (dyn Fn(&str, &[u8; 32]) -> bool + Sync),
    shape: &'a key::Shape,
    articles: &'a [[u8; 32]],
    config: &'a Config,
    site: &'a Site,
    index: &'a LinkIndex,
    theme: &'a Theme,
    failed: &'a Mutex<Vec<Diagnostic>>,
    /// The last build's results by review key (read at the first recall).
    last: OnceLock<HashMap<[u8; 32], Stored>>,
    /// This build's, for the next.
    made: Mutex<Vec<([u8; 32], Stored)>>,
}

impl<'a> Reviews<'a> {
    /// `None` until `Run::key_site` has keyed the site.
    pub fn new(
        (run, write, in_place): crate::build::CachedWrites<'a>,
        (config, site, index, theme): (&'a Config, &'a Site, &'a LinkIndex, &'a Theme),
        failed: &'a Mutex<Vec<Diagnostic>>,
    ) -> Option<Reviews<'a>> {
        let (shape, articles) = run.site_keys()?;
        Some(Reviews {
            run,
            write,
            in_place,
            shape,
            articles,
            config,
            site,
            index,
            theme,
            failed,
            last: OnceLock::new(),
            made: Mutex::new(Vec::new()),
        })
    }

    fn last(&self) -> &HashMap<[u8; 32], Stored> {
        self.last.get_or_init(|| {
            let bytes = self.run.store().get_named(RECORD).unwrap_or_default();
            let listed: Vec<(String, Stored)> = serde_json::from_slice(&bytes).unwrap_or_default();
            listed
                .into_iter()
                .filter_map(|(k, s)| Some((super::unhex(&k)?, s)))
                .collect()
        })
    }

    /// After the translation stage: the record of this build's reviews for
    /// the next, unless it is the last build's.
    pub fn finish(self) {
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        let last = self.last.into_inner();
        let same = last
            .as_ref()
            .is_some_and(|last| last.len() == made.len() && made.iter().all(|(k, s)| last.get(k) == Some(s)));
        if !same {
            let listed: Vec<(String, &Stored)> = made.iter().map(|(k, s)| (super::hex(k), s)).collect();
            self.run
                .store()
                .put_named(RECORD, &serde_json::to_vec(&listed).unwrap_or_default());
        }
    }
}

/// A review as stored: its page's path (empty: no page), its findings
/// count and those set to `error`. The page's bytes are an entry of their
/// own (`page_key`), read only when the output folder does not hold the
/// page already.
#[derive(Serialize, Deserialize, Clone, PartialEq)]
struct Stored {
    path: String,
    count: usize,
    kept: Vec<StoredFinding>,
}

/// The key of a status page (`path`) made from `inputs` (the statuses,
/// coverage, other files and findings counts, written out): the site's
/// shape (polydoc, configuration, theme, every page) and the inputs, so a
/// page is made again only when what it shows changed. `None` until the
/// site is keyed.
pub fn status_page_key(run: &Run, path: &str, inputs: &[u8]) -> Option<[u8; 32]> {
    let (shape, _) = run.site_keys()?;
    let mut f = key::Fp::new("status-page");
    f.bytes(shape).str(path).bytes(inputs);
    Some(f.finish())
}

/// The key of a review's page, from the review's.
fn page_key(review: &[u8; 32]) -> [u8; 32] {
    let mut f = key::Fp::new("review-page");
    f.bytes(review);
    f.finish()
}

#[derive(Serialize, Deserialize, Clone, PartialEq)]
struct StoredFinding {
    code: String,
    severity: String,
    file: String,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
    pair: usize,
}

impl StoredFinding {
    fn of(f: &Finding) -> StoredFinding {
        StoredFinding {
            code: f.code.to_string(),
            severity: f.severity.to_string(),
            file: f.file.clone(),
            line: f.line,
            column: f.column,
            message: f.message.clone(),
            help: f.help.clone(),
            pair: f.pair,
        }
    }

    /// Back as a finding, with what a written review's findings are used
    /// for (its diagnostic); `None` for a code or severity polydoc does not
    /// know (an entry of another version: a miss).
    fn finding(self) -> Option<Finding> {
        let code = crate::l10n::findings::KINDS
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == self.code)?;
        let severity = ["error", "warning", "off"].into_iter().find(|s| *s == self.severity)?;
        Some(Finding {
            code,
            severity,
            file: self.file,
            line: self.line,
            column: self.column,
            message: self.message,
            help: self.help,
            pair: self.pair,
            key: "",
            args: Vec::new(),
            nested: Vec::new(),
        })
    }
}

impl Memo for Reviews<'_> {
    fn key(&self, l10n: &L10n, made: &MadeOf) -> Option<[u8; 32]> {
        let st = l10n.statuses.get(made.status)?;
        let mut f = key::Fp::new("review");
        f.bytes(self.shape)
            .bytes(self.articles.get(made.source_article)?)
            .bytes(self.articles.get(made.translation_article)?);
        // Both files' text: by their bytes' hash when the parse stage has
        // it (the text is those bytes but a byte order mark), else read.
        for i in [made.source_article, made.translation_article] {
            let a = self.site.articles.get(i)?;
            match self.run.bytes_hash(a.locale, &a.rel) {
                Some(h) => f.str("bytes").bytes(&h),
                None => f.str("text").str(&(made.text)(i)?),
            };
        }
        f.debug(st);
        match made.handoff {
            Some(h) => f.str("handoff").str(&h.text).str(&h.commit).debug(&h.origin),
            None => f.str("now"),
        };
        for file in l10n
            .files
            .iter()
            .filter(|x| x.status.locale_index == st.locale_index && x.used_by.contains(&st.rel))
        {
            f.debug(file);
        }
        Some(f.finish())
    }

    fn recall(&self, key: &[u8; 32]) -> Option<(usize, Vec<Finding>)> {
        let store = self.run.store();
        let stored = self.last().get(key)?;
        let kept = stored
            .kept
            .iter()
            .cloned()
            .map(StoredFinding::finding)
            .collect::<Option<Vec<_>>>()?;
        if !stored.path.is_empty() {
            let pk = page_key(key);
            if (self.in_place)(&stored.path, &pk) {
                store.touch(&pk);
            } else {
                let page = store.get_packed(&pk)?;
                (self.write)(
                    OutFile {
                        path: stored.path.clone(),
                        content: Content::Bytes(page),
                    },
                    Some(pk),
                );
            }
        }
        store.review_hits.fetch_add(1, Ordering::Relaxed);
        self.made.lock().unwrap().push((*key, stored.clone()));
        Some((stored.count, kept))
    }

    fn write(&self, key: &[u8; 32], l10n: &L10n, review: &ArticleReview, html: (&str, &str)) {
        let store = self.run.store();
        store.review_misses.fetch_add(1, Ordering::Relaxed);
        let rendered =
            crate::l10n::review::render_one(self.config, self.site, self.index, self.theme, l10n, review, html);
        let (path, page) = match rendered {
            None => (String::new(), String::new()),
            Some((path, Ok(page))) => (path, page),
            // Not remembered: a page that fails is made again next time.
            Some((path, Err(e))) => {
                let d = crate::l10n::review::written(&|_| {}, path, Err(e));
                self.failed.lock().unwrap().extend(d);
                return;
            }
        };
        let stored = Stored {
            path: path.clone(),
            count: review.findings.len(),
            kept: review
                .findings
                .iter()
                .filter(|f| f.severity == "error")
                .map(StoredFinding::of)
                .collect(),
        };
        if !path.is_empty() {
            let pk = page_key(key);
            store.put_packed(&pk, page.as_bytes());
            (self.write)(
                OutFile {
                    path,
                    content: Content::Bytes(page.into_bytes()),
                },
                Some(pk),
            );
        }
        self.made.lock().unwrap().push((*key, stored));
    }
}
