//! DKIM signing of every message the SMTP transport sends, when settings turn it on: RSA-SHA256
//! with relaxed canonicalization of headers and body, which survives the re-folding and
//! whitespace changes that relays make and is what every major mail provider verifies.

use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
use lettre::Message;
use vetdesk_core::dkim::{DkimKey, DkimSettings};
use vetdesk_core::Sensitive;

use crate::error::MailError;

/// The headers a signature covers: those a receiver shows or threads by. Reply-To only when the
/// message has one.
const SIGNED: [&str; 5] = ["From", "To", "Subject", "Date", "Message-ID"];
const REPLY_TO: &str = "Reply-To";

/// Signs messages for one domain and selector with one key. `Debug` never shows the key.
pub(crate) struct Signer {
    domain: String,
    selector: String,
    /// PKCS#1 PEM, the form lettre reads; a config (which owns a parsed key) is made per
    /// message because the headers it signs depend on the message.
    pkcs1_pem: Sensitive<String>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// The signer `dkim` asks for, with the keyring's `key` (PEM). Without a key the transport
    /// cannot be built: nothing goes out unsigned while DKIM is on.
    pub(crate) fn new(
        dkim: &DkimSettings,
        key: Option<Sensitive<String>>,
    ) -> Result<Signer, MailError> {
        let key = key.ok_or_else(|| MailError::MissingDkimKey {
            domain: dkim.domain.clone(),
        })?;
        let key = DkimKey::from_pem(key.expose()).map_err(|e| MailError::InvalidDkimKey {
            reason: e.to_string(),
        })?;
        let signer = Signer {
            domain: dkim.domain.clone(),
            selector: dkim.selector.clone(),
            pkcs1_pem: key.to_pkcs1_pem(),
        };
        // Read once here so that a key lettre cannot read fails now, not at the first send.
        signer.config(false)?;
        Ok(signer)
    }

    /// `message` with a DKIM-Signature header added.
    pub(crate) fn sign(&self, message: &Message) -> Result<Message, MailError> {
        let reply_to = message.headers().get_raw(REPLY_TO).is_some();
        let mut signed = message.clone();
        signed.sign(&self.config(reply_to)?);
        Ok(signed)
    }

    fn config(&self, reply_to: bool) -> Result<DkimConfig, MailError> {
        let key = DkimSigningKey::new(self.pkcs1_pem.expose(), DkimSigningAlgorithm::Rsa).map_err(
            |e| MailError::InvalidDkimKey {
                reason: e.to_string(),
            },
        )?;
        let mut headers: Vec<HeaderName> = SIGNED
            .iter()
            .map(|name| HeaderName::new_from_ascii_str(name))
            .collect();
        if reply_to {
            headers.push(HeaderName::new_from_ascii_str(REPLY_TO));
        }
        Ok(DkimConfig::new(
            self.selector.clone(),
            self.domain.clone(),
            key,
            headers,
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        ))
    }
}
