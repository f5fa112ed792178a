//! `polydoc init`: a new site that builds with no errors or warnings:
//! `polydoc.toml`, per locale an overview and a get-started article and a
//! `toc.yml`, and a `.gitignore` for the output folder. The translations
//! carry the source's `ms.openlocfilehash`, so they start out current.
//! Knows nothing of the pipeline; the written config is checked with
//! `Config::parse` before anything is written.

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::Diagnostic;
use std::path::Path;

/// The words of the starter articles in one language.
struct Words {
    name: &'static str,
    overview: &'static str,
    welcome: &'static str,
    next_steps: &'static str,
    get_started: &'static str,
    write: &'static str,
    write_text: &'static str,
    preview: &'static str,
    preview_text: &'static str,
}

const ENGLISH: Words = Words {
    name: "English",
    overview: "Overview",
    welcome: "Welcome to the documentation. Start with the article below.",
    next_steps: "Next steps",
    get_started: "Get started",
    write: "Write an article",
    write_text:
        "Add a Markdown file to this folder and an entry for it in `toc.yml`, the table of contents of the sidebar.",
    preview: "Preview the site",
    preview_text: "Run this command in the site folder and open the address it prints:",
};

const DUTCH: Words = Words {
    name: "Nederlands",
    overview: "Overzicht",
    welcome: "Welkom bij de documentatie. Begin met het onderstaande artikel.",
    next_steps: "Volgende stappen",
    get_started: "Aan de slag",
    write: "Een artikel schrijven",
    write_text: "Voeg een Markdown-bestand toe aan deze map en een vermelding ervoor in `toc.yml`, de inhoudsopgave van de zijbalk.",
    preview: "Een voorbeeld van de site bekijken",
    preview_text: "Voer deze opdracht uit in de map van de site en open het adres dat wordt weergegeven:",
};

const GERMAN: Words = Words {
    name: "Deutsch",
    overview: "Übersicht",
    welcome: "Willkommen bei der Dokumentation. Beginnen Sie mit dem folgenden Artikel.",
    next_steps: "Nächste Schritte",
    get_started: "Erste Schritte",
    write: "Einen Artikel schreiben",
    write_text: "Fügen Sie diesem Ordner eine Markdown-Datei hinzu und tragen Sie sie in `toc.yml` ein, das Inhaltsverzeichnis der Seitenleiste.",
    preview: "Die Website in der Vorschau anzeigen",
    preview_text: "Führen Sie diesen Befehl im Websiteordner aus, und öffnen Sie die angezeigte Adresse:",
};

const FRENCH: Words = Words {
    name: "Français",
    overview: "Vue d’ensemble",
    welcome: "Bienvenue dans la documentation. Commencez par l’article ci-dessous.",
    next_steps: "Étapes suivantes",
    get_started: "Prise en main",
    write: "Écrire un article",
    write_text: "Ajoutez un fichier Markdown à ce dossier et une entrée pour lui dans `toc.yml`, la table des matières de la barre latérale.",
    preview: "Afficher un aperçu du site",
    preview_text: "Exécutez cette commande dans le dossier du site et ouvrez l’adresse affichée :",
};

/// The starter words for a locale code, and whether they are in its
/// language; other languages get English words (to be translated) under the
/// code as its display name.
fn words(code: &str) -> (Words, String, bool) {
    let primary = code.split('-').next().unwrap_or("");
    match primary {
        "nl" => (DUTCH, DUTCH.name.into(), true),
        "de" => (GERMAN, GERMAN.name.into(), true),
        "fr" => (FRENCH, FRENCH.name.into(), true),
        "en" => (ENGLISH, ENGLISH.name.into(), true),
        _ => (ENGLISH, code.to_string(), false),
    }
}

/// What `init` wrote, relative to the site folder.
pub struct Init {
    pub written: Vec<String>,
    /// Locales whose articles are English text, for a translator.
    pub untranslated: Vec<String>,
}

