//! Users and their roles. A user acts through API keys (the server's key file names the
//! user a key belongs to) and may have a password, stored as an argon2 PHC string (a slow,
//! salted hash: unlike a 256-bit API key, a password can be guessed).
//!
//! The first admin can be added by anyone with the data directory (there is no one yet to
//! ask); from then on only an admin adds users. Users are never deleted (their names stay
//! in the audit trail): they are disabled.

use crate::db::Connection;
use crate::model::{Actor, Role};
use crate::params;
use crate::{ReviewError, timestamp_text};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;

/// A user as listed (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub has_password: bool,
    pub disabled: bool,
    pub created_at: String,
}

/// Longest user name accepted.
pub const MAX_NAME_CHARS: usize = 64;

fn check_name(name: &str) -> Result<(), ReviewError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok && name != crate::model::SYSTEM_ACTOR {
        Ok(())
    } else {
        Err(ReviewError::Usage(format!(
            "user name {:?}: 1 to {MAX_NAME_CHARS} letters, digits, '.', '_', '-' or '@', and not {:?}",
            name,
            crate::model::SYSTEM_ACTOR
        )))
    }
}

/// An argon2id hash (the crate's default parameters) with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, ReviewError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ReviewError::Usage(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ReviewError::Usage(format!("password salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ReviewError::Usage(format!("hashing the password: {e}")))
}

fn count_admins(conn: &Connection) -> Result<i64, ReviewError> {
    conn.query_row(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0",
        params![],
        |row| row.get(0),
    )
}

/// Whether a user may be added without an acting admin: only the first admin.
pub fn needs_admin(conn: &Connection) -> Result<bool, ReviewError> {
    Ok(count_admins(conn)? > 0)
}

