use serde::Serialize;

use crate::time::Millis;

/// Declares a closed set of audit words: each variant and the text stored for it.
macro_rules! audit_words {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word stored in the audit log and shown in Activity.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }
    };
}

audit_words! {
    /// What was done.
    AuditAction {
        Login => "login",
        Logout => "logout",
        Unlock => "unlock",
        Reauthenticate => "reauthenticate",
        ForgotPassword => "forgot_password",
        ResetCode => "reset_code",
        PasswordReset => "password_reset",
        PasswordChanged => "password_changed",
        AdminReset => "admin_reset",
        OneTimeCode => "one_time_code",
        StaffEmailChanged => "staff_email_changed",
        SettingsSaved => "settings_saved",
        TestEmail => "test_email",
        EmailSent => "email_sent",
        EmailFailed => "email_failed",
        EmailExpired => "email_expired",
        DemoClinicCreated => "demo_clinic_created",
        ClinicSetUp => "clinic_set_up",
        PortalInvite => "portal_invite",
        PortalReset => "portal_reset",
        PortalPasswordSet => "portal_password_set",
        PortalSignIn => "portal_sign_in",
        ClientEmailChanged => "client_email_changed",
        BulkInvite => "bulk_invite",
        DispatchKeyExported => "dispatch_key_exported",
        ClinicKeysExported => "clinic_keys_exported",
        ClinicKeysImported => "clinic_keys_imported",
        DatabaseChanged => "database_changed",
    }
}

audit_words! {
    /// How it ended.
    AuditOutcome {
        Ok => "ok",
        Refused => "refused",
        Error => "error",
        Queued => "queued",
        Issued => "issued",
        Sent => "sent",
        Failed => "failed",
        Retry => "retry",
        Expired => "expired",
        WrongCode => "wrong_code",
        NoMatchingAccount => "no_matching_account",
        AccountDisabled => "account_disabled",
        NoEmailOnFile => "no_email_on_file",
        TooSoon => "too_soon",
        RateLimitedAccount => "rate_limited_account",
        RateLimitedWorkstation => "rate_limited_workstation",
        EmailInUse => "email_in_use",
        Cancelled => "cancelled",
    }
}

/// One line of the Activity log: who did what to whom, when, from where, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Millis,
    pub actor_id: Option<i64>,
    pub subject_id: Option<i64>,
    /// The client a portal action was about.
    pub client_id: Option<i64>,
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    pub workstation: String,
    pub detail: Option<String>,
    /// The key of an action taken offline and replayed: the clinic database takes each key
    /// once, so an action replayed twice (after a crash between its write and its record at
    /// the workstation) is refused as already applied instead of done again.
    pub action_key: Option<String>,
}

impl AuditEvent {
    pub fn new(at: Millis, action: AuditAction, outcome: AuditOutcome, workstation: &str) -> Self {
        Self {
            at,
            actor_id: None,
            subject_id: None,
            client_id: None,
            action,
            outcome,
            workstation: workstation.to_string(),
            detail: None,
            action_key: None,
        }
    }

    pub fn actor(mut self, id: i64) -> Self {
        self.actor_id = Some(id);
        self
    }

    pub fn subject(mut self, id: i64) -> Self {
        self.subject_id = Some(id);
        self
    }

    pub fn client(mut self, id: i64) -> Self {
        self.client_id = Some(id);
        self
    }

    pub fn maybe_subject(mut self, id: Option<i64>) -> Self {
        self.subject_id = id;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn action_key(mut self, key: impl Into<String>) -> Self {
        self.action_key = Some(key.into());
        self
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditRow {
    pub id: i64,
    pub at: Millis,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub action: String,
    pub outcome: String,
    pub workstation: String,
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_are_distinct() {
        let mut actions: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        let mut outcomes: Vec<_> = AuditOutcome::ALL.iter().map(|o| o.as_str()).collect();
        actions.sort_unstable();
        actions.dedup();
        outcomes.sort_unstable();
        outcomes.dedup();
        assert_eq!(actions.len(), AuditAction::ALL.len());
        assert_eq!(outcomes.len(), AuditOutcome::ALL.len());
    }
}
