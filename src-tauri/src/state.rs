//! Everything the commands share, built once in `setup()`: the open clinic, which opens in the
//! background while the window shows and can be swapped for the demo clinic and back, and what
//! belongs to the workstation whichever clinic is open.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use base64::Engine;
use vetdesk_core::seal::{Sealer, KEY_BYTES};
use vetdesk_core::session::Actor;
use vetdesk_core::token::CodePepper;
use vetdesk_core::CoreError;
use vetdesk_mail::SmtpOptions;
use vetdesk_secrets::{SecretStore, Sensitive};

use crate::clinic::{Clinic, WorkstationKeys};
pub use crate::paths::Paths;

pub const KEYRING_SERVICE: &str = "VetDesk";

/// The keyring service of the demo clinic beside `service`, the clinic's own.
pub fn demo_keyring_service(service: &str) -> String {
    format!("{service} demo")
}
pub const OUTBOX_KEY: &str = "outbox-key";
pub const CODE_PEPPER: &str = "code-pepper";

/// The keyring entries of the clinic and of the demo clinic, kept apart.
pub struct Keyrings {
    pub clinic: Arc<dyn SecretStore>,
    pub demo: Arc<dyn SecretStore>,
}

impl Keyrings {
    /// The OS keyring: `service` for the clinic, and one beside it for the demo.
    pub fn os(service: &str) -> Self {
        Self {
            clinic: Arc::new(vetdesk_secrets::Keyring::new(service)),
            demo: Arc::new(vetdesk_secrets::Keyring::new(demo_keyring_service(service))),
        }
    }

    fn of(&self, demo: bool) -> Arc<dyn SecretStore> {
        if demo {
            self.demo.clone()
        } else {
            self.clinic.clone()
        }
    }
}

pub struct AppState {
    /// The open clinic and this workstation's keys, once opened: see [`AppState::opened`].
    opened: tokio::sync::OnceCell<Opened>,
    /// One swap at a time.
    switching: tokio::sync::Mutex<()>,
    paths: Paths,
    keyrings: Keyrings,
    pub workstation: String,
    pub smtp_options: SmtpOptions,
    /// A `vetdesk://reset` token that arrived before the window was listening.
    pub pending_link: Mutex<Option<String>>,
    /// Told whenever a clinic opens, so the window title can say which.
    on_open: Box<dyn Fn(&Clinic) + Send + Sync>,
}

/// What opening takes the keyring and the database for.
struct Opened {
    clinic: RwLock<Arc<Clinic>>,
    keys: WorkstationKeys,
    /// Why this workstation's keys are in files rather than the system keyring, when they are.
    keyring_warning: Option<String>,
}

