//! A data file written by the schema-5 binary (commit 17ba9ea, every table populated; see
//! `tests/fixtures/make-schema5.py`) must open with today's code and read back every record
//! the old binary wrote: refactors may move code, never what is on disk.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use statusd::store::{IncidentFilter, Store};
use std::collections::BTreeSet;
use std::path::Path;

fn manifest() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema5.json"),
    )
    .expect("tests/fixtures/schema5.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// A copy of the fixture (opening runs migrations and takes the file's lock).
fn open_copy() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("statusd.redb");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema5.redb"),
        &path,
    )
    .expect("copy fixture");
    let store = Store::open(&path).expect("a schema-5 file opens");
    (dir, store)
}

fn names(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("object")
        .values()
        .map(|v| v.as_str().expect("string"))
        .collect()
}

#[test]
fn schema5_file_reads_back_every_record() {
    let m = manifest();
    let (_dir, store) = open_copy();

    let users: BTreeSet<String> = store
        .list_users()
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    let want: BTreeSet<String> = m["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert_eq!(users, want);
    assert!(
        store.user_by_email("owner@example.com").unwrap().is_some(),
        "user_emails index"
    );
    let key = store
        .key_by_hash(m["owner_token_sha256"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        key.map(|k| k.name).as_deref(),
        Some("fixture owner"),
        "api_keys + api_key_hashes"
    );
    assert_eq!(store.list_keys().unwrap().len(), 1);

    let pages = store.list_pages().unwrap();
    for (slug, title) in m["pages"].as_object().unwrap() {
        let page = store
            .page_by_slug(slug)
            .unwrap()
            .unwrap_or_else(|| panic!("page {slug}"));
        assert_eq!(page.title, title.as_str().unwrap());
    }
    assert_eq!(pages.len(), 2);
    let group = store.get_group(m["group"]["id"].as_str().unwrap()).unwrap();
    assert_eq!(group.name, m["group"]["name"].as_str().unwrap());
    let components = store.list_components().unwrap();
    let got: BTreeSet<&str> = components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(got, names(&m["components"]));
    assert!(
        components
            .iter()
            .any(|c| c.name == "Database" && c.page_ids.len() == 2)
    );

    let inc = store
        .get_incident(m["incident"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(inc.title, m["incident"]["title"].as_str().unwrap());
    assert_eq!(
        inc.updates.len() as u64,
        m["incident"]["updates"].as_u64().unwrap()
    );
    let pm = inc.postmortem.expect("postmortem");
    assert!(pm.published_at.is_some());
    assert_eq!(
        pm.action_items[0].owner,
        m["incident"]["postmortem_owner"].as_str().unwrap()
    );
    let all = store.list_incidents(&IncidentFilter::default()).unwrap();
    assert!(
        all.iter()
            .any(|i| i.id == m["draft"]["id"].as_str().unwrap()
                && i.title == m["draft"]["title"].as_str().unwrap())
    );
    let maint = store
        .get_maintenance(m["maintenance"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(maint.title, m["maintenance"]["title"].as_str().unwrap());
    let tmpl = store
        .get_template(m["template"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(tmpl.name, m["template"]["name"].as_str().unwrap());
    assert_eq!(
        store.list_events(None, 1000).unwrap().len() as u64,
        m["events"].as_u64().unwrap()
    );

    let monitors = store.list_monitors().unwrap();
    let got: BTreeSet<&str> = monitors.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(got, names(&m["monitors"]));
    let hb = store
        .monitor_by_heartbeat(m["heartbeat"]["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        hb.map(|x| x.id).as_deref(),
        m["heartbeat"]["id"].as_str(),
        "heartbeats index"
    );
    assert!(!store.monitor_states().unwrap().is_empty(), "monitor_state");

    // Raw results, failure details and both rollups of what the old binary measured.
    let (from, to) = (
        Utc::now() - Duration::days(3650),
        Utc::now() + Duration::days(1),
    );
    for (id, rows) in m["results"].as_object().unwrap() {
        let stored = store.monitor_results(id, from, to).unwrap();
        let got: BTreeSet<(i64, bool)> = stored.iter().map(|r| (r.at, r.up)).collect();
        for row in rows.as_array().unwrap() {
            let at = DateTime::parse_from_rfc3339(row["time"].as_str().unwrap())
                .unwrap()
                .timestamp();
            assert!(
                got.contains(&(at, row["up"].as_bool().unwrap())),
                "result {row} of {id}"
            );
        }
        let hourly: u32 = store
            .hourly_buckets(id, from, to)
            .unwrap()
            .iter()
            .map(|(_, b)| b.count)
            .sum();
        assert_eq!(
            hourly as usize,
            stored.len(),
            "hourly rollup of {id} counts every result"
        );
        let daily: u32 = store
            .daily_buckets(std::slice::from_ref(id), from, to)
            .unwrap()
            .values()
            .map(|b| b.count)
            .sum();
        assert_eq!(
            daily as usize,
            stored.len(),
            "daily rollup of {id} counts every result"
        );
    }
    let down = m["down_monitor"].as_str().unwrap();
    assert!(
        !store
            .monitor_failures(down, from, to, 100)
            .unwrap()
            .is_empty(),
        "failures"
    );

    let subs = store.list_subscribers().unwrap();
    for (id, address) in m["subscribers"].as_object().unwrap() {
        let s = subs
            .iter()
            .find(|s| &s.id == id)
            .unwrap_or_else(|| panic!("subscriber {id}"));
        let text = serde_json::to_string(s).unwrap();
        assert!(text.contains(address.as_str().unwrap()), "{text}");
    }
    assert_eq!(
        store.list_notices(None).unwrap().len() as u64,
        m["notices"].as_u64().unwrap()
    );
}

#[test]
fn schema5_session_still_signs_in_until_it_expires() {
    let m = manifest();
    let (_dir, store) = open_copy();
    // Sessions last 14 days; after that the row is kept but no longer admits anyone.
    let written = DateTime::parse_from_rfc3339("2026-11-29T22:47:00Z").unwrap();
    let session = store
        .session(m["session_sha256"].as_str().unwrap())
        .unwrap();
    if Utc::now() < written + Duration::days(13) {
        let (_, user) = session.expect("the fixture's session is still valid");
        assert_eq!(user.email, "owner@example.com");
    } else {
        assert!(session.is_none(), "an expired session admits nobody");
    }
}
