//! The translation stage through the cache (`build --cache`): a
//! translation's review (its findings and its page's bytes) remembered
//! under a key covering everything the review reads, so a build after an
//! edit redoes only the reviews of what changed. A check (or a build
//! without review pages) recalls and remembers findings alone: its reviews
//! are stored without a page (`Page::NotMade`), made again by the next
//! build that writes review pages.
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
use crate::search::fxhash::FxHashMap;
use crate::site::Site;
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
    /// Whether the build writes review pages (`false`: a check, or a build
    /// without them, which recalls and remembers findings only).
    pages: bool,
    /// Whether a recalled review gives every finding (`check --l10n`), not
    /// only those set to `error` (what a build reports).
    every: bool,
    /// The last build's results by review key (read at the first recall).
    last: OnceLock<FxHashMap<[u8; 32], Stored>>,
    /// This build's, for the next (`None`: recalled, as `last` has it).
    made: Mutex<Vec<([u8; 32], Option<Stored>)>>,
    /// The source files' hashes the statuses compare (`Memo::sums`).
    sums: super::source_sums::SourceSums,
}

impl<'a> Reviews<'a> {
    /// `None` until `Run::key_site` has keyed the site.
    pub fn new(
        (run, write, in_place): crate::build::CachedWrites<'a>,
        (config, site, index, theme): (&'a Config, &'a Site, &'a LinkIndex, &'a Theme),
        failed: &'a Mutex<Vec<Diagnostic>>,
        (pages, every): (bool, bool),
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
            pages,
            every,
            last: OnceLock::new(),
            made: Mutex::new(Vec::new()),
            sums: Default::default(),
        })
    }

    fn last(&self) -> &FxHashMap<[u8; 32], Stored> {
        self.last.get_or_init(|| {
            let bytes = self.run.store().get_named(RECORD).unwrap_or_default();
            let last = decode_record(&bytes).unwrap_or_default();
            // (About as many reviews as the last build's: sized once.)
            self.made.lock().unwrap().reserve(last.len());
            last
        })
    }

    /// After the translation stage: the record of this build's reviews for
    /// the next, unless it is the last build's.
    pub fn finish(self) {
        self.sums.finish(self.run);
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        let last = self.last.into_inner().unwrap_or_default();
        let same = last.len() == made.len()
            && made
                .iter()
                .all(|(k, s)| s.as_ref().is_none_or(|s| last.get(k) == Some(s)));
        if !same {
            let made: Vec<([u8; 32], &Stored)> = made
                .iter()
                .filter_map(|(k, s)| Some((*k, s.as_ref().or_else(|| last.get(k))?)))
                .collect();
            self.run.store().put_named(RECORD, &encode_record(&made));
        }
    }
}

/// The reviews record in binary (as JSON, reading and writing its 10,000
/// reviews was a few percent of a warm build): each review's key, its
/// page (none, not made, or its path), its findings count, the findings
/// set to `error`, and whether every finding is an entry of its own
/// (`every_key`: made and read by `check --l10n` alone; a build of 10,000
/// reviews with a dozen warnings each would otherwise carry 36 MB of them).
const RECORD_FORMAT: &[u8; 8] = b"pdrevs03";

/// `findings` as the record holds them.
fn put_findings(w: &mut Vec<u8>, findings: &[StoredFinding]) {
    use super::parsed_header::{put_opt, put_str, put_u32};
    put_u32(w, findings.len());
    for f in findings {
        let StoredFinding {
            code,
            severity,
            file,
            line,
            column,
            message,
            help,
            pair,
        } = f;
        for s in [code, severity, file] {
            put_str(w, s);
        }
        for n in [line, column] {
            w.extend_from_slice(&(*n as u64).to_le_bytes());
        }
        put_str(w, message);
        put_opt(w, help);
        w.extend_from_slice(&(*pair as u64).to_le_bytes());
    }
}

