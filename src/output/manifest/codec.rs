//! The manifest as bytes (format 4): its header, then each file (key,
//! stamp, path) and each folder (stamp, path), each path written after
//! the one before it; read back only when whole, sorted and with every
//! path's folder listed.

#[cfg(test)]
use super::Manifest;
use super::{parents, plain, Entry, Src, Stamp, NS, TOP};
use std::io::{self, Seek, SeekFrom, Write};

/// A binary file (read and written whole by every keyed build: no text to
/// format or parse). Each path is written as the length it shares with the
/// path before it and the rest (sorted paths share most of theirs: a
/// page's `index.html` after its neighbour's), sizes and inodes as
/// variable-length numbers: about half the bytes of whole paths and fixed
/// widths.
const HEADER: &[u8] = b"polydoc-manifest 4\n";
const END: &[u8] = b"\nend\n";

impl Stamp {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.size);
        out.extend_from_slice(&self.mtime_s.to_le_bytes());
        out.extend_from_slice(&self.mtime_nsec.to_le_bytes());
        put_varint(out, self.ino);
    }

    fn take(r: &mut &[u8]) -> Option<Stamp> {
        let size = take_varint(r)?;
        let mtime_s = i64::from_le_bytes(take(r, 8)?.try_into().ok()?);
        let mtime_nsec = u32::from_le_bytes(take(r, 4)?.try_into().ok()?);
        let ino = take_varint(r)?;
        (i128::from(mtime_nsec) < NS).then_some(Stamp {
            size,
            mtime_s,
            ino,
            mtime_nsec,
        })
    }
}

/// `v` in 7-bit groups, low first, the high bit set on all but the last.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(r: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let (&b, rest) = r.split_first()?;
        *r = rest;
        // The tenth group holds the top bit alone.
        if i == 9 && b > 1 {
            return None;
        }
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// `p` after `prev`: the length of what they share (ending between two
/// characters), the length of the rest, the rest.
fn put_path(out: &mut Vec<u8>, prev: &str, p: &str) {
    let mut shared = prev.bytes().zip(p.bytes()).take_while(|(a, b)| a == b).count();
    while !p.is_char_boundary(shared) {
        shared -= 1;
    }
    put_varint(out, shared as u64);
    put_varint(out, (p.len() - shared) as u64);
    out.extend_from_slice(&p.as_bytes()[shared..]);
}

/// Adds to `names` the path `put_path` wrote after the last path there
/// (`names[prev..]`; `prev == names.len()` for none), when it is one the
/// manifest may name (`plain`).
fn take_path(r: &mut &[u8], names: &mut Vec<u8>, prev: usize) -> Option<()> {
    let shared = usize::try_from(take_varint(r)?).ok()?;
    let n = usize::try_from(take_varint(r)?).ok()?;
    // Between two characters of the path before (not on a continuation
    // byte of one).
    if shared > names.len() - prev || names.get(prev + shared).is_some_and(|&b| b & 0xc0 == 0x80) {
        return None;
    }
    let rest = take(r, n)?;
    let start = names.len();
    names.extend_from_within(prev..prev + shared);
    names.extend_from_slice(rest);
    // The folders the two share are the path before's (plain): only what
    // follows the last of them is checked.
    let p = &names[start..];
    let from = p[..shared].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    std::str::from_utf8(&p[from..]).is_ok_and(plain).then_some(())
}

/// The next `n` bytes of `r`.
fn take<'a>(r: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if r.len() < n {
        return None;
    }
    let (head, rest) = r.split_at(n);
    *r = rest;
    Some(head)
}

