//! VetDesk domain: who may do what, how secrets are made and checked, and the recovery flows.
//!
//! Nothing here touches a window, a network, a database driver or the system clock directly:
//! time, randomness, storage and hashing come in through the ports in [`ports`].

pub mod access;
pub mod audit;
pub mod bulk;
pub mod client;
pub mod clinic_keys;
pub mod database;
pub mod deadline;
pub mod dkim;
pub mod error;
pub mod limits;
pub mod offline;
pub mod outbox;
pub mod password;
pub mod policy;
pub mod ports;
pub mod recovery;
pub mod role;
pub mod seal;
pub mod sensitive;
pub mod session;
pub mod settings;
pub mod staff;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod time;
pub mod token;
pub mod validate;

pub use error::{CoreError, CoreResult, ErrorCode, StoreError};
pub use role::Role;
pub use sensitive::Sensitive;
pub use time::{Clock, Millis, SystemClock};
