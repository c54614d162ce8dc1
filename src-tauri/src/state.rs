//! Everything the commands share, built once in `setup()`: the open clinic, which opens in the
//! background while the window shows and can be swapped for the demo clinic and back, and what
//! belongs to the workstation whichever clinic is open.

use std::sync::{Arc, Mutex, RwLock};

use vetdesk_core::clinic_keys::ClinicKeys;
use vetdesk_core::seal::Sealer;
use vetdesk_core::session::Actor;
use vetdesk_core::token::CodePepper;
use vetdesk_core::CoreError;
use vetdesk_mail::SmtpOptions;
use vetdesk_secrets::SecretStore;

use crate::clinic::{Clinic, WorkstationKeys};
pub use crate::paths::Paths;
use crate::workstation_keys::{store_workstation_key, workstation_key};

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
    /// Told whenever a clinic opens, so the window can follow its connection.
    on_open: Box<dyn Fn(&Clinic) + Send + Sync>,
    /// Names the open clinic in the window's title again.
    retitle: Box<dyn Fn() + Send + Sync>,
}

/// What opening takes the keyring and the database for.
struct Opened {
    clinic: RwLock<Arc<Clinic>>,
    /// The clinic's keys at this workstation; replaced when an admin imports them from another.
    keys: RwLock<WorkstationKeys>,
    /// The demo clinic's own keys: its admins' password is public, and nothing they can reach
    /// (the key export, a link in its preview) may open the real clinic's email.
    demo_keys: WorkstationKeys,
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

    fn keys_for(&self, demo: bool) -> WorkstationKeys {
        if demo {
            return self.demo_keys.clone();
        }
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl AppState {
    /// The state of a workstation whose clinic is not open yet: nothing here waits for the
    /// keyring or the disk, so the window can show while [`AppState::opened`] runs.
    pub fn new(
        paths: &Paths,
        keyrings: Keyrings,
        on_open: impl Fn(&Clinic) + Send + Sync + 'static,
        retitle: impl Fn() + Send + Sync + 'static,
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
            retitle: Box::new(retitle),
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
        let clinic_secrets = self.keyrings.clinic.clone();
        let demo_secrets = self.keyrings.demo.clone();
        // The keyring answers over D-Bus (or Keychain, Credential Manager), and blocks.
        let (keys, demo_keys, keyring_warning) = tokio::task::spawn_blocking(move || {
            crate::owner_only::create_dir(&paths.data_dir).map_err(|e| {
                CoreError::Internal(format!(
                    "cannot create the data folder {}: {e}",
                    paths.data_dir.display()
                ))
            })?;
            let (keys, warning) = load_keys(clinic_secrets.as_ref(), &paths.with_demo(false))?;
            let (demo_keys, _) = load_keys(demo_secrets.as_ref(), &paths.with_demo(true))?;
            Ok::<_, CoreError>((keys, demo_keys, warning))
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
        let demo = self.paths.demo;
        let first = if demo { &demo_keys } else { &keys };
        let clinic = Clinic::open(&self.paths, self.keyrings.of(demo), first.clone()).await?;
        self.start(&clinic);
        tracing::info!(demo, "clinic opened");
        Ok(Opened {
            clinic: RwLock::new(Arc::new(clinic)),
            keys: RwLock::new(keys),
            demo_keys,
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
        self.replace(opened, old, demo, false).await
    }

    /// Opens the clinic's own database again where this workstation now records it (after
    /// Setup › Database), in place of the open one, as [`AppState::switch`] does.
    pub async fn reopen(&self) -> Result<Arc<Clinic>, CoreError> {
        let opened = self.opened().await?;
        let _turn = self.switching.lock().await;
        let old = opened.current();
        self.replace(opened, old, false, false).await
    }

    /// Makes the clinic's keys, brought from another workstation, this workstation's own: into
    /// the keyring (or the private files where none answers), then the open clinic opens again
    /// with them, its dispatcher too. Whoever is signed in stays signed in.
    pub async fn adopt_keys(&self, keys: ClinicKeys) -> Result<Arc<Clinic>, CoreError> {
        let opened = self.opened().await?;
        let _turn = self.switching.lock().await;
        let (outbox, pepper) = (*keys.outbox.expose(), *keys.pepper.expose());
        let paths = self.paths.with_demo(false);
        let secrets = self.keyrings.clinic.clone();
        tokio::task::spawn_blocking(move || {
            let secrets = secrets.as_ref();
            store_workstation_key(secrets, OUTBOX_KEY, &paths.outbox_key_file(), &outbox)?;
            store_workstation_key(secrets, CODE_PEPPER, &paths.code_pepper_file(), &pepper)
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
        *opened.keys.write().unwrap_or_else(|e| e.into_inner()) = WorkstationKeys {
            sealer: Arc::new(Sealer::new(keys.outbox.expose())),
            pepper: CodePepper::new(*keys.pepper.expose()),
        };
        let old = opened.current();
        let demo = old.demo;
        self.replace(opened, old, demo, true).await
    }

    async fn replace(
        &self,
        opened: &Opened,
        old: Arc<Clinic>,
        demo: bool,
        keep_session: bool,
    ) -> Result<Arc<Clinic>, CoreError> {
        let paths = self.paths.with_demo(demo);
        let keys = opened.keys_for(demo);
        let new = Arc::new(Clinic::open(&paths, self.keyrings.of(demo), keys).await?);
        if keep_session {
            new.set_session(old.session_id());
            old.set_session(None);
        }
        old.close(&self.workstation).await;
        *opened.clinic.write().unwrap_or_else(|e| e.into_inner()) = new.clone();
        self.start(&new);
        tracing::info!(demo, "opened another clinic");
        Ok(new)
    }

    /// What works on a clinic that just opened: its outbox dispatcher, its bulk runner, and
    /// for a clinic on a server the watch on that server.
    fn start(&self, clinic: &Clinic) {
        self.start_workers(clinic);
        if let Some(offline) = &clinic.offline {
            crate::offline::spawn_monitor(
                offline.clone(),
                clinic.recovery.clone(),
                self.workstation.clone(),
                clinic.bulk_wake.clone(),
                clinic.stopped(),
            );
        }
        (self.on_open)(clinic);
        self.retitle();
    }

    /// The window's title names the clinic that is open: after it opens, is set up or renamed.
    pub fn retitle(&self) {
        (self.retitle)();
    }

    /// Starts `clinic`'s outbox dispatcher and bulk runner (again, after a move paused them).
    pub fn start_workers(&self, clinic: &Clinic) {
        crate::mail::spawn_dispatcher(clinic, &self.workstation, &self.smtp_options);
        crate::bulk_runner::spawn_runner(clinic, &self.workstation);
    }

    /// The keyring entries of the clinic (not the demo's).
    pub fn clinic_secrets(&self) -> Arc<dyn SecretStore> {
        self.keyrings.clinic.clone()
    }
}

/// The keys in `secrets` (or beside `paths`' files), made on first use; and why they are in files,
/// when no keyring answers.
fn load_keys(
    secrets: &dyn SecretStore,
    paths: &Paths,
) -> Result<(WorkstationKeys, Option<String>), CoreError> {
    let (key, outbox_warning) = workstation_key(secrets, OUTBOX_KEY, &paths.outbox_key_file())?;
    let (pepper, pepper_warning) =
        workstation_key(secrets, CODE_PEPPER, &paths.code_pepper_file())?;
    let keys = WorkstationKeys {
        sealer: Arc::new(Sealer::new(&key)),
        pepper: CodePepper::new(pepper),
    };
    Ok((keys, outbox_warning.or(pepper_warning)))
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