/// Writes a manifest to `w`: every file (sorted by relative path, each
/// once), every folder that holds them but the output folder itself (with
/// its stamp once the commit was done, sorted by path), and when the
/// commit began (`sealed_ns`, ns since the epoch: a folder changed at or
/// after it, less `SETTLE_NS`, is listed again by the next scan). An item
/// the previous manifest `old` holds unchanged (`Src::Old`) right after
/// the one before it there is its bytes there, copied: the same fields,
/// its path after the same path (a warm build's manifest is mostly that).
/// Written a buffer at a time as the lists go (a manifest is ~5 MB for
/// 20,000 pages: neither it nor its lists held whole), the counts last, at
/// their place in the header.
pub fn write<W: Write + Seek, S: AsRef<str>>(
    mut w: W,
    sealed_ns: i128,
    old: &Tree,
    files: impl IntoIterator<Item = (S, Src<Entry>)>,
    dirs: impl IntoIterator<Item = (S, Src<Stamp>)>,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(BUF + 1024);
    out.extend_from_slice(HEADER);
    out.extend_from_slice(&sealed_ns.to_le_bytes());
    out.extend_from_slice(&[0; 16]);
    let counts = [
        put_section(&mut w, &mut out, (old, |f| old.entry(f)), files, |out, e: &Entry| {
            out.extend_from_slice(&e.key);
            e.stamp.put(out);
        })?,
        put_section(
            &mut w,
            &mut out,
            (old, |i| old.dir_stamp(i - old.files)),
            dirs,
            |out, st: &Stamp| st.put(out),
        )?,
    ];
    out.extend_from_slice(END);
    w.write_all(&out)?;
    w.seek(SeekFrom::Start((HEADER.len() + 16) as u64))?;
    w.write_all(&counts[0].to_le_bytes())?;
    w.write_all(&counts[1].to_le_bytes())?;
    w.flush()
}

/// Bytes buffered before they are written.
const BUF: usize = 1 << 16;

/// One list of the manifest: each item's own fields (`put`; an old one's
/// read from `old` by `was`), then its path (after what it shares with the
/// one before), or an old item's bytes as they are when the item before it
/// is the one before it there; written to `w` a buffer at a time. Returns
/// how many items there were.
fn put_section<W: Write, S: AsRef<str>, T>(
    w: &mut W,
    out: &mut Vec<u8>,
    (old, was): (&Tree, impl Fn(usize) -> T),
    items: impl IntoIterator<Item = (S, Src<T>)>,
    put: impl Fn(&mut Vec<u8>, &T),
) -> io::Result<u64> {
    let mut count = 0;
    let mut prev: Option<S> = None;
    // The item before, by its number in `old` when it is one of its own.
    let mut last_old: Option<usize> = None;
    for (p, item) in items {
        match item {
            Src::Old(i) if i > 0 && last_old == Some(i - 1) => out.extend_from_slice(old.item_bytes(i)),
            _ => {
                match &item {
                    Src::Old(i) => put(out, &was(*i)),
                    Src::New(v) => put(out, v),
                }
                put_path(out, prev.as_ref().map_or("", |q| q.as_ref()), p.as_ref());
            }
        }
        last_old = match item {
            Src::Old(i) => Some(i),
            Src::New(_) => None,
        };
        prev = Some(p);
        count += 1;
        if out.len() >= BUF {
            w.write_all(out)?;
            out.clear();
        }
    }
    Ok(count)
}

/// The manifest as bytes (as `write` writes it).
#[cfg(test)]
pub fn encode(m: &Manifest) -> Vec<u8> {
    let mut c = io::Cursor::new(Vec::new());
    let files = m.files.iter().map(|(p, e)| (p.as_str(), Src::New(*e)));
    let dirs = m.dirs.iter().map(|(p, st)| (p.as_str(), Src::New(*st)));
    write(&mut c, m.sealed_ns, &Tree::default(), files, dirs).expect("written to memory");
    c.into_inner()
}

/// The manifest, or `None` when it is not one whole (cut short, or with
/// bytes after its end), names a path twice or out of order, or lists a
/// file or folder whose folder it does not list.
#[cfg(test)]
pub fn decode(bytes: &[u8]) -> Option<Manifest> {
    let t = decode_tree(bytes.to_vec())?;
    Some(Manifest {
        sealed_ns: t.sealed_ns,
        files: (0..t.files).map(|f| (t.file(f).to_string(), t.entry(f))).collect(),
        dirs: (0..t.dirs).map(|d| (t.dir(d).to_string(), t.dir_stamp(d))).collect(),
    })
}

