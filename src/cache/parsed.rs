//! The parse record: for every article file the last build parsed through
//! the cache, what the file looked like on disk (`FileStamp`), the hash
//! of its bytes (`key::digest`), the key of its parse entry and that entry's header (the
//! article without its HTML, its diagnostics, what the parse looked at).
//! The records are split by path into `SHARDS` shards, each an entry of its
//! own (content-addressed, so a shard no record of which changed is neither
//! written again nor pruned), listed in one small file beside the entries
//! (`parsed-files`).
//!
//! A warm build reads these 64 entries instead of 20,000: a file whose
//! stamp is as recorded (and was old enough when recorded: `trusted`) is
//! not even read, its bytes' hash is the recorded one; a file whose stamp
//! changed (a fresh checkout, `touch`) is read and hashed, and still hits
//! when its bytes are the same. The article's HTML stays in its entry until
//! a reader asks for it (`bodies::Bodies::stored`). Every record is checked
//! against the key computed now, so a stale or foreign record is a miss,
//! never a wrong article.

use crate::le_bytes::Reader;

/// The named file beside the entries: the shards' keys.
pub const NAME: &str = "parsed-files";
const MAGIC: &[u8; 8] = b"pdparse1";

/// What an article file looked like on disk: any write, rename or change of
/// its times (`touch -d`, `tar`, `rsync -t` all change the status-change
/// time) shows another stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
    dev: u64,
}

impl FileStamp {
    /// Its fields, for a record.
    pub(super) fn put(&self, out: &mut Vec<u8>) {
        for n in [
            self.size,
            self.mtime_ns as u64,
            self.ctime_ns as u64,
            self.ino,
            self.dev,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }

    /// What `put` wrote.
    pub(super) fn take(r: &mut Reader) -> Option<FileStamp> {
        Some(FileStamp {
            size: r.u64()?,
            mtime_ns: r.u64()? as i64,
            ctime_ns: r.u64()? as i64,
            ino: r.u64()?,
            dev: r.u64()?,
        })
    }

    /// The stamp of a regular file as `Fence::stat_file` found it.
    pub fn of(m: &crate::fence::FileMeta) -> FileStamp {
        FileStamp {
            size: m.size,
            mtime_ns: m.mtime_ns,
            ctime_ns: m.ctime_ns,
            ino: m.ino,
            dev: m.dev,
        }
    }
}

/// Nanoseconds since the epoch, now.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// How many shards the records are split into.
pub const SHARDS: usize = 64;

/// The shard of an article file (FNV-1a of its locale and path: the same
/// on every machine).
pub fn shard_of(locale: u32, rel: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in locale.to_le_bytes().iter().chain(rel.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % SHARDS as u64) as usize
}

/// An entry's header: a range of a shard as read (shared, not copied), or
/// bytes of this build's.
#[derive(Clone)]
pub enum Header {
    In(std::sync::Arc<super::Bytes>, std::ops::Range<usize>),
    Own(std::sync::Arc<[u8]>),
}

impl std::ops::Deref for Header {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Header::In(buf, r) => &buf[r.clone()],
            Header::Own(b) => b,
        }
    }
}

impl Header {
    /// `part` (a part of this header) kept as part of the shard it was
    /// read in, not copied (a copy for a header of this build's).
    pub fn share(&self, part: &[u8]) -> crate::markdown::Shared {
        let shared = match self {
            Header::In(buf, r) => (part.as_ptr() as usize)
                .checked_sub(self.as_ptr() as usize)
                .filter(|at| at + part.len() <= self.len())
                .and_then(|at| crate::markdown::Shared::new(buf.clone(), r.start + at..r.start + at + part.len())),
            Header::Own(_) => None,
        };
        shared.unwrap_or_else(|| crate::markdown::Shared::copied(part))
    }
}

/// One article file's parse as a build found it.
#[derive(Clone)]
pub struct Record {
    pub locale: u32,
    /// (Shared: a record read back and the one this build writes hold the
    /// same text.)
    pub rel: std::sync::Arc<str>,
    pub display: std::sync::Arc<str>,
    pub stamp: Option<FileStamp>,
    /// The hash of the file's bytes (`key::digest`).
    pub bytes: [u8; 32],
    /// The key of its parse entry.
    pub key: [u8; 32],
    /// The entry's header (`codec::decode_parsed_header`).
    pub header: Header,
    /// The length of the HTML after the header in the entry.
    pub html_len: u64,
}

impl Record {
    /// Whether `other` says the same about the same file.
    pub fn same(&self, other: &Record) -> bool {
        (
            self.locale,
            &self.rel,
            &self.display,
            self.stamp,
            self.bytes,
            self.key,
            self.html_len,
        ) == (
            other.locale,
            &other.rel,
            &other.display,
            other.stamp,
            other.bytes,
            other.key,
            other.html_len,
        )
    }
}

