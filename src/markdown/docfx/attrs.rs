//! `name="value"` attribute lists of the `:::name ...:::` extensions, with
//! the offset of every value for diagnostics.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lower-cased.
    pub name: String,
    pub value: String,
    /// Offset of the value's first character, relative to the parsed text.
    pub off: usize,
}

/// A malformed attribute list: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrError {
    pub message: String,
    pub off: usize,
}

/// Parses `s` (e.g. ` type="content" source="a.png"`). Values are double-
/// or single-quoted; `\"` escapes a quote.
pub fn parse(s: &str) -> Result<Vec<Attr>, AttrError> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out: Vec<Attr> = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Ok(out);
        }
        let name_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b'_' || b[i] == b'.') {
            i += 1;
        }
        if i == name_start {
            return Err(AttrError {
                message: format!("unexpected `{}`", s[i..].chars().next().unwrap_or(' ')),
                off: i,
            });
        }
        let name = s[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            return Err(AttrError {
                message: format!("attribute `{name}` has no value (write {name}=\"...\")"),
                off: name_start,
            });
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(AttrError {
                    message: format!("the value of `{name}` must be in double quotes"),
                    off: i,
                })
            }
        };
        i += 1;
        let value_start = i;
        let mut value = String::new();
        let mut closed = false;
        while i < b.len() {
            if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] == quote {
                value.push(quote as char);
                i += 2;
                continue;
            }
            if b[i] == quote {
                closed = true;
                break;
            }
            let ch = s[i..].chars().next().unwrap();
            value.push(ch);
            i += ch.len_utf8();
        }
        if !closed {
            return Err(AttrError {
                message: format!("the value of `{name}` has no closing quote"),
                off: value_start - 1,
            });
        }
        i += 1;
        if out.iter().any(|a| a.name == name) {
            return Err(AttrError {
                message: format!("attribute `{name}` is given twice"),
                off: name_start,
            });
        }
        out.push(Attr {
            name,
            value,
            off: value_start,
        });
    }
}

pub fn get<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_offsets() {
        let a = parse(r#" type="content" source='a b.png'  alt-text="say \"hi\"""#).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[1].value, "a b.png");
        assert_eq!(a[1].off, 24);
        assert_eq!(a[2].value, "say \"hi\"");
    }

    #[test]
    fn errors() {
        assert!(parse(" a=\"x").unwrap_err().message.contains("closing quote"));
        assert!(parse(" a=x").unwrap_err().message.contains("double quotes"));
        assert!(parse(" a=\"x\" a=\"y\"").unwrap_err().message.contains("twice"));
        assert_eq!(parse(" target=\"pdf\" something").unwrap_err().off, 14);
    }
}
