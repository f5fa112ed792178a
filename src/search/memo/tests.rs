//! `memo`'s tests: records written and read back, an edit writing the
//! pages it changed beside the whole record.

use super::super::analyze::Analyzer;
use super::super::doc;
use super::*;

/// Records by name, and the names written.
type Records = (std::collections::HashMap<String, Vec<u8>>, Vec<String>);

#[derive(Default)]
struct Named(Mutex<Records>);

impl Memo for Named {
    fn key(&self, _: usize, _: &str) -> Option<[u8; 32]> {
        None
    }
    fn record(&self, name: &str) -> Option<Vec<u8>> {
        self.0.lock().unwrap().0.get(name).cloned()
    }
    fn put_record(&self, name: &str, bytes: &[u8]) {
        let mut s = self.0.lock().unwrap();
        s.0.insert(name.to_string(), bytes.to_vec());
        s.1.push(name.to_string());
    }
    fn text(&self, _: &[u8; 32]) -> Option<Vec<u8>> {
        None
    }
    fn put_text(&self, _: &[u8; 32], _: &[u8]) {}
    fn keep_text(&self, _: &[u8; 32]) {}
    fn card_key(&self, key: &[u8; 32], _: (&str, &str), _: u32) -> [u8; 32] {
        *key
    }
    fn card_in_place(&self, _: &str, _: &[u8; 32]) -> bool {
        false
    }
    fn count(&self, _: bool) {}
}

#[test]
fn an_edit_writes_the_pages_it_changed_beside_the_whole_record() {
    let analyzer = Analyzer::new("en");
    let (vocab, strings) = (Vocab::default(), Mutex::new(Strings::default()));
    let page = |i: usize, v: usize| {
        let html = format!("<p>Page {i} says version {v} of word{i}.</p>");
        doc::analyze_page_with(
            &analyzer,
            (0, "p/", &format!("Title {i}"), &html),
            &vocab,
            &strings,
            None,
        )
    };
    let key = |i: usize, v: usize| {
        let mut k = [0u8; 32];
        k[0] = i as u8;
        k[1] = v as u8;
        k
    };
    let kept = Kept::default();
    let mut versions = vec![0usize; 40];
    let m = Named::default();
    // Writes the 40 pages at their versions; answers the records written.
    let build = |versions: &[usize]| -> Vec<String> {
        let docs: Vec<([u8; 32], Doc)> = versions
            .iter()
            .enumerate()
            .map(|(i, &v)| (key(i, v), page(i, v)))
            .collect();
        let listed: Vec<Listed> = docs.iter().map(|(k, d)| (k, d, &kept)).collect();
        let terms = Terms::read(&m, "en-us");
        // Every page the records hold reads back with its title.
        let (v2, s2) = (Vocab::default(), Mutex::new(Strings::default()));
        let found = docs
            .iter()
            .filter(|(k, d)| {
                terms
                    .recall(k, (0, "p/".into()), &v2, &s2)
                    .is_some_and(|(b, _)| b.title == d.title)
            })
            .count();
        m.0.lock().unwrap().1.clear();
        terms.write(&m, "en-us", &listed, &strings.lock().unwrap());
        let written = std::mem::take(&mut m.0.lock().unwrap().1);
        // After writing, the records hold every page.
        let terms = Terms::read(&m, "en-us");
        for (k, _) in &docs {
            assert!(terms.recall(k, (0, "p/".into()), &v2, &s2).is_some());
        }
        let mut out = written;
        out.push(format!("found {found}"));
        out
    };
    assert_eq!(build(&versions), ["en-us", "found 0"]);
    assert_eq!(build(&versions), ["found 40"], "nothing changed: nothing written");
    versions[7] = 1;
    assert_eq!(build(&versions), ["en-us+changed", "found 39"], "one page of 40");
    versions[8] = 1;
    assert_eq!(
        build(&versions),
        ["en-us+changed", "found 39"],
        "two of 40, one already changed"
    );
    assert_eq!(build(&versions), ["found 40"]);
    for v in versions.iter_mut().take(5) {
        *v = 2;
    }
    assert_eq!(
        build(&versions),
        ["en-us", "en-us+changed", "found 35"],
        "more than a sixteenth: the whole record again, no changed pages beside it"
    );
    assert!(Record::read(m.record("en-us+changed").unwrap()).is_some_and(|r| r.pages.is_empty()));
    assert_eq!(build(&versions), ["found 40"]);
}

