//! Every value a person types passes through here before it reaches a decision or the database.

use unicode_normalization::UnicodeNormalization;

use crate::error::{CoreError, CoreResult};

pub const NAME_MAX: usize = 120;
pub const EMAIL_MAX: usize = 254;
pub const SEARCH_MAX: usize = 100;

/// A form field: the key the UI finds it by (a command argument, or a path inside one) and the
/// name a person reads in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
}

impl Field {
    pub const fn new(key: &'static str, label: &'static str) -> Self {
        Self { key, label }
    }
}

pub const IDENTIFIER: Field = Field::new("identifier", "Username or email");
pub const USERNAME: Field = Field::new("username", "Username or email");
pub const SEARCH: Field = Field::new("query", "Search");

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trimmed, NFC-normalized single-line text of at most `max` characters.
pub fn text(field: Field, value: &str, max: usize) -> CoreResult<String> {
    let value = optional_text(field, value, max)?;
    value.ok_or_else(|| CoreError::invalid(field, format!("{} is required.", field.label)))
}

/// Like [`text`], but an empty value is `None`.
pub fn optional_text(field: Field, value: &str, max: usize) -> CoreResult<Option<String>> {
    let label = field.label;
    let too_long = || {
        CoreError::invalid(
            field,
            format!("{label} is too long (at most {max} characters)."),
        )
    };
    // Refuse oversized input before doing any per-character work on it.
    if value.len() > max * 4 {
        return Err(too_long());
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(CoreError::invalid(
            field,
            format!("{label} cannot contain line breaks, tabs or other control characters."),
        ));
    }
    if trimmed.chars().any(is_bidi_control) {
        return Err(CoreError::invalid(
            field,
            format!("{label} cannot contain text-direction control characters."),
        ));
    }
    let normalized: String = trimmed.nfc().collect();
    if normalized.chars().count() > max {
        return Err(too_long());
    }
    Ok(Some(normalized))
}

/// A deliverable address: local part, `@`, and a domain with at least one dot.
pub fn email(field: Field, value: &str) -> CoreResult<String> {
    let value = text(field, value, EMAIL_MAX)?;
    parse_email(field, &value)
}

pub fn optional_email(field: Field, value: &str) -> CoreResult<Option<String>> {
    match optional_text(field, value, EMAIL_MAX)? {
        None => Ok(None),
        Some(v) => parse_email(field, &v).map(Some),
    }
}

fn parse_email(field: Field, value: &str) -> CoreResult<String> {
    let bad = || {
        CoreError::invalid(
            field,
            format!(
                "{} must be an email address like name@clinic.com.",
                field.label
            ),
        )
    };
    let parsed: email_address::EmailAddress = value.parse().map_err(|_| bad())?;
    let domain = parsed.domain();
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.starts_with('[')
        || value.contains(char::is_whitespace)
        || value.contains(['"', '<', '>', ',', ';'])
    {
        return Err(bad());
    }
    Ok(format!("{}@{}", parsed.local_part(), domain.to_lowercase()))
}

/// A username or an email, as typed at the login and forgot-password screens; compared
/// case-insensitively.
pub fn identifier(field: Field, value: &str) -> CoreResult<String> {
    Ok(text(field, value, EMAIL_MAX)?.to_lowercase())
}

/// The longest username a new account may have.
pub const USERNAME_MAX: usize = 64;

/// A new account's username, in lower case: ASCII letters, digits, dots, hyphens and
/// underscores, starting with a letter or digit. No `@`, so it never looks like an email.
pub fn new_username(field: Field, value: &str) -> CoreResult<String> {
    let value = text(field, value, USERNAME_MAX)?.to_lowercase();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) || !value.chars().all(allowed) {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} can use only letters, digits, dots, hyphens and underscores, starting with \
                 a letter or digit.",
                field.label
            ),
        ));
    }
    Ok(value)
}

pub fn search(value: &str) -> CoreResult<String> {
    Ok(optional_text(SEARCH, value, SEARCH_MAX)?.unwrap_or_default())
}

/// A secret typed into a form (the SMTP password): any characters but control characters,
/// at most `max_bytes`. Never trimmed or normalized: it must reach the server as typed.
pub fn secret(field: Field, value: &str, max_bytes: usize) -> CoreResult<()> {
    if value.len() > max_bytes || value.chars().any(|c| c.is_control()) {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} must be at most {max_bytes} bytes, without line breaks or control characters.",
                field.label
            ),
        ));
    }
    Ok(())
}

/// "jordan@clinic.com" → "j•••@clinic.com": enough to recognise, not enough to harvest.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: Field = Field::new("name", "Name");
    const EMAIL: Field = Field::new("email", "Email");

    #[test]
    fn text_is_trimmed_and_normalized() {
        assert_eq!(text(NAME, "  Cafe\u{301}  ", 10).unwrap(), "Café");
    }

    #[test]
    fn empty_and_huge_values_are_refused() {
        assert!(text(NAME, "   ", 10).is_err());
        let huge = "a".repeat(1_000_000);
        let err = text(NAME, &huge, NAME_MAX).unwrap_err();
        assert!(err.to_string().contains("too long"));
        assert_eq!(err.field(), Some("name"));
    }

    #[test]
    fn control_and_bidi_characters_are_refused() {
        for bad in [
            "Ann\r\nBcc: x@y.com",
            "Ann\tLee",
            "Ann\u{0}",
            "Ann\u{202E}eeL",
            "x\u{2066}y",
        ] {
            assert!(text(NAME, bad, NAME_MAX).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sql_metacharacters_are_just_text() {
        assert_eq!(
            text(NAME, "O'Brien\"; DROP TABLE staff; --", NAME_MAX).unwrap(),
            "O'Brien\"; DROP TABLE staff; --"
        );
    }

    #[test]
    fn emails_need_a_domain() {
        assert_eq!(email(EMAIL, "Jo@Clinic.COM").unwrap(), "Jo@clinic.com");
        for bad in [
            "jo",
            "jo@",
            "jo@clinic",
            "@clinic.com",
            "jo@clinic.com\r\nBcc: a@b.com",
            "jo@clinic.com, a@b.com",
            "Jo <jo@clinic.com>",
        ] {
            assert!(email(EMAIL, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn new_usernames_are_plain_lower_case_words() {
        const USER: Field = Field::new("username", "Username");
        assert_eq!(new_username(USER, " A.Collins_2 ").unwrap(), "a.collins_2");
        for bad in [
            "",
            "a b",
            "-admin",
            "admin@clinic.com",
            "ädmin",
            "x'; DROP TABLE staff",
        ] {
            assert_eq!(
                new_username(USER, bad).unwrap_err().field(),
                Some("username"),
                "{bad:?}"
            );
        }
        assert!(new_username(USER, &"a".repeat(USERNAME_MAX + 1)).is_err());
    }

    #[test]
    fn masking_keeps_first_letter_and_domain() {
        assert_eq!(mask_email("jordan@clinic.com"), "j•••@clinic.com");
    }
}