/// One shard as read: when the build that wrote it began (a stamp is
/// trusted only for a file last changed well before: a change in the same
/// instant as the read could leave the stamp as it was), its records.
struct Shard {
    started_ns: i64,
    records: Vec<Record>,
}

/// The last build's records, by (locale, path).
#[derive(Default)]
pub struct Records {
    /// Each shard's entry key, as listed.
    keys: Vec<Option<[u8; 32]>>,
    shards: Vec<Option<Shard>>,
    /// Per locale, each path's shard and place in it.
    by_file: Vec<crate::search::fxhash::FxHashMap<std::sync::Arc<str>, (usize, usize)>>,
}

impl Records {
    /// The shards' keys as listed (`None` without a list).
    pub fn keys(&self) -> Option<Vec<Option<[u8; 32]>>> {
        (!self.keys.is_empty()).then(|| self.keys.clone())
    }

    pub fn get(&self, locale: usize, rel: &str) -> Option<&Record> {
        let (s, i) = *self.by_file.get(locale)?.get(rel)?;
        self.shards[s].as_ref()?.records.get(i)
    }

    /// Whether `now` (the file's stamp as found) says the file holds the
    /// bytes `r` recorded, without reading it.
    pub fn trusted(&self, r: &Record, now: Option<&FileStamp>) -> bool {
        let started = self
            .shards
            .get(shard_of(r.locale, &r.rel))
            .and_then(Option::as_ref)
            .map_or(0, |s| s.started_ns);
        match (&r.stamp, now) {
            (Some(was), Some(now)) => was == now && !racy(now, started),
            _ => false,
        }
    }
}

/// Whether a file with stamp `s` may have changed in the same instant as
/// the build that began at `started_ns` read it (its status changed less
/// than a second before), so that its stamp cannot stand for its bytes.
pub(super) fn racy(s: &FileStamp, started_ns: i64) -> bool {
    s.ctime_ns >= started_ns.saturating_sub(1_000_000_000)
}

/// The list of shards (the named file): their keys.
pub fn encode_list(keys: &[Option<[u8; 32]>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + keys.len() * 33);
    out.extend_from_slice(MAGIC);
    for k in keys {
        match k {
            Some(k) => {
                out.push(1);
                out.extend_from_slice(k);
            }
            None => out.push(0),
        }
    }
    out
}

pub fn decode_list(bytes: &[u8]) -> Option<Vec<Option<[u8; 32]>>> {
    let mut r = Reader(bytes);
    if r.take(8)? != MAGIC {
        return None;
    }
    let mut keys = Vec::with_capacity(SHARDS);
    for _ in 0..SHARDS {
        keys.push(match r.take(1)?[0] {
            0 => None,
            1 => Some(r.key()?),
            _ => return None,
        });
    }
    r.0.is_empty().then_some(keys)
}

/// Reads the records: the list, then each shard's entry through `get`
/// (a shard that is gone or damaged has no records: its files are read).
pub fn read(list: Option<super::Bytes>, get: &(dyn Fn(&[u8; 32]) -> Option<super::Bytes> + Sync)) -> Records {
    use rayon::prelude::*;
    let Some(keys) = list.and_then(|l| decode_list(&l)) else {
        return Records::default();
    };
    let shards: Vec<Option<Shard>> = keys
        .par_iter()
        .map(|k| decode_shard(std::sync::Arc::new(get(k.as_ref()?)?)))
        .collect();
    // (Each locale's map sized once.)
    let mut per_locale: Vec<usize> = Vec::new();
    for r in shards.iter().flat_map(|sh| sh.iter().flat_map(|sh| &sh.records)) {
        let l = r.locale as usize;
        if l <= u16::MAX as usize {
            if per_locale.len() <= l {
                per_locale.resize(l + 1, 0);
            }
            per_locale[l] += 1;
        }
    }
    let mut by_file: Vec<crate::search::fxhash::FxHashMap<std::sync::Arc<str>, (usize, usize)>> = per_locale
        .iter()
        .map(|n| crate::search::fxhash::FxHashMap::with_capacity_and_hasher(*n, Default::default()))
        .collect();
    for (s, shard) in shards.iter().enumerate() {
        for (i, r) in shard.iter().flat_map(|sh| sh.records.iter().enumerate()) {
            let l = r.locale as usize;
            // (A locale number no site has: a record never looked up.)
            if l > u16::MAX as usize {
                continue;
            }
            if by_file.len() <= l {
                by_file.resize_with(l + 1, Default::default);
            }
            by_file[l].insert(r.rel.clone(), (s, i));
        }
    }
    Records { keys, shards, by_file }
}

