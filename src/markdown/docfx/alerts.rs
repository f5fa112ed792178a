//! Alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!CAUTION]`,
//! `[!WARNING]`, in any letter case), `> [!div class="..."]` sections and
//! `> [!VIDEO url]`: block quotes whose first line is such a marker become
//! a `<div>`. One quote may hold several markers; each starts a new section,
//! and text before the first stays a quote. Quotes nest (`> > [!div]`).

use super::prepare::Kind;
use super::{block_end, block_marker, string_ref, At, Doc, Ev};
use crate::markdown::highlight::html_escape;
use pulldown_cmark::{Event, Tag, TagEnd};

pub fn apply(doc: &mut Doc, file: usize, evs: Vec<Ev>) -> Vec<Ev> {
    if !evs.iter().any(|e| matches!(e.e, Event::Start(Tag::BlockQuote(_)))) {
        return evs;
    }
    let mut out = Vec::with_capacity(evs.len());
    walk(doc, file, &evs, &mut out);
    out
}

fn is_section_marker(doc: &Doc, file: usize, evs: &[Ev], i: usize) -> Option<usize> {
    let n = block_marker(evs, i)?;
    if evs[i].file != file {
        return None;
    }
    matches!(
        doc.directive(file, n).kind,
        Kind::Alert { .. } | Kind::Div(_) | Kind::Video { .. }
    )
    .then_some(n)
}

/// Copies `evs` to `out`, converting every marked block quote.
fn walk(doc: &mut Doc, file: usize, evs: &[Ev], out: &mut Vec<Ev>) {
    let mut i = 0;
    while i < evs.len() {
        if !matches!(evs[i].e, Event::Start(Tag::BlockQuote(_))) {
            out.push(evs[i].clone());
            i += 1;
            continue;
        }
        let end = block_end(evs, i);
        let children = &evs[i + 1..end - 1];
        // Top-level children and where the section markers are.
        let mut starts = Vec::new();
        let mut j = 0;
        while j < children.len() {
            if let Some(n) = is_section_marker(doc, file, children, j) {
                starts.push((j, n));
            }
            j = block_end(children, j);
        }
        if starts.is_empty() {
            out.push(evs[i].clone());
            walk(doc, file, children, out);
            out.push(evs[end - 1].clone());
            i = end;
            continue;
        }
        if starts[0].0 > 0 {
            out.push(evs[i].clone());
            walk(doc, file, &children[..starts[0].0], out);
            out.push(evs[end - 1].clone());
        }
        for (k, &(j, n)) in starts.iter().enumerate() {
            let body_end = starts.get(k + 1).map_or(children.len(), |s| s.0);
            let body = &children[j + 3..body_end];
            section(doc, file, n, body, out);
        }
        i = end;
    }
}

fn section(doc: &mut Doc, file: usize, n: usize, body: &[Ev], out: &mut Vec<Ev>) {
    let d = doc.directive(file, n).clone();
    match &d.kind {
        Kind::Alert { kind, trailing } => {
            if *trailing {
                doc.warning(
                    file,
                    d.off,
                    "alert-text",
                    format!("text follows `{}` on the same line", d.text),
                    "start the alert's text on the next `>` line; DocFX and GitHub show this as a plain quote",
                );
            }
            out.push(doc.html_at(
                file,
                d.off,
                format!(
                    "<div class=\"alert alert-{kind}\" role=\"note\">\n<p class=\"alert-title\">{}</p>\n",
                    string_ref(&format!("alert_{kind}"))
                ),
            ));
            walk(doc, file, body, out);
            out.push(doc.html_at(file, d.off, "</div>\n".into()));
        }
        Kind::Div(attrs) => {
            let mut open = String::from("<div");
            for a in attrs {
                open.push_str(&format!(" {}=\"{}\"", html_escape(&a.name), html_escape(&a.value)));
            }
            open.push_str(">\n");
            out.push(doc.html_at(file, d.off, open));
            walk(doc, file, body, out);
            out.push(doc.html_at(file, d.off, "</div>\n".into()));
        }
        Kind::Video { url, url_off } => {
            let src = video_src(url);
            let (l, c) = doc.pos_orig(file, *url_off);
            out.push(Ev {
                e: Event::Html(
                    format!(
                        "<div class=\"embeddedvideo\"><iframe src=\"{}\" title=\"{}\" allowfullscreen=\"true\" loading=\"lazy\"></iframe></div>\n",
                        html_escape(&src),
                        string_ref("video_title")
                    )
                    .into(),
                ),
                file,
                at: At::Fixed(l, c),
            });
            // Anything after the video line in the same quote stays a quote.
            if body.iter().any(|e| !matches!(e.e, Event::SoftBreak)) {
                out.push(Ev {
                    e: Event::Start(Tag::BlockQuote(None)),
                    file,
                    at: At::Fixed(l, c),
                });
                walk(doc, file, body, out);
                out.push(Ev {
                    e: Event::End(TagEnd::BlockQuote(None)),
                    file,
                    at: At::Fixed(l, c),
                });
            }
        }
        _ => unreachable!("only section markers reach here"),
    }
}

/// The embed URL, with the privacy-friendly hosts Learn uses.
fn video_src(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    for prefix in ["https://youtube.com/", "https://www.youtube.com/"] {
        if lower.starts_with(prefix) {
            return format!("https://www.youtube-nocookie.com/{}", &url[prefix.len()..]);
        }
    }
    url.to_string()
}
