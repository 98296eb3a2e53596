//! The packed check history: raw results in 4 bytes each (grouped per monitor-hour)
//! and rollup buckets as varints. Used by `results` to read and write and by `migrate`
//! to convert older files; the bytes on disk are defined here alone.

use crate::domain::Bucket;

/// One stored routine result.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct StoredResult {
    pub at: i64,
    pub up: bool,
    pub latency_ms: u32,
}

/// One routine result in 4 bytes (little endian u32): offset in the hour (12 bits,
/// 0–3599 s), up (1 bit), latency in ms (19 bits, saturating at 524,287).
pub(super) fn pack(offset_s: u16, latency_ms: u32, up: bool) -> [u8; 4] {
    let v =
        (offset_s.min(3599) as u32) | (u32::from(up) << 12) | (latency_ms.min(LATENCY_MAX) << 13);
    v.to_le_bytes()
}

pub(super) const LATENCY_MAX: u32 = (1 << 19) - 1;

pub(super) fn unpack(hour: i64, bytes: &[u8]) -> impl Iterator<Item = StoredResult> + '_ {
    bytes.chunks_exact(4).map(move |c| {
        let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        StoredResult {
            at: hour + (v & 0xfff) as i64,
            up: v & (1 << 12) != 0,
            latency_ms: v >> 13,
        }
    })
}

/// The 5-byte packing of schema 3–4 (offset u16, latency u16, up u8), for the migration.
pub(super) fn repack_v4_results(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 5 * 4);
    for c in bytes.chunks_exact(5) {
        let offset = u16::from_le_bytes([c[0], c[1]]);
        let latency = u16::from_le_bytes([c[2], c[3]]) as u32;
        out.extend_from_slice(&pack(offset, latency, c[4] == 1));
    }
    out
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = buf.split_first()?;
        *buf = rest;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// A rollup bucket as varints: count, up, min, max, sum, then the non-zero histogram
/// bins as (index, count). About 12 bytes for an hour of 30 s checks, against ~130 as JSON.
pub(super) fn encode_bucket(b: &Bucket, out: &mut Vec<u8>) {
    for v in [
        b.count as u64,
        b.up as u64,
        b.latency_min as u64,
        b.latency_max as u64,
        b.latency_sum,
    ] {
        put_varint(out, v);
    }
    let bins: Vec<(usize, u32)> = b
        .histogram
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .collect();
    out.push(bins.len() as u8);
    for (i, n) in bins {
        out.push(i as u8);
        put_varint(out, n as u64);
    }
}

pub(super) fn decode_bucket(buf: &mut &[u8]) -> Option<Bucket> {
    let mut b = Bucket {
        count: take_varint(buf)? as u32,
        up: take_varint(buf)? as u32,
        latency_min: take_varint(buf)? as u32,
        latency_max: take_varint(buf)? as u32,
        latency_sum: take_varint(buf)?,
        histogram: Vec::new(),
    };
    let (&bins, rest) = buf.split_first()?;
    *buf = rest;
    if b.count > 0 || bins > 0 {
        b.histogram = vec![0; crate::domain::LATENCY_BOUNDS.len()];
    }
    for _ in 0..bins {
        let (&i, rest) = buf.split_first()?;
        *buf = rest;
        let n = take_varint(buf)? as u32;
        *b.histogram.get_mut(i as usize)? = n;
    }
    Some(b)
}

/// One UTC day of hourly buckets: (hour of day, bucket) pairs, hours ascending.
pub(super) fn encode_hours(hours: &[(u8, Bucket)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hours.len() * 14);
    for (h, b) in hours {
        out.push(*h);
        encode_bucket(b, &mut out);
    }
    out
}

pub(super) fn decode_hours(mut buf: &[u8]) -> Vec<(u8, Bucket)> {
    let mut out = Vec::new();
    while let Some((&h, rest)) = buf.split_first() {
        buf = rest;
        match decode_bucket(&mut buf) {
            Some(b) => out.push((h, b)),
            None => break,
        }
    }
    out
}

/// One bucket on its own, as the daily rollup stores it.
pub(super) fn encoded(b: &Bucket) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    encode_bucket(b, &mut out);
    out
}

/// A daily rollup record; an empty bucket when the bytes are damaged.
pub(super) fn decoded(bytes: &[u8]) -> Bucket {
    decode_bucket(&mut &bytes[..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips() {
        let h = 1_800_000_000 / 3600 * 3600;
        let mut bytes = Vec::new();
        let cases = [
            (0u16, 5u32, true, 5u32),
            (3599, 70_000, false, 70_000),
            (30, 123, true, 123),
            (1, 10_000_000, false, LATENCY_MAX),
        ];
        for (o, l, u, _) in cases {
            bytes.extend_from_slice(&pack(o, l, u));
        }
        assert_eq!(bytes.len(), 4 * cases.len(), "4 bytes a result");
        let got: Vec<StoredResult> = unpack(h, &bytes).collect();
        let want: Vec<StoredResult> = cases
            .iter()
            .map(|&(o, _, up, latency_ms)| StoredResult {
                at: h + o as i64,
                up,
                latency_ms,
            })
            .collect();
        assert_eq!(got, want);
        // The schema-4 packing converts to the same results.
        let mut old = Vec::new();
        for (o, l, u) in [(7u16, 300u16, true), (3599, 65535, false)] {
            old.extend_from_slice(&o.to_le_bytes());
            old.extend_from_slice(&l.to_le_bytes());
            old.push(u as u8);
        }
        let got: Vec<StoredResult> = unpack(h, &repack_v4_results(&old)).collect();
        assert_eq!(
            got,
            vec![
                StoredResult {
                    at: h + 7,
                    up: true,
                    latency_ms: 300
                },
                StoredResult {
                    at: h + 3599,
                    up: false,
                    latency_ms: 65535
                },
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn buckets_and_hour_days_round_trip(
            checks in proptest::collection::vec((proptest::bool::ANY, 0u32..200_000), 0..300),
            hours in proptest::collection::btree_set(0u8..24, 0..24),
        ) {
            let mut b = Bucket::default();
            for (up, l) in &checks {
                b.add(*up, *l);
            }
            let mut bytes = Vec::new();
            encode_bucket(&b, &mut bytes);
            proptest::prop_assert_eq!(decode_bucket(&mut &bytes[..]), Some(b.clone()));
            let day: Vec<(u8, Bucket)> = hours.iter().map(|h| (*h, b.clone())).collect();
            proptest::prop_assert_eq!(decode_hours(&encode_hours(&day)), day);
        }
    }
}
