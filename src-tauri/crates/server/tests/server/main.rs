//! `vetdesk-server` as clinics run it: the real binary on a SQLite clinic database seeded
//! through the store and the core, driven over HTTP, HTTPS and through a real nginx, sending
//! mail to a real SMTP server.

#![allow(clippy::unwrap_used)]

mod dispatch;
mod guard;
mod https;
mod nginx;
mod pages;
mod portal;
mod process;
mod reset;
mod running;
mod support;
