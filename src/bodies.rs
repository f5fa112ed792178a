//! Bodies: each article's HTML (with its link, string and xref
//! placeholders), the biggest thing a build holds, kept out of memory from
//! the moment the article is parsed.
//!
//! The interface is small on purpose: `Bodies::put` takes an article's HTML
//! out of `Article::md.html` (leaving it empty and `Article::body` saying
//! where it went), once, right after parsing; `Bodies::of` (or `html`) reads it back
//! for a reader (anchor repair, the translation stage's sections, the page,
//! the search analysis, a review page), who drops it when done;
//! `Bodies::replace` gives an article new HTML (anchor repair). Where it
//! lives in between is this module's business: `kept` leaves it in the
//! articles (serve, which edits articles in place, and `check`),
//! `spilled` writes it to one file in the build's staging folder and reads
//! it back by offset (the file is unlinked as soon as it is open on Unix,
//! and removed when the `Bodies` is dropped elsewhere, before the staging
//! folder is swapped in), so the memory a build holds does not grow with
//! its pages' HTML. With `--cache`, an article read back from the cache
//! does not move its HTML at all: `Bodies::stored` notes where it lies in
//! the cache entry (a `Store`), read only when a reader asks for it (on a
//! warm build, only the pages that changed).

use crate::parse::Article;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the articles' HTML is between parsing and its readers.
pub struct Bodies {
    spill: Option<Spill>,
    /// Where stored HTML is read from (`stored`).
    store: Option<Arc<dyn Store>>,
    /// The articles (locale, path) given new HTML after parsing.
    replaced: Mutex<HashSet<(usize, String)>>,
}

/// Values kept elsewhere by key (the build cache's entries): `len` bytes at
/// `at` in the value under `key`, checked whole.
pub trait Store: Send + Sync {
    /// (`article` is the one whose HTML it is: a store that finds the value
    /// gone may make it again from the article's file.)
    fn read(&self, article: &Article, key: &[u8; 32], at: u64, len: usize) -> io::Result<Vec<u8>>;
}

/// Where one article's HTML went (`Article::body`): in the spill file, or
/// in the store's value under `entry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    at: u64,
    len: usize,
    entry: Option<[u8; 32]>,
}

struct Spill {
    file: File,
    /// The end of the file: where the next article's HTML goes. On other
    /// systems than Unix, reads and writes move one cursor: this lock
    /// covers both.
    end: Mutex<u64>,
    /// Removed when the spill is dropped (already gone on Unix).
    path: PathBuf,
}

impl Bodies {
    /// The HTML stays in the articles.
    pub fn kept() -> Bodies {
        Bodies {
            spill: None,
            store: None,
            replaced: Mutex::default(),
        }
    }

    /// These bodies, also reading HTML left in `store` (`stored`).
    pub fn with_store(mut self, store: Arc<dyn Store>) -> Bodies {
        self.store = Some(store);
        self
    }

    /// Notes that the article's HTML is the `len` bytes at `at` of the
    /// store's value under `key` (and takes it out of the article, if it
    /// was there). Without a store, nothing changes and it says so.
    pub fn stored(&self, article: &mut Article, key: &[u8; 32], at: u64, len: usize) -> bool {
        if self.store.is_none() {
            return false;
        }
        article.body = Some(Span {
            at,
            len,
            entry: Some(*key),
        });
        article.md.html = String::new();
        true
    }

    /// The HTML goes to a new file at `path` (which must not exist).
    pub fn spilled(path: &Path) -> io::Result<Bodies> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        // Nothing to remove later, and nothing left behind by a crash.
        #[cfg(unix)]
        let _ = std::fs::remove_file(path);
        Ok(Bodies {
            spill: Some(Spill {
                file,
                end: Mutex::new(0),
                path: path.to_path_buf(),
            }),
            store: None,
            replaced: Mutex::default(),
        })
    }

    /// Takes the article's HTML out of memory (safe to call from many
    /// threads). Where it cannot be written, it stays in the article.
    pub fn put(&self, article: &mut Article) {
        let Some(spill) = &self.spill else { return };
        if article.body.is_some() || article.md.html.is_empty() {
            return;
        }
        if let Ok(span) = spill.append(article.md.html.as_bytes()) {
            article.body = Some(span);
            article.md.html = String::new();
        }
    }

    /// Article `i`'s HTML.
    pub fn html<'a>(&self, articles: &'a [Article], i: usize) -> io::Result<Cow<'a, str>> {
        self.of(&articles[i])
    }

    /// The article's HTML.
    pub fn of<'a>(&self, article: &'a Article) -> io::Result<Cow<'a, str>> {
        let buf = match (article.body, &self.spill, &self.store) {
            (Some(span @ Span { entry: None, .. }), Some(spill), _) => {
                let mut buf = vec![0u8; span.len];
                spill.read_at(&mut buf, span.at)?;
                buf
            }
            (
                Some(Span {
                    at,
                    len,
                    entry: Some(k),
                }),
                _,
                Some(store),
            ) => store.read(article, &k, at, len)?,
            _ => return Ok(Cow::Borrowed(article.md.html.as_str())),
        };
        String::from_utf8(buf)
            .map(Cow::Owned)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "an article's HTML came back damaged"))
    }

    /// Gives the article new HTML (kept in memory: few articles get one).
    pub fn replace(&self, article: &mut Article, html: String) {
        article.md.html = html;
        article.body = None;
        let mut replaced = self.replaced.lock().unwrap_or_else(|e| e.into_inner());
        replaced.insert((article.locale, article.rel.clone()));
    }

    /// Whether the article's HTML is still what parsing made.
    pub fn as_parsed(&self, article: &Article) -> bool {
        let replaced = self.replaced.lock().unwrap_or_else(|e| e.into_inner());
        replaced.is_empty() || !replaced.contains(&(article.locale, article.rel.clone()))
    }
}

