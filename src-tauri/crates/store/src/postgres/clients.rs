//! `clients` and `pets`: the practice's clients, a client's profile and email. The search is in
//! `client_search`.

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

/// Adds `clients` and their pets in three statements, whatever their number: ids are drawn from
/// the clients' sequence first, so that each pet names its owner.
async fn insert(pool: &Pool, clients: &[NewClient], now: Millis) -> sqlx::Result<Vec<i64>> {
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
    let pets: Vec<(i64, &vetdesk_core::client::NewPet)> = ids
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

include!("../shared/clients.rs");
