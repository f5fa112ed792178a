//! The parse record: one file beside the entries (`parsed-files`) saying,
//! for every article file the last build parsed through the cache, what the
//! file looked like on disk (`FileStamp`), the SHA-256 of its bytes, the
//! key of its parse entry and that entry's header (the article without its
//! HTML, its diagnostics, what the parse looked at).
//!
//! A warm build reads this one file instead of 20,000 entries: a file whose
//! stamp is as recorded (and was old enough when recorded: `trusted`) is
//! not even read, its bytes' hash is the recorded one; a file whose stamp
//! changed (a fresh checkout, `touch`) is read and hashed, and still hits
//! when its bytes are the same. The article's HTML stays in its entry until
//! a reader asks for it (`bodies::Bodies::stored`). Every record is checked
//! against the key computed now, so a stale or foreign record is a miss,
//! never a wrong article.

use std::collections::HashMap;

/// The named file beside the entries.
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
    /// The stamp of a regular file (`None` elsewhere, and on systems
    /// without these fields: the file is then always read).
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.file_type().is_file().then(|| FileStamp {
                size: meta.len(),
                mtime_ns: meta
                    .mtime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.mtime_nsec()),
                ctime_ns: meta
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.ctime_nsec()),
                ino: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// Nanoseconds since the epoch, now.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// One article file's parse as a build found it.
pub struct Record {
    pub locale: u32,
    pub rel: String,
    pub display: String,
    pub stamp: Option<FileStamp>,
    /// SHA-256 of the file's bytes.
    pub bytes: [u8; 32],
    /// The key of its parse entry.
    pub key: [u8; 32],
    /// The entry's header (`codec::decode_parsed_header`), shared with the
    /// next build's record.
    pub header: std::sync::Arc<[u8]>,
    /// The length of the HTML after the header in the entry.
    pub html_len: u64,
}

/// The last build's records, by (locale, path).
pub struct Records {
    /// When the build that wrote them began: a stamp is trusted only for a
    /// file last changed well before (a change in the same instant as the
    /// read could leave the stamp as it was).
    started_ns: i64,
    by_file: HashMap<(u32, String), Record>,
}

impl Records {
    pub fn get(&self, locale: usize, rel: &str) -> Option<&Record> {
        // (A borrowed key would need a second map type; the lookups are
        // one per article.)
        self.by_file.get(&(locale as u32, rel.to_string()))
    }

    /// Whether `now` (the file's stamp as found) says the file holds the
    /// bytes `r` recorded, without reading it.
    pub fn trusted(&self, r: &Record, now: Option<&FileStamp>) -> bool {
        match (&r.stamp, now) {
            (Some(was), Some(now)) => was == now && now.ctime_ns < self.started_ns.saturating_sub(1_000_000_000),
            _ => false,
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

/// The records of a build that began at `started_ns`.
pub fn encode(started_ns: i64, records: &[Record]) -> Vec<u8> {
    let size: usize = records.iter().map(|r| r.header.len() + r.rel.len() * 2 + 200).sum();
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
                for n in [s.size, s.mtime_ns as u64, s.ctime_ns as u64, s.ino, s.dev] {
                    out.extend_from_slice(&n.to_le_bytes());
                }
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

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }

    fn text(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_string)
    }

    fn key(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }
}

/// The records, or `None` when the file is not whole.
pub fn decode(bytes: &[u8]) -> Option<Records> {
    let mut r = Reader(bytes);
    if r.take(8)? != MAGIC {
        return None;
    }
    let started_ns = r.u64()? as i64;
    let count = usize::try_from(r.u64()?).ok()?;
    let mut by_file = HashMap::with_capacity(count.min(bytes.len() / 64));
    for _ in 0..count {
        let locale = r.u32()?;
        let rel = r.text()?;
        let display = r.text()?;
        let stamp = match r.take(1)?[0] {
            0 => None,
            1 => Some(FileStamp {
                size: r.u64()?,
                mtime_ns: r.u64()? as i64,
                ctime_ns: r.u64()? as i64,
                ino: r.u64()?,
                dev: r.u64()?,
            }),
            _ => return None,
        };
        let record = Record {
            locale,
            rel: rel.clone(),
            display,
            stamp,
            bytes: r.key()?,
            key: r.key()?,
            header: r.bytes()?.into(),
            html_len: r.u64()?,
        };
        by_file.insert((locale, rel), record);
    }
    r.0.is_empty().then_some(Records { started_ns, by_file })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rel: &str, stamp: Option<FileStamp>) -> Record {
        Record {
            locale: 1,
            rel: rel.to_string(),
            display: format!("articles/{rel}"),
            stamp,
            bytes: [1; 32],
            key: [2; 32],
            header: b"{\"article\":null}"[..].into(),
            html_len: 7,
        }
    }

    #[test]
    fn records_read_back_and_a_cut_file_is_refused() {
        let stamp = FileStamp {
            size: 10,
            mtime_ns: 5,
            ctime_ns: 6,
            ino: 7,
            dev: 8,
        };
        let bytes = encode(3_000_000_000, &[record("a.md", Some(stamp)), record("b/c.md", None)]);
        let back = decode(&bytes).unwrap();
        let a = back.get(1, "a.md").unwrap();
        assert_eq!(
            (a.stamp, a.bytes, a.key, a.html_len),
            (Some(stamp), [1; 32], [2; 32], 7)
        );
        assert_eq!(&a.header[..], b"{\"article\":null}");
        assert!(back.get(1, "b/c.md").unwrap().stamp.is_none());
        assert!(back.get(0, "a.md").is_none());
        for cut in [1, 9, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
    }

    #[test]
    fn a_stamp_is_trusted_only_when_unchanged_and_older_than_the_recording_build() {
        let old = FileStamp {
            size: 10,
            mtime_ns: 5,
            ctime_ns: 1_000,
            ino: 7,
            dev: 8,
        };
        let recs = decode(&encode(5_000_000_000, &[record("a.md", Some(old))])).unwrap();
        let r = recs.get(1, "a.md").unwrap();
        assert!(recs.trusted(r, Some(&old)));
        let edited = FileStamp { ctime_ns: 2_000, ..old };
        assert!(!recs.trusted(r, Some(&edited)));
        assert!(!recs.trusted(r, None));
        // Changed within a second of the recording build's start: read.
        let recent = FileStamp {
            ctime_ns: 1_000_000_000,
            ..old
        };
        let late = decode(&encode(1_500_000_000, &[record("a.md", Some(recent))])).unwrap();
        assert!(!late.trusted(late.get(1, "a.md").unwrap(), Some(&recent)));
    }
}
