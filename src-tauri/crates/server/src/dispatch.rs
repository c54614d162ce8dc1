//! The outbox dispatcher, run by the server for its clinic database when it is given the
//! clinic's outbox key (`VETDESK_DISPATCH_KEY_FILE`, exported from VetDesk's Settings).
//!
//! It is the mail crate's dispatcher, with the server's own loop around it. The loop reads the
//! clinic's settings before every round and lets the dispatcher claim nothing while they say
//! this server cannot send: the preview outbox is chosen (its files belong to a workstation, and
//! a dispatcher claims an email before it asks how to send it, so a transport factory that
//! refused would fail the email instead of leaving it to the workstation), or the SMTP
//! password or DKIM key the settings need was not given to the server.

use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::ports::{OutboxStore, SettingsStore, Store};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{MailTransport as Transport, Settings};
use vetdesk_core::SystemClock;
use vetdesk_mail::dispatcher::{BATCH_SIZE, MAX_IDLE};
use vetdesk_mail::{
    Dispatcher, MailError, MailSecrets, MailTransport, SmtpOptions, SmtpTransport, TransportFactory,
};

use crate::secret_file::{self, SecretFileError};

/// The shortest pause between rounds that did not fill a batch, so that an email another
/// dispatcher holds cannot make this one spin.
const MIN_IDLE: Duration = Duration::from_secs(1);
/// The pause after a round the database did not answer.
const AFTER_ERROR: Duration = Duration::from_secs(5);

/// Reads the clinic's outbox key from the file VetDesk exported.
pub fn read_key(path: &Path) -> Result<Sealer, SecretFileError> {
    let text = secret_file::read("dispatch key", path)?;
    Sealer::import(text.expose()).map_err(|e| SecretFileError::Invalid {
        what: "dispatch key",
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// What the health check says about mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchState {
    /// No outbox key was given, or the settings say this server cannot send just now.
    Off,
    Sending,
    /// The outbox key given is not the clinic's: nothing is sent.
    WrongKey,
}

impl DispatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            DispatchState::Off => "off",
            DispatchState::Sending => "sending",
            DispatchState::WrongKey => "wrong_key",
        }
    }
}

/// The dispatcher's state, shared with the health check.
#[derive(Debug, Default)]
pub struct DispatchStatus(AtomicU8);

impl DispatchStatus {
    pub fn get(&self) -> DispatchState {
        match self.0.load(Ordering::Acquire) {
            1 => DispatchState::Sending,
            2 => DispatchState::WrongKey,
            _ => DispatchState::Off,
        }
    }

    fn set(&self, state: DispatchState) {
        let value = match state {
            DispatchState::Off => 0,
            DispatchState::Sending => 1,
            DispatchState::WrongKey => 2,
        };
        self.0.store(value, Ordering::Release);
    }
}

/// SMTP with the secrets the server was given; never the preview outbox.
pub struct ServerTransports {
    pub secrets: MailSecrets,
    pub options: SmtpOptions,
}

impl TransportFactory for ServerTransports {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        match settings.mail.transport {
            Transport::Smtp => Ok(Arc::new(SmtpTransport::new(
                &settings.mail,
                self.secrets.clone(),
                &self.options,
            )?)),
            // Reached only when the settings changed to the preview outbox during a round, after
            // the loop checked them. The failure is not final, so the email is retried later,
            // by a workstation's dispatcher into its preview outbox.
            Transport::Preview => Err(MailError::Sealed(
                "The mail settings changed to the preview outbox while vetdesk-server was \
                 sending; a workstation writes this email to its preview outbox."
                    .into(),
            )),
        }
    }
}

/// Why the server sends nothing with the current settings, in words for its log.
fn why_not_sending(settings: Option<&Settings>, secrets: &MailSecrets) -> Option<&'static str> {
    let Some(settings) = settings else {
        return Some("the clinic is not set up yet");
    };
    let mail = &settings.mail;
    if mail.transport == Transport::Preview {
        return Some(
            "the clinic's mail settings say preview outbox, so the workstations write the emails \
             there until SMTP is set up in VetDesk (Setup › Settings › Mail)",
        );
    }
    if mail.username.is_some() && secrets.smtp_password.is_none() {
        return Some(
            "the clinic's mail settings name an SMTP username, and this server was given no \
             SMTP password: put it in a file named by VETDESK_SMTP_PASSWORD_FILE and restart",
        );
    }
    if mail.dkim.is_some() && secrets.dkim_key.is_none() {
        return Some(
            "the clinic's mail settings turn DKIM signing on, and this server was given no DKIM \
             key: put it in a file named by VETDESK_DKIM_KEY_FILE and restart",
        );
    }
    None
}

/// The dispatcher and what its loop works with.
pub struct DispatchLoop {
    pub dispatcher: Arc<Dispatcher>,
    pub store: Arc<dyn Store>,
    pub secrets: MailSecrets,
    pub fingerprint: String,
    pub status: Arc<DispatchStatus>,
    pub wake: Arc<Notify>,
    pub shutdown: CancellationToken,
}

/// Builds the dispatcher of `store`'s outbox, claiming as `workstation`.
pub fn dispatcher(
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
    transports: ServerTransports,
    workstation: &str,
) -> Arc<Dispatcher> {
    Arc::new(Dispatcher::new(
        store.clone() as Arc<dyn OutboxStore>,
        store as Arc<dyn SettingsStore>,
        sealer,
        Arc::new(SystemClock),
        Arc::new(transports),
        workstation.to_string(),
    ))
}

