//! `/history.atom` and `/history.rss` (also per page under `/p/{slug}/`): one entry
//! per published incident and per maintenance window, with a stable id and the
//! latest change as its date, so readers show an entry again when it is updated.
//! Written by hand: the XML is small and every text goes through `escape`.

use super::public::{self, Client};
use crate::domain::statuspage::shortlink;
use crate::error::AppResult;
use crate::snapshot::{self, PageData, Rendered};
use crate::state::AppState;
use crate::views;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// The feed formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Atom,
    Rss,
}

impl Format {
    fn file(self) -> &'static str {
        match self {
            Format::Atom => "history.atom",
            Format::Rss => "history.rss",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
        }
    }
}

/// How many entries a feed carries, most recently updated first.
const FEED_LIMIT: usize = 100;

/// One feed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// `urn:statusd:incident:{id}` or `urn:statusd:maintenance:{id}`.
    pub id: String,
    pub title: String,
    pub link: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// HTML of the updates (escaped again when written into the XML).
    pub html: String,
}

/// A whole feed.
#[derive(Debug, Clone)]
pub struct Feed {
    pub id: String,
    pub title: String,
    /// The page's title, as the feed's author.
    pub author: String,
    /// The page's address.
    pub link: String,
    /// The feed's own address.
    pub self_link: String,
    pub updated: DateTime<Utc>,
    pub entries: Vec<Entry>,
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The feed of one page: its incidents and maintenance windows.
pub fn feed(d: &PageData, public_url: &str, format: Format) -> Feed {
    let public_url = public_url.trim_end_matches('/');
    let page_link = snapshot::page_url(public_url, d.page);
    let link = |id: &str| shortlink(public_url, id);
    let mut entries: Vec<Entry> = d
        .incidents
        .iter()
        .map(|i| Entry {
            id: format!("urn:statusd:incident:{}", i.id),
            title: i.title.clone(),
            link: link(&i.id),
            published: i.published_at.unwrap_or(i.created_at),
            updated: i.updated_at,
            html: views::incident::feed_content(&i.updates, None).into_string(),
        })
        .chain(d.maintenance.iter().map(|m| {
            let window = format!(
                "Scheduled {} – {}",
                m.starts_at.format("%Y-%m-%d %H:%M UTC"),
                m.ends_at.format("%Y-%m-%d %H:%M UTC")
            );
            Entry {
                id: format!("urn:statusd:maintenance:{}", m.id),
                title: format!("Maintenance: {}", m.title),
                link: link(&m.id),
                published: m.created_at,
                updated: m.updated_at,
                html: views::incident::feed_content(&m.updates, Some(&window)).into_string(),
            }
        }))
        .collect();
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.id.cmp(&a.id)));
    entries.truncate(FEED_LIMIT);
    Feed {
        id: format!("urn:statusd:page:{}", d.page.id),
        title: format!("{}: incident history", d.page.title),
        author: d.page.title.clone(),
        self_link: format!("{page_link}/{}", format.file()),
        link: page_link,
        updated: d.updated_at,
        entries,
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Atom 1.0 (RFC 4287).
pub fn atom(f: &Feed) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(x, "  <id>{}</id>", escape(&f.id));
    let _ = writeln!(x, "  <title>{}</title>", escape(&f.title));
    let _ = writeln!(x, "  <updated>{}</updated>", rfc3339(f.updated));
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&f.link)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&f.self_link)
    );
    let _ = writeln!(x, "  <author><name>{}</name></author>", escape(&f.author));
    x.push_str("  <generator>statusd</generator>\n");
    for e in &f.entries {
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <id>{}</id>", escape(&e.id));
        let _ = writeln!(x, "    <title>{}</title>", escape(&e.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&e.link)
        );
        let _ = writeln!(x, "    <published>{}</published>", rfc3339(e.published));
        let _ = writeln!(x, "    <updated>{}</updated>", rfc3339(e.updated));
        let _ = writeln!(
            x,
            "    <content type=\"html\">{}</content>",
            escape(&e.html)
        );
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// RSS 2.0, with an `atom:link` to itself as validators ask for.
pub fn rss(f: &Feed) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    let _ = writeln!(x, "  <title>{}</title>", escape(&f.title));
    let _ = writeln!(x, "  <link>{}</link>", escape(&f.link));
    let _ = writeln!(x, "  <description>{}</description>", escape(&f.title));
    let _ = writeln!(
        x,
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        escape(&f.self_link)
    );
    let _ = writeln!(
        x,
        "  <lastBuildDate>{}</lastBuildDate>",
        f.updated.to_rfc2822()
    );
    x.push_str("  <generator>statusd</generator>\n");
    for e in &f.entries {
        x.push_str("  <item>\n");
        let _ = writeln!(x, "    <title>{}</title>", escape(&e.title));
        let _ = writeln!(x, "    <link>{}</link>", escape(&e.link));
        let _ = writeln!(
            x,
            "    <guid isPermaLink=\"false\">{}</guid>",
            escape(&e.id)
        );
        let _ = writeln!(x, "    <pubDate>{}</pubDate>", e.updated.to_rfc2822());
        let _ = writeln!(x, "    <description>{}</description>", escape(&e.html));
        x.push_str("  </item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

async fn serve(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    format: Format,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state.store).await?;
    let Some(page) = public::resolve(req, &snap, slug) else {
        return Ok(public::html_message(
            StatusCode::NOT_FOUND,
            "Page not found",
            "No status page has this address.",
        ));
    };
    public::allow(req, page, Client::Machine).await?;
    let key = format!("{}/{}", page.id, format.file());
    let r = state.page_cache.document(&key, snap.generation, || {
        let f = feed(&snap.page_data(page), &state.config.public_url, format);
        let body = match format {
            Format::Atom => atom(&f),
            Format::Rss => rss(&f),
        };
        Ok(Rendered::new(snap.generation, body, format.content_type()))
    })?;
    Ok(public::respond(req, &r, page, &[]))
}

/// `/history.atom`.
pub async fn get_atom(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    serve(&req, &state, None, Format::Atom).await
}

/// `/history.rss`.
pub async fn get_rss(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    serve(&req, &state, None, Format::Rss).await
}

/// `/p/{slug}/history.atom`.
pub async fn get_page_atom(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    serve(&req, &state, Some(&slug), Format::Atom).await
}

/// `/p/{slug}/history.rss`.
pub async fn get_page_rss(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    serve(&req, &state, Some(&slug), Format::Rss).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Feed {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        Feed {
            id: "urn:statusd:page:p1".into(),
            title: "Acme & Co: incident history".into(),
            author: "Acme & Co".into(),
            link: "https://status.example".into(),
            self_link: "https://status.example/history.atom".into(),
            updated: t,
            entries: vec![Entry {
                id: "urn:statusd:incident:i1".into(),
                title: "API <down> \u{1} \"now\"".into(),
                link: "https://status.example/incidents/i1".into(),
                published: t,
                updated: t,
                html: "<p><strong>Investigating</strong></p><p>a &amp; b</p>".into(),
            }],
        }
    }

    #[test]
    fn escape_table() {
        let cases = [
            ("a & b", "a &amp; b"),
            ("<p x=\"1\">'", "&lt;p x=&quot;1&quot;&gt;&apos;"),
            ("bell\u{7}tab\t", "belltab\t"),
            ("ümlaut", "ümlaut"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want);
        }
    }

    #[test]
    fn atom_and_rss_parse_with_escaped_content() {
        let f = sample();
        let a = feed_rs::parser::parse(atom(&f).as_bytes()).expect("atom parses");
        let r = feed_rs::parser::parse(rss(&f).as_bytes()).expect("rss parses");
        assert_eq!(a.feed_type, feed_rs::model::FeedType::Atom);
        assert_eq!(r.feed_type, feed_rs::model::FeedType::RSS2);
        for parsed in [&a, &r] {
            assert_eq!(parsed.entries.len(), 1);
            let e = &parsed.entries[0];
            assert_eq!(e.id, "urn:statusd:incident:i1");
            assert_eq!(e.title.as_ref().unwrap().content, "API <down>  \"now\"");
            assert_eq!(e.links[0].href, "https://status.example/incidents/i1");
        }
        let content = a.entries[0]
            .content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap();
        assert!(
            content.contains("<strong>Investigating</strong>"),
            "{content}"
        );
        assert_eq!(
            a.entries[0].updated.unwrap().to_rfc3339(),
            "2026-11-23T10:00:00+00:00"
        );
    }
}
