//! Cache keys: a 256-bit hash (two XXH3-128 with different seeds, `Fp`)
//! over everything a cached value depends on. Not a cryptographic hash:
//! the inputs are the site's own files and polydoc's values, not chosen
//! by someone trying to make two keys collide, and an accidental collision
//! of 128 bits is not a risk (someone who can write the site or the cache
//! can make the build print anything anyway). SHA-256 of every key and
//! input was 4-5% of a warm build's CPU.
//!
//! - `version`: polydoc's version and the bytes of the running executable
//!   (so a rebuilt polydoc, even at the same version number, never reads
//!   another's entries), and the built-in theme with it.
//! - `inputs`: every file under the site folder and the locale folders that
//!   is not an article (configuration, theme, strings, TOC files, includes,
//!   code snippets, images, redirection files, `docfx.json`...), by path
//!   relative to the site and content; the output folders and the cache are
//!   left out. Files the build read through the fence outside those folders
//!   (a repository root's redirection files, dependent repositories) are
//!   added by `outside_reads`.
//! - `shape`: what one page can see of every other: each article's path,
//!   title, front matter, heading IDs and texts, other IDs, and the list of
//!   published pages. A page's own article enters its key in full
//!   (`article`).
//!
//! So a page's key changes whenever anything its HTML or its diagnostics
//! are made from changes. The one thing `shape` leaves out is where other
//! articles' headings are (their lines move with every edit above them);
//! the only output that shows one is the `link-anchor-translation`
//! diagnostic, which names the other file, and a cached page with a
//! diagnostic about another file is never used (`build.rs`).

use crate::config::Config;
use crate::parse::Article;
use crate::site::{Page, Site};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use xxhash_rust::xxh3::Xxh3;

/// The second half of a key: XXH3 with another seed.
const SEED: u64 = 0x706f_6c79_646f_6321;

/// A file's content as a key's part (and the fence's notes): 256 bits of
/// two seeded XXH3-128 (see the module comment).
pub fn digest(b: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&xxhash_rust::xxh3::xxh3_128(b).to_le_bytes());
    out[16..].copy_from_slice(&xxhash_rust::xxh3::xxh3_128_with_seed(b, SEED).to_le_bytes());
    out
}

/// `digest` of a file's bytes, read a piece at a time: the executable
/// (tens of megabytes) is not held, nor faulted into fresh memory, whole.
fn digest_file(path: &Path) -> std::io::Result<[u8; 32]> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let (mut a, mut b) = (Xxh3::new(), Xxh3::with_seed(SEED));
    let mut buf = vec![0u8; 1 << 18];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                a.update(&buf[..n]);
                b.update(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&a.digest128().to_le_bytes());
    out[16..].copy_from_slice(&b.digest128().to_le_bytes());
    Ok(out)
}

/// Both hashes of a key, fed the same bytes: gathered in a buffer and
/// hashed in one go at the end (most keys are a few kilobytes of small
/// pieces, where XXH3's streaming state costs more than the hashing);
/// past `SPILL` bytes, the buffer goes through the streaming states.
struct Both {
    buf: Vec<u8>,
    streams: Option<Box<(Xxh3, Xxh3)>>,
}

const SPILL: usize = 1 << 16;

impl Both {
    fn update(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= SPILL {
            let s = self
                .streams
                .get_or_insert_with(|| Box::new((Xxh3::new(), Xxh3::with_seed(SEED))));
            s.0.update(&self.buf);
            s.1.update(&self.buf);
            self.buf.clear();
        }
    }

    fn finish(self) -> [u8; 32] {
        let Some(mut s) = self.streams else {
            return digest(&self.buf);
        };
        s.0.update(&self.buf);
        s.1.update(&self.buf);
        let mut out = [0u8; 32];
        out[..16].copy_from_slice(&s.0.digest128().to_le_bytes());
        out[16..].copy_from_slice(&s.1.digest128().to_le_bytes());
        out
    }
}

/// A hasher that keeps field boundaries (every piece is length-prefixed).
pub struct Fp(Both);

