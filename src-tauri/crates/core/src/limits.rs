//! In-memory rate limits (governor, GCRA): forgot-password per account and per workstation, and
//! login throttling per username. Generic over governor's clock so tests move time by hand.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

type Keyed<C> =
    RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

#[derive(Debug, Clone, Copy)]
pub struct LimitConfig {
    /// Forgot-password requests per account: burst, then one more per `account_period`.
    pub account_burst: u32,
    pub account_period: Duration,
    pub workstation_burst: u32,
    pub workstation_period: Duration,
    /// Failed logins per username before a pause, then one more try per `login_period`.
    pub login_burst: u32,
    pub login_period: Duration,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            account_burst: 3,
            account_period: Duration::from_secs(5 * 60),
            workstation_burst: 10,
            workstation_period: Duration::from_secs(60),
            login_burst: 5,
            login_period: Duration::from_secs(60),
        }
    }
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
        .allow_burst(burst)
}

pub struct Limits<C: Clock = DefaultClock> {
    clock: C,
    forgot_account: Keyed<C>,
    forgot_workstation: Keyed<C>,
    login_failures: Keyed<C>,
    locked_until: Mutex<HashMap<String, C::Instant>>,
}

impl Limits<DefaultClock> {
    pub fn new(config: LimitConfig) -> Self {
        Self::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Limits<C> {
    pub fn with_clock(config: LimitConfig, clock: C) -> Self {
        Self {
            forgot_account: RateLimiter::dashmap_with_clock(
                quota(config.account_burst, config.account_period),
                clock.clone(),
            ),
            forgot_workstation: RateLimiter::dashmap_with_clock(
                quota(config.workstation_burst, config.workstation_period),
                clock.clone(),
            ),
            login_failures: RateLimiter::dashmap_with_clock(
                quota(config.login_burst, config.login_period),
                clock.clone(),
            ),
            locked_until: Mutex::new(HashMap::new()),
            clock,
        }
    }

    /// Counts one forgot-password request from this workstation; `false` once over the limit.
    pub fn allow_forgot_from_workstation(&self, workstation: &str) -> bool {
        self.forgot_workstation
            .check_key(&workstation.to_string())
            .is_ok()
    }

    /// Counts one forgot-password request for this account; `false` once over the limit.
    pub fn allow_forgot_for_account(&self, account: &str) -> bool {
        self.forgot_account.check_key(&account.to_string()).is_ok()
    }

    /// Seconds until this username may try again, if it is paused.
    pub fn login_pause(&self, username: &str) -> Option<u64> {
        let now = self.clock.now();
        let mut locked = self.locked_until.lock().unwrap_or_else(|e| e.into_inner());
        match locked.get(username) {
            Some(until) if *until > now => {
                let wait: Duration = until.duration_since(now).into();
                Some(wait.as_secs().max(1))
            }
            Some(_) => {
                locked.remove(username);
                None
            }
            None => None,
        }
    }

    /// Records a failed login; returns the pause in seconds when this failure starts one.
    pub fn record_login_failure(&self, username: &str) -> Option<u64> {
        match self.login_failures.check_key(&username.to_string()) {
            Ok(()) => None,
            Err(not_until) => {
                let until = not_until.earliest_possible();
                self.locked_until
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(username.to_string(), until);
                Some(not_until.wait_time_from(self.clock.now()).as_secs().max(1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn limits() -> (Limits<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (
            Limits::with_clock(LimitConfig::default(), clock.clone()),
            clock,
        )
    }

    #[test]
    fn forgot_password_is_limited_per_account_and_recovers() {
        let (l, clock) = limits();
        assert!((0..3).all(|_| l.allow_forgot_for_account("ann")));
        assert!(!l.allow_forgot_for_account("ann"));
        assert!(
            l.allow_forgot_for_account("bob"),
            "other accounts unaffected"
        );
        clock.advance(Duration::from_secs(5 * 60));
        assert!(l.allow_forgot_for_account("ann"));
    }

    #[test]
    fn forgot_password_is_limited_per_workstation() {
        let (l, _) = limits();
        assert!((0..10).all(|_| l.allow_forgot_from_workstation("desk-1")));
        assert!(!l.allow_forgot_from_workstation("desk-1"));
        assert!(l.allow_forgot_from_workstation("desk-2"));
    }

    #[test]
    fn five_failed_logins_pause_the_username() {
        let (l, clock) = limits();
        for _ in 0..5 {
            assert_eq!(l.record_login_failure("ann"), None);
            assert_eq!(l.login_pause("ann"), None);
        }
        let pause = l.record_login_failure("ann").expect("sixth failure pauses");
        assert!((1..=60).contains(&pause), "{pause}");
        assert!(l.login_pause("ann").is_some());
        assert_eq!(l.login_pause("bob"), None);
        clock.advance(Duration::from_secs(61));
        assert_eq!(l.login_pause("ann"), None);
    }
}
