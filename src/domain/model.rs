//! Records: the serde structs the store keeps and the API returns.
//! New fields carry `#[serde(default)]` so files written by older versions load.

use super::status::ComponentStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Public,
    Internal,
    Customer,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Public, Audience::Internal, Audience::Customer];
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
            Audience::Customer => "customer",
        }
    }
}

impl FromStr for Audience {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audience {s:?}; expected public, internal or customer"))
    }
}

/// A status page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Page {
    pub id: String,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub audience: Audience,
    pub time_zone: String,
    #[serde(default)]
    pub custom_host: Option<String>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    #[serde(default)]
    pub theme: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    /// Links, buttons and the header in this colour (`#rrggbb`, checked by
    /// `domain::branding::accent`); the default accent when empty.
    #[serde(default)]
    pub accent_color: Option<String>,
    /// The logo's served name (`{sha256 prefix}.{ext}`, bytes in the `logos` table).
    #[serde(default)]
    pub logo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A group of components on one page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Group {
    pub id: String,
    pub page_id: String,
    pub name: String,
    pub position: i64,
    #[serde(default)]
    pub collapsed: bool,
    /// Stable name in status-as-code files (`statusd apply`); derived from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A service whose status a page shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Component {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub group_id: Option<String>,
    pub page_ids: Vec<String>,
    pub status: ComponentStatus,
    pub position: i64,
    /// Stable name in status-as-code files (`statusd apply`); derived from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether public pages also show the monitor-measured uptime (published figures
    /// always show); off unless an editor turns it on.
    #[serde(default)]
    pub show_measured_uptime: bool,
}

/// What a user or API key may do. Ordered: each role can do what the ones below it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}; expected owner, editor or viewer"))
    }
}

/// A person who signs in to the admin UI.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    /// argon2id PHC string; never serialized to API clients.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
    /// A disabled user cannot sign in, and their sessions and API keys stop working.
    #[serde(default)]
    pub disabled: bool,
}

/// An API key; the token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub token_hash: String,
    /// First characters of the token, to recognise it in lists.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A signed-in browser session; keyed by the SHA-256 of the cookie value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: String,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Names the session in "your sessions" without revealing its cookie hash.
    #[serde(default)]
    pub id: String,
    /// Noted at most once a minute.
    #[serde(default)]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The client address that signed in.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub user_agent: String,
}

/// Orders components for display: group position, then own position, then name.
pub fn sort_components(components: &mut [Component], groups: &[Group]) {
    let group_pos = |c: &Component| {
        c.group_id
            .as_ref()
            .and_then(|g| groups.iter().find(|x| &x.id == g))
            .map(|g| g.position)
            .unwrap_or(i64::MIN)
    };
    components.sort_by(|a, b| {
        (group_pos(a), a.position, a.name.to_lowercase()).cmp(&(
            group_pos(b),
            b.position,
            b.name.to_lowercase(),
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str, group: Option<&str>, position: i64) -> Component {
        let t = Utc::now();
        Component {
            slug: String::new(),
            managed_by_config: false,
            id: name.to_string(),
            name: name.to_string(),
            description: String::new(),
            group_id: group.map(str::to_string),
            page_ids: vec![],
            status: ComponentStatus::Operational,
            position,
            created_at: t,
            updated_at: t,
            show_measured_uptime: false,
        }
    }

    fn group(id: &str, position: i64) -> Group {
        let t = Utc::now();
        Group {
            slug: String::new(),
            managed_by_config: false,
            id: id.into(),
            page_id: "p".into(),
            name: id.into(),
            position,
            collapsed: false,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn ordering_table() {
        let groups = [group("g1", 2), group("g2", 1)];
        // (components as (name, group, position), expected order of names)
        type Case<'a> = (&'a [(&'a str, Option<&'a str>, i64)], &'a [&'a str]);
        let cases: &[Case] = &[
            (&[("b", None, 0), ("a", None, 0)], &["a", "b"]),
            (&[("a", None, 2), ("b", None, 1)], &["b", "a"]),
            (
                &[("x", Some("g1"), 0), ("y", Some("g2"), 5), ("z", None, 9)],
                &["z", "y", "x"],
            ),
            (&[("B", None, 0), ("a", None, 0)], &["a", "B"]),
        ];
        for (input, want) in cases {
            let mut cs: Vec<_> = input.iter().map(|(n, g, p)| comp(n, *g, *p)).collect();
            sort_components(&mut cs, &groups);
            let got: Vec<_> = cs.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(&got, want);
        }
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Owner > Role::Editor && Role::Editor > Role::Viewer);
        assert!("admin".parse::<Role>().is_err());
    }
}
