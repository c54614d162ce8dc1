//! `vetdesk-server`: the clinic's web pages that links in VetDesk emails open (the staff reset
//! page, the patient portal's set-password and sign-in pages), on the same core and clinic
//! database as the desktop app; the outbox dispatcher, when it is given the clinic's outbox key;
//! and a health check.

pub mod access_log;
pub mod app;
pub mod assets;
pub mod cli;
pub mod client;
pub mod clinic;
pub mod dispatch;
pub mod forms;
pub mod guard;
pub mod health;
pub mod keyring;
pub mod pages;
pub mod portal;
pub mod secret_file;
pub mod serve;
pub mod staff_reset;
pub mod state;

/// Parses the command line, starts logging and serves until a stop signal; exits with status 1
/// and a message when the server cannot start.
pub fn run() {
    use clap::Parser;
    let args = cli::Args::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("vetdesk-server could not start: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(serve::run(args)) {
        tracing::error!("vetdesk-server could not start: {e}");
        std::process::exit(1);
    }
}

/// Log lines on standard error, filtered by `VETDESK_LOG` (default `info`). Libraries below
/// warn level stay quiet: at debug and trace, HTTP libraries describe requests in detail.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("VETDESK_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,hyper=warn,hyper_util=warn,h2=warn,rustls=warn,sqlx=warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}
