//! The core's ports that need an async runtime or the network, shared by the desktop app and
//! `vetdesk-server`: password hashing on the blocking pool and the breached-password lookup.

pub mod breach;
pub mod hashing;

pub use breach::RangeLookup;
pub use hashing::BlockingHashing;
