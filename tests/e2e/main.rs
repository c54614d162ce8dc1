//! End to end: the real VetDesk binary in a real window (Xvfb), driven through tauri-driver and
//! WebKitWebDriver, sending through a real SMTP server process that the tests read mail back from.
//! Run by `tests/run.sh`; without a display or tauri-driver these tests fail, they never skip.

#![allow(clippy::unwrap_used)]

mod first_run;
mod flows;
mod harness;
mod mail_preview;
mod session;
