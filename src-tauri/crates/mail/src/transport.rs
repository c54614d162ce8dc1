use async_trait::async_trait;

use crate::error::MailError;

/// Where a finished email goes: an SMTP server, or the preview outbox on disk.
#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, message: &lettre::Message) -> Result<(), MailError>;
}
