//! Suggestions for broken links: the nearest existing name by edit distance.
//!
//! A site with tens of thousands of broken links asks this once per link,
//! each time over every file of two locales: `Names` keeps those files
//! sorted, so names that share a prefix share its distance rows, and a
//! prefix already too far skips every name that starts with it. `nearest`
//! (for small sets: a page's headings) skips candidates that cannot come as
//! close as the best so far by a letter count bound before any distance is
//! computed, and the distance stops once it is too far.

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

/// A fixed set of names searched for the nearest one many times (every
/// file of a locale, for each missing link target): sorted, so that names
/// sharing a prefix share the distance rows computed for it (a name costs
/// only the rows of the letters it does not share with the one before),
/// and a prefix whose row is already too far ends every name under it.
/// `Names::nearest` answers as `nearest` over the same names.
pub struct Names {
    /// Sorted (code point order), without duplicates.
    names: Vec<Box<str>>,
    /// Each name's characters, one after another (`starts[i]..starts[i + 1]`).
    chars: Vec<char>,
    starts: Vec<usize>,
    /// How many characters name `i` shares with name `i - 1` (0 for the first).
    shared: Vec<usize>,
    /// The most characters of any name.
    longest: usize,
}

impl Names {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
        let mut sorted: Vec<&str> = names.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Names {
            names: Vec::with_capacity(sorted.len()),
            chars: Vec::new(),
            starts: vec![0],
            shared: Vec::with_capacity(sorted.len()),
            longest: 0,
        };
        for name in sorted {
            let start = out.chars.len();
            out.chars.extend(name.chars());
            let n = out.chars.len() - start;
            out.longest = out.longest.max(n);
            let shared = match out.names.len() {
                0 => 0,
                k => {
                    let prev = &out.chars[out.starts[k - 1]..start];
                    prev.iter().zip(&out.chars[start..]).take_while(|(a, b)| a == b).count()
                }
            };
            out.shared.push(shared);
            out.starts.push(out.chars.len());
            out.names.push(name.into());
        }
        out
    }

    /// The name closest to `wanted`, by the rule of `nearest`.
    pub fn nearest(&self, wanted: &str) -> Option<&str> {
        let limit = (wanted.chars().count() / 3).clamp(2, 8);
        let w: Vec<char> = wanted.chars().collect();
        let width = w.len() + 1;
        // rows[i * width..][..width]: the distances from each prefix of `w`
        // to the first `i` characters of the name being measured.
        let mut rows = vec![0usize; (self.longest + 1) * width];
        for (j, d) in rows[..width].iter_mut().enumerate() {
            *d = j;
        }
        // Rows 0..=valid hold the prefix of the last name measured that the
        // next one shares; `dead`: the first row of that name whose every
        // distance was over the bound (usize::MAX: none).
        let (mut valid, mut dead) = (0usize, usize::MAX);
        let mut best: Option<(usize, usize)> = None;
        for (k, name) in self.names.iter().enumerate() {
            valid = valid.min(self.shared[k]);
            if dead <= valid {
                // Shares a prefix already too far: so is every name under it.
                continue;
            }
            dead = usize::MAX;
            if name.len().abs_diff(wanted.len()) > limit {
                continue;
            }
            // Names come in code point order, so a later one must be
            // strictly nearer than the best so far to replace it.
            let max = match best {
                None => limit,
                Some((0, _)) => break,
                Some((bd, _)) => bd - 1,
            };
            let c = &self.chars[self.starts[k]..self.starts[k + 1]];
            let mut i = valid;
            while i < c.len() {
                let (done, next) = rows.split_at_mut((i + 1) * width);
                let prev = &done[i * width..];
                let row = &mut next[..width];
                row[0] = i + 1;
                let mut low = i + 1;
                let cc = c[i];
                for (j, &wc) in w.iter().enumerate() {
                    let d = (prev[j] + usize::from(wc != cc)).min(prev[j + 1] + 1).min(row[j] + 1);
                    low = low.min(d);
                    row[j + 1] = d;
                }
                i += 1;
                if low > max {
                    dead = i;
                    break;
                }
            }
            valid = i;
            if dead != usize::MAX {
                continue;
            }
            let d = rows[c.len() * width + w.len()];
            if d <= max {
                best = Some((d, k));
            }
        }
        best.map(|(_, k)| &*self.names[k])
    }
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
        let names = super::Names::new(candidates.iter().copied());
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
            let expected = nearest_by_definition(&wanted, &candidates);
            assert_eq!(
                super::nearest(&wanted, candidates.iter().copied()),
                expected,
                "{wanted}"
            );
            assert_eq!(names.nearest(&wanted), expected, "{wanted} (Names)");
        }
        assert_eq!(names.nearest(""), nearest_by_definition("", &candidates));
    }

    #[test]
    fn names_answer_as_nearest() {
        // Prefixes shared deep and not at all, a name that is a prefix of
        // another, duplicates (a file of both locales), ties (the first in
        // code point order wins), multi-byte letters (the length bound is in
        // bytes, the distance in characters).
        let files = [
            "admin/setup.md",
            "admin/setup.md",
            "admin/setup-2.md",
            "admin/setup.mdx",
            "admin/sétup.md",
            "admin/policies.md",
            "b/setup.md",
            "a/setup.md",
            "overview.md",
            "ëëëëëë.md",
            "",
        ];
        let names = super::Names::new(files);
        for wanted in [
            "admin/setpu.md",
            "admin/setup.m",
            "admin/setup-3.md",
            "c/setup.md",
            "admin/stup.md",
            "eeeeee.md",
            "ëëëë.md",
            "overveiw.md",
            "completely-else.md",
            "x",
            "",
        ] {
            assert_eq!(names.nearest(wanted), nearest_by_definition(wanted, &files), "{wanted}");
        }
        assert_eq!(names.nearest("c/setup.md"), Some("a/setup.md"));
        assert_eq!(names.nearest("admin/setup-3.md"), Some("admin/setup-2.md"));
        assert_eq!(super::Names::new([]).nearest("a.md"), None);
    }
}
