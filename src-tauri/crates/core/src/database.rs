//! Where a workstation's clinic database is: the local SQLite file, or the clinic's PostgreSQL
//! server. This is the workstation's own choice (every workstation of a clinic names the same
//! server), kept beside the app rather than in the clinic's settings. The server's password is
//! never part of it: it waits in the OS keyring, or for vetdesk-server in a file of its own.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::validate::Field;

pub const HOST: Field = Field::new("database.host", "Server");
pub const PORT: Field = Field::new("database.port", "Port");
pub const NAME: Field = Field::new("database.database", "Database");
pub const USER: Field = Field::new("database.user", "User");
pub const TLS: Field = Field::new("database.tls", "TLS");
pub const CA_FILE: Field = Field::new("database.caFile", "CA file");
pub const URL: Field = Field::new("database.url", "Database URL");

/// PostgreSQL's longest identifier, in bytes.
const IDENTIFIER_MAX: usize = 63;
const HOST_MAX: usize = 253;
pub const DEFAULT_PORT: u16 = 5432;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DatabaseLocation {
    /// The SQLite file in this workstation's data folder.
    #[default]
    Local,
    /// The clinic's PostgreSQL server.
    Server(ServerAddress),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ServerAddress {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: DatabaseTls,
}

/// How the connection to the server is protected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum DatabaseTls {
    /// Plain TCP: only for a server on this computer, where nothing crosses a network.
    Off,
    /// Encrypted, without checking whose certificate the server shows.
    Required,
    /// Encrypted to a server whose certificate names its host and chains to `ca_file` (a PEM
    /// file), or to the system's authorities when there is none.
    #[serde(rename_all = "camelCase")]
    VerifyFull { ca_file: Option<String> },
}

impl DatabaseTls {
    /// The word libpq and sqlx take as `sslmode`.
    pub fn ssl_mode(&self) -> &'static str {
        match self {
            DatabaseTls::Off => "disable",
            DatabaseTls::Required => "require",
            DatabaseTls::VerifyFull { .. } => "verify-full",
        }
    }
}

/// Whether `host` is this computer: a name or address that never leaves it, or a Unix socket
/// folder.
pub fn is_this_computer(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]"
    ) || host.starts_with('/')
}

