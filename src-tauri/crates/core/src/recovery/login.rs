//! Signing in and out, and who is signed in.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::staff::{SessionInfo, StaffRecord, StaffStatus};
use crate::validate;

use super::Recovery;

/// Longer than any password the policy allows, in any encoding; refused before hashing.
const PASSWORD_INPUT_MAX_BYTES: usize = 4 * crate::policy::MAX_LENGTH as usize;

impl<C: governor::clock::Clock + Clone> Recovery<C> {
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
        if let Some(retry_after_secs) = self.limits.login_pause(&username) {
            return Err(CoreError::Throttled { retry_after_secs });
        }
        let staff = self.store.find_staff_by_login(&username).await?;
        let stored = match &staff {
            Some(s) if s.status == StaffStatus::Active => s.password_hash.clone(),
            _ => crate::password::decoy_hash().to_string(),
        };
        let ok = self.hashing.verify(password.to_string(), stored).await
            && staff
                .as_ref()
                .is_some_and(|s| s.status == StaffStatus::Active);
        let subject = staff.as_ref().map(|s| s.id);
        let Some(staff) = staff.filter(|_| ok) else {
            let paused = self.limits.record_login_failure(&username);
            let event = self
                .audit(AuditAction::Login, AuditOutcome::Refused, ws)
                .maybe_subject(subject);
            self.store.append_audit(&event).await?;
            return Err(match paused {
                Some(retry_after_secs) => CoreError::Throttled { retry_after_secs },
                None => CoreError::InvalidCredentials,
            });
        };
        let session = self
            .store
            .create_session(staff.id, self.clock.now())
            .await?;
        let event = self
            .audit(AuditAction::Login, AuditOutcome::Ok, ws)
            .actor(staff.id)
            .subject(staff.id);
        self.store.append_audit(&event).await?;
        Ok((session, SessionInfo::from(&staff)))
    }

    /// The signed-in staff member behind `session`, read fresh so that a reset or a role change
    /// takes effect at once.
    pub async fn actor(&self, session: Option<i64>) -> CoreResult<StaffRecord> {
        let id = session.ok_or(CoreError::NotSignedIn)?;
        match self.store.session_staff(id).await? {
            Some(s) if s.status == StaffStatus::Active => Ok(s),
            _ => Err(CoreError::NotSignedIn),
        }
    }

    pub async fn logout(&self, session: i64, ws: &str) -> CoreResult<()> {
        if let Some(s) = self.store.session_staff(session).await? {
            let event = self
                .audit(AuditAction::Logout, AuditOutcome::Ok, ws)
                .actor(s.id)
                .subject(s.id);
            self.store.append_audit(&event).await?;
        }
        self.store.end_session(session, self.clock.now()).await?;
        Ok(())
    }
}
