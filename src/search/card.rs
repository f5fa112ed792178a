//! A page's result card (`p<id>.js`) as the index writes it, and JSON
//! strings escaped as serde_json escapes them (every index file's text).

use std::fmt::Write as _;

/// A page's result card: `[title, path, [[id, heading, excerpt], ...],
/// prose]`, the prose as `deflated_json` wrote it.
pub fn card_json(title: &str, path: &str, sections: &[(String, String, String)], text: &str) -> String {
    let mut s = String::with_capacity(
        64 + text.len()
            + sections
                .iter()
                .map(|(a, b, c)| a.len() + b.len() + c.len() + 12)
                .sum::<usize>(),
    );
    s.push('[');
    push_json_str(&mut s, title);
    s.push(',');
    push_json_str(&mut s, path);
    s.push_str(",[");
    for (i, (hid, h, ex)) in sections.iter().enumerate() {
        s.push_str(if i > 0 { ",[" } else { "[" });
        if !hid.is_empty() && *hid == crate::markdown::slug::slug(h) {
            // The client derives it from the heading (Learn's rule).
            s.push('0');
        } else {
            push_json_str(&mut s, hid);
        }
        s.push(',');
        push_json_str(&mut s, h);
        s.push(',');
        push_json_str(&mut s, ex);
        s.push(']');
    }
    s.push_str("],\"");
    s.push_str(text);
    s.push_str("\"]");
    s
}

/// Result card `p<id>.js` of the page at `path`.
pub fn card_file(id: u32, title: &str, path: &str, sections: &[(String, String, String)], text: &str) -> String {
    format!("polydocSearch(\"p{id}\",{});\n", card_json(title, path, sections, text))
}

/// The length of `card_file` from the length of its `card_json` with an
/// empty path (`card_len`), without the card's text.
pub fn card_file_len(card_len: usize, path: &str, id: u32) -> usize {
    let digits = id.checked_ilog10().unwrap_or(0) as usize + 1;
    "polydocSearch(\"p".len() + digits + "\",".len() + card_len - "\"\"".len() + json_str(path).len() + ");\n".len()
}

pub(super) fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_str(&mut out, s);
    out
}

/// `s` as a JSON string, escaped as serde_json escapes it.
pub(super) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        from = i + 1;
    }
    out.push_str(&s[from..]);
    out.push('"');
}

/// `texts` as a JSON array, zlib-deflated, in standard base64 (what the
/// client's `atob` and `DecompressionStream("deflate")` read back).
/// libdeflate at level 1: on g10k's 20,000 cards (3.9 KB of JSON each) it
/// takes about 40% less time than zlib-rs at level 2 did (whose per-card
/// Huffman tree building was most of its cost; 6.6% of a cold build's CPU)
/// and writes 2.5% fewer bytes. A whole buffer in, a whole stream out: one
/// compressor and one output buffer per thread.
pub fn deflated_json(texts: &[String]) -> String {
    use libdeflater::{CompressionLvl, Compressor};
    // Level 1 (`CompressionLvl::fastest` is 0: stored, not compressed).
    const LEVEL: CompressionLvl = match CompressionLvl::new(1) {
        Ok(level) => level,
        Err(_) => panic!("libdeflate has level 1"),
    };
    thread_local! {
        static Z: std::cell::RefCell<Option<(Compressor, Vec<u8>)>> = const { std::cell::RefCell::new(None) };
    }
    let json = serde_json::to_string(texts).unwrap_or_default();
    Z.with_borrow_mut(|z| {
        let (c, out) = z.get_or_insert_with(|| (Compressor::new(LEVEL), Vec::new()));
        let bound = c.zlib_compress_bound(json.len());
        if out.len() < bound {
            out.resize(bound, 0);
        }
        // Within the bound it cannot run out of room; if it ever did, the
        // card's snippets would be empty, not wrong.
        let n = c.zlib_compress(json.as_bytes(), out).unwrap_or(0);
        base64(&out[..n])
    })
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    let whole = bytes.chunks_exact(3);
    let rest = whole.remainder();
    for c in whole {
        let n = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        out.extend_from_slice(&[
            B64[(n >> 18) as usize & 63],
            B64[(n >> 12) as usize & 63],
            B64[(n >> 6) as usize & 63],
            B64[n as usize & 63],
        ]);
    }
    if !rest.is_empty() {
        let n = (rest[0] as u32) << 16 | (*rest.get(1).unwrap_or(&0) as u32) << 8;
        out.extend_from_slice(&[
            B64[(n >> 18) as usize & 63],
            B64[(n >> 12) as usize & 63],
            if rest.len() == 2 {
                B64[(n >> 6) as usize & 63]
            } else {
                b'='
            },
            b'=',
        ]);
    }
    // Only characters of `B64` and `=`: ASCII.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_s_length_is_known_without_its_text() {
        let sections = vec![
            (
                "intro".to_string(),
                "Intro \"quoted\"".to_string(),
                "Text\n".to_string(),
            ),
            (String::new(), "Zweite Überschrift".to_string(), String::new()),
        ];
        for (id, path) in [(0, ""), (9, "a/b/"), (10, "quote\"d/"), (12345, "ünï/cödé\\/")] {
            let file = card_file(id, "Tïtle \"x\"", path, &sections, "eJzL");
            let empty = card_json("Tïtle \"x\"", "", &sections, "eJzL").len();
            assert_eq!(card_file_len(empty, path, id), file.len(), "{file}");
        }
    }

    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u32..0x80)
            .filter_map(char::from_u32)
            .chain("é日\u{2028}\u{7f}".chars())
            .collect();
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}\u{8}\u{c}",
            all.as_str(),
        ] {
            assert_eq!(json_str(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn prose_is_deflated_json_in_standard_base64() {
        use std::io::Read;
        let texts = vec![String::new(), "Zie \"hier\" — één".to_string(), "x".repeat(500)];
        let b64 = deflated_json(&texts);
        assert!(b64.len().is_multiple_of(4) && b64.bytes().all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c)));
        // Decode by the definition of base64, inflate, and read back.
        let val = |c: u8| {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                .iter()
                .position(|&a| a == c)
        };
        let bits: Vec<u8> = b64.bytes().filter_map(val).map(|v| v as u8).collect();
        let mut bytes = Vec::new();
        for q in bits.chunks(4) {
            let n = q.iter().fold(0u32, |n, &v| n << 6 | v as u32) << (6 * (4 - q.len()));
            bytes.extend(&n.to_be_bytes()[1..q.len()]);
        }
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .unwrap();
        assert_eq!(serde_json::from_str::<Vec<String>>(&json).unwrap(), texts);
        // Repetitive prose shrinks.
        assert!(b64.len() < 200, "{}", b64.len());
        // Every length of the last group, against the definition.
        for n in 0..7u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(77) ^ 0xa5).collect();
            let bits: String = bytes.iter().map(|b| format!("{b:08b}")).collect();
            let mut want: String = bits
                .as_bytes()
                .chunks(6)
                .map(|c| {
                    let v = u8::from_str_radix(&format!("{:0<6}", std::str::from_utf8(c).unwrap()), 2).unwrap();
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[v as usize] as char
                })
                .collect();
            while !want.len().is_multiple_of(4) {
                want.push('=');
            }
            assert_eq!(base64(&bytes), want, "{n} bytes");
        }
    }
}
