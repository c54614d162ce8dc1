//! Settings, staff, sessions and the audit log.

use std::collections::HashSet;

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditRow};
use crate::client::full_name;
use crate::error::StoreError;
use crate::outbox::NewEmail;
use crate::ports::{AuditStore, SessionStore, SettingsStore, StaffStore, StoreResult};
use crate::session::{Actor, SessionRecord};
use crate::settings::Settings;
use crate::staff::{NewStaff, StaffRecord};
use crate::time::Millis;

use super::{index, like, next_id, MemoryStore, Session, State};

#[async_trait]
impl SettingsStore for MemoryStore {
    async fn load_settings(&self) -> StoreResult<Option<Settings>> {
        Ok(self.lock().settings.clone())
    }

    async fn save_settings(&self, settings: &Settings, audit: &AuditEvent) -> StoreResult<()> {
        self.write(audit, |s| s.settings = Some(settings.clone()))
    }
}

#[async_trait]
impl StaffStore for MemoryStore {
    async fn insert_staff(&self, staff: &[NewStaff], _now: Millis) -> StoreResult<Vec<i64>> {
        let mut state = self.lock();
        let mut taken: HashSet<String> = state.staff.iter().map(|s| s.username.clone()).collect();
        if !staff
            .iter()
            .all(|s| taken.insert(s.username.to_lowercase()))
        {
            return Err(StoreError::Conflict(
                "UNIQUE constraint failed: staff.username".into(),
            ));
        }
        Ok(staff.iter().map(|s| state.push_staff(s)).collect())
    }

    async fn insert_first_admin(
        &self,
        admin: &NewStaff,
        settings: &Settings,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let mut state = self.lock();
        if !state.staff.is_empty() {
            return Ok(None);
        }
        let id = state.push_staff(admin);
        state.settings = Some(settings.clone());
        state.audit.push(audit.clone().actor(id).subject(id));
        Ok(Some(id))
    }

    async fn find_staff_by_login(&self, identifier: &str) -> StoreResult<Option<StaffRecord>> {
        let state = self.lock();
        let by_email = |s: &&StaffRecord| {
            s.email
                .as_deref()
                .is_some_and(|e| e.to_ascii_lowercase() == identifier)
        };
        // A username match wins over an email match, then the oldest account.
        Ok(state
            .staff
            .iter()
            .find(|s| s.username == identifier)
            .or_else(|| state.staff.iter().find(by_email))
            .cloned())
    }

    async fn get_staff(&self, id: i64) -> StoreResult<Option<StaffRecord>> {
        Ok(self.lock().staff(id).cloned())
    }

    async fn list_staff(&self, query: &str, limit: u32) -> StoreResult<Vec<StaffRecord>> {
        let state = self.lock();
        let mut rows: Vec<StaffRecord> = state
            .staff
            .iter()
            .filter(|s| {
                like(&s.display_name, query)
                    || like(&s.username, query)
                    || like(s.email.as_deref().unwrap_or_default(), query)
            })
            .cloned()
            .collect();
        // `ORDER BY display_name COLLATE NOCASE, id`.
        rows.sort_by(|a, b| {
            let name = |s: &StaffRecord| s.display_name.to_ascii_lowercase();
            name(a).cmp(&name(b)).then(a.id.cmp(&b.id))
        });
        rows.truncate(limit as usize);
        Ok(rows)
    }

    async fn update_staff_email(
        &self,
        id: i64,
        email: &str,
        notice: Option<&NewEmail>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut state = self.lock();
        let Some(i) = index(id).filter(|i| *i < state.staff.len()) else {
            return Err(StoreError::Conflict(
                "that staff member no longer exists".into(),
            ));
        };
        state.check_staff(notice.and_then(|n| n.staff_id))?;
        state.check_audit(audit)?;
        state.staff[i].email = Some(email.to_string());
        state.revoke_account_tokens(id, now);
        if let Some(n) = notice {
            state.push_email(n, None);
        }
        state.audit.push(audit.clone());
        Ok(())
    }
}

