//! Reset secrets: a long link token (256 bits) and a short code a person can type (50 bits).
//! Only digests are stored. A link's SHA-256 is enough: 256 bits cannot be guessed from it. A
//! code's digest is keyed with the clinic's [`CodePepper`], which is not in the database, so a
//! copy of the database alone cannot be searched for codes; the attempt limit on codes is what
//! makes 50 bits enough against guessing.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::time::{Millis, MINUTE};

pub const LINK_TOKEN_BYTES: usize = 32;
/// Crockford base32 without I, L, O, U: nothing to misread when handed over in person.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_CHARS: usize = 10;
pub const CODE_BITS: usize = CODE_CHARS * 5;
pub const MAX_CODE_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    SelfReset,
    AdminReset,
    OneTimeCode,
    PortalReset,
    PortalInvite,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::SelfReset => "self_reset",
            Purpose::AdminReset => "admin_reset",
            Purpose::OneTimeCode => "one_time_code",
            Purpose::PortalReset => "portal_reset",
            Purpose::PortalInvite => "portal_invite",
        }
    }

    pub fn parse(value: &str) -> Option<Purpose> {
        [
            Purpose::SelfReset,
            Purpose::AdminReset,
            Purpose::OneTimeCode,
            Purpose::PortalReset,
            Purpose::PortalInvite,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }
}

/// Secrets handed to a person. Never logged: `Debug` is redacted.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Secrets {
    pub link: Option<String>,
    pub code: Option<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(redacted)")
    }
}

pub fn new_link_token(rng: &mut dyn RngCore) -> String {
    let mut bytes = [0u8; LINK_TOKEN_BYTES];
    rng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A link token as [`new_link_token`] writes it (43 base64url characters), trimmed; `None` for
/// anything else, which then needs no database lookup.
pub fn well_formed_link(link: &str) -> Option<&str> {
    let link = link.trim();
    let ok = link.len() == 43
        && link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(link)
}

/// Ten symbols, shown as `ABCDE-FGHJK`.
pub fn new_code(rng: &mut dyn RngCore) -> String {
    let mut bytes = [0u8; CODE_CHARS];
    rng.fill_bytes(&mut bytes);
    let symbols: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[(b & 31) as usize] as char)
        .collect();
    format!("{}-{}", &symbols[..5], &symbols[5..])
}

/// What a person typed, reduced to the ten symbols (case, spaces, dashes and look-alikes forgiven).
pub fn normalize_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_CHARS);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !CODE_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
        if out.len() > CODE_CHARS {
            return None;
        }
    }
    (out.len() == CODE_CHARS).then(|| format!("{}-{}", &out[..5], &out[5..]))
}

pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The secret key of code digests, kept in the OS keyring beside the outbox key and never in
/// the database. Never logged: `Debug` is redacted.
#[derive(Clone)]
pub struct CodePepper([u8; PEPPER_BYTES]);

pub const PEPPER_BYTES: usize = 32;

impl CodePepper {
    pub fn new(key: [u8; PEPPER_BYTES]) -> Self {
        Self(key)
    }

    pub fn generate() -> [u8; PEPPER_BYTES] {
        let mut key = [0u8; PEPPER_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut key);
        key
    }

    /// The key itself, for [`crate::clinic_keys`] to hand to another workstation of the clinic.
    pub(crate) fn bytes(&self) -> &[u8; PEPPER_BYTES] {
        &self.0
    }

    /// HMAC-SHA256 of a code as [`normalize_code`] writes it, in hex.
    pub fn digest(&self, code: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(code.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for CodePepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodePepper(redacted)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison of two digests.
pub fn digests_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A stored token, as the store gives it back.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: i64,
    pub staff_id: i64,
    pub purpose: Purpose,
    pub code_digest: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub failed_attempts: u32,
}

impl TokenRecord {
    pub fn is_live(&self, now: Millis) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A token about to be stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub staff_id: i64,
    pub purpose: Purpose,
    pub link_digest: Option<String>,
    pub code_digest: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

pub fn minutes(m: u32) -> Millis {
    Millis::from(m) * MINUTE
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;
    use std::collections::HashSet;

    #[test]
    fn link_tokens_carry_256_bits_and_do_not_repeat() {
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let t = new_link_token(&mut OsRng);
            assert_eq!(
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(&t)
                    .unwrap()
                    .len(),
                32
            );
            assert!(seen.insert(t));
        }
    }

    #[test]
    fn codes_have_at_least_40_bits() {
        const { assert!(CODE_BITS >= 40) };
        let code = new_code(&mut OsRng);
        assert_eq!(code.len(), 11);
        assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
    }

    #[test]
    fn every_code_symbol_is_used() {
        let mut seen = HashSet::new();
        for _ in 0..200 {
            seen.extend(new_code(&mut OsRng).chars().filter(|c| *c != '-'));
        }
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn typed_codes_are_forgiven_for_case_spacing_and_lookalikes() {
        assert_eq!(
            normalize_code("abcde fghjk").as_deref(),
            Some("ABCDE-FGHJK")
        );
        assert_eq!(
            normalize_code("O1IL0-00000").as_deref(),
            Some("01110-00000")
        );
        assert_eq!(normalize_code("ABCDE-FGHJ"), None);
        assert_eq!(normalize_code("ABCDE-FGHJKM"), None);
        assert_eq!(normalize_code("ABCDE-FGHJ!"), None);
        assert_eq!(normalize_code("ÄBCDE-FGHJK"), None);
    }

    #[test]
    fn only_digests_are_compared() {
        let d = digest("secret");
        assert_eq!(d.len(), 64);
        assert!(!d.contains("secret"));
        assert!(digests_match(&d, &digest("secret")));
        assert!(!digests_match(&d, &digest("secreT")));
    }

    #[test]
    fn code_digests_are_keyed_with_the_pepper() {
        let pepper = CodePepper::new([7; PEPPER_BYTES]);
        let d = pepper.digest("ABCDE-FGHJK");
        assert_eq!(d.len(), 64);
        assert_eq!(d, pepper.digest("ABCDE-FGHJK"));
        assert_ne!(d, digest("ABCDE-FGHJK"), "not the plain SHA-256");
        let other = CodePepper::new(CodePepper::generate());
        assert_ne!(d, other.digest("ABCDE-FGHJK"));
        assert!(!format!("{pepper:?}").contains('7'));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = Secrets {
            link: Some("tok".into()),
            code: Some("ABCDE-FGHJK".into()),
        };
        assert!(!format!("{s:?}").contains("ABCDE"));
    }

    #[test]
    fn liveness_depends_on_use_revocation_and_time() {
        let t = TokenRecord {
            id: 1,
            staff_id: 1,
            purpose: Purpose::SelfReset,
            code_digest: None,
            created_at: 0,
            expires_at: 100,
            used_at: None,
            revoked_at: None,
            failed_attempts: 0,
        };
        assert!(t.is_live(99));
        assert!(!t.is_live(100));
        assert!(!TokenRecord {
            used_at: Some(5),
            ..t.clone()
        }
        .is_live(10));
        assert!(!TokenRecord {
            revoked_at: Some(5),
            ..t
        }
        .is_live(10));
    }
}
