//! Reading a TOC file with the TOC files it references expanded in place
//! (`href`/`tocHref` to another `toc.yml` or folder), each file once per
//! build, a TOC capped in entries.

use super::syntax::{parse_md, parse_yml};
use super::{display, RawItem, TOC_NAMES};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::scheme;
use crate::site::relative_url;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Entries one TOC may have with its nested TOC files expanded.
const MAX_TOC_ITEMS: usize = 20_000;

/// Reads TOC files, each once per build: a nested TOC file referenced many
/// times is read, parsed and expanded once, and a TOC is cut (with an error
/// at the reference) when it would grow past `MAX_TOC_ITEMS` entries.
#[derive(Default)]
pub(super) struct Loader {
    /// TOC files with their nested TOC files expanded.
    expanded: HashMap<PathBuf, Vec<RawItem>>,
    /// Entries of the TOC being loaded so far.
    used: usize,
    stack: Vec<PathBuf>,
}

fn count(items: &[RawItem]) -> usize {
    items.iter().map(|i| 1 + count(&i.items)).sum()
}

impl Loader {
    /// Reads a TOC file (`rel` inside the locale tree at `root`), with its
    /// nested TOC files expanded.
    pub(super) fn load(
        &mut self,
        config: &Config,
        path: &Path,
        rel: &str,
        root: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<RawItem> {
        self.used = 0;
        self.stack.clear();
        self.load_inner(config, path, rel, root, diags)
    }

    fn load_inner(
        &mut self,
        config: &Config,
        path: &Path,
        rel: &str,
        root: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<RawItem> {
        if let Some(items) = self.expanded.get(path) {
            return items.clone();
        }
        let shown = display(config, path);
        let text = match config.fence.read_to_string(path) {
            Ok(t) => t.trim_start_matches('\u{FEFF}').to_string(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "toc",
                    shown,
                    format!("cannot read the TOC file: {e}"),
                ));
                return Vec::new();
            }
        };
        if self.stack.contains(&path.to_path_buf()) {
            diags.push(Diagnostic::error(
                "toc",
                shown,
                "this TOC file includes itself through nested TOC references",
            ));
            return Vec::new();
        }
        self.stack.push(path.to_path_buf());
        let mut items = if rel.to_ascii_lowercase().ends_with(".md") {
            parse_md(&text, rel)
        } else {
            parse_yml(&text, rel, &shown, diags)
        };
        self.used += count(&items);
        self.expand_nested(config, &mut items, root, diags);
        self.stack.pop();
        self.expanded.insert(path.to_path_buf(), items.clone());
        items
    }

    /// Replaces `href: sub/toc.yml` / `tocHref:` entries with the nested file's
    /// items, and `href: folder/` with the folder TOC's first link.
    fn expand_nested(&mut self, config: &Config, items: &mut [RawItem], root: &Path, diags: &mut Vec<Diagnostic>) {
        for it in items.iter_mut() {
            self.expand_nested(config, &mut it.items, root, diags);
            let Some(dest) = it.dest.clone() else { continue };
            let Some(nested) = dest.strip_prefix("\u{0}toc:") else {
                continue;
            };
            let (toc, topic) = match nested.split_once('\u{0}') {
                Some((a, b)) => (a.to_string(), (!b.is_empty()).then(|| b.to_string())),
                None => (nested.to_string(), None),
            };
            let Some(nested_rel) = crate::links::join_rel(&it.toc_rel, &toc) else {
                diags.push(
                    Diagnostic::error(
                        "toc",
                        display(config, &root.join(&it.toc_rel)),
                        format!("`{toc}` is outside the locale folder"),
                    )
                    .at(it.line, it.column),
                );
                it.dest = topic;
                continue;
            };
            let folder = toc.ends_with('/');
            let file = if folder {
                TOC_NAMES
                    .iter()
                    .map(|n| format!("{nested_rel}{n}"))
                    .find(|r| root.join(r).is_file())
            } else {
                Some(nested_rel.clone())
            };
            match file.filter(|r| root.join(r).is_file()) {
                Some(r) if config.fence.admit(&root.join(&r)).is_err() => {
                    diags.push(
                        Diagnostic::error(
                            "toc",
                            display(config, &root.join(&it.toc_rel)),
                            format!(
                                "TOC entry \"{}\": `{toc}` leaves the site: its real path (symbolic links resolved) is outside the site folder and the locale folders",
                                it.name
                            ),
                        )
                        .at(it.line, it.column),
                    );
                    it.dest = topic;
                }
                Some(r) => {
                    let cached = self.expanded.contains_key(&root.join(&r));
                    let children = self.load_inner(config, &root.join(&r), &r, root, diags);
                    if folder {
                        // A folder link: the item points at the folder TOC's first page.
                        it.dest =
                            topic.or_else(|| first_dest(&children).map(|(d, base)| rebase(&d, &base, &it.toc_rel)));
                        if it.dest.is_none() {
                            it.dest = Some(toc.clone());
                        }
                    } else {
                        // A fresh load counted its entries as it went.
                        let n = if cached { count(&children) } else { 0 };
                        if self.used + n > MAX_TOC_ITEMS {
                            diags.push(
                                Diagnostic::error(
                                    "toc",
                                    display(config, &root.join(&it.toc_rel)),
                                    format!(
                                        "TOC entry \"{}\": with `{toc}` expanded the TOC would have more than {MAX_TOC_ITEMS} entries; it is left out",
                                        it.name
                                    ),
                                )
                                .at(it.line, it.column)
                                .help("nested TOC files are referenced too many times (a TOC that references others several times, over several levels)"),
                            );
                        } else {
                            self.used += n;
                            it.items.extend(children);
                        }
                        it.dest = topic;
                    }
                }
                None if folder => it.dest = Some(topic.unwrap_or(toc)),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "link-missing-file",
                            display(config, &root.join(&it.toc_rel)),
                            format!("TOC entry \"{}\": no TOC file `{toc}`", it.name),
                        )
                        .at(it.line, it.column),
                    );
                    it.dest = topic;
                }
            }
        }
    }
}

fn first_dest(items: &[RawItem]) -> Option<(String, String)> {
    for it in items {
        if let Some(d) = &it.dest {
            if scheme(d).is_none() {
                return Some((d.clone(), it.toc_rel.clone()));
            }
        }
        if let Some(x) = first_dest(&it.items) {
            return Some(x);
        }
    }
    None
}

/// `dest` written in the TOC at `from_toc`, rewritten relative to `to_toc`.
fn rebase(dest: &str, from_toc: &str, to_toc: &str) -> String {
    match crate::links::join_rel(from_toc, dest) {
        Some(abs) => {
            let dir = match to_toc.rfind('/') {
                Some(i) => &to_toc[..=i],
                None => "",
            };
            relative_url(dir, &abs)
        }
        None => dest.to_string(),
    }
}
