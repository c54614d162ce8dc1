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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-request range server that checks only a prefix arrives and answers `body`.
    async fn range_server(body: String) -> (String, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/range", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = vec![0u8; 4096];
            let n = socket.read(&mut request).await.unwrap();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&request[..n]).to_string()
        });
        (url, handle)
    }

    #[tokio::test]
    async fn only_the_hash_prefix_leaves_and_the_count_is_read() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        let (url, server) =
            range_server("0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365\r\n".into())
                .await;
        let seen = RangeLookup::default().times_seen(&url, "password").await;
        assert_eq!(seen, Some(9_659_365));
        let request = server.await.unwrap();
        assert!(request.starts_with("GET /range/5BAA6 "), "{request}");
        assert!(!request.contains("password"));
        assert!(!request.contains("1E4C9B93"));
    }

    #[tokio::test]
    async fn an_unlisted_password_counts_zero_and_an_unreachable_service_is_skipped() {
        let (url, _server) = range_server("0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n".into()).await;
        assert_eq!(
            RangeLookup::default().times_seen(&url, "password").await,
            Some(0)
        );
        let closed = vetdesk_testkit::smtp::free_port();
        let offline = format!("http://127.0.0.1:{closed}/range");
        assert_eq!(
            RangeLookup::default()
                .times_seen(&offline, "password")
                .await,
            None
        );
    }
}
