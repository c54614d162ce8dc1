//! Logs to a daily rolling file in the data folder. Nothing secret is ever passed to `tracing`:
//! tokens, codes and passwords only travel in types whose `Debug` is redacted.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub fn init(dir: &Path) -> Option<WorkerGuard> {
    crate::owner_only::create_dir(dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("vetdesk")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("VETDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
