//! `statusd export-site DIR`: the public side (pages, incident pages, history, uptime,
//! feeds, badges, v2 JSON, assets) as static files with relative links, one
//! `index.html` per directory, for any static host or CDN origin. It crawls a running
//! server over HTTP, so the files are byte for byte what visitors would get.

use crate::domain::Audience;
use crate::error::{AppError, AppResult};
use crate::snapshot::base_path;
use crate::store::Store;
use crate::worker::Shutdown;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Marks a folder as written by export-site, so a re-export may replace it.
pub const MARKER: &str = ".statusd-export";
/// The most documents one export fetches (a guard against a crawl that never ends).
const MAX_DOCUMENTS: usize = 20_000;

/// Where each page's documents start; a page's base (`/p/{slug}`) is put in front.
const SEEDS: &[&str] = &[
    "/",
    "/history",
    "/uptime",
    "/history.atom",
    "/history.rss",
    "/badge.svg",
    "/api/v2/summary.json",
    "/api/v2/status.json",
    "/api/v2/components.json",
    "/api/v2/incidents.json",
    "/api/v2/incidents/unresolved.json",
    "/api/v2/scheduled-maintenances.json",
    "/api/v2/scheduled-maintenances/upcoming.json",
    "/api/v2/scheduled-maintenances/active.json",
];

/// Paths (after a page's base) that belong to the static copy; links elsewhere (sign-up,
/// admin) point back to the live server.
fn exportable(path: &str) -> bool {
    let tail = match path.strip_prefix("/p/") {
        Some(rest) => rest.split_once('/').map_or("/", |(_, t)| t),
        None => path.trim_start_matches('/'),
    };
    let tail = tail.trim_start_matches('/');
    [
        "",
        "history",
        "uptime",
        "history.atom",
        "history.rss",
        "badge.svg",
        "uptime.svg",
        "embed.js",
    ]
    .contains(&tail)
        || tail.starts_with("incidents/")
        || tail.starts_with("api/v2/")
        || (path.starts_with("/assets/") && !path.contains(".."))
}

/// One fetched document.
struct Doc {
    html: bool,
    body: Vec<u8>,
}

/// What one export wrote.
#[derive(Debug, Default)]
pub struct Exported {
    pub files: usize,
    pub bytes: u64,
}

/// The file (relative to the export root) that serves `url` (a path with an optional
/// query): HTML as `dir/index.html`, anything else under its own name; a query becomes
/// part of the name (`/history?month=2026-10` → `history/month-2026-10/index.html`).
pub fn file_for(url: &str, html: bool) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path.trim_matches('/');
    let query: String = query
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if html {
        let dir = [path, query.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        if dir.is_empty() {
            "index.html".into()
        } else {
            format!("{dir}/index.html")
        }
    } else if query.is_empty() {
        path.to_string()
    } else {
        match path.rsplit_once('.') {
            Some((stem, ext)) if !ext.contains('/') => format!("{stem}.{query}.{ext}"),
            _ => format!("{path}.{query}"),
        }
    }
}

/// The link from the file `from` to the file `to` (both relative to the root);
/// a directory's `index.html` is linked as the directory (`../history/`).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(vec![], |(_, d)| d.to_vec());
    let (target, dir_link) = match to.strip_suffix("index.html") {
        Some(dir) => (dir.trim_end_matches('/'), true),
        None => (to, false),
    };
    let to_parts: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    if dir_link && !out.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    if out.is_empty() {
        out.push_str("./");
    }
    out
}

fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?P<attr>\b(?:href|src|action))="(?P<url>[^"]*)""#)
            .unwrap_or_else(|e| unreachable!("constant pattern: {e}"))
    })
}

/// A link of a document as a server path with its query (`&amp;` decoded) and its
/// fragment, when it points at the server itself.
fn local_target(raw: &str, origin: &str) -> Option<(String, String)> {
    let url = raw.replace("&amp;", "&");
    let path = match url.strip_prefix(origin) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
        Some(_) => return None,
        None if url.starts_with('/') && !url.starts_with("//") => url,
        None => return None,
    };
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p.to_string(), format!("#{f}")),
        None => (path, String::new()),
    };
    Some((if path.is_empty() { "/".into() } else { path }, fragment))
}

