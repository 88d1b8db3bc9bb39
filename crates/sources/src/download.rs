//! Fetching a source's current publication: over HTTP from its URLs, or from a local mirror
//! directory (`SANCTUM_LISTS_DIR`) for offline and air-gapped sites.
//!
//! Downloads go to a staging directory the caller owns; nothing reaches the store until the
//! whole publication is on disk and parsed.

use crate::catalog::SourceInfo;
use crate::detect::{self, Publication, Role};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Time allowed for one whole file, connection included.
    pub timeout: Duration,
    /// Further attempts after a failed one (network errors and 5xx answers only).
    pub retries: u32,
    /// Pause before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// A directory that serves instead of the network.
    pub lists_dir: Option<PathBuf>,
    /// URL overrides by (source key, role), from configuration or environment.
    pub urls: HashMap<(String, Role), String>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(300),
            retries: 3,
            backoff: Duration::from_secs(2),
            lists_dir: None,
            urls: HashMap::new(),
        }
    }
}

/// Download progress, reported per file.
pub trait Progress {
    fn start(&self, file: &str, total_bytes: Option<u64>);
    fn advance(&self, bytes: u64);
    fn finish(&self);
}

/// Progress that reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// `url` is redacted ([`redact_url`]): it is printed.
    #[error("{url}: {reason}")]
    Http { url: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{dir}: no publication of {key} in the lists directory")]
    NotInMirror { dir: String, key: String },
    #[error(transparent)]
    Parse(#[from] crate::ParseError),
}

/// A URL as it may be printed: credentials in it (`https://user:secret@host/…`) replaced by
/// `***`. Every message and log line that shows a list URL shows it through this.
pub fn redact_url(url: &str) -> String {
    let Some(userinfo) = userinfo(url) else {
        return url.to_string();
    };
    url.replacen(&format!("{userinfo}@"), "***@", 1)
}

/// The `user:password` part of a URL's authority, if it has one.
fn userinfo(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (info, _) = authority.rsplit_once('@')?;
    (!info.is_empty()).then_some(info)
}

/// `text` (an HTTP library's error, which may quote the URL) with the URL's credentials
/// replaced by `***`.
fn redact_in(text: &str, url: &str) -> String {
    match userinfo(url) {
        Some(info) => text.replace(info, "***"),
        None => text.to_string(),
    }
}

/// The URL of one file of a source: override (environment first, then configuration),
/// else the catalog default.
pub fn url_for(info: &SourceInfo, role: Role, default: &str, opts: &FetchOptions) -> String {
    std::env::var(crate::catalog::url_env_var(info.key, role))
        .ok()
        .or_else(|| opts.urls.get(&(info.key.to_string(), role)).cloned())
        .unwrap_or_else(|| default.to_string())
}

/// Fetches the current publication of `info` into `staging`, or finds it in the mirror.
pub fn fetch(
    info: &SourceInfo,
    staging: &Path,
    opts: &FetchOptions,
    progress: &dyn Progress,
) -> Result<Publication, FetchError> {
    if let Some(dir) = &opts.lists_dir {
        return from_mirror(info, dir);
    }
    let mut main = None;
    let mut companions = Vec::new();
    for file in info.files {
        let url = url_for(info, file.role, file.url, opts);
        // The file name comes from the printable URL: it shows in messages.
        let shown = redact_url(&url);
        let name = shown
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or(file.role.as_str());
        let name = name.split('?').next().unwrap_or(name);
        let dest = staging.join(format!("{}_{}", file.role.as_str(), name));
        download(&url, &dest, opts, progress)?;
        if file.role == Role::Main {
            main = Some(dest);
        } else {
            companions.push((file.role, dest));
        }
    }
    let main = main.ok_or_else(|| FetchError::Http {
        url: info.key.to_string(),
        reason: "no main file".into(),
    })?;
    let date = detect::date_in_content(&main);
    Ok(Publication {
        source: info.key.to_string(),
        format: info.format,
        main,
        companions,
        date,
    })
}

/// The newest publication of a source anywhere under the mirror directory; on the same date,
/// the format its official URL serves.
pub fn from_mirror(info: &SourceInfo, dir: &Path) -> Result<Publication, FetchError> {
    let mut dirs = vec![dir.to_path_buf()];
    let mut best: Option<Publication> = None;
    while let Some(d) = dirs.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| FetchError::Io {
            path: d.display().to_string(),
            source: e,
        })?;
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            }
        }
        let (publications, _) = detect::plan(&d, Some(info.key))?;
        for p in publications.into_iter().filter(|p| p.source == info.key) {
            // The newest, then the format the network would serve.
            let rank = |p: &Publication| (p.date, p.format == info.format, p.main.clone());
            if best.as_ref().is_none_or(|b| rank(&p) > rank(b)) {
                best = Some(p);
            }
        }
    }
    best.ok_or_else(|| FetchError::NotInMirror {
        dir: dir.display().to_string(),
        key: info.key.to_string(),
    })
}

/// Downloads one URL to `dest`, retrying transient failures with exponential backoff.
pub fn download(
    url: &str,
    dest: &Path,
    opts: &FetchOptions,
    progress: &dyn Progress,
) -> Result<(), FetchError> {
    let mut attempt = 0;
    loop {
        match download_once(url, dest, opts, progress) {
            Ok(()) => return Ok(()),
            Err((err, transient)) if transient && attempt < opts.retries => {
                attempt += 1;
                let pause = opts.backoff * 2u32.saturating_pow(attempt - 1);
                eprintln!(
                    "warning: {err}; retry {attempt}/{} in {:?}",
                    opts.retries, pause
                );
                std::thread::sleep(pause);
            }
            Err((err, _)) => return Err(err),
        }
    }
}

fn download_once(
    url: &str,
    dest: &Path,
    opts: &FetchOptions,
    progress: &dyn Progress,
) -> Result<(), (FetchError, bool)> {
    let http = |reason: String, transient: bool| {
        (
            FetchError::Http {
                url: redact_url(url),
                reason: redact_in(&reason, url),
            },
            transient,
        )
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("sanctum/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| http(e.to_string(), true))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(http(
            format!("HTTP status {status}"),
            status >= 500 || status == 429,
        ));
    }
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    progress.start(&redact_url(url), total);
    let io = |e: std::io::Error| {
        (
            FetchError::Io {
                path: dest.display().to_string(),
                source: e,
            },
            false,
        )
    };
    let mut out = std::fs::File::create(dest).map_err(io)?;
    let mut reader = response.body_mut().with_config().limit(2 << 30).reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut received = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| http(format!("reading body: {e}"), true))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(io)?;
        received += n as u64;
        progress.advance(n as u64);
    }
    progress.finish();
    if let Some(total) = total.filter(|&t| t != received) {
        return Err(http(
            format!("truncated: {received} of {total} bytes"),
            true,
        ));
    }
    out.sync_all().map_err(io)?;
    Ok(())
}
