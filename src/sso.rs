//! OpenID Connect sign-in against the configured provider: discovery, the authorization
//! code flow with PKCE, and ID token verification (signature against the provider's
//! JWKS, issuer, audience, expiry, nonce) by the `openidconnect` crate. Blocking calls
//! (ureq with a timeout, no redirects): run them on the blocking pool.

use crate::config::OidcConfig;
use crate::domain::sso::Identity;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest,
    HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, SyncHttpClient, TokenResponse,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a sign-in may take at the provider before its state is forgotten.
pub const FLOW_TTL: Duration = Duration::from_secs(600);
/// Every call to the provider gives up after this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest provider answer read (discovery, JWKS, tokens).
const MAX_ANSWER: u64 = 1 << 20;
/// Sign-ins in flight kept at most, so a flood of starts cannot grow memory unbounded.
const MAX_FLOWS: usize = 10_000;

/// Why a sign-in did not work: the provider could not be used (502), or what it sent
/// was refused (403). The text is shown to the person signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoError {
    Provider(String),
    Refused(String),
}

/// A sign-in started here and not yet finished: the secrets its callback must match.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The customer page a sign-in is for (by id); none for the team sign-in.
    page: Option<String>,
    nonce: String,
    pkce_verifier: String,
    started: Instant,
}

/// Sign-ins in flight, keyed by their `state`; each is taken once.
#[derive(Default)]
pub struct Flows(Mutex<HashMap<String, Pending>>);

impl Pending {
    /// The customer page this sign-in is for, kept with its `state` on the server.
    pub fn page(&self) -> Option<&str> {
        self.page.as_deref()
    }
}

impl Flows {
    fn put(&self, state: String, pending: Pending) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, p| p.started.elapsed() < FLOW_TTL);
        if map.len() >= MAX_FLOWS {
            return;
        }
        map.insert(state, pending);
    }

    /// The sign-in with this state, once; none when unknown, used or expired.
    pub fn take(&self, state: &str) -> Option<Pending> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(state).filter(|p| p.started.elapsed() < FLOW_TTL)
    }
}

/// ureq 3 as the `openidconnect` HTTP client.
struct Http(ureq::Agent);

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct HttpError(String);

impl SyncHttpClient for Http {
    type Error = HttpError;

    fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let sent = if body.is_empty() {
            self.0.run(ureq::http::Request::from_parts(parts, ()))
        } else {
            self.0.run(ureq::http::Request::from_parts(parts, body))
        };
        let resp = sent.map_err(|e| HttpError(e.to_string()))?;
        let (parts, mut body) = resp.into_parts();
        let bytes = body
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| HttpError(e.to_string()))?;
        Ok(HttpResponse::from_parts(parts, bytes))
    }
}

/// The configured provider and the client statusd is there.
pub struct Sso {
    config: OidcConfig,
    http: Http,
    /// `{public_url}/admin/oidc/callback`, registered at the provider.
    redirect: String,
}

impl Sso {
    pub fn new(config: OidcConfig, public_url: &str) -> Sso {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(PROVIDER_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent();
        Sso {
            config,
            http: Http(agent),
            redirect: format!("{public_url}/admin/oidc/callback"),
        }
    }

    /// Which new users a sign-in creates, and with which role.
    pub fn role_map(&self) -> &crate::domain::sso::RoleMap {
        &self.config.roles
    }

    /// The redirect URI to register at the provider.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect
    }

    fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SsoError,
    > {
        let provider = |e: String| {
            SsoError::Provider(format!(
                "The identity provider at {} could not be used: {e}",
                self.config.issuer
            ))
        };
        let issuer =
            IssuerUrl::new(self.config.issuer.clone()).map_err(|e| provider(e.to_string()))?;
        // Discovery on every sign-in keeps the signing keys current when the provider rotates them.
        let metadata = CoreProviderMetadata::discover(&issuer, &self.http)
            .map_err(|e| provider(error_chain(&e)))?;
        let redirect =
            RedirectUrl::new(self.redirect.clone()).map_err(|e| provider(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config
                .client_secret
                .as_ref()
                .map(|s| ClientSecret::new(s.0.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: the provider URL to send the browser to and the `state` that
    /// the callback must bring back (remembered in `flows`, with the customer `page` id
    /// the sign-in is for, if any).
    pub fn begin(&self, flows: &Flows, page: Option<String>) -> Result<(String, String), SsoError> {
        let client = self.client()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let state = state.secret().clone();
        flows.put(
            state.clone(),
            Pending {
                page,
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                started: Instant::now(),
            },
        );
        Ok((url.to_string(), state))
    }

    /// Finishes a sign-in: trades the code (with the PKCE verifier) for tokens and
    /// verifies the ID token; answers who signed in.
    pub fn finish(&self, pending: Pending, code: &str) -> Result<Identity, SsoError> {
        let client = self.client()?;
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| {
                SsoError::Provider(format!("the provider names no token endpoint: {e}"))
            })?;
        let tokens = request
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request(&self.http)
            .map_err(|e| match &e {
                RequestTokenError::ServerResponse(_) => SsoError::Refused(format!(
                    "The identity provider refused to complete the sign-in: {}",
                    error_chain(&e)
                )),
                _ => SsoError::Provider(format!(
                    "The identity provider's token endpoint could not be used: {}",
                    error_chain(&e)
                )),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| SsoError::Refused("The identity provider sent no ID token.".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| {
                SsoError::Refused(format!(
                    "The ID token from the identity provider failed verification ({e}); the sign-in was refused."
                ))
            })?;
        let groups = match &self.config.roles.groups_claim {
            Some(claim) => groups_of(&id_token.to_string(), claim),
            None => Vec::new(),
        };
        Ok(Identity {
            email: claims.email().map(|e| e.as_str().to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            groups,
        })
    }
}

/// The strings of one claim in a (verified) JWT's payload: a list or a single string.
fn groups_of(jwt: &str, claim: &str) -> Vec<String> {
    let payload = jwt
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    match payload.as_ref().and_then(|p| p.get(claim)) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// An error and its causes, in one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_come_from_the_named_claim() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"groups":["sre","ops"],"team":"web","n":1}"#);
        let jwt = format!("h.{payload}.s");
        assert_eq!(groups_of(&jwt, "groups"), vec!["sre", "ops"]);
        assert_eq!(groups_of(&jwt, "team"), vec!["web"]);
        assert!(groups_of(&jwt, "n").is_empty());
        assert!(groups_of(&jwt, "missing").is_empty());
        assert!(groups_of("not a jwt", "groups").is_empty());
    }

    #[test]
    fn a_flow_is_taken_once_and_not_after_it_expires() {
        let flows = Flows::default();
        let pending = |age: Duration| Pending {
            page: None,
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            started: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
        };
        flows.put("fresh".into(), pending(Duration::ZERO));
        assert!(flows.take("fresh").is_some());
        assert!(flows.take("fresh").is_none(), "single use");
        flows.put("old".into(), pending(FLOW_TTL + Duration::from_secs(1)));
        assert!(flows.take("old").is_none(), "expired");
        assert!(flows.take("never").is_none());
    }
}