/// A blocking HTTP fetcher of one server.
pub struct Site {
    origin: String,
    agent: ureq::Agent,
}

impl Site {
    pub fn new(base_url: &str) -> Site {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Site {
            origin: base_url.trim_end_matches('/').to_string(),
            agent,
        }
    }

    fn get(&self, path: &str) -> AppResult<Option<Doc>> {
        let url = format!("{}{path}", self.origin);
        let mut resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| AppError::Internal(format!("GET {url}: {e}")))?;
        let status = resp.status().as_u16();
        if status != 200 {
            // A public document that needs a sign-in or is gone is left out, not exported.
            return Ok(None);
        }
        let html = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| AppError::Internal(format!("reading {url}: {e}")))?;
        Ok(Some(Doc { html, body }))
    }
}

/// Crawls the public side of `site` for the pages `bases` (`""` for the default page,
/// `/p/{slug}` for others) and writes it to `dir`, replacing an earlier export there.
/// Links that leave the static copy point to `public_url`.
pub fn export(site: &Site, bases: &[String], dir: &Path, public_url: &str) -> AppResult<Exported> {
    let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
    let mut queue: VecDeque<String> = bases
        .iter()
        .flat_map(|b| {
            SEEDS.iter().map(move |s| {
                if *s == "/" && !b.is_empty() {
                    b.clone()
                } else {
                    format!("{b}{s}")
                }
            })
        })
        .collect();
    let mut visited: HashSet<String> = HashSet::new();
    while let Some(path) = queue.pop_front() {
        if !exportable(path.split('?').next().unwrap_or("")) || !visited.insert(path.clone()) {
            continue;
        }
        if visited.len() > MAX_DOCUMENTS {
            return Err(AppError::Internal(format!(
                "more than {MAX_DOCUMENTS} documents; stopping"
            )));
        }
        let Some(doc) = site.get(&path)? else {
            continue;
        };
        if doc.html {
            let text = String::from_utf8_lossy(&doc.body);
            for cap in link_re().captures_iter(&text) {
                if let Some((target, _)) = local_target(&cap["url"], &site.origin) {
                    queue.push_back(target);
                }
            }
        }
        docs.insert(path, doc);
    }
    let files: BTreeMap<&str, String> = docs
        .iter()
        .map(|(p, d)| (p.as_str(), file_for(p, d.html)))
        .collect();
    let public_url = public_url.trim_end_matches('/');
    let staging = sibling(dir, "new")?;
    let _ = std::fs::remove_dir_all(&staging);
    let mut out = Exported::default();
    for (path, doc) in &docs {
        let file = &files[path.as_str()];
        let body = if doc.html {
            let text = String::from_utf8_lossy(&doc.body);
            link_re()
                .replace_all(&text, |cap: &regex::Captures| {
                    let link = match local_target(&cap["url"], &site.origin) {
                        Some((target, frag)) => match files.get(target.as_str()) {
                            Some(to) => format!("{}{frag}", relative(file, to)),
                            None => format!("{public_url}{target}{frag}").replace('&', "&amp;"),
                        },
                        None => cap["url"].to_string(),
                    };
                    format!("{}=\"{link}\"", &cap["attr"])
                })
                .into_owned()
                .into_bytes()
        } else {
            doc.body.clone()
        };
        let target = staging.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&target, &body).map_err(|e| io_error(&target, e))?;
        out.files += 1;
        out.bytes = out.bytes.saturating_add(body.len() as u64);
    }
    std::fs::write(
        staging.join(MARKER),
        "written by statusd export-site; replaced on every export\n",
    )
    .map_err(|e| io_error(&staging, e))?;
    swap_in(&staging, dir)?;
    Ok(out)
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(format!("{}: {e}", path.display()))
}

