//! The admin's Settings (the SMTP password and the DKIM key go to the keyring, the rest to the
//! database) and the Activity screen.

use crate::access;
use crate::audit::{AuditAction, AuditOutcome, AuditRow};
use crate::dkim::{dkim_record, DkimKey, DkimRecord};
use crate::error::CoreResult;
use crate::outbox::EmailRow;
use crate::ports::MailSecrets;
use crate::session::Actor;
use crate::settings::{fields, Settings, SettingsLimits};
use crate::staff::StaffRecord;
use crate::validate::{self, Field};
use crate::Sensitive;

use super::{Recovery, LIST_LIMIT};

/// Longer than any SMTP password a provider issues.
const SMTP_PASSWORD_MAX_BYTES: usize = 1024;
const TEST_RECIPIENT: Field = Field::new("to", "Recipient");

impl Recovery {
    /// The settings as an admin edits them, with whether the keyring holds an SMTP password.
    pub async fn settings_for_admin(&self, actor: &StaffRecord) -> CoreResult<Settings> {
        access::admin(actor)?;
        let mut settings = self.settings().await?;
        settings.mail.has_password = self.keyring.smtp_password().await?.is_some();
        Ok(settings)
    }

    pub fn settings_limits(&self, actor: &StaffRecord) -> CoreResult<SettingsLimits> {
        access::admin(actor)?;
        Ok(SettingsLimits::current())
    }

    /// `smtp_password`: `None` keeps the stored one, an empty string removes it. Everything is
    /// validated before the keyring is touched, so a refused form changes nothing. Saving needs
    /// the admin's password entered within the last few minutes.
    pub async fn save_settings(
        &self,
        actor: &Actor,
        settings: Settings,
        smtp_password: Option<String>,
        ws: &str,
    ) -> CoreResult<Settings> {
        access::admin(actor)?;
        if let Some(p) = &smtp_password {
            validate::secret(fields::SMTP_PASSWORD, p, SMTP_PASSWORD_MAX_BYTES)?;
        }
        let settings = settings.validated()?;
        self.require_recent_password(actor)?;
        if let Some(p) = smtp_password {
            let keep = (!p.is_empty()).then(|| Sensitive::new(p));
            self.keyring.set_smtp_password(keep).await?;
        }
        let event = self
            .audit(AuditAction::SettingsSaved, AuditOutcome::Ok, ws)
            .actor(actor.id);
        self.store.save_settings(&settings, &event).await?;
        (self.outbox_wake)();
        self.settings_for_admin(actor).await
    }

