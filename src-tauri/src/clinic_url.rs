//! Settings › Clinic asks whether the clinic web address reaches a live vetdesk-server: the
//! links in every email are built from it, so a typo or a server that is down means links that
//! lead nowhere.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Long enough for a server across the internet, short enough not to hold up the form.
const TIMEOUT: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ClinicUrlStatus {
    /// A VetDesk server answered and its database is reachable.
    pub live: bool,
    /// The server's version, when one answered.
    pub version: Option<String>,
    /// What was found, in words for the admin.
    pub message: String,
}

/// What `/healthz` answers.
#[derive(Deserialize)]
struct Health {
    status: String,
    version: String,
    database: String,
}

/// Asks `{base}/healthz`; `base` has been checked as a clinic URL already.
pub async fn check(base: &str) -> ClinicUrlStatus {
    let url = format!("{}/healthz", base.trim_end_matches('/'));
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(e) => return down(format!("The check could not start: {e}")),
    };
    let response = match client.get(&url).send().await {
        Ok(response) => response,
        Err(e) if e.is_timeout() => {
            return down(format!(
                "{base} did not answer within {} seconds. Check the address, and that \
                 vetdesk-server is running there.",
                TIMEOUT.as_secs()
            ))
        }
        Err(e) if e.is_connect() => {
            return down(format!(
                "Nothing answered at {base}. Check the address, and that vetdesk-server is \
                 running there."
            ))
        }
        Err(_) => {
            return down(format!(
                "{base} could not be reached securely (check its certificate), or answered \
                 with something that is not a web page."
            ))
        }
    };
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let health: Option<Health> = serde_json::from_slice(&body).ok();
    match health {
        Some(h) if h.status == "ok" && h.database == "ok" => ClinicUrlStatus {
            live: true,
            message: format!("VetDesk server {} answers at {base}.", h.version),
            version: Some(h.version),
        },
        Some(h) => ClinicUrlStatus {
            live: false,
            message: format!(
                "VetDesk server {} answers at {base}, but it cannot reach its database: links \
                 in emails will not work until it can.",
                h.version
            ),
            version: Some(h.version),
        },
        None => down(format!(
            "{base} answered (HTTP {}), but not as a VetDesk server: links in emails need \
             vetdesk-server at this address.",
            status.as_u16()
        )),
    }
}

fn down(message: String) -> ClinicUrlStatus {
    ClinicUrlStatus {
        live: false,
        version: None,
        message,
    }
}