impl Spill {
    fn append(&self, bytes: &[u8]) -> io::Result<Span> {
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        let at = *end;
        #[cfg(unix)]
        {
            // Reserve the range, then write outside the lock.
            *end += bytes.len() as u64;
            drop(end);
            std::os::unix::fs::FileExt::write_all_at(&self.file, bytes, at)?;
        }
        #[cfg(not(unix))]
        {
            use std::io::{Seek, SeekFrom, Write};
            let mut f = &self.file;
            f.seek(SeekFrom::Start(at))?;
            f.write_all(bytes)?;
            *end += bytes.len() as u64;
        }
        Ok(Span {
            at,
            len: bytes.len(),
            entry: None,
        })
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, at)
    }

    #[cfg(not(unix))]
    fn read_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let _cursor = self.end.lock().unwrap_or_else(|e| e.into_inner());
        let mut f = &self.file;
        f.seek(SeekFrom::Start(at))?;
        f.read_exact(buf)
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        #[cfg(not(unix))]
        let _ = std::fs::remove_file(&self.path);
        let _ = &self.path;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(html: &str) -> Article {
        let file = crate::discover::SourceFile {
            locale: 0,
            rel: "a.md".into(),
            abs: PathBuf::from("/nowhere/a.md"),
            display: "a.md".into(),
            kind: crate::discover::FileKind::Article,
        };
        let toml = "title = \"T\"\nbase_url = \"https://x.example/\"\nsource_locale = \"en-us\"\n\n[locales.en-us]\nname = \"English\"\n";
        let config = crate::config::Config::parse(Path::new("/nowhere"), toml).expect("config");
        let mut a = crate::parse::parse_text(&file, &config, None, "# A\n", &mut Vec::new()).expect("article");
        a.md.html = html.to_string();
        a
    }

    #[test]
    fn spilled_html_comes_back_as_written_and_leaves_the_articles() {
        let dir = tempfile::tempdir().unwrap();
        let texts = ["<p>één \u{1}0\u{1}</p>", "", "<h2 id=\"x\">日本語</h2>\n"];
        let path = dir.path().join(".bodies");
        let bodies = Bodies::spilled(&path).unwrap();
        let mut articles: Vec<Article> = texts.iter().map(|t| article(t)).collect();
        // Written from several threads at once, as the parse stage does.
        std::thread::scope(|s| {
            for a in articles.iter_mut() {
                let b = &bodies;
                s.spawn(move || b.put(a));
            }
        });
        assert!(articles.iter().all(|a| a.md.html.is_empty()));
        assert!(articles[0].body.is_some() && articles[2].body.is_some());
        // Read in any order, from several threads.
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for i in [2, 0, 1, 0] {
                        assert_eq!(bodies.of(&articles[i]).unwrap(), texts[i]);
                    }
                });
            }
        });
        // New HTML for one article; the others are unchanged.
        articles[2].rel = "c.md".into();
        assert!(bodies.as_parsed(&articles[0]));
        bodies.replace(&mut articles[0], "<p>new</p>".into());
        assert!(!bodies.as_parsed(&articles[0]) && bodies.as_parsed(&articles[2]));
        assert_eq!(bodies.of(&articles[0]).unwrap(), "<p>new</p>");
        assert_eq!(bodies.of(&articles[2]).unwrap(), texts[2]);
        drop(bodies);
        assert!(!path.exists(), "the spill file is gone once the bodies are");
    }

    #[test]
    fn kept_html_is_read_in_place() {
        let mut a = article("<p>x</p>");
        let bodies = Bodies::kept();
        bodies.put(&mut a);
        assert!(a.body.is_none());
        assert!(matches!(bodies.of(&a).unwrap(), Cow::Borrowed("<p>x</p>")));
    }

    #[test]
    fn a_spill_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::write(&path, "keep").unwrap();
        assert!(Bodies::spilled(&path).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep");
    }
}
