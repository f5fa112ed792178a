//! The page reports a build leaves for the next (diagnostics, link classes
//! and external links of each page, by page key: what a page kept in the
//! output folder stands for in the build's report), in 64 shards by key.
//! Each shard is an entry of its own, named by its content, listed in one
//! small file beside the entries (`page-reports`); a shard none of whose
//! pages changed is neither encoded nor written again, so one edit rewrites
//! a shard or two, not every page's report.

use super::{codec, key, Cache};
use rayon::prelude::*;

/// The file beside the entries listing the shards.
const LIST: &str = "page-reports";
const SHARDS: usize = 64;
const MAGIC: &[u8; 8] = b"pdrepts1";
/// The start of a shard's entry.
const SHARD_MAGIC: &[u8; 8] = b"pdrshrd1";

/// A shard as read: its bytes, and where each page's report lies in them
/// after the magic (decoded only for a page that is kept: `page`).
#[derive(Default)]
struct Shard {
    bytes: super::Bytes,
    at: crate::search::fxhash::FxHashMap<[u8; 32], codec::Indexed>,
}

impl Shard {
    fn get(&self, key: &[u8; 32]) -> Option<&[u8]> {
        let at = self.at.get(key)?;
        self.bytes.get(SHARD_MAGIC.len()..)?.get(at.start..at.end)
    }
}

fn shard_of(k: &[u8; 32]) -> usize {
    k[0] as usize % SHARDS
}

/// The last build's reports.
#[derive(Default)]
pub struct Reports {
    /// Each shard's entry key (`None`: no reports there) ...
    list: Vec<Option<[u8; 32]>>,
    /// ... and its reports (shared with the build's report, which reads
    /// kept pages' external links from them when asked: `links`).
    shards: std::sync::Arc<Vec<Shard>>,
}

/// Where a kept page's report lies: its shard and its start there.
fn handle(shard: usize, start: usize) -> u64 {
    ((shard as u64) << 58) | start as u64
}

fn decode_list(bytes: &[u8]) -> Option<Vec<Option<[u8; 32]>>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    if rest.len() != SHARDS * 33 {
        return None;
    }
    rest.chunks_exact(33)
        .map(|c| match c[0] {
            0 => Some(None),
            1 => Some(Some(c[1..].try_into().ok()?)),
            _ => None,
        })
        .collect()
}

fn encode_list(list: &[Option<[u8; 32]>]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for k in list {
        out.push(k.is_some() as u8);
        out.extend_from_slice(k.as_ref().unwrap_or(&[0; 32]));
    }
    out
}

impl Reports {
    /// The reports the last build left (none when its list or a shard is
    /// missing or damaged: those pages are then read from their entries
    /// or rendered).
    pub fn read(cache: &Cache) -> Reports {
        let Some(list) = cache.get_named(LIST).and_then(|b| decode_list(&b)) else {
            return Reports::default();
        };
        let shards: Vec<Shard> = list
            .par_iter()
            .map(|k| {
                let bytes = k.and_then(|k| cache.peek(&k))?;
                let at = codec::index_reports(bytes.strip_prefix(SHARD_MAGIC)?)?;
                Some(Shard { bytes, at })
            })
            .map(Option::unwrap_or_default)
            .collect();
        // A shard that could not be read is written again.
        let list = list
            .iter()
            .zip(&shards)
            .map(|(k, s)| k.filter(|_| !s.at.is_empty()))
            .collect();
        Reports {
            list,
            shards: std::sync::Arc::new(shards),
        }
    }

    /// The output (without its HTML) of the page at `path` made under
    /// `key`, as its report has it.
    #[cfg(test)]
    pub fn page(&self, key: &[u8; 32], path: String) -> Option<crate::pages::PageOutput> {
        codec::report_page(self.shards.get(shard_of(key))?.get(key)?, path)
    }

    /// What the build's report takes of the page made under `key`, as its
    /// report has it, with where its external links are (`links`).
    pub fn kept(&self, key: &[u8; 32]) -> Option<(codec::Kept, u64)> {
        let i = shard_of(key);
        let shard = self.shards.get(i)?;
        let at = shard.at.get(key)?;
        // (Its bytes are read again only for its diagnostics.)
        let diags = match at.diags {
            true => codec::report_diags(shard.get(key)?)?,
            false => Vec::new(),
        };
        let kept = codec::Kept {
            diags,
            classes: at.classes.map(|n| n as usize),
            external: at.external,
        };
        Some((kept, handle(i, at.start)))
    }

