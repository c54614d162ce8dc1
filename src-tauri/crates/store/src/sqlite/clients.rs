//! `clients` and `pets`: the practice's clients, a client's profile and email. The search is in
//! `client_search`.

const INSERT_CLIENT: &str = "INSERT INTO clients \
     (first_name, last_name, email, phone, address, created_at) \
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

const INSERT_PET: &str = "INSERT INTO pets (client_id, name, species, breed) VALUES (?, ?, ?, ?)";

const BY_ID: &str = "SELECT id, first_name, last_name, email, phone, address FROM clients \
     WHERE id = ?";

const PETS: &str = "SELECT id, name, species, breed FROM pets WHERE client_id = ? ORDER BY id";

const SET_EMAIL: &str = "UPDATE clients SET email = ? WHERE id = ?";

async fn insert(pool: &Pool, clients: &[NewClient], now: Millis) -> sqlx::Result<Vec<i64>> {
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

include!("../shared/clients.rs");
