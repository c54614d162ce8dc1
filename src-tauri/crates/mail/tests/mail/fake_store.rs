//! An in-memory `Store` with the outbox semantics of the real ones, for dispatcher tests.

use std::sync::Mutex;

use async_trait::async_trait;
use vetdesk_core::audit::{AuditEvent, AuditRow};
use vetdesk_core::outbox::{EmailKind, EmailRecord, EmailStatus, NewEmail};
use vetdesk_core::ports::{Issued, Store, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::StaffRecord;
use vetdesk_core::time::Millis;
use vetdesk_core::token::{NewToken, TokenRecord};
use vetdesk_core::StoreError;

#[derive(Debug, Clone)]
pub struct Row {
    pub record: EmailRecord,
    pub next_attempt_at: Option<Millis>,
    pub claimed_until: Option<Millis>,
    pub message_id: Option<String>,
}

#[derive(Default)]
struct State {
    settings: Option<Settings>,
    emails: Vec<Row>,
    audit: Vec<AuditEvent>,
}

pub struct FakeStore {
    state: Mutex<State>,
}

fn unused<T>() -> StoreResult<T> {
    Err(StoreError::Other("not used by the dispatcher".into()))
}

impl FakeStore {
    pub fn new(settings: Settings) -> Self {
        Self {
            state: Mutex::new(State {
                settings: Some(settings),
                ..State::default()
            }),
        }
    }

    /// Queues `record`, due at `due_at`; returns its id.
    pub fn queue(&self, mut record: EmailRecord, due_at: Millis) -> i64 {
        let mut state = self.state.lock().unwrap();
        record.id = state.emails.len() as i64 + 1;
        record.status = EmailStatus::Queued;
        let id = record.id;
        state.emails.push(Row {
            record,
            next_attempt_at: Some(due_at),
            claimed_until: None,
            message_id: None,
        });
        id
    }

    pub fn row(&self, id: i64) -> Row {
        self.with_row(id, |row| row.clone())
    }

    pub fn audit(&self) -> Vec<AuditEvent> {
        self.state.lock().unwrap().audit.clone()
    }

    fn with_row<T>(&self, id: i64, f: impl FnOnce(&mut Row) -> T) -> T {
        let mut state = self.state.lock().unwrap();
        let row = state
            .emails
            .iter_mut()
            .find(|r| r.record.id == id)
            .expect("a known email");
        f(row)
    }

    fn push_audit(&self, event: &AuditEvent) {
        self.state.lock().unwrap().audit.push(event.clone());
    }
}

#[async_trait]
impl Store for FakeStore {
    async fn load_settings(&self) -> StoreResult<Option<Settings>> {
        Ok(self.state.lock().unwrap().settings.clone())
    }

    async fn save_settings(&self, settings: &Settings, audit: &AuditEvent) -> StoreResult<()> {
        self.state.lock().unwrap().settings = Some(settings.clone());
        self.push_audit(audit);
        Ok(())
    }

    async fn find_staff_by_login(&self, _: &str) -> StoreResult<Option<StaffRecord>> {
        unused()
    }

    async fn get_staff(&self, _: i64) -> StoreResult<Option<StaffRecord>> {
        unused()
    }

    async fn list_staff(&self, _: &str, _: u32) -> StoreResult<Vec<StaffRecord>> {
        unused()
    }

    async fn update_staff_email(&self, _: i64, _: &str, _: &AuditEvent) -> StoreResult<()> {
        unused()
    }

    async fn create_session(&self, _: i64, _: Millis) -> StoreResult<i64> {
        unused()
    }

    async fn session_staff(&self, _: i64) -> StoreResult<Option<StaffRecord>> {
        unused()
    }

    async fn end_session(&self, _: i64, _: Millis) -> StoreResult<()> {
        unused()
    }

    async fn issue_token(
        &self,
        _: &NewToken,
        _: Option<&NewEmail>,
        _: &AuditEvent,
    ) -> StoreResult<Issued> {
        unused()
    }

    async fn find_token_by_link(&self, _: &str) -> StoreResult<Option<TokenRecord>> {
        unused()
    }

    async fn live_code_tokens(&self, _: i64, _: Millis) -> StoreResult<Vec<TokenRecord>> {
        unused()
    }

    async fn record_code_failure(
        &self,
        _: &[i64],
        _: u32,
        _: Millis,
        _: &AuditEvent,
    ) -> StoreResult<()> {
        unused()
    }

    async fn complete_reset(
        &self,
        _: i64,
        _: &str,
        _: Millis,
        _: Option<&NewEmail>,
        _: &AuditEvent,
    ) -> StoreResult<bool> {
        unused()
    }

    async fn enqueue_email(&self, _: &NewEmail, _: &AuditEvent) -> StoreResult<i64> {
        unused()
    }

    async fn latest_email_to(&self, _: &str, _: &[EmailKind]) -> StoreResult<Option<EmailRecord>> {
        unused()
    }

    async fn latest_email_for_staff(
        &self,
        _: i64,
        _: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        unused()
    }

    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
    ) -> StoreResult<Vec<EmailRecord>> {
        let mut state = self.state.lock().unwrap();
        let mut claimed = Vec::new();
        for row in state.emails.iter_mut() {
            if claimed.len() >= limit as usize {
                break;
            }
            let due = match row.record.status {
                EmailStatus::Queued | EmailStatus::Failed => {
                    row.next_attempt_at.is_some_and(|at| at <= now)
                }
                EmailStatus::Sending => row.claimed_until.is_some_and(|until| until < now),
                EmailStatus::Sent | EmailStatus::Expired => false,
            };
            if due {
                row.record.status = EmailStatus::Sending;
                row.claimed_until = Some(now + lease);
                claimed.push(row.record.clone());
            }
        }
        Ok(claimed)
    }

    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.with_row(id, |row| {
            row.record.status = EmailStatus::Sent;
            row.record.sent_at = Some(now);
            row.record.sealed = None;
            row.record.attempts += 1;
            row.record.last_error = None;
            row.next_attempt_at = None;
            row.claimed_until = None;
            row.message_id = Some(message_id.to_string());
        });
        self.push_audit(audit);
        Ok(())
    }

    async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.with_row(id, |row| {
            row.record.status = EmailStatus::Failed;
            row.record.last_error = Some(error.to_string());
            row.record.attempts += 1;
            row.next_attempt_at = retry_at;
            row.claimed_until = None;
            if retry_at.is_none() {
                row.record.sealed = None;
            }
        });
        self.push_audit(audit);
        Ok(())
    }

    async fn mark_email_expired(&self, id: i64, audit: &AuditEvent) -> StoreResult<()> {
        self.with_row(id, |row| {
            row.record.status = EmailStatus::Expired;
            row.record.sealed = None;
            row.next_attempt_at = None;
            row.claimed_until = None;
        });
        self.push_audit(audit);
        Ok(())
    }

    async fn list_emails(&self, _: &str, _: u32) -> StoreResult<Vec<EmailRecord>> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .emails
            .iter()
            .map(|r| r.record.clone())
            .collect())
    }

    async fn next_email_due(&self) -> StoreResult<Option<Millis>> {
        let state = self.state.lock().unwrap();
        Ok(state
            .emails
            .iter()
            .filter_map(|r| match r.record.status {
                EmailStatus::Queued | EmailStatus::Failed => r.next_attempt_at,
                EmailStatus::Sending => r.claimed_until,
                EmailStatus::Sent | EmailStatus::Expired => None,
            })
            .min())
    }

    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        self.push_audit(event);
        Ok(())
    }

    async fn list_audit(&self, _: &str, _: u32) -> StoreResult<Vec<AuditRow>> {
        unused()
    }
}
