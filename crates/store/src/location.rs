//! Where a store lives: a data directory (SQLite, the default) or a PostgreSQL database.

use crate::{Result, StoreError};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where [`crate::Store::connect`] finds the store.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The SQLite file [`crate::DB_FILE_NAME`] in this directory.
    Directory(PathBuf),
    /// A PostgreSQL database shared by every process (and machine) that reaches it.
    Postgres(DatabaseUrl),
}

impl StoreLocation {
    /// The location a command was given: the database URL when there is one
    /// (`--database`, `SANCTUM_DATABASE_URL`), else the data directory.
    pub fn new(data_dir: &Path, database: Option<&str>) -> Result<StoreLocation> {
        match database.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Ok(StoreLocation::Postgres(DatabaseUrl::parse(url)?)),
            None => Ok(StoreLocation::Directory(data_dir.to_path_buf())),
        }
    }
}

/// Printed as a user should see it: the directory, or the URL without its password.
impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Directory(dir) => write!(f, "{}", dir.display()),
            StoreLocation::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Directory(dir) => f.debug_tuple("Directory").field(dir).finish(),
            StoreLocation::Postgres(url) => f.debug_tuple("Postgres").field(url).finish(),
        }
    }
}

/// A `postgres://` (or `postgresql://`) URL. Display and Debug never show its password: it
/// ends up in logs and error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    const SCHEMES: [&'static str; 2] = ["postgres://", "postgresql://"];

    pub fn parse(url: &str) -> Result<DatabaseUrl> {
        let candidate = DatabaseUrl(url.to_string());
        if !Self::SCHEMES.iter().any(|scheme| url.starts_with(scheme)) {
            return Err(StoreError::BadLocation {
                location: candidate.redacted(),
                reason: "a database URL starts with postgres:// or postgresql://".to_string(),
            });
        }
        if let Err(e) = url.parse::<postgres::Config>() {
            return Err(StoreError::BadLocation {
                location: candidate.redacted(),
                reason: e.to_string(),
            });
        }
        Ok(candidate)
    }

    /// The URL with its secrets in place, for the driver only.
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }

    /// The URL with the password of its user part and any `password=` parameter as `***`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
            return "***".to_string();
        };
        let (head, rest) = url.split_at(scheme_end);
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let authority = match authority.rfind('@') {
            Some(at) => {
                let (user_info, host) = authority.split_at(at);
                match user_info.split_once(':') {
                    Some((user, _password)) => format!("{user}:***{host}"),
                    None => authority.to_string(),
                }
            }
            None => authority.to_string(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let query = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                            format!("{key}=***")
                        }
                        _ => pair.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                format!("{path}?{query}")
            }
            None => tail.to_string(),
        };
        format!("{head}{authority}{tail}")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db.example:5432/sanctum").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://app:***@db.example:5432/sanctum"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DatabaseUrl::parse("postgresql://app@db/x?sslmode=disable&password=pw").unwrap();
        assert_eq!(
            url.to_string(),
            "postgresql://app@db/x?sslmode=disable&password=***"
        );
        let location = StoreLocation::new(Path::new("/d"), Some("postgres://u:p@h/db")).unwrap();
        assert_eq!(location.to_string(), "postgres://u:***@h/db");
    }

    #[test]
    fn no_url_means_the_directory_and_other_schemes_are_refused() {
        assert_eq!(
            StoreLocation::new(Path::new("/d"), None).unwrap(),
            StoreLocation::Directory(PathBuf::from("/d"))
        );
        assert_eq!(
            StoreLocation::new(Path::new("/d"), Some("  ")).unwrap(),
            StoreLocation::Directory(PathBuf::from("/d"))
        );
        let err = StoreLocation::new(Path::new("/d"), Some("mysql://u:pw@h/db")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("postgres://"), "{text}");
        assert!(!text.contains("pw@"), "{text}");
    }
}
