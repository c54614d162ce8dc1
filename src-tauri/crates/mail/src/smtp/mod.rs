//! Sending through an SMTP server: implicit TLS, STARTTLS (required), or plain for a relay on
//! this computer or the clinic's own network; AUTH when a username is set; every message
//! DKIM-signed when settings turn signing on.

mod connection;
mod dkim;
mod errors;

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use vetdesk_core::outbox::DeliveredVia;
use vetdesk_core::ports::MailSecrets;
use vetdesk_core::settings::{MailSettings, SmtpSecurity};

use crate::error::MailError;
use crate::transport::MailTransport;
use connection::Direct;
use dkim::Signer;

/// How long to wait for the server at each step before giving up on this attempt.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Connection options that are not clinic settings.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// An extra certificate authority (PEM) to trust besides the system's, for a clinic's
    /// internal CA or a test server's self-signed certificate.
    pub extra_root_pem: Option<Vec<u8>>,
}

/// Where the server is and how to talk to it; what error messages name.
#[derive(Debug)]
struct Server {
    host: String,
    port: u16,
    security: SmtpSecurity,
}

impl Server {
    /// `host:port`, as people write it in settings.
    fn endpoint(&self) -> String {
        endpoint(&self.host, self.port)
    }
}

enum Route {
    /// Plain and STARTTLS: a stream of our own with `TCP_NODELAY`, one connection kept open.
    Direct(Box<Direct>),
    /// lettre 0.11 has no public way to start TLS on our own stream before the greeting.
    Lettre(AsyncSmtpTransport<Tokio1Executor>),
}

/// An SMTP server to send through. Created inside the Tokio runtime, which it remembers so that
/// the connection it keeps can be closed there when it is dropped.
pub struct SmtpTransport {
    server: Server,
    /// Always `Some` until dropped.
    route: Option<Route>,
    /// Signs every message when settings turn DKIM on.
    signer: Option<Signer>,
    runtime: tokio::runtime::Handle,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("host", &self.server.host)
            .field("port", &self.server.port)
            .field("security", &self.server.security)
            .field("dkim", &self.signer)
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// A transport for `settings`, signing in with `secrets.smtp_password` when a username is
    /// set and signing every message with `secrets.dkim_key` when settings turn DKIM on; without
    /// that key there is no transport, so that nothing goes out unsigned.
    pub fn new(
        settings: &MailSettings,
        secrets: MailSecrets,
        options: &SmtpOptions,
    ) -> Result<Self, MailError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            MailError::Build("the SMTP transport must be created on the async runtime".into())
        })?;
        let signer = settings
            .dkim
            .as_ref()
            .map(|dkim| Signer::new(dkim, secrets.dkim_key))
            .transpose()?;
        let host = settings.host.trim().to_string();
        let credentials = match settings
            .username
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(username) => {
                let password = secrets
                    .smtp_password
                    .filter(|p| !p.expose().is_empty())
                    .ok_or(MailError::MissingPassword)?;
                Some(Credentials::new(
                    username.trim().to_string(),
                    password.into_inner(),
                ))
            }
            None => None,
        };
        let route = match settings.security {
            SmtpSecurity::ImplicitTls => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::relay(&host)
                    .map_err(|e| MailError::TlsSetup {
                        host: host.clone(),
                        detail: e.to_string(),
                    })?
                    .tls(Tls::Wrapper(tls_parameters(&host, options)?))
                    .port(settings.port)
                    .timeout(Some(SMTP_TIMEOUT));
                if let Some(credentials) = credentials {
                    builder = builder.credentials(credentials);
                }
                Route::Lettre(builder.build())
            }
            SmtpSecurity::StartTls => Route::Direct(Box::new(Direct::new(
                Some(tls_parameters(&host, options)?),
                credentials,
            ))),
            SmtpSecurity::Plain => {
                if !is_local_or_private(&host) {
                    return Err(MailError::PlainNotAllowed { host });
                }
                Route::Direct(Box::new(Direct::new(None, credentials)))
            }
        };
        Ok(Self {
            server: Server {
                host,
                port: settings.port,
                security: settings.security,
            },
            route: Some(route),
            signer,
            runtime,
        })
    }

    /// `host:port`, as people write it in settings.
    pub fn endpoint(&self) -> String {
        self.server.endpoint()
    }
}

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, message: &Message, _email_id: Option<i64>) -> Result<(), MailError> {
        let server = &self.server;
        tracing::debug!(endpoint = %server.endpoint(), security = ?server.security, "smtp send");
        let signed = match &self.signer {
            Some(signer) => Some(signer.sign(message)?),
            None => None,
        };
        let message = signed.as_ref().unwrap_or(message);
        match &self.route {
            Some(Route::Direct(direct)) => {
                direct
                    .send(server, message.envelope(), &message.formatted())
                    .await
            }
            Some(Route::Lettre(transport)) => transport
                .send_raw(message.envelope(), &message.formatted())
                .await
                .map(drop)
                .map_err(|e| server.explain(&e)),
            None => Err(MailError::Build("the SMTP transport was closed".into())),
        }
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
        // Both routes close their connections on a task of their own, which needs the runtime.
        let _runtime = self.runtime.enter();
        match self.route.take() {
            Some(Route::Direct(direct)) => direct.close(&self.runtime),
            Some(Route::Lettre(transport)) => drop(transport),
            None => {}
        }
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
mod tests;
