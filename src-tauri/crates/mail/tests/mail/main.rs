//! Integration tests for vetdesk-mail against a real SMTP server process (aiosmtpd, started by
//! the tests themselves; see `server.rs`). A server that cannot be started fails the test.

#![allow(clippy::unwrap_used)]

mod dispatcher;
mod fake_store;
mod logging;
mod preview;
mod smtp;
mod support;
