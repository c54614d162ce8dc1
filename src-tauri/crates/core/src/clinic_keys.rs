//! The clinic's keys, as one workstation hands them to the next: the outbox key that seals the
//! links and codes queued emails carry, and the pepper that keys the digests of one-time codes.
//! Every workstation of a clinic on one server database needs both: the outbox key to send what
//! the others queue (and to have its own emails sent), the pepper for a code shown at one desk
//! to be accepted at another. Neither is ever in the database; the file travels from desk to
//! desk, and the database's record of the outbox key's fingerprint tells the right file apart.

use base64::Engine;

use crate::error::{CoreError, CoreResult};
use crate::seal::{Sealer, EXPORT_PREFIX as DISPATCH_KEY_PREFIX, KEY_BYTES};
use crate::token::{CodePepper, PEPPER_BYTES};
use crate::validate::Field;
use crate::Sensitive;

/// How a clinic keys file begins.
const PREFIX: &str = "vetdesk-clinic-keys-v1:";
pub const FILE_FIELD: Field = Field::new("path", "Keys file");

/// The two keys read from a clinic keys file.
pub struct ClinicKeys {
    pub outbox: Sensitive<[u8; KEY_BYTES]>,
    pub pepper: Sensitive<[u8; PEPPER_BYTES]>,
}

impl ClinicKeys {
    /// The fingerprint of the outbox key, as [`Sealer::fingerprint`] names it.
    pub fn fingerprint(&self) -> String {
        Sealer::new(self.outbox.expose()).fingerprint()
    }
}

/// The file's text: one line, both keys.
pub fn export(sealer: &Sealer, pepper: &CodePepper) -> Sensitive<String> {
    let mut both = Vec::with_capacity(KEY_BYTES + PEPPER_BYTES);
    both.extend_from_slice(sealer.key());
    both.extend_from_slice(pepper.bytes());
    let encoded = base64::engine::general_purpose::STANDARD.encode(&both);
    both.fill(0);
    Sensitive::new(format!("{PREFIX}{encoded}\n"))
}

/// Reads what [`export`] wrote; another file is refused in words that say which file to bring.
pub fn import(text: &str) -> CoreResult<ClinicKeys> {
    let text = text.trim();
    let Some(encoded) = text.strip_prefix(PREFIX) else {
        let message = if text.starts_with(DISPATCH_KEY_PREFIX) {
            "This is the key file for vetdesk-server, which holds only the outbox key. On a \
             desk whose emails go out, use Export keys for another workstation, and import \
             that file here."
        } else {
            "This is not a VetDesk clinic keys file. On a desk whose emails go out, use Export \
             keys for another workstation, and import that file here."
        };
        return Err(CoreError::invalid(FILE_FIELD, message));
    };
    let damaged = || {
        CoreError::invalid(
            FILE_FIELD,
            "This clinic keys file is damaged. Export the keys again and import the new file.",
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| damaged())?;
    if bytes.len() != KEY_BYTES + PEPPER_BYTES {
        return Err(damaged());
    }
    let (outbox, pepper) = bytes.split_at(KEY_BYTES);
    let outbox: [u8; KEY_BYTES] = outbox.try_into().map_err(|_| damaged())?;
    let pepper: [u8; PEPPER_BYTES] = pepper.try_into().map_err(|_| damaged())?;
    Ok(ClinicKeys {
        outbox: Sensitive::new(outbox),
        pepper: Sensitive::new(pepper),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_keys_travel_and_come_back_the_same() {
        let sealer = Sealer::new(&Sealer::generate_key());
        let pepper = CodePepper::new(CodePepper::generate());
        let text = export(&sealer, &pepper);
        let keys = import(text.expose()).expect("reads back");
        assert_eq!(keys.fingerprint(), sealer.fingerprint());
        let back = CodePepper::new(*keys.pepper.expose());
        assert_eq!(back.digest("ABCDE-FGHJK"), pepper.digest("ABCDE-FGHJK"));
    }

    fn refusal(text: &str) -> String {
        match import(text) {
            Err(CoreError::InvalidInput { field, message }) => {
                assert_eq!(field, Some("path"));
                message
            }
            Err(e) => panic!("refused as {e:?}"),
            Ok(_) => panic!("{text:?} was taken"),
        }
    }

    #[test]
    fn another_file_is_refused_in_words_that_name_the_right_one() {
        let sealer = Sealer::new(&Sealer::generate_key());
        let server_file = sealer.export();
        assert!(refusal(server_file.expose()).contains("for vetdesk-server"));
        assert!(refusal("hello").contains("not a VetDesk clinic keys file"));
        assert!(refusal("vetdesk-clinic-keys-v1:AAAA").contains("damaged"));
        assert!(refusal("vetdesk-clinic-keys-v1:not base64!").contains("damaged"));
    }
}
