//! Secrets in the OS keyring. Values come back wrapped in [`Sensitive`], whose `Debug` never
//! shows them.

pub use vetdesk_core::Sensitive;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "The system keyring is not available ({0}). On Linux, install and unlock a Secret \
         Service keyring such as GNOME Keyring; VetDesk keeps passwords only there."
    )]
    Unavailable(String),
    #[error("The system keyring refused the request: {0}")]
    Other(String),
}

/// Where named secrets live. Blocking: call it off the async runtime.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError>;
    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError>;
    /// A secret stored as bytes: for a key whose text form would not fit the Windows credential
    /// store (2560 bytes, and text is stored there as UTF-16).
    fn get_bytes(&self, name: &str) -> Result<Option<Sensitive<Vec<u8>>>, SecretError>;
    fn set_bytes(&self, name: &str, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError>;
    /// Removes a secret of either kind; removing one that is not there is not an error.
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// The OS keyring, with every entry under one service name.
pub struct Keyring {
    service: String,
}

impl Keyring {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(map)
    }
}

fn map(err: keyring::Error) -> SecretError {
    match err {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            SecretError::Unavailable(e.to_string())
        }
        other => SecretError::Other(other.to_string()),
    }
}

impl SecretStore for Keyring {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.entry(name)?.set_password(value.expose()).map_err(map)
    }

    fn get_bytes(&self, name: &str) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        match self.entry(name)?.get_secret() {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    fn set_bytes(&self, name: &str, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        self.entry(name)?.set_secret(value.expose()).map_err(map)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_never_print() {
        let s = Sensitive::new("hunter2-smtp".to_string());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(s.expose(), "hunter2-smtp");
    }
}
