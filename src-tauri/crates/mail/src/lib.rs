//! VetDesk mail: renders outbox emails from templates, sends them through SMTP or the preview
//! outbox, and runs the dispatcher that works through the outbox.
//!
//! Nothing here logs or returns a reset link, a code, a rendered body or the SMTP password.

// Tests may unwrap; the library build (also checked by clippy) may not.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod dispatcher;
pub mod error;
pub mod preview;
pub mod render;
pub mod smtp;
mod templates;
pub mod test_email;
pub mod transport;

pub use dispatcher::{DispatchError, DispatchReport, Dispatcher, TransportFactory};
pub use error::MailError;
pub use preview::{PreviewMail, PreviewMailSummary, PreviewOutbox};
pub use render::{render, render_without_secrets, RenderedEmail, SECRET_PLACEHOLDER};
pub use smtp::{SmtpOptions, SmtpTransport};
pub use test_email::send_test_email;
pub use transport::MailTransport;
pub use vetdesk_core::ports::MailSecrets;
pub use vetdesk_core::Sensitive;
