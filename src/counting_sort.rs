//! A stable counting sort of item numbers by a small key: the order, and
//! where each key's items start in it. For grouping tens of thousands of
//! items (paths by folder, pages by article) without a map or a list per
//! group.

/// `items` (numbers below `n`) in order of `key` (below `keys`), stable:
/// the order, and where each key's items start in it (`keys + 1` bounds).
pub fn counting_sort(
    n: usize,
    keys: usize,
    items: impl Iterator<Item = usize> + Clone,
    key: impl Fn(usize) -> usize,
) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; keys + 1];
    for i in items.clone() {
        start[key(i) + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut order = vec![0u32; n];
    let mut fill = start.clone();
    for i in items {
        let k = key(i);
        order[fill[k] as usize] = i as u32;
        fill[k] += 1;
    }
    (order, start)
}

#[cfg(test)]
mod tests {
    #[test]
    fn items_come_grouped_by_key_in_their_order() {
        let keys = [2usize, 0, 2, 1, 0];
        let (order, start) = super::counting_sort(5, 3, 0..5, |i| keys[i]);
        assert_eq!(order, vec![1, 4, 3, 0, 2]);
        assert_eq!(start, vec![0, 2, 3, 5]);
    }
}
