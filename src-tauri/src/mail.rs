//! Chooses the mail transport for the current settings and runs the outbox dispatcher.

use std::sync::Arc;

use vetdesk_core::ports::{OutboxStore, SettingsStore};
use vetdesk_core::settings::{MailTransport as Transport, Settings};
use vetdesk_core::SystemClock;
use vetdesk_mail::{
    Dispatcher, MailError, MailTransport, PreviewOutbox, SmtpOptions, SmtpTransport,
    TransportFactory,
};
use vetdesk_secrets::SecretStore;

use crate::keyring::SMTP_PASSWORD;
use crate::state::AppState;

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
                let password = tokio::task::block_in_place(|| self.secrets.get(SMTP_PASSWORD))
                    .map_err(|e| MailError::Keyring(e.to_string()))?;
                Ok(Arc::new(SmtpTransport::new(
                    &settings.mail,
                    password,
                    &self.options,
                )?))
            }
        }
    }
}

pub fn dispatcher(state: &AppState) -> Arc<Dispatcher> {
    let transports = Transports {
        secrets: state.secrets.clone(),
        preview: Arc::new(state.preview.clone()),
        options: state.smtp_options.clone(),
    };
    let store = Arc::new(state.store.clone());
    Arc::new(Dispatcher::new(
        store.clone() as Arc<dyn OutboxStore>,
        store as Arc<dyn SettingsStore>,
        state.sealer.clone(),
        Arc::new(SystemClock),
        Arc::new(transports),
        state.workstation.clone(),
    ))
}

/// Starts the dispatcher on Tauri's runtime; it runs until the app exits.
pub fn spawn_dispatcher(state: &AppState) {
    let dispatcher = dispatcher(state);
    let wake = state.outbox_wake.clone();
    tauri::async_runtime::spawn(async move {
        dispatcher
            .run(wake, tokio_util::sync::CancellationToken::new())
            .await;
    });
}
