use super::*;

fn sample() -> Article {
    let origin = Some(Arc::new(Origin {
        rel: "includes/a.md".into(),
        display: "articles/en-us/includes/a.md".into(),
    }));
    let link = |dest: &str, kind, origin: Option<Arc<Origin>>| Link {
        dest: dest.into(),
        text: format!("to {dest}"),
        line: 3,
        column: 7,
        kind,
        origin,
    };
    let diag = Diagnostic {
        severity: Severity::Warning,
        code: "include",
        file: "articles/en-us/x.md".into(),
        line: 4,
        column: 1,
        message: "a message".into(),
        help: Some("help".into()),
    };
    Article {
        locale: 1,
        rel: "x.md".into(),
        display: "articles/en-us/x.md".into(),
        abs: Default::default(),
        fm: FrontMatter {
            title: Some("T".into()),
            description: None,
            ms_date: Some(Date {
                year: 2024,
                month: 2,
                day: 29,
            }),
            ms_custom: vec!["a".into(), "b".into()],
            robots: Some("NOINDEX".into()),
            ms_translationtype: None,
            ms_openlocfilehash: Some("abc".into()),
            ms_sourcegitcommit: None,
            ms_lasthandoff: None,
            uid: Some("u".into()),
            redirect_url: None,
            all: Meta::from_text(r#"{"title":"T","x":[1,2]}"#),
        },
        title: "Title é".into(),
        md: Rendered {
            html: String::new(),
            headings: vec![Heading {
                level: 2,
                id: "h".into(),
                text: "H".into(),
                line: 9,
                explicit: true,
            }],
            other_ids: vec!["o".into()],
            links: vec![
                link("a.md", LinkKind::Link, None),
                link("b.png", LinkKind::Image, origin.clone()),
                link("c.md", LinkKind::Html, origin),
            ]
            .into(),
            h1: Some("Title".into()),
            diags: vec![diag.clone()],
            pivots: vec![PivotUse {
                id: "p".into(),
                file: "f".into(),
                line: 1,
                column: 2,
            }],
            monikers: vec![Choice {
                id: "m".into(),
                title: "M".into(),
            }],
            shortcuts: vec![link("xref:u", LinkKind::Link, None)],
        },
        body: None,
    }
}

#[test]
fn a_header_reads_back_and_a_cut_or_damaged_one_is_none() {
    let a = sample();
    let diags = vec![Diagnostic::error("yaml", "articles/en-us/x.md", "bad")];
    let looked = vec![("includes/a.md".to_string(), "read:00ff".to_string())];
    let bytes = encode(Some(&a), &diags, &looked);
    let decode = |b: &[u8]| decode(b, &Shared::copied);
    let (back, d, l) = decode(&bytes).unwrap();
    // The links kept as their bytes until read.
    assert!(back.as_ref().unwrap().md.links.is_stored());
    // Every field as written (JSON compares them all, `Arc`s by value).
    let json = |a: Option<&Article>| serde_json::to_string(&a).unwrap();
    assert_eq!(json(back.as_ref()), json(Some(&a)));
    assert_eq!(
        serde_json::to_string(&d).unwrap(),
        serde_json::to_string(&diags).unwrap()
    );
    assert_eq!(l, looked);
    // The included file's two links share one origin.
    let links = &back.as_ref().unwrap().md.links;
    assert!(Arc::ptr_eq(
        links[1].origin.as_ref().unwrap(),
        links[2].origin.as_ref().unwrap()
    ));
    // No article.
    let none = encode(None, &diags, &[]);
    assert!(decode(&none).unwrap().0.is_none());
    // Cut anywhere, or longer: not a header.
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
    }
    // A link's text not UTF-8 (what a record whose checksum held never
    // holds): the links are not read then, the header is (they are kept
    // as bytes, unread: the rest of the header is checked whole).
    let mut bad = bytes.clone();
    let at = bytes.windows(8).position(|w| w == b"\x04\0\0\0a.md").unwrap();
    bad[at + 4] = 0xFF;
    let (bad, _, _) = decode(&bad).unwrap();
    assert!(bad.unwrap().md.links.is_empty());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode(&longer).is_none());
    // A JSON header (another format) is not one either.
    assert!(decode(br#"{"article":null,"diags":[],"looked":[]}"#).is_none());
}

#[test]
fn links_read_back_stay_part_of_the_shard_they_were_read_in() {
    let bytes = encode(Some(&sample()), &[], &[]);
    let mut shard = b"before".to_vec();
    shard.extend_from_slice(&bytes);
    shard.extend_from_slice(b"after");
    let buf = Arc::new(crate::cache::Bytes::from(shard));
    let header = crate::cache::parsed::Header::In(buf.clone(), 6..6 + bytes.len());
    let (back, _, _) = decode(&header, &|b| header.share(b)).unwrap();
    let back = back.unwrap();
    // Held by the article's links, not copied out.
    assert_eq!(Arc::strong_count(&buf), 3);
    let json = |l: &[Link]| serde_json::to_string(l).unwrap();
    assert_eq!(json(&back.md.links), json(&sample().md.links));
    drop(header);
    drop(back);
    assert_eq!(Arc::strong_count(&buf), 1);
}
