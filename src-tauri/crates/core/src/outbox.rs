//! The transactional outbox: what an email row holds and how its delivery is retried.

use serde::{Deserialize, Serialize};

use crate::time::{Millis, MINUTE, SECOND};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    StaffReset,
    PasswordChanged,
    /// To the old address, after an email change.
    EmailChanged,
    /// To the staff member, when someone issued a one-time code for their account.
    CodeIssued,
    TestMessage,
    /// To a client: their patient-portal account was created; set a password with the link.
    PortalInvite,
    /// To a client: set a new patient-portal password with the link.
    PortalReset,
    /// To a client, after their patient-portal password was set or changed.
    PortalPasswordChanged,
}

impl EmailKind {
    pub const ALL: [EmailKind; 8] = [
        EmailKind::StaffReset,
        EmailKind::PasswordChanged,
        EmailKind::EmailChanged,
        EmailKind::CodeIssued,
        EmailKind::TestMessage,
        EmailKind::PortalInvite,
        EmailKind::PortalReset,
        EmailKind::PortalPasswordChanged,
    ];

    /// Emails that carry a link to set a password, sealed until sent.
    pub fn carries_secrets(self) -> bool {
        matches!(
            self,
            EmailKind::StaffReset | EmailKind::PortalInvite | EmailKind::PortalReset
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::StaffReset => "staff_reset",
            EmailKind::PasswordChanged => "password_changed",
            EmailKind::EmailChanged => "email_changed",
            EmailKind::CodeIssued => "code_issued",
            EmailKind::TestMessage => "test_message",
            EmailKind::PortalInvite => "portal_invite",
            EmailKind::PortalReset => "portal_reset",
            EmailKind::PortalPasswordChanged => "portal_password_changed",
        }
    }

    pub fn parse(value: &str) -> Option<EmailKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn subject(self, clinic: &str) -> String {
        match self {
            EmailKind::StaffReset => format!("Reset your {clinic} VetDesk password"),
            EmailKind::PasswordChanged => format!("Your {clinic} VetDesk password was changed"),
            EmailKind::EmailChanged => format!("Your {clinic} VetDesk email address was changed"),
            EmailKind::CodeIssued => format!("A {clinic} VetDesk one-time code was issued"),
            EmailKind::TestMessage => format!("{clinic} VetDesk test email"),
            EmailKind::PortalInvite => format!("Set up your {clinic} patient portal account"),
            EmailKind::PortalReset => format!("Reset your {clinic} patient portal password"),
            EmailKind::PortalPasswordChanged => {
                format!("Your {clinic} patient portal password was changed")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum EmailStatus {
    Queued,
    Sending,
    Sent,
    Failed,
    Expired,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sending => "sending",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
            EmailStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<EmailStatus> {
        [
            EmailStatus::Queued,
            EmailStatus::Sending,
            EmailStatus::Sent,
            EmailStatus::Failed,
            EmailStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// Which transport took an email: an SMTP server accepted it, or it was only written to this
/// workstation's preview outbox and reached nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DeliveredVia {
    Smtp,
    Preview,
}

impl DeliveredVia {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveredVia::Smtp => "smtp",
            DeliveredVia::Preview => "preview",
        }
    }

    pub fn parse(value: &str) -> Option<DeliveredVia> {
        [DeliveredVia::Smtp, DeliveredVia::Preview]
            .into_iter()
            .find(|v| v.as_str() == value)
    }
}

/// Values the templates show; nothing secret. Secrets travel sealed beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailParams {
    pub display_name: String,
    pub username: String,
    pub expires_at: Option<Millis>,
    pub requested_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewEmail {
    pub kind: EmailKind,
    pub staff_id: Option<i64>,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub params: EmailParams,
    /// `Secrets` sealed with the outbox key; cleared once the email is sent or expires.
    pub sealed: Option<Vec<u8>>,
    pub created_at: Millis,
}

impl NewEmail {
    /// The same email, saying when its link expires and who asked for it.
    pub fn expiring(mut self, expires_at: Millis, requested_by: Option<String>) -> Self {
        self.params.expires_at = Some(expires_at);
        self.params.requested_by = requested_by;
        self
    }
}

#[derive(Debug, Clone)]
pub struct EmailRecord {
    pub id: i64,
    pub kind: EmailKind,
    pub staff_id: Option<i64>,
    pub token_id: Option<i64>,
    /// For emails that carry a token: whether it can still be used.
    pub token_live: Option<bool>,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub params: EmailParams,
    pub sealed: Option<Vec<u8>>,
    pub status: EmailStatus,
    pub attempts: u32,
    pub created_at: Millis,
    pub sent_at: Option<Millis>,
    /// Set when the email is marked sent.
    pub delivered_via: Option<DeliveredVia>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EmailRow {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: EmailStatus,
    pub attempts: u32,
    pub created_at: Millis,
    pub sent_at: Option<Millis>,
    pub delivered_via: Option<DeliveredVia>,
    pub last_error: Option<String>,
}

impl From<&EmailRecord> for EmailRow {
    fn from(e: &EmailRecord) -> Self {
        Self {
            id: e.id,
            kind: e.kind.as_str().to_string(),
            recipient: e.recipient.clone(),
            subject: e.subject.clone(),
            status: e.status,
            attempts: e.attempts,
            created_at: e.created_at,
            sent_at: e.sent_at,
            delivered_via: e.delivered_via,
            last_error: e.last_error.clone(),
        }
    }
}

/// How long a dispatcher holds a claimed email before another may take it over.
pub const CLAIM_LEASE: Millis = 2 * MINUTE;

/// Who holds a claimed email: a workstation, and which run of the app on it. Only one app runs
/// per workstation, so a later run knows the claims of an earlier one are dead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    pub workstation: String,
    /// Tells this run from earlier ones; any text that a restart does not repeat.
    pub run: String,
}

impl Claimant {
    pub fn new(workstation: impl Into<String>, run: impl Into<String>) -> Self {
        Self {
            workstation: workstation.into(),
            run: run.into(),
        }
    }
}
/// After this many failed attempts an email stays failed until someone presses Resend.
pub const MAX_ATTEMPTS: u32 = 8;

/// Wait before attempt `attempts + 1`: 5 s doubling to a 15-minute ceiling, with up to 20 %
/// jitter from `jitter` (0.0–1.0) so that many queued emails do not retry in lockstep.
pub fn retry_delay(attempts: u32, jitter: f64) -> Millis {
    let base = (5 * SECOND).saturating_mul(1 << attempts.min(12));
    let capped = base.min(15 * MINUTE);
    capped + (capped as f64 * 0.2 * jitter.clamp(0.0, 1.0)) as Millis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_ceiling() {
        assert_eq!(retry_delay(0, 0.0), 5 * SECOND);
        assert_eq!(retry_delay(1, 0.0), 10 * SECOND);
        assert_eq!(retry_delay(3, 0.0), 40 * SECOND);
        assert_eq!(retry_delay(30, 0.0), 15 * MINUTE);
        assert_eq!(retry_delay(30, 1.0), 18 * MINUTE);
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in EmailKind::ALL {
            assert_eq!(EmailKind::parse(k.as_str()), Some(k));
        }
        for s in [
            EmailStatus::Queued,
            EmailStatus::Sending,
            EmailStatus::Sent,
            EmailStatus::Failed,
            EmailStatus::Expired,
        ] {
            assert_eq!(EmailStatus::parse(s.as_str()), Some(s));
        }
        for v in [DeliveredVia::Smtp, DeliveredVia::Preview] {
            assert_eq!(DeliveredVia::parse(v.as_str()), Some(v));
        }
    }
}
