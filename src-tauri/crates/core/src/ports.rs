//! What the core needs from the outside world. Storage is split by table, so that each consumer
//! asks for what it uses: the outbox dispatcher needs [`OutboxStore`] and [`SettingsStore`]; the
//! recovery flows need the whole [`Store`]. The store crate implements every trait per backend.

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditRow};
use crate::error::{CoreResult, StoreError};
use crate::outbox::{EmailKind, EmailRecord, NewEmail};
use crate::settings::Settings;
use crate::staff::{NewStaff, StaffRecord};
use crate::time::Millis;
use crate::token::{NewToken, TokenRecord};
use crate::Sensitive;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issued {
    pub token_id: i64,
    pub email_id: Option<i64>,
}

/// The clinic's settings, shared by every workstation.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn load_settings(&self) -> StoreResult<Option<Settings>>;
    async fn save_settings(&self, settings: &Settings, audit: &AuditEvent) -> StoreResult<()>;
}

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Adds staff members (first run, demo data, imports); usernames are kept in lower case.
    async fn insert_staff(&self, staff: &[NewStaff], now: Millis) -> StoreResult<Vec<i64>>;
    /// Active or disabled staff whose username or email equals `identifier` (lower case).
    async fn find_staff_by_login(&self, identifier: &str) -> StoreResult<Option<StaffRecord>>;
    async fn get_staff(&self, id: i64) -> StoreResult<Option<StaffRecord>>;
    /// Staff whose name, username or email contains `query`, ordered by name.
    async fn list_staff(&self, query: &str, limit: u32) -> StoreResult<Vec<StaffRecord>>;
    async fn update_staff_email(&self, id: i64, email: &str, audit: &AuditEvent)
        -> StoreResult<()>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64>;
    /// The staff member behind a session that has not ended.
    async fn session_staff(&self, session_id: i64) -> StoreResult<Option<StaffRecord>>;
    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()>;
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    /// In one transaction: revoke the account's live tokens of the same purpose, store the new
    /// token, queue its email and append the audit event.
    async fn issue_token(
        &self,
        token: &NewToken,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<Issued>;
    async fn find_token_by_link(&self, link_digest: &str) -> StoreResult<Option<TokenRecord>>;
    /// Live tokens of this account that carry a typed code.
    async fn live_code_tokens(&self, staff_id: i64, now: Millis) -> StoreResult<Vec<TokenRecord>>;
    /// Counts a wrong code against these tokens; revokes those reaching `max_attempts`.
    async fn record_code_failure(
        &self,
        token_ids: &[i64],
        max_attempts: u32,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// In one transaction: consume the token if it is still live, set the password hash, end
    /// every session, revoke the account's other tokens, queue `email` and append `audit`.
    /// `Ok(false)` when the token was no longer live (nothing changed).
    async fn complete_reset(
        &self,
        token_id: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}

/// Emails as the screens see them: queue one, find the latest, list them.
#[async_trait]
pub trait EmailStore: Send + Sync {
    async fn enqueue_email(&self, email: &NewEmail, audit: &AuditEvent) -> StoreResult<i64>;
    /// The newest email of one of `kinds` to this recipient (lower case).
    async fn latest_email_to(
        &self,
        recipient: &str,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>>;
    async fn latest_email_for_staff(
        &self,
        staff_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>>;
    async fn list_emails(&self, query: &str, limit: u32) -> StoreResult<Vec<EmailRecord>>;
}

/// Emails as the dispatcher sees them: claim what is due, record how each attempt ended.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Takes up to `limit` emails that are due (queued or failed with a retry time that has
    /// come, or sending with an expired lease), marks them sending until `now + lease`.
    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
    ) -> StoreResult<Vec<EmailRecord>>;
    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// `retry_at: None` makes the failure final.
    async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn mark_email_expired(&self, id: i64, audit: &AuditEvent) -> StoreResult<()>;
    /// The next time an email will be due, to let the dispatcher sleep until then.
    async fn next_email_due(&self) -> StoreResult<Option<Millis>>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>>;
}

/// A whole clinic database: every table's trait. Implemented for anything that implements
/// them all.
pub trait Store:
    SettingsStore + StaffStore + SessionStore + TokenStore + EmailStore + OutboxStore + AuditStore
{
}

impl<T> Store for T where
    T: SettingsStore
        + StaffStore
        + SessionStore
        + TokenStore
        + EmailStore
        + OutboxStore
        + AuditStore
{
}

/// argon2 work, run where it does not block the async runtime.
#[async_trait]
pub trait PasswordHashing: Send + Sync {
    async fn hash(&self, password: String) -> CoreResult<String>;
    async fn verify(&self, password: String, stored: String) -> bool;
}

/// Breached-password lookup at the clinic's configured range endpoint; `None` when it could not
/// be asked (offline, endpoint down).
#[async_trait]
pub trait BreachCheck: Send + Sync {
    async fn times_seen(&self, base_url: &str, password: &str) -> Option<u64>;
}

/// The OS keyring, for the secrets that settings refer to. Its calls may block (D-Bus,
/// Keychain), so implementations run them off the async runtime.
#[async_trait]
pub trait Keyring: Send + Sync {
    async fn smtp_password(&self) -> CoreResult<Option<Sensitive<String>>>;
    /// `None` removes the stored password.
    async fn set_smtp_password(&self, password: Option<Sensitive<String>>) -> CoreResult<()>;
}

/// Hashing inline, for tests and tools that are not on an async runtime's hot path.
pub struct InlineHashing;

#[async_trait]
impl PasswordHashing for InlineHashing {
    async fn hash(&self, password: String) -> CoreResult<String> {
        crate::password::hash(&password)
    }
    async fn verify(&self, password: String, stored: String) -> bool {
        crate::password::verify(&password, &stored)
    }
}

pub struct NoBreachCheck;

#[async_trait]
impl BreachCheck for NoBreachCheck {
    async fn times_seen(&self, _base_url: &str, _password: &str) -> Option<u64> {
        None
    }
}
