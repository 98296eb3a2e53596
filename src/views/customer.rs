//! The customer sign-in pages of a customer page: the email form, "check your mail",
//! the Continue page a mailed link opens, and the spent-link page. Never indexed.

use super::layout;
use crate::domain::Page;
use maud::{Markup, html};

fn back(page: &Page) -> Markup {
    html! { p.back { a href=(format!("/p/{}/signin", page.slug)) { "← Sign in to " (page.title) } } }
}

/// The form asking for an email address; `error` is shown next to the field.
/// `sso`: single sign-on is configured, so the form also offers "Sign in with SSO".
pub fn signin_form(page: &Page, csrf: &str, email: &str, error: Option<&str>, sso: bool) -> Markup {
    layout::for_page_noindex(
        page,
        &format!("Sign in · {}", page.title),
        html! {
            main.wrap {
                (layout::masthead(page, &layout::page_home(page)))
                h1 { "Sign in" }
                p { "This status page is private. Enter your work email address and we will mail you a sign-in link." }
                form.stack method="post" action=(format!("/p/{}/signin", page.slug)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="signin-email" { "Work email" }
                    input #signin-email type="email" name="email" value=(email) required autocomplete="email"
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "signin-email-error")];
                    @if let Some(e) = error { p.field-error #signin-email-error { (e) } }
                    button type="submit" { "Email me a sign-in link" }
                }
                @if sso {
                    p { "Or use your company's sign-in:" }
                    p { a.button href=(format!("/p/{}/sso", page.slug)) { "Sign in with SSO" } }
                }
            }
        },
    )
}

/// The same answer whatever the address: a link is mailed only if the page admits it.
pub fn link_sent(page: &Page, email: &str, minutes: i64) -> Markup {
    layout::for_page_noindex(
        page,
        &format!("Check your mail · {}", page.title),
        html! {
            main.wrap {
                (layout::masthead(page, &layout::page_home(page)))
                h1 { "Check your mail" }
                p role="status" {
                    "If " strong { (email) } " may see " (page.title)
                    ", a sign-in link is on its way. It works once, within " (minutes) " minutes."
                }
                p { "No mail? Check the address and your spam folder, or ask the team that sent you this page's address." }
                (back(page))
            }
        },
    )
}

/// What a mailed link opens: one button, so mail scanners that follow links do not use it up.
pub fn continue_page(page: &Page, csrf: &str, token: &str, email: &str) -> Markup {
    layout::for_page_noindex(
        page,
        &format!("Continue · {}", page.title),
        html! {
            main.wrap {
                (layout::masthead(page, &layout::page_home(page)))
                h1 { "Sign in" }
                p { "Signing in as " strong { (email) } "." }
                form method="post" action=(format!("/p/{}/signin/{}", page.slug, token)) {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Continue" }
                }
            }
        },
    )
}

/// A link that is unknown, used, expired, or no longer admitted.
pub fn link_spent(page: &Page) -> Markup {
    layout::for_page_noindex(
        page,
        &format!("Link expired · {}", page.title),
        html! {
            main.wrap {
                (layout::masthead(page, &layout::page_home(page)))
                h1 { "This sign-in link no longer works" }
                p { "Sign-in links work once and expire after 15 minutes. Ask for a new one." }
                (back(page))
            }
        },
    )
}

/// Any single sign-on that does not open the page: the same words whatever the reason.
pub fn sso_refused(page: &Page) -> Markup {
    layout::for_page_noindex(
        page,
        &format!("Not signed in · {}", page.title),
        html! {
            main.wrap {
                (layout::masthead(page, &layout::page_home(page)))
                h1 { "Your sign-in does not open this page" }
                p role="status" { "If your address may see " (page.title) ", ask for an emailed sign-in link instead, or ask the team that sent you this page's address." }
                (back(page))
            }
        },
    )
}
