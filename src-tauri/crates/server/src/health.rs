//! `GET /healthz`: whether the server runs and reaches the clinic database, and whether it
//! sends the clinic's emails, for a load balancer or a service monitor.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use vetdesk_core::ports::SettingsStore;

use crate::state::AppState;

/// A database that has not answered by then counts as unreachable.
const DATABASE_DEADLINE: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(app): State<AppState>) -> Response {
    let reachable = database_reachable(app.store.as_ref()).await;
    let (status, database) = if reachable {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unreachable")
    };
    let body = json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "database": database,
        "dispatch": app.dispatch.get().as_str(),
    });
    (status, Json(body)).into_response()
}

/// Reads the one-row settings table: cheap, and it proves the schema is there.
pub async fn database_reachable<S: SettingsStore + ?Sized>(store: &S) -> bool {
    match tokio::time::timeout(DATABASE_DEADLINE, store.load_settings()).await {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: the database did not answer");
            false
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer in time");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;
    use vetdesk_core::audit::AuditEvent;
    use vetdesk_core::ports::StoreResult;
    use vetdesk_core::settings::Settings;
    use vetdesk_core::StoreError;

    use super::*;

    struct Gone;

    #[async_trait]
    impl SettingsStore for Gone {
        async fn load_settings(&self) -> StoreResult<Option<Settings>> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn save_settings(&self, _: &Settings, _: &AuditEvent) -> StoreResult<()> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
    }

    struct Hung;

    #[async_trait]
    impl SettingsStore for Hung {
        async fn load_settings(&self) -> StoreResult<Option<Settings>> {
            std::future::pending().await
        }
        async fn save_settings(&self, _: &Settings, _: &AuditEvent) -> StoreResult<()> {
            std::future::pending().await
        }
    }

    #[tokio::test]
    async fn a_failing_or_silent_database_is_unreachable() {
        assert!(!database_reachable(&Gone).await);
        tokio::time::pause();
        assert!(!database_reachable(&Hung).await);
    }
}
