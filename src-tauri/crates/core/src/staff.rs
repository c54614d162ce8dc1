use serde::Serialize;

use crate::outbox::{DeliveredVia, EmailStatus};
use crate::role::Role;
use crate::time::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum StaffStatus {
    Active,
    Disabled,
}

impl StaffStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffStatus::Active => "active",
            StaffStatus::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<StaffStatus> {
        [StaffStatus::Active, StaffStatus::Disabled]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A staff member as the store holds them. `password_hash` never leaves the core.
#[derive(Clone)]
pub struct StaffRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub status: StaffStatus,
    pub password_hash: String,
}

impl std::fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A staff member to create (first run, demo data, imports, tests). No `Debug`: it holds a
/// password hash.
#[derive(Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub status: StaffStatus,
    pub password_hash: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub status: StaffStatus,
}

impl From<&StaffRecord> for StaffRow {
    fn from(s: &StaffRecord) -> Self {
        Self {
            id: s.id,
            username: s.username.clone(),
            display_name: s.display_name.clone(),
            role: s.role,
            email: s.email.clone(),
            status: s.status,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub staff_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The screen is locked: only this person's password or signing out opens it.
    pub locked: bool,
}

impl From<&StaffRecord> for SessionInfo {
    fn from(s: &StaffRecord) -> Self {
        Self {
            staff_id: s.id,
            username: s.username.clone(),
            display_name: s.display_name.clone(),
            role: s.role,
            locked: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResetStatus {
    pub email_id: i64,
    pub queued_at: Millis,
    pub sent_at: Option<Millis>,
    pub status: EmailStatus,
    /// Which transport took it once sent: only `smtp` means a mail server accepted it.
    pub delivered_via: Option<DeliveredVia>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffCard {
    pub staff: StaffRow,
    pub last_reset: Option<ResetStatus>,
    pub can_reset: bool,
    pub resend_available_at: Option<Millis>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResetSent {
    pub masked_email: String,
    pub message: String,
    pub resend_available_at: Millis,
    /// Taken while the clinic database could not be reached: queued at this workstation, sent
    /// when it is back.
    pub queued: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OneTimeCode {
    pub code: String,
    pub expires_at: Millis,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ForgotAnswer {
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResetTarget {
    pub display_name: String,
    pub expires_at: Millis,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ResetSecret {
    Link { token: String },
    Code { username: String, code: String },
}