/// Writes a new site into `dir` (created if missing). `locales` are locale
/// codes, the first is the source. Refuses (writing nothing) when any file
/// it would write exists already.
pub fn init(dir: &Path, locales: &[String], today: crate::frontmatter::Date) -> Result<Init, Diagnostic> {
    let codes: Vec<String> = locales.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    if codes.is_empty() || codes.iter().any(String::is_empty) {
        return Err(Diagnostic::error(
            "init",
            "--locales",
            "name at least one locale, e.g. --locales en-us,nl-nl",
        ));
    }
    for (i, c) in codes.iter().enumerate() {
        if crate::config::bcp47_lang(c).is_none() || !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Diagnostic::error(
                "init",
                "--locales",
                format!("locale code `{c}` is not a BCP 47 language tag"),
            )
            .help("use tags like en-us, nl-nl, zh-hans or pt-br, separated by commas"));
        }
        if codes[..i].contains(c) {
            return Err(Diagnostic::error(
                "init",
                "--locales",
                format!("locale `{c}` is named twice"),
            ));
        }
    }
    let title = dir
        .canonicalize()
        .ok()
        .or_else(|| std::env::current_dir().ok().map(|d| d.join(dir)))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Documentation".into());
    let mut toml = format!(
        "# polydoc site settings: see the README for every key.\ntitle = {}\n\
         # The address the site is published at (canonical and hreflang URLs, sitemap.xml).\n\
         base_url = \"https://docs.example.com/\"\nsource_locale = \"{}\"\n\
         # Where \"Edit this page\" links go; {{path}} is the article's path under its locale folder.\n\
         # edit_url = \"https://github.com/OWNER/REPO/edit/main/articles/{}/{{path}}\"\n",
        toml::Value::String(title.clone()),
        codes[0],
        codes[0],
    );
    for c in &codes {
        let (_, name, _) = words(c);
        toml.push_str(&format!("\n[locales.{c}]\nname = {}\n", toml::Value::String(name)));
    }
    // The same checks a build makes (BCP 47 codes, lower case).
    Config::parse(dir, &toml)?;

    let date = format!("{:02}/{:02}/{}", today.month, today.day, today.year);
    let mut files: Vec<(String, String)> = vec![
        (CONFIG_FILE.into(), toml),
        (
            ".gitignore".into(),
            "# polydoc's build output, and its cache (`build --cache`)\noutput/\n.polydoc-cache/\n".into(),
        ),
    ];
    let mut source_hashes: Vec<String> = Vec::new();
    let mut untranslated = Vec::new();
    let source_words = words(&codes[0]).0;
    for (i, c) in codes.iter().enumerate() {
        let (w, _, translated) = words(c);
        if !translated {
            untranslated.push(c.clone());
        }
        // A translated heading keeps the source's ID, as Learn's
        // translations do, so links written against the source still land.
        let h = |text: &str, source: &str| {
            if i == 0 || text == source {
                text.to_string()
            } else {
                format!("<a name=\"{}\"></a>{text}", crate::markdown::slug::slug(source))
            }
        };
        let sw = &source_words;
        let mut articles = [
            (
                "index.md",
                format!(
                    "# {title}\n\n{}\n\n## {}\n\n- [{}](get-started.md)\n",
                    w.welcome,
                    h(w.next_steps, sw.next_steps),
                    w.get_started
                ),
                w.overview,
            ),
            (
                "get-started.md",
                format!(
                    "# {}\n\n## {}\n\n{}\n\n## {}\n\n{}\n\n```bash\npolydoc serve\n```\n",
                    h(w.get_started, sw.get_started),
                    h(w.write, sw.write),
                    w.write_text,
                    h(w.preview, sw.preview),
                    w.preview_text
                ),
                w.get_started,
            ),
        ];
        for (n, (file, body, page_title)) in articles.iter_mut().enumerate() {
            let mut front = format!(
                "---\ntitle: {}\ndescription: {}\nms.date: {date}\n",
                yaml_str(page_title),
                yaml_str(&format!("{title}: {page_title}"))
            );
            if i > 0 && translated {
                // Translated from the source as it is now: current.
                front.push_str(&format!("ms.openlocfilehash: {}\n", source_hashes[n]));
            }
            front.push_str("---\n");
            let text = format!("{front}{body}");
            if i == 0 {
                source_hashes.push(crate::l10n::hash::loc_hash(
                    text.as_bytes(),
                    crate::l10n::hash::Algorithm::Sha1,
                ));
            }
            files.push((format!("articles/{c}/{file}"), text));
        }
        files.push((
            format!("articles/{c}/toc.yml"),
            format!(
                "items:\n- name: {}\n  href: index.md\n- name: {}\n  href: get-started.md\n",
                yaml_str(w.overview),
                yaml_str(w.get_started)
            ),
        ));
    }

    let existing: Vec<&str> = files
        .iter()
        .map(|(rel, _)| rel.as_str())
        .filter(|rel| dir.join(rel).exists())
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostic::error(
            "init",
            dir.display().to_string(),
            format!("the folder already has {}; nothing was written", existing.join(", ")),
        )
        .help("run `polydoc init` in a new or empty folder: `polydoc init my-docs`"));
    }
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        let write = || -> std::io::Result<()> {
            let parent = path.parent().unwrap_or(dir);
            std::fs::create_dir_all(parent)?;
            let tmp = parent.join(".polydoc-init.tmp");
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| Diagnostic::error("init", rel, format!("cannot write: {e}")))?;
        written.push(rel.clone());
    }
    Ok(Init { written, untranslated })
}

/// A YAML scalar, quoted when plain style could misread it.
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.contains([
            ':', '#', '\'', '"', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
        ])
        && !s.starts_with(['-', '?', ' '])
        && !s.ends_with(' ');
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::yaml_str;

    #[test]
    fn yaml_strings_are_quoted_when_needed() {
        assert_eq!(yaml_str("Get started"), "Get started");
        assert_eq!(yaml_str("Docs: Overview"), "\"Docs: Overview\"");
        assert_eq!(yaml_str("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
