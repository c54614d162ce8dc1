//! The outbox dispatcher: claims due emails, sends them, and records what happened. Delivery is
//! at least once; a failure is retried with backoff until it succeeds or is final. An email is
//! claimed just before it is sent and marked sent as soon as it is accepted, so that a crash
//! can repeat at most the one email in flight; on start the dispatcher takes back its own
//! workstation's claims from before the crash instead of waiting out their lease.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::outbox::{Claimant, DeliveredVia, EmailRecord, CLAIM_LEASE};
use vetdesk_core::ports::{OutboxStore, SettingsStore};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::Settings;
use vetdesk_core::time::{Clock, Millis};
use vetdesk_core::StoreError;

use crate::error::MailError;
use crate::preview::PreviewOutbox;
use crate::render::{render, render_without_secrets};
use crate::transport::MailTransport;

mod outcome;

/// How many emails one round handles.
pub const BATCH_SIZE: u32 = 20;
/// How many emails are claimed at once: one, so that none waits claimed behind a slow send,
/// where its lease could run out and another workstation send it too.
const CLAIM_AT_ONCE: u32 = 1;
/// The longest the dispatcher sleeps without looking at the outbox.
pub const MAX_IDLE: Duration = Duration::from_secs(30);
/// The shortest pause between rounds that did not fill a batch, so that a row another
/// workstation holds cannot make this one spin.
const MIN_IDLE: Duration = Duration::from_secs(1);

/// Chooses the transport for the current settings: the preview outbox, or SMTP with the
/// password from the OS keyring.
pub trait TransportFactory: Send + Sync {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError>;
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: u32,
    pub failed: u32,
    pub expired: u32,
    /// This dispatcher's outbox key is not the clinic's: it sent nothing.
    pub wrong_key: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Dispatcher {
    outbox: Arc<dyn OutboxStore>,
    settings: Arc<dyn SettingsStore>,
    sealer: Arc<Sealer>,
    clock: Arc<dyn Clock>,
    transports: Arc<dyn TransportFactory>,
    claimant: Claimant,
    /// How long a claim holds before another dispatcher may take the email over.
    lease: Millis,
    preview: Option<PreviewOutbox>,
    /// Set once the clinic database has confirmed that this dispatcher's key is the clinic's.
    key_confirmed: std::sync::atomic::AtomicBool,
}

/// This process's run of the app: a dispatcher claims as it, and a later process takes back
/// what it left claimed. Clinics reopened in one process share it, as their dispatchers may
/// overlap while the old one finishes its round.
fn this_run() -> &'static str {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| format!("{}-{:016x}", std::process::id(), rand::random::<u64>()))
}

/// Why one attempt did not deliver, in words fit for the Activity screen.
struct Failure {
    reason: String,
    permanent: bool,
}

impl From<&MailError> for Failure {
    fn from(e: &MailError) -> Self {
        Self {
            reason: e.to_string(),
            permanent: e.is_permanent(),
        }
    }
}

