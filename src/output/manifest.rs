//! The manifest a keyed build (`--cache`) leaves in its output folder
//! (`.polydoc-manifest`, beside the marker): every file it wrote, with the
//! key of its content and what the file looked like on disk once written
//! (size, modification time, inode). The next keyed build into the same
//! folder checks the folder against it (`Previous::scan`): a file still as
//! it was and made under the same key again is neither rendered from the
//! cache nor written; anything else in the folder (a file changed or added
//! by hand, a folder left empty) is removed at commit.
//!
//! The manifest holds relative paths and hashes only: nothing of the build
//! machine, nothing of the diagnostics.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

pub const MANIFEST: &str = ".polydoc-manifest";
const HEADER: &str = "polydoc-manifest 1";

/// What a file looked like once written: a file replaced or edited since
/// (in place or by rename) shows another stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime_ns: i128,
    ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: meta.len(),
                mtime_ns: meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                size: meta.len(),
                mtime_ns,
                ino: 0,
            }
        }
    }
}

/// One file of the output: the key its content was made under, and its
/// stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: [u8; 32],
    pub stamp: Stamp,
}

/// The key of content that carries no key of its own: its SHA-256.
pub fn content_key(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"output-bytes\0");
    h.update(bytes);
    h.finalize().into()
}

/// A path as the manifest may name it: relative, `/`-separated, no `..`.
fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

pub fn encode(files: &HashMap<String, Entry>) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    let mut s = String::with_capacity(files.len() * 120);
    s.push_str(HEADER);
    s.push('\n');
    for p in paths {
        let e = &files[p];
        let _ = writeln!(
            s,
            "{} {} {} {} {p}",
            crate::cache::hex(&e.key),
            e.stamp.size,
            e.stamp.mtime_ns,
            e.stamp.ino
        );
    }
    let _ = writeln!(s, "end {}", files.len());
    s.into_bytes()
}

/// The manifest's files, or `None` when it is not one whole (a missing
/// end line: cut short).
pub fn decode(bytes: &[u8]) -> Option<HashMap<String, Entry>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut files = HashMap::new();
    for line in lines {
        if let Some(n) = line.strip_prefix("end ") {
            return (n.parse::<usize>().ok()? == files.len()).then_some(files);
        }
        let mut parts = line.splitn(5, ' ');
        let key = crate::cache::unhex(parts.next()?)?;
        let size = parts.next()?.parse().ok()?;
        let mtime_ns = parts.next()?.parse().ok()?;
        let ino = parts.next()?.parse().ok()?;
        let path = parts.next()?;
        if !plain(path) {
            return None;
        }
        files.insert(
            path.to_string(),
            Entry {
                key,
                stamp: Stamp { size, mtime_ns, ino },
            },
        );
    }
    None
}

/// The output folder as the previous keyed build left it, checked file by
/// file against its manifest.
#[derive(Default)]
pub struct Previous {
    /// Files as the manifest says, by relative path.
    pub files: HashMap<String, Entry>,
    /// Everything else found in the folder (relative paths): files
    /// unknown or changed since, symbolic links.
    pub stray: Vec<String>,
    /// The folders found (parents before their children): those left empty
    /// at commit are removed.
    pub dirs: Vec<String>,
    /// The folders that held nothing.
    pub empty_dirs: Vec<String>,
}

impl Previous {
    /// Reads `out`'s manifest and checks the folder against it. `None`
    /// when the folder is not a keyed build's output (no marker, or no
    /// whole manifest): it is then written in full.
    pub fn scan(out: &Path) -> Option<Previous> {
        if !out.join(super::MARKER).is_file() {
            return None;
        }
        let mut listed = decode(&std::fs::read(out.join(MANIFEST)).ok()?)?;
        let mut prev = Previous {
            files: HashMap::with_capacity(listed.len()),
            ..Previous::default()
        };
        // Folder by folder (parents before their children); a file's
        // metadata is read only when the manifest lists it.
        let mut folders: Vec<String> = vec![String::new()];
        while let Some(dir) = folders.pop() {
            let abs = if dir.is_empty() {
                out.to_path_buf()
            } else {
                out.join(&dir)
            };
            let mut empty = true;
            for e in std::fs::read_dir(&abs).ok()? {
                let e = e.ok()?;
                empty = false;
                let name = e.file_name();
                let name = name.to_string_lossy();
                let rel = if dir.is_empty() {
                    if name == super::MARKER || name == MANIFEST {
                        continue;
                    }
                    name.into_owned()
                } else {
                    format!("{dir}/{name}")
                };
                let ty = e.file_type().ok()?;
                if ty.is_dir() {
                    prev.dirs.push(rel.clone());
                    folders.push(rel);
                    continue;
                }
                let same = ty.is_file()
                    && listed
                        .get(&rel)
                        .is_some_and(|l| e.metadata().is_ok_and(|m| Stamp::of(&m) == l.stamp));
                match listed.remove_entry(&rel) {
                    Some((rel, entry)) if same => {
                        prev.files.insert(rel, entry);
                    }
                    _ => prev.stray.push(rel),
                }
            }
            if empty && !dir.is_empty() {
                prev.empty_dirs.push(dir);
            }
        }
        Some(prev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_a_cut_or_hostile_one_is_refused() {
        let mut files = HashMap::new();
        let stamp = Stamp {
            size: 12,
            mtime_ns: -5,
            ino: 9,
        };
        files.insert("en-us/a b/index.html".to_string(), Entry { key: [3; 32], stamp });
        files.insert("sitemap.xml".to_string(), Entry { key: [4; 32], stamp });
        let bytes = encode(&files);
        assert_eq!(decode(&bytes), Some(files));
        let text = String::from_utf8(bytes).unwrap();
        let cut = text.rsplit_once("end ").unwrap().0;
        assert_eq!(decode(cut.as_bytes()), None);
        let hostile = text.replace("sitemap.xml", "../sitemap.xml");
        assert_eq!(decode(hostile.as_bytes()), None);
    }
}