/// What `put_findings` wrote.
fn take_findings(r: &mut crate::le_bytes::Reader) -> Option<Vec<StoredFinding>> {
    use super::parsed_header::{take_opt, take_string, take_usize};
    let m = r.count(30)?;
    let mut out = Vec::with_capacity(m);
    for _ in 0..m {
        out.push(StoredFinding {
            code: take_string(r)?,
            severity: take_string(r)?,
            file: take_string(r)?,
            line: take_usize(r)?,
            column: take_usize(r)?,
            message: take_string(r)?,
            help: take_opt(r)?,
            pair: take_usize(r)?,
        });
    }
    Some(out)
}

fn encode_record(made: &[([u8; 32], &Stored)]) -> Vec<u8> {
    use super::parsed_header::put_str;
    let mut w = Vec::with_capacity(16 + made.len() * 64);
    w.extend_from_slice(RECORD_FORMAT);
    w.extend_from_slice(&(made.len() as u64).to_le_bytes());
    for (k, s) in made {
        let Stored {
            page,
            count,
            kept,
            every,
        } = s;
        w.extend_from_slice(k);
        match page {
            Page::Without => w.push(0),
            Page::NotMade => w.push(1),
            Page::At(path) => {
                w.push(2);
                put_str(&mut w, path);
            }
        }
        w.extend_from_slice(&(*count as u64).to_le_bytes());
        put_findings(&mut w, kept);
        w.push(u8::from(*every));
    }
    w
}

/// What `encode_record` wrote; `None` when it is not one whole record.
fn decode_record(bytes: &[u8]) -> Option<FxHashMap<[u8; 32], Stored>> {
    use super::parsed_header::{take_string, take_usize};
    let mut r = crate::le_bytes::Reader(bytes);
    if r.take(8)? != RECORD_FORMAT {
        return None;
    }
    let n = usize::try_from(r.u64()?).ok()?;
    let mut out = FxHashMap::with_capacity_and_hasher(n.min(bytes.len() / 48), Default::default());
    for _ in 0..n {
        let k = r.key()?;
        let page = match r.take(1)?[0] {
            0 => Page::Without,
            1 => Page::NotMade,
            2 => Page::At(take_string(&mut r)?),
            _ => return None,
        };
        let count = take_usize(&mut r)?;
        let kept = take_findings(&mut r)?;
        let every = match r.take(1)?[0] {
            0 => false,
            1 => true,
            _ => return None,
        };
        out.insert(
            k,
            Stored {
                page,
                count,
                kept,
                every,
            },
        );
    }
    r.0.is_empty().then_some(out)
}

/// A review as stored: its page, its findings count, those set to
/// `error`, and whether its every finding is an entry (`every_key`). The
/// page's bytes are an entry of their own (`page_key`), read only when the
/// output folder does not hold the page already.
#[derive(Clone, PartialEq, Debug)]
struct Stored {
    page: Page,
    count: usize,
    kept: Vec<StoredFinding>,
    every: bool,
}

impl Stored {
    /// Whether it has findings besides those set to `error`.
    fn more(&self) -> bool {
        self.count > self.kept.len()
    }
}

