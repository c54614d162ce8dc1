use serde::Serialize;
use vetdesk_core::{CoreError, ErrorCode};

/// What every command answers on failure: a code the UI branches on and words for a person.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_secs: Option<u32>,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }
}

impl From<CoreError> for CommandError {
    fn from(err: CoreError) -> Self {
        if matches!(err, CoreError::Store(_) | CoreError::Internal(_)) {
            tracing::warn!(error = %err, "command failed");
        }
        Self {
            code: err.code(),
            message: err.to_string(),
            retry_after_secs: err
                .retry_after_secs()
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
        }
    }
}

impl From<vetdesk_secrets::SecretError> for CommandError {
    fn from(err: vetdesk_secrets::SecretError) -> Self {
        tracing::warn!(error = %err, "keyring");
        Self::new(ErrorCode::KeyringUnavailable, err.to_string())
    }
}

impl From<vetdesk_mail::MailError> for CommandError {
    fn from(err: vetdesk_mail::MailError) -> Self {
        Self::new(ErrorCode::MailFailed, err.to_string())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
