//! `:::zone pivot="a,b" target="docs"` ... `:::zone-end` and
//! `:::moniker range=">= v2"` ... `:::moniker-end`: content shown for one
//! pivot or product version. All zones and monikers are rendered; the
//! page's pivot or version selector (theme script) shows the chosen one
//! (see `monikers`). A `target="chromeless"`
//! zone (in-product help only) is rendered `hidden`.

use super::layout::Stack;
use super::prepare::{Directive, Kind};
use super::{Doc, Ev};
use crate::markdown::highlight::html_escape;

pub fn render(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>, stack: &mut Stack) {
    match &d.kind {
        Kind::Zone(attrs) => {
            if stack.contains("zone") {
                doc.error(
                    file,
                    d.off,
                    "docfx-container",
                    "zones cannot be nested".into(),
                    "close the outer zone with `:::zone-end` first",
                );
            }
            let mut class = String::from("zone");
            let mut data = String::new();
            let mut ok = true;
            for a in attrs {
                match a.name.as_str() {
                    "pivot" => {
                        let ids: Vec<&str> = a.value.split(',').map(str::trim).collect();
                        if ids.iter().any(|p| {
                            p.is_empty()
                                || !p
                                    .chars()
                                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
                        }) {
                            doc.error(
                                file,
                                a.off,
                                "docfx-syntax",
                                format!("zone pivot `{}` must be pivot IDs separated by commas", a.value),
                                "pivot IDs are letters, digits, `-`, `_` and `.`",
                            );
                            ok = false;
                        }
                        let (line, column) = doc.pos_orig(file, a.off);
                        for id in ids.iter().filter(|p| !p.is_empty()) {
                            doc.pivots.push(super::PivotUse {
                                id: id.to_string(),
                                file: doc.files[file].display.clone(),
                                line,
                                column,
                            });
                        }
                        class.push_str(" has-pivot");
                        data.push_str(&format!(" data-pivot=\"{}\"", html_escape(&ids.join(" "))));
                    }
                    "target" => {
                        class.push_str(" has-target");
                        data.push_str(&format!(" data-target=\"{}\"", html_escape(&a.value)));
                        // A static site is the `docs` target: content for
                        // the chromeless view (in-product help) is hidden.
                        match a.value.trim() {
                            "docs" => {}
                            "chromeless" => data.push_str(" hidden"),
                            other => doc.warning(
                                file,
                                a.off,
                                "docfx-syntax",
                                format!("zone target `{other}` is neither `docs` nor `chromeless`; shown"),
                                "",
                            ),
                        }
                    }
                    other => {
                        doc.error(
                            file,
                            a.off,
                            "docfx-syntax",
                            format!("`:::zone` has no attribute `{other}` (use pivot or target)"),
                            "",
                        );
                        ok = false;
                    }
                }
            }
            if attrs.is_empty() {
                doc.error(
                    file,
                    d.off,
                    "docfx-syntax",
                    "`:::zone` needs `pivot=\"...\"` or `target=\"...\"`".into(),
                    "",
                );
            }
            let _ = ok;
            out.push(doc.html_at(file, d.off, format!("<div class=\"{class}\"{data}>\n")));
            stack.push("zone", d.off, "</div>\n");
        }
        Kind::ZoneEnd => stack.close(doc, file, d, "zone", out),
        Kind::Moniker(attrs) => {
            let range = attrs.iter().find(|a| a.name == "range");
            if range.is_none() {
                doc.error(
                    file,
                    d.off,
                    "docfx-syntax",
                    "`:::moniker` needs `range=\"...\"`".into(),
                    "",
                );
            }
            for a in attrs.iter().filter(|a| a.name != "range") {
                doc.warning(
                    file,
                    a.off,
                    "docfx-syntax",
                    format!("`:::moniker` has no attribute `{}`; ignored", a.name),
                    "",
                );
            }
            let value = range.map(|a| a.value.as_str()).unwrap_or("");
            if let Some(a) = range {
                match super::monikers::parse(value) {
                    Ok(_) => doc.monikers.push(value.to_string()),
                    Err(why) => doc.error(
                        file,
                        a.off,
                        "docfx-syntax",
                        format!("moniker range `{value}`: {why}"),
                        "write monikers with an optional comparison, e.g. `>= contoso-2.0 || =legacy`",
                    ),
                }
            }
            out.push(doc.html_at(
                file,
                d.off,
                format!("<div class=\"moniker\" data-moniker=\"{}\">\n", html_escape(value)),
            ));
            stack.push("moniker", d.off, "</div>\n");
        }
        Kind::MonikerEnd => stack.close(doc, file, d, "moniker", out),
        _ => doc.as_text(file, d, out),
    }
}
