//! OpenID Connect single sign-on settings: the provider, the client and the role map.

use super::{Secret, secret};
use crate::domain::Role;
use crate::domain::sso::RoleMap;
use crate::error::{AppError, AppResult};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The provider statusd signs people in with.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Which new users a sign-in creates, and with which role.
    pub roles: RoleMap,
}

/// The raw OIDC keys, flags/env merged over the file.
#[derive(Debug, Default)]
pub(super) struct OidcInput {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub client_secret_file: Option<PathBuf>,
    pub role_domains: Option<BTreeMap<String, String>>,
    pub groups_claim: Option<String>,
    pub role_groups: Option<BTreeMap<String, String>>,
}

/// `key=value` pairs from a comma-separated environment variable or flag.
pub(super) fn pairs(key: &str, items: Vec<String>) -> AppResult<BTreeMap<String, String>> {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| AppError::invalid(key, format!("{s:?} is not name=role")))
        })
        .collect()
}

fn roles(key: &str, map: BTreeMap<String, String>) -> AppResult<Vec<(String, Role)>> {
    map.into_iter()
        .map(|(k, v)| {
            let role = v
                .parse::<Role>()
                .map_err(|m| AppError::invalid(key, format!("{k}: {m}")))?;
            Ok((k, role))
        })
        .collect()
}

fn domains(map: BTreeMap<String, String>) -> AppResult<Vec<(String, Role)>> {
    let out: Vec<(String, Role)> = roles("oidc_role_domains", map)?
        .into_iter()
        .map(|(d, r)| (d.to_ascii_lowercase(), r))
        .collect();
    for (d, _) in &out {
        let bare = d.strip_prefix("*.").unwrap_or(d);
        let ok = !bare.is_empty()
            && bare.contains('.')
            && bare
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !ok {
            return Err(AppError::invalid(
                "oidc_role_domains",
                format!("{d:?} is not a domain like acme.com or *.acme.com"),
            ));
        }
    }
    Ok(out)
}

/// The OIDC settings, or none when no issuer is configured.
pub(super) fn load(input: OidcInput) -> AppResult<Option<OidcConfig>> {
    let Some(issuer) = input.issuer.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let issuer = issuer.trim().trim_end_matches('/').to_string();
    if url::Url::parse(&issuer).is_err()
        || !(issuer.starts_with("https://") || issuer.starts_with("http://"))
    {
        return Err(AppError::invalid(
            "oidc_issuer",
            format!("{issuer:?} is not an http(s) URL such as https://accounts.example.com"),
        ));
    }
    let client_id = input
        .client_id
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            AppError::invalid(
                "oidc_client_id",
                "set the client id that the identity provider gave statusd",
            )
        })?;
    let client_secret = secret(
        "oidc_client_secret",
        input.client_secret,
        input.client_secret_file,
    )?;
    let groups_claim = input.groups_claim.filter(|s| !s.trim().is_empty());
    let role_groups = roles("oidc_role_groups", input.role_groups.unwrap_or_default())?;
    if !role_groups.is_empty() && groups_claim.is_none() {
        return Err(AppError::invalid(
            "oidc_groups_claim",
            "oidc_role_groups needs the name of the claim that lists groups (e.g. groups)",
        ));
    }
    Ok(Some(OidcConfig {
        issuer,
        client_id: client_id.trim().to_string(),
        client_secret,
        roles: RoleMap {
            domains: domains(input.role_domains.unwrap_or_default())?,
            groups_claim,
            groups: role_groups,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OidcInput {
        OidcInput {
            issuer: Some("https://id.example.com/".into()),
            client_id: Some("statusd".into()),
            client_secret: Some("s3cret".into()),
            ..OidcInput::default()
        }
    }

    #[test]
    fn no_issuer_means_no_sso() {
        assert!(load(OidcInput::default()).unwrap().is_none());
    }

    #[test]
    fn settings_are_checked_and_name_the_key() {
        let mut bad_role = input();
        bad_role.role_domains = Some(BTreeMap::from([("acme.com".into(), "admin".into())]));
        let mut bad_domain = input();
        bad_domain.role_domains = Some(BTreeMap::from([("@acme".into(), "editor".into())]));
        let mut groups_without_claim = input();
        groups_without_claim.role_groups = Some(BTreeMap::from([("ops".into(), "editor".into())]));
        let mut no_client = input();
        no_client.client_id = None;
        let mut bad_issuer = input();
        bad_issuer.issuer = Some("id.example.com".into());
        for (case, key) in [
            (bad_role, "oidc_role_domains"),
            (bad_domain, "oidc_role_domains"),
            (groups_without_claim, "oidc_groups_claim"),
            (no_client, "oidc_client_id"),
            (bad_issuer, "oidc_issuer"),
        ] {
            let err = load(case).unwrap_err().to_string();
            assert!(err.starts_with(key), "{err}");
        }
    }

    #[test]
    fn the_file_takes_tables_and_the_environment_pairs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            r#"
oidc_issuer = "https://id.example.com"
oidc_client_id = "statusd"
oidc_role_domains = { "acme.com" = "editor", "*.acme.com" = "viewer" }
oidc_groups_claim = "groups"
oidc_role_groups = { "sre" = "owner" }
sso_only = true
"#,
        )
        .unwrap();
        let args = super::super::ConfigArgs {
            config: Some(path),
            ..Default::default()
        };
        let c = super::super::Config::load(&args).unwrap();
        let o = c.oidc.expect("sso configured");
        assert!(c.sso_only);
        assert_eq!(o.roles.domains.len(), 2);
        assert_eq!(o.roles.groups, vec![("sre".into(), Role::Owner)]);
        let over = super::super::ConfigArgs {
            oidc_role_domains: Some(vec!["other.org=viewer".into()]),
            ..args
        };
        let c = super::super::Config::load(&over).unwrap();
        let domains = c.oidc.unwrap().roles.domains;
        assert_eq!(
            domains,
            vec![("other.org".into(), Role::Viewer)],
            "env wins over the file"
        );
    }

    #[test]
    fn a_full_setting_loads() {
        let mut i = input();
        i.role_domains = Some(
            pairs(
                "k",
                vec!["Acme.com=editor".into(), "*.acme.org=viewer".into()],
            )
            .unwrap(),
        );
        i.groups_claim = Some("groups".into());
        i.role_groups = Some(BTreeMap::from([("ops".into(), "owner".into())]));
        let c = load(i).unwrap().unwrap();
        assert_eq!(c.issuer, "https://id.example.com");
        assert_eq!(
            c.roles.domains,
            vec![
                ("*.acme.org".into(), Role::Viewer),
                ("acme.com".into(), Role::Editor)
            ]
        );
        assert_eq!(c.roles.groups, vec![("ops".into(), Role::Owner)]);
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "the secret never prints"
        );
    }
}
