//! A rewritten text that remembers, for every byte, where it came from in
//! the original file, so diagnostics and link positions stay exact after
//! the DocFX syntax has been replaced by markers.

#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Offset in the rewritten text where this segment starts.
    at: usize,
    /// Offset in the original text.
    orig: usize,
    /// Copied text maps byte for byte; inserted text maps to one point.
    linear: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Mapped {
    pub text: String,
    segs: Vec<Seg>,
}

impl Mapped {
    /// Appends `original[range]`, mapped byte for byte.
    pub fn copy(&mut self, original: &str, start: usize, end: usize) {
        if start >= end {
            return;
        }
        self.segs.push(Seg {
            at: self.text.len(),
            orig: start,
            linear: true,
        });
        self.text.push_str(&original[start..end]);
    }

    /// Appends text that is not in the original; it maps to `orig`.
    pub fn insert(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        self.segs.push(Seg {
            at: self.text.len(),
            orig,
            linear: false,
        });
        self.text.push_str(s);
    }

    /// The original offset of `offset` in the rewritten text.
    pub fn orig(&self, offset: usize) -> usize {
        let i = self.segs.partition_point(|s| s.at <= offset);
        if i == 0 {
            return self.segs.first().map_or(offset, |s| s.orig);
        }
        let s = self.segs[i - 1];
        if s.linear {
            s.orig + (offset - s.at)
        } else {
            s.orig
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_copied_and_inserted_text() {
        let orig = "abc\n> [!NOTE]\n> x\n";
        let mut m = Mapped::default();
        m.copy(orig, 0, 6); // "abc\n> "
        m.insert("<!--pd:0-->", 6);
        m.copy(orig, 13, orig.len());
        assert_eq!(m.text, "abc\n> <!--pd:0-->\n> x\n");
        assert_eq!(m.orig(2), 2);
        assert_eq!(m.orig(8), 6);
        let x = m.text.find('x').unwrap();
        assert_eq!(&orig[m.orig(x)..m.orig(x) + 1], "x");
    }
}
