//! What went wrong, in words that say what to change.

use lettre::transport::smtp::response::Severity;
use vetdesk_core::settings::SmtpSecurity;

use super::{Server, SMTP_TIMEOUT};
use crate::error::MailError;

impl Server {
    /// Turns lettre's error into one that says what to change.
    pub(super) fn explain(&self, err: &lettre::transport::smtp::Error) -> MailError {
        if let Some(code) = err.status() {
            let reply = server_reply(code.to_string(), err);
            return match u16::from(code) {
                535 | 534 => MailError::AuthRejected,
                530 => MailError::AuthRequired {
                    endpoint: self.endpoint(),
                },
                _ if code.severity == Severity::TransientNegativeCompletion => {
                    MailError::Deferred { reply }
                }
                _ => MailError::Rejected { reply },
            };
        }
        if err.is_timeout() {
            return self.timed_out();
        }
        if let Some(found) = self.explain_cause(err) {
            return found;
        }
        let text = err.to_string();
        if text.contains("STARTTLS is not supported") {
            return MailError::StartTlsNotOffered {
                endpoint: self.endpoint(),
            };
        }
        if text.contains("No compatible authentication mechanism") {
            return MailError::AuthUnavailable {
                endpoint: self.endpoint(),
            };
        }
        MailError::Smtp {
            endpoint: self.endpoint(),
            detail: text,
        }
    }

    /// No answer within [`SMTP_TIMEOUT`], with a hint when the port suggests the other TLS mode.
    pub(super) fn timed_out(&self) -> MailError {
        let hint = match (self.security, self.port) {
            (SmtpSecurity::StartTls | SmtpSecurity::Plain, 465) => {
                " Port 465 normally uses implicit TLS; choose TLS instead."
            }
            _ => " Check the host, the port and the security setting.",
        };
        MailError::Timeout {
            endpoint: self.endpoint(),
            seconds: SMTP_TIMEOUT.as_secs(),
            hint,
        }
    }

    /// Looks through the error's causes for a refused connection, a failed lookup or a TLS
    /// failure. I/O errors hide what they wrap from `source()`, so they are opened by hand.
    pub(super) fn explain_cause(
        &self,
        err: &(dyn std::error::Error + 'static),
    ) -> Option<MailError> {
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(current) = next {
            if let Some(tls) = current.downcast_ref::<rustls::Error>() {
                return Some(self.explain_tls(tls));
            }
            if let Some(io) = current.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::ConnectionRefused {
                    return Some(MailError::ConnectionRefused {
                        endpoint: self.endpoint(),
                    });
                }
                if let Some(inner) = io.get_ref() {
                    if let Some(found) = self.explain_cause(inner) {
                        return Some(found);
                    }
                }
                let text = io.to_string();
                if text.contains("lookup") || text.contains("resolve") {
                    return Some(MailError::HostNotFound {
                        host: self.host.clone(),
                    });
                }
            }
            next = current.source();
        }
        None
    }

    fn explain_tls(&self, err: &rustls::Error) -> MailError {
        use rustls::{CertificateError, Error};
        let reason = match err {
            Error::InvalidCertificate(cert) => match cert {
                CertificateError::UnknownIssuer => "issued by an unknown authority".to_string(),
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    "issued for a different host name".to_string()
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "expired".to_string()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "not valid yet; check this computer's clock".to_string()
                }
                CertificateError::Revoked => "revoked".to_string(),
                other => format!("{other:?}"),
            },
            Error::InvalidMessage(_)
            | Error::InappropriateMessage { .. }
            | Error::InappropriateHandshakeMessage { .. } => {
                return MailError::NotTls { port: self.port }
            }
            other => {
                return MailError::Smtp {
                    endpoint: self.endpoint(),
                    detail: format!("TLS failed: {other}"),
                }
            }
        };
        MailError::CertificateNotTrusted {
            host: self.host.clone(),
            reason,
        }
    }
}

/// "550 5.1.1 No such user here", cut to one short line.
fn server_reply(code: String, err: &lettre::transport::smtp::Error) -> String {
    let text = std::error::Error::source(err)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        code
    } else {
        format!("{code} {text}")
    }
}
