//! NIST SP 800-63B rev 4 password rules: a long minimum, a generous maximum, no composition
//! rules, and a check against common passwords and words from the person's own context.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::error::{CoreError, CoreResult};

pub const DEFAULT_MIN_LENGTH: u32 = 15;
pub const FLOOR_MIN_LENGTH: u32 = 8;
pub const MAX_LENGTH: u32 = 128;
/// Said when the clinic's breached-password service has seen the password.
pub const BREACHED_MESSAGE: &str =
    "This password has appeared in a data breach. Choose a different one.";
/// zxcvbn score (0–4) a password must reach.
pub const MIN_SCORE: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PasswordPolicyInfo {
    pub min_length: u32,
    pub max_length: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    min_length: u32,
}

impl PasswordPolicy {
    /// The clinic's minimum, never below the floor of 8.
    pub fn new(min_length: u32) -> Self {
        Self {
            min_length: min_length.clamp(FLOOR_MIN_LENGTH, MAX_LENGTH),
        }
    }

    pub fn info(&self) -> PasswordPolicyInfo {
        PasswordPolicyInfo {
            min_length: self.min_length,
            max_length: MAX_LENGTH,
        }
    }

    /// `context` holds words a guesser would try first: clinic name, username, the person's name.
    pub fn check(&self, password: &str, confirm: &str, context: &[&str]) -> CoreResult<()> {
        if password.len() > (MAX_LENGTH as usize) * 4 {
            return Err(self.too_long());
        }
        let normalized: String = password.nfkc().collect();
        let length = normalized.chars().count() as u32;
        if length < self.min_length {
            return Err(CoreError::WeakPassword(format!(
                "Use at least {} characters. A few unrelated words make a long password easy to \
                 remember.",
                self.min_length
            )));
        }
        if length > MAX_LENGTH {
            return Err(self.too_long());
        }
        if password != confirm {
            return Err(CoreError::PasswordMismatch);
        }
        if normalized.chars().any(|c| c.is_control()) {
            return Err(CoreError::WeakPassword(
                "The password cannot contain control characters.".into(),
            ));
        }
        let lowered = normalized.to_lowercase();
        for word in context_words(context) {
            if lowered.contains(&word) {
                return Err(CoreError::WeakPassword(
                    "The password cannot contain your name, username or the clinic's name.".into(),
                ));
            }
        }
        let estimate = zxcvbn::zxcvbn(&normalized, context);
        if (estimate.score() as u8) < MIN_SCORE {
            return Err(CoreError::WeakPassword(
                "This password is too common or too easy to guess. Try a longer phrase of \
                 unrelated words."
                    .into(),
            ));
        }
        Ok(())
    }

    fn too_long(&self) -> CoreError {
        CoreError::WeakPassword(format!("Use at most {MAX_LENGTH} characters."))
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self::new(DEFAULT_MIN_LENGTH)
    }
}

/// Context words of four letters or more, split on anything that is not a letter or digit.
fn context_words(context: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for item in context {
        let lowered = item.to_lowercase();
        let local = lowered.split('@').next().unwrap_or_default();
        for word in local.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() >= 4 && !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &[&str] = &["Harborview Animal Clinic", "mrivera", "Morgan Rivera"];

    fn check(p: &str) -> CoreResult<()> {
        PasswordPolicy::default().check(p, p, CONTEXT)
    }

    #[test]
    fn long_unusual_phrases_pass_without_composition_rules() {
        check("lantern orbit pickle saxophone").unwrap();
        check("ночь улица фонарь аптека").unwrap();
    }

    #[test]
    fn short_passwords_fail_with_the_minimum_in_the_message() {
        let err = check("Tr0ub4dor&3x").unwrap_err();
        assert!(matches!(err, CoreError::WeakPassword(_)));
        assert!(err.to_string().contains("15"));
    }

    #[test]
    fn the_minimum_never_drops_below_eight() {
        assert_eq!(PasswordPolicy::new(4).info().min_length, 8);
        assert_eq!(PasswordPolicy::new(20).info().min_length, 20);
    }

    #[test]
    fn at_least_64_characters_are_allowed_and_huge_input_is_refused() {
        check(&"correct horse battery staple ".repeat(3)[..80]).unwrap();
        assert!(check(&"x".repeat(129)).is_err());
        assert!(check(&"x".repeat(1_000_000)).is_err());
    }

    #[test]
    fn common_passwords_fail() {
        for p in ["passwordpassword", "123456789012345", "qwertyuiopasdfgh"] {
            assert!(matches!(check(p), Err(CoreError::WeakPassword(_))), "{p}");
        }
    }

    #[test]
    fn context_words_fail() {
        for p in [
            "harborview lantern orbit pickle",
            "lantern MRIVERA orbit pickle",
            "rivera lantern orbit pickle",
        ] {
            assert!(matches!(check(p), Err(CoreError::WeakPassword(_))), "{p}");
        }
    }

    #[test]
    fn mismatched_confirmation_fails() {
        let err = PasswordPolicy::default()
            .check(
                "lantern orbit pickle sax",
                "lantern orbit pickle saz",
                CONTEXT,
            )
            .unwrap_err();
        assert!(matches!(err, CoreError::PasswordMismatch));
    }
}