/// A stored review's page.
#[derive(Clone, PartialEq, Debug)]
enum Page {
    /// The review has none (the theme makes no page of it).
    Without,
    /// Not made: the review was made by a check or a build without review
    /// pages. A build writing them makes the review again.
    NotMade,
    /// Made, at this path of the output.
    At(String),
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

/// The key of the entry of a review's every finding, from the review's.
fn every_key(review: &[u8; 32]) -> [u8; 32] {
    from_review("review-findings", review)
}

/// The key of a review's page, from the review's.
fn page_key(review: &[u8; 32]) -> [u8; 32] {
    from_review("review-page", review)
}

/// A key of something made with a review (`what`), from the review's.
fn from_review(what: &str, review: &[u8; 32]) -> [u8; 32] {
    let mut f = key::Fp::new(what);
    f.bytes(review);
    f.finish()
}

#[derive(Clone, PartialEq, Debug)]
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

/// A translation's status into a review's key (and the status pages'), field by field (every
/// field named, so one added to `ArticleStatus` does not compile until it
/// is keyed here). Its `Debug` form was a third of a warm build's
/// translation stage.
pub fn status_fields(f: &mut key::Fp, st: &crate::l10n::status::ArticleStatus) {
    let crate::l10n::status::ArticleStatus {
        locale,
        locale_index,
        rel,
        file,
        source_file,
        state,
        basis,
        translation_type,
        machine_translated,
        lasthandoff,
        lasthandoff_date,
        reason,
        said,
        recorded_hash,
        source_hash,
        source_commit,
        source_changed_in,
        source_current_commit,
        source_current_date,
        handoff_source,
        handoff_missing,
        metadata_changed,
        changes,
    } = st;
    let opt = |f: &mut key::Fp, s: &Option<String>| {
        match s {
            Some(s) => f.u64(1).str(s),
            None => f.u64(0),
        };
    };
    f.str(locale).u64(*locale_index as u64).str(rel);
    opt(f, file);
    f.str(source_file).str(state.as_str());
    f.u64(match basis {
        None => 0,
        Some(crate::l10n::status::Basis::Hash) => 1,
        Some(crate::l10n::status::Basis::Git) => 2,
    });
    opt(f, translation_type);
    f.u64(u64::from(*machine_translated));
    opt(f, lasthandoff);
    match lasthandoff_date {
        Some(d) => f
            .u64(1)
            .u64(u64::from(d.year))
            .u64(u64::from(d.month))
            .u64(u64::from(d.day)),
        None => f.u64(0),
    };
    f.str(reason);
    match said {
        Some(s) => {
            f.u64(1).str(s.key).u64(s.args.len() as u64);
            for (name, value) in &s.args {
                f.str(name).str(value);
            }
        }
        None => {
            f.u64(0);
        }
    }
    for s in [recorded_hash, source_hash, source_commit] {
        opt(f, s);
    }
    match source_changed_in {
        Some((commit, date)) => f.u64(1).str(commit).str(date),
        None => f.u64(0),
    };
    opt(f, source_current_commit);
    opt(f, source_current_date);
    f.u64(match handoff_source {
        None => 0,
        Some(crate::l10n::handoff::Origin::Git) => 1,
        Some(crate::l10n::handoff::Origin::Snapshot) => 2,
    });
    opt(f, handoff_missing);
    f.u64(u64::from(*metadata_changed));
    match changes {
        // (Rare: a stale translation whose handoff text is known.)
        Some(c) => f.u64(1).debug(c),
        None => f.u64(0),
    };
}

impl Memo for Reviews<'_> {
    fn sums(
        &self,
        article: usize,
        alg: crate::l10n::hash::Algorithm,
        make: &dyn Fn() -> std::io::Result<crate::l10n::hash::Sums>,
    ) -> std::io::Result<crate::l10n::hash::Sums> {
        self.sums.get(self.run, (article, alg), make)
    }

    fn key(&self, l10n: &L10n, made: &MadeOf) -> Option<[u8; 32]> {
        let st = l10n.statuses.get(made.status)?;
        let mut f = key::Fp::new("review");
        f.bytes(self.shape)
            .bytes(self.articles.get(made.source_article)?)
            .bytes(self.articles.get(made.translation_article)?);
        // Both files' text: by their bytes' hash when the parse stage has
        // it (the text is those bytes but a byte order mark), else read.
        for i in [made.source_article, made.translation_article] {
            self.site.articles.get(i)?;
            match self.run.bytes_hash(i) {
                Some(h) => f.str("bytes").bytes(&h),
                None => f.str("text").str(&(made.text)(i)?),
            };
        }
        status_fields(&mut f, st);
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
        if self.pages && stored.page == Page::NotMade {
            return None;
        }
        // Every finding for `check --l10n` (a review without its entry is
        // made again); a build keeps the entry without reading it.
        let kept = match (self.every, stored.more()) {
            (true, true) if !stored.every => return None,
            (true, true) => {
                let bytes = store.get_packed(&every_key(key))?;
                let mut r = crate::le_bytes::Reader(&bytes);
                let all = take_findings(&mut r)?;
                (r.0.is_empty() && all.len() == stored.count).then_some(all)?
            }
            (false, true) if stored.every => {
                store.touch(&every_key(key));
                stored.kept.clone()
            }
            _ => stored.kept.clone(),
        };
        let kept = kept
            .into_iter()
            .map(StoredFinding::finding)
            .collect::<Option<Vec<_>>>()?;
        match &stored.page {
            Page::At(path) if self.pages => {
                let pk = page_key(key);
                if (self.in_place)(path, &pk) {
                    store.touch(&pk);
                } else {
                    let page = store.get_packed(&pk)?;
                    (self.write)(
                        OutFile {
                            path: path.clone(),
                            content: Content::Bytes(page),
                        },
                        Some(pk),
                    );
                }
            }
            // (Without pages, the last build's stays in the record for the
            // next build that writes them.)
            _ => {}
        }
        store.review_hits.fetch_add(1, Ordering::Relaxed);
        self.made.lock().unwrap().push((*key, None));
        Some((stored.count, kept))
    }

