//! Webhook notices: Statuspage-shaped JSON signed with HMAC-SHA256, and the Slack and
//! Discord incoming-webhook formats. Sending is blocking (ureq); callers run it on the
//! blocking pool.
//!
//! Signature: `X-Statusd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

use super::Settings;
use super::render::{Message, event_message};
use crate::domain::statuspage::{
    self, ComponentUpdate, Ts, V2Component, WebhookBody, WebhookComponent, WebhookIncident,
    WebhookMeta, WebhookPage,
};
use crate::domain::{
    Event, Indicator, Outcome, SubscriberKind, http_outcome, netaddr, page_status,
};
use crate::store::{BatchCtx, Delivery};
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::OnceLock;
use std::time::Duration;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::DefaultConnector;
use ureq::unversioned::transport::NextTimeout;

/// How long one webhook request may take, all in.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client of webhooks: a global timeout, statuses as values, no redirects.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(WEBHOOK_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("statusd/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Resolves names like the default resolver, then keeps only public addresses: the
/// connection goes to exactly the addresses checked here, so DNS cannot be switched
/// between the check and the connect.
#[derive(Debug, Default)]
struct PublicOnly;

impl Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let all = DefaultResolver::default().resolve(uri, config, timeout)?;
        let mut out = self.empty();
        let mut refused = None;
        for a in all.iter() {
            match netaddr::non_public_reason(a.ip()) {
                None => out.push(*a),
                Some(why) => refused = Some((a.ip(), why)),
            }
        }
        match (out.is_empty(), refused) {
            (true, Some((ip, why))) => Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{ip} is a {why} address; anonymous webhooks may only reach public addresses"
                ),
            ))),
            (true, None) => Err(ureq::Error::HostNotFound),
            (false, _) => Ok(out),
        }
    }
}

/// The client of webhooks that anonymous visitors added: like [`agent`], but it connects
/// only to public addresses (checked after DNS, at every send).
pub fn public_agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(WEBHOOK_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(concat!("statusd/", env!("CARGO_PKG_VERSION")))
            .build();
        ureq::Agent::with_parts(config, DefaultConnector::new(), PublicOnly)
    })
}

/// Whether a subscriber's requests must stay on the public internet: those an anonymous
/// visitor added on the subscribe page, unless the operator allowed private targets.
pub fn public_only(sub: &crate::domain::Subscriber, s: &Settings) -> bool {
    sub.source == "form" && sub.kind.is_url() && !s.allow_private_targets
}

/// Refuses a URL whose host is, or resolves to, a non-public address (blocking: DNS).
/// The sender checks again at every request ([`public_agent`]).
pub fn check_public_url(url: &str) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let uri: ureq::http::Uri = url.parse().map_err(|_| format!("{url:?} is not a URL"))?;
    let host = uri.host().ok_or("the URL has no host name")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{host} cannot be resolved: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    for a in addrs {
        if let Some(why) = netaddr::non_public_reason(a.ip()) {
            return Err(format!(
                "{host} points to {}, a {why} address; use an address on the public internet",
                a.ip()
            ));
        }
    }
    Ok(())
}

/// `t=...,v1=...` for a body sent at unix time `t`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn meta<'a>(token: &str, kind: &'a str, delivery: &'a str, s: &Settings) -> WebhookMeta<'a> {
    WebhookMeta {
        unsubscribe: s.unsubscribe_url(token),
        documentation: format!("{}/subscribe#webhooks", s.public_url),
        generated_at: Ts(Utc::now()),
        event: kind,
        delivery_id: delivery,
    }
}

/// Components by id as they are now, in the v2 shape of the subscriber's page.
fn components_of<'a>(
    ctx: &'a BatchCtx,
    ids: impl Iterator<Item = &'a String>,
    page_id: &'a str,
) -> Vec<V2Component<'a>> {
    ids.filter_map(|id| ctx.components.iter().find(|c| &c.id == id))
        .map(|c| statuspage::component(c, c.group_id.as_deref(), page_id))
        .collect()
}

