//! The hash Microsoft's localization pipeline records in a translation's
//! `ms.openlocfilehash`: SHA-1 of the source file's bytes with every bare LF
//! written as CRLF (a line already ending in CRLF stays as it is, so a
//! Windows checkout hashes the same). A 64-digit value is SHA-256 of the same
//! bytes.

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

/// Lower-case hex hash of `bytes` (the file as on disk) by the pipeline's rule.
pub fn loc_hash(bytes: &[u8], algorithm: Algorithm) -> String {
    let data = crlf(bytes);
    match algorithm {
        Algorithm::Sha1 => hex(&Sha1::digest(&data)),
        Algorithm::Sha256 => hex(&Sha256::digest(&data)),
    }
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
