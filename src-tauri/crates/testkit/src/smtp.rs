//! Starts the SMTP server in `smtp-server/smtp_server.py` on a free port and reads back
//! what it received. The process is killed when the handle is dropped.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use tempfile::TempDir;

const START_TIMEOUT: Duration = Duration::from_secs(20);
const INSTALL_HINT: &str = "Install the test SMTP server with:\n  \
     python3 -m venv src-tauri/crates/testkit/smtp-server/.venv && \
     src-tauri/crates/testkit/smtp-server/.venv/bin/pip install -r \
     src-tauri/crates/testkit/smtp-server/requirements.txt\n\
     (or point VETDESK_TEST_PYTHON at a Python that has aiosmtpd and dkimpy)";

#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    pub tls: Option<TlsMode>,
    pub auth: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    StartTls,
    Implicit,
}

/// A certificate authority made for one test run, and a server certificate it signed for
/// `localhost` and `127.0.0.1`.
pub struct TestCerts {
    pub ca_pem: String,
    pub server_chain_pem: String,
    pub server_key_pem: String,
}

impl TestCerts {
    pub fn generate() -> TestCerts {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "VetDesk test clinic CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        TestCerts {
            ca_pem: ca_cert.pem(),
            server_chain_pem: format!("{}{}", cert.pem(), ca_cert.pem()),
            server_key_pem: key.serialize_pem(),
        }
    }
}

/// One message as the server received it.
#[derive(Debug)]
pub struct Received {
    pub raw: Vec<u8>,
    pub envelope: serde_json::Value,
}

/// The first recipient of each message, sorted: who got mail, in an order a test can compare.
pub fn recipients(mail: &[Received]) -> Vec<String> {
    let mut to: Vec<String> = mail
        .iter()
        .map(|m| {
            m.envelope["rcpt_tos"][0]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    to.sort();
    to
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(&self.raw)
            .expect("the server stored a parsable message")
    }
}

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

impl SmtpServer {
    pub fn start(options: &ServerOptions, certs: Option<&TestCerts>) -> SmtpServer {
        Self::start_on(0, options, certs)
    }

    /// Starts on `port` (0 for any free one) and returns once the server accepts connections.
    pub fn start_on(port: u16, options: &ServerOptions, certs: Option<&TestCerts>) -> SmtpServer {
        Self::launch(port, options, certs, None)
    }

    /// A slow server: it stores each message, then waits `data_delay` before it answers 250.
    /// A client that dies meanwhile has delivered a message it never saw accepted.
    pub fn start_slow(
        data_delay: Duration,
        options: &ServerOptions,
        certs: Option<&TestCerts>,
    ) -> SmtpServer {
        Self::launch(0, options, certs, Some(data_delay))
    }

    fn launch(
        port: u16,
        options: &ServerOptions,
        certs: Option<&TestCerts>,
        data_delay: Option<Duration>,
    ) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("received");
        let mut command = Command::new(python());
        command
            .arg(server_dir().join("smtp_server.py"))
            .arg("--port")
            .arg(port.to_string())
            .arg("--maildir")
            .arg(&maildir)
            .current_dir(server_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(mode) = options.tls {
            let certs = certs.expect("a TLS server needs certificates");
            let cert = dir.path().join("server.pem");
            let key = dir.path().join("server.key");
            std::fs::write(&cert, &certs.server_chain_pem).unwrap();
            std::fs::write(&key, &certs.server_key_pem).unwrap();
            command.arg("--cert").arg(&cert).arg("--key").arg(&key);
            if mode == TlsMode::Implicit {
                command.arg("--implicit-tls");
            }
        }
        if let Some((user, password)) = &options.auth {
            command
                .arg("--user")
                .arg(user)
                .arg("--password")
                .arg(password);
        }
        if let Some(delay) = data_delay {
            command
                .arg("--data-delay")
                .arg(format!("{:.3}", delay.as_secs_f64()));
        }
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "could not start the test SMTP server with {:?}: {e}\n{INSTALL_HINT}",
                python()
            )
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = BufReader::new(stdout).read_line(&mut first);
            let _ = tx.send(first);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let Some(port) = line
            .strip_prefix("LISTENING ")
            .and_then(|p| p.trim().parse::<u16>().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            panic!("the test SMTP server did not start:\n{stderr}\n{INSTALL_HINT}");
        };
        SmtpServer {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// Everything received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(&self.maildir) else {
            return Vec::new();
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|eml| Received {
                raw: std::fs::read(&eml).unwrap(),
                envelope: serde_json::from_slice(
                    &std::fs::read(eml.with_extension("json")).unwrap(),
                )
                .unwrap(),
            })
            .collect()
    }

    /// How many messages have been received, without reading them (for benchmarks that send
    /// thousands).
    pub fn count(&self) -> usize {
        std::fs::read_dir(&self.maildir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
    }

    /// Waits briefly for `count` messages; the server stores each before it answers 250.
    pub fn wait_for(&self, count: usize) -> Vec<Received> {
        self.wait_for_within(count, Duration::from_secs(5))
    }

    /// Waits up to `within` for `count` messages (a long outbox run on a busy machine).
    pub fn wait_for_within(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

pub(crate) fn server_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp-server")
}

pub(crate) fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("VETDESK_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = server_dir().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}
