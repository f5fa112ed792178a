//! Findings on a translated include file's own content: the translated
//! `includes/*.md` beside the source's include (as handed off, when the
//! include is stale and the handoff text is known), section by section like
//! an article, each finding at the include's own line. The articles that
//! include it neither compare nor report its content (see `sections`): a
//! problem of an include is reported once, in the include.

use super::files::{FileStatus, Kind};
use super::findings::{self, Finding};
use super::status::State;
use super::{align, git, read_text, sections};
use crate::config::Config;
use crate::discover::{FileKind, SourceFile};
use crate::links::Resolver;
use crate::parse::Article;
use crate::site::{Page, Site};
use std::path::Path;

/// The include parsed on its own, as an article at its path in the tree
/// (its relative links resolve from its folder); its own diagnostics are
/// the build's business, dropped here.
fn parse(config: &Config, locale: usize, rel: &str, abs: &Path, text: &str) -> Option<Article> {
    let file = SourceFile {
        locale,
        rel: rel.to_string(),
        abs: abs.to_path_buf(),
        display: crate::discover::display_path(&config.site_root, abs),
        kind: FileKind::Article,
    };
    crate::parse::parse_text(&file, config, None, text, &mut Vec::new())
}

/// The findings of one translated include (none for other files, or an
/// include with no source to compare with). `handoff`: the source include's
/// text at the handoff, for a stale include.
pub fn findings(
    config: &Config,
    site: &Site,
    resolver: &Resolver,
    f: &FileStatus,
    handoff: Option<(&str, &str)>,
) -> Vec<Finding> {
    let st = &f.status;
    let (Kind::Include, Some(file)) = (f.kind, &st.file) else {
        return Vec::new();
    };
    let li = st.locale_index;
    let src_abs = config.locales[0].root.join(&st.rel);
    let tr_abs = config.locales[li].root.join(&st.rel);
    if config.fence.admit(&src_abs).is_err() || config.fence.admit(&tr_abs).is_err() {
        return Vec::new();
    }
    let Some(tr_text) = read_text(&tr_abs) else {
        return Vec::new();
    };
    let (src_text, source_name) = match handoff {
        Some((text, commit)) if st.state == State::Stale => (
            text.to_string(),
            format!("{}/{}@{}", config.locales[0].code, st.rel, git::short(commit)),
        ),
        _ => match read_text(&src_abs) {
            Some(t) => (t, format!("{}/{}", config.locales[0].code, st.rel)),
            None => return Vec::new(),
        },
    };
    let (Some(src), Some(tr)) = (
        parse(config, 0, &st.rel, &src_abs, &src_text),
        parse(config, li, &st.rel, &tr_abs, &tr_text),
    ) else {
        return Vec::new();
    };
    // Both sides' links resolve as if the include were a page of the
    // translation's locale at its own path; `article` (named only in
    // diagnostics that are not kept) is a page of that locale.
    let Some(any) = f
        .used_by
        .iter()
        .find_map(|u| site.page(li, u))
        .or_else(|| site.pages.iter().find(|p| p.locale == li))
    else {
        return Vec::new();
    };
    let page = Page {
        locale: li,
        rel: st.rel.clone(),
        article: any.article,
        fallback: false,
        url: format!("{}/{}", config.locales[li].code, crate::site::article_url(&st.rel)),
    };
    let french = config.locales[li].code.starts_with("fr");
    let source_sections = sections::split(&src, &src_text, false);
    let translation_sections = sections::split(&tr, &tr_text, french);
    let pairs = align::align(&source_sections, &translation_sections);
    let stale = super::stale::stale_finding(st, &tr_text);
    let input = findings::Input {
        source_name: &source_name,
        settings: &config.l10n,
        resolver,
        page: &page,
        source: &src,
        translation: &tr,
        source_sections: &source_sections,
        translation_sections: &translation_sections,
        pairs: &pairs,
    };
    findings::check(&input, file, stale)
}