    fn write(&self, key: &[u8; 32], l10n: &L10n, review: &ArticleReview, html: Option<(&str, &str)>) {
        let store = self.run.store();
        store.review_misses.fetch_add(1, Ordering::Relaxed);
        let count = review.findings.len();
        let kept = review
            .findings
            .iter()
            .filter(|f| f.severity == "error")
            .map(StoredFinding::of)
            .collect::<Vec<_>>();
        // `check --l10n` keeps every finding (an entry of its own); a
        // build making again a review it made (its page not made: the same
        // key, so the same findings) keeps that entry.
        let more = count > kept.len();
        let every = if self.every && more {
            let all: Vec<StoredFinding> = review.findings.iter().map(StoredFinding::of).collect();
            let mut bytes = Vec::new();
            put_findings(&mut bytes, &all);
            store.put_packed(&every_key(key), &bytes);
            true
        } else if more && self.last().get(key).is_some_and(|s| s.every) {
            store.touch(&every_key(key));
            true
        } else {
            false
        };
        let html = match html {
            Some(html) if self.pages => html,
            _ => {
                let stored = Stored {
                    page: Page::NotMade,
                    count,
                    kept,
                    every,
                };
                self.made.lock().unwrap().push((*key, Some(stored)));
                return;
            }
        };
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
            page: if path.is_empty() {
                Page::Without
            } else {
                Page::At(path.clone())
            },
            count,
            kept,
            every,
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
        self.made.lock().unwrap().push((*key, Some(stored)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reviews_record_reads_back_and_a_cut_one_is_none() {
        let finding = StoredFinding {
            code: "untranslated".into(),
            severity: "error".into(),
            file: "articles/nl-nl/a.md".into(),
            line: 3,
            column: 1,
            message: "a message".into(),
            help: Some("help".into()),
            pair: 2,
        };
        let made = [
            (
                [1u8; 32],
                Stored {
                    page: Page::At("_l10n/nl-nl/a/index.html".into()),
                    count: 4,
                    kept: vec![finding.clone(), StoredFinding { help: None, ..finding }],
                    every: true,
                },
            ),
            (
                [2u8; 32],
                Stored {
                    page: Page::Without,
                    count: 0,
                    kept: Vec::new(),
                    every: false,
                },
            ),
            (
                [3u8; 32],
                Stored {
                    page: Page::NotMade,
                    count: 1,
                    kept: Vec::new(),
                    every: false,
                },
            ),
        ];
        let made: Vec<([u8; 32], &Stored)> = made.iter().map(|(k, s)| (*k, s)).collect();
        let bytes = encode_record(&made);
        let back = decode_record(&bytes).unwrap();
        assert_eq!(back.len(), 3);
        for (k, s) in &made {
            assert_eq!(back.get(k), Some(*s));
        }
        for cut in 0..bytes.len() {
            assert!(decode_record(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_record(&longer).is_none());
        // The JSON record of an older polydoc is not one.
        assert!(decode_record(b"[]").is_none());
    }
}
