//! `#[tauri::command]` adapters: take the state, call the core, map the error. No decisions here.

pub mod account;
pub mod activity;
pub mod bulk;
pub mod clients;
pub mod database;
pub mod preview;
pub mod settings;
pub mod setup;
pub mod staff;