/// Adds a user. `by` is the acting admin; `None` only for the first admin.
pub fn add(
    conn: &Connection,
    by: Option<&Actor>,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: Timestamp,
) -> Result<User, ReviewError> {
    check_name(name)?;
    match by {
        Some(actor) if actor.role == Some(Role::Admin) => {}
        Some(actor) => {
            return Err(ReviewError::Forbidden(format!(
                "{actor} may not add users: that needs the admin role"
            )));
        }
        None if needs_admin(conn)? => {
            return Err(ReviewError::Forbidden(
                "adding a user needs an admin's key (--key or SANCTUM_KEY)".into(),
            ));
        }
        None if role != Role::Admin => {
            return Err(ReviewError::Forbidden(
                "there is no admin yet: add one first (--role admin)".into(),
            ));
        }
        None => {}
    }
    if get(conn, name)?.is_some() {
        return Err(ReviewError::Conflict(format!(
            "user {name:?} already exists"
        )));
    }
    let hash = match password {
        Some("") => {
            return Err(ReviewError::Usage("the password is empty".into()));
        }
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let at = timestamp_text(now);
    conn.execute(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
        params![name, role.as_str(), hash, at],
    )?;
    let actor = by.map(|a| a.name.as_str()).unwrap_or(name);
    crate::audit::append(
        conn,
        &at,
        actor,
        "user.add",
        &subject(name),
        &json!({"role": role, "password": hash.is_some(), "first_admin": by.is_none()}),
    )?;
    Ok(User {
        name: name.to_string(),
        role,
        has_password: hash.is_some(),
        disabled: false,
        created_at: at,
    })
}

pub fn subject(name: &str) -> String {
    format!("user:{name}")
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<User>, ReviewError> {
    let row = conn
        .query_opt(
            "SELECT name, role, password_hash IS NOT NULL, disabled, created_at FROM users WHERE name = ?1",
            params![name],
            |row| {
                Ok((
                    row.get::<String>(0)?,
                    row.get::<String>(1)?,
                    row.get::<bool>(2)?,
                    row.get::<bool>(3)?,
                    row.get::<String>(4)?,
                ))
            },
        )?;
    row.map(to_user).transpose()
}

fn to_user(
    (name, role, has_password, disabled, created_at): (String, String, bool, bool, String),
) -> Result<User, ReviewError> {
    let role = role
        .parse()
        .map_err(|e| ReviewError::Corrupt(format!("user {name}: {e}")))?;
    Ok(User {
        name,
        role,
        has_password,
        disabled,
        created_at,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<User>, ReviewError> {
    let rows = conn.query_map(
        "SELECT name, role, password_hash IS NOT NULL, disabled, created_at FROM users ORDER BY name",
        params![],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        },
    )?;
    rows.into_iter().map(to_user).collect()
}

/// The actor a user name stands for: refused when unknown or disabled.
pub fn actor(conn: &Connection, name: &str) -> Result<Actor, ReviewError> {
    match get(conn, name)? {
        None => Err(ReviewError::Forbidden(format!("no user {name:?}"))),
        Some(user) if user.disabled => {
            Err(ReviewError::Forbidden(format!("user {name:?} is disabled")))
        }
        Some(user) => Ok(Actor::user(user.name, user.role)),
    }
}

/// Whether `password` is the user's (false for an unknown, disabled or password-less user).
pub fn check_password(conn: &Connection, name: &str, password: &str) -> Result<bool, ReviewError> {
    let stored: Option<(Option<String>, bool)> = conn.query_opt(
        "SELECT password_hash, disabled FROM users WHERE name = ?1",
        params![name],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let Some((Some(hash), false)) = stored else {
        return Ok(false);
    };
    let parsed = PasswordHash::new(&hash)
        .map_err(|e| ReviewError::Corrupt(format!("password hash of {name}: {e}")))?;
    Ok(argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// Disables a user (admins only; the last enabled admin stays).
pub fn disable(
    conn: &Connection,
    by: &Actor,
    name: &str,
    now: Timestamp,
) -> Result<(), ReviewError> {
    if by.role != Some(Role::Admin) {
        return Err(ReviewError::Forbidden(format!(
            "{by} may not disable users: that needs the admin role"
        )));
    }
    let user = get(conn, name)?.ok_or_else(|| ReviewError::NotFound(format!("user {name:?}")))?;
    if user.role == Role::Admin && !user.disabled && count_admins(conn)? <= 1 {
        return Err(ReviewError::Conflict(
            "the last admin cannot be disabled: add another admin first".into(),
        ));
    }
    conn.execute(
        "UPDATE users SET disabled = 1 WHERE name = ?1",
        params![name],
    )?;
    crate::audit::append(
        conn,
        &timestamp_text(now),
        &by.name,
        "user.disable",
        &subject(name),
        &json!({}),
    )?;
    Ok(())
}

/// Records that a key was created for a user (the key file lives outside the database).
pub fn record_key(
    conn: &Connection,
    by: &str,
    user: &str,
    key_id: &str,
    now: Timestamp,
) -> Result<(), ReviewError> {
    crate::audit::append(
        conn,
        &timestamp_text(now),
        by,
        "key.create",
        &subject(user),
        &json!({"key_id": key_id}),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review() -> crate::Review {
        crate::Review::open_in_memory(crate::Policy::default()).unwrap()
    }

    fn now() -> Timestamp {
        "2026-12-07T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_first_admin_needs_no_key_and_later_users_need_an_admin() {
        let review = review();
        let conn = review.conn().unwrap();
        let err = add(&conn, None, "ana", Role::Analyst, None, now()).unwrap_err();
        assert!(err.to_string().contains("no admin yet"), "{err}");
        add(&conn, None, "root", Role::Admin, None, now()).unwrap();
        let err = add(&conn, None, "eve", Role::Admin, None, now()).unwrap_err();
        assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");
        let admin = actor(&conn, "root").unwrap();
        add(&conn, Some(&admin), "ana", Role::Analyst, None, now()).unwrap();
        let ana = actor(&conn, "ana").unwrap();
        let err = add(&conn, Some(&ana), "bob", Role::Reviewer, None, now()).unwrap_err();
        assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");
        let err = add(&conn, Some(&admin), "ana", Role::Reviewer, None, now()).unwrap_err();
        assert!(matches!(err, ReviewError::Conflict(_)), "{err}");
        let names: Vec<String> = list(&conn).unwrap().into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["ana", "root"]);
        let kinds = crate::audit::history(&conn, "user:ana").unwrap();
        assert_eq!(kinds[0].actor, "root");
    }

    #[test]
    fn passwords_are_argon2_hashes_that_verify() {
        let review = review();
        let conn = review.conn().unwrap();
        add(
            &conn,
            None,
            "root",
            Role::Admin,
            Some("correct horse"),
            now(),
        )
        .unwrap();
        let stored: String = conn
            .query_row("SELECT password_hash FROM users", params![], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        assert!(check_password(&conn, "root", "correct horse").unwrap());
        assert!(!check_password(&conn, "root", "wrong").unwrap());
        assert!(!check_password(&conn, "nobody", "correct horse").unwrap());
    }

    #[test]
    fn a_disabled_user_cannot_act_and_the_last_admin_stays() {
        let review = review();
        let conn = review.conn().unwrap();
        add(&conn, None, "root", Role::Admin, None, now()).unwrap();
        let admin = actor(&conn, "root").unwrap();
        add(&conn, Some(&admin), "ana", Role::Analyst, None, now()).unwrap();
        disable(&conn, &admin, "ana", now()).unwrap();
        assert!(matches!(
            actor(&conn, "ana").unwrap_err(),
            ReviewError::Forbidden(_)
        ));
        assert!(matches!(
            disable(&conn, &admin, "root", now()).unwrap_err(),
            ReviewError::Conflict(_)
        ));
        assert!(add(&conn, None, "x y", Role::Admin, None, now()).is_err());
        assert!(add(&conn, Some(&admin), "sanctum", Role::Analyst, None, now()).is_err());
    }
}
