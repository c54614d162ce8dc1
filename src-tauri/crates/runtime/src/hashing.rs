use async_trait::async_trait;
use vetdesk_core::ports::PasswordHashing;
use vetdesk_core::{password, CoreError};

/// argon2 on tokio's blocking pool, so a hash never stalls the runtime threads.
pub struct BlockingHashing;

#[async_trait]
impl PasswordHashing for BlockingHashing {
    async fn hash(&self, password: String) -> Result<String, CoreError> {
        tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| CoreError::Internal(format!("hashing task: {e}")))?
    }

    async fn verify(&self, password: String, stored: String) -> bool {
        tokio::task::spawn_blocking(move || password::verify(&password, &stored))
            .await
            .unwrap_or(false)
    }
}
