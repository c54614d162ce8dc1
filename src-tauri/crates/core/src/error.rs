use serde::Serialize;

/// The few codes the UI branches on. Add one only when a screen needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    InvalidInput,
    InvalidCredentials,
    Throttled,
    Forbidden,
    NotFound,
    NotSignedIn,
    TokenInvalid,
    WeakPassword,
    PasswordMismatch,
    NoEmail,
    ResendTooSoon,
    MailFailed,
    KeyringUnavailable,
    Storage,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("The database is busy or locked by another program. Wait a moment and try again.")]
    Busy,
    #[error("The database file is read-only. Check the permissions of the VetDesk data folder.")]
    ReadOnly,
    #[error("The database cannot be reached: {0}")]
    Unavailable(String),
    #[error("That change conflicts with existing data: {0}")]
    Conflict(String),
    #[error("Database error: {0}")]
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("The username or password is not right.")]
    InvalidCredentials,
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    Throttled { retry_after_secs: u64 },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found.")]
    NotFound(&'static str),
    #[error("Your session has ended. Please sign in again.")]
    NotSignedIn,
    #[error(
        "This reset link or code is no longer valid: it may have expired, been used, or been \
         replaced by a newer one. Ask for a new one."
    )]
    TokenInvalid,
    #[error("{0}")]
    WeakPassword(String),
    #[error("The two passwords do not match.")]
    PasswordMismatch,
    #[error("{0}")]
    NoEmail(String),
    #[error(
        "A reset email went to this address less than a minute ago. Resend is available in \
         {retry_after_secs} seconds."
    )]
    ResendTooSoon { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidInput(_) => ErrorCode::InvalidInput,
            CoreError::InvalidCredentials => ErrorCode::InvalidCredentials,
            CoreError::Throttled { .. } => ErrorCode::Throttled,
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::NotSignedIn => ErrorCode::NotSignedIn,
            CoreError::TokenInvalid => ErrorCode::TokenInvalid,
            CoreError::WeakPassword(_) => ErrorCode::WeakPassword,
            CoreError::PasswordMismatch => ErrorCode::PasswordMismatch,
            CoreError::NoEmail(_) => ErrorCode::NoEmail,
            CoreError::ResendTooSoon { .. } => ErrorCode::ResendTooSoon,
            CoreError::Store(_) => ErrorCode::Storage,
            CoreError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            CoreError::Throttled { retry_after_secs }
            | CoreError::ResendTooSoon { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::InvalidInput(message.into())
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
