//! Code snippets pulled from files of the site:
//! `:::code language="csharp" source="x.cs" range="3-5" highlight="2"
//! id="snippet" interactive="...":::` and
//! `[!code-csharp[name](x.cs#region?highlight=2 "title")]` (`#L3-L5`,
//! `#tag`, `?name=`, `?start=&end=`, `?range=`, `?highlight=`, `?dedent=`).
//! A region is a `<tag>` ... `</tag>` pair in a comment of any language
//! DocFX knows (`//`, `'`, `#`, `--`, `<!-- -->`, `/* */`, `(* *)`, `rem`,
//! `::`, `%`, `;`) or `#region tag` ... `#endregion` (VB's `#Region "tag"`,
//! C++'s `#pragma region`); the tag lines themselves are left out, and the
//! code is dedented. A snippet that cannot be read is an error and shows a
//! note, never its syntax. `[!notebook-python[](x.ipynb?name=cell)]`
//! takes the source of a Jupyter notebook's cell (named in its metadata).

use super::attrs::get;
use super::code_lines::{dedent, language_of, ranges, region};
use super::include::{read, resolve, Resolved};
use super::prepare::{CodeRef, Directive};
use super::{Doc, Ev};
use crate::markdown::highlight::{code_block_with, html_escape};
use regex::Regex;
use std::sync::OnceLock;

const KNOWN: [&str; 6] = ["language", "source", "range", "id", "highlight", "interactive"];

struct Request {
    path: String,
    path_off: usize,
    lang: String,
    /// 1-based inclusive line ranges (`None` end: to the last line).
    range: Option<(String, usize)>,
    tag: Option<(String, usize)>,
    highlight: Option<(String, usize)>,
    dedent: Option<usize>,
    interactive: String,
    title: String,
    name: String,
}

pub fn render(doc: &mut Doc, file: usize, d: &Directive, c: &CodeRef, out: &mut Vec<Ev>) {
    let Some(req) = request(doc, file, d, c) else {
        return if d.block {
            doc.as_text_quiet(file, d, out)
        } else {
            doc.inline_text_quiet(file, d, out)
        };
    };
    let code = match picked_code(doc, file, &req, c) {
        Ok(code) => code,
        Err(f) => {
            if f.warning {
                doc.warning(file, f.off, f.code, f.message, f.help);
            } else {
                doc.error(file, f.off, f.code, f.message, f.help);
            }
            // Readers get a note where the code would be, not the syntax.
            let name = req.path.rsplit('/').next().unwrap_or(&req.path);
            let what = match &req.tag {
                Some((tag, _)) => format!("{name} ({tag})"),
                None => name.to_string(),
            };
            let html = format!(
                "<p class=\"code-unavailable\">{} <code>{}</code></p>\n",
                super::string_ref("code_unavailable"),
                html_escape(&what)
            );
            return out.push(doc.html_at(file, d.off, html));
        }
    };
    if let Some((spec, off)) = &req.highlight {
        if let Err(why) = ranges(spec, usize::MAX) {
            doc.error(
                file,
                *off,
                "code-range",
                format!("bad highlight range `{spec}`: {why}"),
                "write ranges like 2, 5-7 or 9-",
            );
        }
    }
    let mut extra = String::new();
    if !req.name.is_empty() {
        extra.push_str(&format!(" data-name=\"{}\"", html_escape(&req.name)));
    }
    if !req.title.is_empty() {
        extra.push_str(&format!(" title=\"{}\"", html_escape(&req.title)));
    }
    if let Some((h, _)) = &req.highlight {
        extra.push_str(&format!(" data-highlight-lines=\"{}\"", html_escape(h)));
    }
    if !req.interactive.is_empty() {
        extra.push_str(&format!(" data-interactive=\"{}\"", html_escape(&req.interactive)));
    }
    let lang = if req.lang.is_empty() {
        language_of(&req.path).to_string()
    } else {
        req.lang.clone()
    };
    let mut html = code_block_with(&code, &lang, &extra);
    if let Some((h, _)) = &req.highlight {
        // The highlighted lines, marked by bands behind the text (static
        // HTML and CSS: `.hl-lines` in the theme; a line is 1.5em).
        if let Ok(r) = ranges(h, code.lines().count().max(1)) {
            let bands: String = r
                .iter()
                .map(|(a, b)| {
                    format!("<span class=\"hl-lines\" aria-hidden=\"true\" style=\"--from:{a};--to:{b}\"></span>")
                })
                .collect();
            html = html.replacen("</code></pre>", &format!("</code>{bands}</pre>"), 1);
        }
    }
    out.push(doc.html_at(file, d.off, html));
}

/// Why a snippet cannot be shown: an error (or a warning) at `off` in the
/// article.
struct Fail {
    off: usize,
    code: &'static str,
    message: String,
    help: &'static str,
    warning: bool,
}

fn outside(req: &Request) -> Fail {
    Fail {
        off: req.path_off,
        code: "code-outside",
        message: format!(
            "code file `{}` leaves the site: its real path (symbolic links resolved) is outside the site folder and the locale folders",
            req.path
        ),
        help: "code files must be inside the locale folder or the site folder; copy the file into the site",
        warning: false,
    }
}

