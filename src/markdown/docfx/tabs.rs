//! Tabbed sections: a heading that is only a link to `#tab/id` (or
//! `#tab/id/condition`) starts a tab; the group runs to a `---` rule, a
//! heading of the same or a higher level that is not a tab, or the end of
//! its container. Without JavaScript every tab is shown under its label;
//! the theme's `tabs.js` turns the group into tabs, links groups with the
//! same tab IDs, and remembers the reader's choice.

use super::prepare::Kind;
use super::{block_end, block_marker, At, Doc, Ev};
use crate::markdown::highlight::html_escape;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

struct TabHead {
    level: HeadingLevel,
    id: String,
    condition: String,
    label: String,
    /// `<a name>` anchors written in the heading, kept as link targets.
    anchors: Vec<Ev>,
}

pub fn apply(doc: &mut Doc, evs: Vec<Ev>) -> Vec<Ev> {
    if !super::has_tab_heading(&evs) {
        return evs;
    }
    let mut out = Vec::with_capacity(evs.len() + 16);
    siblings(doc, &evs, &mut out);
    out
}

fn tab_head(evs: &[Ev], i: usize) -> Option<TabHead> {
    let Event::Start(Tag::Heading { level, .. }) = evs[i].e else {
        return None;
    };
    let end = block_end(evs, i);
    let inner = &evs[i + 1..end - 1];
    let mut anchors = Vec::new();
    let mut k = 0;
    while k < inner.len() {
        match &inner[k].e {
            Event::Text(t) if t.trim().is_empty() => k += 1,
            Event::InlineHtml(_) => {
                anchors.push(inner[k].clone());
                k += 1;
            }
            _ => break,
        }
    }
    let Event::Start(Tag::Link { dest_url, .. }) = &inner.get(k)?.e else {
        return None;
    };
    let rest = dest_url.strip_prefix("#tab/")?;
    let link_end = k + block_end(&inner[k..], 0);
    if inner[link_end..]
        .iter()
        .any(|e| !matches!(&e.e, Event::Text(t) if t.trim().is_empty()))
    {
        return None;
    }
    let mut label = String::new();
    for e in &inner[k + 1..link_end - 1] {
        if let Event::Text(t) | Event::Code(t) = &e.e {
            label.push_str(t);
        }
    }
    let (id, condition) = match rest.split_once('/') {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (rest.to_string(), String::new()),
    };
    Some(TabHead {
        level,
        id,
        condition,
        label: label.trim().to_string(),
        anchors,
    })
}

/// Whether the block at `i` ends a tab group (a container marker).
fn ends_group(doc: &Doc, evs: &[Ev], i: usize, level: HeadingLevel) -> bool {
    match &evs[i].e {
        Event::Rule => true,
        Event::Start(Tag::Heading { level: l, .. }) => *l <= level && tab_head(evs, i).is_none(),
        _ => block_marker(evs, i).is_some_and(|n| {
            matches!(
                doc.directive(evs[i].file, n).kind,
                Kind::Zone(_)
                    | Kind::ZoneEnd
                    | Kind::Moniker(_)
                    | Kind::MonikerEnd
                    | Kind::Row
                    | Kind::RowEnd
                    | Kind::Column(_)
                    | Kind::ColumnEnd
            )
        }),
    }
}