impl Fp {
    pub fn new(domain: &str) -> Fp {
        let mut f = Fp(Both {
            buf: Vec::with_capacity(256),
            streams: None,
        });
        f.str(domain);
        f
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Fp {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Fp {
        self.bytes(s.as_bytes())
    }

    pub fn u64(&mut self, n: u64) -> &mut Fp {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// A value by its `Debug` form (for plain data without hash maps).
    pub fn debug(&mut self, v: &impl std::fmt::Debug) -> &mut Fp {
        self.str(&format!("{v:?}"))
    }

    /// A value by its JSON form, written straight into the hash (no string
    /// made; a few times quicker than `debug` for an article's links and
    /// front matter), ended by a byte JSON never holds.
    pub fn json(&mut self, v: &impl serde::Serialize) -> &mut Fp {
        struct Into<'a>(&'a mut Both);
        impl std::io::Write for Into<'_> {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.update(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // (Serializing plain data into a hasher cannot fail; if it did, the
        // error's text keeps the key apart from a whole value's.)
        if let Err(e) = serde_json::to_writer(Into(&mut self.0), v) {
            self.0.update(e.to_string().as_bytes());
        }
        self.0.update(&[0xFF]);
        self
    }

    /// A front matter, field by field (`FrontMatter::fields`).
    pub fn front_matter(&mut self, fm: &crate::frontmatter::FrontMatter) -> &mut Fp {
        self.str("front-matter");
        fm.fields(&mut |b| {
            self.bytes(b);
        });
        self
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finish()
    }
}

/// Text formatted straight into a key, as written: no length before it,
/// so a field (`str`, `u64`, `bytes`) after it keeps it apart from what
/// follows.
impl std::fmt::Write for Fp {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// polydoc's version and the running executable's bytes. Tests set
/// `POLYDOC_CACHE_VERSION` to stand for another polydoc.
pub fn version() -> [u8; 32] {
    *VERSION.get_or_init(|| version_of(std::env::current_exe().and_then(|p| digest_file(&p))))
}

/// `version`, the executable's hash read from `cache` when a build there
/// made it from the same file as it is now (its size, times, inode and
/// device as recorded, and last changed more than a second before that
/// build began), else made and recorded. Hashing the 16 MB executable was
/// 6 ms of every build's CPU: 12% of a warm build of the nuget pair.
pub fn version_in(cache: &super::Cache) -> [u8; 32] {
    *VERSION.get_or_init(|| {
        use super::parsed::{racy, FileStamp};
        let exe = std::env::current_exe().and_then(|p| {
            let now = std::fs::metadata(&p)
                .ok()
                .and_then(|m| crate::fence::FileMeta::of(&m))
                .map(|m| FileStamp::of(&m));
            let recorded = cache.get_named(EXE_RECORD).and_then(|r| decode_exe(&r));
            match (now, recorded) {
                (Some(now), Some((then, started_ns, digest))) if now == then && !racy(&now, started_ns) => Ok(digest),
                _ => {
                    let started_ns = super::parsed::now_ns();
                    let digest = digest_file(&p)?;
                    if let Some(now) = now {
                        cache.put_named(EXE_RECORD, &encode_exe(&now, started_ns, &digest));
                    }
                    Ok(digest)
                }
            }
        });
        version_of(exe)
    })
}

static VERSION: OnceLock<[u8; 32]> = OnceLock::new();

fn version_of(exe: std::io::Result<[u8; 32]>) -> [u8; 32] {
    let mut f = Fp::new("version");
    f.str(env!("CARGO_PKG_VERSION"));
    match exe {
        Ok(exe) => f.bytes(&exe),
        // Unknown build: a key no other process can share.
        Err(_) => f.u64(std::process::id() as u64).debug(&std::time::SystemTime::now()),
    };
    if let Ok(v) = std::env::var("POLYDOC_CACHE_VERSION") {
        f.str(&v);
    }
    f.finish()
}

/// The named file beside the entries holding the executable's hash.
const EXE_RECORD: &str = "executable";
const EXE_FORMAT: &[u8; 8] = b"pdexe001";

/// The executable's stamp as found (the parse record's), when the hash
/// began, the hash.
fn encode_exe(stamp: &super::parsed::FileStamp, started_ns: i64, digest: &[u8; 32]) -> Vec<u8> {
    let mut w = EXE_FORMAT.to_vec();
    stamp.put(&mut w);
    w.extend_from_slice(&started_ns.to_le_bytes());
    w.extend_from_slice(digest);
    w
}

fn decode_exe(bytes: &[u8]) -> Option<(super::parsed::FileStamp, i64, [u8; 32])> {
    let mut r = crate::le_bytes::Reader(bytes);
    if r.take(8)? != EXE_FORMAT {
        return None;
    }
    let stamp = super::parsed::FileStamp::take(&mut r)?;
    let started_ns = r.u64()? as i64;
    let digest = r.key()?;
    r.0.is_empty().then_some((stamp, started_ns, digest))
}

/// The folders whose files are inputs: the site folder, then each locale
/// folder outside it, each with the name its files are keyed under.
fn roots(config: &Config) -> Vec<(String, PathBuf)> {
    let site = crate::fence::real_path(&config.site_root);
    let mut out = vec![(String::new(), site.clone())];
    for l in &config.locales {
        let r = crate::fence::real_path(&l.root);
        if !out.iter().any(|(_, o)| r.starts_with(o)) {
            out.push((format!("locale:{}", l.code), r));
        }
    }
    out
}

/// Every file under the site's folders but articles (`articles`, by real
/// folder), output folders (any folder holding polydoc's output marker)
/// and `skip` (the cache), hashed by relative path and content; each
/// folder's entries as `folders` has them (listed, or as the last build
/// listed them when the folder has not changed since).
pub fn inputs(
    config: &Config,
    articles: &super::inputs::Articles,
    skip: &[PathBuf],
    folders: &mut super::inputs::Folders,
) -> [u8; 32] {
    use super::inputs::Kind;
    let mut files: Vec<(String, PathBuf, bool)> = Vec::new();
    for (name, root) in roots(config) {
        // Depth first, each folder's entries by name (a walk that stops
        // at the first folder it cannot read).
        fn walk(
            dir: &Path,
            (name, root): (&str, &Path),
            (articles, skip, folders): (&super::inputs::Articles, &[PathBuf], &mut super::inputs::Folders),
            files: &mut Vec<(String, PathBuf, bool)>,
        ) -> Option<()> {
            for (entry, kind) in folders.entries(dir, articles).ok()? {
                let p = dir.join(&entry);
                if kind == Kind::Dir {
                    let skipped = entry == ".git" || skip.contains(&p) || p.join(crate::output::MARKER).exists();
                    if !skipped {
                        walk(&p, (name, root), (articles, skip, folders), files)?;
                    }
                    continue;
                }
                let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
                files.push((format!("{name}/{rel}"), p, kind == Kind::Link));
            }
            Some(())
        }
        walk(&root, (&name, &root), (articles, skip, folders), &mut files);
    }
    let hashes: Vec<[u8; 32]> = files
        .par_iter()
        .map(|(_, p, link)| {
            let mut f = Fp::new("file");
            if *link {
                f.str("link")
                    .str(&std::fs::read_link(p).unwrap_or_default().to_string_lossy());
            } else {
                match std::fs::read(p) {
                    Ok(b) => f.str("bytes").bytes(&digest(&b)),
                    Err(e) => f.str("unreadable").debug(&e.kind()),
                };
            }
            f.finish()
        })
        .collect();
    let mut f = Fp::new("inputs");
    for ((rel, _, _), h) in files.iter().zip(&hashes) {
        f.str(rel).bytes(h);
    }
    f.finish()
}

/// Files read through the fence outside the folders `inputs` hashes (by
/// their path relative to the site folder), with their content.
pub fn outside_reads(config: &Config, read: &[PathBuf]) -> [u8; 32] {
    let roots = roots(config);
    let site = &roots[0].1;
    let mut outside: Vec<&PathBuf> = read
        .iter()
        .filter(|p| !roots.iter().any(|(_, r)| p.starts_with(r)))
        .collect();
    outside.sort();
    outside.dedup();
    let mut f = Fp::new("outside");
    for p in outside {
        f.str(&relative(site, p));
        match std::fs::read(p) {
            Ok(b) => f.bytes(&digest(&b)),
            Err(e) => f.str("unreadable").debug(&e.kind()),
        };
    }
    f.finish()
}

/// `p` relative to `base`, with `..` where it lies outside it.
pub fn relative(base: &Path, p: &Path) -> String {
    let mut up = 0;
    let mut b = base;
    loop {
        if let Ok(rest) = p.strip_prefix(b) {
            let rest = rest.to_string_lossy().replace('\\', "/");
            return format!("{}{rest}", "../".repeat(up));
        }
        match b.parent() {
            Some(parent) => {
                b = parent;
                up += 1;
            }
            None => return p.to_string_lossy().into_owned(),
        }
    }
}

/// What every page may see of the others (see the module comment).
pub type Shape = [u8; 32];

/// The site's `Shape`.
pub fn shape(env: &[u8; 32], site: &Site, article_files: &[(usize, String)]) -> Shape {
    let per_article: Vec<[u8; 32]> = site
        .articles
        .par_iter()
        .map(|a| {
            let mut f = Fp::new("public");
            f.u64(a.locale as u64).str(&a.rel).str(&a.display).str(&a.title);
            f.json(&a.md.h1).front_matter(&a.fm);
            for h in &a.md.headings {
                f.u64(h.level as u64).str(&h.id).str(&h.text).u64(h.explicit as u64);
            }
            f.json(&a.md.other_ids).json(&a.md.pivots).json(&a.md.monikers);
            f.finish()
        })
        .collect();
    let mut f = Fp::new("shape");
    f.bytes(env);
    // (Field by field, not as JSON: 20,000 paths on one thread.)
    f.u64(article_files.len() as u64);
    for (locale, rel) in article_files {
        f.u64(*locale as u64).str(rel);
    }
    for h in &per_article {
        f.bytes(h);
    }
    for p in &site.pages {
        page_identity(&mut f, p);
    }
    for a in &site.assets {
        f.u64(a.locale as u64).str(&a.rel);
    }
    f.finish()
}

fn page_identity(f: &mut Fp, p: &Page) {
    f.u64(p.locale as u64)
        .str(&p.rel)
        .u64(p.article as u64)
        .u64(p.fallback as u64)
        .str(&p.url);
}

/// What stands for an article's HTML in its key.
pub enum Body<'a> {
    /// The HTML itself (which `bodies` may have taken out of `a.md.html`).
    Html(&'a str),
    /// What decides the parse that made the article, which nothing changed
    /// since (`Run::parse_all`'s `parsed_id`: the file's bytes, what the
    /// parse depends on and looked at): the same parse, the same article,
    /// HTML included, without reading it back or hashing its parts.
    Parsed(&'a [u8; 32]),
}

/// One article in full (but its absolute path).
pub fn article(a: &Article, body: Body) -> [u8; 32] {
    let mut f = Fp::new("article");
    f.u64(a.locale as u64).str(&a.rel).str(&a.display);
    let html = match body {
        Body::Html(html) => html,
        // Everything but the path is what that parse made (the HTML as
        // parsed says nothing after the parse changed the article).
        Body::Parsed(k) => {
            f.str("parsed").bytes(k);
            return f.finish();
        }
    };
    f.str(&a.title).front_matter(&a.fm);
    let m = &a.md;
    f.str("html").str(html);
    f.json(&m.headings)
        .json(&m.other_ids)
        .json(&m.links)
        .json(&m.h1)
        .json(&m.diags)
        .json(&m.pivots)
        .json(&m.monikers)
        .json(&m.shortcuts);
    f.finish()
}

/// A page's key: the site's shape, the page and its article.
pub fn page(shape: &[u8; 32], p: &Page, article: &[u8; 32]) -> [u8; 32] {
    let mut f = Fp::new("page");
    f.bytes(shape).bytes(article);
    page_identity(&mut f, p);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_same_however_its_bytes_are_fed() {
        // One piece past the buffer (through the streaming states) and the
        // same bytes fed in small pieces: the same key.
        let big: Vec<u8> = (0..SPILL * 2 + 5).map(|i| i as u8).collect();
        let mut a = Fp::new("t");
        a.bytes(&big);
        let mut b = Fp::new("t");
        b.0.update(&(big.len() as u64).to_le_bytes());
        for chunk in big.chunks(1000) {
            b.0.update(chunk);
        }
        let a = a.finish();
        assert_eq!(a, b.finish());
        // Small keys are hashed in one go: as `digest` hashes the bytes.
        let mut s = Fp::new("");
        s.str("ab");
        let mut want = 0u64.to_le_bytes().to_vec();
        want.extend_from_slice(&2u64.to_le_bytes());
        want.extend_from_slice(b"ab");
        assert_eq!(s.finish(), digest(&want));
        // Field boundaries count.
        let mut other = Fp::new("");
        other.str("a").str("b");
        assert_ne!(other.finish(), digest(&want));
    }

    #[test]
    fn a_file_read_in_pieces_digests_as_its_bytes_do() {
        let dir = std::env::temp_dir().join(format!("polydoc-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        // Past one piece of the reader, and empty.
        let bytes: Vec<u8> = (0..(1 << 18) * 3 + 77).map(|i| (i * 7) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(digest_file(&path).unwrap(), digest(&bytes));
        // The executable's record reads back; a cut one is none.
        let m = crate::cache::parsed::FileStamp::of(&crate::fence::FileMeta {
            size: 7,
            mtime_ns: 1,
            ctime_ns: 2,
            ino: 3,
            dev: 4,
        });
        let rec = encode_exe(&m, 5, &[9; 32]);
        assert_eq!(decode_exe(&rec), Some((m, 5, [9; 32])));
        assert!((0..rec.len()).all(|cut| decode_exe(&rec[..cut]).is_none()));
        std::fs::write(&path, b"").unwrap();
        assert_eq!(digest_file(&path).unwrap(), digest(b""));
        assert!(digest_file(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
