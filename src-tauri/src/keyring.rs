//! The core's keyring port over the OS keyring. Keyring calls block on D-Bus (or Keychain,
//! Credential Manager), so they run on the blocking pool.

use std::sync::Arc;

use async_trait::async_trait;
use vetdesk_core::dkim::DkimKey;
use vetdesk_core::ports::Keyring;
use vetdesk_core::{CoreError, CoreResult, Sensitive};
use vetdesk_secrets::{SecretError, SecretStore};

pub const SMTP_PASSWORD: &str = "smtp-password";
/// The DKIM private key, as PKCS#8 DER bytes: in PEM a 2048-bit key is too long for the Windows
/// credential store.
pub const DKIM_KEY: &str = "dkim-key";

/// The DKIM key in the keyring, as PEM. Blocking.
pub fn read_dkim_key(secrets: &dyn SecretStore) -> CoreResult<Option<Sensitive<String>>> {
    let der = secrets
        .get_bytes(DKIM_KEY)
        .map_err(|e| CoreError::Keyring(e.to_string()))?;
    der.map(|der| -> CoreResult<Sensitive<String>> {
        Ok(DkimKey::from_pkcs8_der(der.expose())?.to_pkcs8_pem())
    })
    .transpose()
}

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

    async fn dkim_key(&self) -> CoreResult<Option<Sensitive<String>>> {
        let der = self.blocking(|s| s.get_bytes(DKIM_KEY)).await?;
        der.map(|der| -> CoreResult<Sensitive<String>> {
            Ok(DkimKey::from_pkcs8_der(der.expose())?.to_pkcs8_pem())
        })
        .transpose()
    }

    async fn set_dkim_key(&self, pem: Option<Sensitive<String>>) -> CoreResult<()> {
        let der = pem
            .map(|pem| DkimKey::from_pem(pem.expose())?.to_pkcs8_der())
            .transpose()?;
        self.blocking(move |s| match &der {
            Some(der) => s.set_bytes(DKIM_KEY, der),
            None => s.delete(DKIM_KEY),
        })
        .await
    }
}
