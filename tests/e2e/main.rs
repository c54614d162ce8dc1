//! End to end: the real VetDesk binary in a real window (Xvfb), driven through tauri-driver and
//! WebKitWebDriver, sending through a real SMTP server process that the tests read mail back from;
//! the emails' links opened in headless Chromium (chromedriver) on the real `vetdesk-server`.
//! Run by `tests/run.sh`; without a display or tauri-driver these tests fail, they never skip.

#![allow(clippy::unwrap_used)]

mod browser;
mod clinic_web;
mod desktop;
mod first_run;
mod flows;
mod harness;
mod installed;
mod mail_preview;
mod mailbox;
mod portal;
mod postgres;
mod process;
mod session;
mod staff_web_reset;
