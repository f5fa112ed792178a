//! The hashes of source files that translations record (`ms.openlocfilehash`,
//! `l10n::hash::Sums`), kept from one build to the next by the hash of the
//! bytes each source article was parsed from (`Run::bytes_hash`). A
//! translation's status compares its recorded hash with its source file's:
//! without them a build read and hashed every source file four times over
//! (as it is, as CRLF, as LF, and the CRLF hash it shows), 130 ms of a warm
//! build on a site of 10,000 translations that record one, 11% of one on
//! the nuget repositories. One record beside the entries (`source-sums`),
//! written again when a build used other hashes than the last.

use super::key;
use super::run::Run;
use super::Bytes;
use crate::l10n::hash::{Algorithm, Sums};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// The record's name beside the entries.
const RECORD: &str = "source-sums";
const FORMAT: &[u8; 8] = b"pdsums02";
/// An entry: its key, the algorithm, the three hashes (32 bytes each).
const ENTRY: usize = 32 + 1 + 3 * 32;

/// The last build's hashes (its record as read: entries in key order,
/// looked up by halving, none decoded beforehand), which of them this
/// build used, and the ones it made.
#[derive(Default)]
pub struct SourceSums {
    last: OnceLock<(Bytes, Vec<AtomicBool>)>,
    made: Mutex<Vec<([u8; 32], Sums)>>,
}

impl SourceSums {
    /// The hashes by `alg` of source article `article`'s file, as a build
    /// that parsed the same bytes made them, else as `make` makes them.
    pub fn get(
        &self,
        run: &Run,
        (article, alg): (usize, Algorithm),
        make: &dyn Fn() -> std::io::Result<Sums>,
    ) -> std::io::Result<Sums> {
        let Some(bytes) = run.bytes_hash(article) else {
            return make();
        };
        let mut f = key::Fp::new("source-sums");
        f.bytes(&bytes).u64(alg_byte(alg) as u64);
        let k = f.finish();
        let (record, used) = self.last.get_or_init(|| {
            let record = run
                .store()
                .get_named(RECORD)
                .filter(|r| entries(r).is_some())
                .unwrap_or_default();
            let n = entries(&record).map_or(0, |e| e.len() / ENTRY);
            (record, (0..n).map(|_| AtomicBool::new(false)).collect())
        });
        let found = entries(record).and_then(|e| {
            let at = find(e, &k)?;
            Some((at, decode(&e[at * ENTRY..(at + 1) * ENTRY])?))
        });
        if let Some((at, sums)) = found.filter(|(_, s)| s.algorithm == alg) {
            used[at].store(true, Ordering::Relaxed);
            return Ok(sums);
        }
        let sums = make()?;
        self.made.lock().unwrap_or_else(|e| e.into_inner()).push((k, sums));
        Ok(sums)
    }

    /// The record for the next build: the hashes this build used, unless
    /// they are the last build's.
    pub fn finish(self, run: &Run) {
        let mut made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        let Some((record, used)) = self.last.into_inner() else {
            return;
        };
        if made.is_empty() && used.iter().all(|u| u.load(Ordering::Relaxed)) {
            return;
        }
        made.sort_unstable_by_key(|a| a.0);
        made.dedup_by(|a, b| a.0 == b.0);
        let kept = entries(&record)
            .unwrap_or_default()
            .chunks_exact(ENTRY)
            .zip(&used)
            .filter(|(_, u)| u.load(Ordering::Relaxed))
            .map(|(e, _)| e);
        let made = made.iter().map(|(k, s)| encode(k, s));
        // Both in key order: merged.
        let mut all: Vec<std::borrow::Cow<[u8]>> = kept.map(std::borrow::Cow::Borrowed).collect();
        all.extend(made.map(std::borrow::Cow::Owned));
        all.sort_unstable_by(|a, b| a[..32].cmp(&b[..32]));
        all.dedup_by(|a, b| a[..32] == b[..32]);
        let mut w = Vec::with_capacity(16 + all.len() * ENTRY);
        w.extend_from_slice(FORMAT);
        w.extend_from_slice(&(all.len() as u64).to_le_bytes());
        for e in &all {
            w.extend_from_slice(e);
        }
        run.store().put_named(RECORD, &w);
    }
}

fn alg_byte(alg: Algorithm) -> u8 {
    match alg {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
    }
}

/// The entries of a whole record (`None` if it is not one).
fn entries(record: &[u8]) -> Option<&[u8]> {
    let rest = record.strip_prefix(FORMAT)?;
    let n = usize::try_from(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)).ok()?;
    let e = &rest[8..];
    (n.checked_mul(ENTRY)? == e.len()).then_some(e)
}

/// The place of the entry with key `k` among `entries` (in key order).
fn find(entries: &[u8], k: &[u8; 32]) -> Option<usize> {
    let (mut lo, mut hi) = (0, entries.len() / ENTRY);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match entries[mid * ENTRY..mid * ENTRY + 32].cmp(k) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

fn encode(k: &[u8; 32], s: &Sums) -> Vec<u8> {
    let mut e = Vec::with_capacity(ENTRY);
    e.extend_from_slice(k);
    e.push(alg_byte(s.algorithm));
    for r in &s.raw {
        e.extend_from_slice(r);
    }
    e
}

/// An entry's hashes (`None` for an algorithm it does not know).
fn decode(e: &[u8]) -> Option<Sums> {
    let algorithm = match e.get(32)? {
        1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        _ => return None,
    };
    let mut raw = [[0u8; 32]; 3];
    for (i, r) in raw.iter_mut().enumerate() {
        r.copy_from_slice(e.get(33 + i * 32..33 + (i + 1) * 32)?);
    }
    Some(Sums { algorithm, raw })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_key_and_a_cut_record_is_none() {
        let a = Sums::of(b"a\n", Algorithm::Sha1);
        let b = Sums::of(b"x\r\ny", Algorithm::Sha256);
        let mut record = FORMAT.to_vec();
        record.extend_from_slice(&2u64.to_le_bytes());
        record.extend(encode(&[1; 32], &a));
        record.extend(encode(&[2; 32], &b));
        let e = entries(&record).unwrap();
        assert_eq!(find(e, &[1; 32]).and_then(|i| decode(&e[i * ENTRY..])), Some(a));
        assert_eq!(find(e, &[2; 32]).and_then(|i| decode(&e[i * ENTRY..])), Some(b));
        assert_eq!(find(e, &[3; 32]), None);
        assert_eq!(find(e, &[0; 32]), None);
        for cut in 0..record.len() {
            assert!(entries(&record[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(entries(&longer).is_none());
    }
}
