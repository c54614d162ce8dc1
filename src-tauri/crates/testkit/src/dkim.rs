//! Checks a received message's DKIM signature with dkimpy (`smtp-server/dkim_verify.py`), an
//! implementation independent of the one that signed it, against one DNS TXT record given by
//! the test instead of looked up.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::smtp::{python, server_dir};

/// What dkimpy found.
#[derive(Debug, Clone)]
pub struct DkimCheck {
    pub valid: bool,
    pub domain: String,
    pub selector: String,
    /// The signed headers (`h=`), as the signature names them.
    pub headers: Vec<String>,
    /// `a=`, e.g. `rsa-sha256`.
    pub algorithm: String,
    /// `c=`, e.g. `relaxed/relaxed`.
    pub canonicalization: String,
    /// dkimpy's own account of the check, for a failing assertion's message.
    pub log: String,
}

/// Verifies `raw` as received, with `record_name` answering `record_value` and every other
/// name unknown.
pub fn verify(raw: &[u8], record_name: &str, record_value: &str) -> DkimCheck {
    let mut child = Command::new(python())
        .arg(server_dir().join("dkim_verify.py"))
        .arg(record_name)
        .arg(record_value)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Python for the DKIM check (see VETDESK_TEST_PYTHON)");
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dkim_verify.py failed (is dkimpy installed from smtp-server/requirements.txt?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = |key: &str| answer[key].as_str().unwrap_or_default().to_string();
    DkimCheck {
        valid: answer["valid"].as_bool().unwrap_or(false),
        domain: text("domain"),
        selector: text("selector"),
        headers: answer["headers"]
            .as_array()
            .map(|h| {
                h.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        algorithm: text("algorithm"),
        canonicalization: text("canonicalization"),
        log: text("log"),
    }
}