impl State {
    /// Adds a staff member; the caller has checked that the username is free.
    fn push_staff(&mut self, s: &NewStaff) -> i64 {
        let id = next_id(&self.staff);
        self.staff.push(StaffRecord {
            id,
            username: s.username.to_lowercase(),
            display_name: s.display_name.clone(),
            role: s.role,
            email: s.email.clone(),
            status: s.status,
            password_hash: s.password_hash.clone(),
        });
        id
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64> {
        let mut state = self.lock();
        state.check_staff(Some(staff_id))?;
        state.sessions.push(Session {
            staff_id,
            created_at: now,
            authenticated_at: now,
            active_at: now,
            locked_at: None,
            ended_at: None,
        });
        Ok(state.sessions.len() as i64)
    }

    async fn find_session(&self, session_id: i64) -> StoreResult<Option<Actor>> {
        let state = self.lock();
        let Some(s) = index(session_id)
            .and_then(|i| state.sessions.get(i))
            .filter(|s| s.ended_at.is_none())
        else {
            return Ok(None);
        };
        Ok(state.staff(s.staff_id).map(|staff| Actor {
            staff: staff.clone(),
            session: SessionRecord {
                id: session_id,
                staff_id: s.staff_id,
                created_at: s.created_at,
                authenticated_at: s.authenticated_at,
                active_at: s.active_at,
                locked_at: s.locked_at,
            },
        }))
    }

    async fn touch_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        self.with_open_session(session_id, |s| {
            if s.locked_at.is_none() {
                s.active_at = now;
            }
        });
        Ok(())
    }

    async fn lock_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        self.with_open_session(session_id, |s| {
            s.locked_at.get_or_insert(now);
        });
        Ok(())
    }

    async fn authenticate_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        self.with_open_session(session_id, |s| {
            s.authenticated_at = now;
            s.active_at = now;
            s.locked_at = None;
        });
        Ok(())
    }

    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        self.with_open_session(session_id, |s| s.ended_at = Some(now));
        Ok(())
    }
}

impl MemoryStore {
    /// Changes a session that has not ended; nothing for an ended or unknown one.
    fn with_open_session(&self, session_id: i64, change: impl FnOnce(&mut Session)) {
        let mut state = self.lock();
        if let Some(s) = index(session_id)
            .and_then(|i| state.sessions.get_mut(i))
            .filter(|s| s.ended_at.is_none())
        {
            change(s);
        }
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        self.write(event, |_| ())
    }

    async fn action_outcome(&self, action_key: &str) -> StoreResult<Option<String>> {
        let state = self.lock();
        let key = Some(action_key);
        let event = state.audit.iter().find(|e| e.action_key.as_deref() == key);
        Ok(event.map(|e| e.outcome.as_str().to_string()))
    }

    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let state = self.lock();
        Ok(state
            .audit
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| audit_row(&state, i as i64 + 1, e))
            .filter(|r| {
                like(&r.action, query)
                    || like(&r.outcome, query)
                    || like(r.actor.as_deref().unwrap_or_default(), query)
                    || like(r.subject.as_deref().unwrap_or_default(), query)
                    || like(&r.workstation, query)
            })
            .take(limit as usize)
            .collect())
    }
}

/// The Activity line, with the actor's and subject's names as they are now. The subject is the
/// client an event is about, when it is about one.
fn audit_row(state: &State, id: i64, e: &AuditEvent) -> AuditRow {
    let name = |id: Option<i64>| Some(state.staff(id?)?.display_name.clone());
    let subject = match e.client_id.and_then(|id| state.client(id)) {
        Some(c) => Some(full_name(&c.first_name, &c.last_name)),
        None => name(e.subject_id),
    };
    AuditRow {
        id,
        at: e.at,
        actor: name(e.actor_id),
        subject,
        action: e.action.as_str().to_string(),
        outcome: e.outcome.as_str().to_string(),
        workstation: e.workstation.clone(),
        detail: e.detail.clone(),
    }
}
