//! Mails that carry a one-time link to a person (customer sign-in links): sent at once,
//! not through the outbox, because the outbox would have to keep the link's token.

use super::Settings;
use super::render::{Mail, encode, message_id, shell};
use super::smtp::Mailer;
use maud::html;

/// The mail with a customer page's sign-in link.
pub fn signin_mail(to: &str, page_title: &str, url: &str, minutes: i64, s: &Settings) -> Mail {
    let id = format!("signin.{}", crate::store::new_id());
    Mail {
        from_name: page_title.to_string(),
        to: to.to_string(),
        subject: format!("Sign in to {page_title}"),
        text: format!(
            "Open this link to see {page_title}:\n\n{url}\n\nIt works once, within {minutes} minutes. \
             If you did not ask for it, ignore this mail.\n"
        ),
        html: shell(
            page_title,
            html! {
                h1 style="margin:0 0 12px;font-size:20px" { "Sign in to " (page_title) }
                p { a href=(url) { "Open " (page_title) } }
                p { "The link works once, within " (minutes) " minutes. If you did not ask for it, ignore this mail." }
            },
            html! {},
        ),
        message_id: message_id(&id, s),
        in_reply_to: None,
        unsubscribe: None,
        list_id: None,
    }
}

/// Sends a mail in the background (the request's answer must not wait for, or reveal,
/// whether a mail went out); failures are logged.
pub fn send_in_background(mail: Mail, purpose: &'static str, s: &Settings) {
    let Some(smtp) = s.smtp.clone() else {
        tracing::warn!(purpose, "smtp_url is not set; a link mail was not sent");
        return;
    };
    let out = encode(&mail, purpose, s);
    let host = s.host.clone();
    tokio::spawn(async move {
        if let Err(e) = Mailer::new(smtp, &host).send_now(out).await {
            tracing::warn!(purpose, error = %e, "link mail failed");
        }
    });
}
