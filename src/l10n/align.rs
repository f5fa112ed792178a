//! Aligning a translation's sections with its source's: by heading ID
//! (explicit anchors keep IDs the same across locales), then, between two
//! aligned sections, by position where the heading levels agree (the
//! translation changed that anchor). What is left is in one side only.

use super::sections::Section;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub source: Option<usize>,
    pub translation: Option<usize>,
    /// Both sides present, with different heading IDs.
    pub anchor_changed: bool,
}

pub fn align(src: &[Section], tr: &[Section]) -> Vec<Pair> {
    // Longest common subsequence of the heading IDs.
    let (n, m) = (src.len(), tr.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if src[i].id == tr[j].id {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut matched = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if src[i].id == tr[j].id {
            matched.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    matched.push((n, m));
    let mut out = Vec::new();
    let (mut pi, mut pj) = (0, 0);
    for (mi, mj) in matched {
        // The gap before this match: pair by position while levels agree.
        let (gs, gt) = (pi..mi, pj..mj);
        let mut a = gs.clone().peekable();
        let mut b = gt.clone().peekable();
        loop {
            match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) if src[x].level == tr[y].level => {
                    out.push(Pair {
                        source: Some(x),
                        translation: Some(y),
                        anchor_changed: true,
                    });
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) => {
                    // Levels differ: whichever comes first in its article stays alone.
                    if gs.end - x >= gt.end - y {
                        out.push(Pair {
                            source: Some(x),
                            translation: None,
                            anchor_changed: false,
                        });
                        a.next();
                    } else {
                        out.push(Pair {
                            source: None,
                            translation: Some(y),
                            anchor_changed: false,
                        });
                        b.next();
                    }
                }
                (Some(x), None) => {
                    out.push(Pair {
                        source: Some(x),
                        translation: None,
                        anchor_changed: false,
                    });
                    a.next();
                }
                (None, Some(y)) => {
                    out.push(Pair {
                        source: None,
                        translation: Some(y),
                        anchor_changed: false,
                    });
                    b.next();
                }
                (None, None) => break,
            }
        }
        if mi < n && mj < m {
            out.push(Pair {
                source: Some(mi),
                translation: Some(mj),
                anchor_changed: false,
            });
        }
        pi = mi + 1;
        pj = mj + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(ids: &[(&str, u8)]) -> Vec<Section> {
        ids.iter()
            .map(|(id, level)| Section {
                id: id.to_string(),
                level: *level,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn by_id_then_position() {
        let s = secs(&[("t", 1), ("a", 2), ("b", 2), ("c", 2), ("d", 2)]);
        let t = secs(&[("t", 1), ("a", 2), ("bee", 2), ("d", 2), ("e", 3)]);
        let p: Vec<(Option<usize>, Option<usize>, bool)> = align(&s, &t)
            .into_iter()
            .map(|p| (p.source, p.translation, p.anchor_changed))
            .collect();
        assert_eq!(
            p,
            [
                (Some(0), Some(0), false),
                (Some(1), Some(1), false),
                (Some(2), Some(2), true),
                (Some(3), None, false),
                (Some(4), Some(3), false),
                (None, Some(4), false),
            ]
        );
    }
}
