//! Actions a front desk takes while the clinic's server cannot be reached: queued at the
//! workstation with who, whom (for a bulk invitation, the clients it counted) and when, and
//! replayed in order once the server answers, each through the same rules as if it were taken
//! then. Tokens, codes and invitation runs are made only in the clinic database, at replay.

use serde::Serialize;

use crate::bulk::{clients_word, BulkSelection};
use crate::time::Millis;

/// What a queued action does once the clinic database is back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum QueuedKind {
    /// Reset password on a staff card: a reset link to the registered email.
    StaffReset,
    /// The paw icon: a portal invitation or a portal reset link to the client's email.
    PortalLink,
    /// Invite to portal on the Clients list: a run of portal invitations to many clients.
    BulkInvite,
}

impl QueuedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueuedKind::StaffReset => "staff_reset",
            QueuedKind::PortalLink => "portal_link",
            QueuedKind::BulkInvite => "bulk_invite",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "staff_reset" => Some(QueuedKind::StaffReset),
            "portal_link" => Some(QueuedKind::PortalLink),
            "bulk_invite" => Some(QueuedKind::BulkInvite),
            _ => None,
        }
    }
}

/// Where a queued action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum QueuedState {
    /// Waiting for the clinic database.
    Queued,
    /// Replayed: the email is in the clinic's outbox, or the invitation run is stored and
    /// this workstation sends it.
    Sent,
    /// Replayed and refused by the rules as they stood then; the outcome says why.
    Refused,
}

impl QueuedState {
    pub fn as_str(self) -> &'static str {
        match self {
            QueuedState::Queued => "queued",
            QueuedState::Sent => "sent",
            QueuedState::Refused => "refused",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "queued" => Some(QueuedState::Queued),
            "sent" => Some(QueuedState::Sent),
            "refused" => Some(QueuedState::Refused),
            _ => None,
        }
    }
}

/// An action to queue: who took it, on whom, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQueuedAction {
    /// Unique to this action; the clinic database takes it once (see
    /// [`crate::audit::AuditEvent::action_key`]).
    pub key: String,
    pub kind: QueuedKind,
    pub actor_id: i64,
    /// The staff member (a reset) or the client (the paw icon); 0 for a bulk invitation, whose
    /// clients are its `selection`.
    pub subject_id: i64,
    /// Names as the desk saw them, for the window while offline: for a bulk invitation, words
    /// for its clients ([`bulk_subject`]).
    pub actor_name: String,
    pub subject_name: String,
    pub queued_at: Millis,
    /// The clients of a bulk invitation, as the desk counted them; `None` for the other kinds.
    pub selection: Option<BulkSelection>,
}

/// A queued action as the workstation keeps it, and as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QueuedAction {
    pub id: i64,
    #[serde(skip)]
    pub key: String,
    pub kind: QueuedKind,
    #[serde(skip)]
    pub actor_id: i64,
    #[serde(skip)]
    pub subject_id: i64,
    pub actor_name: String,
    pub subject_name: String,
    pub queued_at: Millis,
    /// The clients of a bulk invitation; `None` for the other kinds, and in the window's list,
    /// which names them in `subject_name`.
    #[serde(skip)]
    pub selection: Option<BulkSelection>,
    pub state: QueuedState,
    /// What the replay answered: the sent message, or why it was refused.
    pub outcome: Option<String>,
    pub settled_at: Option<Millis>,
}

/// How a replay ended, in words for the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replayed {
    Sent(String),
    Refused(String),
}

/// What the window calls the clients of a queued bulk invitation: "12 clients", or "12 clients
/// matching “smith”" for those a search found, as the Clients screen words them.
pub fn bulk_subject(selection: &BulkSelection, count: usize) -> String {
    match selection {
        BulkSelection::Search { query, .. } if !query.trim().is_empty() => {
            format!("{} matching “{}”", clients_word(count), query.trim())
        }
        _ => clients_word(count),
    }
}

/// The outcome of a queued bulk invitation the clinic database stored: the run is this
/// workstation's to send, and the Clients screen follows it.
pub fn bulk_started(total: usize) -> String {
    format!(
        "Portal invitations to {} are being sent from this computer.",
        clients_word(total)
    )
}

/// A new action key: 128 random bits in hex.
pub fn new_key(rng: &mut dyn rand::RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// "12 minutes", "1 hour", for how long ago an action was queued.
pub fn waited(from: Millis, to: Millis) -> String {
    let minutes = (to - from).max(0) / 60_000;
    match minutes {
        0 => "less than a minute".to_string(),
        1 => "1 minute".to_string(),
        m if m < 120 => format!("{m} minutes"),
        m => format!("{} hours", m / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for kind in [
            QueuedKind::StaffReset,
            QueuedKind::PortalLink,
            QueuedKind::BulkInvite,
        ] {
            assert_eq!(QueuedKind::parse(kind.as_str()), Some(kind));
        }
        for state in [QueuedState::Queued, QueuedState::Sent, QueuedState::Refused] {
            assert_eq!(QueuedState::parse(state.as_str()), Some(state));
        }
        assert_eq!(QueuedKind::parse("bulk"), None);
    }

    #[test]
    fn bulk_subjects_say_how_many_and_which_search() {
        let picked = BulkSelection::Clients { ids: vec![4, 5] };
        assert_eq!(bulk_subject(&picked, 1), "1 client");
        assert_eq!(bulk_subject(&picked, 1234), "1,234 clients");
        let search = |query: &str| BulkSelection::Search {
            query: query.into(),
            filter: crate::client::ClientFilter::NotRegisteredWithEmail,
        };
        assert_eq!(
            bulk_subject(&search(" smith "), 12),
            "12 clients matching “smith”"
        );
        assert_eq!(bulk_subject(&search(""), 12), "12 clients");
    }

    #[test]
    fn keys_are_distinct_hex() {
        let mut rng = rand::rngs::OsRng;
        let a = new_key(&mut rng);
        let b = new_key(&mut rng);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(waited(0, 30_000), "less than a minute");
        assert_eq!(waited(0, 60_000), "1 minute");
        assert_eq!(waited(0, 45 * 60_000), "45 minutes");
        assert_eq!(waited(0, 5 * 3_600_000), "5 hours");
    }
}
