//! Sitemap: `sitemap.xml` of every indexable page with its last change date.

use crate::config::Config;
use crate::markdown::highlight::html_escape;
use crate::site::Site;

pub fn sitemap(config: &Config, site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
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
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
