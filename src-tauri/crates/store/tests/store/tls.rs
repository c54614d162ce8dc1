//! TLS toward the clinic's PostgreSQL server, against the two real servers `tests/setup.sh test`
//! starts for it: one that offers no TLS (`VETDESK_TEST_PG_PLAIN_URL`), and one whose certificate
//! names `localhost` only and was issued by a test CA (`VETDESK_TEST_PG_TLS_URL`, the CA's
//! certificate in `VETDESK_TEST_PG_CA_FILE`). TLS asked of the first is refused in words that say
//! what to do; full verification of the second passes only with that CA and that name, and says
//! otherwise that it was the certificate. The tests connect to the servers' maintenance databases
//! only, and write nothing.

use std::net::IpAddr;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use vetdesk_core::database::{is_this_computer, DatabaseTls, ServerAddress};
use vetdesk_store::postgres::connect::{self, test_connection};
use vetdesk_store::postgres::{ConnectError, SchemaState};

/// The server that offers no TLS.
const PLAIN_URL: &str = "VETDESK_TEST_PG_PLAIN_URL";
/// The server whose certificate, for `localhost` only, the test CA issued.
const TLS_URL: &str = "VETDESK_TEST_PG_TLS_URL";
/// The test CA's certificate (PEM).
const CA_FILE: &str = "VETDESK_TEST_PG_CA_FILE";
/// A self-signed certificate that issued neither server's: the one Debian's ssl-cert package,
/// which its PostgreSQL packages need, makes for the machine.
const STRANGER_CA: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
const SETUP: &str = "run `bash tests/setup.sh test` once, then `bash tests/run.sh`";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need the PostgreSQL servers without and with TLS \
             that tests/setup.sh starts ({SETUP}), or set it"
        )
    })
}

/// The test CA's certificate file, which must be there: sqlx reports a CA file it cannot read
/// as a broken connection, not as the certificate.
fn ca_file() -> String {
    let path = env(CA_FILE);
    assert!(
        std::path::Path::new(&path).is_file(),
        "{CA_FILE} names {path}, which is not a file: {SETUP}"
    );
    path
}

/// The server `$var` names, as a workstation's Setup › Database would hold it with `tls`, and
/// the password its URL carries.
fn address(var: &str, tls: DatabaseTls) -> (ServerAddress, Option<String>) {
    let url = env(var);
    let options = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("{var} is not a postgres:// URL ({e})"));
    let address = ServerAddress {
        host: options.get_host().to_string(),
        port: options.get_port(),
        database: options.get_database().unwrap_or("postgres").to_string(),
        user: options.get_username().to_string(),
        tls,
    };
    let password = vetdesk_testkit::postgres::password_of(&url);
    (address, password)
}

/// Connects as Test connection does and finds the maintenance database empty of tables.
async fn connects(address: &ServerAddress, password: Option<&str>) {
    match test_connection(&connect::options(address, password)).await {
        Ok(state) => assert_eq!(state, SchemaState::Empty, "{address:?}"),
        Err(e) => panic!(
            "{address:?} did not connect ({}): {e}\nWhen the test servers are not running or \
             are not set up, {SETUP}",
            e.kind()
        ),
    }
}

async fn failure(address: &ServerAddress, password: Option<&str>) -> ConnectError {
    match test_connection(&connect::options(address, password)).await {
        Ok(state) => panic!("{address:?} connected: {state:?}"),
        Err(e) => e,
    }
}

/// Full verification refuses `address`, and says it was the certificate.
async fn refused_certificate(address: &ServerAddress, password: Option<&str>) {
    let e = failure(address, password).await;
    assert!(
        matches!(e, ConnectError::Certificate(_)),
        "{address:?}: {e:?}"
    );
    assert_eq!(e.kind(), "certificate", "{e}");
    assert!(e.to_string().contains("Check the CA file"), "{e}");
}

/// The server's IPv4 address: the same server, by a name its certificate does not carry.
async fn ipv4_of(address: &ServerAddress) -> String {
    let found = tokio::net::lookup_host((address.host.as_str(), address.port))
        .await
        .unwrap_or_else(|e| panic!("cannot resolve {}: {e}", address.host));
    let ip = found
        .map(|socket| socket.ip())
        .find(IpAddr::is_ipv4)
        .unwrap_or_else(|| panic!("{} has no IPv4 address", address.host));
    ip.to_string()
}

