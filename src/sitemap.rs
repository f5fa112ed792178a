//! Sitemap: `sitemap.xml` of every indexable page with its last change date
//! and, on a multilingual site, the same article in every locale as
//! `xhtml:link rel="alternate" hreflang` (plus `x-default`, the source
//! locale), as the page heads carry them.

use crate::config::Config;
use crate::site::Site;

pub fn sitemap(config: &Config, site: &Site) -> String {
    use crate::markdown::highlight::push_html_escaped;
    let multilingual = config.locales.len() > 1;
    // About 160 bytes a URL, and as much again for each alternate.
    let per_page = 160
        + if multilingual {
            160 * (config.locales.len() + 1)
        } else {
            0
        };
    let mut out = String::with_capacity(256 + site.pages.len() * per_page);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    // An absolute URL, escaped: the base URL and the page's are escaped
    // apart (an entity never spans the two: both are whole text).
    let push_url = |out: &mut String, url: &str| {
        push_html_escaped(out, &config.base_url);
        push_html_escaped(out, url);
    };
    for page in &site.pages {
        let a = &site.articles[page.article];
        if a.fm.noindex() {
            continue;
        }
        out.push_str("  <url><loc>");
        push_url(&mut out, &page.url);
        out.push_str("</loc>");
        if let Some(d) = a.fm.ms_date {
            out.push_str("<lastmod>");
            out.push_str(&d.iso());
            out.push_str("</lastmod>");
        }
        if multilingual {
            let alternates = config.locales.iter().enumerate().filter_map(|(li, l)| {
                let p = site.page(li, &page.rel)?;
                (!site.articles[p.article].fm.noindex()).then_some((l.lang.as_str(), li, &p.url))
            });
            for (lang, li, url) in alternates {
                let langs: &[&str] = if li == 0 { &[lang, "x-default"] } else { &[lang] };
                for lang in langs {
                    out.push_str("\n    <xhtml:link rel=\"alternate\" hreflang=\"");
                    out.push_str(lang);
                    out.push_str("\" href=\"");
                    push_url(&mut out, url);
                    out.push_str("\"/>");
                }
            }
            out.push_str("\n  ");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
