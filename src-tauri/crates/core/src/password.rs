//! argon2id at OWASP's floor (m = 19 MiB, t = 2, p = 1). These functions are CPU-bound: callers on
//! an async runtime run them through [`crate::ports::PasswordHashing`], off the runtime threads.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use unicode_normalization::UnicodeNormalization;

use crate::error::{CoreError, CoreResult};

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> CoreResult<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| CoreError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// NIST 800-63B: compare passwords after Unicode normalization.
pub fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

pub fn hash(password: &str) -> CoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(normalize(password).as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
}

/// `false` for a wrong password and for a stored hash that cannot be read.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(hasher) = argon2() else {
        return false;
    };
    hasher
        .verify_password(normalize(password).as_bytes(), &parsed)
        .is_ok()
}

/// A valid hash of a random password, verified against when the username is unknown so that
/// unknown and known users take the same time.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5gC6tq0qzjP9bW3G0xF8cYJ5m8qVZpJ2mXK4wq0u8hU"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_use_argon2id_with_the_required_cost() {
        let h = hash("a long enough passphrase").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(!h.contains("passphrase"));
        assert!(verify("a long enough passphrase", &h));
        assert!(!verify("a long enough passphrasE", &h));
    }

    #[test]
    fn equivalent_unicode_forms_verify() {
        let h = hash("ﬁsh and chips for everyone").unwrap();
        assert!(verify("fish and chips for everyone", &h));
    }

    #[test]
    fn unreadable_hashes_never_verify() {
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", decoy_hash()));
    }
}
