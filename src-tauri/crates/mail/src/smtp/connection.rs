//! The plain and STARTTLS route: a TCP stream of our own with `TCP_NODELAY`, handed to lettre for
//! the SMTP dialogue, and kept open for the next email.

use std::future::Future;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;
use tokio::sync::Mutex;

use super::{Server, SMTP_TIMEOUT};
use crate::error::MailError;

pub(super) struct Direct {
    /// `Some` for STARTTLS, which is then required.
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello_name: ClientId,
    /// The connection the last email left open, if any.
    pooled: Mutex<Option<AsyncSmtpConnection>>,
}

impl Direct {
    pub(super) fn new(starttls: Option<TlsParameters>, credentials: Option<Credentials>) -> Self {
        Self {
            starttls,
            credentials,
            hello_name: ClientId::default(),
            pooled: Mutex::new(None),
        }
    }

    /// Sends over the open connection if the server still answers on it, else over a new one.
    pub(super) async fn send(
        &self,
        server: &Server,
        envelope: &Envelope,
        email: &[u8],
    ) -> Result<(), MailError> {
        let mut pooled = self.pooled.lock().await;
        let reusable = match pooled.take() {
            Some(mut open) => still_open(&mut open).await.then_some(open),
            None => None,
        };
        let mut connection = match reusable {
            Some(open) => open,
            None => self.connect(server).await?,
        };
        // On an error the connection goes: lettre has already ended it, or its state is unknown.
        step(server, connection.send(envelope, email)).await?;
        *pooled = Some(connection);
        Ok(())
    }

    /// Greeting and EHLO, then STARTTLS and AUTH as configured.
    async fn connect(&self, server: &Server) -> Result<AsyncSmtpConnection, MailError> {
        let stream = tcp_connect(server).await?;
        let mut connection = step(
            server,
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello_name),
        )
        .await?;
        if let Some(tls) = &self.starttls {
            if !connection.can_starttls() {
                let _ = tokio::time::timeout(SMTP_TIMEOUT, connection.quit()).await;
                return Err(MailError::StartTlsNotOffered {
                    endpoint: server.endpoint(),
                });
            }
            step(server, connection.starttls(tls.clone(), &self.hello_name)).await?;
        }
        if let Some(credentials) = &self.credentials {
            step(server, connection.auth(DEFAULT_MECHANISMS, credentials)).await?;
        }
        Ok(connection)
    }

    /// Says goodbye on the open connection, if any, without making anyone wait for it.
    pub(super) fn close(self: Box<Self>, runtime: &tokio::runtime::Handle) {
        if let Some(mut connection) = self.pooled.into_inner() {
            runtime.spawn(async move {
                let _ = tokio::time::timeout(SMTP_TIMEOUT, connection.quit()).await;
            });
        }
    }
}

async fn still_open(connection: &mut AsyncSmtpConnection) -> bool {
    !connection.has_broken()
        && tokio::time::timeout(SMTP_TIMEOUT, connection.test_connected())
            .await
            .unwrap_or(false)
}

/// Tries each address the host resolves to, like lettre does, each within [`SMTP_TIMEOUT`].
async fn tcp_connect(server: &Server) -> Result<TcpStream, MailError> {
    let lookup = tokio::net::lookup_host((server.host.as_str(), server.port));
    let addresses = match tokio::time::timeout(SMTP_TIMEOUT, lookup).await {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => {
            return Err(MailError::HostNotFound {
                host: server.host.clone(),
            })
        }
        Err(_) => return Err(server.timed_out()),
    };
    let mut last = None;
    for address in addresses {
        match tokio::time::timeout(SMTP_TIMEOUT, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => {
                // lettre writes the body and the final dot apart; Nagle would hold the dot back
                // until the server's delayed ACK, some 40 ms.
                stream.set_nodelay(true).map_err(|e| io_error(server, &e))?;
                return Ok(stream);
            }
            Ok(Err(e)) => last = Some(io_error(server, &e)),
            Err(_) => last = Some(server.timed_out()),
        }
    }
    Err(last.unwrap_or_else(|| MailError::HostNotFound {
        host: server.host.clone(),
    }))
}

fn io_error(server: &Server, err: &std::io::Error) -> MailError {
    server
        .explain_cause(err)
        .unwrap_or_else(|| MailError::Smtp {
            endpoint: server.endpoint(),
            detail: err.to_string(),
        })
}

/// One step of the dialogue, within [`SMTP_TIMEOUT`], its error explained.
async fn step<T>(
    server: &Server,
    work: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, MailError> {
    match tokio::time::timeout(SMTP_TIMEOUT, work).await {
        Ok(done) => done.map_err(|e| server.explain(&e)),
        Err(_) => Err(server.timed_out()),
    }
}
