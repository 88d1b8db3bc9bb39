//! Signed-in sessions: a random token in an HttpOnly, SameSite=Strict cookie (Secure behind
//! HTTPS), the user it stands for, and a CSRF token every form of the session carries.
//!
//! Sessions live in memory, keyed by the token's SHA-256 (the token itself is never kept), and
//! end after [`IDLE_TIMEOUT`] without a request or [`ABSOLUTE_TIMEOUT`] after sign-in,
//! whichever comes first; a restart signs everyone out. The sign-in form, before any session,
//! is protected by a double-submit token: a cookie and a hidden field that must agree.

use crate::{PageError, Shared};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use sanctum_review::Actor;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);

const SESSION_COOKIE: &str = "sanctum_session";
const LOGIN_COOKIE: &str = "sanctum_login";

struct Entry {
    actor: Actor,
    csrf: String,
    opened: Instant,
    seen: Instant,
}

/// Every open session.
pub struct Sessions {
    open: Mutex<HashMap<String, Entry>>,
    secure: bool,
}

/// 32 random bytes as hex.
fn token() -> String {
    let mut bytes = [0u8; 32];
    // A machine without randomness cannot issue sessions at all; better no session than a
    // guessable one.
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of one cookie of a request.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Compares two tokens in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    pub fn new(secure: bool) -> Sessions {
        Sessions {
            open: Mutex::new(HashMap::new()),
            secure,
        }
    }

    fn cookie(&self, name: &str, value: &str, path: &str, max_age: Option<u64>) -> String {
        let mut cookie = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
        if let Some(seconds) = max_age {
            cookie.push_str(&format!("; Max-Age={seconds}"));
        }
        if self.secure {
            cookie.push_str("; Secure");
        }
        cookie
    }

    /// A sign-in form's token and the cookie that must come back with it.
    pub fn login_token(&self) -> (String, String) {
        let value = token();
        let cookie = self.cookie(LOGIN_COOKIE, &value, "/login", Some(600));
        (value, cookie)
    }

    pub fn check_login_token(&self, headers: &HeaderMap, form: &str) -> bool {
        cookie(headers, LOGIN_COOKIE).is_some_and(|value| !form.is_empty() && same(value, form))
    }

    /// Opens a session for `actor`: the cookie to set.
    pub fn open(&self, actor: Actor) -> String {
        let value = token();
        let now = Instant::now();
        if let Ok(mut open) = self.open.lock() {
            // Sessions that ended are dropped as new ones open: the table stays the size of
            // the people signed in.
            open.retain(|_, entry| alive(entry, now));
            open.insert(
                digest(&value),
                Entry {
                    actor,
                    csrf: token(),
                    opened: now,
                    seen: now,
                },
            );
        }
        self.cookie(SESSION_COOKIE, &value, "/", None)
    }

    /// Ends a session: the cookie that clears it.
    pub fn close(&self, session: &Session) -> String {
        if let Ok(mut open) = self.open.lock() {
            open.remove(&session.key);
        }
        self.cookie(SESSION_COOKIE, "", "/", Some(0))
    }

    /// The session of a request, if it holds a live one.
    fn find(&self, headers: &HeaderMap) -> Option<Session> {
        let key = digest(cookie(headers, SESSION_COOKIE)?);
        let now = Instant::now();
        let mut open = self.open.lock().ok()?;
        let entry = open.get_mut(&key)?;
        if !alive(entry, now) {
            open.remove(&key);
            return None;
        }
        entry.seen = now;
        Some(Session {
            key,
            actor: entry.actor.clone(),
            csrf: entry.csrf.clone(),
        })
    }
}

fn alive(entry: &Entry, now: Instant) -> bool {
    now.duration_since(entry.seen) < IDLE_TIMEOUT
        && now.duration_since(entry.opened) < ABSOLUTE_TIMEOUT
}

/// The signed-in user of a request. A request without a live session is sent to `/login`.
pub struct Session {
    key: String,
    pub actor: Actor,
    csrf: String,
}

impl Session {
    /// A form's CSRF token must be the session's.
    pub fn check_csrf(&self, form: &str) -> Result<(), PageError> {
        if same(&self.csrf, form) {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }

    /// What the page templates show of the user.
    pub fn view(&self) -> crate::pages::UserView {
        crate::pages::UserView {
            name: self.actor.name.clone(),
            role: self
                .actor
                .role
                .map(|role| role.as_str().to_string())
                .unwrap_or_default(),
            csrf: self.csrf.clone(),
        }
    }
}

impl FromRequestParts<Shared> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, desk: &Shared) -> Result<Self, Self::Rejection> {
        desk.sessions
            .find(&parts.headers)
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}
