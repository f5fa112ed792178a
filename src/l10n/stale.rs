//! What a stale translation is measured against: the source as it was
//! handed off (found and verified for every translation, with what changed
//! since and the source's last commit), that source parsed like any
//! article, and the stale finding placed at `ms.openlocfilehash`.

use super::{changes, findings, git, handoff, read_text, status};
use crate::config::Config;
use crate::site::Site;
use rayon::prelude::*;

/// The line of `key:` in a file's front matter (0 when absent).
pub(super) fn key_line(text: &str, key: &str) -> usize {
    let mut lines = text.lines().enumerate();
    if lines.next().is_none_or(|(_, l)| l.trim_end() != "---") {
        return 0;
    }
    for (i, l) in lines {
        if l.trim_end() == "---" {
            break;
        }
        if l.get(..key.len()).is_some_and(|k| k.eq_ignore_ascii_case(key))
            && l[key.len()..].trim_start().starts_with(':')
        {
            return i + 1;
        }
    }
    0
}

/// What the stale finding of a stale translation (`text`: its file's
/// text) says, with what changed in the source since the handoff.
pub(super) fn stale_finding(st: &status::ArticleStatus, text: &str) -> Option<findings::Stale> {
    if st.state != status::State::Stale {
        return None;
    }
    let (since, since_said) = match &st.changes {
        Some(c) => {
            let sections = c.sections_added + c.sections_removed + c.sections_changed;
            (
                format!(
                    "; since the handoff the source has {} word(s) added, {} removed, {} changed in {sections} section(s)",
                    c.words_added, c.words_removed, c.words_changed
                ),
                Some(status::Said::new(
                    "since",
                    vec![
                        ("added", c.words_added.to_string()),
                        ("removed", c.words_removed.to_string()),
                        ("changed", c.words_changed.to_string()),
                        ("sections", sections.to_string()),
                    ],
                )),
            )
        }
        None => (String::new(), None),
    };
    Some(findings::Stale {
        line: key_line(text, "ms.openlocfilehash"),
        reason: st.reason.clone(),
        said: st.said.clone(),
        since,
        since_said,
    })
}

/// For every translation: the source at its handoff (verified), what
/// changed since, and the source's last commit (git). Returns, per status,
/// the handoff text of a stale translation (what it was made from).
pub(super) fn since_handoff(
    config: &Config,
    site: &Site,
    repo: Option<&git::Repo>,
    statuses: &mut [status::ArticleStatus],
) -> Vec<Option<handoff::Handoff>> {
    let sources = handoff::Sources::new(config, repo);
    statuses
        .par_iter_mut()
        .map(|st| {
            let src = site.page(0, &st.rel).map(|p| &site.articles[p.article]);
            let (Some(src), Some(_)) = (src, &st.file) else {
                return None;
            };
            if let Some((h, d)) = repo.and_then(|r| r.last_commit(&src.abs)) {
                st.source_current_commit = Some(h);
                st.source_current_date = Some(d);
            }
            let found = sources.find(
                &st.rel,
                &src.abs,
                st.source_commit.as_deref(),
                st.recorded_hash.as_deref(),
            );
            match found {
                Ok(h) => {
                    st.handoff_source = Some(h.origin);
                    if st.state == status::State::Current {
                        st.changes = Some(changes::Changes::default());
                    } else if let Some(now) = read_text(&src.abs) {
                        st.apply_changes(changes::compare(&h.text, &now));
                    }
                    (st.state == status::State::Stale).then_some(h)
                }
                Err(why) => {
                    st.handoff_missing = Some(why);
                    None
                }
            }
        })
        .collect()
}

/// The source article as handed off, parsed like any article (its own
/// diagnostics dropped: they are the past's).
pub(super) fn handoff_article(
    config: &Config,
    src: &crate::parse::Article,
    h: &handoff::Handoff,
) -> Option<crate::parse::Article> {
    let file = crate::discover::SourceFile {
        locale: 0,
        rel: src.rel.clone(),
        abs: src.abs.clone(),
        display: src.display.clone(),
        kind: crate::discover::FileKind::Article,
    };
    crate::parse::parse_text(&file, config, None, &h.text, &mut Vec::new())
}
