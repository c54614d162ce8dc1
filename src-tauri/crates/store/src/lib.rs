//! Storage for VetDesk: the clinic database on the workstation, one SQLite file, behind the
//! core's per-table store traits ([`vetdesk_core::ports`]).

pub mod demo;
mod error;
pub mod sqlite;

pub use sqlite::SqliteStore;
