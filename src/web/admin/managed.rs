//! The hand-edit guard for objects a status-as-code file manages: the first post of an
//! edit answers with a warning page; the confirmed re-post goes through.

use super::{NavData, ok};
use crate::views::admin::managed::{CONFIRM_FIELD, Held, warning};
use crate::web::auth::Actor;
use actix_web::HttpResponse;

/// The warning page when `managed` and the form has not confirmed it, else None (go on).
pub fn hold(
    actor: &Actor,
    active: &'static str,
    managed: bool,
    held: Held,
) -> Option<HttpResponse> {
    let confirmed = held
        .pairs
        .iter()
        .any(|(k, v)| k == CONFIRM_FIELD && v == "yes");
    (managed && !confirmed).then(|| {
        let nav = NavData::new(actor, active);
        ok(warning(&nav.nav(), &held))
    })
}
