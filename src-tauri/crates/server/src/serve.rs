//! Opening the clinic, binding the address, and serving HTTP or HTTPS until a signal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use vetdesk_core::ports::Store;

use crate::cli::{Args, Database};
use crate::clinic::{self, OpenError};
use crate::pages::Pages;
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
}

pub async fn run(args: Args) -> Result<(), StartError> {
    let Database::Sqlite(path) = &args.database;
    let store: Arc<dyn Store> = Arc::new(clinic::open_sqlite(path).await?);
    let recovery = clinic::recovery(store.clone());

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

    let state = AppState::new(Shared {
        recovery,
        store,
        pages: Pages::new(),
        workstation: clinic::workstation_name(),
        listen_origins: listen_origins(scheme, local),
        trust_forwarded_for: args.trust_forwarded_for,
    });
    warn_without_clinic_url(&state).await;
    let app = crate::app::router(state).into_make_service_with_connect_info::<SocketAddr>();

    let handle = Handle::new();
    tokio::spawn(stop_on_signal(handle.clone()));
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

async fn stop_on_signal(handle: Handle<SocketAddr>) {
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
    tracing::info!("stopping: open requests may finish");
    handle.graceful_shutdown(Some(GRACE));
}
