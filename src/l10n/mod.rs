//! Translations: status of every translation (current, stale, missing,
//! unknown; MT or human), the reviewer's findings per section, and the
//! `_l10n/` review pages. Runs after the site model and the link index are
//! built; knows nothing of how pages are written.

pub mod align;
pub mod changes;
pub mod compare;
pub mod files;
pub mod findings;
pub mod git;
pub mod handoff;
pub mod hash;
pub mod includes;
pub mod mark;
mod page_words;
pub use page_words::with_defaults as review_words;
pub mod report;
pub mod review;
pub mod review_markup;
pub mod sections;
pub mod segments;
mod spacing;
mod stale;
pub mod status;
pub mod status_pages;
pub mod tokens;

use crate::config::Config;
use crate::site::Site;
use findings::Finding;
use rayon::prelude::*;
use sections::Section;
use stale::{handoff_article, since_handoff, stale_finding};
use status::{ArticleStatus, Coverage};

/// Everything the translation stage found.
#[derive(Debug, Default)]
pub struct L10n {
    pub statuses: Vec<ArticleStatus>,
    pub coverage: Vec<Coverage>,
    /// Includes, TOC and YAML files of every translation locale.
    pub files: Vec<files::FileStatus>,
    /// One per translated article.
    pub reviews: Vec<ArticleReview>,
    /// Problems with `[l10n]` in polydoc.toml.
    pub config_diagnostics: Vec<crate::diagnostics::Diagnostic>,
}

/// A translation beside its source, section by section.
#[derive(Debug)]
pub struct ArticleReview {
    /// Index into `L10n::statuses`.
    pub status: usize,
    pub locale: usize,
    pub rel: String,
    pub source_article: usize,
    /// The source as handed off, for a stale translation whose handoff
    /// text is known: its sections are `source_sections`. (Boxed: a
    /// build keeps a review per translation, nearly always without one.)
    pub handoff_article: Option<Box<crate::parse::Article>>,
    pub translation_article: usize,
    pub source_sections: Vec<Section>,
    pub translation_sections: Vec<Section>,
    pub pairs: Vec<align::Pair>,
    pub findings: Vec<Finding>,
    /// `Some(n)`: the review page was written as soon as the review was
    /// made (a build: `analyse_streamed`), and only what outlives it is
    /// kept: `n` findings, of which only those set to `error` are in
    /// `findings`; no sections, pairs or handoff article.
    pub written: Option<usize>,
}

impl ArticleReview {
    /// How many findings the review has (those dropped after its page was
    /// written included).
    pub fn findings_count(&self) -> usize {
        self.written.unwrap_or(self.findings.len())
    }
}

/// Writes a review page from a review just made: the statuses and other
/// files are in `L10n` (its `reviews` still empty), with both sides' HTML
/// (source, translation).
pub type Sink<'a> = dyn Fn(&L10n, &ArticleReview, (&str, &str)) + Sync + 'a;

/// What one translation's review is made from (besides the site's shape
/// and configuration, which a `Memo` covers itself): the key of a
/// remembered review.
pub struct MadeOf<'a> {
    /// Index into `L10n::statuses`.
    pub status: usize,
    pub source_article: usize,
    pub translation_article: usize,
    /// An article's text as read now (asked only for an article whose
    /// bytes the memo does not know from the parse stage).
    pub text: &'a (dyn Fn(usize) -> Option<String> + Sync),
    /// The source as handed off (a stale translation's).
    pub handoff: Option<&'a handoff::Handoff>,
}

/// Reviews made by earlier builds and checks (`--cache`), asked before a
/// review is made. Beside a `Sink` (a build writing review pages) it
/// writes the pages too; without one (a check, a build without review
/// pages) it keeps findings only.
pub trait Memo: Sync {
    /// The key of the review `made` describes; `None`: not remembered.
    fn key(&self, l10n: &L10n, made: &MadeOf) -> Option<[u8; 32]>;
    /// The review remembered under `key` (its page written again, if pages
    /// are written): how many findings it had, and those set to `error`.
    fn recall(&self, key: &[u8; 32]) -> Option<(usize, Vec<Finding>)>;
    /// Remembers a review just made under `key`, and writes its page (as
    /// the `Sink` would) when `html` (both articles' HTML) is given.
    fn write(&self, key: &[u8; 32], l10n: &L10n, review: &ArticleReview, html: Option<(&str, &str)>);
    /// The hashes by `alg` of the file of source article `article` (the
    /// site's), as `make` makes them (reading the file), or as a build
    /// that read the same bytes made them.
    fn sums(
        &self,
        article: usize,
        alg: hash::Algorithm,
        make: &dyn Fn() -> std::io::Result<hash::Sums>,
    ) -> std::io::Result<hash::Sums> {
        let _ = (article, alg);
        make()
    }
}