fn siblings(doc: &mut Doc, evs: &[Ev], out: &mut Vec<Ev>) {
    let mut i = 0;
    while i < evs.len() {
        let Some(first) = tab_head(evs, i) else {
            let end = block_end(evs, i);
            if end > i + 1 && matches!(evs[i].e, Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::List(_))) {
                out.push(evs[i].clone());
                siblings(doc, &evs[i + 1..end - 1], out);
                out.push(evs[end - 1].clone());
            } else {
                out.extend_from_slice(&evs[i..end]);
            }
            i = end;
            continue;
        };
        // Collect the group: (head, content range).
        let level = first.level;
        let mut tabs: Vec<(TabHead, usize, usize, usize)> = Vec::new(); // head, heading index, content start, end
        let mut j = i;
        let group_end;
        loop {
            if j >= evs.len() {
                group_end = j;
                break;
            }
            if let Some(h) = tab_head(evs, j).filter(|h| h.level == level) {
                let content_start = block_end(evs, j);
                tabs.push((h, j, content_start, content_start));
                j = content_start;
                continue;
            }
            if ends_group(doc, evs, j, level) {
                group_end = j;
                break;
            }
            j = block_end(evs, j);
            if let Some(t) = tabs.last_mut() {
                t.3 = j;
            }
        }
        doc.tab_groups += 1;
        let g = doc.tab_groups;
        let at = evs[i].at;
        let file = evs[i].file;
        let html = |s: String| Ev {
            e: Event::Html(s.into()),
            file,
            at,
        };
        let ids: Vec<String> = tabs.iter().map(|t| t.0.id.clone()).collect();
        let mut unique = ids.clone();
        unique.dedup();
        // DocFX's anchors: `tabpanel_<group>_<tab id>[_<condition>]`, so a
        // link written against Learn's page opens the same tab here.
        let mut used: Vec<String> = Vec::new();
        let keys: Vec<String> = tabs
            .iter()
            .map(|(h, ..)| {
                let base = if h.condition.is_empty() {
                    format!("{g}_{}", h.id)
                } else {
                    format!("{g}_{}_{}", h.id, h.condition)
                };
                let mut key = base.clone();
                let mut n = 1;
                while used.contains(&key) {
                    key = format!("{base}-{n}");
                    n += 1;
                }
                used.push(key.clone());
                key
            })
            .collect();
        out.push(html(format!(
            "<div class=\"tabGroup\" id=\"tabgroup_{g}\" data-tab-ids=\"{}\">\n<div class=\"tab-list\" role=\"tablist\" hidden>\n",
            html_escape(&unique.join(" "))
        )));
        for (k, (h, _, _, _)) in tabs.iter().enumerate() {
            let cond = if h.condition.is_empty() {
                String::new()
            } else {
                format!(" data-condition=\"{}\"", html_escape(&h.condition))
            };
            let key = html_escape(&keys[k]);
            out.push(html(format!(
                "<button type=\"button\" role=\"tab\" id=\"tab_{key}\" aria-controls=\"tabpanel_{key}\" data-tab=\"{}\"{cond} aria-selected=\"{}\" tabindex=\"{}\">{}</button>\n",
                html_escape(&h.id),
                k == 0,
                if k == 0 { 0 } else { -1 },
                html_escape(&h.label)
            )));
        }
        out.push(html("</div>\n".into()));
        for (k, (h, head_i, cs, ce)) in tabs.iter().enumerate() {
            let cond = if h.condition.is_empty() {
                String::new()
            } else {
                format!(" data-condition=\"{}\"", html_escape(&h.condition))
            };
            let hat = evs[*head_i].at;
            out.push(Ev {
                e: Event::Html(
                    format!(
                        "<section class=\"tab-panel\" id=\"tabpanel_{key}\" role=\"tabpanel\" aria-labelledby=\"tab_{key}\" data-tab=\"{}\"{cond}>\n<p class=\"tab-label\">",
                        html_escape(&h.id),
                        key = html_escape(&keys[k])
                    )
                    .into(),
                ),
                file: evs[*head_i].file,
                at: hat,
            });
            out.extend(h.anchors.iter().cloned());
            out.push(Ev {
                e: Event::Html(format!("{}</p>\n", html_escape(&h.label)).into()),
                file: evs[*head_i].file,
                at: hat,
            });
            siblings(doc, &evs[*cs..*ce], out);
            out.push(html("</section>\n".into()));
        }
        out.push(html("</div>\n".into()));
        // A closing rule belongs to the group.
        i = if group_end < evs.len() && matches!(evs[group_end].e, Event::Rule) {
            group_end + 1
        } else {
            group_end
        };
        let _ = (At::Fixed(0, 0), TagEnd::Paragraph);
    }
}
