//! Sending through an SMTP server with lettre: implicit TLS, STARTTLS (required), or plain for a
//! relay on this computer or the clinic's own network; AUTH when a username is set.

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::response::Severity;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use vetdesk_core::outbox::DeliveredVia;
use vetdesk_core::settings::{MailSettings, SmtpSecurity};

use crate::error::MailError;
use crate::transport::MailTransport;
use vetdesk_core::Sensitive;

/// How long to wait for the server at each step before giving up on this attempt.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Connection options that are not clinic settings.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// An extra certificate authority (PEM) to trust besides the system's, for a clinic's
    /// internal CA or a test server's self-signed certificate.
    pub extra_root_pem: Option<Vec<u8>>,
}

/// An SMTP server to send through. lettre keeps a connection pool whose upkeep runs on the Tokio
/// runtime, so this is created inside one and remembers it for when it is dropped.
pub struct SmtpTransport {
    /// Always `Some` until dropped.
    inner: Option<AsyncSmtpTransport<Tokio1Executor>>,
    runtime: tokio::runtime::Handle,
    host: String,
    port: u16,
    security: SmtpSecurity,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    pub fn new(
        settings: &MailSettings,
        password: Option<Sensitive<String>>,
        options: &SmtpOptions,
    ) -> Result<Self, MailError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            MailError::Build("the SMTP transport must be created on the async runtime".into())
        })?;
        let host = settings.host.trim().to_string();
        let tls_setup = |e: lettre::transport::smtp::Error| MailError::TlsSetup {
            host: host.clone(),
            detail: e.to_string(),
        };
        let builder = match settings.security {
            SmtpSecurity::ImplicitTls => AsyncSmtpTransport::<Tokio1Executor>::relay(&host)
                .map_err(tls_setup)?
                .tls(Tls::Wrapper(tls_parameters(&host, options)?)),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)
                .map_err(tls_setup)?
                .tls(Tls::Required(tls_parameters(&host, options)?)),
            SmtpSecurity::Plain => {
                if !is_local_or_private(&host) {
                    return Err(MailError::PlainNotAllowed { host });
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
        if let Some(username) = settings
            .username
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            let password = password
                .filter(|p| !p.expose().is_empty())
                .ok_or(MailError::MissingPassword)?;
            builder = builder.credentials(Credentials::new(
                username.trim().to_string(),
                password.into_inner(),
            ));
        }
        Ok(Self {
            inner: Some(builder.build()),
            runtime,
            host,
            port: settings.port,
            security: settings.security,
        })
    }

    /// `host:port`, as people write it in settings.
    pub fn endpoint(&self) -> String {
        endpoint(&self.host, self.port)
    }

    /// Turns lettre's error into one that says what to change.
    fn explain(&self, err: &lettre::transport::smtp::Error) -> MailError {
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
            let hint = match (self.security, self.port) {
                (SmtpSecurity::StartTls | SmtpSecurity::Plain, 465) => {
                    " Port 465 normally uses implicit TLS; choose TLS instead."
                }
                _ => " Check the host, the port and the security setting.",
            };
            return MailError::Timeout {
                endpoint: self.endpoint(),
                seconds: SMTP_TIMEOUT.as_secs(),
                hint,
            };
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

    /// Looks through the error's causes for a refused connection, a failed lookup or a TLS
    /// failure. I/O errors hide what they wrap from `source()`, so they are opened by hand.
    fn explain_cause(&self, err: &(dyn std::error::Error + 'static)) -> Option<MailError> {
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

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, message: &Message, _email_id: Option<i64>) -> Result<(), MailError> {
        let Some(inner) = &self.inner else {
            return Err(MailError::Build("the SMTP transport was closed".into()));
        };
        tracing::debug!(endpoint = %self.endpoint(), security = ?self.security, "smtp send");
        inner
            .send_raw(message.envelope(), &message.formatted())
            .await
            .map(drop)
            .map_err(|e| self.explain(&e))
    }

    fn via(&self) -> DeliveredVia {
        DeliveredVia::Smtp
    }

    /// The server passes the email on to its addressee's mailbox.
    fn carries_secrets(&self) -> bool {
        true
    }
}

impl Drop for SmtpTransport {
    fn drop(&mut self) {
        // The pool closes its connections on a task of its own, which needs the runtime.
        let _runtime = self.runtime.enter();
        drop(self.inner.take());
    }
}

fn tls_parameters(host: &str, options: &SmtpOptions) -> Result<TlsParameters, MailError> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(pem) = &options.extra_root_pem {
        // lettre accepts text without any certificate in it; that would silently trust nothing.
        let found = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| MailError::InvalidCaCertificate)?;
        if found.is_empty() {
            return Err(MailError::InvalidCaCertificate);
        }
        let cert = Certificate::from_pem(pem).map_err(|_| MailError::InvalidCaCertificate)?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| MailError::TlsSetup {
        host: host.to_string(),
        detail: e.to_string(),
    })
}