/// `DIR.statusd-{what}` next to `dir`.
fn sibling(dir: &Path, what: &str) -> AppResult<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| AppError::invalid("DIR", "name a folder, not / or .."))?;
    let mut n = name.to_os_string();
    n.push(format!(".statusd-{what}"));
    Ok(dir.with_file_name(n))
}

/// Replaces `dir` with `staging`; refuses a non-empty folder that no export wrote.
fn swap_in(staging: &Path, dir: &Path) -> AppResult<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| io_error(dir, e))?
            .next()
            .is_none();
        if !empty && !dir.join(MARKER).exists() {
            let _ = std::fs::remove_dir_all(staging);
            return Err(AppError::invalid(
                "DIR",
                format!(
                    "{} holds files that export-site did not write; name an empty or new folder",
                    dir.display()
                ),
            ));
        }
        let old = sibling(dir, "old")?;
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(dir, &old).map_err(|e| io_error(dir, e))?;
        std::fs::rename(staging, dir).map_err(|e| io_error(dir, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| io_error(&old, e))?;
    } else {
        std::fs::rename(staging, dir).map_err(|e| io_error(dir, e))?;
    }
    Ok(())
}

/// Documents whose change means the site changed (watched with `--watch`).
const WATCHED: &[&str] = &[
    "/api/v2/summary.json",
    "/api/v2/incidents.json",
    "/api/v2/scheduled-maintenances.json",
];

impl Site {
    /// A digest of the watched documents of every page: changes when anything shown does.
    fn fingerprint(&self, bases: &[String]) -> AppResult<Vec<u8>> {
        let mut hash = Sha256::new();
        for base in bases {
            for doc in WATCHED {
                if let Some(d) = self.get(&format!("{base}{doc}"))? {
                    hash.update(&d.body);
                }
            }
        }
        Ok(hash.finalize().to_vec())
    }
}

