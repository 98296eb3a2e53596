//! Measures the steady-state size of the data file for N monitors checked every 30 s at
//! the default retention, by writing their history through the real store code:
//! hourly and daily rollups for 90 days (one result an hour stands for the hour's checks
//! there, so it writes the same number of rollup records) and every 30 s result for the
//! last `raw_retention_days`, pruning once a simulated day as the server does.
//!
//! `cargo run --release --example store-size -- [MONITORS] [RAW_RETENTION_DAYS]`

use chrono::{Duration, DurationRound, Utc};
use statusd::store::{MonitorInput, ResultRow, Store};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let monitors: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let retention: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("size.redb");
    let store = Store::open(&path).expect("open store");
    let ids: Vec<String> = (0..monitors)
        .map(|i| {
            store
                .create_monitor(MonitorInput {
                    name: Some(format!("m{i}")),
                    kind: Some("http".into()),
                    target: Some(format!("http://127.0.0.1:{}/", 10_000 + i % 50)),
                    interval_seconds: Some(30),
                    ..Default::default()
                })
                .expect("create monitor")
                .id
        })
        .collect();
    let started = Instant::now();
    let end = Utc::now().duration_trunc(Duration::days(1)).expect("day");
    let days: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(90);
    let start = end - Duration::days(days);
    let mut rows = Vec::new();
    let mut checks = 0u64;
    let mut routine_checks = 0u64;
    for day in 0..days {
        let day_start = start + Duration::days(day);
        let full = day >= days - retention;
        for hour in 0..24 {
            let h = day_start + Duration::hours(hour);
            let per_hour = if full { 120 } else { 1 };
            for (n, id) in ids.iter().enumerate() {
                for k in 0..per_hour {
                    // Mostly fast answers, one failure in 500.
                    let up = !(n as u64 + k as u64 + hour as u64).is_multiple_of(500);
                    rows.push(ResultRow {
                        monitor_id: id.clone(),
                        at: h + Duration::seconds(k * 30 + (n % 30) as i64),
                        up,
                        latency_ms: 20 + ((n * 7 + k as usize) % 60) as u32,
                        error: (!up).then(|| "HTTP 503 (expected 200-299)".to_string()),
                    });
                }
            }
            // About one flush of results per monitor-hour batch.
            for chunk in rows.chunks(20_000) {
                store.record_results(chunk, &[]).expect("record");
            }
            checks += rows.len() as u64;
            if full {
                routine_checks += rows.iter().filter(|r| r.up).count() as u64;
            }
            rows.clear();
        }
        store
            .prune_results(day_start + Duration::days(1), retention as u32)
            .expect("prune");
    }
    let size = std::fs::metadata(&path).expect("stat").len();
    let raw_checks = (monitors as u64) * 2880 * retention as u64;
    println!("monitors                 {monitors}");
    println!("simulated days           {days} (raw results kept {retention} days)");
    println!("results written          {checks} ({routine_checks} routine in the raw window)");
    println!("raw results kept         {raw_checks}");
    println!("steady-state file size   {:.1} MB", size as f64 / 1e6);
    println!(
        "per monitor              {:.1} KB",
        size as f64 / monitors as f64 / 1e3
    );
    println!(
        "file bytes per kept raw result (all tables) {:.1}",
        size as f64 / raw_checks as f64
    );
    drop(store);
    // Where the bytes are, per table.
    let db = redb::Database::open(&path).expect("reopen");
    let read = redb::ReadableDatabase::begin_read(&db).expect("read");
    for name in ["results", "failures", "hourly_days", "daily_packed"] {
        use redb::ReadableTableMetadata;
        let def: redb::TableDefinition<(&str, i64), &[u8]> = redb::TableDefinition::new(name);
        if let Ok(t) = read.open_untyped_table(def) {
            let st = t.stats().expect("stats");
            if name == "results" {
                println!(
                    "  bytes per kept raw result in `results`: {:.2} stored, {:.2} in leaf pages",
                    st.stored_bytes() as f64 / raw_checks as f64,
                    (st.leaf_pages() * 4096) as f64 / raw_checks as f64
                );
            }
            println!(
                "  {name:<9} {:>9} rows  stored {:>7.1} MB  leaf pages {:>7}  metadata {:>6.1} MB  fragmented {:>6.1} MB",
                t.len().unwrap_or(0),
                st.stored_bytes() as f64 / 1e6,
                st.leaf_pages(),
                st.metadata_bytes() as f64 / 1e6,
                st.fragmented_bytes() as f64 / 1e6
            );
        }
    }
    let txn = db.begin_write().expect("txn");
    let st = txn.stats().expect("db stats");
    println!(
        "  database: allocated pages {} ({:.1} MB), fragmented {:.1} MB",
        st.allocated_pages(),
        st.allocated_pages() as f64 * st.page_size() as f64 / 1e6,
        st.fragmented_bytes() as f64 / 1e6
    );
    txn.abort().ok();
    println!(
        "took                     {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
