//! Breached-password lookup by k-anonymity: only the first five hex digits of the password's
//! SHA-1 leave the machine. Skipped (never blocking a reset) when offline or switched off.

use std::time::Duration;

use async_trait::async_trait;
use sha1::{Digest, Sha1};
use vetdesk_core::ports::BreachCheck;

pub struct RangeLookup {
    client: reqwest::Client,
}

impl Default for RangeLookup {
    fn default() -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .user_agent("VetDesk")
            .build()
            .unwrap_or_default();
        Self { client }
    }
}

#[async_trait]
impl BreachCheck for RangeLookup {
    async fn times_seen(&self, base: &str, password: &str) -> Option<u64> {
        let digest: String = Sha1::digest(password.as_bytes())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let (prefix, suffix) = digest.split_at(5);
        let url = format!("{}/{prefix}", base.trim_end_matches('/'));
        let body = match self.client.get(&url).send().await {
            Ok(r) if r.status().is_success() => r.text().await.ok()?,
            Ok(r) => {
                tracing::info!(status = %r.status(), "breach check unavailable");
                return None;
            }
            Err(e) => {
                tracing::info!(error = %e.without_url(), "breach check skipped");
                return None;
            }
        };
        Some(
            body.lines()
                .filter_map(|line| line.trim().split_once(':'))
                .find(|(s, _)| s.eq_ignore_ascii_case(suffix))
                .and_then(|(_, n)| n.trim().parse().ok())
                .unwrap_or(0),
        )
    }
}
