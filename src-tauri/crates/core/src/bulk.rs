//! Bulk portal invitations: a job stored in the clinic database with one item per selected
//! client, worked through a batch at a time, so that it survives a restart and can be cancelled.

use serde::{Deserialize, Serialize};

use crate::client::ClientFilter;
use crate::time::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum BulkStatus {
    Running,
    Cancelled,
    Done,
}

impl BulkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkStatus::Running => "running",
            BulkStatus::Cancelled => "cancelled",
            BulkStatus::Done => "done",
        }
    }

    pub fn parse(value: &str) -> Option<BulkStatus> {
        [BulkStatus::Running, BulkStatus::Cancelled, BulkStatus::Done]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// How one client's invitation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum BulkOutcome {
    Sent,
    /// No email address on file.
    SkippedNoEmail,
    /// Already has a portal account: bulk invitations go to the unregistered only.
    SkippedRegistered,
    /// Another client's portal account uses the same address.
    SkippedEmailInUse,
    /// The client was removed, or the invitation could not be stored.
    Failed,
}

impl BulkOutcome {
    pub const ALL: [BulkOutcome; 5] = [
        BulkOutcome::Sent,
        BulkOutcome::SkippedNoEmail,
        BulkOutcome::SkippedRegistered,
        BulkOutcome::SkippedEmailInUse,
        BulkOutcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BulkOutcome::Sent => "sent",
            BulkOutcome::SkippedNoEmail => "skipped_no_email",
            BulkOutcome::SkippedRegistered => "skipped_registered",
            BulkOutcome::SkippedEmailInUse => "skipped_email_in_use",
            BulkOutcome::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<BulkOutcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }

    pub fn skipped(self) -> bool {
        matches!(
            self,
            BulkOutcome::SkippedNoEmail
                | BulkOutcome::SkippedRegistered
                | BulkOutcome::SkippedEmailInUse
        )
    }

    /// Words for the list of skipped and failed clients.
    pub fn reason(self) -> &'static str {
        match self {
            BulkOutcome::Sent => "Invitation sent",
            BulkOutcome::SkippedNoEmail => "No email address on file",
            BulkOutcome::SkippedRegistered => "Already has a portal account",
            BulkOutcome::SkippedEmailInUse => "Email used by another client's portal account",
            BulkOutcome::Failed => "Could not be invited",
        }
    }
}

/// The name listed for an item whose client no longer exists.
pub const REMOVED_CLIENT: &str = "A removed client";

/// Which clients to invite: those picked in the list, or every client a search finds.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BulkSelection {
    Clients { ids: Vec<i64> },
    Search { query: String, filter: ClientFilter },
}

/// A job to store: its clients in order, each an item without an outcome yet.
#[derive(Clone, Debug)]
pub struct NewBulkJob {
    pub created_by: i64,
    pub workstation: String,
    pub created_at: Millis,
    pub client_ids: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkJobRecord {
    pub id: i64,
    pub created_by: i64,
    pub workstation: String,
    pub created_at: Millis,
    pub status: BulkStatus,
    pub total: u32,
    pub sent: u32,
    pub skipped: u32,
    pub failed: u32,
    pub finished_at: Option<Millis>,
}

/// One client of a job, with its outcome once worked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkItem {
    pub job_id: i64,
    pub position: u32,
    pub client_id: i64,
    pub outcome: Option<BulkOutcome>,
}

/// A skipped or failed client, for the list under the progress bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BulkSkipped {
    pub client_id: i64,
    pub name: String,
    pub reason: String,
}

/// What the progress bar shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BulkProgress {
    pub id: i64,
    pub status: BulkStatus,
    pub total: u32,
    pub sent: u32,
    pub skipped: u32,
    pub failed: u32,
    /// Clients skipped or failed so far, in the order they were worked.
    pub not_sent: Vec<BulkSkipped>,
}

impl BulkJobRecord {
    pub fn worked(&self) -> u32 {
        self.sent + self.skipped + self.failed
    }
}

/// What Invite to portal answers: the run the clinic database stored, or, while it cannot be
/// reached, the run queued at this workstation, stored and sent when it answers again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BulkStart {
    Started {
        progress: BulkProgress,
    },
    Queued {
        /// "Queued — will send when online: …", for the window.
        message: String,
        /// How many clients the run will invite, as this computer's copy counted them.
        total: u32,
    },
}

/// "1 client", "1,234 clients": the count as the window writes it.
pub fn clients_word(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{grouped} client{}", if n == 1 { "" } else { "s" })
}
