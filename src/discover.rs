//! Discover: walks each locale's tree and lists its articles and assets.
//! Owns the rules for what is a file of the site (hidden files skipped,
//! symlinks never followed out of the site). Reads no file contents.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Article,
    Asset,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub locale: usize,
    /// Path inside the locale tree, `/`-separated (`sspr/policy.md`).
    pub rel: String,
    pub abs: PathBuf,
    /// Path relative to the site root for diagnostics (`articles/nl-nl/x.md`).
    pub display: String,
    pub kind: FileKind,
}

pub struct Discovered {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn discover(config: &Config) -> Discovered {
    // The locales' trees walked at once, each into its own lists, then put
    // together in locale order (as one walk after the other lists them).
    use rayon::prelude::*;
    let walked: Vec<(Vec<SourceFile>, Vec<Diagnostic>)> = (0..config.locales.len())
        .into_par_iter()
        .map(|li| walk(config, li))
        .collect();
    let mut files = Vec::with_capacity(walked.iter().map(|(f, _)| f.len()).sum());
    let mut diagnostics = Vec::new();
    for (f, d) in walked {
        files.extend(f);
        diagnostics.extend(d);
    }
    diagnostics.extend(case_collisions(&files));
    Discovered { files, diagnostics }
}

/// One locale's tree: its files, and what is wrong there.
fn walk(config: &Config, li: usize) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let locale = &config.locales[li];
    {
        let root_display = display_path(&config.site_root, &locale.root);
        if !locale.root.is_dir() {
            let d = if li == 0 {
                Diagnostic::error(
                    "locale-missing",
                    root_display.clone(),
                    format!("the source locale folder `{root_display}` does not exist"),
                )
            } else {
                Diagnostic::warning(
                    "locale-missing",
                    root_display.clone(),
                    format!(
                        "locale `{}` has no folder `{root_display}`: every page falls back to the source",
                        locale.code
                    ),
                )
            };
            diagnostics.push(d.help("create the folder, or set `path` in [locales.<code>] of polydoc.toml"));
            return (files, diagnostics);
        }
        // A locale folder inside the site folder: each file's display path
        // is the folder's and its path in the folder (the same words
        // `display_path` gives, without working them out 20,000 times).
        let prefix = locale
            .root
            .starts_with(&config.site_root)
            .then(|| match root_display.as_str() {
                "" => String::new(),
                d => format!("{d}/"),
            });
        let mut walker = WalkDir::new(&locale.root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let where_ = e.path().map(|p| display_path(&config.site_root, p)).unwrap_or_default();
                    let msg = if e.loop_ancestor().is_some() {
                        "symbolic link loop; skipped".to_string()
                    } else {
                        format!("cannot read: {e}")
                    };
                    diagnostics.push(Diagnostic::warning("discover", where_, msg));
                    continue;
                }
            };
            // A link is followed only when its real path stays in the site;
            // nothing under a link that leaves it is read or copied.
            if entry.path_is_symlink() {
                let inside = config.fence.admit(entry.path()).is_ok();
                if !inside {
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    diagnostics.push(
                        Diagnostic::warning(
                            "symlink-outside",
                            display_path(&config.site_root, entry.path()),
                            "symbolic link points outside the site; not followed",
                        )
                        .help("copy the file into the site, or point the link inside it"),
                    );
                    continue;
                }
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = match rel_under(entry.path(), &locale.root) {
                Some(r) => r,
                None => rel_to_string(entry.path().strip_prefix(&locale.root).unwrap_or(entry.path())),
            };
            let Some(rel) = rel else {
                diagnostics.push(Diagnostic::warning(
                    "discover",
                    display_path(&config.site_root, entry.path()),
                    "file name is not valid UTF-8; skipped",
                ));
                continue;
            };
            if !is_published(&rel) {
                continue;
            }
            let kind = if ends_with_ignore_case(&rel, ".md") {
                FileKind::Article
            } else {
                FileKind::Asset
            };
            files.push(SourceFile {
                locale: li,
                display: match &prefix {
                    Some(p) => {
                        let mut d = String::with_capacity(p.len() + rel.len());
                        d.push_str(p);
                        d.push_str(&rel);
                        d
                    }
                    None => display_path(&config.site_root, entry.path()),
                },
                abs: entry.into_path(),
                rel,
                kind,
            });
        }
    }
    (files, diagnostics)
}