impl Dispatcher {
    /// `outbox` holds the emails; `settings` says how to send them, and is read each round.
    pub fn new(
        outbox: Arc<dyn OutboxStore>,
        settings: Arc<dyn SettingsStore>,
        sealer: Arc<Sealer>,
        clock: Arc<dyn Clock>,
        transports: Arc<dyn TransportFactory>,
        workstation: String,
    ) -> Self {
        Self {
            outbox,
            settings,
            sealer,
            clock,
            transports,
            claimant: Claimant::new(workstation, this_run()),
            lease: CLAIM_LEASE,
            preview: None,
            key_confirmed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Claims as run `run` of the workstation instead of this process's run, as a restarted
    /// app would; for tests, which restart within one process.
    pub fn in_run(mut self, run: impl Into<String>) -> Self {
        self.claimant.run = run.into();
        self
    }

    /// Holds each claim for `lease` instead of [`CLAIM_LEASE`]: how long a dispatcher that
    /// died mid-send keeps its email from the others. For tests, which cannot wait minutes.
    pub fn with_lease(mut self, lease: Millis) -> Self {
        self.lease = lease;
        self
    }

    /// Each round also deletes the copies in `preview` whose token has died (used, revoked or
    /// expired), so that the folder keeps no reset secret after it stopped mattering.
    pub fn sweeping(mut self, preview: PreviewOutbox) -> Self {
        self.preview = Some(preview);
        self
    }

    /// Makes this workstation's emails that an earlier run left claimed due at once: that run
    /// is gone (one app runs per workstation). Answers how many.
    pub async fn release_dead_claims(&self) -> Result<u64, DispatchError> {
        let released = self.outbox.release_dead_claims(&self.claimant).await?;
        if released > 0 {
            tracing::info!(released, "emails claimed before a restart are due again");
        }
        Ok(released)
    }

    /// One round: claim what is due and try each email once, up to [`BATCH_SIZE`] emails; then
    /// sweep the preview outbox, after the sends so that it never delays one.
    pub async fn run_once(&self) -> Result<DispatchReport, DispatchError> {
        self.round(&CancellationToken::new()).await
    }

    /// [`Dispatcher::run_once`], claiming nothing more once `shutdown` is cancelled: the email
    /// in hand is finished and recorded first.
    async fn round(&self, shutdown: &CancellationToken) -> Result<DispatchReport, DispatchError> {
        let mut report = DispatchReport::default();
        if !self.holds_clinic_key().await? {
            tracing::error!(
                workstation = %self.claimant.workstation,
                "this dispatcher's outbox key is not the clinic's: it sends nothing until it is \
                 given the clinic's key"
            );
            report.wrong_key = true;
            return Ok(report);
        }
        let mut how = None;
        let mut handled = 0;
        while handled < BATCH_SIZE && !shutdown.is_cancelled() {
            let claimed = self
                .outbox
                .claim_due_emails(self.clock.now(), self.lease, CLAIM_AT_ONCE, &self.claimant)
                .await?;
            let Some(email) = claimed.first() else {
                break;
            };
            handled += 1;
            // Read once a round, when there is something to send.
            let (settings, transport) = match &how {
                Some(how) => how,
                None => {
                    let settings = self
                        .settings
                        .load_settings()
                        .await?
                        .unwrap_or_else(Settings::demo);
                    let transport = self.transports.transport(&settings);
                    how.insert((settings, transport))
                }
            };
            let now = self.clock.now();
            if is_expired(email, now) {
                self.expire(email, now).await?;
                report.expired += 1;
                continue;
            }
            let attempt = match transport {
                Ok(transport) => self.deliver(email, settings, transport.as_ref(), now).await,
                Err(e) => Err(Failure::from(e)),
            };
            match attempt {
                Ok((message_id, via)) => {
                    self.record_sent(email, &message_id, via).await?;
                    report.sent += 1;
                }
                Err(failure) => {
                    self.record_failed(email, failure).await?;
                    report.failed += 1;
                }
            }
        }
        self.sweep_preview().await;
        Ok(report)
    }

    /// Whether this dispatcher can open the clinic's queued emails: its key is the one the clinic
    /// database recorded (the first dispatcher's). Asked of the database until it says yes.
    pub async fn holds_clinic_key(&self) -> Result<bool, DispatchError> {
        use std::sync::atomic::Ordering;
        if self.key_confirmed.load(Ordering::Acquire) {
            return Ok(true);
        }
        let holds = self
            .outbox
            .clinic_outbox_key(&self.sealer.fingerprint())
            .await?;
        self.key_confirmed.store(holds, Ordering::Release);
        Ok(holds)
    }

    /// Rounds until `shutdown`: after each, sleeps until the next email is due (at most
    /// [`MAX_IDLE`]) or until `wake` is notified because a new email was queued.
    /// First, and until it succeeds, it takes back the claims of this workstation's earlier run.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        tracing::info!(workstation = %self.claimant.workstation, "outbox dispatcher started");
        let mut released = false;
        loop {
            if !released {
                match self.release_dead_claims().await {
                    Ok(_) => released = true,
                    Err(e) => tracing::warn!(error = %e, "could not take back earlier claims"),
                }
            }
            let busy = match self.round(&shutdown).await {
                Ok(report) => report.sent + report.failed + report.expired >= BATCH_SIZE,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox round failed");
                    false
                }
            };
            let pause = if busy {
                Duration::ZERO
            } else {
                self.idle_time().await
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(workstation = %self.claimant.workstation, "outbox dispatcher stopped");
    }

    async fn idle_time(&self) -> Duration {
        let until_due = match self.outbox.next_email_due().await {
            Ok(Some(due)) => {
                Duration::from_millis(u64::try_from(due - self.clock.now()).unwrap_or(0))
            }
            Ok(None) => MAX_IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "could not read when the next email is due");
                MAX_IDLE
            }
        };
        until_due.clamp(MIN_IDLE, MAX_IDLE)
    }

