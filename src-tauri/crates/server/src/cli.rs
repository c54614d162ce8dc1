//! The command line. Nothing secret is ever read from it: a command line is visible to every
//! user of the machine (`ps`, `/proc`) and lands in shell histories and service definitions.
//! Secrets (the clinic's outbox key, the SMTP password, the DKIM key) are read from files that
//! only the server's account can read; the command line and the environment only name them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use vetdesk_core::database::ServerAddress;

#[derive(Debug, Parser)]
#[command(
    name = "vetdesk-server",
    version,
    about = "Serves the clinic's web pages that links in VetDesk emails open, and sends the \
             clinic's queued emails when given its outbox key"
)]
pub struct Args {
    /// The clinic database: sqlite:/// followed by the absolute path of the database file that
    /// VetDesk set up, or the clinic's PostgreSQL server as every workstation names it
    /// (postgres://user@server:5432/database?sslmode=verify-full), without its password.
    #[arg(long, env = "VETDESK_DATABASE", value_name = "URL", value_parser = parse_database)]
    pub database: Database,

    /// The PostgreSQL user's password, alone in a file readable by its owner only (a final line
    /// break is not part of it). Needed when the server asks the database user for one.
    #[arg(long, env = "VETDESK_DATABASE_PASSWORD_FILE", value_name = "FILE")]
    pub database_password_file: Option<PathBuf>,

    /// The address and port to listen on.
    #[arg(long, value_name = "ADDRESS:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert. The file is read once at start; keep it readable only
    /// by the account that runs the server.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Take each client's address from the last entry of X-Forwarded-For, which the reverse
    /// proxy in front of this server appends. Only with such a proxy: a client that reaches the
    /// server directly could write any address there.
    #[arg(long)]
    pub trust_forwarded_for: bool,

    /// The clinic's outbox key, exported from VetDesk (Setup › Settings › Export key for
    /// vetdesk-server). With it the server sends the clinic's queued emails; without it, it only
    /// serves pages. The file must be readable by its owner only.
    #[arg(long, env = "VETDESK_DISPATCH_KEY_FILE", value_name = "FILE")]
    pub dispatch_key_file: Option<PathBuf>,

    /// The SMTP password, alone in a file readable by its owner only (a final line break is
    /// not part of it). Needed when the clinic's mail settings name an SMTP username.
    #[arg(long, env = "VETDESK_SMTP_PASSWORD_FILE", value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,

    /// The DKIM private key (PEM), in a file readable by its owner only. Needed when the
    /// clinic's mail settings turn DKIM signing on.
    #[arg(long, env = "VETDESK_DKIM_KEY_FILE", value_name = "FILE")]
    pub dkim_key_file: Option<PathBuf>,

    /// An extra certificate authority (PEM) to trust for SMTP besides the system's, for a
    /// clinic's own CA. Not a secret.
    #[arg(long, env = "VETDESK_SMTP_CA_FILE", value_name = "FILE")]
    pub smtp_ca_file: Option<PathBuf>,
}

impl Args {
    /// The certificate and key files, when the server serves HTTPS itself.
    pub fn tls(&self) -> Option<(PathBuf, PathBuf)> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
            _ => None,
        }
    }
}

/// Where the clinic database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(ServerAddress),
}

/// `sqlite:///absolute/path` or `postgres://user@server:port/database?sslmode=…`. A URL that
/// carries a password is refused, so that no password ever waits in a command line for others
/// to read.
pub fn parse_database(text: &str) -> Result<Database, String> {
    if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        return ServerAddress::from_url(text)
            .map(Database::Postgres)
            .map_err(|e| e.to_string());
    }
    let Some(rest) = text.strip_prefix("sqlite://") else {
        return Err(
            "Use sqlite:/// followed by the absolute path of the clinic database file, or \
             postgres://user@server:5432/database for the clinic's PostgreSQL server."
                .into(),
        );
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "A database URL must not carry a user name or password: a command line is visible \
             to every user of this machine."
                .into(),
        );
    }
    let file_url = url::Url::parse(&format!("file://{rest}"))
        .map_err(|e| format!("That database URL cannot be read: {e}."))?;
    if file_url.query().is_some() || file_url.fragment().is_some() {
        return Err("The database URL takes no options after the file path.".into());
    }
    let path = file_url.to_file_path().map_err(|()| {
        "Use sqlite:/// followed by an absolute path, for example \
         sqlite:///var/lib/vetdesk/vetdesk.sqlite3."
            .to_string()
    })?;
    Ok(Database::Sqlite(path))
}

#[cfg(test)]
mod tests {
    use vetdesk_core::database::DatabaseTls;

    use super::*;

    #[test]
    fn sqlite_urls_name_an_absolute_file() {
        assert_eq!(
            parse_database("sqlite:///var/lib/vetdesk/clinic.sqlite3"),
            Ok(Database::Sqlite("/var/lib/vetdesk/clinic.sqlite3".into()))
        );
        assert_eq!(
            parse_database("sqlite:///srv/front%20desk/v.sqlite3"),
            Ok(Database::Sqlite("/srv/front desk/v.sqlite3".into()))
        );
    }

    #[test]
    fn other_urls_and_passwords_are_refused() {
        for bad in [
            "mysql://vetdesk@db/vetdesk",
            "postgres://vetdesk@db.clinic.lan/vetdesk?sslmode=disable",
            "/var/lib/vetdesk/clinic.sqlite3",
            "sqlite://relative.sqlite3",
            "sqlite:///var/lib/v.sqlite3?mode=ro",
        ] {
            assert!(parse_database(bad).is_err(), "{bad}");
        }
        for with_password in [
            "sqlite://admin:hunter2@localhost/var/v.sqlite3",
            "postgres://vetdesk:hunter2@db/vetdesk",
        ] {
            let err = parse_database(with_password).unwrap_err();
            assert!(err.contains("password"), "{err}");
            assert!(!err.contains("hunter2"));
        }
    }

    #[test]
    fn postgres_urls_name_the_clinic_server() {
        let Ok(Database::Postgres(address)) =
            parse_database("postgres://vetdesk@db.clinic.lan:5433/clinic?sslmode=require")
        else {
            panic!("a postgres URL");
        };
        assert_eq!(
            (
                address.host.as_str(),
                address.port,
                address.database.as_str()
            ),
            ("db.clinic.lan", 5433, "clinic")
        );
        assert_eq!(address.tls, DatabaseTls::Required);
    }

    #[test]
    fn tls_needs_both_files() {
        let base = ["vetdesk-server", "--database", "sqlite:///tmp/v.sqlite3"];
        assert!(Args::try_parse_from(base).unwrap().tls().is_none());
        let mut one = base.to_vec();
        one.extend(["--tls-cert", "cert.pem"]);
        assert!(Args::try_parse_from(one).is_err());
        let mut both = base.to_vec();
        both.extend(["--tls-cert", "cert.pem", "--tls-key", "key.pem"]);
        assert!(Args::try_parse_from(both).unwrap().tls().is_some());
    }
}
