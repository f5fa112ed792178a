//! The built-in theme's `redirect.html` without Tera. The template prints
//! nothing of the page but its locale's language, direction and words, and
//! the target (escaped) four times, so each locale's page is the same text
//! around the target: Tera renders it once around a marker, the text is
//! cut there, and each redirect page (one per article ID under `go/`, one
//! per redirected path: as many as the articles on a Learn-style site) is
//! the parts joined by its escaped target.

use crate::markdown::highlight::push_html_escaped;

/// Where the target goes: no template text holds control characters.
const MARK: &str = "\u{1}polydoc-redirect-target\u{1}";

/// A target with every character the escape changes, and more: the parts
/// are used only when they give Tera's bytes for it too.
const PROBE: &str = "../a&b/<c>/\"d\"/'e'/é 中/?q=1&r=2#f";

/// One locale's `redirect.html`, cut where the target goes.
#[derive(Clone)]
pub struct Redirect {
    parts: Vec<String>,
}

impl Redirect {
    /// The parts of what `render` (Tera, for a target) gives, if joining
    /// them by an escaped target gives what Tera does (checked on a probe).
    pub fn new(render: impl Fn(&str) -> Result<String, String>) -> Option<Redirect> {
        let marked = render(MARK).ok()?;
        let redirect = Redirect {
            parts: marked.split(MARK).map(str::to_string).collect(),
        };
        (redirect.to(PROBE) == render(PROBE).ok()?).then_some(redirect)
    }

    /// The page that sends the reader to `target`.
    pub fn to(&self, target: &str) -> String {
        let text: usize = self.parts.iter().map(String::len).sum();
        let mut out = String::with_capacity(text + (self.parts.len() - 1) * (target.len() + 16));
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                push_html_escaped(&mut out, target);
            }
            out.push_str(part);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for Tera: the target printed escaped three times.
    fn render(target: &str) -> Result<String, String> {
        let mut t = String::new();
        push_html_escaped(&mut t, target);
        Ok(format!("<a href=\"{t}\">{t}</a><meta content=\"0; url={t}\">"))
    }

    #[test]
    fn joins_the_parts_by_the_escaped_target() {
        let r = Redirect::new(render).unwrap();
        assert_eq!(r.parts.len(), 4);
        for target in ["../../s0/a0/", "https://x.example/a?b=1&c=2", "<\"'>", ""] {
            assert_eq!(r.to(target), render(target).unwrap());
        }
    }

    #[test]
    fn a_template_that_does_more_with_the_target_is_left_to_tera() {
        // Upper-cased: the marker's parts would not give Tera's bytes.
        let upper = |t: &str| render(&t.to_uppercase());
        assert!(Redirect::new(upper).is_none());
        // Not rendered at all.
        assert!(Redirect::new(|_: &str| Err("no".to_string())).is_none());
    }
}
