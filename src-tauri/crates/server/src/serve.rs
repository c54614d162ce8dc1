//! Reading the secrets, opening the clinic, binding the address, starting the dispatcher when
//! the server holds the clinic's outbox key, and serving HTTP or HTTPS until a signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::ports::Store;
use vetdesk_core::seal::Sealer;
use vetdesk_mail::SmtpOptions;

use crate::cli::{Args, Database};
use crate::clinic::{self, OpenError};
use crate::dispatch::{self, DispatchLoop, DispatchStatus, ServerTransports};
use crate::keyring::FileKeyring;
use crate::pages::Pages;
use crate::secret_file::{self, SecretFileError};
use crate::state::{listen_origins, AppState, Shared};

/// How long open requests may finish after a stop signal.
const GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("Cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("The TLS certificate or key could not be loaded: {0}")]
    Tls(std::io::Error),
    #[error("The server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Secret(#[from] SecretFileError),
    #[error("The SMTP CA certificate file {} cannot be read: {source}", path.display())]
    CaFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub async fn run(args: Args) -> Result<(), StartError> {
    // The secret files first: a file others can read, or the wrong file, stops the start before
    // anything else is opened.
    let keyring = FileKeyring::from_files(
        args.smtp_password_file.as_deref(),
        args.dkim_key_file.as_deref(),
    )?;
    let dispatch_key = args
        .dispatch_key_file
        .as_deref()
        .map(dispatch::read_key)
        .transpose()?;
    let smtp_options = SmtpOptions {
        extra_root_pem: match &args.smtp_ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|source| StartError::CaFile {
                path: path.clone(),
                source,
            })?),
            None => None,
        },
    };

    let store: Arc<dyn Store> = match &args.database {
        Database::Sqlite(path) => Arc::new(clinic::open_sqlite(path).await?),
        Database::Postgres(address) => {
            let password = args
                .database_password_file
                .as_deref()
                .map(|path| secret_file::read("database password", path))
                .transpose()?
                .map(|text| secret_file::one_line(&text));
            Arc::new(clinic::open_postgres(address, password.as_ref()).await?)
        }
    };
    let dispatches = dispatch_key.is_some();
    let sealer = Arc::new(dispatch_key.unwrap_or_else(|| Sealer::new(&Sealer::generate_key())));
    let wake = Arc::new(Notify::new());
    let recovery = {
        let wake = wake.clone();
        clinic::recovery(
            store.clone(),
            sealer.clone(),
            keyring.clone(),
            Box::new(move || wake.notify_one()),
        )
    };
    let workstation = clinic::workstation_name();

    let listen_error = |source| StartError::Listen {
        addr: args.listen,
        source,
    };
    let listener = std::net::TcpListener::bind(args.listen).map_err(listen_error)?;
    let local = listener.local_addr().map_err(listen_error)?;
    let tls = match args.tls() {
        Some((cert, key)) => Some(
            RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(StartError::Tls)?,
        ),
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };

    let status = Arc::new(DispatchStatus::default());
    let shutdown = CancellationToken::new();
    let dispatcher = if dispatches {
        tracing::info!(
            fingerprint = %sealer.fingerprint(),
            "vetdesk-server sends the clinic's queued emails with the outbox key it was given"
        );
        let dispatch_loop = DispatchLoop {
            dispatcher: dispatch::dispatcher(
                store.clone(),
                sealer.clone(),
                ServerTransports {
                    secrets: keyring.mail_secrets(),
                    options: smtp_options,
                },
                &workstation,
            ),
            store: store.clone(),
            secrets: keyring.mail_secrets(),
            fingerprint: sealer.fingerprint(),
            status: status.clone(),
            wake,
            shutdown: shutdown.clone(),
        };
        Some(tokio::spawn(dispatch_loop.run()))
    } else {
        tracing::info!(
            "vetdesk-server does not send mail: it was given no outbox key \
             (VETDESK_DISPATCH_KEY_FILE), so the workstations' dispatchers send the clinic's \
             emails, the ones these pages queue included"
        );
        None
    };

    let state = AppState::new(Shared {
        recovery,
        store,
        pages: Pages::new(),
        workstation,
        listen_origins: listen_origins(scheme, local),
        trust_forwarded_for: args.trust_forwarded_for,
        serves_tls: tls.is_some(),
        dispatch: status,
    });
    warn_without_clinic_url(&state).await;
    let app = crate::app::router(state).into_make_service_with_connect_info::<SocketAddr>();

    let handle = Handle::new();
    tokio::spawn(stop_on_signal(handle.clone(), shutdown.clone()));
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "vetdesk-server listening on {scheme}://{local}"
    );
    let served = match tls {
        Some(config) => {
            axum_server::tls_rustls::from_tcp_rustls(listener, config)
                .map_err(listen_error)?
                .handle(handle)
                .serve(app)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .map_err(listen_error)?
                .handle(handle)
                .serve(app)
                .await
        }
    };
    shutdown.cancel();
    if let Some(dispatcher) = dispatcher {
        // An email in flight is finished and recorded, so that it is not sent again.
        if tokio::time::timeout(GRACE, dispatcher).await.is_err() {
            tracing::warn!("the outbox dispatcher did not stop in time");
        }
    }
    served.map_err(StartError::Serve)?;
    tracing::info!("vetdesk-server stopped");
    Ok(())
}

/// Without a clinic URL, emails carry no browser link and forms are accepted only from this
/// server's own address; say so once at start.
async fn warn_without_clinic_url(state: &AppState) {
    if let Ok(Some(settings)) = state.settings().await {
        if settings.clinic.clinic_url.is_none() {
            tracing::warn!(
                origins = ?state.listen_origins,
                "the clinic has no clinic URL in VetDesk Settings: emails carry no browser link, \
                 and forms are accepted only from this server's own address"
            );
        }
    }
}

async fn stop_on_signal(handle: Handle<SocketAddr>, shutdown: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("stopping: open requests and the email being sent may finish");
    shutdown.cancel();
    handle.graceful_shutdown(Some(GRACE));
}