impl Opened {
    fn current(&self) -> Arc<Clinic> {
        self.clinic
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl AppState {
    /// The state of a workstation whose clinic is not open yet: nothing here waits for the
    /// keyring or the disk, so the window can show while [`AppState::opened`] runs.
    pub fn new(
        paths: &Paths,
        keyrings: Keyrings,
        on_open: impl Fn(&Clinic) + Send + Sync + 'static,
    ) -> Self {
        Self {
            opened: tokio::sync::OnceCell::new(),
            switching: tokio::sync::Mutex::new(()),
            paths: paths.clone(),
            keyrings,
            workstation: workstation_name(),
            smtp_options: smtp_options_from_env(),
            pending_link: Mutex::new(None),
            on_open: Box::new(on_open),
        }
    }

    /// The clinic, opened by the first caller: the data folder, this workstation's keys from
    /// the keyring and the local database (each created on a first run), then the outbox
    /// dispatcher. Later callers wait for that opening; a failed one is tried again by the next.
    async fn opened(&self) -> Result<&Opened, CoreError> {
        self.opened.get_or_try_init(|| self.open()).await
    }

    async fn open(&self) -> Result<Opened, CoreError> {
        let paths = self.paths.clone();
        let secrets = self.keyrings.clinic.clone();
        // The keyring answers over D-Bus (or Keychain, Credential Manager), and blocks.
        let (keys, keyring_warning) = tokio::task::spawn_blocking(move || {
            crate::owner_only::create_dir(&paths.data_dir).map_err(|e| {
                CoreError::Internal(format!(
                    "cannot create the data folder {}: {e}",
                    paths.data_dir.display()
                ))
            })?;
            let secrets = secrets.as_ref();
            let (key, outbox_warning) =
                workstation_key(secrets, OUTBOX_KEY, &paths.outbox_key_file())?;
            let (pepper, pepper_warning) =
                workstation_key(secrets, CODE_PEPPER, &paths.code_pepper_file())?;
            let keys = WorkstationKeys {
                sealer: Arc::new(Sealer::new(&key)),
                pepper: CodePepper::new(pepper),
            };
            Ok::<_, CoreError>((keys, outbox_warning.or(pepper_warning)))
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
        let demo = self.paths.demo;
        let clinic = Clinic::open(&self.paths, self.keyrings.of(demo), keys.clone()).await?;
        self.start(&clinic);
        tracing::info!(demo, "clinic opened");
        Ok(Opened {
            clinic: RwLock::new(Arc::new(clinic)),
            keys,
            keyring_warning,
        })
    }

    /// The open clinic, once opened. A command takes it once and works on it throughout, so
    /// that a swap in the middle never mixes one clinic's staff with another's database.
    pub async fn clinic(&self) -> Result<Arc<Clinic>, CoreError> {
        Ok(self.opened().await?.current())
    }

    /// Where this workstation keeps its files (the real clinic's and the demo's).
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Why this workstation's keys are in files rather than the system keyring, when they are.
    pub async fn keyring_warning(&self) -> Result<Option<String>, CoreError> {
        Ok(self.opened().await?.keyring_warning.clone())
    }

    /// The signed-in staff member of the open clinic, with that clinic.
    pub async fn actor(&self) -> Result<(Arc<Clinic>, Actor), CoreError> {
        let clinic = self.clinic().await?;
        let actor = clinic.actor(&self.workstation).await?;
        Ok((clinic, actor))
    }

    /// Opens the demo clinic (`demo`) or the clinic's own database instead of the open one:
    /// the old one's dispatcher stops and its session ends; the new one starts signed out.
    pub async fn switch(&self, demo: bool) -> Result<Arc<Clinic>, CoreError> {
        let opened = self.opened().await?;
        let _turn = self.switching.lock().await;
        let old = opened.current();
        if old.demo == demo {
            return Ok(old);
        }
        self.replace(opened, old, demo).await
    }

    /// Opens the clinic's own database again where this workstation now records it (after
    /// Setup › Database), in place of the open one, as [`AppState::switch`] does.
    pub async fn reopen(&self) -> Result<Arc<Clinic>, CoreError> {
        let opened = self.opened().await?;
        let _turn = self.switching.lock().await;
        let old = opened.current();
        self.replace(opened, old, false).await
    }

    async fn replace(
        &self,
        opened: &Opened,
        old: Arc<Clinic>,
        demo: bool,
    ) -> Result<Arc<Clinic>, CoreError> {
        let paths = self.paths.with_demo(demo);
        let keys = opened.keys.clone();
        let new = Arc::new(Clinic::open(&paths, self.keyrings.of(demo), keys).await?);
        old.close(&self.workstation).await;
        *opened.clinic.write().unwrap_or_else(|e| e.into_inner()) = new.clone();
        self.start(&new);
        tracing::info!(demo, "opened another clinic");
        Ok(new)
    }

    /// What works on a clinic that just opened: its outbox dispatcher, its bulk runner, and
    /// for a clinic on a server the watch on that server.
    fn start(&self, clinic: &Clinic) {
        crate::mail::spawn_dispatcher(clinic, &self.workstation, &self.smtp_options);
        crate::bulk_runner::spawn_runner(clinic, &self.workstation);
        if let Some(offline) = &clinic.offline {
            crate::offline::spawn_monitor(
                offline.clone(),
                clinic.recovery.clone(),
                self.workstation.clone(),
                clinic.stopped(),
            );
        }
        (self.on_open)(clinic);
    }

    /// The keyring entries of the clinic (not the demo's).
    pub fn clinic_secrets(&self) -> Arc<dyn SecretStore> {
        self.keyrings.clinic.clone()
    }
}

/// A key of this workstation's: the one that seals queued reset links, or the code pepper. Kept
/// in the OS keyring under `entry`. Where no keyring answers (a desktop without Secret Service)
/// it is kept in `file`, which only this user can read, and the answer carries a warning for the
/// window to show; a file key moves into the keyring once one answers.
fn workstation_key(
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
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", path.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", path.display())))?;
    Ok(key)
}

fn workstation_name() -> String {
    gethostname::gethostname()
        .into_string()
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "this workstation".into())
}

/// An extra CA certificate to trust for SMTP (a clinic's internal CA, or a test server's).
fn smtp_options_from_env() -> SmtpOptions {
    let extra_root_pem =
        std::env::var_os("VETDESK_SMTP_CA_FILE").and_then(|p| std::fs::read(p).ok());
    SmtpOptions { extra_root_pem }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use vetdesk_secrets::SecretError;

    use super::*;

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
}
