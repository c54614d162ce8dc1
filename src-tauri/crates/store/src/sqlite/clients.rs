//! `clients` and `pets`: the practice's clients, a client's profile and email. The search is in
//! `client_search`.

use async_trait::async_trait;
use sqlx::{Row, SqlitePool};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::client::{ClientQuery, ClientRecord, ClientRow, NewClient, PetRow};
use vetdesk_core::ports::{ClientStore, StoreResult};
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

use super::audit::commit_with_audit;
use super::{begin_write, client_search, fetch_all, portal, SqliteStore};
use crate::error::map;

const INSERT_CLIENT: &str = "INSERT INTO clients \
     (first_name, last_name, email, phone, address, created_at) \
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
const INSERT_PET: &str = "INSERT INTO pets (client_id, name, species, breed) VALUES (?, ?, ?, ?)";
const BY_ID: &str = "SELECT id, first_name, last_name, email, phone, address FROM clients \
     WHERE id = ?";
const PETS: &str = "SELECT id, name, species, breed FROM pets WHERE client_id = ? ORDER BY id";
const SET_EMAIL: &str = "UPDATE clients SET email = ? WHERE id = ?";

row_type! {
    sqlx::sqlite::SqliteRow;
    DbPet(PetRow), |row| { id, name, species, breed }
}

async fn insert(pool: &SqlitePool, clients: &[NewClient], now: Millis) -> sqlx::Result<Vec<i64>> {
    let mut tx = begin_write(pool).await?;
    let mut ids = Vec::with_capacity(clients.len());
    for c in clients {
        let client_id: i64 = sqlx::query_scalar(INSERT_CLIENT)
            .bind(&c.first_name)
            .bind(&c.last_name)
            .bind(&c.email)
            .bind(&c.phone)
            .bind(&c.address)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        for p in &c.pets {
            sqlx::query(INSERT_PET)
                .bind(client_id)
                .bind(&p.name)
                .bind(&p.species)
                .bind(&p.breed)
                .execute(&mut *tx)
                .await?;
        }
        ids.push(client_id);
    }
    tx.commit().await?;
    Ok(ids)
}

async fn get(pool: &SqlitePool, id: i64) -> sqlx::Result<Option<ClientRecord>> {
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
    pool: &SqlitePool,
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
impl ClientStore for SqliteStore {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A pet's copy of its owner's place in the list follows the owner, whoever writes it.
    #[tokio::test]
    async fn pets_keep_their_owners_place_in_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("owners.sqlite3"))
            .await
            .unwrap();
        let pet = |name: &str| vetdesk_core::client::NewPet {
            name: name.into(),
            species: "Cat".into(),
            breed: None,
        };
        let owner = NewClient {
            first_name: "Ana".into(),
            last_name: "Lima".into(),
            email: None,
            phone: None,
            address: None,
            pets: vec![pet("Tom"), pet("Mia")],
        };
        let id = insert(store.pool(), &[owner], 0).await.unwrap()[0];
        let owners = || async {
            sqlx::query_as::<_, (String, String)>(
                "SELECT owner_last, owner_first FROM pets WHERE client_id = ? ORDER BY id",
            )
            .bind(id)
            .fetch_all(store.pool())
            .await
            .unwrap()
        };
        let lima = ("lima".to_string(), "ana".to_string());
        assert_eq!(owners().await, [lima.clone(), lima]);
        sqlx::query("UPDATE clients SET last_name = 'Zed', first_name = 'Bo' WHERE id = ?")
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
        let zed = ("zed".to_string(), "bo".to_string());
        assert_eq!(owners().await, [zed.clone(), zed]);
    }
}
