//! Rows as sqlx reads them, and their conversion into core types.

use vetdesk_core::audit::AuditRow;
use vetdesk_core::outbox::{EmailKind, EmailParams, EmailRecord, EmailStatus};
use vetdesk_core::staff::{StaffRecord, StaffStatus};
use vetdesk_core::token::{Purpose, TokenRecord};
use vetdesk_core::{Role, StoreError};

#[derive(sqlx::FromRow)]
pub(crate) struct StaffDb {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub email: Option<String>,
    pub status: String,
    pub password_hash: String,
}

impl TryFrom<StaffDb> for StaffRecord {
    type Error = StoreError;
    fn try_from(r: StaffDb) -> Result<Self, StoreError> {
        Ok(StaffRecord {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: Role::parse(&r.role)
                .ok_or_else(|| StoreError::Other(format!("unknown role {:?}", r.role)))?,
            email: r.email,
            status: if r.status == "active" {
                StaffStatus::Active
            } else {
                StaffStatus::Disabled
            },
            password_hash: r.password_hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenDb {
    pub id: i64,
    pub staff_id: i64,
    pub purpose: String,
    pub code_digest: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub failed_attempts: i64,
}

impl TryFrom<TokenDb> for TokenRecord {
    type Error = StoreError;
    fn try_from(r: TokenDb) -> Result<Self, StoreError> {
        Ok(TokenRecord {
            id: r.id,
            staff_id: r.staff_id,
            purpose: Purpose::parse(&r.purpose)
                .ok_or_else(|| StoreError::Other(format!("unknown purpose {:?}", r.purpose)))?,
            code_digest: r.code_digest,
            created_at: r.created_at,
            expires_at: r.expires_at,
            used_at: r.used_at,
            revoked_at: r.revoked_at,
            failed_attempts: u32::try_from(r.failed_attempts).unwrap_or(u32::MAX),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EmailDb {
    pub id: i64,
    pub kind: String,
    pub staff_id: Option<i64>,
    pub token_id: Option<i64>,
    pub token_live: Option<bool>,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub params: String,
    pub sealed: Option<Vec<u8>>,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

impl TryFrom<EmailDb> for EmailRecord {
    type Error = StoreError;
    fn try_from(r: EmailDb) -> Result<Self, StoreError> {
        Ok(EmailRecord {
            id: r.id,
            kind: EmailKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Other(format!("unknown email kind {:?}", r.kind)))?,
            staff_id: r.staff_id,
            token_id: r.token_id,
            token_live: r.token_id.map(|_| r.token_live.unwrap_or(false)),
            recipient: r.recipient,
            recipient_name: r.recipient_name,
            subject: r.subject,
            params: serde_json::from_str::<EmailParams>(&r.params)
                .map_err(|e| StoreError::Other(format!("email parameters: {e}")))?,
            sealed: r.sealed,
            status: EmailStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Other(format!("unknown status {:?}", r.status)))?,
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            created_at: r.created_at,
            sent_at: r.sent_at,
            last_error: r.last_error,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditDb {
    pub id: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub action: String,
    pub outcome: String,
    pub workstation: String,
    pub detail: Option<String>,
}

impl From<AuditDb> for AuditRow {
    fn from(r: AuditDb) -> Self {
        AuditRow {
            id: r.id,
            at: r.at,
            actor: r.actor,
            subject: r.subject,
            action: r.action,
            outcome: r.outcome,
            workstation: r.workstation,
            detail: r.detail,
        }
    }
}
