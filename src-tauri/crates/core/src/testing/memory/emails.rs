//! The outbox, as the screens and as the dispatcher see it.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::outbox::{Claimant, DeliveredVia, EmailKind, EmailRecord, EmailStatus, NewEmail};
use crate::ports::{EmailStore, OutboxStore, StoreResult};
use crate::time::Millis;

use super::{index, like, MemoryStore, OutboxRow, State, READ_NOW};

impl State {
    /// The newest email (by `created_at`, then id) of one of `kinds` that `matches`.
    fn latest(
        &self,
        kinds: &[EmailKind],
        matches: impl Fn(&EmailRecord) -> bool,
    ) -> Option<EmailRecord> {
        self.emails
            .iter()
            .filter(|r| kinds.contains(&r.record.kind) && matches(&r.record))
            .max_by_key(|r| (r.record.created_at, r.record.id))
            .map(|r| self.record(r, READ_NOW))
    }
}

/// Queued or failed with a retry time that has come, or sending with a lease that has run out.
fn is_due(row: &OutboxRow, now: Millis) -> bool {
    match row.record.status {
        EmailStatus::Queued | EmailStatus::Failed => {
            row.next_attempt_at.is_some_and(|at| at <= now)
        }
        EmailStatus::Sending => row.claimed_until.is_some_and(|until| until < now),
        EmailStatus::Sent | EmailStatus::Expired => false,
    }
}

/// Ends a claim, as every final or failed attempt does.
fn unclaim(row: &mut OutboxRow) {
    row.claimed_until = None;
    row.claimed_by = None;
}

impl MemoryStore {
    /// Records how one attempt ended; like the SQL `UPDATE`, an unknown id changes nothing but
    /// the audit event is still written.
    fn update_email(
        &self,
        id: i64,
        audit: &AuditEvent,
        change: impl FnOnce(&mut OutboxRow),
    ) -> StoreResult<()> {
        self.write(audit, |state| {
            if let Some(row) = index(id).and_then(|i| state.emails.get_mut(i)) {
                change(row);
            }
        })
    }
}

#[async_trait]
impl EmailStore for MemoryStore {
    async fn enqueue_email(&self, email: &NewEmail, audit: &AuditEvent) -> StoreResult<i64> {
        let mut state = self.lock();
        state.check_staff(email.staff_id)?;
        state.check_audit(audit)?;
        let id = state.push_email(email, None);
        state.audit.push(audit.clone());
        Ok(id)
    }

    async fn latest_email_to(
        &self,
        recipient: &str,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        Ok(self
            .lock()
            .latest(kinds, |e| e.recipient.to_ascii_lowercase() == recipient))
    }

    async fn latest_email_for_staff(
        &self,
        staff_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        Ok(self.lock().latest(kinds, |e| e.staff_id == Some(staff_id)))
    }

    async fn list_emails(&self, query: &str, limit: u32) -> StoreResult<Vec<EmailRecord>> {
        let state = self.lock();
        Ok(state
            .emails
            .iter()
            .rev()
            .filter(|r| {
                let e = &r.record;
                like(&e.recipient, query)
                    || like(&e.recipient_name, query)
                    || like(e.status.as_str(), query)
                    || like(e.kind.as_str(), query)
                    || like(&e.subject, query)
            })
            .take(limit as usize)
            .map(|r| state.record(r, READ_NOW))
            .collect())
    }
}

#[async_trait]
impl OutboxStore for MemoryStore {
    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
        by: &Claimant,
    ) -> StoreResult<Vec<EmailRecord>> {
        let mut state = self.lock();
        let mut due: Vec<(Option<Millis>, usize)> = state
            .emails
            .iter()
            .enumerate()
            .filter(|(_, r)| is_due(r, now))
            .map(|(i, r)| (r.next_attempt_at, i))
            .collect();
        // `ORDER BY next_attempt_at, id`: `None` sorts first, as NULL does in SQLite.
        due.sort_unstable();
        due.truncate(limit as usize);
        for (_, i) in &due {
            let row = &mut state.emails[*i];
            row.record.status = EmailStatus::Sending;
            row.claimed_until = Some(now + lease);
            row.claimed_by = Some(by.clone());
        }
        Ok(due
            .iter()
            .map(|(_, i)| state.record(&state.emails[*i], now))
            .collect())
    }

    async fn release_dead_claims(&self, by: &Claimant) -> StoreResult<u64> {
        let mut state = self.lock();
        let mut released = 0;
        for row in &mut state.emails {
            let dead = row.record.status == EmailStatus::Sending
                && row.claimed_by.as_ref().is_some_and(|holder| {
                    holder.workstation == by.workstation && holder.run != by.run
                });
            if dead {
                row.record.status = if row.record.attempts == 0 {
                    EmailStatus::Queued
                } else {
                    EmailStatus::Failed
                };
                // A claimed row always kept its due time; a missing one would never be due.
                row.next_attempt_at = row.next_attempt_at.or(Some(0));
                unclaim(row);
                released += 1;
            }
        }
        Ok(released)
    }

    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        via: DeliveredVia,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.update_email(id, audit, |row| {
            row.record.status = EmailStatus::Sent;
            row.record.sent_at = Some(now);
            row.record.delivered_via = Some(via);
            row.record.sealed = None;
            row.record.attempts += 1;
            row.record.last_error = None;
            row.message_id = Some(message_id.to_string());
            row.next_attempt_at = None;
            unclaim(row);
        })
    }

    async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.update_email(id, audit, |row| {
            row.record.status = EmailStatus::Failed;
            row.record.last_error = Some(error.to_string());
            row.record.attempts += 1;
            row.next_attempt_at = retry_at;
            unclaim(row);
            if retry_at.is_none() {
                row.record.sealed = None;
            }
        })
    }

    async fn mark_email_expired(&self, id: i64, audit: &AuditEvent) -> StoreResult<()> {
        self.update_email(id, audit, |row| {
            row.record.status = EmailStatus::Expired;
            row.record.sealed = None;
            row.next_attempt_at = None;
            unclaim(row);
        })
    }

    async fn clinic_outbox_key(&self, fingerprint: &str) -> StoreResult<bool> {
        let mut state = self.lock();
        let recorded = state
            .outbox_key
            .get_or_insert_with(|| fingerprint.to_string());
        Ok(recorded == fingerprint)
    }

    async fn next_email_due(&self) -> StoreResult<Option<Millis>> {
        Ok(self
            .lock()
            .emails
            .iter()
            .filter_map(|r| match r.record.status {
                EmailStatus::Queued | EmailStatus::Failed => r.next_attempt_at,
                EmailStatus::Sending => r.claimed_until,
                EmailStatus::Sent | EmailStatus::Expired => None,
            })
            .min())
    }

    async fn emails_with_dead_tokens(&self, ids: &[i64], now: Millis) -> StoreResult<Vec<i64>> {
        let state = self.lock();
        let mut dead: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| {
                state
                    .email(*id)
                    .is_some_and(|r| state.row(r, now).record.token_live == Some(false))
            })
            .collect();
        dead.sort_unstable();
        dead.dedup();
        Ok(dead)
    }
}
