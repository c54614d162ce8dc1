//! Whether this workstation holds the clinic's keys, and handing them to another workstation.
//! A desk whose outbox key is not the one the clinic database records mints nothing: its links
//! would wait sealed under a key no dispatcher of the clinic holds, and its codes would be keyed
//! with a pepper no other desk has. It says so, and an admin imports the clinic's keys.

use std::sync::atomic::Ordering;

use crate::access;
use crate::audit::{AuditAction, AuditOutcome};
use crate::clinic_keys::{ClinicKeys, FILE_FIELD};
use crate::error::{CoreError, CoreResult};
use crate::session::Actor;

use super::Recovery;

/// What a desk without the clinic's keys answers when asked for a link or a code.
pub const KEYS_MISSING: &str = "This computer does not hold the clinic's keys yet, so it cannot \
                                send reset links or make one-time codes. An admin imports them \
                                in Setup › Database from a desk whose emails go out; until then, \
                                use that desk.";

impl Recovery {
    /// Whether this workstation's outbox key is the clinic's: the one the clinic database
    /// records, or (none recorded yet) now recorded as this one.
    pub async fn holds_clinic_keys(&self) -> CoreResult<bool> {
        if self.keys_confirmed.load(Ordering::Acquire) {
            return Ok(true);
        }
        let holds = self
            .store
            .clinic_outbox_key(&self.sealer.fingerprint())
            .await?;
        self.keys_confirmed.store(holds, Ordering::Release);
        Ok(holds)
    }

    /// What Setup › Database shows an admin: whether this desk holds the clinic's keys.
    pub async fn clinic_keys_held(&self, actor: &Actor) -> CoreResult<bool> {
        access::admin(actor)?;
        self.holds_clinic_keys().await
    }

    /// Refuses to mint a link or a code at a desk that does not hold the clinic's keys.
    pub(super) async fn require_clinic_keys(&self) -> CoreResult<()> {
        if self.holds_clinic_keys().await? {
            Ok(())
        } else {
            Err(CoreError::NotConfigured(KEYS_MISSING.into()))
        }
    }

    /// An admin who entered their password within the last minutes writes this desk's keys to
    /// a file for another workstation of the clinic. Only a desk that holds the clinic's keys
    /// exports them; the export is audited with the outbox key's fingerprint.
    pub async fn authorize_clinic_keys_export(&self, actor: &Actor, ws: &str) -> CoreResult<()> {
        access::admin(actor)?;
        self.require_recent_password(actor)?;
        self.require_clinic_keys().await?;
        self.record_key_export(actor, AuditAction::ClinicKeysExported, ws)
            .await
    }

    /// An admin who entered their password within the last minutes brings the clinic's keys
    /// to this desk. Keys whose outbox key is not the one the clinic database records (another
    /// clinic's, or a desk's that never held them) are refused; with none recorded yet, these
    /// become the clinic's. Audited, refused or not.
    pub async fn authorize_clinic_keys_import(
        &self,
        actor: &Actor,
        keys: &ClinicKeys,
        ws: &str,
    ) -> CoreResult<()> {
        access::admin(actor)?;
        self.require_recent_password(actor)?;
        let fingerprint = keys.fingerprint();
        let theirs = self.store.clinic_outbox_key(&fingerprint).await?;
        let (outcome, detail) = if theirs {
            (AuditOutcome::Ok, format!("fingerprint {fingerprint}"))
        } else {
            let detail = format!("fingerprint {fingerprint}, not the clinic's");
            (AuditOutcome::Refused, detail)
        };
        let event = self
            .audit(AuditAction::ClinicKeysImported, outcome, ws)
            .actor(actor.id)
            .detail(detail);
        self.store.append_audit(&event).await?;
        if theirs {
            Ok(())
        } else {
            Err(CoreError::invalid(
                FILE_FIELD,
                format!(
                    "These keys are not this clinic's: their fingerprint is {fingerprint}. \
                     Export them again on a desk of this clinic whose emails go out."
                ),
            ))
        }
    }
}
