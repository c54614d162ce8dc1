//! Watches the clinic's server for a workstation on it: a health check every few seconds (and
//! at once after a failed call), this computer's copy of the clinic refreshed while online, and
//! the queued actions replayed in order when the server answers again.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::offline::{QueuedKind, QueuedState, Replayed};
use vetdesk_core::recovery::Recovery;
use vetdesk_core::time::{Millis, MINUTE};
use vetdesk_core::{Clock, CoreError, StoreError, SystemClock};

use super::Offline;

/// Between two health checks. With the server's 2-second answer limit, a dropped server is
/// noticed within 4 seconds without any call, and at once by a failed one.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// How old this computer's copy of the clinic may get while online.
const REFRESH_EVERY: Millis = 5 * MINUTE;

/// Runs until `stop`: checks, refreshes and replays for `offline`, with `recovery` on the
/// clinic's server, as workstation `ws`; `bulk_wake` starts this workstation's bulk runner on
/// a run a replay stored.
pub fn spawn_monitor(
    offline: Arc<Offline>,
    recovery: Arc<Recovery>,
    ws: String,
    bulk_wake: Arc<Notify>,
    stop: CancellationToken,
) {
    tauri::async_runtime::spawn(async move {
        let mut refreshed: Option<Millis> = None;
        loop {
            let answers = offline.server.ping().await.is_ok();
            if !answers {
                offline.set_online(false);
            } else if offline.online()
                || come_back(&offline, &recovery, &ws, &bulk_wake, &mut refreshed).await
            {
                offline.set_online(true);
                replay(&offline, &recovery, &ws, &bulk_wake).await;
                let now = SystemClock.now();
                if refreshed.is_none_or(|at| now - at >= REFRESH_EVERY) && offline.online() {
                    refreshed = refresh(&offline, now).await.or(refreshed);
                }
            }
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tokio::time::sleep(CHECK_EVERY) => {}
                _ = offline.check.notified() => {}
            }
        }
    });
}

/// The server answers again (or for the first time since the desk started offline): checked
/// and brought up to date if it was never opened, the person signed in offline given a session
/// there (after the copy is refreshed, which tells whether their password changed meanwhile),
/// and the queue replayed while the desk still queues, so that what is taken meanwhile goes
/// after it. `false` while the server cannot take that yet.
async fn come_back(
    offline: &Offline,
    recovery: &Recovery,
    ws: &str,
    bulk_wake: &Notify,
    refreshed: &mut Option<Millis>,
) -> bool {
    if offline.unopened() {
        if let Err(e) = offline.server.prepare().await {
            tracing::warn!(error = %e, "the clinic database answers but cannot be used");
            return false;
        }
        offline.opened();
    }
    if offline.signed_in_offline() {
        let now = SystemClock.now();
        match refresh(offline, now).await {
            Some(at) => *refreshed = Some(at),
            None => return false,
        }
    }
    if let Err(e) = offline.resume_session(recovery, ws).await {
        tracing::warn!(error = %e, "could not resume the offline sign-in on the server");
        return false;
    }
    replay(offline, recovery, ws, bulk_wake).await
}

/// Copies the server's staff, clients and pets into this computer's copy, and drops the offline
/// sign-ins it no longer supports; `None` if it failed.
async fn refresh(offline: &Offline, now: Millis) -> Option<Millis> {
    match vetdesk_store::mirror::refresh(&offline.server, &offline.copy, now).await {
        Ok(report) => {
            tracing::info!(
                staff = report.staff,
                clients = report.clients,
                pets = report.pets,
                "refreshed this computer's copy of the clinic"
            );
            if let Err(e) = offline.sweep_verifiers().await {
                tracing::warn!(error = %e, "could not check the offline sign-ins");
            }
            offline.changed();
            Some(now)
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not refresh this computer's copy of the clinic");
            offline.noticed(&CoreError::Store(e));
            None
        }
    }
}

/// Replays the waiting actions in the order they were taken, until one cannot reach the server;
/// `true` when none is left waiting. A bulk invitation stored by its replay is this
/// workstation's run: `bulk_wake` starts the runner on it now rather than at its next look.
async fn replay(offline: &Offline, recovery: &Recovery, ws: &str, bulk_wake: &Notify) -> bool {
    let waiting = match offline.queue.waiting().await {
        Ok(waiting) => waiting,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the queue of offline actions");
            return false;
        }
    };
    for action in waiting {
        let (state, outcome) = match recovery.replay(&action, ws).await {
            Ok(Replayed::Sent(message)) => (QueuedState::Sent, message),
            Ok(Replayed::Refused(reason)) => (QueuedState::Refused, reason),
            Err(e @ CoreError::Store(StoreError::Unavailable(_) | StoreError::Busy)) => {
                offline.noticed(&e);
                tracing::warn!(error = %e, id = action.id, "replay stopped; the action waits");
                return false;
            }
            Err(e) => (QueuedState::Refused, e.to_string()),
        };
        tracing::info!(
            id = action.id,
            state = state.as_str(),
            "replayed an offline action"
        );
        if action.kind == QueuedKind::BulkInvite && state == QueuedState::Sent {
            bulk_wake.notify_one();
        }
        if let Err(e) = offline
            .queue
            .settle(action.id, state, &outcome, SystemClock.now())
            .await
        {
            // The clinic database has it under its key: a second replay is answered as
            // already applied, so nothing is sent twice.
            tracing::error!(error = %e, id = action.id, "could not record a replayed action");
            return false;
        }
        offline.changed();
    }
    true
}