/// A server that offers no TLS is reached in plain TCP on this computer; asked for TLS, with or
/// without verifying its certificate, it is refused as one that does not offer TLS, in words
/// that say to turn it on.
#[tokio::test]
async fn a_server_without_tls_is_refused_when_tls_is_asked_for() {
    let (plain, password) = address(PLAIN_URL, DatabaseTls::Off);
    let password = password.as_deref();
    assert!(is_this_computer(&plain.host), "{PLAIN_URL}: {plain:?}");
    connects(&plain, password).await;

    let verified = DatabaseTls::VerifyFull {
        ca_file: Some(ca_file()),
    };
    for tls in [DatabaseTls::Required, verified] {
        let asked = ServerAddress {
            tls,
            ..plain.clone()
        };
        let e = failure(&asked, password).await;
        assert!(matches!(e, ConnectError::TlsNotOffered), "{asked:?}: {e:?}");
        assert_eq!(e.kind(), "tls_not_offered", "{e}");
        let message = e.to_string();
        assert!(message.contains("does not offer TLS"), "{message}");
        assert!(message.contains("Turn TLS on"), "{message}");
        assert!(message.contains("ssl = on"), "{message}");
    }
}

/// A server whose certificate the CA file's CA issued for the name it is reached by is
/// verified, and is also reached encrypted without verification.
#[tokio::test]
async fn a_certificate_for_the_servers_name_from_the_ca_file_is_verified() {
    let (required, password) = address(TLS_URL, DatabaseTls::Required);
    let password = password.as_deref();
    connects(&required, password).await;
    let verified = ServerAddress {
        tls: DatabaseTls::VerifyFull {
            ca_file: Some(ca_file()),
        },
        ..required
    };
    connects(&verified, password).await;
}

/// Full verification of that same server refuses, saying it was the certificate, each one
/// thing that does not check out: the server reached by its IP address, which its certificate
/// does not name; no CA file, so only the system's authorities, none of which issued it; and a
/// CA file whose CA did not issue it. The first connection shows that the server, the CA file
/// and the name pass together, so each refusal has that one cause.
#[tokio::test]
async fn a_certificate_that_does_not_check_out_is_refused() {
    let ca = ca_file();
    let (verified, password) = address(
        TLS_URL,
        DatabaseTls::VerifyFull {
            ca_file: Some(ca.clone()),
        },
    );
    let password = password.as_deref();
    connects(&verified, password).await;

    let by_ip = ServerAddress {
        host: ipv4_of(&verified).await,
        ..verified.clone()
    };
    assert_ne!(by_ip.host, verified.host, "{TLS_URL} must name the server");
    refused_certificate(&by_ip, password).await;
    let encrypted = ServerAddress {
        tls: DatabaseTls::Required,
        ..by_ip
    };
    connects(&encrypted, password).await;

    let system_roots = ServerAddress {
        tls: DatabaseTls::VerifyFull { ca_file: None },
        ..verified.clone()
    };
    refused_certificate(&system_roots, password).await;

    assert!(
        std::path::Path::new(STRANGER_CA).is_file(),
        "{STRANGER_CA} is missing: Debian's ssl-cert package makes it ({SETUP})"
    );
    let stranger = ServerAddress {
        tls: DatabaseTls::VerifyFull {
            ca_file: Some(STRANGER_CA.to_string()),
        },
        ..verified.clone()
    };
    refused_certificate(&stranger, password).await;

    // A CA file that is not there is the certificate's trouble, not the network's.
    let missing = ServerAddress {
        tls: DatabaseTls::VerifyFull {
            ca_file: Some("/nonexistent/vetdesk-ca.pem".to_string()),
        },
        ..verified
    };
    match failure(&missing, password).await {
        ConnectError::Certificate(detail) => assert!(detail.contains("CA file"), "{detail}"),
        other => panic!("a missing CA file answered {}: {other}", other.kind()),
    }
}
