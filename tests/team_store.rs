//! Team accounts and customer-page subscribers on the store itself, with a test clock:
//! invitation and reset links expire and work once; a customer page's allowlist is asked
//! at sign-up and again when notices are written.

mod common;

use common::temp_data;

#[test]
fn invitations_last_72_hours_and_resets_one_hour_each_working_once() {
    use chrono::{Duration, Utc};
    use statusd::domain::Role;
    use statusd::store::{Store, TestClock};
    use std::sync::Arc;
    let (_dir, data) = temp_data();
    let clock = Arc::new(TestClock::new(Utc::now()));
    let store = Store::open_with_clock(&data, clock.clone()).unwrap();
    store
        .create_invite("early", "a@example.com", Role::Viewer, "owner@example.com")
        .unwrap();
    store
        .create_invite("late", "b@example.com", Role::Editor, "owner@example.com")
        .unwrap();
    clock.advance(Duration::hours(71));
    let a = store.accept_invite("early", "h".into()).unwrap().unwrap();
    assert_eq!((a.email.as_str(), a.role), ("a@example.com", Role::Viewer));
    assert!(
        store.accept_invite("early", "h".into()).unwrap().is_none(),
        "once"
    );
    clock.advance(Duration::hours(2));
    assert!(store.peek_invite("late").unwrap().is_none());
    assert!(
        store.accept_invite("late", "h".into()).unwrap().is_none(),
        "expired"
    );
    assert!(
        store.user_by_email("b@example.com").unwrap().is_none(),
        "no account"
    );
    assert!(store.list_invites().unwrap().is_empty());

    store.create_reset("r1", &a.id).unwrap();
    store.create_reset("r2", &a.id).unwrap();
    clock.advance(Duration::minutes(59));
    assert!(store.redeem_reset("r1", "new".into()).unwrap().is_some());
    assert!(
        store.redeem_reset("r1", "x".into()).unwrap().is_none(),
        "once"
    );
    assert!(
        store.redeem_reset("r2", "x".into()).unwrap().is_none(),
        "siblings void"
    );
    store.create_reset("r3", &a.id).unwrap();
    clock.advance(Duration::minutes(61));
    assert!(
        store.redeem_reset("r3", "x".into()).unwrap().is_none(),
        "expired"
    );
    assert_eq!(store.get_user(&a.id).unwrap().password_hash, "new");
}

#[test]
fn customer_page_subscribers_must_pass_the_allowlist_when_signing_up_and_when_mailed() {
    use statusd::domain::NoticePurpose;
    use statusd::store::{NewIncident, NewPage, NewSubscriber, PagePatch, Store, SubscribeSource};
    let (_dir, data) = temp_data();
    let store = Store::open(&data).unwrap();
    store
        .create_page(NewPage {
            slug: "acme".into(),
            title: "Acme".into(),
            audience: Some("customer".into()),
            allowed_domains: vec!["acme.com".into(), "partner.org".into()],
            ..Default::default()
        })
        .unwrap();
    let sub = |email: &str, source| {
        store.subscribe(
            NewSubscriber {
                page: Some("acme".into()),
                email: Some(email.into()),
                skip_confirmation: true,
                ..Default::default()
            },
            source,
        )
    };
    // The form answers as usual but keeps and mails nothing; the API names the field.
    let quiet = sub("eve@evil.com", SubscribeSource::Form).unwrap();
    assert!(!quiet.created);
    let err = sub("eve@evil.com", SubscribeSource::Api).unwrap_err();
    assert_eq!(err.field(), Some("email"), "{err}");
    sub("ann@acme.com", SubscribeSource::Api).unwrap();
    sub("pat@partner.org", SubscribeSource::Api).unwrap();
    let addresses = |store: &Store| -> Vec<String> {
        let mut v: Vec<String> = store
            .list_notices(None)
            .unwrap()
            .into_iter()
            .filter(|n| n.purpose == NoticePurpose::Event)
            .map(|n| n.address)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let incident = |title: &str| {
        store
            .create_incident(
                NewIncident {
                    page: Some("acme".into()),
                    title: title.into(),
                    message: "Looking.".into(),
                    notify: true,
                    ..Default::default()
                },
                "test",
            )
            .unwrap();
        store.fan_out(100).unwrap();
    };
    assert!(
        store
            .list_notices(None)
            .unwrap()
            .iter()
            .all(|n| n.address != "eve@evil.com")
    );
    incident("First");
    assert_eq!(addresses(&store), ["ann@acme.com", "pat@partner.org"]);
    // Removing partner.org stops its subscriber's mail from the next event on.
    let page = store.page_by_slug("acme").unwrap().unwrap();
    store
        .update_page(
            &page.id,
            PagePatch {
                allowed_domains: Some(vec!["acme.com".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    let before = store.list_notices(None).unwrap().len();
    incident("Second");
    let new: Vec<String> = store.list_notices(None).unwrap()[before..]
        .iter()
        .map(|n| n.address.clone())
        .collect();
    assert_eq!(new, ["ann@acme.com"], "only the still-admitted address");
}
