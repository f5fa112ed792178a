//! The publishing configuration of a Microsoft Learn repository
//! (`.openpublishing.publish.config.json` at its root): where the
//! repository root is, which redirection files it lists, and the dependent
//! repositories it clones beside the docset (code samples live there).
//! Reads only that one file; knows nothing of articles.

use std::path::{Path, PathBuf};

pub const PUBLISH_CONFIG: &str = ".openpublishing.publish.config.json";

/// The repository root above (or at) `start` (a folder or a file that may
/// not exist): the nearest existing folder holding `.git` or the
/// publishing configuration.
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    let start = crate::fence::real_path(start);
    start
        .ancestors()
        .find(|d| d.join(".git").exists() || d.join(PUBLISH_CONFIG).is_file())
        .map(Path::to_path_buf)
}

fn config(root: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(root.join(PUBLISH_CONFIG)).ok()?;
    serde_json::from_str(text.trim_start_matches('\u{FEFF}')).ok()
}

/// The publishing configuration of the repository at `root`, when it has
/// one that is not JSON: an error at its line and column (polydoc then
/// reads no redirection files, dependent repositories or docsets from it).
pub fn config_problem(root: &Path, site_root: &Path) -> Option<crate::diagnostics::Diagnostic> {
    let path = root.join(PUBLISH_CONFIG);
    let text = std::fs::read_to_string(&path).ok()?;
    let e = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{FEFF}')).err()?;
    Some(
        crate::diagnostics::Diagnostic::warning(
            "publish-config",
            crate::discover::display_path(site_root, &path),
            format!("{PUBLISH_CONFIG} is not valid JSON: {e}; its redirection files, dependent repositories and docsets are not read"),
        )
        .at(e.line().max(1), e.column().max(1))
        .help("fix the JSON at the position shown"),
    )
}

/// `key`'s array of strings at the top of the configuration and in each
/// `docsets_to_publish` entry.
fn lists<'v>(v: &'v serde_json::Value, key: &str) -> Vec<&'v serde_json::Value> {
    std::iter::once(&v[key])
        .chain(
            v["docsets_to_publish"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| &d[key]),
        )
        .flat_map(|l| l.as_array().into_iter().flatten())
        .collect()
}

/// The redirection files of the repository at `root`: those its
/// configuration lists (`redirection_files`), then
/// `.openpublishing.redirection.json`; the ones that exist inside `root`,
/// each once.
pub fn redirection_files(root: &Path) -> Vec<PathBuf> {
    let mut names: Vec<String> = config(root)
        .map(|v| {
            lists(&v, "redirection_files")
                .into_iter()
                .filter_map(|x| x.as_str().map(|s| s.replace('\\', "/")))
                .collect()
        })
        .unwrap_or_default();
    names.push(crate::links::redirects::DEFAULT_FILE.to_string());
    let mut out: Vec<PathBuf> = Vec::new();
    for n in names {
        let p = crate::discover::normalize(&root.join(n.trim_start_matches('/')));
        if p.starts_with(root) && p.is_file() && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The docset folders of the repository whose root is `root`, as its
/// configuration lists them (`docsets_to_publish`, each one's
/// `build_source_folder`), inside `root`; empty when it lists none.
/// Learn publishes what is inside them and nothing else of the repository.
pub fn docset_folders(root: &Path) -> Vec<PathBuf> {
    let Some(v) = config(root) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = v["docsets_to_publish"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["build_source_folder"].as_str())
        .map(|f| crate::discover::normalize(&root.join(f.replace('\\', "/").trim_matches('/'))))
        .filter(|p| p.starts_with(root))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A dependent repository (`dependent_repositories`: cloned at
/// `path_to_root` inside the repository when Learn builds it).
#[derive(Debug, Clone)]
pub struct Dependent {
    /// Where it is cloned.
    pub folder: PathBuf,
    pub url: String,
}

/// The dependent repository `path` (absolute, normalised) lies in, if any.
pub fn dependent_repository(path: &Path) -> Option<Dependent> {
    let root = repository_root(path)?;
    let v = config(&root)?;
    let deps = v["dependent_repositories"].as_array()?;
    deps.iter().find_map(|d| {
        let at = d["path_to_root"].as_str()?.replace('\\', "/");
        let folder = crate::discover::normalize(&root.join(at.trim_matches('/')));
        (folder != root && folder.starts_with(&root) && path.starts_with(&folder)).then(|| Dependent {
            folder,
            url: d["url"].as_str().unwrap_or("").to_string(),
        })
    })
}
