//! A signed-in session at one workstation: when it began, when its person last entered their
//! password, when they last did something at the desk, and whether the screen is locked.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::staff::StaffRecord;
use crate::time::{Millis, MINUTE, SECOND};

/// A password entered this recently covers a sensitive change without asking again.
pub const REAUTH_WITHIN: Millis = 5 * MINUTE;
/// The window reports its person's activity at most this often.
pub const ACTIVITY_REPORT_EVERY: Millis = 30 * SECOND;
const HOUR: Millis = 60 * MINUTE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: i64,
    pub staff_id: i64,
    pub created_at: Millis,
    /// The last time the password was entered: at sign-in, unlock or a confirmation.
    pub authenticated_at: Millis,
    /// The last activity the window reported.
    pub active_at: Millis,
    pub locked_at: Option<Millis>,
}

impl SessionRecord {
    /// Past the clinic's absolute lifetime: signed out however active the person is.
    pub fn expired(&self, rules: &SessionSettings, now: Millis) -> bool {
        now - self.created_at >= Millis::from(rules.max_hours) * HOUR
    }

    /// Locked, or idle for longer than the clinic allows. The window locks itself on time; the
    /// back end allows for activity the window has not reported yet.
    pub fn locked(&self, rules: &SessionSettings, now: Millis) -> bool {
        let idle_after = Millis::from(rules.idle_lock_minutes) * MINUTE + 2 * ACTIVITY_REPORT_EVERY;
        self.locked_at.is_some() || now - self.active_at >= idle_after
    }

    /// The password was entered within [`REAUTH_WITHIN`].
    pub fn recently_authenticated(&self, now: Millis) -> bool {
        now - self.authenticated_at <= REAUTH_WITHIN
    }
}

/// The signed-in staff member and their session, read fresh for every command.
#[derive(Debug, Clone)]
pub struct Actor {
    pub staff: StaffRecord,
    pub session: SessionRecord,
}

impl Deref for Actor {
    type Target = StaffRecord;

    fn deref(&self) -> &StaffRecord {
        &self.staff
    }
}

/// How long a shared desk stays open to the person who signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionSettings {
    /// Minutes without activity before the screen locks.
    pub idle_lock_minutes: u32,
    /// Hours after sign-in when the session ends.
    pub max_hours: u32,
    /// While the clinic's server cannot be reached, a workstation signs in (and unlocks) those
    /// who signed in at it within this many days, with the password they used then; 0 is off.
    /// Settings saved before this existed read it as 7.
    #[serde(default = "default_offline_sign_in_days")]
    pub offline_sign_in_days: u32,
}

fn default_offline_sign_in_days() -> u32 {
    7
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_lock_minutes: 10,
            max_hours: 12,
            offline_sign_in_days: default_offline_sign_in_days(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_750_000_000_000;

    #[test]
    fn settings_saved_before_offline_sign_in_read_it_as_seven_days() {
        let old: SessionSettings =
            serde_json::from_str(r#"{"idleLockMinutes":10,"maxHours":12}"#).unwrap();
        assert_eq!(old.offline_sign_in_days, 7);
        let off: SessionSettings =
            serde_json::from_str(r#"{"idleLockMinutes":10,"maxHours":12,"offlineSignInDays":0}"#)
                .unwrap();
        assert_eq!(off.offline_sign_in_days, 0);
    }

    fn session() -> SessionRecord {
        SessionRecord {
            id: 1,
            staff_id: 1,
            created_at: T0,
            authenticated_at: T0,
            active_at: T0,
            locked_at: None,
        }
    }

    #[test]
    fn a_session_locks_after_the_idle_time_and_the_reporting_allowance() {
        let rules = SessionSettings::default();
        let s = session();
        let idle = 10 * MINUTE + 2 * ACTIVITY_REPORT_EVERY;
        assert!(!s.locked(&rules, T0 + idle - 1));
        assert!(s.locked(&rules, T0 + idle));
        let locked = SessionRecord {
            locked_at: Some(T0),
            ..s
        };
        assert!(locked.locked(&rules, T0));
    }

    #[test]
    fn a_session_ends_at_its_absolute_lifetime_whatever_its_activity() {
        let rules = SessionSettings::default();
        let s = SessionRecord {
            active_at: T0 + 12 * HOUR,
            ..session()
        };
        assert!(!s.expired(&rules, T0 + 12 * HOUR - 1));
        assert!(s.expired(&rules, T0 + 12 * HOUR));
    }

    #[test]
    fn a_password_counts_as_recent_for_five_minutes() {
        let s = session();
        assert!(s.recently_authenticated(T0 + 5 * MINUTE));
        assert!(!s.recently_authenticated(T0 + 5 * MINUTE + 1));
    }
}