/// A manifest as the scan reads it: every path in one string (made as it
/// is read: no string of its own each, 120,000 of them for 20,000 pages),
/// each entry read again from the manifest's bytes when asked for (where
/// they were checked: no copy of them, 6 MB for 20,000 pages), and the
/// folder of each path.
#[derive(Default)]
pub(super) struct Tree {
    pub sealed_ns: i128,
    /// How many files, and how many folders.
    pub files: usize,
    pub dirs: usize,
    /// The manifest's bytes.
    raw: Vec<u8>,
    /// Where in `raw` each file's entry (key, stamp) starts, then each
    /// folder's stamp.
    at: Vec<u32>,
    /// The files' paths, then the folders'.
    names: String,
    /// Where each path ends in `names`.
    ends: Vec<u32>,
    /// The folder of each path: folders first, then files, each by its
    /// index in `dirs` (`TOP` for one in the output folder itself). A
    /// folder comes after the folders above it (sorted by path, a prefix
    /// sorts first).
    pub up: Vec<u32>,
}

impl Tree {
    fn name(&self, i: usize) -> &str {
        &self.names[self.span(i)]
    }

    /// Where path `i` (files first, then folders) is in `names`.
    fn span(&self, i: usize) -> std::ops::Range<usize> {
        i.checked_sub(1).map_or(0, |j| self.ends[j] as usize)..self.ends[i] as usize
    }

    /// Where the path of file `f` is in `names`.
    pub fn file_span(&self, f: usize) -> std::ops::Range<usize> {
        self.span(f)
    }

    /// Every path, one after another (see `file_span`).
    pub fn names(&self) -> &str {
        &self.names
    }

    /// The path of file `f`.
    pub fn file(&self, f: usize) -> &str {
        self.name(f)
    }

    /// The path of folder `d`.
    pub fn dir(&self, d: usize) -> &str {
        self.name(self.files + d)
    }

    /// Path `i` as `up` numbers them (folders first, then files).
    pub fn path(&self, i: usize) -> &str {
        match i.checked_sub(self.dirs) {
            Some(f) => self.file(f),
            None => self.dir(i),
        }
    }

    /// The folder named `rel`, by its index.
    pub fn find_dir(&self, rel: &str) -> Option<usize> {
        find(0..self.dirs, |d| self.dir(d), rel)
    }

    /// The file named `rel` among `files` (a range of indices), by its
    /// index.
    pub fn find_file(&self, files: std::ops::Range<usize>, rel: &str) -> Option<usize> {
        find(files, |f| self.file(f), rel)
    }

    /// The files whose paths start with `prefix`, by index (next to one
    /// another, sorted).
    pub fn files_under(&self, prefix: &str) -> std::ops::Range<usize> {
        let path = |f| self.file(f);
        let lo = partition_point(0..self.files, |f| path(f) < prefix);
        lo..partition_point(lo..self.files, |f| path(f).starts_with(prefix))
    }

    /// The key of file `f`.
    pub fn key(&self, f: usize) -> &[u8; 32] {
        let at = self.at[f] as usize;
        self.raw[at..at + 32].try_into().expect("32 bytes")
    }

    /// The entry of file `f`.
    pub fn entry(&self, f: usize) -> Entry {
        Entry {
            key: *self.key(f),
            stamp: self.stamp_at(self.at[f] as usize + 32),
        }
    }

    /// Item `i`'s bytes (files first, then folders: its fields, then its
    /// path after the one before it).
    fn item_bytes(&self, i: usize) -> &[u8] {
        let end = self.at.get(i + 1).map_or(self.raw.len() - END.len(), |&e| e as usize);
        &self.raw[self.at[i] as usize..end]
    }

    /// The stamp of folder `d`.
    pub fn dir_stamp(&self, d: usize) -> Stamp {
        self.stamp_at(self.at[self.files + d] as usize)
    }

    /// The stamp at `at` in the manifest's bytes (read once already:
    /// whole).
    fn stamp_at(&self, at: usize) -> Stamp {
        Stamp::take(&mut &self.raw[at..]).expect("a stamp read when the manifest was")
    }
}

