//! `:::moniker range="..."` expressions and the version selector they give
//! a page. A range is monikers with an optional comparison (`=`, `>`, `>=`,
//! `<`, `<=`), all of which must hold when separated by blanks, any of
//! which when separated by `||`: `>=contoso-2.0 <contoso-4.0 || =legacy`.
//! A moniker is a product and a version (`contoso-2.0`: `contoso`, 2.0);
//! comparisons hold between versions of one product.
//!
//! The page's selector offers every moniker its ranges name, oldest first,
//! plus "earlier" and "later" entries where a range reaches below the
//! oldest or above the newest; each moniker block lists the entries it is
//! shown for (`data-monikers`), and the theme's script shows one at a time.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Moniker {
    name: String,
    product: String,
    /// Numeric version parts; empty when the name has none (only `=` holds).
    version: Vec<u64>,
}

impl Moniker {
    fn new(name: &str) -> Moniker {
        let lower = name.to_ascii_lowercase();
        // The version is the part after the last `-` that starts with a digit.
        let split = lower
            .rfind('-')
            .filter(|&i| lower[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
        let (product, version) = match split {
            Some(i) => (lower[..i].to_string(), &lower[i + 1..]),
            None => (lower.clone(), ""),
        };
        let version = if version.is_empty() {
            Vec::new()
        } else {
            version
                .split(['.', '-'])
                .map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>())
                .filter_map(|p| p.parse().ok())
                .collect()
        };
        Moniker {
            name: lower,
            product,
            version,
        }
    }

    /// Same product and both versioned: their order.
    fn cmp_version(&self, other: &Moniker) -> Option<Ordering> {
        (self.product == other.product && !self.version.is_empty() && !other.version.is_empty())
            .then(|| self.version.cmp(&other.version))
    }
}

/// A parsed `range` value.
#[derive(Debug, Clone)]
pub struct Range(Vec<Vec<(Op, Moniker)>>);

pub fn parse(s: &str) -> Result<Range, String> {
    let mut any = Vec::new();
    for part in s.split("||") {
        let mut all = Vec::new();
        let mut rest = part.trim();
        while !rest.is_empty() {
            let (op, after) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(t, op)| rest.strip_prefix(t).map(|a| (*op, a.trim_start())))
            .unwrap_or((Op::Eq, rest));
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
            {
                return Err(format!(
                    "`{}` is not a moniker",
                    after.split_whitespace().next().unwrap_or("")
                ));
            }
            all.push((op, Moniker::new(name)));
            rest = after[end..].trim_start();
        }
        if all.is_empty() {
            return Err("an empty part".into());
        }
        any.push(all);
    }
    Ok(Range(any))
}

/// One entry of a page's version selector.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    /// `?view=` value: the moniker, or `lt-<oldest>` / `gt-<newest>`.
    pub id: String,
    pub title: String,
}

/// What a choice stands for when a range is tested against it.
enum Point {
    At(Moniker),
    Below(Moniker),
    Above(Moniker),
}

fn holds(op: Op, m: &Moniker, p: &Point) -> bool {
    let (at, nudge) = match p {
        Point::At(x) => (x, Ordering::Equal),
        Point::Below(x) => (x, Ordering::Less),
        Point::Above(x) => (x, Ordering::Greater),
    };
    let Some(ord) = at.cmp_version(m) else {
        return op == Op::Eq && matches!(p, Point::At(x) if x.name == m.name);
    };
    // A point just below/above `at` compares like `at` nudged that way.
    let ord = if ord == Ordering::Equal { nudge } else { ord };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
    }
}

fn matches(r: &Range, p: &Point) -> bool {
    r.0.iter().any(|all| all.iter().all(|(op, m)| holds(*op, m, p)))
}

