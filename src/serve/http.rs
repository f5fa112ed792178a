//! The preview server: a small HTTP/1.1 file server over the output folder
//! with live reload (server-sent events) and the build error overlay
//! injected into HTML pages. Loopback only unless told otherwise.

use percent_encoding::percent_decode_str;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::Duration;

pub const LIVE_JS_PATH: &str = "/__polydoc/live.js";
pub const EVENTS_PATH: &str = "/__polydoc/events";
pub const STATUS_PATH: &str = "/__polydoc/status";

/// What the server shares with the rebuild loop.
#[derive(Default)]
pub struct Shared {
    /// The first of the current build's errors, as text lines
    /// (`file:line:col: msg`), and how many errors there are.
    pub errors: RwLock<(Vec<String>, usize)>,
    /// One sender per open browser tab.
    pub clients: Mutex<Vec<mpsc::Sender<String>>>,
}

impl Shared {
    /// Sends an event (a JSON object) to every open tab.
    pub fn broadcast(&self, json: &str) {
        let mut clients = self.clients.lock().unwrap();
        clients.retain(|c| c.send(json.to_string()).is_ok());
    }
}

pub fn serve(listener: TcpListener, root: PathBuf, shared: Arc<Shared>) {
    let loopback = listener.local_addr().map_or(true, |a| a.ip().is_loopback());
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &root, &shared, loopback);
        });
    }
}

struct Request {
    method: String,
    path: String,
    host: Option<String>,
}

/// Whether a request's `Host` may be answered. A page on any web site can
/// make the browser send requests to the preview under its own host name
/// (DNS rebinding) and read the answers: only loopback names and addresses
/// are answered, and IP addresses when serving on another interface
/// (`--bind`). No `Host` at all (HTTP/1.0 tools) is not a browser.
pub fn host_allowed(host: Option<&str>, loopback_only: bool) -> bool {
    let Some(host) = host else { return true };
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, _)) => ip.to_string(),
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h.to_string(),
            _ => host.clone(),
        }
    };
    let name = name.trim_end_matches('.');
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || !loopback_only,
        Err(_) => false,
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut host = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.trim().eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            }
        }
    }
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    Some(Request { method, path, host })
}

fn handle(mut stream: TcpStream, root: &Path, shared: &Shared, loopback: bool) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some(req) = read_request(&stream) else {
        return respond(&mut stream, 400, "text/plain; charset=utf-8", b"bad request", false);
    };
    if !host_allowed(req.host.as_deref(), loopback) {
        return respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"polydoc serve answers only requests for localhost or a loopback address",
            false,
        );
    }
    let head = req.method == "HEAD";
    if req.method != "GET" && !head {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD",
            false,
        );
    }
    match req.path.as_str() {
        EVENTS_PATH => return events(stream, shared),
        LIVE_JS_PATH => {
            return respond(
                &mut stream,
                200,
                "text/javascript; charset=utf-8",
                LIVE_JS.as_bytes(),
                head,
            )
        }
        STATUS_PATH => {
            let (errors, total) = shared.errors.read().unwrap().clone();
            let mut body = serde_json::json!({ "errors": errors });
            if total > errors.len() {
                body["total"] = total.into();
            }
            let body = body.to_string();
            return respond(&mut stream, 200, "application/json", body.as_bytes(), head);
        }
        _ => {}
    }
    let Some(rel) = safe_path(&req.path) else {
        return respond(&mut stream, 403, "text/plain; charset=utf-8", b"forbidden path", head);
    };
    let mut file = root.join(&rel);
    if file.is_dir() {
        if !req.path.ends_with('/') {
            // One leading slash: `//host/` would name another origin.
            let location = format!("/{}/", req.path.trim_start_matches(['/', '\\']));
            let msg = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return stream.write_all(msg.as_bytes());
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let ctype = content_type(&file);
            let body = if ctype.starts_with("text/html") {
                inject(&bytes, shared)
            } else {
                bytes
            };
            respond(&mut stream, 200, ctype, &body, head)
        }
        Err(_) => {
            // The locale's own not-found page (`/nl-nl/...` -> `nl-nl/404.html`).
            let locale_page = rel.components().next().map(|c| root.join(c).join("404.html"));
            let page = locale_page
                .and_then(|p| std::fs::read(p).ok())
                .or_else(|| std::fs::read(root.join("404.html")).ok())
                .unwrap_or_else(|| b"<h1>404 Not Found</h1>".to_vec());
            respond(
                &mut stream,
                404,
                "text/html; charset=utf-8",
                &inject(&page, shared),
                head,
            )
        }
    }
}

