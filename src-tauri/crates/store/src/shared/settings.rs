// What the SQLite and PostgreSQL `settings` modules share, included by both after their SQL.

use async_trait::async_trait;

use super::audit::write;
use super::{map, BackendStore, Conn};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::ports::{SettingsStore, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

fn settings_error(err: serde_json::Error) -> StoreError {
    StoreError::Other(format!("settings: {err}"))
}

/// The settings row's body.
pub(super) fn body(settings: &Settings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(settings_error)
}

/// Part of a first run's transaction.
pub(super) async fn save_body(conn: &mut Conn, body: &str, at: Millis) -> sqlx::Result<()> {
    sqlx::query(SAVE).bind(body).bind(at).execute(conn).await?;
    Ok(())
}

#[async_trait]
impl SettingsStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn load_settings(&self) -> StoreResult<Option<Settings>> {
        let body: Option<String> = sqlx::query_scalar(LOAD)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        body.map(|b| serde_json::from_str(&b).map_err(settings_error))
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn save_settings(&self, settings: &Settings, audit: &AuditEvent) -> StoreResult<()> {
        let save = sqlx::query(SAVE).bind(body(settings)?).bind(audit.at);
        write(&self.pool, save, audit).await.map_err(map)
    }
}