#[test]
fn a_record_reads_back_as_made_into_other_numbering() {
    let analyzer = Analyzer::new("de");
    let (vocab, strings) = (Vocab::default(), Mutex::new(Strings::default()));
    let html = "<p>Der Kioskmodus sperrt das Gerät.</p><h2 id=\"modus\">Modus wählen</h2><p>Wählen Sie den Modus.</p><pre><code>kiosk --on</code></pre>";
    let mut words = Vec::new();
    let made = doc::analyze_page_with(
        &analyzer,
        (1, "geraete/kiosk/", "Kioskmodus", html),
        &vocab,
        &strings,
        Some(&mut words),
    );
    let other = doc::analyze_page_with(
        &analyzer,
        (1, "geraete/andere/", "Andere", "<p>Anderer Text.</p>"),
        &vocab,
        &strings,
        None,
    );
    assert!(!words.is_empty() && !made.long_words.is_empty());
    let kept = Kept {
        words: distinct(words),
        card_len: 77,
    };
    let (k1, k2) = ([1u8; 32], [2u8; 32]);
    let bytes = encode(
        &[(&k1, &made, &kept), (&k2, &other, &Kept::default())],
        &strings.lock().unwrap(),
    );
    // Read into another build's numbering (a word met first elsewhere).
    let (vocab2, strings2) = (Vocab::default(), Mutex::new(Strings::default()));
    strings2.lock().unwrap().intern("elsewhere");
    let record = Record::read(bytes.clone()).unwrap();
    let (back, kept2) = record
        .recall(&k1, (1, "geraete/kiosk/".into()), &vocab2, &strings2)
        .unwrap();
    assert!(record
        .recall(&[3u8; 32], (1, String::new()), &vocab2, &strings2)
        .is_none());
    let as_words = |d: &Doc, s: &Mutex<Strings>| {
        let s = s.lock().unwrap();
        let w = |l: &[(u32, Stat)]| {
            l.iter()
                .map(|(t, st)| format!("{}{st:?}", s.list[*t as usize]))
                .collect::<Vec<_>>()
        };
        (w(&d.terms), w(&d.long_words))
    };
    assert_eq!(as_words(&made, &strings), as_words(&back, &strings2));
    assert_eq!(
        (&made.title, &made.lang, made.len, made.title_terms, kept.card_len),
        (&back.title, &back.lang, back.len, back.title_terms, kept2.card_len)
    );
    // Only the first page's vocabulary words were added (the second
    // page was not recalled).
    let vocab_words = |v: Vocab, s: Mutex<Strings>| {
        let mut w: Vec<String> = doc::vocab_words(v, &s.into_inner().unwrap()).into_iter().collect();
        w.sort();
        w
    };
    let mut expected: Vec<String> = {
        let s = strings.lock().unwrap();
        kept.words.iter().map(|&w| s.list[w as usize].to_string()).collect()
    };
    expected.sort();
    assert_eq!(vocab_words(vocab2, strings2), expected);
    // The card text reads back.
    let mut card = Doc::default();
    decode_text(&encode_text(&made), &mut card).unwrap();
    assert_eq!((&card.sections, &card.text), (&made.sections, &made.text));
    // Cut short or with bytes after it: not read.
    assert!(Record::read(bytes[..bytes.len() - 1].to_vec()).is_none());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Record::read(longer).is_none());
    let text = encode_text(&made);
    assert!(decode_text(&text[..text.len() - 1], &mut Doc::default()).is_none());
    // A word number past the table: the record reads (its pages are
    // not walked when read), the page is not recalled, the other is.
    let mut bad = bytes.clone();
    let mut r = Reader(&bytes[8..]);
    for _ in 0..r.u32().unwrap() {
        r.str_u32().unwrap();
    }
    r.take(4 + 32).unwrap();
    r.str_u32().unwrap();
    r.str_u32().unwrap();
    r.take(10).unwrap();
    assert!(r.u32().unwrap() > 0, "the first page has terms");
    let at = bytes.len() - r.0.len();
    bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let record = Record::read(bad).unwrap();
    let (vocab3, strings3) = (Vocab::default(), Mutex::new(Strings::default()));
    assert!(record.recall(&k1, (1, String::new()), &vocab3, &strings3).is_none());
    assert!(record.recall(&k2, (1, String::new()), &vocab3, &strings3).is_some());
}
