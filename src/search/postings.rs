//! A term's postings as the index files carry them: base-64 variable-length
//! integers and a Rice-coded bit stream of page gaps and values, decoded by
//! `search.js`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Variable-length: 5 data bits a character, low bits first; 32 = more follows.
fn varint(out: &mut String, mut v: u32) {
    loop {
        let low = v & 31;
        v >>= 5;
        if v == 0 {
            out.push(ALPHABET[low as usize] as char);
            return;
        }
        out.push(ALPHABET[(low | 32) as usize] as char);
    }
}

/// One page of a term's postings: page number, value, and whether the term
/// is in the page's title or a heading (kept even for dense terms).
pub(super) type Posting = (u32, u16, bool);

/// A posting value: section (5 bits), impact 1..15 (4 bits), and the
/// number of distinct title terms (1..7, 7 = more) when the term is in
/// the title, else 0.
pub(super) const SECTION_SHIFT: u16 = 7;

/// A term's postings in two lists: pages where it is in the title or a
/// heading ("strong", with full values) and pages where it is only in the
/// body. Head: `varint(strong count)`, `varint(body count * 2 + dense)`;
/// then a bit stream (6 bits a character, low bits first): per non-empty
/// list a Rice parameter (5 bits) and the page gaps Rice-coded, then the
/// values: 12 bits for strong pages, 9 (section, impact) for body pages
/// unless the term is dense (on more than one page in `DENSE`), whose body
/// pages count as a low impact in the first section they could be.
/// `runs` are the term's `len` postings, in page order, in pieces.
pub(super) fn encode_postings<'a>(runs: impl Iterator<Item = &'a [Posting]>, len: usize, n: usize) -> String {
    let mut strong: Vec<Posting> = Vec::new();
    let mut body: Vec<Posting> = Vec::with_capacity(len);
    for p in runs.flatten() {
        if p.2 {
            strong.push(*p);
        } else {
            body.push(*p);
        }
    }
    let dense = len * DENSE > n;
    let mut out = String::with_capacity(len * 2 + 4);
    varint(&mut out, strong.len() as u32);
    varint(&mut out, (body.len() as u32) << 1 | dense as u32);
    let mut bits = Bits::new(out);
    for (list, value_bits) in [(&strong, 12), (&body, if dense { 0 } else { 9 })] {
        if list.is_empty() {
            continue;
        }
        let k = rice_parameter(list);
        bits.put(k, 5);
        let mut next = 0;
        for &(d, _, _) in list.iter() {
            bits.rice(d - next, k);
            next = d + 1;
        }
        for &(_, v, _) in list.iter() {
            match value_bits {
                12 => bits.put(v as u32, 12),
                9 => bits.put((v >> 3) as u32, 9),
                _ => {}
            }
        }
    }
    bits.finish()
}

/// A term on more than one page in this many is dense: its body pages keep
/// no values (section, impact).
const DENSE: usize = 18;

/// The Rice parameter that codes these page gaps in about the fewest bits.
fn rice_parameter(list: &[Posting]) -> u32 {
    let span = list.last().map_or(0, |p| p.0 as u64 + 1);
    let mean = span as f64 / list.len().max(1) as f64;
    let k = (mean * std::f64::consts::LN_2).max(1.0).log2().floor();
    (k as u32).min(24)
}

/// Bits written low bits first, 6 to a character of `ALPHABET`.
struct Bits {
    out: String,
    acc: u64,
    n: u32,
}

impl Bits {
    fn new(out: String) -> Bits {
        Bits { out, acc: 0, n: 0 }
    }
    fn put(&mut self, v: u32, bits: u32) {
        self.acc |= (v as u64 & ((1 << bits) - 1)) << self.n;
        self.n += bits;
        while self.n >= 6 {
            self.out.push(ALPHABET[(self.acc & 63) as usize] as char);
            self.acc >>= 6;
            self.n -= 6;
        }
    }
    /// `v >> k` one bits, a zero bit, then the low `k` bits of `v`.
    fn rice(&mut self, v: u32, k: u32) {
        let mut q = v >> k;
        while q >= 24 {
            self.put((1 << 24) - 1, 24);
            q -= 24;
        }
        self.put((1 << q) - 1, q + 1);
        self.put(v, k);
    }
    fn finish(mut self) -> String {
        if self.n > 0 {
            self.out.push(ALPHABET[(self.acc & 63) as usize] as char);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `encode_postings` the way search.js does.
    fn decode(s: &str, n: usize) -> Vec<(u32, Option<u16>)> {
        let dec = |c: u8| ALPHABET.iter().position(|&a| a == c).unwrap() as u64;
        let b = s.as_bytes();
        let mut i = 0;
        let mut varint = || {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let c = dec(b[i]);
                i += 1;
                v |= (c & 31) << shift;
                shift += 5;
                if c & 32 == 0 {
                    return v as usize;
                }
            }
        };
        let strong = varint();
        let body = varint();
        let (acc, mut pos) = (b[i..].iter().map(|&c| dec(c)).collect::<Vec<_>>(), 0usize);
        let mut bit = || {
            let v = (acc[pos / 6] >> (pos % 6)) & 1;
            pos += 1;
            v as u32
        };
        let mut out = Vec::new();
        for (count, vbits) in [(strong, 12), (body >> 1, if body & 1 == 1 { 0 } else { 9 })] {
            if count == 0 {
                continue;
            }
            let get = |bits: u32, bit: &mut dyn FnMut() -> u32| (0..bits).fold(0, |v, j| v | bit() << j);
            let k = get(5, &mut bit);
            let mut next = 0;
            let start = out.len();
            for _ in 0..count {
                let mut q = 0;
                while bit() == 1 {
                    q += 1;
                }
                let d = next + (q << k | get(k, &mut bit));
                out.push((d, None));
                next = d + 1;
            }
            for o in &mut out[start..] {
                o.1 = match vbits {
                    12 => Some(get(12, &mut bit) as u16),
                    9 => Some((get(9, &mut bit) << 3) as u16),
                    _ => None,
                };
            }
        }
        assert!(out.iter().all(|&(d, _)| (d as usize) < n));
        out
    }

    #[test]
    fn postings_round_trip_compactly() {
        // Three pages of 1000: a body page, a title page, a far body page.
        let p = [
            (3, 0b1_0011_0000, false),
            (4, 0b1000_1001, true),
            (940, 0b10_0000_1000, false),
        ];
        let s = encode_postings(std::iter::once(&p[..]), p.len(), 1000);
        let mut got = decode(&s, 1000);
        got.sort();
        assert_eq!(
            got,
            [
                (3, Some(0b1_0011_0000)),
                (4, Some(0b1000_1001)),
                (940, Some(0b10_0000_1000))
            ]
        );
        assert!(s.len() <= 14, "{s}");
        // On 12 pages of 12 a term is dense: body pages keep no values.
        let all: Vec<Posting> = (0..12).map(|d| (d, if d == 5 { 0b1001 } else { 8 }, d == 5)).collect();
        let got = decode(&encode_postings(std::iter::once(&all[..]), all.len(), 12), 12);
        assert_eq!(got[0], (5, Some(0b1001)));
        assert_eq!(got.len(), 12);
        assert!(got[1..].iter().all(|&(d, v)| d != 5 && v.is_none()));
        // Long gaps (a Rice quotient over 24) survive.
        let far = [(0, 8, false), (9_000, 8, false), (9_999, 8, true)];
        let got: Vec<u32> = decode(&encode_postings(std::iter::once(&far[..]), far.len(), 10_000), 10_000)
            .iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(got, [9_999, 0, 9_000]);
    }
}
