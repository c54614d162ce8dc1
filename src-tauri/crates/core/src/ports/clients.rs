//! The practice's clients, their patient-portal accounts and bulk invitations: the tables the
//! Clients screens and the portal's pages work on.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::bulk::{BulkItem, BulkJobRecord, BulkOutcome, BulkSkipped, NewBulkJob};
use crate::client::{
    ClientQuery, ClientRecord, ClientRow, NewClient, NewPortalToken, PortalAccount, PortalIssued,
    PortalTokenRecord,
};
use crate::outbox::{EmailKind, EmailRecord, NewEmail};
use crate::time::Millis;

use super::StoreResult;

/// The practice's clients and their pets.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Adds clients with their pets, in one transaction; answers their ids in order.
    async fn insert_clients(&self, clients: &[NewClient], now: Millis) -> StoreResult<Vec<i64>>;
    /// One page of the clients that match `query` (see [`ClientQuery`]), with their pet names
    /// and portal status.
    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<ClientRow>>;
    async fn get_client(&self, id: i64) -> StoreResult<Option<ClientRecord>>;
    /// In one transaction: set the client's email (`None` clears it); when the client has a
    /// portal account, its username follows, its live links are revoked and their unsent emails
    /// expire (dropping their sealed secrets); append `audit`. `StoreError::Conflict` when
    /// another portal account already has that username (nothing changed).
    async fn update_client_email(
        &self,
        id: i64,
        email: Option<&str>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
}

/// Patient-portal accounts, their links and their sign-ins.
#[async_trait]
pub trait PortalStore: Send + Sync {
    async fn portal_account_of(&self, client_id: i64) -> StoreResult<Option<PortalAccount>>;
    /// The account whose username is `username` (lower case).
    async fn portal_account_named(&self, username: &str) -> StoreResult<Option<PortalAccount>>;
    /// The live portal link of a client's account, if any.
    async fn live_portal_token(
        &self,
        client_id: i64,
        now: Millis,
    ) -> StoreResult<Option<PortalTokenRecord>>;
    /// In one transaction: create the client's account (invited, `token.username`) when it has
    /// none, revoke the account's live links (expiring their unsent emails), store the token,
    /// queue `email` for the client tied to the token, and append `audit`.
    /// `StoreError::Conflict` when another account has that username (nothing changed).
    async fn issue_portal_token(
        &self,
        token: &NewPortalToken,
        email: &NewEmail,
        audit: &AuditEvent,
    ) -> StoreResult<PortalIssued>;
    async fn find_portal_token_by_link(
        &self,
        link_digest: &str,
    ) -> StoreResult<Option<PortalTokenRecord>>;
    /// In one transaction: consume the token if still live, set the password hash, make the
    /// account active, end its portal sessions, revoke its other links, queue `email` and
    /// append `audit`. `Ok(false)` when the token was no longer live (nothing changed).
    async fn complete_portal_password(
        &self,
        token_id: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The newest email of one of `kinds` to the client.
    async fn latest_email_for_client(
        &self,
        client_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>>;
    /// A portal sign-in, known by the digest of its cookie's secret.
    async fn create_portal_session(
        &self,
        account_id: i64,
        secret_digest: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// The account of a portal session that has not ended.
    async fn find_portal_session(&self, secret_digest: &str) -> StoreResult<Option<PortalAccount>>;
    async fn end_portal_session(&self, secret_digest: &str, now: Millis) -> StoreResult<()>;
}

/// Bulk portal invitations, kept in the database so that a restart resumes them.
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// In one transaction: store the job, running, with one item per client in the order given,
    /// and append `audit`.
    async fn create_bulk_job(&self, job: &NewBulkJob, audit: &AuditEvent) -> StoreResult<i64>;
    async fn bulk_job(&self, id: i64) -> StoreResult<Option<BulkJobRecord>>;
    /// The running jobs begun at `workstation`, oldest first.
    async fn running_bulk_jobs(&self, workstation: &str) -> StoreResult<Vec<BulkJobRecord>>;
    /// Up to `limit` of the job's items that have no outcome yet, by position.
    async fn pending_bulk_items(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkItem>>;
    /// In one transaction: give the item its outcome and count it on the job, unless it has one
    /// already; when no item is left without one, a running job is done at `now`.
    async fn record_bulk_outcome(
        &self,
        job_id: i64,
        position: u32,
        outcome: BulkOutcome,
        now: Millis,
    ) -> StoreResult<()>;
    /// A running job is cancelled at `now` and `audit` appended; `Ok(false)` (nothing written)
    /// when it is not running.
    async fn cancel_bulk_job(&self, id: i64, now: Millis, audit: &AuditEvent) -> StoreResult<bool>;
    /// Up to `limit` of the job's items that were skipped or failed, by position, with the
    /// client's name ("First Last") and the outcome's reason.
    async fn bulk_not_sent(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkSkipped>>;
}