/// The shards of this build's `records` (of a build that began at
/// `started_ns`), each with whether it is the same (`Record::same`) as
/// `old`'s record for its file, which the caller looked up already: each
/// shard whose records are all as `old` had them keeps its entry
/// (`keep`); the others are written (`put`, under their content's hash).
/// Returns the list, for the named file.
pub fn write(
    old: &Records,
    records: Vec<(&Record, bool)>,
    started_ns: i64,
    keep: &(dyn Fn(&[u8; 32]) + Sync),
    put: &(dyn Fn(&[u8; 32], &[u8]) + Sync),
) -> Vec<Option<[u8; 32]>> {
    use rayon::prelude::*;
    // (Sized once: each about a 64th, some more.)
    let each = records.len() / SHARDS + records.len() / SHARDS / 4 + 8;
    let mut by_shard: Vec<Vec<(&Record, bool)>> = (0..SHARDS).map(|_| Vec::with_capacity(each)).collect();
    for r in records {
        by_shard[shard_of(r.0.locale, &r.0.rel)].push(r);
    }
    by_shard
        .into_par_iter()
        .enumerate()
        .map(|(s, mut records)| {
            if records.is_empty() {
                return None;
            }
            let was = old.shards.get(s).and_then(Option::as_ref);
            // A shard kept keeps its start: one with a stamp too recent to
            // trust then (a file written just before that build) is
            // written again with this build's, or that file would be read
            // on every build after.
            let unchanged = was.is_some_and(|was| {
                was.records.len() == records.len()
                    && !was
                        .records
                        .iter()
                        .any(|o| o.stamp.is_some_and(|st| racy(&st, was.started_ns)))
                    && records.iter().all(|(_, same)| *same)
            });
            if let (true, Some(Some(k))) = (unchanged, old.keys.get(s)) {
                keep(k);
                return Some(*k);
            }
            records.sort_by(|a, b| (a.0.locale, &a.0.rel).cmp(&(b.0.locale, &b.0.rel)));
            let bytes = encode_shard(started_ns, records.iter().map(|r| r.0));
            let key = {
                let mut f = super::key::Fp::new("parsed-shard");
                f.bytes(&bytes);
                f.finish()
            };
            put(&key, &bytes);
            Some(key)
        })
        .collect()
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

/// One shard's records.
fn encode_shard<'a>(started_ns: i64, records: impl ExactSizeIterator<Item = &'a Record> + Clone) -> Vec<u8> {
    let size: usize = records.clone().map(|r| r.header.len() + r.rel.len() * 2 + 200).sum();
    let mut out = Vec::with_capacity(size + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&started_ns.to_le_bytes());
    out.extend_from_slice(&(records.len() as u64).to_le_bytes());
    for r in records {
        out.extend_from_slice(&r.locale.to_le_bytes());
        put_bytes(&mut out, r.rel.as_bytes());
        put_bytes(&mut out, r.display.as_bytes());
        match &r.stamp {
            Some(s) => {
                out.push(1);
                s.put(&mut out);
            }
            None => out.push(0),
        }
        out.extend_from_slice(&r.bytes);
        out.extend_from_slice(&r.key);
        put_bytes(&mut out, &r.header);
        out.extend_from_slice(&r.html_len.to_le_bytes());
    }
    out
}

