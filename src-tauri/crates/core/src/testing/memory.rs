//! In-memory stand-ins for the clinic database and the OS keyring.
//!
//! [`MemoryStore`] keeps the semantics of the SQLite store, down to its ordering, its
//! case-insensitive matching (ASCII only, like SQLite's `lower` and `LIKE`) and its foreign keys:
//! the store crate runs one contract suite against both. Every write takes the one lock, checks
//! everything that could refuse it and only then changes anything, so a refused write changes
//! nothing, as a rolled-back transaction would.

mod bulk;
mod clients;
mod emails;
mod limits;
mod portal;
mod staff;
mod tokens;

use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::client::{ClientRecord, PortalAccount, PortalTokenRecord};
use crate::error::{CoreResult, StoreError};
use crate::outbox::{Claimant, EmailRecord, EmailStatus, NewEmail};
use crate::ports::{Keyring, StoreResult};
use crate::settings::Settings;
use crate::staff::StaffRecord;
use crate::time::Millis;
use crate::token::TokenRecord;
use crate::Sensitive;

/// The OS keyring's SMTP password and DKIM key, in memory.
#[derive(Default)]
pub struct MemoryKeyring {
    smtp_password: Mutex<Option<Sensitive<String>>>,
    dkim_key: Mutex<Option<Sensitive<String>>>,
}

#[async_trait]
impl Keyring for MemoryKeyring {
    async fn smtp_password(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(self
            .smtp_password
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone())
    }

    async fn set_smtp_password(&self, password: Option<Sensitive<String>>) -> CoreResult<()> {
        *self.smtp_password.lock().unwrap_or_else(|e| e.into_inner()) = password;
        Ok(())
    }

    async fn dkim_key(&self) -> CoreResult<Option<Sensitive<String>>> {
        Ok(self
            .dkim_key
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone())
    }

    async fn set_dkim_key(&self, pem: Option<Sensitive<String>>) -> CoreResult<()> {
        *self.dkim_key.lock().unwrap_or_else(|e| e.into_inner()) = pem;
        Ok(())
    }
}

/// An email row, with the columns the record leaves out beside it.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub record: EmailRecord,
    /// The client a portal email goes to.
    pub client_id: Option<i64>,
    /// The portal link a portal email follows; `record.token_id` holds it too, as it holds a
    /// staff reset email's token.
    pub portal_token_id: Option<i64>,
    pub next_attempt_at: Option<Millis>,
    pub claimed_until: Option<Millis>,
    /// Who holds it while it is sending.
    pub claimed_by: Option<Claimant>,
    pub message_id: Option<String>,
}

/// A clinic database in memory, with the semantics of the SQLite store.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// See [`MemoryStore::hold_limits`].
    limits_held: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
struct State {
    settings: Option<Settings>,
    staff: Vec<StaffRecord>,
    sessions: Vec<Session>,
    tokens: Vec<Token>,
    emails: Vec<OutboxRow>,
    audit: Vec<AuditEvent>,
    limits: std::collections::HashMap<String, limits::Window>,
    /// Clients with their pets; pets count their ids across all clients, as one table does.
    clients: Vec<ClientRecord>,
    pet_count: i64,
    portal_accounts: Vec<PortalAccount>,
    portal_tokens: Vec<PortalToken>,
    portal_sessions: Vec<PortalSession>,
    bulk_runs: Vec<bulk::BulkRun>,
    /// The fingerprint of the clinic's outbox key, recorded by the first dispatcher.
    outbox_key: Option<String>,
}

struct PortalToken {
    record: PortalTokenRecord,
    link_digest: String,
}

struct PortalSession {
    account_id: i64,
    secret_digest: String,
    ended_at: Option<Millis>,
}

struct Session {
    staff_id: i64,
    created_at: Millis,
    authenticated_at: Millis,
    active_at: Millis,
    locked_at: Option<Millis>,
    ended_at: Option<Millis>,
}

struct Token {
    record: TokenRecord,
    link_digest: Option<String>,
}

