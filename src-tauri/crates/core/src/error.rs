use serde::Serialize;

use crate::validate::Field;

/// The few codes a screen or a test branches on. Add one only when a consumer needs it; every
/// other failure is `Failed`, and its message says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    // The message belongs under the form field named by `field`, when there is one.
    InvalidInput,
    InvalidCredentials,
    Throttled,
    Forbidden,
    NotFound,
    NotSignedIn,
    /// The screen is locked: the window asks for the signed-in person's password.
    Locked,
    /// The change needs the password entered within the last few minutes: the window asks for
    /// it in place and tries again.
    ReauthRequired,
    TokenInvalid,
    ResendTooSoon,
    Failed,
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
    /// An action replayed from a workstation's offline queue that the database already took.
    #[error("The clinic database already has this action.")]
    AlreadyApplied,
    #[error("Database error: {0}")]
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{message}")]
    InvalidInput {
        /// The key of the form field at fault (`clinic.name`, `email`), when one is.
        field: Option<&'static str>,
        message: String,
    },
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
    #[error("This workstation is locked. Enter your password to unlock it.")]
    Locked,
    #[error("Enter your password again to confirm this change.")]
    ReauthRequired,
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
        "An email with a link went to this address less than a minute ago. Resend is available \
         in {retry_after_secs} seconds."
    )]
    ResendTooSoon { retry_after_secs: u64 },
    /// Something the clinic must set up first (in Settings); the words say what and where.
    #[error("{0}")]
    NotConfigured(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The OS keyring refused or is missing; the words say which and what to do.
    #[error("{0}")]
    Keyring(String),
    #[error("{0}")]
    Internal(String),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidInput { .. }
            | CoreError::WeakPassword(_)
            | CoreError::PasswordMismatch => ErrorCode::InvalidInput,
            CoreError::InvalidCredentials => ErrorCode::InvalidCredentials,
            CoreError::Throttled { .. } => ErrorCode::Throttled,
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::NotSignedIn => ErrorCode::NotSignedIn,
            CoreError::Locked => ErrorCode::Locked,
            CoreError::ReauthRequired => ErrorCode::ReauthRequired,
            CoreError::TokenInvalid => ErrorCode::TokenInvalid,
            CoreError::ResendTooSoon { .. } => ErrorCode::ResendTooSoon,
            CoreError::NoEmail(_)
            | CoreError::NotConfigured(_)
            | CoreError::Store(_)
            | CoreError::Keyring(_)
            | CoreError::Internal(_) => ErrorCode::Failed,
        }
    }

    /// The form field the message belongs under.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::InvalidInput { field, .. } => *field,
            CoreError::WeakPassword(_) => Some("password"),
            CoreError::PasswordMismatch => Some("confirm"),
            _ => None,
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            CoreError::Throttled { retry_after_secs }
            | CoreError::ResendTooSoon { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Bad input in the form field `field`.
    pub fn invalid(field: Field, message: impl Into<String>) -> Self {
        CoreError::InvalidInput {
            field: Some(field.key),
            message: message.into(),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
