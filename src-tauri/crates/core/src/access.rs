//! Who may open what. Each check answers with words a person can act on.

use crate::error::{CoreError, CoreResult};
use crate::staff::StaffRecord;

/// The Staff List and its staff cards.
pub fn staff_manager(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_manage_staff(),
        "Only office managers and admins can open the Staff List.",
    )
}

/// Settings, the SMTP password and Send test email.
pub fn admin(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_manage_settings(),
        "Only admins can change settings.",
    )
}

/// The audit log and the email statuses.
pub fn activity(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_view_activity(),
        "Only office managers and admins can see the activity log.",
    )
}

/// The preview outbox holds live reset links: only those who may reset others read it.
pub fn outbox_reader(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_manage_staff(),
        "Only office managers and admins can read the preview outbox.",
    )
}

/// The Clients list and profiles: everyone at the practice looks clients up.
pub fn client_viewer(_actor: &StaffRecord) -> CoreResult<()> {
    Ok(())
}

/// The paw action (portal invitations and resets) and a client's email address.
pub fn portal_sender(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_act_on_portal(),
        "Only receptionists, office managers and admins can send patient-portal emails.",
    )
}

/// Inviting many clients to the portal at once.
pub fn bulk_inviter(actor: &StaffRecord) -> CoreResult<()> {
    allow(
        actor.role.can_manage_staff(),
        "Only office managers and admins can invite many clients at once.",
    )
}

fn allow(allowed: bool, refusal: &str) -> CoreResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(CoreError::Forbidden(refusal.to_string()))
    }
}
