//! Mails that carry a one-time link to a person (customer sign-in links, team invitations,
//! password resets): sent at once, not through the outbox, because the outbox would have
//! to keep the link's token.

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

/// A plain mail with one link and a line on how long it works.
fn link_mail(to: &str, subject: &str, lead: &str, url: &str, note: &str, s: &Settings) -> Mail {
    let id = format!("link.{}", crate::store::new_id());
    Mail {
        from_name: "statusd".to_string(),
        to: to.to_string(),
        subject: subject.to_string(),
        text: format!("{lead}\n\n{url}\n\n{note}\n"),
        html: shell(
            subject,
            html! {
                h1 style="margin:0 0 12px;font-size:20px" { (subject) }
                p { (lead) }
                p { a href=(url) { (url) } }
                p { (note) }
            },
            html! {},
        ),
        message_id: message_id(&id, s),
        in_reply_to: None,
        unsubscribe: None,
        list_id: None,
    }
}

/// The invitation to join the team with `role`.
pub fn invite_mail(to: &str, by: &str, role: &str, url: &str, hours: i64, s: &Settings) -> Mail {
    link_mail(
        to,
        "You are invited to the status page admin",
        &format!(
            "{by} invited you to the status page admin as {role}. Open this link to choose your password:"
        ),
        url,
        &format!(
            "The link works once, within {hours} hours. If you did not expect it, ignore this mail."
        ),
        s,
    )
}

/// The password reset link.
pub fn reset_mail(to: &str, url: &str, minutes: i64, s: &Settings) -> Mail {
    link_mail(
        to,
        "Reset your status page password",
        "Someone asked to reset the password of this account. Open this link to choose a new one:",
        url,
        &format!(
            "The link works once, within {minutes} minutes. If you did not ask for it, ignore this mail; your password stays as it is."
        ),
        s,
    )
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