    /// The external links of a kept page (`kept`'s second half), read
    /// from the shards when the build's report is written out.
    pub fn links(&self) -> crate::pages::Later {
        let shards = self.shards.clone();
        std::sync::Arc::new(move |h: u64| {
            let (i, start) = ((h >> 58) as usize, (h & ((1 << 58) - 1)) as usize);
            shards
                .get(i)
                .and_then(|s| s.bytes.get(SHARD_MAGIC.len() + start..))
                .and_then(codec::report_links)
                .unwrap_or_default()
        })
    }

    /// Leaves this build's reports for the next: each shard whose pages
    /// are the last build's kept as it is, the others written.
    /// (A report `None` is the last build's for its key.)
    pub fn write(&self, cache: &Cache, made: Vec<([u8; 32], Option<codec::Report>)>) {
        let each = made.len() / SHARDS + made.len() / SHARDS / 4 + 8;
        let mut by_shard: Vec<Vec<([u8; 32], Option<codec::Report>)>> =
            (0..SHARDS).map(|_| Vec::with_capacity(each)).collect();
        for (k, r) in made {
            by_shard[shard_of(&k)].push((k, r));
        }
        let list: Vec<Option<[u8; 32]>> = by_shard
            .into_par_iter()
            .enumerate()
            .map(|(i, mut reports)| {
                reports.sort_unstable_by_key(|a| a.0);
                reports.dedup_by(|a, b| a.0 == b.0);
                let last = self.list.get(i).copied().flatten();
                // The same pages (page keys stand for their reports): the
                // shard stays.
                let same = last.is_some()
                    && self.shards.get(i).is_some_and(|s| {
                        s.at.len() == reports.len() && reports.iter().all(|(k, _)| s.at.contains_key(k))
                    });
                if same {
                    let k = last?;
                    cache.touch(&k);
                    return Some(k);
                }
                if reports.is_empty() {
                    return None;
                }
                let reports: Vec<([u8; 32], codec::ReportBytes)> = reports
                    .iter()
                    .filter_map(|(k, r)| {
                        let r = match r {
                            Some(r) => codec::ReportBytes::Made(r),
                            None => codec::ReportBytes::Stored(self.shards.get(i)?.get(k)?),
                        };
                        Some((*k, r))
                    })
                    .collect();
                let mut bytes = SHARD_MAGIC.to_vec();
                bytes.extend_from_slice(&codec::encode_reports(&reports));
                let mut f = key::Fp::new("page-reports-shard");
                f.bytes(&bytes);
                let k = f.finish();
                cache.put(&k, &bytes);
                Some(k)
            })
            .collect();
        if list != self.list {
            cache.put_named(LIST, &encode_list(&list));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page kept by its report leaves no copy of it (`None`); when
    /// another page of its shard changes, the shard is written again with
    /// the kept page's report as the last build had it.
    #[test]
    fn a_kept_page_s_report_is_written_again_with_its_changed_shard() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let report = |url: &str| {
            let page = crate::pages::PageOutput {
                path: String::new(),
                html: String::new(),
                diags: vec![crate::diagnostics::Diagnostic::error("link-missing-file", "a.md", url)],
                link_classes: Vec::new(),
                external: Vec::new(),
                links_to: Vec::new(),
            };
            codec::Report::of(&page)
        };
        let shown = |r: &Reports, k: &[u8; 32]| r.page(k, String::new()).map(|p| p.diags[0].message.clone());
        // Three pages in one shard.
        let (a, b, c) = ([1u8; 32], [1u8 + SHARDS as u8; 32], [1u8 + 2 * SHARDS as u8; 32]);
        Reports::default().write(&cache, vec![(a, Some(report("A"))), (b, Some(report("B")))]);
        let first = Reports::read(&cache);
        assert_eq!(shown(&first, &a).as_deref(), Some("A"));
        // `a` kept by its report, `b` gone, `c` new: the shard is written
        // again, `a`'s report in it.
        first.write(&cache, vec![(a, None), (c, Some(report("C")))]);
        let second = Reports::read(&cache);
        assert_eq!(shown(&second, &a).as_deref(), Some("A"));
        assert_eq!(shown(&second, &c).as_deref(), Some("C"));
        assert!(second.page(&b, String::new()).is_none());
    }

    #[test]
    fn a_list_reads_back_and_a_damaged_one_is_refused() {
        let mut list = vec![None; SHARDS];
        list[3] = Some([7; 32]);
        let bytes = encode_list(&list);
        assert_eq!(decode_list(&bytes), Some(list));
        assert_eq!(decode_list(&bytes[..bytes.len() - 1]), None);
        let mut bad = bytes.clone();
        bad[MAGIC.len()] = 2;
        assert_eq!(decode_list(&bad), None);
    }
}