/// The request path as a relative path inside the output folder, or `None`
/// when it tries to leave it (`..`, encoded or not, backslashes, NUL).
pub fn safe_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let rel = decoded.trim_start_matches('/');
    let p = Path::new(rel);
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn respond(stream: &mut TcpStream, status: u16, ctype: &str, body: &[u8], head: bool) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn events(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel();
    shared.clients.lock().unwrap().push(tx);
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: connected\n\n",
    )?;
    loop {
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(msg) => stream.write_all(format!("data: {msg}\n\n").as_bytes())?,
            Err(mpsc::RecvTimeoutError::Timeout) => stream.write_all(b": keep-alive\n\n")?,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

pub fn content_type(p: &Path) -> &'static str {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("yml" | "yaml") => "text/yaml; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script and, when the build has errors, the overlay.
fn inject(html: &[u8], shared: &Shared) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let errors = shared.errors.read().unwrap();
    let mut add = format!("<script src=\"{LIVE_JS_PATH}\"></script>");
    if !errors.0.is_empty() {
        add.push_str(&overlay(&errors.0, errors.1));
    }
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{add}{}", &text[..i], &text[i..]),
        None => format!("{text}{add}"),
    };
    out.into_bytes()
}

/// The error overlay: `errors` listed, of `total` (a site with tens of
/// thousands of errors would otherwise put megabytes into every page).
pub fn overlay(errors: &[String], total: usize) -> String {
    let mut s = String::from(
        "<div id=\"polydoc-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;\
z-index:2147483647;background:#1e1e1e;color:#ffd7d7;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;\
border-top:4px solid #e5484d;white-space:pre-wrap\"><strong style=\"color:#fff\">polydoc: the build has errors. \
An article that cannot be read or rendered keeps its last good page; everything else is up to date.</strong>\n",
    );
    for e in errors {
        s.push_str(&crate::markdown::highlight::html_escape(e));
        s.push('\n');
    }
    if total > errors.len() {
        s.push_str(&format!(
            "... and {} more: `polydoc check` lists every one\n",
            total - errors.len()
        ));
    }
    s.push_str("</div>");
    s
}

const LIVE_JS: &str = r#"(function () {
  var key = "polydoc-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = +saved;
    window.scrollTo(0, y);
    window.addEventListener("load", function () { window.scrollTo(0, y); });
  }
  function here(p) { return p === location.pathname || p + "index.html" === location.pathname || p === location.pathname + "index.html"; }
  var es = new EventSource("/__polydoc/events");
  es.onmessage = function (e) {
    var m = JSON.parse(e.data);
    if (m.type === "css") {
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
        var u = new URL(l.href); u.searchParams.set("v", Date.now()); l.href = u.toString();
      });
    } else if (m.type === "reload" && (m.all || (m.paths || []).some(here))) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
    }
  };
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(safe_path("/en-us/a/"), Some(PathBuf::from("en-us/a")));
        assert_eq!(safe_path("/../etc/passwd"), None);
        assert_eq!(safe_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(safe_path("/a/..%2f..%2fetc"), None);
        assert_eq!(safe_path("/a%5c..%5cb"), None);
        assert_eq!(safe_path("/a%00b"), None);
    }
}

#[cfg(test)]
mod host_tests {
    use super::host_allowed;

    #[test]
    fn only_loopback_hosts_are_answered() {
        for ok in [
            "localhost",
            "localhost:8000",
            "LOCALHOST.",
            "docs.localhost:1",
            "127.0.0.1:8000",
            "127.1.2.3",
            "[::1]:8000",
        ] {
            assert!(host_allowed(Some(ok), true), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "192.168.1.2",
            "[::2]",
            "[::1",
        ] {
            assert!(!host_allowed(Some(bad), true), "{bad}");
        }
        assert!(host_allowed(Some("192.168.1.2:80"), false));
        assert!(!host_allowed(Some("rebind.example"), false));
        assert!(host_allowed(None, true));
    }
}
