//! `#[tauri::command]` adapters: take the state, call the core, map the error. No decisions here.

use vetdesk_core::{CoreError, ErrorCode};

use crate::clinic::Clinic;
use crate::error::{CommandError, CommandResult};

/// Reads with the clinic database, or with this computer's copy of it while the clinic's server
/// cannot be reached, also when this very call is the one that finds it gone.
macro_rules! read {
    ($clinic:expr, |$r:ident| $call:expr) => {{
        let $r = $clinic.reader();
        match $clinic.unless_gone($call).await {
            Err(e) if $clinic.went_offline(&e) => {
                let $r = $clinic.reader();
                $call.await
            }
            other => other,
        }
    }};
}

pub mod about;
pub mod account;
pub mod activity;
pub mod bulk;
pub mod clients;
pub mod connection;
pub mod database;
pub mod keys;
pub mod move_server;
pub mod preview;
pub mod settings;
pub mod setup;
pub mod staff;

/// Refuses what only the clinic database can do while its server cannot be reached.
pub(crate) fn require_online(clinic: &Clinic, why: &str) -> CommandResult<()> {
    match clinic.offline_now() {
        Some(_) => Err(failed(why)),
        None => Ok(()),
    }
}

/// The answer of a change the server stopped answering in the middle of: said plainly, since
/// whether it was done is for the server to tell once it is back.
/// A call stuck on a connection that died without a word is given up once the server is found
/// gone (see [`Clinic::unless_gone`]).
pub(crate) async fn unless_stopped<T>(
    clinic: &Clinic,
    call: impl std::future::Future<Output = Result<T, CoreError>>,
) -> CommandResult<T> {
    match clinic.unless_gone(call).await {
        Err(e) if clinic.went_offline(&e) => Err(failed(STOPPED_ANSWERING)),
        other => Ok(other?),
    }
}

pub const STOPPED_ANSWERING: &str = "The clinic database stopped answering while this was being \
     done. Check Activity when the connection is back before trying again.";

fn failed(message: &str) -> CommandError {
    CommandError {
        code: ErrorCode::Failed,
        message: message.to_string(),
        field: None,
        retry_after_secs: None,
    }
}
