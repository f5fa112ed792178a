//! Reading the cache's binary records (the parse record, the search terms
//! record): little-endian integers, fixed-size keys and length-prefixed
//! fields from a byte slice. Every read answers `None` past the end of the
//! bytes instead of panicking, so a damaged record reads as a miss.

/// A cursor over the bytes not read yet (`.0`).
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A 32-byte key (a SHA-256).
    pub fn key(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }

    /// Bytes after a `u64` length.
    pub fn bytes_u64(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }

    /// UTF-8 text after a `u64` length.
    pub fn string_u64(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes_u64()?).ok().map(str::to_string)
    }

    /// UTF-8 text after a `u32` length.
    pub fn str_u32(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }

    /// A `u32` count of items each at least `min` bytes long (so a damaged
    /// count cannot ask for more than the bytes hold).
    pub fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.0.len()).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_and_a_short_record_is_none() {
        let mut b = Vec::new();
        b.extend_from_slice(&7u16.to_le_bytes());
        b.extend_from_slice(&(3u64).to_le_bytes());
        b.extend_from_slice(b"abc");
        b.extend_from_slice(&(2u32).to_le_bytes());
        b.extend_from_slice("é".as_bytes());
        let mut r = Reader(&b);
        assert_eq!(r.u16(), Some(7));
        assert_eq!(r.string_u64().as_deref(), Some("abc"));
        assert_eq!(r.str_u32(), Some("é"));
        assert!(r.0.is_empty());
        assert_eq!(r.u32(), None);
        let mut r = Reader(&b[..5]);
        r.u16();
        assert_eq!(r.bytes_u64(), None);
        let mut r = Reader(&[9, 0, 0, 0, 1, 2]);
        assert_eq!(r.count(1), None);
    }
}