/// Files of one locale whose paths differ only in letter case (`a.png`,
/// `A.png`): both are copied, and on a case-insensitive file system or
/// host (Windows, macOS) one replaces the other.
fn case_collisions(files: &[SourceFile]) -> Vec<Diagnostic> {
    use std::borrow::Cow;
    let mut seen: crate::search::fxhash::FxHashMap<(usize, Cow<str>), &SourceFile> =
        crate::search::fxhash::FxHashMap::with_capacity_and_hasher(files.len(), Default::default());
    let mut out = Vec::new();
    for f in files {
        // (A path in lower-case ASCII already is its own lower case: not
        // copied, as most are.)
        let lower = match f.rel.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            true => Cow::Borrowed(f.rel.as_str()),
            false => Cow::Owned(f.rel.to_lowercase()),
        };
        match seen.entry((f.locale, lower)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(f);
            }
            // Articles are published at lower-case URLs: the site stage
            // reports two on one URL.
            std::collections::hash_map::Entry::Occupied(o)
                if f.kind == FileKind::Article && o.get().kind == FileKind::Article => {}
            std::collections::hash_map::Entry::Occupied(o) => out.push(
                Diagnostic::warning(
                    "case-collision",
                    &f.display,
                    format!(
                        "`{}` and `{}` differ only in letter case: on a case-insensitive file system or web host one replaces the other",
                        f.rel,
                        o.get().rel
                    ),
                )
                .help("rename one of them (Learn URLs are lower case)"),
            ),
        }
    }
    out
}

/// DocFX's conventions: Markdown under an `includes/` folder is only ever
/// included, and `toc.md`/`toc.yml` are navigation, not pages or files.
fn is_published(rel: &str) -> bool {
    // (Letter case ignored, ASCII only: no lower-case copy per file.)
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if ["toc.md", "toc.yml", "docfx.json"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
    {
        return false;
    }
    let in_includes = rel
        .split('/')
        .rev()
        .skip(1)
        .any(|seg| seg.eq_ignore_ascii_case("includes"));
    !(in_includes && ends_with_ignore_case(name, ".md"))
}

/// Whether `s` ends with `end` (lower-case ASCII), ignoring ASCII case.
fn ends_with_ignore_case(s: &str, end: &str) -> bool {
    s.len() >= end.len() && s.as_bytes()[s.len() - end.len()..].eq_ignore_ascii_case(end.as_bytes())
}

/// `path`'s part under `root` as `rel_to_string` makes it (`Some(None)`:
/// not UTF-8), by its bytes, for a path the walk made by joining names to
/// `root` (no `.`, `..` or doubled `/` after it): 20,000 paths a build,
/// where comparing and walking components took 3 ms. `None`: not such a
/// path here, `rel_to_string` decides.
fn rel_under(path: &Path, root: &Path) -> Option<Option<String>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (p, r) = (path.as_os_str().as_bytes(), root.as_os_str().as_bytes());
        let rest = p.strip_prefix(r)?;
        let rest = match r.last() {
            Some(b'/') => rest,
            _ => rest.strip_prefix(b"/")?,
        };
        if rest.is_empty() || rest.starts_with(b"/") || rest.ends_with(b"/") {
            return None;
        }
        Some(std::str::from_utf8(rest).ok().map(str::to_string))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, root);
        None
    }
}

fn rel_to_string(p: &Path) -> Option<String> {
    let mut out = String::with_capacity(p.as_os_str().len());
    for c in p.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(c.as_os_str().to_str()?);
    }
    Some(out)
}

