//! Bulk portal invitations: the office manager picks clients (or a search), the job is stored
//! with one item per client, and the workstation that began it works through it a batch at a
//! time, resuming after a restart, until it is done or cancelled.

use crate::access;
use crate::audit::{AuditAction, AuditOutcome};
use crate::bulk::{BulkOutcome, BulkProgress, BulkSelection, BulkStatus, NewBulkJob};
use crate::client::{ClientCursor, ClientFilter, PortalAccountStatus};
use crate::error::{CoreError, CoreResult};
use crate::session::Actor;
use crate::staff::StaffRecord;
use crate::validate::{self, Field};

use super::offline::Replay;
use super::portal::require_clinic_url;
use super::Recovery;

/// The most clients one job invites; a clinic of 100,000 clients fits.
pub const BULK_MAX: usize = 100_000;
/// Skipped and failed clients listed under the progress bar.
const NOT_SENT_SHOWN: u32 = 200;
const SELECTION: Field = Field::new("selection", "Selection");

impl Recovery {
    /// Stores a job inviting the selected clients; the workstation's bulk runner sends them.
    pub async fn start_bulk_invite(
        &self,
        actor: &Actor,
        selection: BulkSelection,
        ws: &str,
    ) -> CoreResult<BulkProgress> {
        let (id, _) = self.bulk_invite_by(actor, selection, ws, None).await?;
        self.bulk_progress(actor, id).await
    }

    /// The clients `selection` reaches for `actor`, in order and each once, after the checks
    /// a run is stored under: the role, the clinic's web address, at least one client and at
    /// most [`BULK_MAX`]. What a desk offline checks against its copy of the clinic before it
    /// queues a run.
    pub async fn bulk_clients(
        &self,
        actor: &StaffRecord,
        selection: BulkSelection,
    ) -> CoreResult<Vec<i64>> {
        access::bulk_inviter(actor)?;
        require_clinic_url(&self.settings().await?)?;
        let client_ids: Vec<i64> = match selection {
            BulkSelection::Clients { ids } => {
                let mut seen = std::collections::HashSet::new();
                ids.into_iter().filter(|id| seen.insert(*id)).collect()
            }
            BulkSelection::Search { query, filter } => {
                self.every_match(actor, &query, filter).await?
            }
        };
        if client_ids.is_empty() {
            return Err(CoreError::invalid(
                SELECTION,
                "No clients are selected. Pick clients in the list, or search for them first.",
            ));
        }
        if client_ids.len() > BULK_MAX {
            return Err(CoreError::invalid(
                SELECTION,
                format!("One invitation run takes at most {BULK_MAX} clients; narrow the search."),
            ));
        }
        Ok(client_ids)
    }

    /// [`Recovery::start_bulk_invite`] by `actor`, or replayed from an offline queue: the job's
    /// audit event then carries the action's key, so the clinic database stores the run once.
    /// Answers the job's id and how many clients it invites.
    pub(super) async fn bulk_invite_by(
        &self,
        actor: &StaffRecord,
        selection: BulkSelection,
        ws: &str,
        replay: Option<&Replay<'_>>,
    ) -> CoreResult<(i64, usize)> {
        let client_ids = self.bulk_clients(actor, selection).await?;
        // Checked here, not in bulk_clients: a desk offline checks against its copy, which
        // holds no keys, and its replay comes here.
        self.require_clinic_keys().await?;
        let clients = format!("{} clients", client_ids.len());
        let job = NewBulkJob {
            created_by: actor.id,
            workstation: ws.to_string(),
            created_at: self.clock.now(),
            client_ids,
        };
        let event = self
            .audit(AuditAction::BulkInvite, AuditOutcome::Queued, ws)
            .actor(actor.id);
        let event = match replay {
            Some(replay) => replay.mark_after(event, &clients),
            None => event.detail(clients),
        };
        let id = self.store.create_bulk_job(&job, &event).await?;
        Ok((id, job.client_ids.len()))
    }

    /// Every client a search finds, a page at a time.
    async fn every_match(
        &self,
        actor: &StaffRecord,
        query: &str,
        filter: ClientFilter,
    ) -> CoreResult<Vec<i64>> {
        let mut ids = Vec::new();
        let mut after: Option<ClientCursor> = None;
        loop {
            let page = self.search_clients(actor, query, filter, after).await?;
            ids.extend(page.rows.iter().map(|r| r.id));
            match page.next {
                Some(next) if ids.len() <= BULK_MAX => after = Some(next),
                _ => return Ok(ids),
            }
        }
    }

