//! Seals the secrets an outbox email carries (XChaCha20-Poly1305), so that a queued reset link
//! is never stored in plain text. The key lives in the OS keyring.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{CoreError, CoreResult};
use crate::token::Secrets;

pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub fn new(key: &[u8; KEY_BYTES]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    pub fn generate_key() -> [u8; KEY_BYTES] {
        XChaCha20Poly1305::generate_key(&mut OsRng).into()
    }

    pub fn seal(&self, secrets: &Secrets) -> CoreResult<Vec<u8>> {
        let plain = serde_json::to_vec(secrets)
            .map_err(|e| CoreError::Internal(format!("sealing: {e}")))?;
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(&nonce, plain.as_slice())
                .map_err(|_| CoreError::Internal("sealing failed".into()))?,
        );
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8]) -> CoreResult<Secrets> {
        if sealed.len() < NONCE_BYTES {
            return Err(CoreError::Internal("sealed secret is truncated".into()));
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| {
                CoreError::Internal(
                    "a queued email cannot be opened with this workstation's outbox key".into(),
                )
            })?;
        serde_json::from_slice(&plain).map_err(|e| CoreError::Internal(format!("opening: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_same_key() {
        let secrets = Secrets {
            link: Some("link-token-value".into()),
            code: Some("ABCDE-FGHJK".into()),
        };
        let a = Sealer::new(&Sealer::generate_key());
        let sealed = a.seal(&secrets).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("link-token-value"));
        assert_eq!(a.open(&sealed).unwrap(), secrets);
        let b = Sealer::new(&Sealer::generate_key());
        assert!(b.open(&sealed).is_err());
        assert!(a.open(&sealed[..10]).is_err());
    }
}