/// A path for messages and reports: relative to the site root, with `..`
/// for a locale tree kept beside it. Never absolute: a build machine's
/// folders are not published.
pub fn display_path(site_root: &Path, p: &Path) -> String {
    if let Ok(rel) = p.strip_prefix(site_root) {
        return rel_to_string(rel).unwrap_or_else(|| rel.to_string_lossy().into_owned());
    }
    let abs = |x: &Path| normalize(&std::path::absolute(x).unwrap_or_else(|_| x.to_path_buf()));
    let (base, target) = (abs(site_root), abs(p));
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Lexically normalises `p` (`.` and `..` removed, no file system access).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::display_path;
    use std::path::Path;

    /// A path's part under its locale folder, by bytes, is what the
    /// components make of it; a path not under it is left to them.
    #[test]
    fn a_path_under_the_locale_folder_is_cut_as_its_components_are() {
        let by_components = |p: &str, root: &str| super::rel_to_string(Path::new(p).strip_prefix(root).unwrap());
        for (p, root) in [
            ("site/articles/en-us/a/b.md", "site/articles/en-us"),
            ("site/articles/en-us/a/b.md", "site/articles/en-us/"),
            ("/abs/de/c d/é.md", "/abs/de"),
            ("x.md", ""),
        ] {
            if root.is_empty() {
                assert_eq!(super::rel_under(Path::new(p), Path::new(root)), None);
                continue;
            }
            assert_eq!(
                super::rel_under(Path::new(p), Path::new(root)),
                Some(by_components(p, root)),
                "{p}"
            );
        }
        assert_eq!(
            super::rel_under(Path::new("site/articles/en-usx/a.md"), Path::new("site/articles/en-us")),
            None
        );
        assert_eq!(
            super::rel_under(Path::new("site/articles/en-us"), Path::new("site/articles/en-us")),
            None
        );
    }

    /// Each file's display path is `display_path`'s, for locale folders in
    /// the site (one written with `..`) and one beside it.
    #[test]
    fn discovered_display_paths_are_display_path_s() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let site = root.join("site");
        for f in [
            "site/articles/en-us/a/b.md",
            "site/de/c.md",
            "site/x/y.png",
            "nl/d/e.md",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "# T\n").unwrap();
        }
        std::fs::write(
            site.join("polydoc.toml"),
            "title = \"T\"\nbase_url = \"https://x.example/\"\nsource_locale = \"en-us\"\n\
             [locales.en-us]\nname = \"E\"\n[locales.nl-nl]\nname = \"N\"\npath = \"../nl\"\n\
             [locales.de-de]\nname = \"D\"\npath = \"./x/../de\"\n",
        )
        .unwrap();
        let config = crate::config::Config::load(&site).unwrap();
        let found = super::discover(&config);
        let mut shown: Vec<&str> = found.files.iter().map(|f| f.display.as_str()).collect();
        for f in &found.files {
            assert_eq!(f.display, display_path(&config.site_root, &f.abs), "{}", f.rel);
        }
        shown.sort();
        assert!(shown.contains(&"articles/en-us/a/b.md"), "{shown:?}");
        assert!(shown.contains(&"../nl/d/e.md"), "{shown:?}");
        assert_eq!(shown.len(), 3, "{shown:?}");
    }

    #[test]
    fn toc_files_and_included_markdown_are_not_published_in_any_letter_case() {
        use super::{ends_with_ignore_case, is_published, rel_to_string};
        for rel in [
            "TOC.md",
            "a/toc.YML",
            "DocFX.json",
            "a/Includes/x.MD",
            "includes/b/x.md",
        ] {
            assert!(!is_published(rel), "{rel}");
        }
        for rel in ["a.md", "includes/x.png", "Includes.md", "a/includes", "toc.md.png"] {
            assert!(is_published(rel), "{rel}");
        }
        assert!(ends_with_ignore_case("a.Md", ".md") && !ends_with_ignore_case("md", ".md"));
        assert!(!ends_with_ignore_case("é", ".md"));
        assert_eq!(rel_to_string(Path::new("a/b/c.md")).unwrap(), "a/b/c.md");
        assert_eq!(rel_to_string(Path::new("c.md")).unwrap(), "c.md");
    }

    #[test]
    fn display_paths_are_never_absolute() {
        assert_eq!(
            display_path(Path::new("/w/site"), Path::new("/w/site/a/b.md")),
            "a/b.md"
        );
        assert_eq!(
            display_path(Path::new("/w/site"), Path::new("/w/other/docs/b.md")),
            "../other/docs/b.md"
        );
        assert_eq!(display_path(Path::new("/w/site"), Path::new("/x.md")), "../../x.md");
    }
}