/// The Statuspage-shaped body of an event for a webhook subscriber.
pub fn statuspage_payload(d: &Delivery, ev: &Event, ctx: &BatchCtx, s: &Settings) -> Option<Value> {
    let sub = d.subscriber.as_ref()?;
    let page_id = sub.page_id.as_str();
    let status = page_status(
        ctx.components
            .iter()
            .filter(|c| c.page_ids.iter().any(|p| p == page_id))
            .map(|c| c.status),
        ctx.maintenance
            .iter()
            .any(|m| m.page_id == page_id && m.status.is_active()),
    );
    let mut body = WebhookBody {
        meta: meta(&sub.token, &ev.kind, &d.notice.id, s),
        page: WebhookPage {
            id: page_id,
            status_indicator: status.indicator,
            status_description: status.description,
        },
        incident: None,
        component_update: None,
        component: None,
    };
    if ev.kind == "component.status_changed" {
        let ch = ev.change.as_ref()?;
        body.component_update = Some(ComponentUpdate {
            id: &ev.id,
            created_at: Ts(ev.at),
            old_status: ch.old_status,
            new_status: ch.new_status,
            component_id: &ch.id,
        });
        body.component = Some(match ctx.components.iter().find(|c| c.id == ch.id) {
            Some(c) => {
                WebhookComponent::Known(statuspage::component(c, c.group_id.as_deref(), page_id))
            }
            None => WebhookComponent::Gone {
                id: &ch.id,
                name: &ch.name,
                status: ch.new_status,
            },
        });
    } else if let Some(i) = ev.incident_id.as_ref().and_then(|id| ctx.incidents.get(id)) {
        let comps = components_of(ctx, i.components.iter().map(|c| &c.id), page_id);
        body.incident = Some(WebhookIncident::incident(i, &s.public_url, comps));
    } else if let Some(m) = ev
        .maintenance_id
        .as_ref()
        .and_then(|id| ctx.maintenance.iter().find(|m| &m.id == id))
    {
        let comps = components_of(ctx, m.component_ids.iter(), page_id);
        body.incident = Some(WebhookIncident::maintenance(m, &s.public_url, comps));
    } else {
        return None;
    }
    serde_json::to_value(&body).ok()
}

/// Slack's `mrkdwn` needs `&`, `<` and `>` escaped.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Slack incoming-webhook message.
pub fn slack_payload(m: &Message) -> Value {
    let mut text = format!(
        "*{}* — {}\n*{}*",
        slack_escape(&m.page_title),
        slack_escape(&m.heading),
        slack_escape(&m.status_line)
    );
    if !m.body.trim().is_empty() {
        text.push_str(&format!("\n{}", slack_escape(m.body.trim())));
    }
    if !m.affected.is_empty() {
        text.push_str(&format!(
            "\nAffected: {}",
            slack_escape(&m.affected.join(", "))
        ));
    }
    if let Some((label, url)) = &m.link {
        text.push_str(&format!("\n<{url}|{}>", slack_escape(label)));
    }
    json!({"text": text, "unfurl_links": false})
}

/// A Discord incoming-webhook message; mentions are disabled so incident text cannot ping anyone.
pub fn discord_payload(m: &Message) -> Value {
    let mut description = format!("**{}**", m.status_line);
    if !m.body.trim().is_empty() {
        description.push_str(&format!("\n{}", m.body.trim()));
    }
    if !m.affected.is_empty() {
        description.push_str(&format!("\nAffected: {}", m.affected.join(", ")));
    }
    let description: String = description.chars().take(4000).collect();
    json!({
        "allowed_mentions": {"parse": []},
        "embeds": [{
            "title": m.heading.chars().take(250).collect::<String>(),
            "description": description,
            "url": m.link.as_ref().map(|(_, u)| u.clone()),
            "color": m.color,
            "footer": {"text": m.page_title},
        }],
    })
}

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct OutHook {
    pub id: String,
    pub url: String,
    pub body: Vec<u8>,
    pub event: String,
    /// HMAC key (webhook kind only).
    pub secret: Option<String>,
    /// Sent through [`public_agent`] (an anonymous visitor's endpoint).
    pub public_only: bool,
}

