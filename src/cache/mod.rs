//! The persistent build cache (`build --cache [DIR]`): content-addressed
//! entries that let a build skip work whose inputs it has seen before.
//!
//! An entry's name is a 256-bit hash (two seeded XXH3-128) of everything its
//! value depends on (see `key`), so a changed input is a different name, never a stale hit; the
//! file holds a checksum of its value, so a corrupt or truncated entry is a
//! miss (with one warning), never wrong output. Names hold no absolute
//! paths: a folder restored on another machine, with the site checked out
//! elsewhere, still hits. Writers put each entry under a temporary name and
//! rename it into place, so builds sharing a folder at the same time only
//! ever see whole entries. After a build that wrote its site, entries it did
//! not use (and that no build has touched since it began) are removed, so
//! the folder holds about one build's worth.
//!
//! What is cached, and under which key, is the business of `key` and
//! `build.rs`; this module stores bytes.

pub mod bytes;
pub mod codec;
mod inputs;
pub mod key;
pub mod l10n;
pub mod parsed;
pub mod parsed_header;
pub mod reports;
pub mod run;
pub mod search;
pub mod site_files;
pub mod source_sums;

use crate::diagnostics::Diagnostic;
pub use bytes::Bytes;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// The folder `--cache` uses without a value, inside the site folder (the
/// `.gitignore` that `polydoc init` writes covers it).
pub const DEFAULT_DIR: &str = ".polydoc-cache";

/// The named file beside the entries with the keys the last pruning
/// build used (`Cache::prune`).
const LIVE: &str = "live";
/// How often (in pruning builds) `prune` lists the folder.
const SWEEP: u64 = 16;

/// The `live` record: the generation (pruning builds so far) and the keys
/// (read where they lie: tens of thousands).
fn decode_live(bytes: &[u8]) -> Option<(u64, impl Iterator<Item = &[u8; 32]>)> {
    let generation = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let rest = &bytes[8..];
    if !rest.len().is_multiple_of(32) {
        return None;
    }
    let keys = rest
        .chunks_exact(32)
        .map(|c| <&[u8; 32]>::try_from(c).expect("32 bytes"));
    Some((generation, keys))
}

/// Bumped when the layout or an entry's encoding changes.
const LAYOUT: &str = "v1";
/// An entry's header: magic, the value's length, its checksum.
const MAGIC: &[u8; 8] = b"polydoc2";
const HEADER: usize = 8 + 8 + 16;

/// Keys in byte order, their first 8 bytes compared as one number first
/// (keys are hashes: those almost always differ there).
fn key_order(a: &[u8; 32], b: &[u8; 32]) -> std::cmp::Ordering {
    let head = |k: &[u8; 32]| u64::from_be_bytes([k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]]);
    head(a).cmp(&head(b)).then_with(|| a.cmp(b))
}

/// The keys of `keys` that `sorted` (in `key_order`, each once) does not
/// hold: one walk down both while `keys` comes in order too (the live
/// record is written in order), a search in `sorted` for each key after
/// one out of order.
fn not_in<'a>(keys: impl Iterator<Item = &'a [u8; 32]>, sorted: &'a [[u8; 32]]) -> impl Iterator<Item = &'a [u8; 32]> {
    let mut at = 0;
    let mut last: Option<&[u8; 32]> = None;
    keys.filter(move |k| {
        // (`last`: the greatest key walked to so far.)
        if last.is_some_and(|l| key_order(l, k).is_gt()) {
            return sorted.binary_search_by(|u| key_order(u, k)).is_err();
        }
        last = Some(k);
        while at < sorted.len() && key_order(&sorted[at], k).is_lt() {
            at += 1;
        }
        !(at < sorted.len() && sorted[at] == **k)
    })
}

