//! Settings › Send test email: one message through the configured transport, right now.

use std::path::Path;

use vetdesk_core::outbox::{EmailKind, EmailParams, EmailRecord, EmailStatus};
use vetdesk_core::settings::{MailTransport as TransportChoice, Settings};
use vetdesk_core::time::{Clock, SystemClock};

use crate::error::MailError;
use crate::preview::PreviewOutbox;
use crate::render::render;
use crate::smtp::{SmtpOptions, SmtpTransport};
use crate::transport::MailTransport;
use vetdesk_core::ports::MailSecrets;

/// Sends a test message to `to` and says where it went, e.g. "Test email accepted by
/// smtp.clinic.com:587".
pub async fn send_test_email(
    settings: &Settings,
    secrets: MailSecrets,
    options: &SmtpOptions,
    preview_dir: &Path,
    to: &str,
) -> Result<String, MailError> {
    let now = SystemClock.now();
    let email = EmailRecord {
        id: 0,
        kind: EmailKind::TestMessage,
        staff_id: None,
        token_id: None,
        token_live: None,
        recipient: to.trim().to_string(),
        recipient_name: String::new(),
        subject: EmailKind::TestMessage.subject(&settings.clinic.name),
        params: EmailParams::default(),
        sealed: None,
        status: EmailStatus::Sending,
        attempts: 0,
        created_at: now,
        sent_at: None,
        delivered_via: None,
        last_error: None,
    };
    let rendered = render(&email, None, settings, now)?;
    match settings.mail.transport {
        TransportChoice::Preview => {
            PreviewOutbox::new(preview_dir)
                .send(&rendered.message, None)
                .await?;
            Ok("Test email written to the preview outbox".to_string())
        }
        TransportChoice::Smtp => {
            let smtp = SmtpTransport::new(&settings.mail, secrets, options)?;
            smtp.send(&rendered.message, None).await?;
            tracing::info!(endpoint = %smtp.endpoint(), "test email accepted");
            Ok(format!("Test email accepted by {}", smtp.endpoint()))
        }
    }
}
