//! Fixed-bucket histograms of durations, the shape Prometheus expects (cumulative
//! `le` buckets, a sum and a count).

/// Upper bounds in seconds of probe and request latency buckets: 5 ms to 10 s.
pub const LATENCY_BOUNDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Observations counted per bucket; `bounds` are ascending upper bounds in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bounds: &'static [f64],
    /// Observations per bucket (not cumulative); the last slot is `+Inf`.
    counts: Vec<u64>,
    sum_ms: u64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum_ms: 0,
        }
    }

    /// Counts one duration in milliseconds.
    pub fn observe_ms(&mut self, ms: u64) {
        let secs = ms as f64 / 1000.0;
        let i = self
            .bounds
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(self.bounds.len());
        if let Some(c) = self.counts.get_mut(i) {
            *c = c.saturating_add(1);
        }
        self.sum_ms = self.sum_ms.saturating_add(ms);
    }

    /// Adds another histogram's observations (same bounds), e.g. another worker's.
    pub fn merge(&mut self, other: &Histogram) {
        for (c, o) in self.counts.iter_mut().zip(&other.counts) {
            *c = c.saturating_add(*o);
        }
        self.sum_ms = self.sum_ms.saturating_add(other.sum_ms);
    }

    /// `(le, cumulative count)` for every bucket, ending with `("+Inf", count)`.
    pub fn cumulative(&self) -> Vec<(String, u64)> {
        let mut total = 0u64;
        self.counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                total = total.saturating_add(*c);
                let le = self
                    .bounds
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |b| b.to_string());
                (le, total)
            })
            .collect()
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().fold(0, |a, c| a.saturating_add(*c))
    }

    pub fn sum_seconds(&self) -> f64 {
        self.sum_ms as f64 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Observations, expected `(le, cumulative count)` pairs, count and sum.
    type Case = (&'static [u64], &'static [(&'static str, u64)], u64, f64);

    #[test]
    fn observations_land_in_cumulative_buckets() {
        let cases: &[Case] = &[
            (&[], &[("0.005", 0), ("10", 0), ("+Inf", 0)], 0, 0.0),
            // A bound is inclusive: 5 ms is in `le="0.005"`.
            (&[5], &[("0.005", 1), ("0.01", 1), ("+Inf", 1)], 1, 0.005),
            (
                &[6, 250, 20_000],
                &[
                    ("0.005", 0),
                    ("0.01", 1),
                    ("0.25", 2),
                    ("10", 2),
                    ("+Inf", 3),
                ],
                3,
                20.256,
            ),
        ];
        for (obs, want, count, sum) in cases {
            let mut h = Histogram::new(LATENCY_BOUNDS);
            for ms in *obs {
                h.observe_ms(*ms);
            }
            let got = h.cumulative();
            assert_eq!(got.len(), LATENCY_BOUNDS.len() + 1);
            for (le, n) in *want {
                let found = got.iter().find(|(l, _)| l == le).map(|(_, n)| *n);
                assert_eq!(found, Some(*n), "{obs:?} le={le}");
            }
            assert_eq!(h.count(), *count, "{obs:?}");
            assert!((h.sum_seconds() - sum).abs() < 1e-9, "{obs:?}");
            // Split between two workers and merged, the same histogram.
            let (left, right) = obs.split_at(obs.len() / 2);
            let mut a = Histogram::new(LATENCY_BOUNDS);
            let mut b = Histogram::new(LATENCY_BOUNDS);
            left.iter().for_each(|ms| a.observe_ms(*ms));
            right.iter().for_each(|ms| b.observe_ms(*ms));
            a.merge(&b);
            assert_eq!(a, h, "{obs:?} merged");
        }
    }
}