/// Page base paths of the slugs given (`default` is the root page, always included).
pub fn bases_of(slugs: &[String]) -> Vec<String> {
    let mut out = vec![String::new()];
    for s in slugs
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && *s != "default")
    {
        let b = format!("/p/{s}");
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// `statusd export-site DIR --url URL [--page SLUG]… [--watch]`: exports once, or
/// keeps exporting whenever the public documents change (checked every 2 s).
pub fn export_from_url(
    url: &str,
    slugs: &[String],
    dir: &Path,
    public_url: Option<&str>,
    watch: bool,
) -> AppResult<()> {
    let site = Site::new(url);
    let bases = bases_of(slugs);
    let public_url = public_url.unwrap_or(url);
    let mut last: Option<Vec<u8>> = None;
    loop {
        match site.fingerprint(&bases) {
            Ok(fp) if last.as_ref() != Some(&fp) => {
                let done = export(&site, &bases, dir, public_url)?;
                eprintln!(
                    "statusd: exported {} files ({} bytes) to {}",
                    done.files,
                    done.bytes,
                    dir.display()
                );
                last = Some(fp);
            }
            Ok(_) => {}
            // A watched server that restarts is waited for; a first failure is an error.
            Err(e) if watch && last.is_some() => eprintln!("statusd: export-site: {e}; retrying"),
            Err(e) => return Err(e),
        }
        if !watch {
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// Base paths of every public page (`""` for the default page, `/p/{slug}` else).
pub fn public_bases(store: &Store) -> AppResult<Vec<String>> {
    Ok(store
        .list_pages()?
        .iter()
        .filter(|p| p.audience == Audience::Public)
        .map(base_path)
        .collect())
}

/// The address this server can reach itself at: its `listen` with a wildcard host
/// replaced by loopback.
pub fn self_url(listen: &str) -> String {
    let listen = listen
        .replacen("0.0.0.0:", "127.0.0.1:", 1)
        .replacen("[::]:", "[::1]:", 1);
    format!("http://{listen}")
}

/// `export_dir`: re-exports the public side of the running server (crawled at
/// `base_url`) after every change, and every five minutes for the day bars.
pub async fn export_on_change(
    store: Store,
    base_url: String,
    public_url: String,
    dir: PathBuf,
    mut shutdown: Shutdown,
) {
    let mut exported: Option<(u64, Instant)> = None;
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
        let generation = store.generation();
        let due = exported
            .is_none_or(|(g, at)| g != generation || at.elapsed() >= Duration::from_secs(300));
        if !due {
            continue;
        }
        let bases = match store.run(public_bases).await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "export_dir: listing pages");
                continue;
            }
        };
        let (base, public, out) = (base_url.clone(), public_url.clone(), dir.clone());
        let done =
            tokio::task::spawn_blocking(move || export(&Site::new(&base), &bases, &out, &public))
                .await;
        match done {
            Ok(Ok(e)) => {
                tracing::info!(files = e.files, bytes = e.bytes, dir = %dir.display(), "exported the public site");
                exported = Some((generation, Instant::now()));
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, dir = %dir.display(), "export_dir: export failed")
            }
            Err(e) => tracing::error!(error = %e, "export_dir: export crashed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files() {
        for (url, html, file) in [
            ("/", true, "index.html"),
            ("/history", true, "history/index.html"),
            (
                "/history?month=2026-10",
                true,
                "history/month-2026-10/index.html",
            ),
            ("/incidents/01J", true, "incidents/01J/index.html"),
            ("/p/acme", true, "p/acme/index.html"),
            ("/p/acme/history.atom", false, "p/acme/history.atom"),
            ("/api/v2/summary.json", false, "api/v2/summary.json"),
            ("/badge.svg?component=API", false, "badge.component-API.svg"),
            ("/assets/style.3f2a.css", false, "assets/style.3f2a.css"),
        ] {
            assert_eq!(file_for(url, html), file, "{url}");
        }
    }

    #[test]
    fn links_are_relative_and_end_in_a_folder() {
        for (from, to, link) in [
            ("index.html", "history/index.html", "history/"),
            ("index.html", "index.html", "./"),
            ("history/index.html", "index.html", "../"),
            (
                "incidents/01J/index.html",
                "assets/style.css",
                "../../assets/style.css",
            ),
            ("p/acme/index.html", "p/acme/history/index.html", "history/"),
            ("p/acme/history/index.html", "p/acme/index.html", "../"),
            (
                "history/month-2026-10/index.html",
                "history/month-2026-09/index.html",
                "../month-2026-09/",
            ),
            ("index.html", "history.atom", "history.atom"),
        ] {
            assert_eq!(relative(from, to), link, "{from} → {to}");
        }
    }

    #[test]
    fn only_the_public_side_is_exported() {
        for (path, yes) in [
            ("/", true),
            ("/history", true),
            ("/incidents/x", true),
            ("/p/acme", true),
            ("/p/acme/uptime", true),
            ("/api/v2/summary.json", true),
            ("/assets/style.css", true),
            ("/subscribe", false),
            ("/admin/login", false),
            ("/p/acme/subscribe", false),
            ("/api/v1/pages", false),
            ("/assets/../admin", false),
        ] {
            assert_eq!(exportable(path), yes, "{path}");
        }
    }

    #[test]
    fn local_links_are_recognised() {
        let o = "http://127.0.0.1:8080";
        assert_eq!(
            local_target("/history?month=2026-10&amp;x=1#top", o),
            Some(("/history?month=2026-10&x=1".into(), "#top".into()))
        );
        assert_eq!(
            local_target("http://127.0.0.1:8080/uptime", o),
            Some(("/uptime".into(), String::new()))
        );
        assert_eq!(
            local_target("http://127.0.0.1:8080", o),
            Some(("/".into(), String::new()))
        );
        assert_eq!(local_target("https://example.com/x", o), None);
        assert_eq!(local_target("//cdn.example.com/x", o), None);
        assert_eq!(local_target("#main", o), None);
    }
}