/// The checksum an entry's header holds: XXH3's 128 bits. It finds a
/// damaged or cut entry, and tells `put_named` a record is unchanged (an
/// accidental match of 128 bits is not a risk); it guards nothing against
/// someone who can write the cache, who could write any entry whole. A
/// warm build checks every entry it reads (tens of megabytes): SHA-256
/// here was 5-7% of a warm build's CPU.
fn checksum(value: &[u8]) -> [u8; 16] {
    xxhash_rust::xxh3::xxh3_128(value).to_le_bytes()
}

/// Hits and misses of one build, for the report.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct CacheStats {
    /// Articles read back instead of parsed.
    pub parse_hits: u64,
    pub parse_misses: u64,
    /// Article files read this build (one whose stamp is as the parse
    /// record has it is not read).
    pub articles_read: u64,
    /// Pages read back instead of rendered.
    pub page_hits: u64,
    pub page_misses: u64,
    /// Translation reviews (findings and review page) read back instead of
    /// made.
    pub review_hits: u64,
    pub review_misses: u64,
    /// Pages' search analyses read back instead of made.
    pub search_hits: u64,
    pub search_misses: u64,
    /// Entries that failed their checksum (ignored and rewritten).
    pub corrupt: u64,
    /// Entries removed after the build because it did not use them.
    pub pruned: u64,
}

pub struct Cache {
    objects: PathBuf,
    tmp: PathBuf,
    started: SystemTime,
    /// The keys this build used, as they came (a key may come more than
    /// once): appended, sorted once by `prune` (a set's insert, a cache
    /// miss each, for the tens of thousands a warm build touches, cost
    /// more than the sort the record needs anyway).
    used: Mutex<Vec<[u8; 32]>>,
    counter: AtomicUsize,
    pub parse_hits: AtomicU64,
    pub parse_misses: AtomicU64,
    pub articles_read: AtomicU64,
    pub page_hits: AtomicU64,
    pub page_misses: AtomicU64,
    pub review_hits: AtomicU64,
    pub review_misses: AtomicU64,
    pub search_hits: AtomicU64,
    pub search_misses: AtomicU64,
    corrupt: std::sync::Arc<Mutex<Vec<String>>>,
    write_failed: Mutex<Option<String>>,
}

