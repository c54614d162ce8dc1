//! What the core needs from the outside world. Storage is split by table, so that each consumer
//! asks for what it uses: the outbox dispatcher needs [`OutboxStore`] and [`SettingsStore`]; the
//! recovery flows need the whole [`Store`]. The store crate implements every trait per backend.

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditRow};
use crate::error::{CoreResult, StoreError};
use crate::limits::Limit;
use crate::outbox::{Claimant, DeliveredVia, EmailKind, EmailRecord, NewEmail};
use crate::session::Actor;
use crate::settings::Settings;
use crate::staff::{NewStaff, StaffRecord};
use crate::time::Millis;
use crate::token::{NewToken, TokenRecord};
use crate::Sensitive;

mod clients;

pub use clients::{BulkStore, ClientStore, PortalStore};

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
    /// First run: in one transaction, adds `admin` (created at `audit.at`), saves `settings` and
    /// appends `audit` with the new admin as its actor and subject, but only while the clinic
    /// has no staff at all, checked by the insert itself so that two workstations cannot both
    /// succeed. `None` (nothing written) when anyone exists.
    async fn insert_first_admin(
        &self,
        admin: &NewStaff,
        settings: &Settings,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>>;
    /// Active or disabled staff whose username or email equals `identifier` (lower case).
    async fn find_staff_by_login(&self, identifier: &str) -> StoreResult<Option<StaffRecord>>;
    async fn get_staff(&self, id: i64) -> StoreResult<Option<StaffRecord>>;
    /// Staff whose name, username or email contains `query`, ordered by name.
    async fn list_staff(&self, query: &str, limit: u32) -> StoreResult<Vec<StaffRecord>>;
    /// In one transaction: set the registered email, revoke the account's live tokens, expire
    /// its reset emails still waiting to be sent (dropping their sealed secrets), queue
    /// `notice` (to the old address) and append `audit`.
    async fn update_staff_email(
        &self,
        id: i64,
        email: &str,
        notice: Option<&NewEmail>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// A session begun, authenticated and active at `now`, unlocked.
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64>;
    /// A session that has not ended, with its staff member.
    async fn find_session(&self, session_id: i64) -> StoreResult<Option<Actor>>;
    /// Notes activity at `now` on a session that has neither ended nor locked.
    async fn touch_session(&self, session_id: i64, now: Millis) -> StoreResult<()>;
    /// Locks a session that has not ended; a locked one keeps the time it first locked.
    async fn lock_session(&self, session_id: i64, now: Millis) -> StoreResult<()>;
    /// The password was entered at `now`: authenticated, active and unlocked, if not ended.
    async fn authenticate_session(&self, session_id: i64, now: Millis) -> StoreResult<()>;
    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()>;
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    /// In one transaction: revoke the account's live tokens of the same purpose, store the new
    /// token, queue the email and append the audit event. An email that carries sealed secrets
    /// is the token's own and follows its fate (not sent once the token is dead); one without
    /// (a notice) is not tied to the token.
    async fn issue_token(
        &self,
        token: &NewToken,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<Issued>;
    async fn find_token_by_link(&self, link_digest: &str) -> StoreResult<Option<TokenRecord>>;
    /// Reserves one attempt on each of the account's live codes that has fewer than
    /// `max_attempts`, in one atomic statement, and answers those codes: a typed code is compared
    /// only after its attempt is counted, so parallel guesses cannot exceed `max_attempts`.
    async fn reserve_code_attempt(
        &self,
        staff_id: i64,
        max_attempts: u32,
        now: Millis,
    ) -> StoreResult<Vec<TokenRecord>>;
    /// Gives back the attempts reserved on these tokens: the typed code was a right one.
    async fn release_code_attempt(&self, token_ids: &[i64]) -> StoreResult<()>;
    /// After a wrong code, in one transaction: burns those of these tokens that have used
    /// `max_attempts` (their code digest is cleared; a token without a link is revoked, one with
    /// a link keeps it) and appends `audit`.
    async fn record_wrong_code(
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
    /// In one transaction: set the password hash, revoke the account's live tokens (expiring
    /// their unsent emails), end its sessions other than `keep_session`, queue `email` and
    /// append `audit`.
    async fn change_password(
        &self,
        staff_id: i64,
        keep_session: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
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
    /// come, or sending with an expired lease), marks them sending until `now + lease`, held
    /// by `by`.
    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
        by: &Claimant,
    ) -> StoreResult<Vec<EmailRecord>>;
    /// Makes due again, at once, the emails still sending that earlier runs of `by`'s
    /// workstation claimed: those runs are gone, so their leases need not run out. Each goes
    /// back to queued, or failed if it has failed before; other workstations' claims, and this
    /// run's, stay. Answers how many.
    async fn release_dead_claims(&self, by: &Claimant) -> StoreResult<u64>;
    /// `via`: which transport took it, so the screens say whether a mail server accepted it.
    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        via: DeliveredVia,
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
    /// Records `fingerprint` as the clinic's outbox key when none is recorded, in one atomic
    /// step; answers whether the recorded one is `fingerprint`, that is, whether a dispatcher
    /// with this key can open the clinic's queued emails.
    async fn clinic_outbox_key(&self, fingerprint: &str) -> StoreResult<bool>;
    /// The next time an email will be due, to let the dispatcher sleep until then.
    async fn next_email_due(&self) -> StoreResult<Option<Millis>>;
    /// Those of `ids` whose token can no longer be used at `now` (used, revoked or expired),
    /// in ascending order, so that their preview copies can go. Emails without a token, and
    /// unknown ids, are not among them.
    async fn emails_with_dead_tokens(&self, ids: &[i64], now: Millis) -> StoreResult<Vec<i64>>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// The outcome word of the event recorded under `action_key`, if any: an offline action
    /// already replayed.
    async fn action_outcome(&self, action_key: &str) -> StoreResult<Option<String>>;
    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>>;
}

/// Rate limits shared by every workstation on the database (see [`crate::limits`]).
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Counts one attempt under `key` in one atomic step: opens a new window when there is none
    /// or the last has ended, else adds to it. Answers the milliseconds until the window ends
    /// when this attempt is over `limit.max`, `None` when it is within.
    async fn hit(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<Option<Millis>>;
    /// Takes back one attempt under `key` that turned out to be no failure (a right password),
    /// if its window is still open.
    async fn take_back(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<()>;
}

/// A whole clinic database: every table's trait. Implemented for anything that implements
/// them all.
pub trait Store:
    SettingsStore
    + StaffStore
    + ClientStore
    + PortalStore
    + BulkStore
    + SessionStore
    + TokenStore
    + EmailStore
    + OutboxStore
    + AuditStore
    + LimitStore
{
}

impl<T> Store for T where
    T: SettingsStore
        + StaffStore
        + ClientStore
        + PortalStore
        + BulkStore
        + SessionStore
        + TokenStore
        + EmailStore
        + OutboxStore
        + AuditStore
        + LimitStore
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
    /// The DKIM private key, in PEM.
    async fn dkim_key(&self) -> CoreResult<Option<Sensitive<String>>>;
    /// `pem` has passed [`crate::dkim::DkimKey::from_pem`]; `None` removes the stored key.
    async fn set_dkim_key(&self, pem: Option<Sensitive<String>>) -> CoreResult<()>;

    /// Everything sending through SMTP needs from the keyring.
    async fn mail_secrets(&self) -> CoreResult<MailSecrets> {
        Ok(MailSecrets {
            smtp_password: self.smtp_password().await?,
            dkim_key: self.dkim_key().await?,
        })
    }
}

/// The keyring's secrets an SMTP transport uses: the password it signs in with, and the DKIM
/// key (PEM) it signs every message with when settings turn DKIM on.
#[derive(Debug, Clone, Default)]
pub struct MailSecrets {
    pub smtp_password: Option<Sensitive<String>>,
    pub dkim_key: Option<Sensitive<String>>,
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
