//! Team accounts: invitations, password resets, the sessions a person sees of their own,
//! and the rule that keeps one enabled owner.

use super::{Role, User};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long an invitation link works.
pub const INVITE_HOURS: i64 = 72;
/// How long a password reset link works.
pub const RESET_MINUTES: i64 = 60;

/// An invitation (stored by the hash of its token): the account it will create.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invite {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// Who sent it ("owner@example.com").
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A password reset link (stored by the hash of its token), single use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PasswordReset {
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A record that stops working at a time; the store sweeps and refuses it after.
pub trait Expiring {
    fn expires_at(&self) -> DateTime<Utc>;
}

impl Expiring for Invite {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl Expiring for PasswordReset {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl Expiring for super::Session {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl Expiring for super::access::SignInLink {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl Expiring for super::access::CustomerSession {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// What an owner wants to do to a user, for the last-owner rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    Disable,
    Delete,
    SetRole(Role),
}

/// Refuses a change that would leave no enabled owner; `users` is everyone, `target`
/// the user changed.
pub fn keeps_an_owner(users: &[User], target: &User, change: UserChange) -> Result<(), String> {
    let stays_owner = match change {
        UserChange::Disable | UserChange::Delete => false,
        UserChange::SetRole(r) => r == Role::Owner,
    };
    let is_enabled_owner = |u: &User| u.role == Role::Owner && !u.disabled;
    let others = users
        .iter()
        .filter(|u| u.id != target.id && is_enabled_owner(u))
        .count();
    if is_enabled_owner(target) && !stays_owner && others == 0 {
        return Err("this is the last enabled owner; make someone else owner first".into());
    }
    Ok(())
}

/// "Firefox on Linux" from a User-Agent header; "unknown browser" when nothing is known.
pub fn short_user_agent(ua: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("reqwest", "reqwest"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => format!("a browser on {o}"),
        (None, None) if ua.trim().is_empty() => "unknown browser".into(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, role: Role, disabled: bool) -> User {
        User {
            id: id.into(),
            email: format!("{id}@example.com"),
            password_hash: String::new(),
            role,
            created_at: Utc::now(),
            last_login_at: None,
            disabled,
        }
    }

    #[test]
    fn one_enabled_owner_always_stays() {
        let a = user("a", Role::Owner, false);
        let b = user("b", Role::Owner, false);
        let off = user("off", Role::Owner, true);
        let ed = user("ed", Role::Editor, false);
        let cases: Vec<(Vec<User>, &User, UserChange, bool)> = vec![
            (vec![a.clone(), ed.clone()], &a, UserChange::Disable, false),
            (vec![a.clone(), ed.clone()], &a, UserChange::Delete, false),
            (
                vec![a.clone(), ed.clone()],
                &a,
                UserChange::SetRole(Role::Viewer),
                false,
            ),
            (
                vec![a.clone(), ed.clone()],
                &a,
                UserChange::SetRole(Role::Owner),
                true,
            ),
            (vec![a.clone(), off.clone()], &a, UserChange::Disable, false),
            (vec![a.clone(), b.clone()], &a, UserChange::Disable, true),
            (vec![a.clone(), ed.clone()], &ed, UserChange::Disable, true),
            (vec![a.clone(), off.clone()], &off, UserChange::Delete, true),
        ];
        for (users, target, change, ok) in cases {
            assert_eq!(
                keeps_an_owner(&users, target, change).is_ok(),
                ok,
                "{} {change:?}",
                target.id
            );
        }
    }

    #[test]
    fn user_agents_read_short() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("curl/8.5.0", "curl"),
            ("", "unknown browser"),
        ];
        for (ua, want) in cases {
            assert_eq!(short_user_agent(ua), want, "{ua}");
        }
    }
}
