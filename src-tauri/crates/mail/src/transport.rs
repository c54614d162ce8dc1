use async_trait::async_trait;
use vetdesk_core::outbox::DeliveredVia;

use crate::error::MailError;

/// Where a finished email goes: an SMTP server, or the preview outbox on disk.
#[async_trait]
pub trait MailTransport: Send + Sync {
    /// Hands `message` over. `email_id` is its outbox row, if it has one (a test email has
    /// not), so that what the transport keeps can be traced back to it.
    async fn send(&self, message: &lettre::Message, email_id: Option<i64>)
        -> Result<(), MailError>;

    /// What the email's record says took it.
    fn via(&self) -> DeliveredVia;

    /// Whether reset codes and links may travel through it: only where they reach no one but
    /// their addressee. Otherwise reset emails carry a placeholder instead.
    fn carries_secrets(&self) -> bool;
}
