//! An article's links (`Rendered::links`): as rendering made them, or, for
//! an article read back from the build cache, still in the cache's bytes
//! until something reads them. A warm build reads back every unchanged
//! article but renders few: most articles' links are never looked at, and
//! decoding them all (two strings each) was the largest part of reading
//! the articles back (3% of a warm edit's CPU, 16% of its page faults).
//!
//! Reading or changing the list decodes it (once: `OnceLock`); what reads
//! it sees a `Vec<Link>` either way (`Deref`).

use super::Link;
use std::sync::{Arc, OnceLock};

#[derive(Default, Clone)]
pub struct Links {
    list: OnceLock<Vec<Link>>,
    /// The encoded list, when it was made from bytes and not decoded yet.
    stored: Option<Stored>,
}

#[derive(Clone)]
struct Stored {
    bytes: Shared,
    /// Decodes `bytes`.
    decode: fn(&[u8]) -> Vec<Link>,
}

/// Bytes kept as part of the buffer they were read in (a cache record of
/// 20,000 articles' headers: no copy, no fresh memory per article), or
/// of their own.
#[derive(Clone)]
pub struct Shared {
    buf: Arc<dyn AsRef<[u8]> + Send + Sync>,
    range: std::ops::Range<usize>,
}

impl Shared {
    /// `range` of `buf` (`None` when `buf` does not hold it).
    pub fn new(buf: Arc<dyn AsRef<[u8]> + Send + Sync>, range: std::ops::Range<usize>) -> Option<Shared> {
        (*buf).as_ref().get(range.clone())?;
        Some(Shared { buf, range })
    }

    /// A copy of `bytes`, of its own.
    pub fn copied(bytes: &[u8]) -> Shared {
        Shared {
            buf: Arc::new(bytes.to_vec()),
            range: 0..bytes.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        &(*self.buf).as_ref()[self.range.clone()]
    }
}

impl Links {
    /// A list kept encoded as `bytes` until read, decoded by `decode` then
    /// (which the caller trusts to read them: they come from a record
    /// whose checksum held, as the article's HTML does).
    pub fn stored(bytes: Shared, decode: fn(&[u8]) -> Vec<Link>) -> Links {
        Links {
            list: OnceLock::new(),
            stored: Some(Stored { bytes, decode }),
        }
    }

    fn list(&self) -> &Vec<Link> {
        self.list.get_or_init(|| match &self.stored {
            Some(s) => (s.decode)(s.bytes.bytes()),
            None => Vec::new(),
        })
    }

    /// Whether the list is still encoded (nothing has read it).
    pub fn is_stored(&self) -> bool {
        self.stored.is_some() && self.list.get().is_none()
    }
}

impl From<Vec<Link>> for Links {
    fn from(v: Vec<Link>) -> Links {
        Links {
            list: OnceLock::from(v),
            stored: None,
        }
    }
}

impl std::ops::Deref for Links {
    type Target = Vec<Link>;
    fn deref(&self) -> &Vec<Link> {
        self.list()
    }
}

impl std::ops::DerefMut for Links {
    fn deref_mut(&mut self) -> &mut Vec<Link> {
        self.list();
        // (Decoded now: the bytes say nothing of the list once changed.)
        self.stored = None;
        self.list.get_mut().expect("decoded above")
    }
}

impl<'a> IntoIterator for &'a Links {
    type Item = &'a Link;
    type IntoIter = std::slice::Iter<'a, Link>;
    fn into_iter(self) -> Self::IntoIter {
        self.list().iter()
    }
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.list().fmt(f)
    }
}

impl serde::Serialize for Links {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Links {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Links, D::Error> {
        Vec::<Link>::deserialize(d).map(Links::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::LinkKind;

    fn link(dest: &str) -> Link {
        Link {
            dest: dest.into(),
            text: String::new(),
            line: 1,
            column: 2,
            kind: LinkKind::Link,
            origin: None,
        }
    }

    /// (A stand-in decoder: one link per byte, its destination the byte.)
    fn decode(b: &[u8]) -> Vec<Link> {
        b.iter().map(|c| link(&(*c as char).to_string())).collect()
    }

    #[test]
    fn a_stored_list_is_decoded_when_read_and_kept_when_changed() {
        let l = Links::stored(Shared::copied(b"ab"), decode);
        assert!(l.is_stored());
        let dests: Vec<&str> = l.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["a", "b"]);
        assert!(!l.is_stored());
        let mut l = Links::stored(Shared::new(Arc::new(b"_xyz_".to_vec()), 1..4).unwrap(), decode);
        l.push(link("w"));
        l[0].dest = "v".into();
        let dests: Vec<&str> = (&l).into_iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["v", "y", "z", "w"]);
        assert_eq!(serde_json::to_string(&l).unwrap(), serde_json::to_string(&*l).unwrap());
        assert!(Shared::new(Arc::new(b"ab".to_vec()), 1..3).is_none());
        assert!(Links::default().is_empty());
        assert_eq!(Links::from(vec![link("q")])[0].dest, "q");
    }
}