/// The request of an event notice for a URL subscriber; `None` when there is nothing to say.
pub fn event_hook(d: &Delivery, ctx: &BatchCtx, s: &Settings) -> Option<OutHook> {
    let sub = d.subscriber.as_ref()?;
    let ev = ctx.events.get(d.notice.event_id.as_deref()?)?;
    let body = match sub.kind {
        SubscriberKind::Webhook => statuspage_payload(d, ev, ctx, s)?,
        SubscriberKind::Slack => slack_payload(&event_message(d, ctx, s)?),
        SubscriberKind::Discord => discord_payload(&event_message(d, ctx, s)?),
        SubscriberKind::Email => return None,
    };
    Some(OutHook {
        id: d.notice.id.clone(),
        url: sub.url.clone()?,
        body: serde_json::to_vec(&body).ok()?,
        event: ev.kind.clone(),
        secret: sub
            .secret
            .clone()
            .filter(|_| sub.kind == SubscriberKind::Webhook),
        public_only: public_only(sub, s),
    })
}

/// A test request for a URL subscriber ("Send test" in admin).
pub fn test_hook(sub: &crate::domain::Subscriber, s: &Settings) -> Option<OutHook> {
    let m = Message {
        page_title: "statusd".into(),
        subject: "statusd test".into(),
        heading: "Test notification".into(),
        status_line: "This is a test from statusd; no action needed.".into(),
        body: String::new(),
        affected: vec![],
        when: String::new(),
        link: Some(("Status page".into(), s.public_url.clone())),
        thread: None,
        starts_thread: false,
        color: 0x388e3c,
    };
    let id = format!("test.{}", crate::store::new_id());
    let body = match sub.kind {
        SubscriberKind::Webhook => serde_json::to_value(WebhookBody {
            meta: meta(&sub.token, "test", &id, s),
            page: WebhookPage {
                id: &sub.page_id,
                status_indicator: Indicator::None,
                status_description: "Test notification",
            },
            incident: None,
            component_update: None,
            component: None,
        })
        .ok()?,
        SubscriberKind::Slack => slack_payload(&m),
        SubscriberKind::Discord => discord_payload(&m),
        SubscriberKind::Email => return None,
    };
    Some(OutHook {
        id,
        url: sub.url.clone()?,
        body: serde_json::to_vec(&body).ok()?,
        event: "test".into(),
        secret: sub
            .secret
            .clone()
            .filter(|_| sub.kind == SubscriberKind::Webhook),
        public_only: public_only(sub, s),
    })
}

/// Sends one request (blocking) and classifies the answer.
pub fn send(agent: &ureq::Agent, h: &OutHook) -> Outcome {
    let agent = if h.public_only { public_agent() } else { agent };
    let mut req = agent
        .post(&h.url)
        .header("Content-Type", "application/json")
        .header("X-Statusd-Event", &h.event)
        .header("X-Statusd-Delivery", &h.id);
    if let Some(secret) = &h.secret {
        req = req.header(
            "X-Statusd-Signature",
            &signature(secret, Utc::now().timestamp(), &h.body),
        );
    }
    match req.send(&h.body[..]) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            // Drain a little of the answer so the connection can be reused.
            let _ = resp.body_mut().with_config().limit(64 * 1024).read_to_vec();
            http_outcome(status)
        }
        // A refused address will not become public by waiting.
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Outcome::Permanent(format!("{}: {e}", h.url))
        }
        Err(e) => Outcome::Retry(format!("{}: {e}", h.url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let sig = signature("whsec_test", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_ne!(sig, signature("other", 1_700_000_000, br#"{"a":1}"#));
    }

    #[test]
    fn chat_payloads_escape() {
        let m = Message {
            page_title: "Acme".into(),
            subject: String::new(),
            heading: "<!channel> down".into(),
            status_line: "Investigating".into(),
            body: "@everyone look".into(),
            affected: vec![],
            when: String::new(),
            link: None,
            thread: None,
            starts_thread: false,
            color: 0,
        };
        assert!(
            slack_payload(&m)["text"]
                .as_str()
                .unwrap()
                .contains("&lt;!channel&gt;")
        );
        assert_eq!(discord_payload(&m)["allowed_mentions"]["parse"], json!([]));
    }
}