impl L10n {
    /// Redoes the analysis of one article's translations (after an edit of
    /// the source or a translation) and the coverage figures. Returns
    /// whether a status changed (the status pages must be redone then).
    /// `repo`: the site's git repository, kept from one refresh to the
    /// next (see `git::Repo::renew`).
    pub fn refresh(
        &mut self,
        config: &Config,
        site: &Site,
        index: &crate::links::index::LinkIndex,
        rel: &str,
        repo: &mut KeptRepo,
    ) -> bool {
        let part = analyse_with(
            config,
            (site, &KEPT),
            index,
            Some(rel),
            Want::Pages,
            None,
            (None, None, Some(repo)),
        );
        let mut moved = std::collections::HashMap::new();
        let mut changed = false;
        for (pi, st) in part.statuses.into_iter().enumerate() {
            let at = self
                .statuses
                .iter()
                .position(|s| s.locale_index == st.locale_index && s.rel == st.rel);
            let i = match at {
                Some(i) => {
                    let old = &self.statuses[i];
                    changed |= old.state != st.state
                        || old.translation_type != st.translation_type
                        || old.lasthandoff != st.lasthandoff
                        || old.reason != st.reason;
                    self.statuses[i] = st;
                    i
                }
                None => {
                    changed = true;
                    self.statuses.push(st);
                    self.statuses.len() - 1
                }
            };
            moved.insert(pi, i);
        }
        self.reviews.retain(|r| r.rel != rel);
        for mut r in part.reviews {
            r.status = moved[&r.status];
            self.reviews.push(r);
        }
        if changed {
            self.coverage = status::coverage(config, &self.statuses);
        }
        changed
    }

    /// Every finding as a diagnostic (an include's once, in the include).
    pub fn diagnostics(&self) -> Vec<crate::diagnostics::Diagnostic> {
        self.reviews
            .iter()
            .flat_map(|r| r.findings.iter())
            .chain(self.files.iter().flat_map(|f| f.findings.iter()))
            .map(Finding::diagnostic)
            .collect()
    }
}

/// The file's text without a byte order mark; `None` when unreadable (the
/// parse stage has reported it).
fn read_text(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(text))
}

/// How much of the review a build needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Findings and what the `_l10n/` pages show (sections, pairs).
    Pages,
    /// Findings only (diagnostics): no `_l10n/` pages are written.
    Findings,
    /// Every finding, as `Findings`, for `check --l10n`: a review the cache
    /// recalls gives all of its findings, not only those set to `error`.
    EveryFinding,
    /// Statuses only: neither pages nor findings are wanted.
    Nothing,
}

pub fn analyse(config: &Config, site: &Site, index: &crate::links::index::LinkIndex) -> L10n {
    analyse_with(
        config,
        (site, &KEPT),
        index,
        None,
        Want::Pages,
        None,
        (None, None, None),
    )
}

/// The site's git repository kept between analyses (`serve` refreshes one
/// article's translations after each edit): opened once, the history read
/// once per HEAD, instead of opening it and reading its whole history
/// again each time.
#[derive(Default)]
pub struct KeptRepo(Option<Option<git::Repo>>);

impl KeptRepo {
    fn get(&mut self, config: &Config) -> Option<&mut git::Repo> {
        match &mut self.0 {
            Some(repo) => {
                if let Some(r) = repo.as_mut() {
                    r.renew();
                }
            }
            None => self.0 = Some(open_repo(config)),
        }
        self.0.as_mut().and_then(Option::as_mut)
    }
}

fn open_repo(config: &Config) -> Option<git::Repo> {
    git::Repo::open(&config.locales[0].root).or_else(|| git::Repo::open(&config.site_root))
}

/// Where every article's HTML is when nothing was spilled.
static KEPT: std::sync::LazyLock<crate::bodies::Bodies> = std::sync::LazyLock::new(crate::bodies::Bodies::kept);

/// `analyse`, keeping only what `want` needs: the reviews of a whole site
/// are the translation stage's memory.
pub fn analyse_for(
    config: &Config,
    (site, bodies): (&Site, &crate::bodies::Bodies),
    index: &crate::links::index::LinkIndex,
    want: Want,
) -> L10n {
    analyse_with(config, (site, bodies), index, None, want, None, (None, None, None))
}

/// `analyse_for` with the review pages wanted, each written by `sink` as
/// soon as its review is made; a review then keeps only what outlives its
/// page (`ArticleReview::written`), so the reviews of a whole site are
/// never held at once. `keep`: only these translations (a shard's).
pub fn analyse_streamed(
    config: &Config,
    (site, bodies): (&Site, &crate::bodies::Bodies),
    index: &crate::links::index::LinkIndex,
    keep: Option<&Keep<'_>>,
    sink: &Sink<'_>,
    memo: Option<&dyn Memo>,
) -> L10n {
    analyse_with(
        config,
        (site, bodies),
        index,
        None,
        Want::Pages,
        keep,
        (Some(sink), memo, None),
    )
}

