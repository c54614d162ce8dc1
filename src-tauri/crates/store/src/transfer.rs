//! Move to server: a clinic's local SQLite file copied into an empty database on the clinic's
//! PostgreSQL server, in one transaction, so that the server holds all of it or none of it.
//! Every row keeps its id, so links already emailed, the Activity log and bulk runs stay whole.
//! Sign-ins (staff and portal sessions) are not copied: everyone signs in again on the server.

use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteRow;
use sqlx::{Arguments, Row, SqlitePool};
use vetdesk_core::StoreError;

use crate::error::map;
use crate::{PgStore, SqliteStore};

/// How a column is read from the file and written to the server.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
    Bytes,
}

use Kind::{Bytes, Int, Text};

/// A table to copy: its name, the columns it takes (generated columns and the copies triggers
/// keep are left to the server), and the order to read it in.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    order: &'static str,
}

/// In an order that every row's references are copied before it.
const TABLES: &[Table] = &[
    Table {
        name: "settings",
        columns: &[("id", Int), ("body", Text), ("updated_at", Int)],
        order: "id",
    },
    Table {
        name: "staff",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("role", Text),
            ("email", Text),
            ("status", Text),
            ("password_hash", Text),
            ("password_changed_at", Int),
            ("created_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "reset_tokens",
        columns: &[
            ("id", Int),
            ("staff_id", Int),
            ("purpose", Text),
            ("link_digest", Text),
            ("code_digest", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
            ("revoked_at", Int),
            ("failed_attempts", Int),
        ],
        order: "id",
    },
    Table {
        name: "clients",
        columns: &[
            ("id", Int),
            ("first_name", Text),
            ("last_name", Text),
            ("email", Text),
            ("phone", Text),
            ("address", Text),
            ("created_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "pets",
        columns: &[
            ("id", Int),
            ("client_id", Int),
            ("name", Text),
            ("species", Text),
            ("breed", Text),
        ],
        order: "id",
    },
    Table {
        name: "portal_accounts",
        columns: &[
            ("id", Int),
            ("client_id", Int),
            ("username", Text),
            ("status", Text),
            ("password_hash", Text),
            ("created_at", Int),
            ("activated_at", Int),
            ("password_changed_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "portal_tokens",
        columns: &[
            ("id", Int),
            ("account_id", Int),
            ("purpose", Text),
            ("link_digest", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
            ("revoked_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "emails",
        columns: &[
            ("id", Int),
            ("kind", Text),
            ("staff_id", Int),
            ("token_id", Int),
            ("recipient", Text),
            ("recipient_name", Text),
            ("subject", Text),
            ("params", Text),
            ("sealed", Bytes),
            ("status", Text),
            ("attempts", Int),
            ("next_attempt_at", Int),
            ("claimed_until", Int),
            ("created_at", Int),
            ("sent_at", Int),
            ("last_error", Text),
            ("message_id", Text),
            ("delivered_via", Text),
            ("claimed_by", Text),
            ("claim_run", Text),
            ("client_id", Int),
            ("portal_token_id", Int),
        ],
        order: "id",
    },
    Table {
        name: "audit_events",
        columns: &[
            ("id", Int),
            ("at", Int),
            ("actor_id", Int),
            ("subject_id", Int),
            ("client_id", Int),
            ("action", Text),
            ("outcome", Text),
            ("workstation", Text),
            ("detail", Text),
            ("action_key", Text),
        ],
        order: "id",
    },
    Table {
        name: "limits",
        columns: &[("key", Text), ("window_start", Int), ("hits", Int)],
        order: "key",
    },
    Table {
        name: "bulk_jobs",
        columns: &[
            ("id", Int),
            ("created_by", Int),
            ("workstation", Text),
            ("created_at", Int),
            ("status", Text),
            ("total", Int),
            ("sent", Int),
            ("skipped", Int),
            ("failed", Int),
            ("finished_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "bulk_job_items",
        columns: &[
            ("job_id", Int),
            ("position", Int),
            ("client_id", Int),
            ("outcome", Text),
        ],
        order: "job_id, position",
    },
    Table {
        name: "clinic_keys",
        columns: &[("name", Text), ("fingerprint", Text)],
        order: "name",
    },
];

/// Tables the server keeps but a move leaves empty: who is signed in where.
const NOT_MOVED: &[&str] = &["sessions", "portal_sessions"];

/// Rows read and written at a time.
const BATCH: i64 = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(
        "The server's database is not empty ({table} has rows). Move to server copies a clinic \
         only into an empty database, so that nothing there is mixed or overwritten."
    )]
    TargetNotEmpty { table: String },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// How far a move has come: rows copied of all the rows to copy, and the table at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub table: &'static str,
    pub copied: u64,
    pub total: u64,
}

/// What moved: each table and its rows, in the order they were copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferReport {
    pub tables: Vec<(&'static str, u64)>,
}

impl TransferReport {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|(name, _)| *name == table)
            .map_or(0, |(_, rows)| *rows)
    }
}

/// Copies the clinic in `from` into the empty database of `to`, reporting progress after each
/// batch. Emails a dispatcher of the file was sending are due again on the server. Refuses a
/// database that holds any row, and writes nothing when any row fails.
pub async fn move_to_server(
    from: &SqliteStore,
    to: &PgStore,
    progress: impl Fn(Progress),
) -> Result<TransferReport, TransferError> {
    let source = from.pool();
    let target = to.pool();
    let mut tx = target.begin().await.map_err(map)?;
    // One move at a time, and no workstation writes while it runs.
    sqlx::query("LOCK TABLE staff, clients, settings IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .map_err(map)?;
    for table in TABLES
        .iter()
        .map(|t| t.name)
        .chain(NOT_MOVED.iter().copied())
    {
        let any: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {table})"))
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
        if any {
            return Err(TransferError::TargetNotEmpty {
                table: table.to_string(),
            });
        }
    }
    let mut total = 0;
    for table in TABLES {
        total += count(source, table.name).await?;
    }
    let mut report = TransferReport::default();
    let mut copied = 0;
    for table in TABLES {
        let mut rows_of_table = 0;
        loop {
            let select = format!(
                "SELECT {} FROM {} ORDER BY {} LIMIT ?1 OFFSET ?2",
                column_list(table),
                table.name,
                table.order
            );
            let rows = sqlx::query(&select)
                .bind(BATCH)
                .bind(i64::try_from(rows_of_table).unwrap_or(i64::MAX))
                .fetch_all(source)
                .await
                .map_err(map)?;
            if rows.is_empty() {
                break;
            }
            let (sql, args) = insert(table, &rows).map_err(map)?;
            sqlx::query_with(&sql, args)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
            rows_of_table += rows.len() as u64;
            copied += rows.len() as u64;
            progress(Progress {
                table: table.name,
                copied,
                total,
            });
        }
        report.tables.push((table.name, rows_of_table));
    }
    finish(&mut tx).await.map_err(map)?;
    tx.commit().await.map_err(map)?;
    Ok(report)
}

async fn count(pool: &SqlitePool, table: &str) -> Result<u64, TransferError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .map_err(map)?;
    Ok(u64::try_from(n).unwrap_or_default())
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One statement for a batch: each column bound as an array, unnested into rows.
fn insert(table: &Table, rows: &[SqliteRow]) -> sqlx::Result<(String, PgArguments)> {
    let mut args = PgArguments::default();
    let mut unnest = Vec::new();
    for (i, (_, kind)) in table.columns.iter().enumerate() {
        let n = i + 1;
        match kind {
            Int => {
                let values = column::<Option<i64>>(rows, i)?;
                args.add(values).map_err(sqlx::Error::Encode)?;
                unnest.push(format!("${n}::bigint[]"));
            }
            Text => {
                let values = column::<Option<String>>(rows, i)?;
                args.add(values).map_err(sqlx::Error::Encode)?;
                unnest.push(format!("${n}::text[]"));
            }
            Bytes => {
                let values = column::<Option<Vec<u8>>>(rows, i)?;
                args.add(values).map_err(sqlx::Error::Encode)?;
                unnest.push(format!("${n}::bytea[]"));
            }
        }
    }
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({})",
        table.name,
        column_list(table),
        unnest.join(", ")
    );
    Ok((sql, args))
}

fn column<T>(rows: &[SqliteRow], index: usize) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    rows.iter().map(|row| row.try_get::<T, _>(index)).collect()
}

/// After the rows: each table's ids continue after the highest copied, and emails that were
/// being sent from the file are due again.
async fn finish(tx: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    for table in TABLES {
        if table.columns.first().map(|(c, _)| *c) != Some("id") || table.name == "settings" {
            continue;
        }
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
             coalesce((SELECT max(id) FROM {0}), 0) + 1, false)",
            table.name
        ))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE emails SET status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'failed' END, \
         next_attempt_at = coalesce(next_attempt_at, 0), claimed_until = NULL, \
         claimed_by = NULL, claim_run = NULL WHERE status = 'sending'",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
