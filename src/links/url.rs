//! URL pieces for links: splitting `path?query#fragment`, schemes, joining
//! a relative target onto the folder it was written in, percent-encoding a
//! rewritten path, HTTP URL sanity.

use crate::site::relative_url;

/// Splits `path?query#fragment`.
pub fn split_url(url: &str) -> (&str, &str, &str) {
    let (rest, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    (path, query, fragment)
}

pub fn scheme(url: &str) -> Option<&str> {
    let i = url.find(':')?;
    let s = &url[..i];
    (i > 1
        && s.as_bytes()[0].is_ascii_alphabetic()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(s)
}

/// Joins a relative path to the folder of `base_rel`, normalising `.` and
/// `..`. `None` when it climbs above the tree root.
pub fn join_rel(base_rel: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_rel.split('/').collect();
    parts.pop();
    normalize_into(parts, target)
}

/// Pushes `path`'s segments onto `parts`: empty and `.` ones dropped, `..`
/// taking the last one off (at the root it stays there, as a browser does).
pub(crate) fn push_segments<'a>(parts: &mut Vec<&'a str>, path: &'a str) {
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
}

pub(crate) fn normalize_into<'a>(mut parts: Vec<&'a str>, target: &'a str) -> Option<String> {
    let trailing = target.ends_with('/') && !target.is_empty();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if trailing && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}

pub(crate) fn looks_like_locale(seg: &str) -> bool {
    let mut it = seg.split('-');
    let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    (2..=3).contains(&a.len())
        && a.bytes().all(|c| c.is_ascii_alphabetic())
        && (2..=4).contains(&b.len())
        && b.bytes().all(|c| c.is_ascii_alphanumeric())
}

pub(crate) fn encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    push_encoded_path(&mut out, p);
    out
}

/// `encode_path` written onto `out`: `%`, space, `#` and `?` escaped in
/// one pass (a path without them, the usual, is copied as is).
pub(crate) fn push_encoded_path(out: &mut String, p: &str) {
    let mut rest = p;
    while let Some(i) = rest.bytes().position(|b| matches!(b, b'%' | b' ' | b'#' | b'?')) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'%' => "%25",
            b' ' => "%20",
            b'#' => "%23",
            _ => "%3F",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

pub(crate) fn relative_from(from_rel: &str, to_rel: &str) -> String {
    let dir = match from_rel.rfind('/') {
        Some(i) => &from_rel[..=i],
        None => "",
    };
    relative_url(dir, to_rel)
}

pub(crate) fn valid_http(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !url.contains(char::is_whitespace)
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '@' | '_'))
}
