//! The core's keyring port for a server that holds no SMTP password or DKIM key: in this phase
//! it sends no mail, and those live in the keyrings of the workstations that do.

use async_trait::async_trait;
use vetdesk_core::ports::Keyring;
use vetdesk_core::{CoreError, CoreResult, Sensitive};

pub struct NoSmtpPassword;

#[async_trait]
impl Keyring for NoSmtpPassword {
    async fn smtp_password(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(None)
    }

    async fn set_smtp_password(&self, _password: Option<Sensitive<String>>) -> CoreResult<()> {
        Err(CoreError::Forbidden(
            "vetdesk-server keeps no SMTP password. Set it in VetDesk, under Setup › Settings."
                .into(),
        ))
    }

    async fn dkim_key(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(None)
    }

    async fn set_dkim_key(&self, _pem: Option<Sensitive<String>>) -> CoreResult<()> {
        Err(CoreError::Forbidden(
            "vetdesk-server keeps no DKIM key. Set it in VetDesk, under Setup › Settings › Mail."
                .into(),
        ))
    }
}
