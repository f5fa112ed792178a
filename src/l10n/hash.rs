//! The hash Microsoft's localization pipeline records in a translation's
//! `ms.openlocfilehash`: SHA-1 of the source file's bytes as the pipeline
//! read them. Depending on its checkout those had the committed line ends
//! or CRLF, so a recorded hash matches a source file when the SHA-1 of its
//! bytes as they are, with every bare LF written as CRLF, or with every CRLF
//! written as LF, is the recorded value (`matches`). A 64-digit value is
//! SHA-256 of the same bytes. polydoc writes the CRLF form (`loc_hash`).

use sha1::{Digest, Sha1};
use sha2::Sha256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Sha1,
    Sha256,
}

impl Algorithm {
    /// The algorithm a recorded value was made with: 40 hex digits are
    /// SHA-1, 64 are SHA-256; anything else is not a hash polydoc can check.
    pub fn of(recorded: &str) -> Option<Algorithm> {
        let r = recorded.trim();
        if !r.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match r.len() {
            40 => Some(Algorithm::Sha1),
            64 => Some(Algorithm::Sha256),
            _ => None,
        }
    }
}

/// The source bytes as the pipeline hashes them: bare LF becomes CRLF.
pub fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// The bytes with every CRLF written as LF.
pub fn lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

fn digest(data: &[u8], algorithm: Algorithm) -> String {
    match algorithm {
        Algorithm::Sha1 => hex(&Sha1::digest(data)),
        Algorithm::Sha256 => hex(&Sha256::digest(data)),
    }
}

/// Whether `recorded` (`ms.openlocfilehash`) is the hash of `bytes` with
/// their line ends as they are, as CRLF or as LF.
pub fn matches(bytes: &[u8], recorded: &str) -> bool {
    Algorithm::of(recorded).is_some_and(|alg| Sums::of(bytes, alg).matches(recorded))
}

/// A source file's hashes by one algorithm, its bytes as they are, as CRLF
/// and as LF: all `matches` and `loc_hash` need of it, so a build can keep
/// them instead of reading and hashing the file again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub algorithm: Algorithm,
    /// As they are, as CRLF, as LF (a SHA-1 hash in its first 20 bytes).
    pub raw: [[u8; 32]; 3],
}

impl Algorithm {
    /// Bytes of a hash.
    pub fn bytes(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
        }
    }
}

impl Sums {
    pub fn of(bytes: &[u8], algorithm: Algorithm) -> Sums {
        let one = |data: &[u8]| {
            let mut out = [0u8; 32];
            match algorithm {
                Algorithm::Sha1 => out[..20].copy_from_slice(&Sha1::digest(data)),
                Algorithm::Sha256 => out.copy_from_slice(&Sha256::digest(data)),
            }
            out
        };
        Sums {
            algorithm,
            raw: [one(bytes), one(&crlf(bytes)), one(&lf(bytes))],
        }
    }

    /// `matches` for the bytes these are the hashes of.
    pub fn matches(&self, recorded: &str) -> bool {
        let recorded = recorded.trim();
        Algorithm::of(recorded) == Some(self.algorithm) && self.hexes().iter().any(|h| h.eq_ignore_ascii_case(recorded))
    }

    /// `loc_hash` of the bytes these are the hashes of.
    pub fn loc_hash(&self) -> String {
        hex(&self.raw[1][..self.algorithm.bytes()])
    }

    /// The three hashes in lower-case hex.
    pub fn hexes(&self) -> [String; 3] {
        self.raw.map(|r| hex(&r[..self.algorithm.bytes()]))
    }
}

/// Lower-case hex hash of `bytes` (the file as on disk) by the pipeline's rule.
pub fn loc_hash(bytes: &[u8], algorithm: Algorithm) -> String {
    digest(&crlf(bytes), algorithm)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_becomes_crlf_once() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
        // `printf 'a\r\n' | sha1sum`
        assert_eq!(
            loc_hash(b"a\n", Algorithm::Sha1),
            "764c16af46dd4f15edb05ecc5595b50cbe3714ea"
        );
        assert_eq!(
            loc_hash(b"a\r\n", Algorithm::Sha1),
            "764c16af46dd4f15edb05ecc5595b50cbe3714ea"
        );
        assert_eq!(
            loc_hash(b"", Algorithm::Sha1),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            loc_hash(b"", Algorithm::Sha256),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn any_line_end_form_matches() {
        // `printf 'a\n' | sha1sum` and `printf 'a\r\n' | sha1sum`
        let lf_hash = "3f786850e387550fdab836ed7e6dc881de23001b";
        let crlf_hash = "764c16af46dd4f15edb05ecc5595b50cbe3714ea";
        for bytes in [&b"a\n"[..], b"a\r\n"] {
            assert!(matches(bytes, lf_hash));
            assert!(matches(bytes, crlf_hash));
        }
        assert!(!matches(b"b\n", lf_hash));
        assert!(!matches(b"a\n", "not a hash"));
    }

    #[test]
    fn sums_answer_as_the_bytes_do() {
        for bytes in [&b"a\n"[..], b"a\r\n", b"x\r\ny\nz", b""] {
            for alg in [Algorithm::Sha1, Algorithm::Sha256] {
                let sums = Sums::of(bytes, alg);
                assert_eq!(sums.loc_hash(), loc_hash(bytes, alg));
                for other in [&b"a\n"[..], b"a\r\n", b"b\n", b""] {
                    for h in Sums::of(other, alg).hexes() {
                        assert_eq!(sums.matches(&h), matches(bytes, &h), "{bytes:?} {other:?}");
                        assert_eq!(sums.matches(&h.to_uppercase()), matches(bytes, &h));
                    }
                }
                assert!(!sums.matches("not a hash"));
            }
        }
        // A hash of the other length is not one of these.
        let sha256 = Sums::of(b"a\n", Algorithm::Sha256);
        assert!(!Sums::of(b"a\n", Algorithm::Sha1).matches(&sha256.loc_hash()));
    }

    #[test]
    fn algorithm_from_length() {
        assert_eq!(
            Algorithm::of("c701f14c9f33fd7d1434eeccdae5c2e2188605dc"),
            Some(Algorithm::Sha1)
        );
        assert_eq!(Algorithm::of(&"a".repeat(64)), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::of("xyz"), None);
        assert_eq!(Algorithm::of(&"a".repeat(41)), None);
    }
}