/// Where `rel` is among the sorted paths `path` gives for `among`.
fn find<'a>(among: std::ops::Range<usize>, path: impl Fn(usize) -> &'a str, rel: &str) -> Option<usize> {
    let at = partition_point(among.clone(), |i| path(i) < rel);
    (at < among.end && path(at) == rel).then_some(at)
}

/// The first of `among` for which `before` is false (it is true for
/// those before it, false for the rest).
fn partition_point(among: std::ops::Range<usize>, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (among.start, among.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The manifest (as `decode`) in `bytes`, as a `Tree`.
pub(super) fn decode_tree(bytes: Vec<u8>) -> Option<Tree> {
    let mut r = bytes.strip_prefix(HEADER)?.strip_suffix(END)?;
    let sealed_ns = i128::from_le_bytes(take(&mut r, 16)?.try_into().ok()?);
    let files = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    let dirs = u64::from_le_bytes(take(&mut r, 8)?.try_into().ok()?) as usize;
    // No more entries than bytes could hold (a damaged count allocates
    // nothing).
    // (A file takes 32 + 14 + 3 bytes at least, a folder 14 + 3.)
    if files.saturating_mul(49).saturating_add(dirs.saturating_mul(17)) > r.len()
        || dirs >= TOP as usize
        || u32::try_from(bytes.len()).is_err()
    {
        return None;
    }
    let mut at: Vec<u32> = Vec::with_capacity(files + dirs);
    let mut ends: Vec<u32> = Vec::with_capacity(files + dirs);
    // As many bytes as the manifest's: its paths in whole take about as
    // many (what is never written to takes no memory).
    let mut names: Vec<u8> = Vec::with_capacity(r.len());
    // Each path after the one before it, greater (sorted, none twice).
    let next = |r: &mut &[u8], names: &mut Vec<u8>, ends: &mut Vec<u32>, first: bool| {
        // Where the path before starts (none before the first).
        let prev = if first {
            names.len()
        } else {
            ends.len().checked_sub(2).map_or(0, |j| ends[j] as usize)
        };
        let start = names.len();
        take_path(r, names, prev)?;
        if !first && names[start..] <= names[prev..start] {
            return None;
        }
        ends.push(u32::try_from(names.len()).ok()?);
        Some(())
    };
    let offset = |r: &[u8]| (bytes.len() - END.len() - r.len()) as u32;
    for i in 0..files {
        at.push(offset(r));
        take(&mut r, 32)?;
        Stamp::take(&mut r)?;
        next(&mut r, &mut names, &mut ends, i == 0)?;
    }
    for i in 0..dirs {
        at.push(offset(r));
        Stamp::take(&mut r)?;
        next(&mut r, &mut names, &mut ends, i == 0)?;
    }
    if !r.is_empty() {
        return None;
    }
    let mut t = Tree {
        sealed_ns,
        files,
        dirs,
        raw: bytes,
        at,
        names: String::from_utf8(names).ok()?,
        ends,
        up: Vec::new(),
    };
    // Each path's own folder listed is enough: that folder's is listed in
    // turn, and so on up. A folder's folder comes before it (a prefix
    // sorts first), most often the one the folder before had; the files'
    // folders come mostly in the folders' order (a page's `index.html`
    // after the one before): found walking on through them (else looked
    // for).
    let mut up = Vec::with_capacity(files + dirs);
    let mut last = None;
    for d in 0..dirs {
        up.push(match parents(t.dir(d)).next() {
            None => TOP,
            Some(p) => match last {
                Some(u) if t.dir(u) == p => u as u32,
                _ => {
                    let u = find(0..d, |i| t.dir(i), p)?;
                    last = Some(u);
                    u as u32
                }
            },
        });
    }
    let mut walk = 0;
    for f in 0..files {
        up.push(match parents(t.file(f)).next() {
            None => TOP,
            Some(p) => {
                while walk < dirs && t.dir(walk) < p {
                    walk += 1;
                }
                if walk < dirs && t.dir(walk) == p {
                    walk as u32
                } else {
                    find(0..dirs, |i| t.dir(i), p)? as u32
                }
            }
        });
    }
    t.up = up;
    Some(t)
}

#[cfg(test)]
mod tests;