/// The selector of a page whose moniker blocks have `ranges`, and for each
/// range the IDs of the choices it is shown for.
pub fn choices(ranges: &[Range]) -> (Vec<Choice>, Vec<Vec<String>>) {
    let mut named: Vec<Moniker> = Vec::new();
    for r in ranges {
        for (_, m) in r.0.iter().flatten() {
            if !named.iter().any(|x| x.name == m.name) {
                named.push(m.clone());
            }
        }
    }
    named.sort_by(|a, b| {
        a.product
            .cmp(&b.product)
            .then_with(|| a.version.cmp(&b.version))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut points: Vec<(Choice, Point)> = Vec::new();
    for (i, m) in named.iter().enumerate() {
        let first = i == 0 || named[i - 1].product != m.product;
        let last = named.get(i + 1).is_none_or(|n| n.product != m.product);
        let versioned = !m.version.is_empty();
        let below = Point::Below(m.clone());
        if first && versioned && ranges.iter().any(|r| matches(r, &below)) {
            points.push((
                Choice {
                    id: format!("lt-{}", m.name),
                    title: format!("< {}", m.name),
                },
                below,
            ));
        }
        points.push((
            Choice {
                id: m.name.clone(),
                title: m.name.clone(),
            },
            Point::At(m.clone()),
        ));
        let above = Point::Above(m.clone());
        if last && versioned && ranges.iter().any(|r| matches(r, &above)) {
            points.push((
                Choice {
                    id: format!("gt-{}", m.name),
                    title: format!("> {}", m.name),
                },
                above,
            ));
        }
    }
    // An "earlier"/"later" entry that shows what its neighbour shows adds
    // nothing.
    let blocks = |p: &Point| -> Vec<bool> { ranges.iter().map(|r| matches(r, p)).collect() };
    let keep: Vec<bool> = (0..points.len())
        .map(|i| match &points[i].1 {
            Point::At(_) => true,
            Point::Below(_) => blocks(&points[i].1) != blocks(&points[i + 1].1),
            Point::Above(_) => blocks(&points[i].1) != blocks(&points[i - 1].1),
        })
        .collect();
    let mut k = keep.iter();
    points.retain(|_| *k.next().unwrap());
    let shown = ranges
        .iter()
        .map(|r| {
            points
                .iter()
                .filter(|(_, p)| matches(r, p))
                .map(|(c, _)| c.id.clone())
                .collect()
        })
        .collect();
    (points.into_iter().map(|(c, _)| c).collect(), shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ranges: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
        let parsed: Vec<Range> = ranges.iter().map(|r| parse(r).unwrap()).collect();
        let (c, shown) = choices(&parsed);
        (c.into_iter().map(|c| c.id).collect(), shown)
    }

    #[test]
    fn versions_of_one_product_in_order_with_earlier_and_later() {
        let (c, shown) = ids(&[">= relay-2.0", "< relay-2.0", "relay-1.5 || >relay-10.0"]);
        assert_eq!(
            c,
            ["lt-relay-1.5", "relay-1.5", "relay-2.0", "relay-10.0", "gt-relay-10.0"]
        );
        assert_eq!(shown[0], ["relay-2.0", "relay-10.0", "gt-relay-10.0"]);
        assert_eq!(shown[1], ["lt-relay-1.5", "relay-1.5"]);
        assert_eq!(shown[2], ["relay-1.5", "gt-relay-10.0"]);
    }

    #[test]
    fn later_is_left_out_when_it_shows_what_the_newest_shows() {
        let (c, shown) = ids(&[">= relay-2.0", "< relay-2.0"]);
        assert_eq!(c, ["lt-relay-2.0", "relay-2.0"]);
        assert_eq!(shown, [vec!["relay-2.0"], vec!["lt-relay-2.0"]]);
    }

    #[test]
    fn and_or_and_unversioned_names() {
        let (c, shown) = ids(&[">=relay-1.0 <=relay-3.0", "=relay-legacy"]);
        assert_eq!(c, ["relay-1.0", "relay-3.0", "relay-legacy"]);
        assert_eq!(shown[0], ["relay-1.0", "relay-3.0"]);
        assert_eq!(shown[1], ["relay-legacy"]);
        assert!(parse("").is_err());
        assert!(parse(">= ").is_err());
        assert!(parse("relay-1.0 || ").is_err());
    }
}