fn endpoint(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
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

/// Unencrypted SMTP only to this computer or a private network: the host must say so itself.
pub(crate) fn is_local_or_private(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let private_v4 = |a: std::net::Ipv4Addr| a.is_loopback() || a.is_private() || a.is_link_local();
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => private_v4(a),
        Ok(IpAddr::V6(a)) => {
            let first = a.segments()[0];
            a.is_loopback()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || a.to_ipv4_mapped().is_some_and(private_v4)
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::settings::Settings;

    #[test]
    fn plain_smtp_is_only_for_local_and_private_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "::1",
            "[::1]",
            "10.0.0.5",
            "172.20.1.1",
            "192.168.1.10",
            "fd12:3456::1",
        ] {
            assert!(is_local_or_private(host), "{host}");
        }
        for host in [
            "smtp.clinic.com",
            "8.8.8.8",
            "172.32.0.1",
            "2001:db8::1",
            "localhost.evil.com",
        ] {
            assert!(!is_local_or_private(host), "{host}");
        }
    }

    #[tokio::test]
    async fn plain_to_a_public_host_is_refused_with_a_reason() {
        let mut mail = Settings::demo().mail;
        mail.host = "smtp.clinic.com".into();
        mail.security = SmtpSecurity::Plain;
        let err = SmtpTransport::new(&mail, None, &SmtpOptions::default()).unwrap_err();
        assert!(matches!(err, MailError::PlainNotAllowed { .. }));
        assert!(err
            .to_string()
            .contains("STARTTLS or TLS for smtp.clinic.com"));
    }

    #[tokio::test]
    async fn a_username_without_a_password_is_refused() {
        let mut mail = Settings::demo().mail;
        mail.username = Some("frontdesk".into());
        let err = SmtpTransport::new(&mail, None, &SmtpOptions::default()).unwrap_err();
        assert!(matches!(err, MailError::MissingPassword));
    }

    #[tokio::test]
    async fn a_bad_ca_certificate_is_refused() {
        let mail = Settings::demo().mail;
        let options = SmtpOptions {
            extra_root_pem: Some(b"not a certificate".to_vec()),
        };
        let err = SmtpTransport::new(&mail, None, &options).unwrap_err();
        assert!(matches!(err, MailError::InvalidCaCertificate));
    }

    #[tokio::test]
    async fn debug_output_never_shows_the_password() {
        let mut mail = Settings::demo().mail;
        mail.username = Some("frontdesk".into());
        let transport = SmtpTransport::new(
            &mail,
            Some(Sensitive::new("correct-horse-battery".into())),
            &SmtpOptions::default(),
        )
        .unwrap();
        assert!(!format!("{transport:?}").contains("correct-horse"));
    }

    #[test]
    fn outside_the_runtime_creation_fails_instead_of_panicking() {
        let err = SmtpTransport::new(&Settings::demo().mail, None, &SmtpOptions::default());
        assert!(matches!(err, Err(MailError::Build(_))));
    }

    #[test]
    fn dropping_outside_the_runtime_is_safe() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let transport = runtime
            .block_on(async {
                SmtpTransport::new(&Settings::demo().mail, None, &SmtpOptions::default())
            })
            .unwrap();
        drop(transport);
    }

    #[test]
    fn ipv6_endpoints_are_bracketed() {
        assert_eq!(endpoint("::1", 25), "[::1]:25");
        assert_eq!(endpoint("smtp.clinic.com", 587), "smtp.clinic.com:587");
    }
}
