//! Storage for VetDesk: the clinic database behind the core's per-table store traits
//! ([`vetdesk_core::ports`]), in a local SQLite file on the workstation or on the clinic's
//! PostgreSQL server.
//!
//! Each backend has a module per table holding that table's SQL in its own dialect. The Rust
//! around the SQL (binding, transactions, reading rows) is the same for both and written once,
//! in `src/shared/<table>.rs`, which each backend's module includes after its SQL; it works with
//! the names each backend's `mod.rs` gives its driver's types (`Db`, `Pool`, `Conn`, `DbRow`,
//! `Args`, `BackendStore`) and with its helpers. What differs beyond the SQL stays in the
//! backend's module: the client search's plans, adding clients and pets, starting a bulk run.

#[macro_use]
mod rows;

pub mod demo;
mod error;
pub mod mirror;
pub mod postgres;
pub mod queue;
pub mod sign_ins;
pub mod sqlite;
pub mod transfer;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Tables whose size the shell's tests and the demo seed look at.
#[derive(Debug, Clone, Copy)]
pub enum CountedTable {
    Staff,
    Clients,
    Pets,
    Emails,
    Tokens,
}

impl CountedTable {
    fn count_sql(self) -> &'static str {
        match self {
            Self::Staff => "SELECT count(*) FROM staff",
            Self::Clients => "SELECT count(*) FROM clients",
            Self::Pets => "SELECT count(*) FROM pets",
            Self::Emails => "SELECT count(*) FROM emails",
            Self::Tokens => "SELECT count(*) FROM reset_tokens",
        }
    }
}
