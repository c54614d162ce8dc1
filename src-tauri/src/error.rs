use serde::Serialize;
use vetdesk_core::{CoreError, ErrorCode};

/// What every command answers on failure: a code the UI branches on, words for a person, and
/// the form field they belong under (a command argument, or a path inside one).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub retry_after_secs: Option<u32>,
}

impl From<CoreError> for CommandError {
    fn from(err: CoreError) -> Self {
        if matches!(
            err,
            CoreError::Store(_) | CoreError::Keyring(_) | CoreError::Internal(_)
        ) {
            tracing::warn!(error = %err, "command failed");
        }
        Self {
            code: err.code(),
            message: err.to_string(),
            field: err.field().map(str::to_string),
            retry_after_secs: err
                .retry_after_secs()
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
        }
    }
}

impl From<vetdesk_mail::MailError> for CommandError {
    fn from(err: vetdesk_mail::MailError) -> Self {
        Self {
            code: ErrorCode::Failed,
            message: err.to_string(),
            field: None,
            retry_after_secs: None,
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
