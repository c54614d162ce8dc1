//! Signing in and out, and who is signed in.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::limits::{self, Action, Who};
use crate::staff::{SessionInfo, StaffRecord, StaffStatus};
use crate::time::Millis;
use crate::validate;

use super::Recovery;

/// Staff ids start at 1: the key names no account.
const NO_ACCOUNT: i64 = 0;

/// Longer than any password the policy allows, in any encoding; refused before hashing.
pub(super) const PASSWORD_INPUT_MAX_BYTES: usize = 4 * crate::policy::MAX_LENGTH as usize;

impl Recovery {
    /// Every attempt counts against the workstation and, when the name matches an account,
    /// against that account, before the password is checked; a right password takes its
    /// attempts back.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ws: &str,
    ) -> CoreResult<(i64, SessionInfo)> {
        let username = validate::identifier(validate::USERNAME, username)?;
        if password.is_empty() || password.len() > PASSWORD_INPUT_MAX_BYTES {
            return Err(CoreError::InvalidCredentials);
        }
        let desk = Who::Workstation(ws);
        if let Some(wait) = self.over_limit(Action::SignIn, desk).await? {
            return self
                .throttled(AuditOutcome::RateLimitedWorkstation, None, wait, ws)
                .await;
        }
        let staff = self.store.find_staff_by_login(&username).await?;
        // A name of no account costs the same write as an account's, so that timing does not
        // tell them apart; that count is never acted on.
        let subject = staff.as_ref().map(|s| s.id);
        let account = Who::Account(subject.unwrap_or(NO_ACCOUNT));
        let wait = self.over_limit(Action::SignIn, account).await?;
        if let (Some(id), Some(wait)) = (subject, wait) {
            return self
                .throttled(AuditOutcome::RateLimitedAccount, Some(id), wait, ws)
                .await;
        }
        let stored = match &staff {
            Some(s) if s.status == StaffStatus::Active => s.password_hash.clone(),
            _ => crate::password::decoy_hash().to_string(),
        };
        let ok = self.hashing.verify(password.to_string(), stored).await
            && staff
                .as_ref()
                .is_some_and(|s| s.status == StaffStatus::Active);
        let Some(staff) = staff.filter(|_| ok) else {
            let event = self
                .audit(AuditAction::Login, AuditOutcome::Refused, ws)
                .maybe_subject(subject);
            self.store.append_audit(&event).await?;
            return Err(CoreError::InvalidCredentials);
        };
        self.take_back(Action::SignIn, &[desk, Who::Account(staff.id)])
            .await?;
        self.open_session(&staff, ws).await
    }

    /// Refuses a sign-in over a limit, unchecked, and audits why.
    async fn throttled<T>(
        &self,
        outcome: AuditOutcome,
        subject: Option<i64>,
        wait: Millis,
        ws: &str,
    ) -> CoreResult<T> {
        let event = self
            .audit(AuditAction::Login, outcome, ws)
            .maybe_subject(subject);
        self.store.append_audit(&event).await?;
        Err(CoreError::Throttled {
            retry_after_secs: limits::seconds(wait),
        })
    }

    /// Signs `staff` in on this workstation, audited as a sign-in.
    pub(super) async fn open_session(
        &self,
        staff: &StaffRecord,
        ws: &str,
    ) -> CoreResult<(i64, SessionInfo)> {
        let session = self
            .store
            .create_session(staff.id, self.clock.now())
            .await?;
        let event = self
            .audit(AuditAction::Login, AuditOutcome::Ok, ws)
            .actor(staff.id)
            .subject(staff.id);
        self.store.append_audit(&event).await?;
        Ok((session, SessionInfo::from(staff)))
    }
}
