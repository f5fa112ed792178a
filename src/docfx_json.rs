//! `docfx.json`: a DocFX project file used beside (or instead of)
//! `polydoc.toml`'s content settings. Its `build.content` and
//! `build.resource` globs (with `exclude` and `src`) decide which files are
//! articles and which are copied; `globalMetadata` applies to every article
//! and `fileMetadata` (key -> glob -> value) to the matching ones, the
//! article's own front matter winning. It is looked for in the source
//! locale's folder, then in the site folder; translated trees are matched as
//! if their files were at the same place in the source tree.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::discover::{display_path, FileKind, SourceFile};
use crate::markdown::docfx::include::normalize;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Clone)]
struct FileSet {
    /// Absolute folder the globs are relative to.
    src: PathBuf,
    include: GlobSet,
    exclude: GlobSet,
    /// The `exclude` globs as written, in `exclude`'s order.
    exclude_written: Vec<String>,
}

#[derive(Clone)]
pub struct DocfxProject {
    pub display: String,
    content: Vec<FileSet>,
    resource: Vec<FileSet>,
    global: serde_yaml::Mapping,
    /// (key, glob, value) in file order: later entries win.
    file_meta: Vec<(String, globset::GlobMatcher, serde_yaml::Value)>,
    /// Files of the locale trees that `filter` left out, as (locale, path)
    /// -> why, for messages about links to them.
    pub excluded: std::collections::HashMap<(usize, String), String>,
}

fn absolute(p: &Path) -> PathBuf {
    normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern.trim_start_matches("./"))
        .case_insensitive(true)
        .literal_separator(true)
        .build()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

