//! The theme's files: the built-in default theme, compiled into the binary
//! from the repository's `themes/default/`, under the site's own
//! `themes/<name>/` folder, file by file. A site may override one template,
//! one stylesheet, one static file or one strings file and keep the rest
//! built in; a site with no `themes/` folder builds with the built-in theme.
//! Knows nothing of what the files mean (see `render` and `i18n`).

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in theme. `build.rs` at the repository root tells Cargo to
/// rebuild when a file is added under `themes/default/` (`include_dir`
/// alone only notices changes to files it already embedded).
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name of the built-in theme.
pub const BUILTIN_NAME: &str = "default";

/// Where one theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The site's own file (`themes/<name>/<rel>`), an override.
    Site(PathBuf),
    /// The built-in file's bytes.
    Builtin(&'static [u8]),
}

/// The theme of one site: its folder (which may not exist) over the
/// built-in files.
#[derive(Debug, Clone)]
pub struct ThemeFiles {
    /// `themes/<name>/` in the site; it need not exist.
    pub dir: PathBuf,
    /// How `dir` is shown in diagnostics (relative to the site).
    pub shown: String,
}

impl ThemeFiles {
    /// The site's theme. A theme other than `default` must have its folder
    /// (a misspelt name would otherwise silently build with the default).
    pub fn for_site(config: &Config) -> Result<ThemeFiles, Diagnostic> {
        let dir = config.theme_dir();
        let shown = crate::discover::display_path(&config.site_root, &dir);
        if config.theme != BUILTIN_NAME && !dir.is_dir() {
            return Err(Diagnostic::error(
                "theme",
                crate::config::CONFIG_FILE,
                format!("theme `{}` not found: there is no {shown}/ folder", config.theme),
            )
            .help(format!(
                "create {shown}/ with the files you want to change (the rest comes from the built-in theme; \
                 `polydoc theme eject {}` writes all of it out), or remove `theme` from polydoc.toml",
                config.theme
            )));
        }
        Ok(ThemeFiles { dir, shown })
    }

    /// One file by its `/`-separated path in the theme (`templates/page.html`):
    /// the site's own if it has it, else the built-in one.
    pub fn get(&self, rel: &str) -> Option<Source> {
        let own = self.dir.join(rel);
        if own.is_file() {
            return Some(Source::Site(own));
        }
        BUILTIN.get_file(rel).map(|f| Source::Builtin(f.contents()))
    }

    /// The built-in version of a file only.
    pub fn builtin(rel: &str) -> Option<&'static [u8]> {
        BUILTIN.get_file(rel).map(|f| f.contents())
    }

    /// Every file under `folder` (`static`, `templates`), recursively, keyed
    /// by its path below `folder`: the built-in ones with the site's files
    /// over them. Hidden files and folders are skipped.
    pub fn list(&self, folder: &str) -> BTreeMap<String, Source> {
        let mut out = BTreeMap::new();
        if let Some(d) = BUILTIN.get_dir(folder) {
            builtin_files(d, &mut |path, bytes| {
                if let Ok(rel) = path.strip_prefix(folder) {
                    let rel = slash(rel);
                    if !hidden(&rel) {
                        out.insert(rel, Source::Builtin(bytes));
                    }
                }
            });
        }
        let root = self.dir.join(folder);
        let walker = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for e in walker.flatten() {
            if e.file_type().is_file() {
                if let Ok(rel) = e.path().strip_prefix(&root) {
                    out.insert(slash(rel), Source::Site(e.path().to_path_buf()));
                }
            }
        }
        out
    }

    /// How a file is shown in diagnostics.
    pub fn show(&self, rel: &str, source: &Source) -> String {
        match source {
            Source::Site(_) => format!("{}/{rel}", self.shown),
            Source::Builtin(_) => format!("(built-in theme)/{rel}"),
        }
    }
}

impl Source {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::Site(p) => std::fs::read(p),
            Source::Builtin(b) => Ok(b.to_vec()),
        }
    }

    pub fn read_string(&self) -> std::io::Result<String> {
        String::from_utf8(self.read()?).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

/// Every built-in file, as (path in the theme, bytes).
pub fn builtin_all() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    builtin_files(&BUILTIN, &mut |path, bytes| {
        let rel = slash(path);
        if !hidden(&rel) {
            out.push((rel, bytes));
        }
    });
    out.sort();
    out
}

fn builtin_files(dir: &'static Dir<'static>, f: &mut dyn FnMut(&'static Path, &'static [u8])) {
    for file in dir.files() {
        f(file.path(), file.contents());
    }
    for sub in dir.dirs() {
        builtin_files(sub, f);
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn hidden(rel: &str) -> bool {
    rel.split('/').any(|s| s.starts_with('.'))
}

/// What `polydoc theme eject` did or would do.
pub struct Eject {
    /// Files written (relative to the site folder).
    pub written: Vec<String>,
    /// Files that already exist and were left alone (without `force`).
    pub existing: Vec<String>,
}

/// Writes the built-in theme into `<site>/themes/<name>/`. Without `force`,
/// writes nothing at all when any of its files already exists (and says
/// which). Each file is written to a temporary name and renamed.
pub fn eject(site_root: &Path, name: &str, force: bool) -> std::io::Result<Eject> {
    let dir = site_root.join("themes").join(name);
    let files = builtin_all();
    let shown = |rel: &str| format!("themes/{name}/{rel}");
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| shown(rel))
        .collect();
    if !existing.is_empty() && !force {
        return Ok(Eject {
            written: Vec::new(),
            existing,
        });
    }
    let mut written = Vec::new();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        let parent = path.parent().unwrap_or(&dir);
        std::fs::create_dir_all(parent)?;
        let tmp = parent.join(format!(
            ".{}.polydoc-tmp",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&tmp, bytes)?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        written.push(shown(rel));
    }
    Ok(Eject { written, existing })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_theme_has_the_required_templates_and_no_hidden_files() {
        let all = builtin_all();
        for name in crate::render::TEMPLATES {
            let rel = format!("templates/{name}");
            assert!(all.iter().any(|(r, _)| *r == rel), "{rel} is not built in");
        }
        assert!(all.iter().any(|(r, _)| r == "static/css/site.css"));
        assert!(all.iter().all(|(r, _)| !hidden(r)));
    }
}
