//! Suggestions for broken links: the nearest existing name by edit distance.
//!
//! A site with tens of thousands of broken links asks this once per link,
//! each time over every file of two locales: candidates that cannot come
//! as close as the best so far are skipped by a letter count bound before
//! any distance is computed, and the distance stops once it is too far.

/// The candidate closest to `wanted`, if it is close enough to be a likely
/// typo (at most a third of the length, and at most 8 edits). Ties go to
/// the first in code point order.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).clamp(2, 8);
    let w: Vec<char> = wanted.chars().collect();
    let counts = letter_counts(&w);
    let mut row = Vec::with_capacity(w.len() + 1);
    let mut prev = Vec::with_capacity(w.len() + 1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        let max = best.map_or(limit, |(bd, _)| bd);
        if count_bound(&counts, c) > max {
            continue;
        }
        let Some(d) = distance_within(&w, c, max, &mut row, &mut prev) else {
            continue;
        };
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

const BUCKETS: usize = 64;

/// How often each letter occurs, letters sharing buckets (which only
/// weakens `count_bound`, never makes it wrong).
fn letter_counts(w: &[char]) -> [i16; BUCKETS] {
    let mut n = [0i16; BUCKETS];
    for &c in w {
        n[c as usize % BUCKETS] = n[c as usize % BUCKETS].saturating_add(1);
    }
    n
}

/// A lower bound of the edit distance from the word counted in `counts`
/// to `c`: an edit removes at most one surplus letter and adds at most one
/// missing letter, so the distance is at least the larger of the two sums.
fn count_bound(counts: &[i16; BUCKETS], c: &str) -> usize {
    let mut diff = *counts;
    for ch in c.chars() {
        diff[ch as usize % BUCKETS] = diff[ch as usize % BUCKETS].saturating_sub(1);
    }
    let (mut surplus, mut missing) = (0usize, 0usize);
    for d in diff {
        if d > 0 {
            surplus += d as usize;
        } else {
            missing += d.unsigned_abs() as usize;
        }
    }
    surplus.max(missing)
}

/// The Levenshtein distance from `w` to `c` (in characters) if it is at
/// most `max`; stops at the first row whose every entry is over `max`.
fn distance_within(w: &[char], c: &str, max: usize, row: &mut Vec<usize>, prev: &mut Vec<usize>) -> Option<usize> {
    prev.clear();
    prev.extend(0..=w.len());
    for (i, cc) in c.chars().enumerate() {
        row.clear();
        row.push(i + 1);
        let mut low = i + 1;
        for (j, &wc) in w.iter().enumerate() {
            let d = (prev[j] + usize::from(wc != cc)).min(prev[j + 1] + 1).min(row[j] + 1);
            low = low.min(d);
            row.push(d);
        }
        if low > max {
            return None;
        }
        std::mem::swap(row, prev);
    }
    let d = prev[w.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest() {
        let c = ["admin/setup.md", "admin/policies.md", "overview.md"];
        assert_eq!(super::nearest("admin/setpu.md", c), Some("admin/setup.md"));
        assert_eq!(super::nearest("completely-else.md", c), None);
    }

    /// The nearest by the plain definition: every candidate's full distance.
    fn nearest_by_definition<'a>(wanted: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let limit = (wanted.chars().count() / 3).clamp(2, 8);
        let mut best: Option<(usize, &str)> = None;
        for &c in candidates {
            if c.len().abs_diff(wanted.len()) > limit {
                continue;
            }
            let d = strsim::levenshtein(wanted, c);
            if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }

    #[test]
    fn skipping_and_stopping_early_change_no_answer() {
        // Paths alike in shape (section-N/article-M.md), multi-byte letters,
        // and near misses of every kind.
        let mut x: u32 = 12345;
        let mut next = |n: u32| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) % n
        };
        let words = ["article", "artikel", "missing", "über", "setup", "a", "één", "section"];
        let mut paths: Vec<String> = Vec::new();
        for _ in 0..300 {
            let w = words[next(words.len() as u32) as usize];
            paths.push(format!("section-{}/{w}-{}.md", next(12), next(40)));
        }
        let candidates: Vec<&str> = paths.iter().map(String::as_str).collect();
        for i in 0..400 {
            let base = &paths[i % paths.len()];
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..next(5) {
                let at = next(chars.len() as u32) as usize;
                match next(3) {
                    0 => chars[at] = ['x', 'é', '1', '-'][next(4) as usize],
                    1 => {
                        chars.remove(at);
                    }
                    _ => chars.insert(at, 'q'),
                }
            }
            let wanted: String = chars.into_iter().collect();
            assert_eq!(
                super::nearest(&wanted, candidates.iter().copied()),
                nearest_by_definition(&wanted, &candidates),
                "{wanted}"
            );
        }
    }
}
