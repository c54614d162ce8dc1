//! DKIM: the domain and selector a clinic signs its mail with (a setting), the RSA private key
//! (kept in the OS keyring, never in settings or a log) and the DNS record that publishes its
//! public half. Consumer mailboxes count a message as the clinic's only when a signature of the
//! From address's domain verifies against that record.

use base64::Engine;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::settings::fields;
use crate::validate::{self, Field};
use crate::Sensitive;

/// Mail providers ignore or distrust shorter RSA keys (RFC 8301).
pub const MIN_KEY_BITS: usize = 2048;
/// Verifiers are only required to handle keys up to 4096 bits (RFC 8301), and larger ones would
/// not fit the Windows credential store.
pub const MAX_KEY_BITS: usize = 4096;
/// A 4096-bit key in PEM is about 3.3 KB; anything far larger is not a key.
const KEY_MAX_BYTES: usize = 16 * 1024;
const HOSTNAME_MAX: usize = 253;
const LABEL_MAX: usize = 63;

/// Which domain signs the clinic's mail, and the selector under which its public key is
/// published: `{selector}._domainkey.{domain}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DkimSettings {
    pub domain: String,
    pub selector: String,
}

impl DkimSettings {
    /// Checks what an admin typed, lower-cased, against the From address mail is sent from:
    /// its domain must be the DKIM domain or below it, or providers do not count the signature.
    pub fn validated(self, from_address: &str) -> CoreResult<DkimSettings> {
        let domain = hostname(fields::DKIM_DOMAIN, &self.domain)?;
        let selector = label(fields::DKIM_SELECTOR, &self.selector)?;
        let name_len = selector.len() + "._domainkey.".len() + domain.len();
        if name_len > HOSTNAME_MAX {
            return Err(CoreError::invalid(
                fields::DKIM_SELECTOR,
                "The DKIM selector and domain together make a DNS name longer than 253 \
                 characters. Choose a shorter selector.",
            ));
        }
        let from_domain = from_address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        let aligned = from_domain == domain || from_domain.ends_with(&format!(".{domain}"));
        if !aligned {
            return Err(CoreError::invalid(
                fields::DKIM_DOMAIN,
                format!(
                    "The From address is at {from_domain}, which is not {domain} or a part of \
                     it, so mail providers would not count the signature. Use {from_domain} \
                     (or the domain it belongs to) as the DKIM domain, or change the From \
                     address."
                ),
            ));
        }
        Ok(DkimSettings { domain, selector })
    }

    /// Where the public key is published in DNS.
    pub fn record_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }
}

/// The TXT record the clinic publishes so that receivers can verify its signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DkimRecord {
    /// `{selector}._domainkey.{domain}`.
    pub name: String,
    /// `v=DKIM1; k=rsa; p=...`. Longer than the 255 characters of one DNS string: DNS hosting
    /// forms split it themselves; a zone file needs it as several quoted strings.
    pub value: String,
}

/// The record to publish for `key` under `dkim`'s domain and selector.
pub fn dkim_record(dkim: &DkimSettings, key: &DkimKey) -> DkimRecord {
    DkimRecord {
        name: dkim.record_name(),
        value: format!("v=DKIM1; k=rsa; p={}", key.public_key_base64()),
    }
}

/// An RSA private key fit for DKIM signing. `Debug` never shows it.
#[derive(Clone)]
pub struct DkimKey(RsaPrivateKey);

impl std::fmt::Debug for DkimKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DkimKey({} bits)", self.bits())
    }
}