impl Cache {
    /// Opens (creating) the cache folder `dir`.
    pub fn open(dir: &Path) -> std::io::Result<Cache> {
        let root = dir.join(LAYOUT);
        let objects = root.join("objects");
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&objects)?;
        std::fs::create_dir_all(&tmp)?;
        // Tell backup and archiving tools what this is (as Cargo does).
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# polydoc's build cache: safe to delete.\n",
            );
        }
        // (The list of keys used sized once, as the last pruning build's
        // was: tens of thousands, grown by doubling, copied each time.)
        let last_used = std::fs::metadata(objects.with_file_name(LIVE))
            .map_or(0, |m| m.len().saturating_sub((HEADER + 8) as u64) / 32);
        let used = Vec::with_capacity(last_used.min(1 << 22) as usize + 1024);
        Ok(Cache {
            objects,
            tmp,
            started: SystemTime::now(),
            used: Mutex::new(used),
            counter: AtomicUsize::new(0),
            parse_hits: AtomicU64::new(0),
            parse_misses: AtomicU64::new(0),
            articles_read: AtomicU64::new(0),
            page_hits: AtomicU64::new(0),
            page_misses: AtomicU64::new(0),
            review_hits: AtomicU64::new(0),
            review_misses: AtomicU64::new(0),
            search_hits: AtomicU64::new(0),
            search_misses: AtomicU64::new(0),
            corrupt: std::sync::Arc::default(),
            write_failed: Mutex::new(None),
        })
    }

    fn path_of(&self, key: &[u8; 32]) -> PathBuf {
        let hex = hex(key);
        self.objects.join(&hex[..2]).join(&hex[2..])
    }

    /// The value stored under `key`, if there is a whole one.
    pub fn get(&self, key: &[u8; 32]) -> Option<Bytes> {
        let value = self.peek(key)?;
        self.used.lock().unwrap().push(*key);
        Some(value)
    }

    /// `get`, without marking the entry used: it is pruned at the end
    /// unless `touch`ed (a record replaced by a new version).
    pub fn peek(&self, key: &[u8; 32]) -> Option<Bytes> {
        let path = self.path_of(key);
        match read_value(&path, true).ok()? {
            Some(value) => Some(value),
            None => {
                let _ = std::fs::remove_file(&path);
                self.corrupt.lock().unwrap().push(hex(key));
                None
            }
        }
    }

    /// Marks the entry under `key` as used by this build (so it is not
    /// pruned) without reading it.
    pub fn touch(&self, key: &[u8; 32]) {
        self.used.lock().unwrap().push(*key);
    }

    /// `touch` for many entries at once (one lock).
    pub fn touch_all(&self, keys: &[[u8; 32]]) {
        self.used.lock().unwrap().extend(keys.iter().copied());
    }

    /// The value of the named file beside the entries (not
    /// content-addressed: what the last build that wrote it left), if it
    /// is whole.
    pub fn get_named(&self, name: &str) -> Option<Bytes> {
        read_value(&self.objects.with_file_name(name), true).ok()?
    }

    /// `get_named` into a buffer of its own (never mapped: for a reader
    /// that keeps a `Vec`).
    pub fn get_named_vec(&self, name: &str) -> Option<Vec<u8>> {
        Some(read_value(&self.objects.with_file_name(name), false).ok()??.into_vec())
    }

    /// Replaces the named file beside the entries (atomically), unless it
    /// holds these bytes already (its header's length and checksum say so:
    /// the records are tens of megabytes, often the same as the last
    /// build's).
    pub fn put_named(&self, name: &str, value: &[u8]) {
        let path = self.objects.with_file_name(name);
        let digest = checksum(value);
        let mut head = [0u8; HEADER];
        let same = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && head[..8] == MAGIC[..]
            && head[8..16] == (value.len() as u64).to_le_bytes()
            && head[16..HEADER] == digest[..];
        if !same {
            self.write_atomically_with(&path, name, value, digest);
        }
    }

    /// Where entries' parts are read from later in the build (article
    /// HTML left in its parse entry: `bodies::Bodies::stored`).
    pub fn entries(&self) -> Entries {
        Entries {
            objects: self.objects.clone(),
            corrupt: self.corrupt.clone(),
        }
    }

    /// Stores `value` under `key` (atomically: a reader sees all of it or
    /// nothing). A failure is remembered for one warning; the build goes on.
    pub fn put(&self, key: &[u8; 32], value: &[u8]) {
        self.used.lock().unwrap().push(*key);
        self.write_atomically(&self.path_of(key), &hex(key)[..16], value);
    }

    /// Stores `value` under `key` compressed (LZ4, a fast codec): for the
    /// large values that are read whole or not at all (rendered pages,
    /// review pages), most of the bytes a build with an empty cache writes.
    /// Read back with `get_packed`.
    pub fn put_packed(&self, key: &[u8; 32], value: &[u8]) {
        self.put(key, &lz4_flex::block::compress_prepend_size(value));
    }

    /// The value `put_packed` stored under `key`, if there is a whole one.
    pub fn get_packed(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        let packed = self.get(key)?;
        // LZ4 expands at most 255 times: a length past that is not ours.
        let len = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
        if len > packed.len().saturating_mul(255) {
            return None;
        }
        lz4_flex::block::decompress_size_prepended(&packed).ok()
    }

    /// Writes `value` to `path` under a temporary name (ending in `tag`)
    /// first, then renames it; a failure is remembered for one warning.
    fn write_atomically(&self, path: &Path, tag: &str, value: &[u8]) {
        self.write_atomically_with(path, tag, value, checksum(value));
    }

    /// `write_atomically`, with `value`'s `checksum` (`digest`) made already.
    fn write_atomically_with(&self, path: &Path, tag: &str, value: &[u8], digest: [u8; 16]) {
        let tmp = self.tmp.join(format!(
            "{}-{}-{tag}",
            std::process::id(),
            self.counter.fetch_add(1, Ordering::Relaxed)
        ));
        if let Err(e) = write_entry(&tmp, path, value, &digest) {
            let _ = std::fs::remove_file(&tmp);
            self.write_failed
                .lock()
                .unwrap()
                .get_or_insert_with(|| format!("{}: {e}", path.display()));
        }
    }

    /// Removes entries this build neither read nor wrote, unless another
    /// build wrote them after this one began. Returns how many went.
    ///
    /// Without listing the folder: the last pruning build left the keys
    /// it used (`live`), which is what the folder held then, and only
    /// those this build did not use are candidates. Every `SWEEP`th build
    /// (and one without a whole record) lists the folder instead, for
    /// entries no record names (those of a build that ran beside another,
    /// or was killed).
    pub fn prune(&self) -> u64 {
        let mut used = self.used.lock().unwrap();
        // In order (the record is the same bytes when the keys are; a key
        // looked up by halving), each once. (Compared by their first 8
        // bytes as a number first: the same order as byte by byte, about
        // a third of the time for tens of thousands of keys.)
        {
            use rayon::slice::ParallelSliceMut;
            used.par_sort_unstable_by(key_order);
        }
        used.dedup();
        let used_has = |k: &[u8; 32]| used.binary_search_by(|u| key_order(u, k)).is_ok();
        let live = self.get_named(LIVE);
        let last = live.as_deref().and_then(decode_live);
        let generation = last.as_ref().map_or(0, |(g, _)| g + 1);
        let old = |p: &Path| {
            std::fs::symlink_metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < self.started)
        };
        let mut removed = 0;
        match last {
            Some((_, keys)) if !generation.is_multiple_of(SWEEP) => {
                for k in not_in(keys, &used) {
                    let p = self.path_of(k);
                    if old(&p) && std::fs::remove_file(&p).is_ok() {
                        removed += 1;
                    }
                }
            }
            _ => {
                if let Ok(dirs) = std::fs::read_dir(&self.objects) {
                    for d in dirs.flatten() {
                        let name = d.file_name().to_string_lossy().into_owned();
                        let Ok(files) = std::fs::read_dir(d.path()) else {
                            continue;
                        };
                        for f in files.flatten() {
                            let rest = f.file_name().to_string_lossy().into_owned();
                            let keep = unhex(&format!("{name}{rest}")).is_some_and(|k| used_has(&k)) || !old(&f.path());
                            if !keep && std::fs::remove_file(f.path()).is_ok() {
                                removed += 1;
                            }
                        }
                    }
                }
            }
        }
        let mut record = Vec::with_capacity(8 + used.len() * 32);
        record.extend_from_slice(&generation.to_le_bytes());
        for k in used.iter() {
            record.extend_from_slice(k);
        }
        self.put_named(LIVE, &record);
        // Temporary files of builds that were killed mid-write; a running
        // build's own are younger than this one.
        if let Ok(files) = std::fs::read_dir(&self.tmp) {
            for f in files.flatten() {
                let cutoff = self.started.checked_sub(std::time::Duration::from_secs(3600));
                let old = f
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| cutoff.is_some_and(|c| t < c));
                if old {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
        removed
    }

    /// Warnings for the report: corrupt entries (ignored) and entries that
    /// could not be written.
    pub fn diagnostics(&self, shown_dir: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let corrupt = self.corrupt.lock().unwrap();
        if let Some(first) = corrupt.first() {
            out.push(
                Diagnostic::warning(
                    "cache",
                    shown_dir,
                    format!(
                        "{} cache entr{} failed {} checksum (first: {first}) and {} ignored; the output is built as without them",
                        corrupt.len(),
                        if corrupt.len() == 1 { "y" } else { "ies" },
                        if corrupt.len() == 1 { "its" } else { "their" },
                        if corrupt.len() == 1 { "was" } else { "were" },
                    ),
                )
                .help("nothing to do: they are written again; delete the cache folder if this repeats"),
            );
        }
        if let Some(e) = &*self.write_failed.lock().unwrap() {
            out.push(
                Diagnostic::warning("cache", shown_dir, format!("cannot write to the cache ({e})"))
                    .help("check the folder's permissions and free space; the site itself was built"),
            );
        }
        out
    }

    pub fn stats(&self, pruned: u64) -> CacheStats {
        CacheStats {
            parse_hits: self.parse_hits.load(Ordering::Relaxed),
            parse_misses: self.parse_misses.load(Ordering::Relaxed),
            articles_read: self.articles_read.load(Ordering::Relaxed),
            page_hits: self.page_hits.load(Ordering::Relaxed),
            page_misses: self.page_misses.load(Ordering::Relaxed),
            review_hits: self.review_hits.load(Ordering::Relaxed),
            review_misses: self.review_misses.load(Ordering::Relaxed),
            search_hits: self.search_hits.load(Ordering::Relaxed),
            search_misses: self.search_misses.load(Ordering::Relaxed),
            corrupt: self.corrupt.lock().unwrap().len() as u64,
            pruned,
        }
    }
}