impl DispatchLoop {
    /// Rounds until shutdown. Between rounds it sleeps until the next email is due (at most
    /// [`MAX_IDLE`]), or until `wake` says a page queued an email.
    pub async fn run(self) {
        let mut released = false;
        // What was last logged about sending, so that each change is said once.
        let mut said: Option<&'static str> = None;
        loop {
            let pause = self.round(&mut released, &mut said).await;
            tokio::select! {
                () = self.shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("outbox dispatcher stopped");
    }

    /// One round; answers how long to sleep after it.
    async fn round(&self, released: &mut bool, said: &mut Option<&'static str>) -> Duration {
        let settings = match self.store.load_settings().await {
            Ok(settings) => settings,
            Err(e) => {
                tracing::warn!(error = %e, "the clinic settings could not be read; no email was sent");
                return MAX_IDLE;
            }
        };
        if let Some(reason) = why_not_sending(settings.as_ref(), &self.secrets) {
            self.status.set(DispatchState::Off);
            if *said != Some(reason) {
                tracing::warn!("vetdesk-server sends no email: {reason}");
                *said = Some(reason);
            }
            return MAX_IDLE;
        }
        if !*released {
            match self.dispatcher.release_dead_claims().await {
                Ok(_) => *released = true,
                Err(e) => tracing::warn!(error = %e, "could not take back earlier claims"),
            }
        }
        let report = match self.dispatcher.run_once().await {
            Ok(report) => report,
            Err(e) => {
                tracing::warn!(error = %e, "outbox round failed");
                return AFTER_ERROR;
            }
        };
        if report.wrong_key {
            self.status.set(DispatchState::WrongKey);
            const WRONG_KEY: &str = "wrong key";
            if *said != Some(WRONG_KEY) {
                tracing::error!(
                    fingerprint = %self.fingerprint,
                    "the outbox key in VETDESK_DISPATCH_KEY_FILE is not the clinic's: the clinic \
                     database records another one, so this server sends no email. Export the key \
                     again in VetDesk (Setup › Settings) on a workstation that sends the clinic's \
                     mail, copy the file to this server and restart it"
                );
                *said = Some(WRONG_KEY);
            }
            // The database is asked again each round; there is no hurry.
            return MAX_IDLE;
        }
        self.status.set(DispatchState::Sending);
        if said.is_some() {
            tracing::info!("vetdesk-server sends the clinic's emails again");
            *said = None;
        }
        if report.sent + report.failed + report.expired >= BATCH_SIZE {
            return Duration::ZERO;
        }
        self.idle_time().await
    }

    async fn idle_time(&self) -> Duration {
        let until_due = match self.store.next_email_due().await {
            Ok(Some(due)) => {
                let now = vetdesk_core::time::Clock::now(&SystemClock);
                Duration::from_millis(u64::try_from(due - now).unwrap_or(0))
            }
            Ok(None) => MAX_IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "could not read when the next email is due");
                MAX_IDLE
            }
        };
        until_due.clamp(MIN_IDLE, MAX_IDLE)
    }
}

#[cfg(test)]
mod tests {
    use vetdesk_core::dkim::DkimSettings;
    use vetdesk_core::Sensitive;

    use super::*;

    fn smtp() -> Settings {
        let mut settings = Settings::demo();
        settings.mail.transport = Transport::Smtp;
        settings
    }

    #[test]
    fn the_server_sends_only_over_smtp_with_the_secrets_it_needs() {
        let none = MailSecrets::default();
        assert!(why_not_sending(None, &none).is_some());
        let mut preview = smtp();
        preview.mail.transport = Transport::Preview;
        assert!(why_not_sending(Some(&preview), &none)
            .unwrap()
            .contains("preview outbox"));
        assert_eq!(why_not_sending(Some(&smtp()), &none), None);

        let mut with_user = smtp();
        with_user.mail.username = Some("relay".into());
        assert!(why_not_sending(Some(&with_user), &none)
            .unwrap()
            .contains("VETDESK_SMTP_PASSWORD_FILE"));
        let password = MailSecrets {
            smtp_password: Some(Sensitive::new("pw".into())),
            dkim_key: None,
        };
        assert_eq!(why_not_sending(Some(&with_user), &password), None);

        let mut signed = smtp();
        signed.mail.dkim = Some(DkimSettings {
            domain: "harborview-clinic.example".into(),
            selector: "vetdesk".into(),
        });
        assert!(why_not_sending(Some(&signed), &none)
            .unwrap()
            .contains("VETDESK_DKIM_KEY_FILE"));
    }

    #[test]
    fn the_preview_outbox_is_never_this_servers_transport() {
        let factory = ServerTransports {
            secrets: MailSecrets::default(),
            options: SmtpOptions::default(),
        };
        let mut preview = smtp();
        preview.mail.transport = Transport::Preview;
        let Err(err) = factory.transport(&preview) else {
            panic!("the server has no preview outbox");
        };
        assert!(!err.is_permanent(), "the email is left for a workstation");
    }

    #[test]
    fn the_status_reads_back_what_was_set() {
        let status = DispatchStatus::default();
        assert_eq!(status.get(), DispatchState::Off);
        for state in [
            DispatchState::Sending,
            DispatchState::WrongKey,
            DispatchState::Off,
        ] {
            status.set(state);
            assert_eq!(status.get(), state);
        }
        assert_eq!(DispatchState::WrongKey.as_str(), "wrong_key");
    }
}
