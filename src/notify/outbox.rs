//! Delivers one batch of due notices: mails split over a few SMTP connections (each
//! reused for its whole chunk), webhook requests on the blocking pool, both bounded by
//! `Settings::concurrency`. Returns an outcome per notice for the store to settle.

use super::Settings;
use super::render::{account_mail, encode, event_mail};
use super::smtp::{Mailer, OutMail};
use super::webhook::{self, OutHook};
use crate::domain::{NoticePurpose, Outcome, SubscriberKind};
use crate::store::Batch;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Sends what a batch holds and says how each notice went.
pub async fn deliver(
    batch: Batch,
    settings: &Settings,
    mailer: Option<&Mailer>,
    agent: &ureq::Agent,
) -> Vec<(String, Outcome)> {
    let mut results = Vec::with_capacity(batch.items.len());
    let mut mails: Vec<OutMail> = Vec::new();
    let mut hooks: Vec<OutHook> = Vec::new();
    for d in &batch.items {
        let id = d.notice.id.clone();
        let Some(sub) = &d.subscriber else {
            results.push((id, Outcome::Cancelled));
            continue;
        };
        match (sub.kind, d.notice.purpose) {
            (SubscriberKind::Email, NoticePurpose::Event) => {
                match event_mail(d, &batch.ctx, settings) {
                    Some(m) if sub.confirmed => mails.push(encode(&m, &id, settings)),
                    _ => results.push((id, Outcome::Cancelled)),
                }
            }
            (SubscriberKind::Email, _) => match account_mail(d, &batch.ctx, settings) {
                Some(m) => mails.push(encode(&m, &id, settings)),
                None => results.push((id, Outcome::Cancelled)),
            },
            (_, NoticePurpose::Event) => match webhook::event_hook(d, &batch.ctx, settings) {
                Some(h) => hooks.push(h),
                None => results.push((id, Outcome::Cancelled)),
            },
            _ => results.push((id, Outcome::Cancelled)),
        }
    }
    let lanes = settings.concurrency.max(1);
    let mut tasks = tokio::task::JoinSet::new();
    if !mails.is_empty() {
        match mailer {
            None => results.extend(mails.into_iter().map(|m| {
                (
                    m.id,
                    Outcome::Retry("smtp_url is not set; configure it to send mail".into()),
                )
            })),
            Some(mailer) => {
                let per = mails.len().div_ceil(lanes);
                let mut rest = mails;
                while !rest.is_empty() {
                    let chunk: Vec<OutMail> = rest.drain(..per.min(rest.len())).collect();
                    let mailer = mailer.clone();
                    tasks.spawn(async move { mailer.send_all(chunk).await });
                }
            }
        }
    }
    let gate = Arc::new(Semaphore::new(lanes * 4));
    for h in hooks {
        let agent = agent.clone();
        let gate = gate.clone();
        tasks.spawn(async move {
            let Ok(_permit) = gate.acquire_owned().await else {
                return vec![(h.id, Outcome::Retry("shutting down".into()))];
            };
            let id = h.id.clone();
            match tokio::task::spawn_blocking(move || webhook::send(&agent, &h)).await {
                Ok(o) => vec![(id, o)],
                Err(e) => vec![(id, Outcome::Retry(format!("webhook task: {e}")))],
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(r) => results.extend(r),
            // A panicked task's notices stay pending and are tried again next round.
            Err(e) => tracing::error!(error = %e, "delivery task failed"),
        }
    }
    results
}

/// Sends a test notice to one subscriber right away (admin "Send test", API).
pub async fn send_test(sub: &crate::domain::Subscriber, settings: &Settings) -> Result<(), String> {
    if sub.kind == SubscriberKind::Email {
        let smtp = settings
            .smtp
            .clone()
            .ok_or("smtp_url is not set; configure it to send mail")?;
        let mail = super::render::test_mail(sub.address(), settings);
        let out = encode(&mail, "test", settings);
        return Mailer::new(smtp, &settings.host).send_now(out).await;
    }
    let hook = webhook::test_hook(sub, settings).ok_or("this subscriber has no URL")?;
    let agent = webhook::agent();
    let outcome = tokio::task::spawn_blocking(move || webhook::send(&agent, &hook))
        .await
        .map_err(|e| format!("webhook task: {e}"))?;
    match outcome {
        Outcome::Sent => Ok(()),
        Outcome::Retry(e) | Outcome::Permanent(e) => Err(e),
        Outcome::Cancelled => Err("nothing was sent".into()),
    }
}
