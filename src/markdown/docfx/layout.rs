//! `:::row:::` / `:::column span="2":::` layouts, and the stack of open
//! `:::` containers (rows, columns, zones, monikers, complex images) that
//! checks they nest and close.

use super::attrs;
use super::prepare::{Directive, Kind};
use super::{Doc, Ev};

pub struct Open {
    pub name: &'static str,
    pub off: usize,
    pub close: String,
}

#[derive(Default)]
pub struct Stack {
    pub open: Vec<Open>,
}

impl Stack {
    pub fn innermost(&self) -> Option<&'static str> {
        self.open.last().map(|o| o.name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.open.iter().any(|o| o.name == name)
    }

    pub fn push(&mut self, name: &'static str, off: usize, close: &str) {
        self.open.push(Open {
            name,
            off,
            close: close.to_string(),
        });
    }

    /// Closes the innermost `name`; reports an end without a start and
    /// closes what was left open inside it.
    pub fn close(&mut self, doc: &mut Doc, file: usize, d: &Directive, name: &'static str, out: &mut Vec<Ev>) {
        let Some(k) = self.open.iter().rposition(|o| o.name == name) else {
            doc.error(
                file,
                d.off,
                "docfx-container",
                format!("`{}` has no matching `:::{name}` before it", d.text),
                "remove it, or add the opening line",
            );
            return;
        };
        while self.open.len() > k + 1 {
            let o = self.open.pop().unwrap();
            doc.error(
                file,
                o.off,
                "docfx-container",
                format!("`:::{}` is not closed before `{}`", o.name, d.text),
                &format!("add `:::{}-end:::` before it", o.name),
            );
            out.push(doc.html_at(file, d.off, o.close));
        }
        let o = self.open.pop().unwrap();
        out.push(doc.html_at(file, d.off, o.close));
    }

    /// Closes everything left open at the end of a file, with an error each.
    pub fn finish(&mut self, doc: &mut Doc, file: usize, out: &mut Vec<Ev>) {
        while let Some(o) = self.open.pop() {
            doc.error(
                file,
                o.off,
                "docfx-container",
                format!("`:::{}` is never closed", o.name),
                &format!("add a `:::{}-end:::` line where it should end", o.name),
            );
            let end = doc.files[file].text.len();
            out.push(doc.html_at(file, end, o.close));
        }
    }
}

pub fn render(doc: &mut Doc, file: usize, d: &Directive, out: &mut Vec<Ev>, stack: &mut Stack) {
    match &d.kind {
        Kind::Row => {
            if stack.innermost() == Some("column") || stack.innermost() == Some("row") {
                doc.error(
                    file,
                    d.off,
                    "docfx-container",
                    "a `:::row:::` cannot be inside another row".into(),
                    "close the row first with `:::row-end:::`",
                );
            }
            out.push(doc.html_at(file, d.off, "<section class=\"row\">\n".into()));
            stack.push("row", d.off, "</section>\n");
        }
        Kind::RowEnd => stack.close(doc, file, d, "row", out),
        Kind::Column(a) => {
            if stack.innermost() != Some("row") {
                doc.error(
                    file,
                    d.off,
                    "docfx-container",
                    "a `:::column:::` must be directly inside a `:::row:::`".into(),
                    "",
                );
            }
            let mut class = String::from("column");
            for x in a {
                match x.name.as_str() {
                    "span" if x.value.is_empty() => {}
                    "span" if x.value.parse::<u8>().is_ok_and(|n| (1..=4).contains(&n)) => {
                        class.push_str(&format!(" span{}", x.value))
                    }
                    "span" => doc.error(
                        file,
                        x.off,
                        "docfx-syntax",
                        format!("column span `{}` must be a number from 1 to 4", x.value),
                        "",
                    ),
                    other => doc.warning(
                        file,
                        x.off,
                        "docfx-syntax",
                        format!("`:::column:::` has no attribute `{other}`; ignored"),
                        "",
                    ),
                }
            }
            let _ = attrs::get(a, "span");
            out.push(doc.html_at(file, d.off, format!("<div class=\"{class}\">\n")));
            stack.push("column", d.off, "</div>\n");
        }
        Kind::ColumnEnd => stack.close(doc, file, d, "column", out),
        _ => doc.as_text(file, d, out),
    }
}
