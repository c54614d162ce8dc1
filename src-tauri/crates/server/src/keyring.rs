//! The core's keyring port for the server: the SMTP password and the DKIM key come from files
//! named by `VETDESK_SMTP_PASSWORD_FILE` and `VETDESK_DKIM_KEY_FILE`, read once at start. A
//! server has no OS keyring to keep them in, and it never changes them: they are set in VetDesk
//! on a workstation and given to the server by its administrator.

use std::path::Path;

use async_trait::async_trait;
use vetdesk_core::dkim::DkimKey;
use vetdesk_core::ports::{Keyring, MailSecrets};
use vetdesk_core::{CoreError, CoreResult, Sensitive};

use crate::secret_file::{self, SecretFileError};

/// The mail secrets the server was given, if any.
#[derive(Debug, Clone, Default)]
pub struct FileKeyring {
    secrets: MailSecrets,
}

impl FileKeyring {
    /// No SMTP password and no DKIM key: a server that only serves pages.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads the files given. The DKIM key is checked as VetDesk checks a pasted one, so that
    /// a wrong file stops the start instead of failing every email later.
    pub fn from_files(
        smtp_password: Option<&Path>,
        dkim_key: Option<&Path>,
    ) -> Result<Self, SecretFileError> {
        let smtp_password = match smtp_password {
            Some(path) => Some(secret_file::one_line(&secret_file::read(
                "SMTP password",
                path,
            )?)),
            None => None,
        };
        let dkim_key = match dkim_key {
            Some(path) => {
                let pem = secret_file::read("DKIM key", path)?;
                DkimKey::from_pem(pem.expose()).map_err(|e| SecretFileError::Invalid {
                    what: "DKIM key",
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                Some(pem)
            }
            None => None,
        };
        Ok(Self {
            secrets: MailSecrets {
                smtp_password,
                dkim_key,
            },
        })
    }

    /// What the SMTP transport signs in and signs with.
    pub fn mail_secrets(&self) -> MailSecrets {
        self.secrets.clone()
    }
}

#[async_trait]
impl Keyring for FileKeyring {
    async fn smtp_password(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(self.secrets.smtp_password.clone())
    }

    async fn set_smtp_password(&self, _password: Option<Sensitive<String>>) -> CoreResult<()> {
        Err(CoreError::Forbidden(
            "vetdesk-server reads the SMTP password from the file named by \
             VETDESK_SMTP_PASSWORD_FILE and never changes it. Set it in VetDesk, under Setup › \
             Settings › Mail, and give the server the same password in that file."
                .into(),
        ))
    }

    async fn dkim_key(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(self.secrets.dkim_key.clone())
    }

    async fn set_dkim_key(&self, _pem: Option<Sensitive<String>>) -> CoreResult<()> {
        Err(CoreError::Forbidden(
            "vetdesk-server reads the DKIM key from the file named by VETDESK_DKIM_KEY_FILE and \
             never changes it. Set it in VetDesk, under Setup › Settings › Mail, and give the \
             server the same key in that file."
                .into(),
        ))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn owner_only(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("the test file is written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("the test file takes its mode");
        path
    }

    #[tokio::test]
    async fn the_files_give_the_secrets_and_nothing_can_change_them() {
        let dir = tempfile::tempdir().unwrap();
        let password = owner_only(dir.path(), "smtp", "relay password\n");
        let keyring = FileKeyring::from_files(Some(&password), None).unwrap();
        assert_eq!(
            keyring.smtp_password().await.unwrap().unwrap().expose(),
            "relay password"
        );
        assert!(keyring.dkim_key().await.unwrap().is_none());
        let secrets = keyring.mail_secrets();
        assert_eq!(
            secrets.smtp_password.unwrap().expose().as_str(),
            "relay password"
        );
        assert!(keyring.set_smtp_password(None).await.is_err());
        assert!(keyring.set_dkim_key(None).await.is_err());
        assert!(FileKeyring::empty()
            .smtp_password()
            .await
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_file_that_is_no_dkim_key_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let wrong = owner_only(dir.path(), "dkim.pem", "not a key at all, hunter2");
        let err = FileKeyring::from_files(None, Some(&wrong)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("DKIM key"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