/// The screens ask whether a link was used or replaced; only the dispatcher asks about expiry.
/// So reads outside the dispatcher judge `token_live` at time zero, as the SQLite store does.
const READ_NOW: Millis = 0;

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// While held, counting an attempt against a limit never ends: the first write of
    /// forgot-password and of code entry waits as it would for another program's lock.
    pub fn hold_limits(&self, held: bool) {
        self.limits_held
            .store(held, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every audit event, oldest first, as the flows handed them over.
    pub fn audit_events(&self) -> Vec<AuditEvent> {
        self.lock().audit.clone()
    }

    /// Every reset token, oldest first.
    pub fn tokens(&self) -> Vec<TokenRecord> {
        self.lock()
            .tokens
            .iter()
            .map(|t| t.record.clone())
            .collect()
    }

    /// Every email row, oldest first; `token_live` as the screens read it.
    pub fn email_rows(&self) -> Vec<OutboxRow> {
        let state = self.lock();
        state
            .emails
            .iter()
            .map(|r| state.row(r, READ_NOW))
            .collect()
    }

    pub fn email_row(&self, id: i64) -> Option<OutboxRow> {
        let state = self.lock();
        state.email(id).map(|r| state.row(r, READ_NOW))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A write that changes nothing but the audit log's tail: checks `audit`, runs `change`,
    /// appends `audit`.
    fn write<T>(&self, audit: &AuditEvent, change: impl FnOnce(&mut State) -> T) -> StoreResult<T> {
        let mut state = self.lock();
        state.check_audit(audit)?;
        let out = change(&mut state);
        state.audit.push(audit.clone());
        Ok(out)
    }
}

/// Ids count from 1 in insertion order, and nothing is ever deleted.
fn index(id: i64) -> Option<usize> {
    usize::try_from(id).ok()?.checked_sub(1)
}

fn next_id<T>(rows: &[T]) -> i64 {
    rows.len() as i64 + 1
}

/// SQLite's `haystack LIKE '%needle%'`: a substring, ASCII letters in either case.
fn like(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

fn foreign_key() -> StoreError {
    StoreError::Other("FOREIGN KEY constraint failed".into())
}

/// A row a `CHECK` constraint of the SQLite schema refuses.
fn check_failed(table: &str) -> StoreError {
    StoreError::Other(format!("CHECK constraint failed: {table}"))
}

impl State {
    fn staff(&self, id: i64) -> Option<&StaffRecord> {
        self.staff.get(index(id)?)
    }

    fn token(&self, id: i64) -> Option<&Token> {
        self.tokens.get(index(id)?)
    }

    fn email(&self, id: i64) -> Option<&OutboxRow> {
        self.emails.get(index(id)?)
    }

    fn check_staff(&self, id: Option<i64>) -> StoreResult<()> {
        match id {
            Some(id) if self.staff(id).is_none() => Err(foreign_key()),
            _ => Ok(()),
        }
    }

    fn client(&self, id: i64) -> Option<&ClientRecord> {
        self.clients.get(index(id)?)
    }

    fn check_client(&self, id: Option<i64>) -> StoreResult<()> {
        match id {
            Some(id) if self.client(id).is_none() => Err(foreign_key()),
            _ => Ok(()),
        }
    }

    fn check_audit(&self, audit: &AuditEvent) -> StoreResult<()> {
        self.check_staff(audit.actor_id)?;
        self.check_staff(audit.subject_id)?;
        self.check_client(audit.client_id)?;
        let key = audit.action_key.as_ref();
        if key.is_some() && self.audit.iter().any(|e| e.action_key.as_ref() == key) {
            return Err(StoreError::AlreadyApplied);
        }
        Ok(())
    }

    /// The row as a read at `now` sees it: `token_live` from the linked token, a portal link
    /// or a staff reset token.
    fn row(&self, row: &OutboxRow, now: Millis) -> OutboxRow {
        let mut row = row.clone();
        row.record.token_live = match row.portal_token_id {
            Some(id) => Some(self.portal_token(id).is_some_and(|t| t.record.is_live(now))),
            None => row
                .record
                .token_id
                .map(|id| self.token(id).is_some_and(|t| t.record.is_live(now))),
        };
        row
    }

    fn record(&self, row: &OutboxRow, now: Millis) -> EmailRecord {
        self.row(row, now).record
    }

    /// Queues `email`, due at once. The caller has checked its staff reference.
    fn push_email(&mut self, email: &NewEmail, token_id: Option<i64>) -> i64 {
        let id = next_id(&self.emails);
        self.emails.push(OutboxRow {
            record: EmailRecord {
                id,
                kind: email.kind,
                staff_id: email.staff_id,
                token_id,
                token_live: None,
                recipient: email.recipient.clone(),
                recipient_name: email.recipient_name.clone(),
                subject: email.subject.clone(),
                params: email.params.clone(),
                sealed: email.sealed.clone(),
                status: EmailStatus::Queued,
                attempts: 0,
                created_at: email.created_at,
                sent_at: None,
                delivered_via: None,
                last_error: None,
            },
            client_id: None,
            portal_token_id: None,
            next_attempt_at: Some(email.created_at),
            claimed_until: None,
            claimed_by: None,
            message_id: None,
        });
        id
    }
}
