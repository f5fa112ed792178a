//! polydoc: a static documentation site generator for localized docs.
//! See ARCHITECTURE.md for the codemap.

pub mod bodies;
pub mod build;
pub mod cache;
pub mod config;
pub mod counting_sort;
pub mod diagnostics;
pub mod discover;
pub mod docfx_json;
pub mod faq;
pub mod fence;
pub mod frontmatter;
#[cfg(test)]
mod fuzz_tests;
pub mod i18n;
pub mod init;
pub mod l10n;
pub mod landing;
pub mod le_bytes;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod parse;
pub mod pivots;
pub mod publishing;
pub mod render;
pub mod search;
pub mod serve;
pub mod shard;
pub mod site;
pub mod sitemap;
pub mod template_guard;
pub mod theme;
pub mod toc;
pub mod yaml_depth;
