//! The core's keyring port over the OS keyring. Keyring calls block on D-Bus (or Keychain,
//! Credential Manager), so they run on the blocking pool.

use std::sync::Arc;

use async_trait::async_trait;
use vetdesk_core::ports::Keyring;
use vetdesk_core::{CoreError, CoreResult, Sensitive};
use vetdesk_secrets::{SecretError, SecretStore};

pub const SMTP_PASSWORD: &str = "smtp-password";

pub struct OsKeyring {
    secrets: Arc<dyn SecretStore>,
}

impl OsKeyring {
    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        Self { secrets }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
    ) -> CoreResult<T> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || call(secrets.as_ref()))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?
            .map_err(|e| {
                tracing::warn!(error = %e, "keyring");
                CoreError::Keyring(e.to_string())
            })
    }
}

#[async_trait]
impl Keyring for OsKeyring {
    async fn smtp_password(&self) -> CoreResult<Option<Sensitive<String>>> {
        self.blocking(|s| s.get(SMTP_PASSWORD)).await
    }

    async fn set_smtp_password(&self, password: Option<Sensitive<String>>) -> CoreResult<()> {
        self.blocking(move |s| match &password {
            Some(p) => s.set(SMTP_PASSWORD, p),
            None => s.delete(SMTP_PASSWORD),
        })
        .await
    }
}
