//! Front matter: splits the YAML block off an article and reads it into a
//! typed `FrontMatter`. Keys match case-insensitively; every key is also kept
//! as-is (lower-cased) for templates. Knows nothing of Markdown.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Learn writes dates as MM/DD/YYYY.
    pub fn parse_us(s: &str) -> Option<Date> {
        let mut it = s.trim().split('/');
        let (m, d, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        let (month, day, year) = (m.parse::<u8>().ok()?, d.parse::<u8>().ok()?, y.parse::<u16>().ok()?);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date { year, month, day })
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The keys polydoc reads. Everything is optional: real files omit most of
/// them. Keys only templates read (`author`, `ms.topic`, `ms.service`,
/// `manager`, ...) are checked as they are parsed but kept only in `all`
/// (typed copies of them cost every article a few hundred bytes for the
/// whole build).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub ms_date: Option<Date>,
    pub ms_custom: Vec<String>,
    pub robots: Option<String>,
    pub ms_translationtype: Option<String>,
    pub ms_openlocfilehash: Option<String>,
    pub ms_sourcegitcommit: Option<String>,
    pub ms_lasthandoff: Option<Date>,
    pub uid: Option<String>,
    pub redirect_url: Option<String>,
    /// Every key, lower-cased, as JSON for templates.
    pub all: Meta,
}

/// Every front matter key (lower-cased) with its value as JSON, held as one
/// JSON text: an article keeps it from parsing until its page is rendered,
/// which alone reads it whole (as a map of small strings it cost about
/// 1 KB per article for the whole build). Serialized as the map itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta(Box<str>);

impl Meta {
    pub fn from_map(map: &BTreeMap<String, serde_json::Value>) -> Meta {
        if map.is_empty() {
            return Meta::default();
        }
        Meta(serde_json::to_string(map).unwrap_or_default().into())
    }

    /// The keys and values.
    pub fn map(&self) -> BTreeMap<String, serde_json::Value> {
        if self.0.is_empty() {
            return BTreeMap::new();
        }
        serde_json::from_str(&self.0).unwrap_or_default()
    }

    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        // A key is written as `"key"` (keys with characters JSON escapes
        // aside): text without it has no such key, and is not parsed.
        let plain = !key.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
        if plain && !self.0.contains(&format!("\"{key}\"")) {
            return None;
        }
        self.map().remove(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.map().contains_key(key)
    }

    pub fn insert(&mut self, key: String, value: serde_json::Value) {
        let mut map = self.map();
        map.insert(key, value);
        *self = Meta::from_map(&map);
    }

    /// The map's JSON text as held (empty for no keys), for the build
    /// cache's records, which give it back to `from_text`.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// A `Meta` from what `text` gave (the cache's records are only read
    /// by the polydoc that wrote them).
    pub fn from_text(text: &str) -> Meta {
        Meta(text.into())
    }

    pub fn retain(&mut self, keep: impl FnMut(&String, &mut serde_json::Value) -> bool) {
        let mut map = self.map();
        map.retain(keep);
        *self = Meta::from_map(&map);
    }
}

/// Serialized as the map, written as its text is (what `from_map` made:
/// the map's JSON, keys in order), not parsed and written again.
impl serde::Serialize for Meta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = if self.0.is_empty() { "{}" } else { &self.0 };
        match serde_json::value::RawValue::from_string(text.to_string()) {
            Ok(raw) => raw.serialize(s),
            Err(_) => self.map().serialize(s),
        }
    }
}

/// Read back as the map's text (the build cache reads every unchanged
/// article's front matter on every build): parsed into a map only when it
/// is not the one line JSON writers make of a map (e.g. pretty-printed).
impl<'de> serde::Deserialize<'de> for Meta {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Meta, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        if text == "{}" {
            return Ok(Meta::default());
        }
        if text.starts_with('{') && !text.contains(['\n', '\r']) && !text.starts_with("{ ") {
            return Ok(Meta(text.into()));
        }
        let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(text).map_err(serde::de::Error::custom)?;
        Ok(Meta::from_map(&map))
    }
}

impl FrontMatter {
    /// Every field, each as one piece for `put` (lengths and `None` kept
    /// apart), in a fixed order: what a cache key needs of the front
    /// matter, without writing it out as JSON (`all` is held as its
    /// canonical JSON text already).
    pub fn fields(&self, put: &mut dyn FnMut(&[u8])) {
        let text = |put: &mut dyn FnMut(&[u8]), v: &Option<String>| match v {
            Some(v) => {
                put(b"1");
                put(v.as_bytes());
            }
            None => put(b"0"),
        };
        let date = |put: &mut dyn FnMut(&[u8]), d: &Option<Date>| match d {
            Some(d) => {
                let [y0, y1] = d.year.to_le_bytes();
                put(&[1, y0, y1, d.month, d.day]);
            }
            None => put(&[0]),
        };
        text(put, &self.title);
        text(put, &self.description);
        date(put, &self.ms_date);
        put(&(self.ms_custom.len() as u64).to_le_bytes());
        for c in &self.ms_custom {
            put(c.as_bytes());
        }
        for v in [
            &self.robots,
            &self.ms_translationtype,
            &self.ms_openlocfilehash,
            &self.ms_sourcegitcommit,
        ] {
            text(put, v);
        }
        date(put, &self.ms_lasthandoff);
        text(put, &self.uid);
        text(put, &self.redirect_url);
        put(self.all.0.as_bytes());
    }

    /// `ROBOTS: NOINDEX` in any case and order.
    pub fn noindex(&self) -> bool {
        self.robots
            .as_deref()
            .is_some_and(|r| r.to_ascii_lowercase().contains("noindex"))
    }

    /// The robots meta content, normalised (`noindex, nofollow`).
    pub fn robots_meta(&self) -> Option<String> {
        let r = self.robots.as_deref()?;
        let parts: Vec<String> = r
            .split(',')
            .map(|p| p.trim().to_ascii_lowercase())
            .filter(|p| !p.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    pub fn machine_translated(&self) -> bool {
        self.ms_translationtype
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("MT"))
    }
}

impl FrontMatter {
    /// Fills every key this front matter lacks from `other` (metadata from
    /// docfx.json: the article's own front matter wins).
    pub fn fill_from(&mut self, other: FrontMatter) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* };
        }
        fill!(
            title,
            description,
            ms_date,
            robots,
            ms_translationtype,
            ms_openlocfilehash,
            ms_sourcegitcommit,
            ms_lasthandoff,
            uid,
            redirect_url
        );
        if self.ms_custom.is_empty() {
            self.ms_custom = other.ms_custom;
        }
        let mut all = self.all.map();
        for (k, v) in other.all.map() {
            all.entry(k).or_insert(v);
        }
        self.all = Meta::from_map(&all);
    }
}

mod read;
pub use read::{parse, split, unclosed, Split};
