//! Where the store reads the time. The server uses the system clock; tests hold a
//! [`TestClock`] and step it instead of sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test sets or advances it.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn new(start: DateTime<Utc>) -> TestClock {
        TestClock(Mutex::new(start))
    }

    /// Moves the clock to `t` (also backwards).
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t = t.checked_add_signed(d).unwrap_or(*t);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