/// One shard's records, or `None` when it is not whole.
fn decode_shard(buf: std::sync::Arc<super::Bytes>) -> Option<Shard> {
    let mut r = Reader(&buf);
    if r.take(8)? != MAGIC {
        return None;
    }
    let started_ns = r.u64()? as i64;
    let count = usize::try_from(r.u64()?).ok()?;
    let mut records = Vec::with_capacity(count.min(buf.len() / 64));
    for _ in 0..count {
        let locale = r.u32()?;
        let rel: std::sync::Arc<str> = std::str::from_utf8(r.bytes_u64()?).ok()?.into();
        let display: std::sync::Arc<str> = std::str::from_utf8(r.bytes_u64()?).ok()?.into();
        let stamp = match r.take(1)?[0] {
            0 => None,
            1 => Some(FileStamp::take(&mut r)?),
            _ => return None,
        };
        let bytes = r.key()?;
        let key = r.key()?;
        let header = r.bytes_u64()?;
        let at = header.as_ptr() as usize - buf.as_ptr() as usize;
        records.push(Record {
            locale,
            rel,
            display,
            stamp,
            bytes,
            key,
            header: Header::In(buf.clone(), at..at + header.len()),
            html_len: r.u64()?,
        });
    }
    r.0.is_empty().then_some(Shard { started_ns, records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    fn record(rel: &str, stamp: Option<FileStamp>) -> Record {
        Record {
            locale: 1,
            rel: rel.into(),
            display: format!("articles/{rel}").into(),
            stamp,
            bytes: [1; 32],
            key: [2; 32],
            header: Header::Own(b"{\"article\":null}"[..].into()),
            html_len: 7,
        }
    }

    const OLD: FileStamp = FileStamp {
        size: 10,
        mtime_ns: 5,
        ctime_ns: 1_000,
        ino: 7,
        dev: 8,
    };

    /// Writes `records` into a map standing for the store; reads them back.
    fn round_trip(
        store: &Mutex<HashMap<[u8; 32], Vec<u8>>>,
        old: &Records,
        records: Vec<Record>,
        started_ns: i64,
    ) -> (Records, usize) {
        let written = std::sync::atomic::AtomicUsize::new(0);
        // (Each with whether it is the same as `old`'s, as a build looks
        // it up.)
        let records = records
            .iter()
            .map(|r| (r, old.get(r.locale as usize, &r.rel).is_some_and(|o| o.same(r))))
            .collect();
        let list = write(old, records, started_ns, &|_| {}, &|k, v| {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            store.lock().unwrap().insert(*k, v.to_vec());
        });
        let read = read(Some(encode_list(&list).into()), &|k| {
            store.lock().unwrap().get(k).cloned().map(Into::into)
        });
        (read, written.into_inner())
    }

    #[test]
    fn records_read_back_and_only_changed_shards_are_written_again() {
        let store = Mutex::new(HashMap::new());
        let many: Vec<Record> = (0..200).map(|i| record(&format!("a{i}.md"), Some(OLD))).collect();
        let (back, written) = round_trip(&store, &Records::default(), many.clone(), 5_000_000_000);
        assert!(written > 1 && written <= SHARDS, "{written}");
        let a = back.get(1, "a7.md").unwrap();
        assert_eq!((a.stamp, a.bytes, a.key, a.html_len), (Some(OLD), [1; 32], [2; 32], 7));
        assert_eq!(&a.header[..], b"{\"article\":null}");
        assert!(back.get(0, "a7.md").is_none() && back.get(1, "b.md").is_none());
        // The same records again: nothing written. One changed: its shard.
        let (again, written) = round_trip(&store, &back, many.clone(), 6_000_000_000);
        assert_eq!(written, 0);
        let mut edited = many;
        edited[7].key = [3; 32];
        let (after, written) = round_trip(&store, &again, edited, 7_000_000_000);
        assert_eq!(written, 1);
        assert_eq!(after.get(1, "a7.md").unwrap().key, [3; 32]);
        assert_eq!(after.get(1, "a8.md").unwrap().key, [2; 32]);
        // A damaged shard or list: no records from it, never wrong ones.
        assert!(decode_list(b"pdparse1").is_none());
        let shard = store.lock().unwrap().values().next().unwrap().clone();
        for cut in [1, 9, shard.len() - 1] {
            assert!(
                decode_shard(std::sync::Arc::new(shard[..cut].to_vec().into())).is_none(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_stamp_is_trusted_only_when_unchanged_and_older_than_the_recording_build() {
        let store = Mutex::new(HashMap::new());
        let (recs, _) = round_trip(
            &store,
            &Records::default(),
            vec![record("a.md", Some(OLD))],
            5_000_000_000,
        );
        let r = recs.get(1, "a.md").unwrap();
        assert!(recs.trusted(r, Some(&OLD)));
        let edited = FileStamp { ctime_ns: 2_000, ..OLD };
        assert!(!recs.trusted(r, Some(&edited)));
        assert!(!recs.trusted(r, None));
        // Changed within a second of the recording build's start: read.
        let recent = FileStamp {
            ctime_ns: 1_000_000_000,
            ..OLD
        };
        let (late, _) = round_trip(
            &store,
            &Records::default(),
            vec![record("a.md", Some(recent))],
            1_500_000_000,
        );
        assert!(!late.trusted(late.get(1, "a.md").unwrap(), Some(&recent)));
        // The next build, well after: the same record, but its shard is
        // written again with that build's start, and the stamp is trusted
        // from then on (not read on every build for ever).
        let (next, written) = round_trip(&store, &late, vec![record("a.md", Some(recent))], 9_000_000_000);
        assert_eq!(written, 1);
        assert!(next.trusted(next.get(1, "a.md").unwrap(), Some(&recent)));
        let (after, written) = round_trip(&store, &next, vec![record("a.md", Some(recent))], 10_000_000_000);
        assert_eq!(written, 0);
        assert!(after.trusted(after.get(1, "a.md").unwrap(), Some(&recent)));
    }
}
