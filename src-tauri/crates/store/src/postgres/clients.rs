//! `clients` and `pets`: the practice's clients, a client's profile and email. The search is in
//! `client_search`.

use async_trait::async_trait;
use sqlx::{PgPool, Row};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::client::{ClientQuery, ClientRecord, ClientRow, NewClient, NewPet, PetRow};
use vetdesk_core::ports::{ClientStore, StoreResult};
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

use super::audit::commit_with_audit;
use super::{begin_write, client_search, fetch_all, portal, PgStore};
use crate::error::map;

/// `$1` how many ids.
const NEXT_IDS: &str = "SELECT nextval(pg_get_serial_sequence('clients', 'id')) \
     FROM generate_series(1, $1)";
/// Each column as an array, `$7` the time they were added.
const INSERT_CLIENTS: &str = "INSERT INTO clients \
     (id, first_name, last_name, email, phone, address, created_at) \
     SELECT id, f, l, e, p, a, $7 \
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
     AS t (id, f, l, e, p, a)";
/// Each column as an array; in order, so that a client's pets keep the order they were given.
const INSERT_PETS: &str = "INSERT INTO pets (client_id, name, species, breed) \
     SELECT c, n, s, b FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) \
     WITH ORDINALITY AS t (c, n, s, b, i) ORDER BY i";
const BY_ID: &str = "SELECT id, first_name, last_name, email, phone, address FROM clients \
     WHERE id = $1";
const PETS: &str = "SELECT id, name, species, breed FROM pets WHERE client_id = $1 ORDER BY id";
const SET_EMAIL: &str = "UPDATE clients SET email = $1 WHERE id = $2";

row_type! {
    sqlx::postgres::PgRow;
    DbPet(PetRow), |row| { id, name, species, breed }
}

/// Adds `clients` and their pets in three statements, whatever their number: ids are drawn from
/// the clients' sequence first, so that each pet names its owner.
async fn insert(pool: &PgPool, clients: &[NewClient], now: Millis) -> sqlx::Result<Vec<i64>> {
    let mut tx = begin_write(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(NEXT_IDS)
        .bind(i64::try_from(clients.len()).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
    let column = |f: fn(&NewClient) -> Option<&str>| -> Vec<Option<&str>> {
        clients.iter().map(f).collect()
    };
    sqlx::query(INSERT_CLIENTS)
        .bind(&ids)
        .bind(column(|c| Some(c.first_name.as_str())))
        .bind(column(|c| Some(c.last_name.as_str())))
        .bind(column(|c| c.email.as_deref()))
        .bind(column(|c| c.phone.as_deref()))
        .bind(column(|c| c.address.as_deref()))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let pets: Vec<(i64, &NewPet)> = ids
        .iter()
        .zip(clients)
        .flat_map(|(id, c)| c.pets.iter().map(move |p| (*id, p)))
        .collect();
    sqlx::query(INSERT_PETS)
        .bind(pets.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(
            pets.iter()
                .map(|(_, p)| p.name.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            pets.iter()
                .map(|(_, p)| p.species.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            pets.iter()
                .map(|(_, p)| p.breed.as_deref())
                .collect::<Vec<_>>(),
        )
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ids)
}

async fn get(pool: &PgPool, id: i64) -> sqlx::Result<Option<ClientRecord>> {
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
    pool: &PgPool,
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
impl ClientStore for PgStore {
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
