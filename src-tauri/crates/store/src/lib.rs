//! Storage for VetDesk behind the core [`vetdesk_core::ports::Store`] trait: SQLite on the
//! workstation today; PostgreSQL shares the trait and the conformance tests.

pub mod demo;
mod error;
mod rows;
pub mod sqlite;

pub use sqlite::SqliteStore;