impl DkimKey {
    /// A new 2048-bit key, for a clinic that has none: the usual size, and one the Windows
    /// credential store holds.
    pub fn generate() -> CoreResult<DkimKey> {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, MIN_KEY_BITS)
            .map_err(|e| CoreError::Internal(format!("DKIM key generation failed: {e}")))?;
        Ok(DkimKey(key))
    }

    /// Reads a PEM private key as an admin pastes it: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`), RSA, 2048 to 4096 bits. Every refusal says what was pasted
    /// instead and what to paste, and none repeats any of the text.
    pub fn from_pem(pem: &str) -> CoreResult<DkimKey> {
        let field = fields::DKIM_KEY;
        let refuse = |why: &str| CoreError::invalid(field, why.to_string());
        if pem.len() > KEY_MAX_BYTES {
            return Err(refuse(
                "That is far too long for a DKIM private key. Paste only the key, from \
                 -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.",
            ));
        }
        let pem = pem.trim();
        let key =
            match pem_label(pem) {
                Some("PRIVATE KEY") => RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| match e {
                    rsa::pkcs8::Error::KeyMalformed | rsa::pkcs8::Error::Asn1(_) => refuse(DAMAGED),
                    // Any other algorithm (EC, Ed25519) fails the RSA algorithm check.
                    _ => refuse(
                        "That private key is not an RSA key. VetDesk signs with RSA, which every \
                     mail provider verifies: generate a 2048-bit RSA key.",
                    ),
                })?,
                Some("RSA PRIVATE KEY") => {
                    RsaPrivateKey::from_pkcs1_pem(pem).map_err(|_| refuse(DAMAGED))?
                }
                Some("ENCRYPTED PRIVATE KEY") => {
                    return Err(refuse(
                        "That private key is protected by a passphrase. Export it without one \
                     (for example: openssl pkey -in key.pem -out plain.pem); the system keyring \
                     protects it instead.",
                    ))
                }
                Some("PUBLIC KEY" | "RSA PUBLIC KEY") => return Err(refuse(
                    "That is the public key, which goes in DNS. Paste the private key here: it \
                     begins with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.",
                )),
                Some("CERTIFICATE") => {
                    return Err(refuse(
                        "That is a certificate, not a private key. Paste the private key: it \
                     begins with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.",
                    ))
                }
                _ => return Err(refuse(NOT_PEM)),
            };
        key.validate().map_err(|_| refuse(DAMAGED))?;
        let key = DkimKey(key);
        let bits = key.bits();
        if bits < MIN_KEY_BITS {
            return Err(CoreError::invalid(
                field,
                format!(
                    "That key has {bits} bits; mail providers require at least \
                     {MIN_KEY_BITS}. Generate a new 2048-bit RSA key."
                ),
            ));
        }
        if bits > MAX_KEY_BITS {
            return Err(CoreError::invalid(
                field,
                format!(
                    "That key has {bits} bits; not every mail provider verifies keys over \
                     {MAX_KEY_BITS}. Generate a new 2048-bit RSA key."
                ),
            ));
        }
        Ok(key)
    }

    /// Reads the key as [`DkimKey::to_pkcs8_der`] wrote it, checked as [`DkimKey::from_pem`]
    /// checks a pasted one.
    pub fn from_pkcs8_der(der: &[u8]) -> CoreResult<DkimKey> {
        let key = RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|_| CoreError::invalid(fields::DKIM_KEY, DAMAGED))?;
        let pem = DkimKey(key).to_pkcs8_pem();
        DkimKey::from_pem(pem.expose())
    }

    /// The size of the modulus.
    pub fn bits(&self) -> usize {
        self.0.size() * 8
    }

    /// The key as PKCS#8 DER: its most compact standard form, which is what fits the Windows
    /// credential store (2560 bytes; a 2048-bit key in PEM does not).
    pub fn to_pkcs8_der(&self) -> CoreResult<Sensitive<Vec<u8>>> {
        let der = self
            .0
            .to_pkcs8_der()
            .map_err(|_| CoreError::Internal("the DKIM key could not be encoded".into()))?;
        Ok(Sensitive::new(der.as_bytes().to_vec()))
    }

    /// The key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Sensitive<String> {
        // Encoding a key that parsed and validated cannot fail; an empty text would be refused
        // as "not a PEM key" by whoever reads it.
        Sensitive::new(
            self.0
                .to_pkcs8_pem(LineEnding::LF)
                .map(|pem| pem.to_string())
                .unwrap_or_default(),
        )
    }

    /// The key as PKCS#1 PEM, the form lettre's DKIM signer reads.
    pub fn to_pkcs1_pem(&self) -> Sensitive<String> {
        Sensitive::new(
            self.0
                .to_pkcs1_pem(LineEnding::LF)
                .map(|pem| pem.to_string())
                .unwrap_or_default(),
        )
    }

    /// The public key as base64 SubjectPublicKeyInfo DER, the `p=` of the DNS record.
    pub fn public_key_base64(&self) -> String {
        let der = self
            .0
            .to_public_key()
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        base64::engine::general_purpose::STANDARD.encode(der)
    }
}

const DAMAGED: &str = "That private key is damaged or incomplete. Paste all of it, including \
                       the -----BEGIN and -----END lines.";
const NOT_PEM: &str = "That is not a PEM private key. Paste the whole key file: it begins with \
                       -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.";

/// The label of the first PEM block: `PRIVATE KEY` for `-----BEGIN PRIVATE KEY-----`.
fn pem_label(pem: &str) -> Option<&str> {
    let rest = pem.strip_prefix("-----BEGIN ")?;
    let (label, _) = rest.split_once("-----")?;
    Some(label)
}

/// A host name in lower case: dot-separated DNS labels, at least two, ASCII (an international
/// name in its xn-- form), without a trailing dot.
fn hostname(field: Field, value: &str) -> CoreResult<String> {
    let text = validate::text(field, value, HOSTNAME_MAX)?.to_ascii_lowercase();
    let text = text.strip_suffix('.').unwrap_or(&text).to_string();
    let refuse = || {
        CoreError::invalid(
            field,
            format!(
                "{} must be a domain name like harborview-clinic.com (an international name \
                 in its xn-- form).",
                field.label
            ),
        )
    };
    if !text.contains('.') || text.split('.').any(|l| !is_label(l)) {
        return Err(refuse());
    }
    Ok(text)
}

/// One DNS label in lower case.
fn label(field: Field, value: &str) -> CoreResult<String> {
    let text = validate::text(field, value, LABEL_MAX)?.to_ascii_lowercase();
    if !is_label(&text) {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} must be one word of letters, digits and hyphens, like vetdesk1 or mail-2025, \
                 as given by whoever runs the clinic's DNS.",
                field.label
            ),
        ));
    }
    Ok(text)
}

fn is_label(label: &str) -> bool {
    (1..=LABEL_MAX).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

#[cfg(test)]
mod tests;
