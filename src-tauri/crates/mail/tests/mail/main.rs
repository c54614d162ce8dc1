//! Integration tests for vetdesk-mail against a real SMTP server process (aiosmtpd, started by
//! the tests themselves through `vetdesk_testkit::smtp`). A server that cannot be started fails
//! the test.

#![allow(clippy::unwrap_used)]

mod crash;
mod dispatcher;
mod dispatchers_pg;
mod dkim;
mod lease;
mod logging;
mod notices;
mod preview;
mod secrets;
mod shared;
mod smtp;
mod support;
