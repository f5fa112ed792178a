//! `:::image type="content|icon|complex" source="..." alt-text="..."
//! border="..." lightbox="..." link="...":::`, and the complex form whose
//! long description runs to `:::image-end:::` (read by screen readers, not
//! shown). Content and complex images get a border unless `border="false"`;
//! icons are decorative (`role="presentation"`, empty alt) and have none.

use super::attrs::{get, Attr};
use super::layout::Stack;
use super::prepare::{Directive, Kind};
use super::{Doc, Ev};
use crate::markdown::highlight::html_escape;

const KNOWN: [&str; 8] = [
    "type",
    "source",
    "alt-text",
    "border",
    "lightbox",
    "link",
    "loc-scope",
    "label",
];

/// The image's HTML pieces, each at the position of the attribute it uses
/// (so a broken `source` or `link` is reported where it is written).
/// `None` when the image cannot be rendered (reported).
fn img(doc: &mut Doc, file: usize, d: &Directive, attrs: &[Attr], describedby: Option<&str>) -> Option<Vec<Ev>> {
    for a in attrs.iter().filter(|a| !KNOWN.contains(&a.name.as_str())) {
        doc.warning(
            file,
            a.off,
            "docfx-syntax",
            format!("`:::image` has no attribute `{}`; ignored", a.name),
            "known: type, source, alt-text, border, lightbox, link, loc-scope",
        );
    }
    let kind = get(attrs, "type").map_or("content", |a| a.value.as_str());
    if !matches!(kind, "content" | "icon" | "complex") {
        let off = get(attrs, "type").map_or(d.off, |a| a.off);
        doc.error(
            file,
            off,
            "image-type",
            format!("image type `{kind}` is not content, icon or complex"),
            "",
        );
        return None;
    }
    let Some(source) = get(attrs, "source").filter(|a| !a.value.trim().is_empty()) else {
        doc.error(
            file,
            d.off,
            "image-source",
            "`:::image` has no `source`".into(),
            "add source=\"media/picture.png\"",
        );
        return None;
    };
    let alt = get(attrs, "alt-text");
    if kind != "icon" && alt.is_none_or(|a| a.value.trim().is_empty()) {
        doc.warning(
            file,
            d.off,
            "image-alt",
            format!("`{}` image has no `alt-text`: screen readers cannot describe it", kind),
            "add alt-text=\"what the image shows\" (or type=\"icon\" for a decorative image)",
        );
    }
    let border = match get(attrs, "border").map(|a| a.value.to_ascii_lowercase()) {
        Some(v) if v == "true" => true,
        Some(v) if v == "false" => false,
        Some(v) => {
            let off = get(attrs, "border").unwrap().off;
            doc.warning(
                file,
                off,
                "docfx-syntax",
                format!("border=\"{v}\" is not true or false"),
                "",
            );
            kind != "icon"
        }
        None => kind != "icon",
    };
    let mut evs = Vec::new();
    if border {
        evs.push(doc.html_at(file, d.off, "<span class=\"mx-imgBorder\">".into()));
    }
    let wrap = get(attrs, "link").or_else(|| get(attrs, "lightbox"));
    if let Some(w) = wrap {
        let class = if w.name == "lightbox" {
            " class=\"lightbox\""
        } else {
            ""
        };
        evs.push(doc.html_at(file, w.off, format!("<a href=\"{}\"{class}>", html_escape(&w.value))));
    }
    let alt_attr = if kind == "icon" {
        " alt=\"\" role=\"presentation\"".to_string()
    } else {
        format!(" alt=\"{}\"", html_escape(alt.map_or("", |a| a.value.as_str())))
    };
    let desc = describedby.map_or(String::new(), |id| format!(" aria-describedby=\"{id}\""));
    evs.push(doc.html_at(
        file,
        source.off,
        format!("<img src=\"{}\"{alt_attr}{desc}>", html_escape(&source.value)),
    ));
    if wrap.is_some() {
        evs.push(doc.html_at(file, d.off, "</a>".into()));
    }
    if border {
        evs.push(doc.html_at(file, d.off, "</span>".into()));
    }
    Some(evs)
}

pub fn block(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>, stack: &mut Stack) {
    let attrs = match &d.kind {
        Kind::Image(a) => a.clone(),
        Kind::ImageEnd => {
            stack.close(doc, file, d, "image", out);
            return;
        }
        _ => return doc.as_text(file, d, out),
    };
    let complex = get(&attrs, "type").is_some_and(|a| a.value == "complex");
    let id = complex.then(|| {
        doc.descriptions += 1;
        format!("image-description-{}", doc.descriptions)
    });
    let Some(pieces) = img(doc, file, d, &attrs, id.as_deref()) else {
        return doc.as_text_quiet(file, d, out);
    };
    out.push(doc.html_at(file, d.off, "<p class=\"image\">".into()));
    out.extend(pieces);
    out.push(doc.html_at(file, d.off, "</p>\n".into()));
    if let Some(id) = id {
        out.push(doc.html_at(file, d.off, format!("<div id=\"{id}\" class=\"visually-hidden\">\n")));
        stack.push("image", d.off, "</div>\n");
    }
}

pub fn inline(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>) {
    let Kind::Image(attrs) = &d.kind else {
        return doc.inline_text(file, d, out);
    };
    if get(attrs, "type").is_some_and(|a| a.value == "complex") {
        doc.error(
            file,
            d.off,
            "docfx-syntax",
            "a complex image must stand on its own line, followed by its description and `:::image-end:::`".into(),
            "",
        );
        return doc.inline_text_quiet(file, d, out);
    }
    match img(doc, file, d, attrs, None) {
        Some(pieces) => out.extend(pieces),
        None => doc.inline_text_quiet(file, d, out),
    }
}
