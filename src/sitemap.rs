//! Sitemap: `sitemap.xml` of every indexable page with its last change date
//! and, on a multilingual site, the same article in every locale as
//! `xhtml:link rel="alternate" hreflang` (plus `x-default`, the source
//! locale), as the page heads carry them.

use crate::config::Config;
use crate::markdown::highlight::html_escape;
use crate::site::Site;

pub fn sitemap(config: &Config, site: &Site) -> String {
    let multilingual = config.locales.len() > 1;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for page in &site.pages {
        let a = &site.articles[page.article];
        if a.fm.noindex() {
            continue;
        }
        out.push_str("  <url><loc>");
        out.push_str(&html_escape(&format!("{}{}", config.base_url, page.url)));
        out.push_str("</loc>");
        if let Some(d) = a.fm.ms_date {
            out.push_str(&format!("<lastmod>{}</lastmod>", d.iso()));
        }
        if multilingual {
            let alternates = config.locales.iter().enumerate().filter_map(|(li, l)| {
                let p = site.page(li, &page.rel)?;
                (!site.articles[p.article].fm.noindex()).then_some((l.lang.as_str(), li, &p.url))
            });
            for (lang, li, url) in alternates {
                let href = html_escape(&format!("{}{url}", config.base_url));
                out.push_str(&format!(
                    "\n    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>"
                ));
                if li == 0 {
                    out.push_str(&format!(
                        "\n    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>"
                    ));
                }
            }
            out.push_str("\n  ");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
