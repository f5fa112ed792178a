//! A cache file's bytes as a build reads them: a large file (the parse
//! record's shards, the page reports' shards, the reviews record, the
//! search terms records, `live`) mapped into memory read-only, a small one
//! read into a buffer.
//!
//! Why map: on a warm build these files are tens of megabytes, read whole
//! once. Read into a fresh buffer, every 4 KB page of it is faulted in,
//! zeroed and then copied into (on the virtual machines polydoc is measured
//! on, a fresh page costs about 3 µs); mapped, the file's pages already in
//! the page cache are mapped as they are (`MAP_POPULATE`: in one call, not
//! a fault per page), neither zeroed nor copied.
//!
//! Why it is sound: the bytes of a mapped file must not change while they
//! are mapped. polydoc never writes a cache file in place: entries and the
//! named records are written under a temporary name and renamed into place
//! (`Cache::write_atomically_with`), and pruning unlinks them; a file
//! replaced or removed by another build while this one reads it stays this
//! build's as it was (the mapping keeps its inode). A file changed in place
//! by another program while mapped would read as it is then: its checksum
//! was checked when it was mapped, and every reader checks lengths and
//! counts (`le_bytes::Reader`), so that is a miss or a wrong value, as any
//! entry that program could write is (the checksum guards against damage,
//! not against someone who can write the cache: `checksum`). One cut
//! shorter while mapped would end the build with `SIGBUS`; the cache folder
//! is polydoc's own (`CACHEDIR.TAG`), written by nothing else.

use std::io::Read as _;
use std::path::Path;

/// Files smaller than this are read: a mapping costs two system calls and
/// a page of address space, more than reading a few kilobytes.
const MAP_FROM: u64 = 64 * 1024;

/// A cache file's value: the bytes after its header.
pub struct Bytes {
    inner: Inner,
    /// Where the value begins in `inner` (after the entry's header).
    start: usize,
}

enum Inner {
    Buf(Vec<u8>),
    #[cfg(unix)]
    Map(Map),
}

/// A read-only private mapping of a whole file, unmapped when dropped.
#[cfg(unix)]
struct Map {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by the `Map`: its bytes are
// never written through it, so sharing or sending it between threads is
// as sound as for a `Box<[u8]>`.
#[cfg(unix)]
unsafe impl Send for Map {}
#[cfg(unix)]
unsafe impl Sync for Map {}

#[cfg(unix)]
impl Map {
    /// The first `len` bytes of `file` (its length when opened), mapped.
    fn of(file: &std::fs::File, len: usize) -> std::io::Result<Map> {
        use std::os::fd::AsRawFd;
        // SAFETY: a new mapping (no address asked for) of an open file
        // descriptor, read-only and private; checked for failure below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_POPULATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let ptr = std::ptr::NonNull::new(ptr.cast::<u8>()).ok_or_else(|| std::io::Error::other("mmap gave null"))?;
        Ok(Map { ptr, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes mapped readable at `ptr` for the life of
        // `self` (unmapped only in `drop`); see the module's note on why
        // they do not change.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

#[cfg(unix)]
impl Drop for Map {
    fn drop(&mut self) {
        // SAFETY: the mapping `of` made, unmapped once; no reference into
        // it outlives `self` (`bytes` borrows it).
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len);
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let all: &[u8] = match &self.inner {
            Inner::Buf(v) => v,
            #[cfg(unix)]
            Inner::Map(m) => m.bytes(),
        };
        &all[self.start..]
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Default for Bytes {
    fn default() -> Bytes {
        Vec::new().into()
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes {
            inner: Inner::Buf(v),
            start: 0,
        }
    }
}

impl Bytes {
    /// The bytes in a buffer of their own (moved when they are one).
    pub fn into_vec(self) -> Vec<u8> {
        match self.inner {
            Inner::Buf(v) if self.start == 0 => v,
            _ => self[..].to_vec(),
        }
    }
}

/// The value of the entry file at `path`, after its header of `header`
/// bytes, which `whole` checks (with the value). `Ok(None)`: not whole.
/// A large file is mapped (`map`), a small one read: its header apart, then
/// its value into a buffer of that length.
pub fn read_value(
    path: &Path,
    header: usize,
    map: bool,
    whole: impl Fn(&[u8], &[u8]) -> bool,
) -> std::io::Result<Option<Bytes>> {
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    if size < header as u64 {
        return Ok(None);
    }
    #[cfg(unix)]
    if map && size >= MAP_FROM {
        let len = usize::try_from(size).map_err(std::io::Error::other)?;
        let m = Map::of(&f, len)?;
        let (head, value) = m.bytes().split_at(header);
        if !whole(head, value) {
            return Ok(None);
        }
        return Ok(Some(Bytes {
            inner: Inner::Map(m),
            start: header,
        }));
    }
    let _ = map;
    let mut head = vec![0u8; header];
    match f.read_exact(&mut head) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        r => r?,
    }
    let len = size - header as u64;
    let mut value = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // (One byte more than the size said: a file that grew since is not
    // whole either.)
    f.take(len.saturating_add(1)).read_to_end(&mut value)?;
    Ok((value.len() as u64 == len && whole(&head, &value)).then(|| value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_files_read_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let whole = |head: &[u8], value: &[u8]| head == b"HD" && value.iter().all(|b| *b == value[0]);
        for (n, map) in [(10usize, true), (200_000, true), (200_000, false)] {
            let p = dir.path().join(format!("f{n}{map}"));
            let mut bytes = b"HD".to_vec();
            bytes.extend(std::iter::repeat_n(7u8, n));
            std::fs::write(&p, &bytes).unwrap();
            let back = read_value(&p, 2, map, whole).unwrap().unwrap();
            assert_eq!(back.len(), n);
            assert!(back.iter().all(|b| *b == 7));
            // Shared between threads, then into a buffer of its own.
            std::thread::scope(|s| {
                s.spawn(|| assert_eq!(back[n - 1], 7));
            });
            assert_eq!(back.into_vec(), vec![7u8; n]);
            // Not whole: refused.
            bytes[n / 2 + 2] = 8;
            std::fs::write(&p, &bytes).unwrap();
            assert!(read_value(&p, 2, map, whole).unwrap().is_none());
        }
        let short = dir.path().join("short");
        std::fs::write(&short, b"H").unwrap();
        assert!(read_value(&short, 2, true, whole).unwrap().is_none());
        assert!(read_value(&dir.path().join("none"), 2, true, whole).is_err());
    }
}
