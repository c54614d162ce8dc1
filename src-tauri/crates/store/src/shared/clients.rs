// What the SQLite and PostgreSQL `clients` modules share, included by both after their SQL.

use super::audit::commit_with_audit;
use super::{begin_write, client_search, fetch_all, map, portal, BackendStore, DbRow, Pool};
use async_trait::async_trait;
use sqlx::Row;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::client::{ClientQuery, ClientRecord, ClientRow, NewClient, PetRow};
use vetdesk_core::ports::{ClientStore, StoreResult};
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

row_type! {
    DbRow;
    DbPet(PetRow), |row| { id, name, species, breed }
}

async fn get(pool: &Pool, id: i64) -> sqlx::Result<Option<ClientRecord>> {
    let mut conn = pool.acquire().await?;
    let mut read = sqlx::Connection::begin(&mut *conn).await?;
    let Some(row) = sqlx::query(BY_ID)
        .bind(id)
        .fetch_optional(&mut *read)
        .await?
    else {
        return Ok(None);
    };
    let pets = fetch_all(&mut *read, sqlx::query_as::<_, DbPet>(PETS).bind(id)).await?;
    read.commit().await?;
    Ok(Some(ClientRecord {
        id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        pets,
    }))
}

/// `false` when there is no such client (nothing is written).
async fn set_email(
    pool: &Pool,
    id: i64,
    email: Option<&str>,
    now: Millis,
    audit: &AuditEvent,
) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    let changed = sqlx::query(SET_EMAIL)
        .bind(email)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Ok(false);
    }
    portal::follow_email(&mut tx, id, email, now).await?;
    commit_with_audit(tx, audit).await?;
    Ok(true)
}

#[async_trait]
impl ClientStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn insert_clients(&self, clients: &[NewClient], now: Millis) -> StoreResult<Vec<i64>> {
        insert(&self.pool, clients, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<ClientRow>> {
        client_search::search(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn get_client(&self, id: i64) -> StoreResult<Option<ClientRecord>> {
        get(&self.pool, id).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn update_client_email(
        &self,
        id: i64,
        email: Option<&str>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        if set_email(&self.pool, id, email, now, audit)
            .await
            .map_err(map)?
        {
            Ok(())
        } else {
            Err(StoreError::Conflict("that client no longer exists".into()))
        }
    }
}
