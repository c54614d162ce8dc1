//! Rate limits: sign-in, forgot password and code entry, each per account and per workstation.
//!
//! They are kept in the clinic database ([`crate::ports::LimitStore`]), so a restart does not
//! reset them and every workstation on one database shares them. Each is a fixed window: the
//! first attempt under a key opens a window of `window` milliseconds, up to `max` attempts fit
//! in it, later ones are refused until it ends, and the first attempt after that opens the next.
//! Around a window's edge up to `2 × max` attempts can pass within one window's length; in
//! exchange a key is one row and an attempt one statement.
//!
//! Accounts are keyed by their id, never by what was typed, so a username and an email address
//! count against the same account. What matches no account counts against the workstation only.

use crate::time::{Millis, MINUTE};

/// At most `max` attempts in a window of `window` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Millis,
}

impl Limit {
    pub const fn per(max: u32, window: Millis) -> Self {
        Self { max, window }
    }
}

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sign-in attempts; a right password takes its attempt back.
    SignIn,
    /// Forgot-password requests.
    Forgot,
    /// Typed reset codes; a right code takes its attempt back.
    Code,
}

/// Whose attempts are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who<'a> {
    Account(i64),
    /// A client's patient-portal account: its ids are not staff ids, so it has keys of its own.
    PortalAccount(i64),
    Workstation(&'a str),
}

impl Who<'_> {
    /// The key of the row that counts `action` for this account or workstation.
    pub fn key(self, action: Action) -> String {
        let action = match action {
            Action::SignIn => "sign_in",
            Action::Forgot => "forgot",
            Action::Code => "code",
        };
        match self {
            Who::Account(id) => format!("{action}:account:{id}"),
            Who::PortalAccount(id) => format!("{action}:portal:{id}"),
            Who::Workstation(ws) => format!("{action}:workstation:{ws}"),
        }
    }
}

/// Every limit's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    pub forgot_per_account: Limit,
    pub forgot_per_workstation: Limit,
    pub sign_in_per_account: Limit,
    pub sign_in_per_workstation: Limit,
    pub code_per_account: Limit,
    pub code_per_workstation: Limit,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            forgot_per_account: Limit::per(3, 5 * MINUTE),
            forgot_per_workstation: Limit::per(10, MINUTE),
            sign_in_per_account: Limit::per(5, MINUTE),
            // A front desk signs several people in and out; enough for their typos.
            sign_in_per_workstation: Limit::per(20, MINUTE),
            // Two codes' worth of wrong guesses (five each) for one account.
            code_per_account: Limit::per(10, 15 * MINUTE),
            code_per_workstation: Limit::per(20, 15 * MINUTE),
        }
    }
}

impl LimitConfig {
    pub fn of(&self, action: Action, who: Who<'_>) -> Limit {
        let account = matches!(who, Who::Account(_) | Who::PortalAccount(_));
        match (action, account) {
            (Action::SignIn, true) => self.sign_in_per_account,
            (Action::SignIn, false) => self.sign_in_per_workstation,
            (Action::Forgot, true) => self.forgot_per_account,
            (Action::Forgot, false) => self.forgot_per_workstation,
            (Action::Code, true) => self.code_per_account,
            (Action::Code, false) => self.code_per_workstation,
        }
    }
}

/// Whole seconds until `wait` milliseconds have passed, at least one.
pub fn seconds(wait: Millis) -> u64 {
    u64::try_from((wait + 999) / 1_000).unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_action_and_whose_attempts() {
        assert_eq!(Who::Account(12).key(Action::SignIn), "sign_in:account:12");
        assert_eq!(
            Who::Workstation("desk-1").key(Action::Code),
            "code:workstation:desk-1"
        );
        assert_ne!(
            Who::Account(1).key(Action::Forgot),
            Who::Account(1).key(Action::Code)
        );
    }

    #[test]
    fn each_action_has_its_own_thresholds() {
        let c = LimitConfig::default();
        assert_eq!(
            c.of(Action::Forgot, Who::Account(1)),
            Limit::per(3, 5 * MINUTE)
        );
        assert_eq!(c.of(Action::Forgot, Who::Workstation("d")).max, 10);
        assert_eq!(c.of(Action::SignIn, Who::Account(1)).max, 5);
        assert!(c.of(Action::Code, Who::Account(1)).max >= 2 * crate::token::MAX_CODE_ATTEMPTS);
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(seconds(1), 1);
        assert_eq!(seconds(1_000), 1);
        assert_eq!(seconds(1_001), 2);
        assert_eq!(seconds(-5), 1);
    }
}
