//! The command line's arguments and subcommands (clap), as `main.rs` reads
//! them. Only definitions and help texts live here.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "polydoc",
    version,
    about = "Build static documentation sites from localized Markdown articles.",
    long_about = "polydoc turns a site folder (polydoc.toml, articles/<locale>/**/*.md, themes/<name>/) into a static site: \
one tree of pretty URLs per locale, with every link checked in every locale."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable text with source excerpts.
    Human,
    /// One JSON report on standard output.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Deny {
    /// Treat warnings as errors (exit status 1).
    Warnings,
}

#[derive(clap::Args)]
pub struct Common {
    /// The site folder (the one holding polydoc.toml).
    #[arg(default_value = ".")]
    pub site: PathBuf,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Turn warnings into errors.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Print errors only, no warnings or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the site into the output folder (replaced atomically).
    ///
    /// A bad article is reported and left out; the rest of the site is still
    /// written, and the exit status is 1.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder [default: SITE/output]. polydoc refuses the site
        /// folder, any folder containing it or its sources, and non-empty
        /// folders it did not create.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave out the translation reviewers' pages (`_l10n/`), as
        /// `[l10n] review_pages = false` does: for a publishing build.
        #[arg(long)]
        no_review_pages: bool,
        /// Build one shard of the site from this index (`polydoc index`):
        /// only the pages of the `--locale`s, into the layout a full build
        /// writes, for `polydoc merge`.
        #[arg(long, value_name = "FILE", requires = "locale")]
        index: Option<PathBuf>,
        /// With --index: a locale to build (repeat for more).
        #[arg(long, value_name = "CODE", requires = "index")]
        locale: Vec<String>,
        /// With --index: only the K-th of N parts of the locales' pages
        /// (split by article path, the same on every machine).
        #[arg(long, value_name = "K/N", requires = "index", value_parser = polydoc::shard::parse_part)]
        shard: Option<(u32, u32)>,
        /// Keep what a build makes in a persistent cache folder and reuse
        /// it: a rebuild after a few edits redoes only what they change, with
        /// the same output. [default folder: SITE/.polydoc-cache]
        #[arg(long, value_name = "DIR")]
        #[allow(clippy::option_option)]
        cache: Option<Option<PathBuf>>,
    },
    /// Write the index of the whole site that shards are built from: every
    /// article's front matter, title, heading IDs, uids, ms.custom IDs (no
    /// page is written).
    Index {
        /// The site folder (the one holding polydoc.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// The index file to write.
        #[arg(long)]
        out: PathBuf,
        /// Print errors only.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Put the shards' outputs together into the site a full build writes,
    /// with the site-wide files (root page, sitemap, theme files,
    /// translation status pages, the search index of a split locale).
    Merge {
        /// The site folder (the one holding polydoc.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The index every shard was built from.
        #[arg(long, value_name = "FILE")]
        index: PathBuf,
        /// Output folder (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// The shards' output folders.
        #[arg(required = true, num_args = 1.., value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
        /// Print errors only.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Do everything a build does except writing; exit 1 on errors (for CI).
    Check {
        #[command(flatten)]
        common: Common,
        /// Also report every translation review finding (stale
        /// translations, sections, anchors, links, code, numbers, UI paths,
        /// placeholders, machine translation marks, untranslated text), as
        /// warnings unless [l10n.severity] in polydoc.toml says otherwise.
        #[arg(long)]
        l10n: bool,
        /// Use (and fill) the build cache, as `build --cache` does; with
        /// `--l10n`, a review made before from the same inputs gives all
        /// of its findings back (the theme is loaded, as for `check`).
        #[arg(long, value_name = "DIR")]
        #[allow(clippy::option_option)]
        cache: Option<Option<PathBuf>>,
    },
    /// Translations: status and reviewers' tools.
    L10n {
        #[command(subcommand)]
        command: L10nCommand,
    },
    /// Build, serve the site on 127.0.0.1, and rebuild what changed on every
    /// save; open pages reload by themselves.
    Serve {
        /// The site folder (the one holding polydoc.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder [default: SITE/output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; the default serves this machine only.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Start a new site in DIR: polydoc.toml, an article and a toc.yml per
    /// locale, and a .gitignore for output/. It builds as it is.
    Init {
        /// The folder to create the site in (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Locale codes, the source first.
        #[arg(long, value_delimiter = ',', default_value = "en-us")]
        locales: Vec<String>,
    },
    /// The theme: write the built-in one out to customize it.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Write the syntax highlighting stylesheets (light and dark) into DIR.
    #[command(hide = true)]
    ThemeCss { dir: PathBuf },
}

#[derive(Subcommand)]
pub enum ThemeCommand {
    /// Write the built-in theme into SITE/themes/NAME/ (templates, static
    /// files, strings) to customize it. Files left there override the
    /// built-in ones one by one, so you may delete the ones you keep as they
    /// are. Refuses to overwrite existing files unless --force.
    Eject {
        /// The theme folder's name [default: the site's `theme`, else
        /// "default"].
        name: Option<String>,
        /// The site folder (the one holding polydoc.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum L10nCommand {
    /// Per-locale coverage (current / stale / unknown / missing / MT) and the
    /// articles that need a translator, oldest handoff first.
    ///
    /// Current or stale is decided from ms.openlocfilehash (the SHA-1 of the
    /// source file with CRLF line ends) or, without it, from git and
    /// ms.sourcegitcommit; otherwise "unknown".
    Status {
        /// The site folder (the one holding polydoc.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Text, or one JSON document on standard output.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Mark reviewed translations current: rewrite only their
    /// ms.openlocfilehash (to the current source's hash) and ms.lasthandoff
    /// (to today, UTC), keeping every other byte; each file is replaced
    /// atomically.
    #[command(override_usage = "polydoc l10n mark-current [SITE] PATH...")]
    MarkCurrent {
        /// [SITE] PATH...: the site folder (optional, default .; a folder
        /// holding polydoc.toml), then the translated articles, relative to
        /// the working directory or to the site folder.
        #[arg(required = true, num_args = 1.., value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The handoff date to write (MM/DD/YYYY) instead of today.
        #[arg(long)]
        date: Option<String>,
    },
}