/// A code file's bytes as text. Control characters (some are polydoc's own
/// markers, none belongs in HTML) become spaces, with a warning at the
/// first one in the code file.
fn code_text(doc: &mut Doc, bytes: &[u8], abs: &std::path::Path) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{FEFF}');
    let display = crate::discover::display_path(doc.env.map_or(std::path::Path::new(""), |e| e.site_root), abs);
    let mut diags = Vec::new();
    let clean = crate::parse::without_controls(text.to_string(), &display, &mut diags);
    doc.diags.extend(diags);
    clean
}

/// The snippet's code: the file read (or the notebook's cell), the region
/// or lines picked, dedented.
fn picked_code(doc: &mut Doc, file: usize, req: &Request, c: &CodeRef) -> Result<String, Fail> {
    let text = match resolve(doc, file, &req.path) {
        Resolved::Found { abs, .. } => match read(doc, &abs) {
            Ok(b) => code_text(doc, &b, &abs),
            Err(e) => {
                return Err(Fail {
                    off: req.path_off,
                    code: "code-missing",
                    message: format!("cannot read `{}`: {e}", req.path),
                    help: "",
                    warning: false,
                });
            }
        },
        Resolved::Outside(abs) => {
            // Where dependent repositories are is not something the build
            // cache checks again: this page is parsed on every build.
            crate::fence::uncheckable();
            // Learn clones the repositories the publishing configuration
            // names beside the docset: samples often live there. A
            // translation takes them from the source's repository.
            let found = crate::publishing::dependent_repository(&abs)
                .map(|d| (d, abs.clone()))
                .or_else(|| {
                    let env = doc.env?;
                    let src = env.source_root?;
                    let absolute = |p: &std::path::Path| {
                        crate::discover::normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
                    };
                    let rel = super::include::rel_path(&absolute(env.locale_root), &abs);
                    let alt = crate::discover::normalize(&absolute(src).join(rel));
                    crate::publishing::dependent_repository(&alt).map(|d| (d, alt))
                });
            if let Some((dep, abs)) = found {
                if !abs.exists() {
                    return Err(Fail {
                        off: req.path_off,
                        code: "code-unavailable",
                        message: format!(
                            "code file `{}` is in the dependent repository {} (cloned at `{}` when Learn builds), which this checkout does not have",
                            req.path,
                            dep.url,
                            crate::discover::display_path(doc.env.map_or(std::path::Path::new(""), |e| e.site_root), &dep.folder)
                        ),
                        help: "clone that repository there to show the sample; readers of this build see a note instead",
                        warning: true,
                    });
                }
                // Inside the dependent repository (its real path too).
                if let Ok(b) = crate::fence::Fence::new([dep.folder.as_path()]).read(&abs) {
                    code_text(doc, &b, &abs)
                } else {
                    return Err(outside(req));
                }
            } else {
                return Err(outside(req));
            }
        }
        Resolved::Missing(_) => {
            return Err(Fail {
                off: req.path_off,
                code: "code-missing",
                message: format!("code file `{}` does not exist", req.path),
                help: "the path is relative to the article",
                warning: false,
            });
        }
    };
    let (text, tag) = if c.notebook {
        // The cell is the snippet; ranges and highlights count its lines.
        let Some((name, off)) = &req.tag else {
            return Err(Fail {
                off: req.path_off,
                code: "code-region",
                message: format!("notebook snippet `{}` names no cell", req.path),
                help: "add ?name=<cell>: the name in the cell's metadata (or one of its tags)",
                warning: false,
            });
        };
        match notebook_cell(&text, name) {
            Ok(source) => (source, None),
            Err(why) => {
                return Err(Fail {
                    off: *off,
                    code: "code-region",
                    message: format!("`{}`: {why}", req.path),
                    help: "",
                    warning: false,
                });
            }
        }
    } else {
        (text, req.tag.clone())
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut picked: Vec<&str> = if let Some((tag, off)) = &tag {
        match region(&lines, tag) {
            Some(v) => v,
            None => {
                return Err(Fail {
 off: *off,
 code: "code-region",
 message: format!("`{}` has no region or snippet tag `{tag}`", req.path),
 help: "mark it with `// <tag>` ... `// </tag>` (in the file's comment style) or `#region tag` ... `#endregion`",
 warning: false,
});
            }
        }
    } else {
        lines.clone()
    };
    if let Some((spec, off)) = &req.range {
        match ranges(spec, picked.len()) {
            Ok(rs) => {
                picked = rs.into_iter().flat_map(|(a, b)| picked[a - 1..b].to_vec()).collect();
            }
            Err(why) => {
                return Err(Fail {
                    off: *off,
                    code: "code-range",
                    message: format!("bad line range `{spec}` for `{}`: {why}", req.path),
                    help: "write ranges like 3-5, 7 or 9- (1-based, inclusive)",
                    warning: false,
                });
            }
        }
    }
    Ok(dedent(&picked, req.dedent))
}

/// The source of the notebook cell named `name` (`metadata.name`, or one of
/// `metadata.tags`), from a Jupyter notebook's JSON.
fn notebook_cell(json: &str, name: &str) -> Result<String, String> {
    let nb: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("is not a Jupyter notebook (line {}: {e})", e.line()))?;
    let cells = nb["cells"].as_array().ok_or("is not a Jupyter notebook (no `cells`)")?;
    let named = |c: &&serde_json::Value| {
        let m = &c["metadata"];
        m["name"].as_str() == Some(name)
            || m["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name)))
    };
    let cell = cells
        .iter()
        .find(named)
        .ok_or_else(|| format!("has no cell named `{name}`"))?;
    Ok(match &cell["source"] {
        serde_json::Value::Array(parts) => parts.iter().filter_map(|p| p.as_str()).collect(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    })
}

fn request(doc: &mut Doc, file: usize, d: &Directive, c: &CodeRef) -> Option<Request> {
    if !c.legacy {
        if let Some(a) = c.attrs.iter().find(|a| !KNOWN.contains(&a.name.as_str())) {
            doc.error(
                file,
                a.off,
                "docfx-syntax",
                format!("`:::code` has no attribute `{}`", a.name),
                "known: language, source, range, id, highlight, interactive",
            );
            return None;
        }
        let Some(source) = get(&c.attrs, "source") else {
            doc.error(
                file,
                d.off,
                "code-source",
                "`:::code` has no `source`".into(),
                "add source=\"path/to/file\"",
            );
            return None;
        };
        let range = get(&c.attrs, "range").map(|a| (a.value.clone(), a.off));
        let tag = get(&c.attrs, "id").map(|a| (a.value.clone(), a.off));
        if range.is_some() && tag.is_some() {
            let off = get(&c.attrs, "range").unwrap().off;
            doc.error(
                file,
                off,
                "docfx-syntax",
                "`:::code` takes `range` or `id`, not both".into(),
                "",
            );
            return None;
        }
        return Some(Request {
            path: source.value.clone(),
            path_off: source.off,
            lang: get(&c.attrs, "language").map_or(String::new(), |a| a.value.clone()),
            range,
            tag,
            highlight: get(&c.attrs, "highlight").map(|a| (a.value.clone(), a.off)),
            dedent: None,
            interactive: get(&c.attrs, "interactive").map_or(String::new(), |a| a.value.clone()),
            title: String::new(),
            name: String::new(),
        });
    }
    // [!code-lang[name](path#frag?query "title")]
    let t = &c.target;
    let (before_q, query) = match t.find('?') {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t.as_str(), ""),
    };
    let (path, frag) = match before_q.find('#') {
        Some(i) => (&before_q[..i], &before_q[i + 1..]),
        None => (before_q, ""),
    };
    // A fragment after the query: `x.cs?highlight=2#tag`.
    let (query, frag) = match (frag.is_empty(), query.find('#')) {
        (true, Some(i)) => (&query[..i], &query[i + 1..]),
        _ => (query, frag),
    };
    let frag_off = c.target_off + t.find('#').map_or(0, |i| i + 1);
    let query_off = |key: &str| c.target_off + t.find(&format!("{key}=")).map_or(0, |i| i + key.len() + 1);
    let mut req = Request {
        path: path.to_string(),
        path_off: c.target_off,
        lang: c.lang.clone(),
        range: None,
        tag: None,
        highlight: None,
        dedent: None,
        interactive: String::new(),
        title: c.title.clone(),
        name: c.name.clone(),
    };
    if !frag.is_empty() {
        if let Some(caps) = line_frag_re().captures(frag) {
            let end = caps.get(2).map_or(String::new(), |m| m.as_str().to_string());
            req.range = Some((format!("{}-{end}", &caps[1]), frag_off));
        } else {
            req.tag = Some((frag.to_string(), frag_off));
        }
    }
    let (mut start, mut end) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k.to_ascii_lowercase().as_str() {
            "name" => req.tag = Some((v.to_string(), query_off("name"))),
            "range" => req.range = Some((v.to_string(), query_off("range"))),
            "highlight" => req.highlight = Some((v.to_string(), query_off("highlight"))),
            "start" => start = Some(v.to_string()),
            "end" => end = Some(v.to_string()),
            "dedent" => match v.parse() {
                Ok(n) => req.dedent = Some(n),
                Err(_) => {
                    doc.error(
                        file,
                        query_off("dedent"),
                        "code-range",
                        format!("dedent `{v}` is not a number"),
                        "",
                    );
                    return None;
                }
            },
            other => doc.warning(
                file,
                c.target_off,
                "docfx-syntax",
                format!("code snippet option `{other}` is not known; ignored"),
                "known: name, range, highlight, start, end, dedent",
            ),
        }
    }
    if start.is_some() || end.is_some() {
        req.range = Some((
            format!("{}-{}", start.unwrap_or_else(|| "1".into()), end.unwrap_or_default()),
            query_off("start"),
        ));
    }
    Some(req)
}

fn line_frag_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^L(\d+)(?:-L(\d+))?$").unwrap())
}