    /// Sends `email`; answers its Message-ID and the transport that took it.
    async fn deliver(
        &self,
        email: &EmailRecord,
        settings: &Settings,
        transport: &dyn MailTransport,
        now: Millis,
    ) -> Result<(String, DeliveredVia), Failure> {
        let rendered = if transport.carries_secrets() {
            let secrets = match &email.sealed {
                // A different outbox key (another workstation's) may open it later: not final.
                Some(sealed) => Some(self.sealer.open(sealed).map_err(|e| Failure {
                    reason: e.to_string(),
                    permanent: false,
                })?),
                None => None,
            };
            render(email, secrets.as_ref(), settings, now)
        } else {
            // The secrets are not even opened: nothing this transport keeps could hold them.
            render_without_secrets(email, settings, now)
        }
        .map_err(|e| Failure::from(&e))?;
        // A send that outlasted the claim could be taken over and sent again by another
        // dispatcher while this one still talks to the mail server: it is given up at half the
        // lease, and the claim still holds when the failure is recorded.
        let within = self.send_within();
        match tokio::time::timeout(within, transport.send(&rendered.message, Some(email.id))).await
        {
            Ok(sent) => sent.map_err(|e| Failure::from(&e))?,
            Err(_) => {
                return Err(Failure {
                    reason: format!(
                        "The mail server did not take the email within {} seconds; it will be \
                         tried again.",
                        within.as_secs_f64().ceil()
                    ),
                    permanent: false,
                })
            }
        }
        Ok((rendered.message_id, transport.via()))
    }

    /// The longest one send may take: half the lease.
    fn send_within(&self) -> Duration {
        Duration::from_millis(u64::try_from(self.lease / 2).unwrap_or(0).max(1))
    }

    /// Deletes preview copies of emails whose token has died. A failure here delays nothing
    /// else: the next round tries again.
    async fn sweep_preview(&self) {
        let Some(preview) = &self.preview else {
            return;
        };
        let ids = match preview.email_ids().await {
            Ok(ids) if ids.is_empty() => return,
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the preview outbox");
                return;
            }
        };
        let dead = match self
            .outbox
            .emails_with_dead_tokens(&ids, self.clock.now())
            .await
        {
            Ok(dead) if dead.is_empty() => return,
            Ok(dead) => dead,
            Err(e) => {
                tracing::warn!(error = %e, "could not check the preview outbox's tokens");
                return;
            }
        };
        match preview.remove_emails(&dead).await {
            Ok(removed) => tracing::info!(removed, "preview copies of dead reset links deleted"),
            Err(e) => tracing::warn!(error = %e, "could not delete preview copies"),
        }
    }
}

/// An email whose link can no longer be used (a staff reset, a portal invitation or reset) is
/// not worth sending.
fn is_expired(email: &EmailRecord, now: Millis) -> bool {
    email.token_live == Some(false)
        || (email.kind.carries_secrets() && email.params.expires_at.is_some_and(|at| at <= now))
}
