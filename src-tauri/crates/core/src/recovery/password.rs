//! Changing one's own password while signed in, and the checks every new password passes.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::outbox::EmailKind;
use crate::policy::{PasswordPolicy, BREACHED_MESSAGE};
use crate::session::Actor;
use crate::settings::Settings;
use crate::staff::StaffRecord;
use crate::validate::Field;

use super::Recovery;

pub const CURRENT: Field = Field::new("current", "Current password");
pub const WRONG_CURRENT: &str = "Your current password is not right.";

impl Recovery {
    /// The current password is a sign-in attempt (see `own_password`). Then the new one must pass the policy; the
    /// change ends every other session of the account, revokes its tokens and queues
    /// "password changed".
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let action = AuditAction::PasswordChanged;
        if !self.own_password(actor, current, action, ws).await? {
            return Err(CoreError::invalid(CURRENT, WRONG_CURRENT));
        }
        let settings = self.settings().await?;
        self.check_new_password(&settings, actor, password, confirm)
            .await?;
        let hash = self.hashing.hash(password.to_string()).await?;
        let now = self.clock.now();
        let notice = actor.email.clone().map(|email| {
            super::staff_email(
                EmailKind::PasswordChanged,
                &settings,
                &actor.staff,
                email,
                now,
            )
        });
        let event = self
            .audit(AuditAction::PasswordChanged, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .subject(actor.id);
        self.store
            .change_password(
                actor.id,
                actor.session.id,
                &hash,
                now,
                notice.as_ref(),
                &event,
            )
            .await?;
        (self.outbox_wake)();
        Ok(())
    }

    /// The policy, with the account's and the clinic's words.
    pub(super) async fn check_new_password(
        &self,
        settings: &Settings,
        staff: &StaffRecord,
        password: &str,
        confirm: &str,
    ) -> CoreResult<()> {
        let email_local = staff.email.clone().unwrap_or_default();
        let words = [
            staff.username.as_str(),
            staff.display_name.as_str(),
            email_local.as_str(),
        ];
        self.check_password(settings, &words, password, confirm)
            .await
    }

    /// The policy with `words` (the account's own) and the clinic's, then the breach list when
    /// the clinic has one (an unreachable list lets the password through rather than lock people
    /// out).
    pub(super) async fn check_password(
        &self,
        settings: &Settings,
        words: &[&str],
        password: &str,
        confirm: &str,
    ) -> CoreResult<()> {
        let mut context = vec![settings.clinic.name.as_str(), "vetdesk"];
        context.extend_from_slice(words);
        PasswordPolicy::new(settings.password_min_length).check(password, confirm, &context)?;
        let seen = match &settings.breach_check_url {
            Some(url) => self.breach.times_seen(url, password).await,
            None => None,
        };
        if seen.is_some_and(|seen| seen > 0) {
            return Err(CoreError::WeakPassword(BREACHED_MESSAGE.into()));
        }
        Ok(())
    }
}
