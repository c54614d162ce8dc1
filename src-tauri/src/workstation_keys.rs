//! This workstation's own keys (the outbox key that seals queued reset links, and the code
//! pepper): kept in the OS keyring, or in private files where no keyring answers.

use std::path::Path;

use base64::Engine;
use vetdesk_core::seal::{Sealer, KEY_BYTES};
use vetdesk_core::CoreError;
use vetdesk_secrets::{SecretStore, Sensitive};

/// A key of this workstation's: the one that seals queued reset links, or the code pepper. Kept
/// in the OS keyring under `entry`. Where no keyring answers (a desktop without Secret Service)
/// it is kept in `file`, which only this user can read, and the answer carries a warning for the
/// window to show; a file key moves into the keyring once one answers.
pub(crate) fn workstation_key(
    secrets: &dyn SecretStore,
    entry: &str,
    file: &Path,
) -> Result<([u8; KEY_BYTES], Option<String>), CoreError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let decode = |text: &str| -> Option<[u8; KEY_BYTES]> {
        engine.decode(text.trim()).ok()?.try_into().ok()
    };
    let refused = match secrets.get(entry) {
        Ok(Some(stored)) => {
            let key = decode(stored.expose()).ok_or_else(|| {
                CoreError::Internal(format!("the {entry} in the keyring is damaged"))
            })?;
            return Ok((key, None));
        }
        Ok(None) => {
            let key = match std::fs::read_to_string(file) {
                Ok(text) => decode(&text)
                    .ok_or_else(|| CoreError::Internal(format!("{} is damaged", file.display())))?,
                Err(_) => Sealer::generate_key(),
            };
            match secrets.set(entry, &Sensitive::new(engine.encode(key))) {
                Ok(()) => {
                    // The keyring holds it now; a copy on disk would only be something to steal.
                    let _ = std::fs::remove_file(file);
                    return Ok((key, None));
                }
                Err(e) => e,
            }
        }
        Err(e) => e,
    };
    tracing::warn!(error = %refused, entry, "no keyring; keeping the key in a private file");
    let warning = format!(
        "{refused} Until one answers, VetDesk keeps its own keys in private files in its data \
         folder, and cannot save an SMTP password."
    );
    Ok((key_file(file, decode)?, Some(warning)))
}

/// Makes `key` this workstation's `entry` in place of the one it had: in the keyring, or where
/// none answers in `file`, replaced whole (a new owner-only file renamed over the old one).
pub(crate) fn store_workstation_key(
    secrets: &dyn SecretStore,
    entry: &str,
    file: &Path,
    key: &[u8; KEY_BYTES],
) -> Result<(), CoreError> {
    let text = Sensitive::new(base64::engine::general_purpose::STANDARD.encode(key));
    match secrets.set(entry, &text) {
        Ok(()) => {
            let _ = std::fs::remove_file(file);
            return Ok(());
        }
        Err(e) => {
            tracing::warn!(error = %e, entry, "no keyring; keeping the key in a private file")
        }
    }
    let cannot =
        |e: std::io::Error| CoreError::Internal(format!("cannot write {}: {e}", file.display()));
    let fresh = file.with_extension("new");
    let _ = std::fs::remove_file(&fresh);
    write_new_private(&fresh, text.expose()).map_err(cannot)?;
    std::fs::rename(&fresh, file).map_err(cannot)
}

/// Writes `text` into a new file at `path` that only this user can read.
fn write_new_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()
}

fn key_file(
    path: &Path,
    decode: impl Fn(&str) -> Option<[u8; KEY_BYTES]>,
) -> Result<[u8; KEY_BYTES], CoreError> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return decode(&text)
            .ok_or_else(|| CoreError::Internal(format!("{} is damaged", path.display())));
    }
    let key = Sealer::generate_key();
    let text = base64::engine::general_purpose::STANDARD.encode(key);
    write_new_private(path, &text)
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", path.display())))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use vetdesk_secrets::SecretError;

    use super::*;
    use crate::state::OUTBOX_KEY;

    /// A keyring in memory that can be made to stop answering.
    #[derive(Default)]
    struct FakeKeyring {
        entries: Mutex<HashMap<String, String>>,
        bytes: Mutex<HashMap<String, Vec<u8>>>,
        down: bool,
    }

    impl SecretStore for FakeKeyring {
        fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
            if self.down {
                return Err(SecretError::Unavailable("no Secret Service".into()));
            }
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            Ok(entries.get(name).cloned().map(Sensitive::new))
        }
        fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
            if self.down {
                return Err(SecretError::Unavailable("no Secret Service".into()));
            }
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(name.to_string(), value.expose().clone());
            Ok(())
        }
        fn get_bytes(&self, name: &str) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
            if self.down {
                return Err(SecretError::Unavailable("no Secret Service".into()));
            }
            let bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
            Ok(bytes.get(name).cloned().map(Sensitive::new))
        }
        fn set_bytes(&self, name: &str, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
            if self.down {
                return Err(SecretError::Unavailable("no Secret Service".into()));
            }
            let mut bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
            bytes.insert(name.to_string(), value.expose().clone());
            Ok(())
        }
        fn delete(&self, _name: &str) -> Result<(), SecretError> {
            Ok(())
        }
    }

    fn key_in(dir: &tempfile::TempDir, keyring: &FakeKeyring) -> ([u8; KEY_BYTES], Option<String>) {
        workstation_key(keyring, OUTBOX_KEY, &dir.path().join("outbox.key")).expect("a key")
    }

    #[test]
    fn a_keyring_keeps_the_key_and_no_file_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keyring = FakeKeyring::default();
        let (first, warning) = key_in(&dir, &keyring);
        assert_eq!(warning, None);
        assert_eq!(key_in(&dir, &keyring).0, first);
        assert!(!dir.path().join("outbox.key").exists());
    }

    #[test]
    fn without_a_keyring_the_key_is_a_private_file_and_the_window_is_told() {
        let dir = tempfile::tempdir().expect("temp dir");
        let down = FakeKeyring {
            down: true,
            ..FakeKeyring::default()
        };
        let (first, warning) = key_in(&dir, &down);
        let warning = warning.expect("a warning for the window");
        assert!(warning.contains("not available"), "{warning}");
        assert!(warning.contains("private files"), "{warning}");
        assert_eq!(key_in(&dir, &down).0, first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("outbox.key")).expect("key file");
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }

        // Once a keyring answers, the same key moves into it and the file goes.
        let up = FakeKeyring::default();
        assert_eq!(key_in(&dir, &up), (first, None));
        assert!(!dir.path().join("outbox.key").exists());
        assert_eq!(key_in(&dir, &up).0, first);
    }

    #[test]
    fn an_imported_key_replaces_the_one_in_the_keyring_or_in_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("outbox.key");
        let up = FakeKeyring::default();
        let mine = key_in(&dir, &up).0;
        let clinics = Sealer::generate_key();
        store_workstation_key(&up, OUTBOX_KEY, &file, &clinics).expect("stored");
        assert_ne!(mine, clinics);
        assert_eq!(key_in(&dir, &up), (clinics, None));
        assert!(!file.exists());

        let down = FakeKeyring {
            down: true,
            ..FakeKeyring::default()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("outbox.key");
        let mine = key_in(&dir, &down).0;
        store_workstation_key(&down, OUTBOX_KEY, &file, &clinics).expect("stored");
        assert_ne!(mine, clinics);
        assert_eq!(key_in(&dir, &down).0, clinics);
        assert!(!dir.path().join("outbox.new").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(&file).expect("key file");
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
    }
}
