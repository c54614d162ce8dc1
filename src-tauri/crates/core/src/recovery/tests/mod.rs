//! The recovery flows' decisions, on the in-memory store with a hand-moved clock.

mod codes;
mod deadline;
mod forgot;
mod limits;
mod login;
mod notices;
mod offline;
mod password;
mod portal;
mod reset;
mod session;
mod settings;
mod setup;
mod staff;

use std::sync::Arc;

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::CoreResult;
use crate::outbox::EmailKind;
use crate::session::Actor;
use crate::staff::{ResetSecret, StaffRecord};
use crate::testing::roster::{Roster, PASSWORD};
use crate::testing::{ClinicBuilder, MemoryStore, OutboxRow, TestClinic, T0};
use crate::time::Millis;
use crate::token::{Secrets, TokenRecord};

use super::Recovery;

const WS: &str = "desk-1";
/// Long, unusual and free of every roster member's context words.
const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

/// A test clinic over a fresh [`MemoryStore`] seeded with the [`Roster`]. Derefs to the flows.
struct Clinic {
    t: TestClinic,
    db: Arc<MemoryStore>,
    staff: Roster,
}

async fn clinic() -> Clinic {
    let db = Arc::new(MemoryStore::new());
    let staff = Roster::seed(db.as_ref(), T0).await.unwrap();
    let t = ClinicBuilder::new(db.clone()).build();
    Clinic { t, db, staff }
}

impl std::ops::Deref for Clinic {
    type Target = Recovery;

    fn deref(&self) -> &Self::Target {
        &self.t.recovery
    }
}

impl Clinic {
    fn advance(&self, by: Millis) {
        self.t.clock.advance(by);
    }

    /// The audit events of `action`, oldest first.
    fn events(&self, action: AuditAction) -> Vec<AuditEvent> {
        let mut events = self.db.audit_events();
        events.retain(|e| e.action == action);
        events
    }

    fn outcomes(&self, action: AuditAction) -> Vec<AuditOutcome> {
        self.events(action).iter().map(|e| e.outcome).collect()
    }

    fn emails(&self) -> Vec<OutboxRow> {
        self.db.email_rows()
    }

    fn tokens(&self) -> Vec<TokenRecord> {
        self.db.tokens()
    }

    /// Asserts that nothing was stored: no token, no email, no audit event.
    fn assert_nothing_written(&self) {
        assert!(self.tokens().is_empty(), "{:?}", self.tokens());
        assert!(self.emails().is_empty(), "{:?}", self.emails());
        assert!(self.db.audit_events().is_empty());
    }

    /// The secrets in the newest reset email to `staff`, opened as the dispatcher would.
    fn mailed_secrets(&self, staff: &StaffRecord) -> Secrets {
        let email = self
            .emails()
            .into_iter()
            .rev()
            .find(|r| r.record.staff_id == Some(staff.id) && r.record.kind == EmailKind::StaffReset)
            .expect("a reset email was queued");
        let sealed = email
            .record
            .sealed
            .expect("reset emails carry sealed secrets");
        self.t.sealer.open(&sealed).unwrap()
    }

    /// Asks for a reset link as `staff` would, and reads it from the email.
    async fn forgot_link(&self, staff: &StaffRecord) -> String {
        self.forgot_password(&staff.username, WS).await.unwrap();
        self.mailed_secrets(staff).link.expect("a link")
    }

    /// Sets `password`, typed twice.
    async fn reset(&self, secret: ResetSecret, password: &str) -> CoreResult<()> {
        self.complete_reset(secret, password, password, WS).await
    }

    async fn sign_in(&self, staff: &StaffRecord, password: &str) -> CoreResult<i64> {
        let (session, _) = self.login(&staff.username, password, WS).await?;
        Ok(session)
    }

    /// `staff`, signed in at this desk just now (without a sign-in of their own in the audit).
    async fn at_desk(&self, staff: &StaffRecord) -> Actor {
        self.t.at_desk(staff).await
    }

    async fn sign_in_with_roster_password(&self, staff: &StaffRecord) -> CoreResult<i64> {
        self.sign_in(staff, PASSWORD).await
    }
}

fn link(token: &str) -> ResetSecret {
    ResetSecret::Link {
        token: token.to_string(),
    }
}

fn code(username: &str, code: &str) -> ResetSecret {
    ResetSecret::Code {
        username: username.to_string(),
        code: code.to_string(),
    }
}
