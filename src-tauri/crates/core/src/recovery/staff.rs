//! The Staff List and the staff card: who may reset whom, reset links, one-time codes and
//! registered emails.

use crate::access;
use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::outbox::{EmailKind, EmailRecord, NewEmail};
use crate::session::Actor;
use crate::settings::{MailTransport, Settings};
use crate::staff::{
    OneTimeCode, ResetSent, ResetStatus, StaffCard, StaffRecord, StaffRow, StaffStatus,
};
use crate::time::{Millis, SECOND};
use crate::token::{self, NewToken, Purpose};
use crate::validate::{self, Field};
use crate::Role;

use super::offline::Replay;
use super::{Recovery, LIST_LIMIT, RESEND_INTERVAL};

const EMAIL: Field = Field::new("email", "Email");

impl Recovery {
    async fn target_for_reset(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
    ) -> CoreResult<StaffRecord> {
        access::staff_manager(actor)?;
        let target = self
            .store
            .get_staff(staff_id)
            .await?
            .ok_or(CoreError::NotFound("That staff member"))?;
        if !actor.role.can_reset_staff(target.role) {
            return Err(CoreError::Forbidden(format!(
                "{}s cannot reset the password of an {}. Ask another admin.",
                actor.role.label(),
                target.role.label()
            )));
        }
        if target.status != StaffStatus::Active {
            return Err(CoreError::Forbidden(
                "This account is disabled; enable it before resetting its password.".into(),
            ));
        }
        Ok(target)
    }

    pub async fn list_staff(&self, actor: &StaffRecord, query: &str) -> CoreResult<Vec<StaffRow>> {
        access::staff_manager(actor)?;
        let query = validate::search(query)?.to_lowercase();
        let rows = self.store.list_staff(&query, LIST_LIMIT).await?;
        Ok(rows.iter().map(StaffRow::from).collect())
    }

    pub async fn staff_card(&self, actor: &StaffRecord, staff_id: i64) -> CoreResult<StaffCard> {
        access::staff_manager(actor)?;
        let staff = self
            .store
            .get_staff(staff_id)
            .await?
            .ok_or(CoreError::NotFound("That staff member"))?;
        let last = self
            .store
            .latest_email_for_staff(staff.id, &[EmailKind::StaffReset])
            .await?;
        let now = self.clock.now();
        let resend_available_at = match &staff.email {
            Some(email) => self
                .resend_wait(email, &[EmailKind::StaffReset])
                .await?
                .map(|wait| now + wait),
            None => None,
        };
        Ok(StaffCard {
            can_reset: actor.role.can_reset_staff(staff.role)
                && staff.status == StaffStatus::Active,
            last_reset: last.as_ref().map(reset_status),
            resend_available_at,
            staff: StaffRow::from(&staff),
        })
    }

    /// Resetting an admin needs the actor's password entered within the last few minutes.
    pub async fn send_staff_reset(
        &self,
        actor: &Actor,
        staff_id: i64,
        ws: &str,
    ) -> CoreResult<ResetSent> {
        let (target, email) = self.reset_target(actor, staff_id).await?;
        if target.role == Role::Admin {
            self.require_recent_password(actor)?;
        }
        self.reset_by(actor, &target, &email, ws, None).await
    }

    /// Whom `actor` may send a reset link to now, and the address it goes to.
    pub(super) async fn reset_target(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
    ) -> CoreResult<(StaffRecord, String)> {
        let target = self.target_for_reset(actor, staff_id).await?;
        let email = target
            .email
            .clone()
            .ok_or_else(|| CoreError::NoEmail(no_email_message(&target)))?;
        if let Some(wait) = self.resend_wait(&email, &[EmailKind::StaffReset]).await? {
            return Err(CoreError::ResendTooSoon {
                retry_after_secs: ((wait + SECOND - 1) / SECOND) as u64,
            });
        }
        Ok((target, email))
    }

    /// Checks a reset taken offline can answer from this workstation's copy of the clinic: the
    /// same person rules as [`Recovery::send_staff_reset`]. Answers whom it is for.
    pub async fn check_staff_reset(&self, actor: &Actor, staff_id: i64) -> CoreResult<StaffRecord> {
        let target = self.target_for_reset(actor, staff_id).await?;
        if target.email.is_none() {
            return Err(CoreError::NoEmail(no_email_message(&target)));
        }
        if target.role == Role::Admin {
            self.require_recent_password(actor)?;
        }
        Ok(target)
    }