/// Which translations (locale, article path) a partial analysis covers;
/// (locale, "") asks whether it covers the locale's files that no article
/// includes.
pub type Keep<'a> = dyn Fn(usize, &str) -> bool + Sync + 'a;

/// `analyse_for`, for only the translations `keep` takes (a shard's: the
/// other translated files, includes and TOC files, are left out; they show
/// on the status pages only, which `merge` writes), and through `memo`
/// when given (a check or a build without review pages, with the cache):
/// each review recalled when made before from the same inputs and
/// remembered when made now, keeping its findings count and those set to
/// `error`.
pub fn analyse_kept(
    config: &Config,
    (site, bodies): (&Site, &crate::bodies::Bodies),
    index: &crate::links::index::LinkIndex,
    want: Want,
    keep: Option<&Keep<'_>>,
    memo: Option<&dyn Memo>,
) -> L10n {
    analyse_with(config, (site, bodies), index, None, want, keep, (None, memo, None))
}

/// Drops what only the findings needed (blocks, code, spots, link lists):
/// the review pages show a section's heading, its HTML (a range into the
/// article's) and the translation's segments.
fn keep_for_pages(sections: &mut [Section]) {
    for s in sections {
        s.blocks = Vec::new();
        s.code = Vec::new();
        s.links = Vec::new();
        s.images = Vec::new();
        s.glued = Vec::new();
        s.space_punct = Vec::new();
        s.ui_paths = Vec::new();
    }
}

