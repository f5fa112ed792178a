//! Bodies: each article's HTML (with its link, string and xref
//! placeholders), the biggest thing a build holds, kept out of the site
//! model once the stages that edit or cut it (anchor repair, the
//! translation stage's sections) are done.
//!
//! The interface is small on purpose: `Bodies::spill` takes every
//! article's HTML out of `Article::md.html` (leaving it empty) and writes it
//! once; `Bodies::html` reads one article's back for a reader (the page,
//! the search analysis, a review page), who drops it when done. Where it
//! lives in between is this module's business: `Kept` leaves it in the
//! articles (serve, which edits articles in place, and `check`), `Spilled`
//! writes it to one file in the build's staging folder and reads it back
//! by offset (the file is unlinked as soon as it is open on Unix, and
//! removed before the staging folder is swapped in elsewhere), so the
//! memory a build holds no longer grows with its pages' HTML.

use crate::parse::Article;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the articles' HTML is between the model and its readers.
pub struct Bodies {
    store: Store,
}

enum Store {
    /// In `Article::md.html`, as parsed.
    Kept,
    Spilled(Spill),
}

struct Spill {
    #[cfg(unix)]
    file: File,
    #[cfg(not(unix))]
    file: std::sync::Mutex<File>,
    /// Removed when the spill is dropped (already gone on Unix).
    path: PathBuf,
    /// Per article: where its HTML starts in the file and its length.
    spans: Vec<(u64, usize)>,
}

impl Bodies {
    /// The HTML stays in the articles.
    pub fn kept() -> Bodies {
        Bodies { store: Store::Kept }
    }

    /// Moves every article's HTML into a new file at `path` (which must
    /// not exist), leaving `md.html` empty. On error every article keeps
    /// its HTML (the caller goes on with `kept`).
    pub fn spill(articles: &mut [Article], path: &Path) -> io::Result<Bodies> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        // Nothing to remove later, and nothing left behind by a crash.
        #[cfg(unix)]
        let _ = std::fs::remove_file(path);
        let mut out = io::BufWriter::with_capacity(1 << 20, &file);
        let mut spans = Vec::with_capacity(articles.len());
        let mut at = 0u64;
        for a in articles.iter() {
            out.write_all(a.md.html.as_bytes())?;
            spans.push((at, a.md.html.len()));
            at += a.md.html.len() as u64;
        }
        out.flush()?;
        drop(out);
        for a in articles.iter_mut() {
            a.md.html = String::new();
        }
        Ok(Bodies {
            store: Store::Spilled(Spill {
                #[cfg(unix)]
                file,
                #[cfg(not(unix))]
                file: std::sync::Mutex::new(file),
                path: path.to_path_buf(),
                spans,
            }),
        })
    }

    /// Article `i`'s HTML (`articles` is the slice given to `spill`, or any
    /// for `kept`).
    pub fn html<'a>(&self, articles: &'a [Article], i: usize) -> io::Result<Cow<'a, str>> {
        let spill = match &self.store {
            Store::Kept => return Ok(Cow::Borrowed(articles[i].md.html.as_str())),
            Store::Spilled(s) => s,
        };
        let Some(&(at, len)) = spill.spans.get(i) else {
            // An article added after the spill (none in a build) keeps its own.
            return Ok(Cow::Borrowed(articles[i].md.html.as_str()));
        };
        let mut buf = vec![0u8; len];
        spill.read_at(&mut buf, at)?;
        String::from_utf8(buf)
            .map(Cow::Owned)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "an article's HTML came back damaged"))
    }
}

impl Spill {
    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, at)
    }

    #[cfg(not(unix))]
    fn read_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
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
        let mut articles: Vec<Article> = texts.iter().map(|t| article(t)).collect();
        let path = dir.path().join(".bodies");
        let bodies = Bodies::spill(&mut articles, &path).unwrap();
        assert!(articles.iter().all(|a| a.md.html.is_empty()));
        // Read in any order, from several threads.
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for i in [2, 0, 1, 0] {
                        assert_eq!(bodies.html(&articles, i).unwrap(), texts[i]);
                    }
                });
            }
        });
        drop(bodies);
        assert!(!path.exists(), "the spill file is gone once the bodies are");
    }

    #[test]
    fn kept_html_is_read_in_place() {
        let articles = vec![article("<p>x</p>")];
        let bodies = Bodies::kept();
        assert!(matches!(bodies.html(&articles, 0).unwrap(), Cow::Borrowed("<p>x</p>")));
    }

    #[test]
    fn a_spill_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::write(&path, "keep").unwrap();
        let mut articles = vec![article("<p>x</p>")];
        assert!(Bodies::spill(&mut articles, &path).is_err());
        assert_eq!(articles[0].md.html, "<p>x</p>");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep");
    }
}
