//! `clients` and `pets`: the practice's clients, for now only written by the demo seed.

use sqlx::SqlitePool;
use vetdesk_core::ports::StoreResult;
use vetdesk_core::time::Millis;

use super::{begin_write, SqliteStore};
use crate::error::map;

const INSERT_CLIENT: &str = "INSERT INTO clients \
     (first_name, last_name, email, phone, address, created_at) \
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
const INSERT_PET: &str = "INSERT INTO pets (client_id, name, species, breed) VALUES (?, ?, ?, ?)";

#[derive(Clone, Debug)]
pub struct NewClient {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub pets: Vec<NewPet>,
}

#[derive(Clone, Debug)]
pub struct NewPet {
    pub name: String,
    pub species: String,
    pub breed: Option<String>,
}

async fn insert(pool: &SqlitePool, clients: &[NewClient], now: Millis) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
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
    }
    tx.commit().await
}

impl SqliteStore {
    /// Adds clients with their pets, in one transaction.
    pub async fn insert_clients(&self, clients: &[NewClient], now: Millis) -> StoreResult<()> {
        insert(&self.pool, clients, now).await.map_err(map)
    }
}