    pub async fn bulk_progress(
        &self,
        actor: &StaffRecord,
        job_id: i64,
    ) -> CoreResult<BulkProgress> {
        access::bulk_inviter(actor)?;
        let job = self
            .store
            .bulk_job(job_id)
            .await?
            .ok_or(CoreError::NotFound("That invitation run"))?;
        Ok(BulkProgress {
            id: job.id,
            status: job.status,
            total: job.total,
            sent: job.sent,
            skipped: job.skipped,
            failed: job.failed,
            not_sent: self.store.bulk_not_sent(job.id, NOT_SENT_SHOWN).await?,
        })
    }

    /// Stops a running job; the clients already invited stay invited.
    pub async fn cancel_bulk_invite(
        &self,
        actor: &Actor,
        job_id: i64,
        ws: &str,
    ) -> CoreResult<BulkProgress> {
        access::bulk_inviter(actor)?;
        let event = self
            .audit(AuditAction::BulkInvite, AuditOutcome::Cancelled, ws)
            .actor(actor.id)
            .detail(format!("run {job_id}"));
        if !self
            .store
            .cancel_bulk_job(job_id, self.clock.now(), &event)
            .await?
            && self.store.bulk_job(job_id).await?.is_none()
        {
            return Err(CoreError::NotFound("That invitation run"));
        }
        self.bulk_progress(actor, job_id).await
    }

    /// The runs this workstation is working through, for the screen to show after a restart.
    pub async fn running_bulk_invites(
        &self,
        actor: &StaffRecord,
        ws: &str,
    ) -> CoreResult<Vec<BulkProgress>> {
        access::bulk_inviter(actor)?;
        let mut out = Vec::new();
        for id in self.bulk_jobs_to_run(ws).await? {
            out.push(self.bulk_progress(actor, id).await?);
        }
        Ok(out)
    }

    /// The running jobs this workstation began, for its runner to resume after a restart.
    pub async fn bulk_jobs_to_run(&self, ws: &str) -> CoreResult<Vec<i64>> {
        let jobs = self.store.running_bulk_jobs(ws).await?;
        Ok(jobs.into_iter().map(|j| j.id).collect())
    }

    /// Works up to `batch` of the job's clients. `Ok(true)` while there is more to do.
    pub async fn work_bulk_job(&self, job_id: i64, batch: u32, ws: &str) -> CoreResult<bool> {
        let Some(job) = self.store.bulk_job(job_id).await? else {
            return Ok(false);
        };
        if job.status != BulkStatus::Running {
            return Ok(false);
        }
        let settings = self.settings().await?;
        let items = self.store.pending_bulk_items(job.id, batch).await?;
        for item in &items {
            // A cancel from the screen takes effect between clients, not only between batches.
            if self.store.bulk_job(job.id).await?.map(|j| j.status) != Some(BulkStatus::Running) {
                return Ok(false);
            }
            let outcome = match self.invite_one(&job, item.client_id, &settings, ws).await {
                Ok(outcome) => outcome,
                Err(CoreError::InvalidInput { .. }) => BulkOutcome::SkippedEmailInUse,
                Err(e @ CoreError::Store(_)) => return Err(e),
                Err(_) => BulkOutcome::Failed,
            };
            self.store
                .record_bulk_outcome(job.id, item.position, outcome, self.clock.now())
                .await?;
        }
        Ok(!items.is_empty())
    }

    /// One client of a bulk job. An invitation stored for this job before a crash (the item
    /// had no outcome yet) counts as sent, so a resumed job never invites anyone twice.
    async fn invite_one(
        &self,
        job: &crate::bulk::BulkJobRecord,
        client_id: i64,
        settings: &crate::settings::Settings,
        ws: &str,
    ) -> CoreResult<BulkOutcome> {
        let Some(client) = self.store.get_client(client_id).await? else {
            return Ok(BulkOutcome::Failed);
        };
        let Some(email) = client.email.clone() else {
            return Ok(BulkOutcome::SkippedNoEmail);
        };
        if let Some(account) = self.store.portal_account_of(client.id).await? {
            let pending = self
                .store
                .live_portal_token(client.id, self.clock.now())
                .await?;
            let ours = account.status == PortalAccountStatus::Invited
                && pending.is_some_and(|t| t.created_at >= job.created_at);
            return Ok(if ours {
                BulkOutcome::Sent
            } else {
                BulkOutcome::SkippedRegistered
            });
        }
        if validate::email(super::clients::CLIENT_EMAIL, &email).is_err() {
            return Ok(BulkOutcome::Failed);
        }
        self.refuse_taken_username(&client, &email).await?;
        let event = |action| {
            self.audit(action, AuditOutcome::Queued, ws)
                .actor(job.created_by)
                .client(client.id)
                .detail(format!("run {}", job.id))
        };
        self.issue_portal_link(settings, &client, &email, true, event)
            .await?;
        Ok(BulkOutcome::Sent)
    }
}
