//! Suggestions for broken links: the nearest existing name by edit distance.

/// The candidate closest to `wanted`, if it is close enough to be a likely
/// typo (at most a third of the length, and at most 8 edits).
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).clamp(2, 8);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
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

#[cfg(test)]
mod tests {
    #[test]
    fn nearest() {
        let c = ["admin/setup.md", "admin/policies.md", "overview.md"];
        assert_eq!(super::nearest("admin/setpu.md", c), Some("admin/setup.md"));
        assert_eq!(super::nearest("completely-else.md", c), None);
    }
}