impl DocfxProject {
    /// Loads the project, if the site has one.
    pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> Option<DocfxProject> {
        let path = [
            config.locales[0].root.join("docfx.json"),
            config.site_root.join("docfx.json"),
        ]
        .into_iter()
        .find(|p| p.is_file())?;
        let display = display_path(&config.site_root, &path);
        let text = match config.fence.read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "docfx-json",
                    display,
                    format!("cannot read docfx.json: {e}"),
                ));
                return None;
            }
        };
        let json: Value = match serde_json::from_str(text.trim_start_matches('\u{FEFF}')).or_else(|e| {
            // DocFX reads docfx.json with a lenient parser: a trailing comma
            // after the last member or element is accepted there.
            let trailing = regex::Regex::new(r"([^\s\[{,])(\s*),(\s*[\]}])").unwrap();
            // Matches cannot overlap (`], }`): repeat until none is left.
            let mut repaired = text.clone();
            loop {
                let next = trailing.replace_all(&repaired, "$1$2$3").into_owned();
                if next == repaired {
                    break;
                }
                repaired = next;
            }
            let v = serde_json::from_str::<Value>(repaired.trim_start_matches('\u{FEFF}')).map_err(|_| e)?;
            let mut d = Diagnostic::warning(
                "docfx-json-lenient",
                &display,
                "docfx.json has a trailing comma; read as DocFX reads it",
            )
            .help("remove the comma after the last member of an object or array");
            if let Some(c) = trailing.captures(&text) {
                let comma = c.get(2).unwrap().end();
                let (l, col) = LineIndex::new(&text).line_col(&text, comma);
                d = d.at(l, col);
            }
            diags.push(d);
            Ok::<Value, serde_json::Error>(v)
        }) {
            Ok(v) => v,
            Err(e) => {
                diags.push(
                    Diagnostic::error("docfx-json", display, format!("docfx.json is not valid JSON: {e}"))
                        .at(e.line(), e.column()),
                );
                return None;
            }
        };
        let lines = LineIndex::new(&text);
        let base = absolute(path.parent().unwrap_or(Path::new(".")));
        let build = &json["build"];
        let bad = |pattern: &str, e: globset::Error, diags: &mut Vec<Diagnostic>| {
            let mut d = Diagnostic::error("docfx-json", &display, format!("bad glob `{pattern}`: {e}"));
            if let Some(i) = text.find(&format!("\"{pattern}\"")) {
                let (l, c) = lines.line_col(&text, i + 1);
                d = d.at(l, c);
            }
            diags.push(d);
        };
        let sets = |key: &str, diags: &mut Vec<Diagnostic>| -> Vec<FileSet> {
            let mut out = Vec::new();
            let Some(entries) = build[key].as_array() else {
                return out;
            };
            for e in entries {
                let src = absolute(&base.join(e["src"].as_str().unwrap_or("")));
                let mut inc = GlobSetBuilder::new();
                for p in strings(e.get("files")) {
                    match glob(&p) {
                        Ok(g) => {
                            inc.add(g);
                        }
                        Err(err) => bad(&p, err, diags),
                    }
                }
                let mut exc = GlobSetBuilder::new();
                let mut exclude_written = Vec::new();
                for p in strings(e.get("exclude")) {
                    match glob(&p) {
                        Ok(g) => {
                            exc.add(g);
                            exclude_written.push(p);
                        }
                        Err(err) => bad(&p, err, diags),
                    }
                }
                if let (Ok(include), Ok(exclude)) = (inc.build(), exc.build()) {
                    out.push(FileSet {
                        src,
                        include,
                        exclude,
                        exclude_written,
                    });
                }
            }
            out
        };
        let content = sets("content", diags);
        let resource = sets("resource", diags);
        let to_yaml = |v: &Value| serde_yaml::to_value(v).unwrap_or(serde_yaml::Value::Null);
        let mut global = serde_yaml::Mapping::new();
        if let Some(m) = build["globalMetadata"].as_object() {
            for (k, v) in m {
                global.insert(serde_yaml::Value::String(k.clone()), to_yaml(v));
            }
        }
        let mut file_meta = Vec::new();
        if let Some(m) = build["fileMetadata"].as_object() {
            for (key, by_glob) in m {
                let Some(by_glob) = by_glob.as_object() else { continue };
                for (pattern, v) in by_glob {
                    match glob(pattern) {
                        Ok(g) => file_meta.push((key.clone(), g.compile_matcher(), to_yaml(v))),
                        Err(err) => bad(pattern, err, diags),
                    }
                }
            }
        }
        Some(DocfxProject {
            display,
            content,
            resource,
            global,
            file_meta,
            excluded: Default::default(),
        })
    }

    /// Where `file` would be in the source tree (translations mirror it).
    fn source_equivalent(config: &Config, file: &SourceFile) -> PathBuf {
        absolute(&config.locales[0].root.join(&file.rel))
    }

    fn matches(sets: &[FileSet], p: &Path) -> bool {
        sets.iter().any(|s| {
            p.strip_prefix(&s.src).is_ok_and(|rel| {
                let rel = rel.to_string_lossy().replace('\\', "/");
                s.include.is_match(&rel) && !s.exclude.is_match(&rel)
            })
        })
    }

    /// Why `p` is not built by `sets`: the first exclude glob that matches
    /// it (when an include glob does), or `None` when no include glob does.
    fn excluded_by(sets: &[FileSet], p: &Path) -> Option<String> {
        sets.iter().find_map(|s| {
            let rel = p.strip_prefix(&s.src).ok()?.to_string_lossy().replace('\\', "/");
            if !s.include.is_match(&rel) {
                return None;
            }
            let i = *s.exclude.matches(&rel).first()?;
            Some(s.exclude_written[i].clone())
        })
    }

    /// Keeps the files the project builds: content (`.md` articles; other
    /// content and resources are copied) and resources. The others are
    /// remembered in `excluded`.
    pub fn filter(&mut self, config: &Config, files: Vec<SourceFile>) -> Vec<SourceFile> {
        let mut excluded = std::collections::HashMap::new();
        let kept = files
            .into_iter()
            .filter_map(|mut f| {
                let p = Self::source_equivalent(config, &f);
                if Self::matches(&self.content, &p) {
                    Some(f)
                } else if Self::matches(&self.resource, &p) {
                    f.kind = FileKind::Asset;
                    Some(f)
                } else {
                    let why =
                        match Self::excluded_by(&self.content, &p).or_else(|| Self::excluded_by(&self.resource, &p)) {
                            Some(g) => format!("excluded by {} (glob `{g}`)", self.display),
                            None => format!("not matched by the `files` globs of {}", self.display),
                        };
                    excluded.insert((f.locale, f.rel), why);
                    None
                }
            })
            .collect();
        self.excluded = excluded;
        kept
    }

    /// The metadata for `file` as a YAML mapping (`fileMetadata` over
    /// `globalMetadata`), or `None` when there is none.
    pub fn metadata(&self, config: &Config, file: &SourceFile) -> Option<serde_yaml::Mapping> {
        let mut m = self.global.clone();
        if !self.file_meta.is_empty() {
            let p = Self::source_equivalent(config, file);
            // fileMetadata globs are relative to the content `src` folders.
            let rels: Vec<String> = self
                .content
                .iter()
                .filter_map(|s| p.strip_prefix(&s.src).ok())
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .collect();
            for (key, matcher, v) in &self.file_meta {
                if rels.iter().any(|r| matcher.is_match(r)) {
                    m.insert(serde_yaml::Value::String(key.clone()), v.clone());
                }
            }
        }
        (!m.is_empty()).then_some(m)
    }
}