    /// Stores the DKIM private key an admin pasted (PEM) in this workstation's keyring, or
    /// removes it (`None`); answers the DNS record to publish for it when settings name a DKIM
    /// domain. The key is checked before anything changes, and saving it needs the admin's
    /// password entered within the last few minutes, as saving settings does.
    pub async fn set_dkim_key(
        &self,
        actor: &Actor,
        pem: Option<String>,
        ws: &str,
    ) -> CoreResult<Option<DkimRecord>> {
        access::admin(actor)?;
        let key = pem.as_deref().map(DkimKey::from_pem).transpose()?;
        self.require_recent_password(actor)?;
        // Stored as the key parsed, in one standard form, whatever line endings it came with.
        let stored = key.as_ref().map(DkimKey::to_pkcs8_pem);
        self.keyring.set_dkim_key(stored).await?;
        let detail = match &key {
            Some(key) => format!("DKIM key saved ({} bits)", key.bits()),
            None => "DKIM key removed".to_string(),
        };
        let event = self
            .audit(AuditAction::SettingsSaved, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .detail(detail);
        self.store.append_audit(&event).await?;
        // Emails waiting for a key can go now.
        (self.outbox_wake)();
        let settings = self.settings().await?;
        Ok(match (settings.mail.dkim, key) {
            (Some(dkim), Some(key)) => Some(dkim_record(&dkim, &key)),
            _ => None,
        })
    }

    /// An admin exports this workstation's outbox key for vetdesk-server, so that it can open
    /// and send the links the desktop queues. The key opens every queued link: it takes the
    /// admin's password entered within the last few minutes, and is audited.
    pub async fn authorize_dispatch_key_export(&self, actor: &Actor, ws: &str) -> CoreResult<()> {
        access::admin(actor)?;
        self.require_recent_password(actor)?;
        self.record_key_export(actor, AuditAction::DispatchKeyExported, ws)
            .await
    }

    /// Records an export of this desk's keys as `action`, named by the outbox key's
    /// fingerprint.
    pub(super) async fn record_key_export(
        &self,
        actor: &Actor,
        action: AuditAction,
        ws: &str,
    ) -> CoreResult<()> {
        let event = self
            .audit(action, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .detail(format!("fingerprint {}", self.sealer.fingerprint()));
        Ok(self.store.append_audit(&event).await?)
    }

    /// An admin who entered their password within the last minutes moves this workstation to
    /// another clinic database (`to`, as the status bar names it); recorded in this clinic's log
    /// before the move.
    pub async fn authorize_database_change(
        &self,
        actor: &Actor,
        to: &str,
        ws: &str,
    ) -> CoreResult<()> {
        access::admin(actor)?;
        self.require_recent_password(actor)?;
        let event = self
            .audit(AuditAction::DatabaseChanged, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .detail(format!("to {to}"));
        Ok(self.store.append_audit(&event).await?)
    }

    /// The move to `to` that [`Recovery::authorize_database_change`] recorded did not happen:
    /// said in the same log, with `reason`, so that it never reads as done.
    pub async fn record_database_change_failed(
        &self,
        actor: &Actor,
        to: &str,
        reason: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let event = self
            .audit(AuditAction::DatabaseChanged, AuditOutcome::Error, ws)
            .actor(actor.id)
            .detail(format!(
                "to {to}: {reason}; this computer stays on its own file"
            ));
        Ok(self.store.append_audit(&event).await?)
    }

    /// The DNS record to publish for the DKIM key in this workstation's keyring: `None` when
    /// settings name no DKIM domain or no key is stored.
    pub async fn dkim_record(&self, actor: &StaffRecord) -> CoreResult<Option<DkimRecord>> {
        access::admin(actor)?;
        let Some(dkim) = self.settings().await?.mail.dkim else {
            return Ok(None);
        };
        let Some(pem) = self.keyring.dkim_key().await? else {
            return Ok(None);
        };
        let key = DkimKey::from_pem(pem.expose())?;
        Ok(Some(dkim_record(&dkim, &key)))
    }

    /// Checks an admin's Send test email; answers the recipient, the settings to send with and
    /// the keyring's SMTP password and DKIM key.
    pub async fn test_email(
        &self,
        actor: &StaffRecord,
        to: &str,
    ) -> CoreResult<(String, Settings, MailSecrets)> {
        access::admin(actor)?;
        let to = validate::email(TEST_RECIPIENT, to)?;
        let settings = self.settings().await?;
        let secrets = self.keyring.mail_secrets().await?;
        Ok((to, settings, secrets))
    }

    /// Records an admin's Send test email and how it ended.
    pub async fn record_test_email(
        &self,
        actor: &StaffRecord,
        failure: Option<&str>,
        ws: &str,
    ) -> CoreResult<()> {
        let outcome = match failure {
            Some(_) => AuditOutcome::Failed,
            None => AuditOutcome::Sent,
        };
        let mut event = self
            .audit(AuditAction::TestEmail, outcome, ws)
            .actor(actor.id);
        if let Some(reason) = failure {
            event = event.detail(reason);
        }
        Ok(self.store.append_audit(&event).await?)
    }

    pub async fn list_activity(
        &self,
        actor: &StaffRecord,
        query: &str,
    ) -> CoreResult<Vec<AuditRow>> {
        access::activity(actor)?;
        let query = validate::search(query)?.to_lowercase();
        Ok(self.store.list_audit(&query, LIST_LIMIT).await?)
    }

    pub async fn list_emails(&self, actor: &StaffRecord, query: &str) -> CoreResult<Vec<EmailRow>> {
        access::activity(actor)?;
        let query = validate::search(query)?.to_lowercase();
        let rows = self.store.list_emails(&query, LIST_LIMIT).await?;
        Ok(rows.iter().map(EmailRow::from).collect())
    }
}
