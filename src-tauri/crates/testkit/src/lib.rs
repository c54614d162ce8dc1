//! Test support shared by the crates' integration tests and the end-to-end tests. Nothing here
//! ships in the app.

#![allow(clippy::unwrap_used)]

pub mod dkim;
pub mod postgres;
pub mod proxy;
pub mod secrets;
pub mod smtp;
