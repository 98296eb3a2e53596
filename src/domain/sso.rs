//! Single sign-on rules: who an OpenID Connect sign-in admits, and with which role.

use super::Role;
use std::fmt;

/// Maps email domains and identity-provider groups to roles (from the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap {
    /// `acme.com` admits `@acme.com` only; `*.acme.com` admits its subdomains too.
    pub domains: Vec<(String, Role)>,
    /// The ID token claim that lists the user's groups (e.g. `groups`); none: no groups.
    pub groups_claim: Option<String>,
    pub groups: Vec<(String, Role)>,
}

/// What a verified ID token says about the person signing in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub email: Option<String>,
    pub email_verified: bool,
    pub groups: Vec<String>,
}

/// What to do with a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// An existing user: sign in with the role they have.
    SignIn,
    /// A new user admitted by the mapping: create them with this role.
    Create(Role),
}

/// Why a sign-in is refused; the text is shown on the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoEmail,
    Unverified(String),
    NotMapped(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoEmail => f.write_str(
                "Your identity provider did not share an email address; ask its administrator to release the email claim to statusd.",
            ),
            Refusal::Unverified(e) => write!(
                f,
                "Your identity provider has not verified {e}; verify the address there and try again."
            ),
            Refusal::NotMapped(e) => write!(
                f,
                "{e} has no account here and no single sign-on rule admits it; ask an owner to invite you or to map your domain or group to a role."
            ),
        }
    }
}

/// The domain part of an address, lowercased.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// Whether an allowlist entry (`acme.com` or `*.acme.com`) admits a domain.
pub fn domain_matches(entry: &str, domain: &str) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    match entry.strip_prefix("*.") {
        Some(parent) => domain
            .strip_suffix(parent)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => entry == domain,
    }
}

impl RoleMap {
    /// The highest role any mapping gives this identity; none when nothing matches.
    pub fn role_for(&self, email: &str, groups: &[String]) -> Option<Role> {
        let domain = email_domain(email)?;
        let by_domain = self
            .domains
            .iter()
            .filter(|(d, _)| domain_matches(d, &domain))
            .map(|(_, r)| *r);
        let by_group = self
            .groups
            .iter()
            .filter(|(g, _)| self.groups_claim.is_some() && groups.contains(g))
            .map(|(_, r)| *r);
        by_domain.chain(by_group).max()
    }
}

/// Decides a sign-in: the email must be present and verified; an existing user signs in
/// as they are; anyone else needs a mapping that admits them.
pub fn decide(id: &Identity, map: &RoleMap, existing: bool) -> Result<Decision, Refusal> {
    let email = id
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or(Refusal::NoEmail)?;
    if !id.email_verified {
        return Err(Refusal::Unverified(email.to_string()));
    }
    if existing {
        return Ok(Decision::SignIn);
    }
    map.role_for(email, &id.groups)
        .map(Decision::Create)
        .ok_or_else(|| Refusal::NotMapped(email.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> RoleMap {
        RoleMap {
            domains: vec![
                ("acme.com".into(), Role::Editor),
                ("*.partners.example".into(), Role::Viewer),
            ],
            groups_claim: Some("groups".into()),
            groups: vec![("status-owners".into(), Role::Owner)],
        }
    }

    fn id(email: Option<&str>, verified: bool, groups: &[&str]) -> Identity {
        Identity {
            email: email.map(str::to_string),
            email_verified: verified,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn sign_ins_are_decided_by_email_verification_and_mapping() {
        use Decision::*;
        let cases: Vec<(Identity, bool, Result<Decision, Refusal>)> = vec![
            (
                id(Some("a@acme.com"), true, &[]),
                false,
                Ok(Create(Role::Editor)),
            ),
            (
                id(Some("A@ACME.com"), true, &[]),
                false,
                Ok(Create(Role::Editor)),
            ),
            (
                id(Some("a@sub.acme.com"), true, &[]),
                false,
                Err(Refusal::NotMapped("a@sub.acme.com".into())),
            ),
            (
                id(Some("p@x.partners.example"), true, &[]),
                false,
                Ok(Create(Role::Viewer)),
            ),
            (
                id(Some("p@partners.example"), true, &[]),
                false,
                Err(Refusal::NotMapped("p@partners.example".into())),
            ),
            (
                id(Some("p@evilpartners.example"), true, &[]),
                false,
                Err(Refusal::NotMapped("p@evilpartners.example".into())),
            ),
            (
                id(Some("b@other.org"), true, &["status-owners"]),
                false,
                Ok(Create(Role::Owner)),
            ),
            (
                id(Some("c@acme.com"), true, &["status-owners"]),
                false,
                Ok(Create(Role::Owner)),
            ),
            (
                id(Some("d@other.org"), true, &["staff"]),
                false,
                Err(Refusal::NotMapped("d@other.org".into())),
            ),
            (id(Some("e@other.org"), true, &[]), true, Ok(SignIn)),
            (
                id(Some("a@acme.com"), false, &[]),
                false,
                Err(Refusal::Unverified("a@acme.com".into())),
            ),
            (
                id(Some("e@other.org"), false, &[]),
                true,
                Err(Refusal::Unverified("e@other.org".into())),
            ),
            (id(None, true, &[]), false, Err(Refusal::NoEmail)),
            (id(Some("  "), true, &[]), true, Err(Refusal::NoEmail)),
        ];
        for (identity, existing, want) in cases {
            assert_eq!(decide(&identity, &map(), existing), want, "{identity:?}");
        }
    }

    #[test]
    fn groups_count_only_with_a_groups_claim() {
        let mut m = map();
        m.groups_claim = None;
        assert_eq!(m.role_for("b@other.org", &["status-owners".into()]), None);
    }

    #[test]
    fn refusals_say_what_to_do() {
        let msg = Refusal::NotMapped("x@y.org".into()).to_string();
        assert!(
            msg.contains("x@y.org") && msg.contains("ask an owner"),
            "{msg}"
        );
        assert!(
            Refusal::Unverified("x@y.org".into())
                .to_string()
                .contains("not verified")
        );
    }
}