    /// Issues the reset link to `email`, checked by [`Recovery::reset_target`].
    pub(super) async fn reset_by(
        &self,
        actor: &StaffRecord,
        target: &StaffRecord,
        email: &str,
        ws: &str,
        replay: Option<&Replay<'_>>,
    ) -> CoreResult<ResetSent> {
        let settings = self.settings().await?;
        let event = self
            .audit(AuditAction::AdminReset, AuditOutcome::Queued, ws)
            .actor(actor.id)
            .subject(target.id);
        let event = match replay {
            Some(replay) => replay.mark(event),
            None => event,
        };
        let sent_at = self
            .issue_reset(
                &settings,
                target,
                Purpose::AdminReset,
                settings.lifetimes.admin_reset_minutes,
                Some(actor),
                event,
            )
            .await?;
        let masked = validate::mask_email(email);
        // With the preview outbox nothing leaves the clinic; saying "sent" would send a colleague
        // to an inbox that stays empty.
        let message = match settings.mail.transport {
            MailTransport::Smtp => format!("Reset password link has been sent to {masked}"),
            MailTransport::Preview => format!(
                "Email is not set up, so the reset email for {masked} was written to the preview \
                 outbox and not sent. Use Show one-time code to hand over a code in person."
            ),
        };
        Ok(ResetSent {
            message,
            masked_email: masked,
            resend_available_at: sent_at + RESEND_INTERVAL,
            queued: false,
        })
    }

    /// A code to hand over in person when email does not reach the staff member; it needs the
    /// actor's password entered within the last few minutes. A notice that a code was issued,
    /// and by whom, goes to their registered email with the token.
    pub async fn issue_one_time_code(
        &self,
        actor: &Actor,
        staff_id: i64,
        ws: &str,
    ) -> CoreResult<OneTimeCode> {
        let target = self.target_for_reset(actor, staff_id).await?;
        self.require_recent_password(actor)?;
        self.require_clinic_keys().await?;
        let settings = self.settings().await?;
        let now = self.clock.now();
        let expires_at = now + token::minutes(settings.lifetimes.one_time_code_minutes);
        let secrets = self.secrets(false);
        let code = secrets
            .code
            .clone()
            .ok_or_else(|| CoreError::Internal("no code generated".into()))?;
        let token = NewToken {
            staff_id: target.id,
            purpose: Purpose::OneTimeCode,
            link_digest: None,
            code_digest: Some(self.pepper.digest(&code)),
            created_at: now,
            expires_at,
        };
        let notice = self.notice(EmailKind::CodeIssued, &settings, &target, actor, now);
        let event = self
            .audit(AuditAction::OneTimeCode, AuditOutcome::Issued, ws)
            .actor(actor.id)
            .subject(target.id);
        self.store
            .issue_token(&token, notice.as_ref(), &event)
            .await?;
        if notice.is_some() {
            (self.outbox_wake)();
        }
        Ok(OneTimeCode { code, expires_at })
    }

    /// A notice of `kind` to `staff`'s registered email, naming `actor`; none without an email.
    fn notice(
        &self,
        kind: EmailKind,
        settings: &Settings,
        staff: &StaffRecord,
        actor: &StaffRecord,
        now: Millis,
    ) -> Option<NewEmail> {
        let mut email = super::staff_email(kind, settings, staff, staff.email.clone()?, now);
        email.params.requested_by = Some(actor.display_name.clone());
        Some(email)
    }

    /// A new registered email; it needs the actor's password entered within the last few minutes.
    pub async fn update_staff_email(
        &self,
        actor: &Actor,
        staff_id: i64,
        email: &str,
        ws: &str,
    ) -> CoreResult<StaffCard> {
        let email = validate::email(EMAIL, email)?;
        let target = self.target_for_reset(actor, staff_id).await?;
        // Saving the address it already has changes nothing, and revokes nothing.
        if target
            .email
            .as_deref()
            .is_some_and(|old| old.eq_ignore_ascii_case(&email))
        {
            return self.staff_card(actor, staff_id).await;
        }
        self.require_recent_password(actor)?;
        let settings = self.settings().await?;
        let now = self.clock.now();
        // The old address hears of the change: whoever made it cannot hide it from the owner.
        let notice = self.notice(EmailKind::EmailChanged, &settings, &target, actor, now);
        let event = self
            .audit(AuditAction::StaffEmailChanged, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .subject(target.id);
        self.store
            .update_staff_email(target.id, &email, notice.as_ref(), now, &event)
            .await?;
        if notice.is_some() {
            (self.outbox_wake)();
        }
        self.staff_card(actor, staff_id).await
    }
}

pub(super) fn no_email_message(staff: &StaffRecord) -> String {
    format!(
        "{} has no email address on file. Add one to send a reset link, or use Show one-time \
         code to hand over a code in person.",
        staff.display_name
    )
}

pub(super) fn reset_status(e: &EmailRecord) -> ResetStatus {
    ResetStatus {
        email_id: e.id,
        queued_at: e.created_at,
        sent_at: e.sent_at,
        status: e.status,
        delivered_via: e.delivered_via,
        last_error: e.last_error.clone(),
    }
}
