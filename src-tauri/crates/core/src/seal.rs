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
    /// Kept to export it to another dispatcher, and to name it by its fingerprint.
    key: crate::Sensitive<[u8; KEY_BYTES]>,
}

/// How an exported key file begins, so that a wrong file is told apart from a damaged one.
pub(crate) const EXPORT_PREFIX: &str = "vetdesk-dispatch-key-v1:";

impl Sealer {
    pub fn new(key: &[u8; KEY_BYTES]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
            key: crate::Sensitive::new(*key),
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

    /// Names the key without revealing it: an HMAC of a fixed text under the key. The clinic
    /// database records the first dispatcher's, and a dispatcher whose key differs sends
    /// nothing, rather than fail every email it cannot open.
    pub fn fingerprint(&self) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.key.expose())
            .expect("HMAC takes a key of any length");
        mac.update(b"vetdesk outbox key fingerprint");
        let bytes = mac.finalize().into_bytes();
        bytes[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key itself, for [`crate::clinic_keys`] to hand to another workstation of the clinic.
    pub(crate) fn key(&self) -> &[u8; KEY_BYTES] {
        self.key.expose()
    }

    /// The key as a line of text for another dispatcher of this clinic (vetdesk-server) to
    /// read from a file only its owner can read.
    pub fn export(&self) -> crate::Sensitive<String> {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(self.key.expose());
        crate::Sensitive::new(format!("{EXPORT_PREFIX}{encoded}\n"))
    }

    /// Reads what [`Sealer::export`] wrote.
    pub fn import(text: &str) -> CoreResult<Sealer> {
        use base64::Engine;
        let encoded = text
            .trim()
            .strip_prefix(EXPORT_PREFIX)
            .ok_or_else(|| CoreError::Internal("this is not a VetDesk dispatch key file".into()))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| CoreError::Internal("the dispatch key file is damaged".into()))?;
        let key: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| CoreError::Internal("the dispatch key file is damaged".into()))?;
        Ok(Sealer::new(&key))
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

    #[test]
    fn an_exported_key_opens_what_the_original_sealed() {
        let secrets = Secrets {
            link: Some("link-token-value".into()),
            code: None,
        };
        let a = Sealer::new(&Sealer::generate_key());
        let sealed = a.seal(&secrets).unwrap();
        let exported = a.export();
        let b = Sealer::import(exported.expose()).unwrap();
        assert_eq!(b.open(&sealed).unwrap(), secrets);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 32);
        let other = Sealer::new(&Sealer::generate_key());
        assert_ne!(other.fingerprint(), a.fingerprint());
        assert!(!a.fingerprint().contains(&exported.expose()[24..40]));
        for bad in [
            "",
            "hello",
            "vetdesk-dispatch-key-v1:AAAA",
            "vetdesk-dispatch-key-v1:%%%",
        ] {
            assert!(Sealer::import(bad).is_err(), "{bad:?}");
        }
    }
}
