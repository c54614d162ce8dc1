//! Everything that can go wrong while building or sending an email, each with a message an admin
//! can act on. No message ever carries the SMTP password, a reset link or a code.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{field} is not a valid email address.")]
    InvalidAddress { field: &'static str },
    #[error("{field} cannot contain line breaks or other control characters.")]
    InvalidHeader { field: &'static str },
    #[error("This reset email no longer holds its link and code. Send a new reset link.")]
    MissingSecrets,
    #[error(
        "Patient portal emails link to the clinic's web address, and none is set. Enter the \
         clinic web address in Settings, then send the email again."
    )]
    NoClinicUrl,
    #[error("{0}")]
    Sealed(String),
    #[error("The email could not be put together from its template: {0}")]
    Template(String),
    #[error("The email could not be built: {0}")]
    Build(String),

    #[error(
        "Unencrypted SMTP is only allowed to a relay on this computer or the clinic's own network \
         (localhost or a private address such as 192.168.1.10). Choose STARTTLS or TLS for {host}."
    )]
    PlainNotAllowed { host: String },
    #[error(
        "An SMTP username is set but no SMTP password is saved. Enter the password in Settings."
    )]
    MissingPassword,
    #[error("The SMTP password could not be read from the system keyring: {0}")]
    Keyring(String),
    #[error(
        "Mail is set to be DKIM-signed for {domain}, but this computer's system keyring holds no \
         DKIM private key, so nothing is sent unsigned. Add the key in Settings › Mail on this \
         computer, or turn DKIM signing off."
    )]
    MissingDkimKey { domain: String },
    #[error("The DKIM private key saved on this computer cannot be used: {reason}")]
    InvalidDkimKey { reason: String },
    #[error("The extra CA certificate is not a valid PEM certificate.")]
    InvalidCaCertificate,
    #[error("The TLS settings for {host} could not be prepared: {detail}")]
    TlsSetup { host: String, detail: String },

    #[error("Nothing is listening at {endpoint}. Check the SMTP host and port.")]
    ConnectionRefused { endpoint: String },
    #[error(
        "The SMTP host {host} could not be found. Check its spelling and the network connection."
    )]
    HostNotFound { host: String },
    #[error(
        "The server did not answer TLS on port {port}; port 587 normally uses STARTTLS, 465 uses \
         implicit TLS."
    )]
    NotTls { port: u16 },
    #[error(
        "The server at {endpoint} does not offer STARTTLS, so VetDesk will not send through it \
         unencrypted. Choose TLS (usually port 465) or check the port."
    )]
    StartTlsNotOffered { endpoint: String },
    #[error(
        "The certificate of {host} is not trusted ({reason}). If the clinic uses its own \
         certificate authority, add its certificate to VetDesk."
    )]
    CertificateNotTrusted { host: String, reason: String },
    #[error("The SMTP server refused the username or password.")]
    AuthRejected,
    #[error("The SMTP server at {endpoint} requires a username and password.")]
    AuthRequired { endpoint: String },
    #[error(
        "The SMTP server at {endpoint} offers no sign-in method VetDesk supports (PLAIN or LOGIN). \
         Check the security setting and the port."
    )]
    AuthUnavailable { endpoint: String },
    #[error("The SMTP server refused the email ({reply}).")]
    Rejected { reply: String },
    #[error(
        "The SMTP server could not take the email right now ({reply}); it will be tried again."
    )]
    Deferred { reply: String },
    #[error("The SMTP server at {endpoint} did not answer within {seconds} seconds.{hint}")]
    Timeout {
        endpoint: String,
        seconds: u64,
        hint: &'static str,
    },
    #[error("Sending through {endpoint} failed: {detail}")]
    Smtp { endpoint: String, detail: String },

    #[error("The preview outbox folder {} could not be used: {source}", path.display())]
    Preview {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("That preview email was not found.")]
    PreviewNotFound,
    #[error("That is not a preview email id.")]
    InvalidPreviewId,
}

impl MailError {
    /// Whether sending this same email again can never succeed, so retrying is pointless.
    /// Settings problems (wrong port, password, certificate) are not permanent: once an admin
    /// fixes them, queued emails still go out.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::InvalidAddress { .. }
                | MailError::InvalidHeader { .. }
                | MailError::MissingSecrets
                | MailError::Template(_)
                | MailError::Build(_)
                | MailError::Rejected { .. }
        )
    }
}