/// The cache's entries, read by part: the entry is checked whole, so a
/// damaged one is an error (and counted with the corrupt ones), never
/// wrong bytes.
pub struct Entries {
    objects: PathBuf,
    corrupt: std::sync::Arc<Mutex<Vec<String>>>,
}

impl Entries {
    /// `len` bytes at `at` of the value under `key`.
    pub fn read(&self, key: &[u8; 32], at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let hex = hex(key);
        let path = self.objects.join(&hex[..2]).join(&hex[2..]);
        let mut bytes = std::fs::read(&path)?;
        let start = usize::try_from(at).ok().and_then(|a| a.checked_add(HEADER));
        match (check(&bytes), start) {
            (Some(()), Some(start)) if start.checked_add(len).is_some_and(|end| end <= bytes.len()) => {
                bytes.truncate(start + len);
                bytes.drain(..start);
                Ok(bytes)
            }
            _ => {
                let _ = std::fs::remove_file(&path);
                self.corrupt.lock().unwrap().push(hex.clone());
                Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the cache entry {hex} is damaged"),
                ))
            }
        }
    }
}

/// Writes `value` with its header to `tmp`, then renames it to `path`.
fn write_entry(tmp: &Path, path: &Path, value: &[u8], digest: &[u8; 16]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::File::create(tmp)?;
    f.write_all(MAGIC)?;
    f.write_all(&(value.len() as u64).to_le_bytes())?;
    f.write_all(digest)?;
    f.write_all(value)?;
    drop(f);
    std::fs::rename(tmp, path)
}

/// The value of the entry file at `path` (`Ok(None)` when it is not
/// whole: magic, length and checksum must agree): mapped when it is large
/// and `map`, else read into a buffer of its length after the header, read
/// apart (`bytes::read_value`).
fn read_value(path: &Path, map: bool) -> std::io::Result<Option<Bytes>> {
    bytes::read_value(path, HEADER, map, |head, value| {
        head[..8] == MAGIC[..]
            && head[8..16] == (value.len() as u64).to_le_bytes()
            && checksum(value)[..] == head[16..HEADER]
    })
}

/// `Some` when the entry is whole: magic, length and checksum agree.
fn check(bytes: &[u8]) -> Option<()> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return None;
    }
    let len = u64::from_le_bytes(bytes[8..16].try_into().ok()?) as usize;
    let value = &bytes[HEADER..];
    (value.len() == len && checksum(value)[..] == bytes[16..HEADER]).then_some(())
}

/// Lower-case hexadecimal (by table: a warm build names tens of thousands
/// of entries and manifest lines with it).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    // By byte (a warm build reads tens of thousands of manifest lines and
    // page reports).
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (digit(b[i * 2])? << 4) | digit(b[i * 2 + 1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests;