impl ServerAddress {
    /// Trims what a person typed and checks it; the address to connect to, or what to fix.
    pub fn validated(mut self) -> CoreResult<Self> {
        self.host = self.host.trim().to_string();
        self.database = self.database.trim().to_string();
        self.user = self.user.trim().to_string();
        let host_ok = !self.host.is_empty()
            && self.host.len() <= HOST_MAX
            && !self
                .host
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "@?#,\\".contains(c));
        if !host_ok {
            return Err(CoreError::invalid(
                HOST,
                "Enter the database server's name or IP address, for example db.clinic.lan.",
            ));
        }
        if self.port == 0 {
            return Err(CoreError::invalid(
                PORT,
                "Enter the server's port (PostgreSQL's is usually 5432).",
            ));
        }
        for (field, value, what) in [
            (NAME, &self.database, "the name of the clinic's database"),
            (USER, &self.user, "the database user VetDesk signs in as"),
        ] {
            if value.is_empty()
                || value.len() > IDENTIFIER_MAX
                || value.chars().any(char::is_control)
            {
                return Err(CoreError::invalid(
                    field,
                    format!("Enter {what} (at most {IDENTIFIER_MAX} characters)."),
                ));
            }
        }
        match &mut self.tls {
            DatabaseTls::Off if !is_this_computer(&self.host) => {
                return Err(CoreError::invalid(
                    TLS,
                    "TLS can be off only for a server on this computer: a password and the \
                     clinic's data would cross the network unprotected. Choose to encrypt, or \
                     to verify the server's certificate.",
                ));
            }
            DatabaseTls::VerifyFull { ca_file } => {
                let trimmed = ca_file.as_deref().map(str::trim).unwrap_or_default();
                if trimmed.is_empty() {
                    *ca_file = None;
                } else if !std::path::Path::new(trimmed).is_absolute() {
                    return Err(CoreError::invalid(
                        CA_FILE,
                        "Give the full path of the CA certificate file (PEM).",
                    ));
                } else {
                    *ca_file = Some(trimmed.to_string());
                }
            }
            _ => {}
        }
        Ok(self)
    }

    /// `postgres://user@host:port/database?sslmode=…`: the address without any secret, as the
    /// status bar shows it and vetdesk-server takes it.
    pub fn url(&self) -> String {
        let mut url = url::Url::parse("postgres://placeholder").expect("a constant URL");
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let _ = url.set_host(Some(&host));
        let _ = url.set_port(Some(self.port));
        let _ = url.set_username(&self.user);
        url.set_path(&self.database);
        url.query_pairs_mut()
            .append_pair("sslmode", self.tls.ssl_mode());
        if let DatabaseTls::VerifyFull { ca_file: Some(ca) } = &self.tls {
            url.query_pairs_mut().append_pair("sslrootcert", ca);
        }
        url.to_string()
    }

    /// Reads a `postgres://` URL. One that carries a password is refused: a URL is shown, typed
    /// on command lines and kept in service files, where others read it.
    pub fn from_url(text: &str) -> CoreResult<Self> {
        let bad = |message: &str| CoreError::invalid(URL, message);
        let url = url::Url::parse(text.trim()).map_err(|_| {
            bad("That is not a database URL. Use postgres://user@server:5432/database.")
        })?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(bad(
                "A server database URL starts with postgres://, for example \
                 postgres://vetdesk@db.clinic.lan:5432/vetdesk.",
            ));
        }
        if url.password().is_some() {
            return Err(bad(
                "A database URL must not carry a password: it would be visible to others. \
                 Give the password separately.",
            ));
        }
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| bad("The database URL has a badly encoded part."))
        };
        let mut tls = DatabaseTls::VerifyFull { ca_file: None };
        let mut ca_file = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "sslmode" => {
                    tls = match value.as_ref() {
                        "disable" => DatabaseTls::Off,
                        "require" => DatabaseTls::Required,
                        "verify-full" => DatabaseTls::VerifyFull { ca_file: None },
                        _ => {
                            return Err(bad(
                                "sslmode must be disable (this computer only), require or \
                                 verify-full.",
                            ))
                        }
                    }
                }
                "sslrootcert" => ca_file = Some(value.to_string()),
                _ => return Err(bad("The database URL takes only sslmode and sslrootcert.")),
            }
        }
        if let DatabaseTls::VerifyFull { ca_file: ca } = &mut tls {
            *ca = ca_file;
        }
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        ServerAddress {
            host,
            port: url.port().unwrap_or(DEFAULT_PORT),
            database: decode(url.path().trim_start_matches('/'))?,
            user: decode(url.username())?,
            tls,
        }
        .validated()
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(host: &str, tls: DatabaseTls) -> ServerAddress {
        ServerAddress {
            host: host.into(),
            port: 5432,
            database: "vetdesk".into(),
            user: "frontdesk".into(),
            tls,
        }
    }

    fn field_of(result: CoreResult<ServerAddress>) -> Option<&'static str> {
        match result {
            Err(CoreError::InvalidInput { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn tls_is_off_only_for_this_computer() {
        for host in ["localhost", "127.0.0.1", "::1", "/var/run/postgresql"] {
            assert!(
                address(host, DatabaseTls::Off).validated().is_ok(),
                "{host}"
            );
        }
        let remote = address("db.clinic.lan", DatabaseTls::Off).validated();
        assert_eq!(field_of(remote), Some("database.tls"));
        assert!(address("db.clinic.lan", DatabaseTls::Required)
            .validated()
            .is_ok());
    }

    #[test]
    fn bad_fields_are_named() {
        let mut a = address(" ", DatabaseTls::Required);
        assert_eq!(field_of(a.clone().validated()), Some("database.host"));
        a.host = "db".into();
        a.port = 0;
        assert_eq!(field_of(a.clone().validated()), Some("database.port"));
        a.port = 5432;
        a.database = "x".repeat(64);
        assert_eq!(field_of(a.clone().validated()), Some("database.database"));
        a.database = "vetdesk".into();
        a.user = String::new();
        assert_eq!(field_of(a.clone().validated()), Some("database.user"));
        a.user = "u".into();
        a.tls = DatabaseTls::VerifyFull {
            ca_file: Some("ca.pem".into()),
        };
        assert_eq!(field_of(a.validated()), Some("database.caFile"));
    }

    #[test]
    fn urls_round_trip_and_never_carry_a_password() {
        let a = address(
            "db.clinic.lan",
            DatabaseTls::VerifyFull {
                ca_file: Some("/etc/vetdesk/ca.pem".into()),
            },
        );
        let url = a.url();
        assert_eq!(
            url,
            "postgres://frontdesk@db.clinic.lan:5432/vetdesk?sslmode=verify-full&sslrootcert=%2Fetc%2Fvetdesk%2Fca.pem"
        );
        assert_eq!(ServerAddress::from_url(&url).unwrap(), a);
        let v6 = address("::1", DatabaseTls::Off);
        assert_eq!(ServerAddress::from_url(&v6.url()).unwrap(), v6);
        let with_password = ServerAddress::from_url("postgres://u:hunter2@db/v");
        let Err(CoreError::InvalidInput { message, .. }) = with_password else {
            panic!("a password is refused");
        };
        assert!(message.contains("password") && !message.contains("hunter2"));
        for bad in [
            "mysql://u@db/v",
            "postgres://u@db/v?sslmode=prefer",
            "postgres://u@db.clinic.lan/v?sslmode=disable",
            "postgres://u@db/v?application_name=x",
            "not a url",
        ] {
            assert!(ServerAddress::from_url(bad).is_err(), "{bad}");
        }
        // Without sslmode, the certificate is checked.
        let plain = ServerAddress::from_url("postgresql://u@db/v").unwrap();
        assert_eq!(plain.tls, DatabaseTls::VerifyFull { ca_file: None });
    }
}
