//! Chooses the mail transport for the current settings and runs the outbox dispatcher.

use std::sync::Arc;

use vetdesk_core::settings::{MailTransport as Transport, Settings};
use vetdesk_core::SystemClock;
use vetdesk_mail::{
    Dispatcher, MailError, MailSecrets, MailTransport, PreviewOutbox, SmtpOptions, SmtpTransport,
    TransportFactory,
};
use vetdesk_secrets::SecretStore;

use crate::clinic::Clinic;
use crate::keyring::{read_dkim_key, SMTP_PASSWORD};

pub struct Transports {
    secrets: Arc<dyn SecretStore>,
    preview: Arc<PreviewOutbox>,
    options: SmtpOptions,
}

impl TransportFactory for Transports {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        match settings.mail.transport {
            Transport::Preview => Ok(self.preview.clone()),
            Transport::Smtp => {
                // The keyring speaks D-Bus synchronously; keep it off the runtime's hot path.
                let smtp_password = tokio::task::block_in_place(|| self.secrets.get(SMTP_PASSWORD))
                    .map_err(|e| MailError::Keyring(e.to_string()))?;
                // Read only when signing is on; without it the transport refuses to be built.
                let dkim_key = if settings.mail.dkim.is_some() {
                    tokio::task::block_in_place(|| read_dkim_key(self.secrets.as_ref())).map_err(
                        |e| MailError::InvalidDkimKey {
                            reason: e.to_string(),
                        },
                    )?
                } else {
                    None
                };
                let secrets = MailSecrets {
                    smtp_password,
                    dkim_key,
                };
                Ok(Arc::new(SmtpTransport::new(
                    &settings.mail,
                    secrets,
                    &self.options,
                )?))
            }
        }
    }
}

/// The dispatcher of `clinic`'s outbox on this workstation.
pub fn dispatcher(clinic: &Clinic, workstation: &str, options: &SmtpOptions) -> Arc<Dispatcher> {
    let transports = Transports {
        secrets: clinic.secrets.clone(),
        // Office managers read a real clinic's preview: only the demo clinic's shows secrets.
        preview: Arc::new(clinic.preview.clone().showing_secrets(clinic.demo)),
        options: options.clone(),
    };
    let dispatcher = Dispatcher::new(
        clinic.store.outbox(),
        clinic.store.settings(),
        clinic.sealer.clone(),
        Arc::new(SystemClock),
        Arc::new(transports),
        workstation.to_string(),
    );
    Arc::new(dispatcher.sweeping(clinic.preview.clone()))
}

/// Starts `clinic`'s dispatcher on Tauri's runtime; it runs until the clinic closes or a move
/// pauses it.
pub fn spawn_dispatcher(clinic: &Clinic, workstation: &str, options: &SmtpOptions) {
    let dispatcher = dispatcher(clinic, workstation, options);
    let wake = clinic.outbox_wake.clone();
    let stop = clinic.workers_stopped();
    clinic.add_worker(tauri::async_runtime::spawn(async move {
        dispatcher.run(wake, stop).await;
    }));
}
