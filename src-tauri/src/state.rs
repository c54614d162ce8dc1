//! Everything the commands share, built once in `setup()`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use governor::clock::DefaultClock;
use rand::rngs::OsRng;
use tokio::sync::Notify;
use vetdesk_core::limits::{LimitConfig, Limits};
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::{Sealer, KEY_BYTES};
use vetdesk_core::staff::StaffRecord;
use vetdesk_core::{CoreError, SystemClock};
use vetdesk_mail::{PreviewOutbox, SmtpOptions};
use vetdesk_secrets::{SecretStore, Sensitive};
use vetdesk_store::SqliteStore;

use crate::breach::RangeLookup;
use crate::hashing::BlockingHashing;
use crate::keyring::OsKeyring;

pub const KEYRING_SERVICE: &str = "VetDesk";
pub const OUTBOX_KEY: &str = "outbox-key";

/// Where this workstation keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    /// The demo clinic: a database of its own, fictional people, mail previews that show their
    /// secrets. Never the clinic's real database.
    pub demo: bool,
}

impl Paths {
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("vetdesk.sqlite3")
    }
    pub fn preview_dir(&self) -> PathBuf {
        self.data_dir.join("preview-outbox")
    }
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
    fn outbox_key_file(&self) -> PathBuf {
        self.data_dir.join("outbox.key")
    }
}

pub struct AppState {
    /// Whether this is the demo clinic (see [`Paths::demo`]).
    pub demo: bool,
    pub recovery: Recovery<DefaultClock>,
    pub store: SqliteStore,
    pub session: Mutex<Option<i64>>,
    pub workstation: String,
    pub secrets: Arc<dyn SecretStore>,
    pub preview: PreviewOutbox,
    pub smtp_options: SmtpOptions,
    pub outbox_wake: Arc<Notify>,
    pub sealer: Arc<Sealer>,
    /// A `vetdesk://reset` token that arrived before the window was listening.
    pub pending_link: Mutex<Option<String>>,
}

impl AppState {
    /// Opens (and on first run creates) the local database with the demo clinic.
    pub async fn open(paths: &Paths, secrets: Arc<dyn SecretStore>) -> Result<Self, CoreError> {
        std::fs::create_dir_all(&paths.data_dir).map_err(|e| {
            CoreError::Internal(format!(
                "cannot create the data folder {}: {e}",
                paths.data_dir.display()
            ))
        })?;
        let store = SqliteStore::open(&paths.database()).await?;
        let seeded = vetdesk_store::demo::seed_if_empty(
            &store,
            vetdesk_core::Clock::now(&SystemClock),
            |p| vetdesk_core::password::hash(p).unwrap_or_default(),
        )
        .await?;
        if seeded {
            tracing::info!("created the demo clinic");
        }
        let key = outbox_key(paths, secrets.as_ref())?;
        let sealer = Arc::new(Sealer::new(&key));
        let outbox_wake = Arc::new(Notify::new());
        let wake = outbox_wake.clone();
        let recovery = Recovery::new(RecoveryParts {
            store: Arc::new(store.clone()) as Arc<dyn Store>,
            sealer: sealer.clone(),
            hashing: Arc::new(BlockingHashing),
            breach: Arc::new(RangeLookup::default()),
            keyring: Arc::new(OsKeyring::new(secrets.clone())),
            clock: Arc::new(SystemClock),
            limits: Limits::new(LimitConfig::default()),
            rng: Box::new(OsRng),
            outbox_wake: Box::new(move || wake.notify_one()),
        });
        Ok(Self {
            demo: paths.demo,
            recovery,
            store,
            session: Mutex::new(None),
            workstation: workstation_name(),
            secrets,
            preview: PreviewOutbox::new(paths.preview_dir()),
            smtp_options: smtp_options_from_env(),
            outbox_wake,
            sealer,
            pending_link: Mutex::new(None),
        })
    }

    pub fn session_id(&self) -> Option<i64> {
        *self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_session(&self, id: Option<i64>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = id;
    }

    /// The signed-in staff member; forgets the session if it has ended (e.g. after a reset).
    pub async fn actor(&self) -> Result<StaffRecord, CoreError> {
        let result = self.recovery.actor(self.session_id()).await;
        if matches!(result, Err(CoreError::NotSignedIn)) {
            self.set_session(None);
        }
        result
    }
}

/// The key that seals queued reset links. Kept in the OS keyring; where there is none (a
/// headless server without Secret Service) in a file only this user can read.
fn outbox_key(paths: &Paths, secrets: &dyn SecretStore) -> Result<[u8; KEY_BYTES], CoreError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let decode = |text: &str| -> Option<[u8; KEY_BYTES]> {
        engine.decode(text.trim()).ok()?.try_into().ok()
    };
    match secrets.get(OUTBOX_KEY) {
        Ok(Some(stored)) => {
            return decode(stored.expose()).ok_or_else(|| {
                CoreError::Internal("the outbox key in the keyring is damaged".into())
            })
        }
        Ok(None) => {
            let key = Sealer::generate_key();
            match secrets.set(OUTBOX_KEY, &Sensitive::new(engine.encode(key))) {
                Ok(()) => return Ok(key),
                Err(e) => tracing::warn!(error = %e, "keyring refused the outbox key"),
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "no keyring; keeping the outbox key in a private file")
        }
    }
    key_file(&paths.outbox_key_file(), decode)
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