fn analyse_with(
    config: &Config,
    (site, bodies): (&Site, &crate::bodies::Bodies),
    index: &crate::links::index::LinkIndex,
    only: Option<&str>,
    want: Want,
    keep: Option<&Keep<'_>>,
    (sink, memo, kept): (Option<&Sink<'_>>, Option<&dyn Memo>, Option<&mut KeptRepo>),
) -> L10n {
    // The other files are the whole site's business: left out when only
    // one article's translations are redone. (The source's are found, a
    // walk of its folder, beside the articles' statuses, while the
    // repository is looked for: `git` started once or twice, ~5 ms a
    // process, is no longer waited for alone.)
    let fresh = kept.is_none();
    let ((pending, sources), mut opened) = rayon::join(
        || {
            rayon::join(
                || status::pending(config, site, only, keep, memo),
                || only.is_none().then(|| files::source_files(config)),
            )
        },
        || fresh.then(|| open_repo(config)).flatten(),
    );
    let mut repo = match kept {
        Some(k) => k.get(config),
        None => opened.as_mut(),
    };
    let mut statuses = status::settle(pending, site, repo.as_deref_mut());
    let handoffs = since_handoff(config, site, repo.as_deref(), &mut statuses);
    let mut files = match sources {
        Some(sources) => files::collect_from(config, site, &statuses, repo, sources),
        None => Vec::new(),
    };
    // A shard keeps the files its review pages show: those its own
    // translations include (the status pages, with every file, are
    // `merge`'s).
    if let Some(k) = keep {
        files.retain(|f| {
            let li = f.status.locale_index;
            f.used_by.iter().any(|rel| k(li, rel)) || (f.used_by.is_empty() && k(li, ""))
        });
    }
    let coverage = status::coverage(config, &statuses);
    let resolver = crate::links::Resolver { config, site, index };
    files.par_iter_mut().for_each(|f| {
        let handoff = f.handoff.take();
        if want != Want::Nothing {
            let h = handoff.as_ref().map(|(text, commit)| (text.as_str(), commit.as_str()));
            f.findings = includes::findings(config, site, &resolver, f, h);
        }
    });
    let settings = &config.l10n;
    let config_diagnostics = findings::unknown_names(settings)
        .into_iter()
        .map(|name| {
            crate::diagnostics::Diagnostic::warning(
                "config",
                crate::config::CONFIG_FILE,
                format!("[l10n.severity] `{name}` is not a finding; ignored"),
            )
            .help(format!(
                "findings: {}",
                findings::KINDS
                    .iter()
                    .map(|(c, _)| c.trim_start_matches("l10n-"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
        .collect();
    let mut l10n = L10n {
        statuses,
        coverage,
        files,
        reviews: Vec::new(),
        config_diagnostics,
    };
    // (Each review written straight into its place in a list sized once,
    // then the list closed up in place: a `filter_map` collected in
    // parallel pushes each large review through growing lists and copies
    // it again, in fresh memory.)
    let reviews: Vec<Option<ArticleReview>> = l10n
        .statuses
        .par_iter()
        .enumerate()
        .map(|(i, st)| {
            if want == Want::Nothing {
                return None;
            }
            st.file.as_ref()?;
            let page = site.page(st.locale_index, &st.rel)?;
            let source_article = site.page(0, &st.rel)?.article;
            let tr = &site.articles[page.article];
            let french = config.locales[st.locale_index].code.starts_with("fr");
            // A review made before from the same inputs: its page is
            // written again, its findings counted.
            let text = |a: usize| read_text(&site.articles[a].abs);
            let key = memo.and_then(|m| {
                let made = MadeOf {
                    status: i,
                    source_article,
                    translation_article: page.article,
                    text: &text,
                    handoff: handoffs[i].as_ref(),
                };
                m.key(&l10n, &made)
            });
            if let (Some(m), Some(k)) = (memo, &key) {
                if let Some((count, kept)) = m.recall(k) {
                    return Some(ArticleReview {
                        status: i,
                        locale: st.locale_index,
                        rel: st.rel.clone(),
                        source_article,
                        handoff_article: None,
                        translation_article: page.article,
                        source_sections: Vec::new(),
                        translation_sections: Vec::new(),
                        pairs: Vec::new(),
                        findings: kept,
                        written: Some(count),
                    });
                }
            }
            let tr_text = read_text(&tr.abs)?;
            // A stale translation is checked against the source it was made
            // from; what changed since is shown apart.
            let then = handoffs[i]
                .as_ref()
                .and_then(|h| Some((handoff_article(config, &site.articles[source_article], h)?, h)));
            let (src, src_text, source_name) = match &then {
                Some((a, h)) => (
                    a,
                    h.text.clone(),
                    format!("{}/{}@{}", config.locales[0].code, st.rel, git::short(&h.commit)),
                ),
                None => {
                    let a = &site.articles[source_article];
                    (a, read_text(&a.abs)?, format!("{}/{}", config.locales[0].code, st.rel))
                }
            };
            // Owned: `src` may be the handoff article, moved into the review.
            let src_html = bodies.of(src).ok()?.into_owned();
            let tr_html = bodies.of(tr).ok()?;
            let source_sections = sections::split_html(src, &src_html, &src_text, false);
            let translation_sections = sections::split_html(tr, &tr_html, &tr_text, french);
            let pairs = align::align(&source_sections, &translation_sections);
            let stale = stale_finding(st, &tr_text);
            let input = findings::Input {
                source_name: &source_name,
                settings,
                resolver: &resolver,
                page,
                source: src,
                translation: tr,
                source_sections: &source_sections,
                translation_sections: &translation_sections,
                pairs: &pairs,
            };
            let findings = findings::check(&input, &tr.display, stale);
            let (mut source_sections, mut translation_sections, mut pairs) =
                (source_sections, translation_sections, pairs);
            let mut handoff_article = then.map(|(a, _)| Box::new(a));
            if want == Want::Pages {
                keep_for_pages(&mut source_sections);
                keep_for_pages(&mut translation_sections);
            } else {
                (source_sections, translation_sections, pairs) = (Vec::new(), Vec::new(), Vec::new());
                handoff_article = None;
            }
            let mut review = ArticleReview {
                status: i,
                locale: st.locale_index,
                rel: st.rel.clone(),
                source_article,
                handoff_article,
                translation_article: page.article,
                source_sections,
                translation_sections,
                pairs,
                findings,
                written: None,
            };
            let html = sink.map(|_| (src_html.as_str(), &*tr_html));
            let written = match (memo, &key, sink) {
                (Some(m), Some(k), _) => {
                    m.write(k, &l10n, &review, html);
                    true
                }
                (_, _, Some(sink)) => {
                    sink(&l10n, &review, (&src_html, &tr_html));
                    true
                }
                _ => false,
            };
            // What outlives a review written or remembered: its findings
            // count and those set to `error` (as a recalled one has; every
            // finding for `check --l10n`).
            if written {
                review.written = Some(review.findings.len());
                if want != Want::EveryFinding {
                    review.findings.retain(|f| f.severity == "error");
                }
                review.findings.shrink_to_fit();
                (review.source_sections, review.translation_sections, review.pairs) =
                    (Vec::new(), Vec::new(), Vec::new());
                review.handoff_article = None;
            }
            Some(review)
        })
        .collect();
    // (`filter_map`, not `flatten`: only the first closes the list up in
    // place, in the memory it has.)
    #[allow(clippy::filter_map_identity)]
    let reviews = reviews.into_iter().filter_map(|r| r).collect();
    l10n.reviews = reviews;
    l10n
}
