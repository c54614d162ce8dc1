use serde::Serialize;

use crate::time::Millis;

/// One line of the Activity log: who did what to whom, when, from where, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Millis,
    pub actor_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub action: &'static str,
    pub outcome: &'static str,
    pub workstation: String,
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(at: Millis, action: &'static str, outcome: &'static str, workstation: &str) -> Self {
        Self {
            at,
            actor_id: None,
            subject_id: None,
            action,
            outcome,
            workstation: workstation.to_string(),
            detail: None,
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

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
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
