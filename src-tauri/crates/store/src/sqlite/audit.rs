//! `audit_events`: the Activity log. Every write of the other tables ends here, in its own
//! transaction ([`commit_with_audit`]).

const INSERT: &str = "INSERT INTO audit_events \
     (at, actor_id, subject_id, client_id, action, outcome, workstation, detail, action_key) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// The subject is the client an event is about, named "First Last" (or the one that is not
/// empty), else the staff member.
const SEARCH: &str = "SELECT e.id, e.at, a.display_name AS actor, e.subject, e.action, \
     e.outcome, e.workstation, e.detail FROM \
     (SELECT e.*, CASE WHEN c.id IS NULL THEN s.display_name \
       WHEN c.first_name = '' THEN c.last_name WHEN c.last_name = '' THEN c.first_name \
       ELSE c.first_name || ' ' || c.last_name END AS subject \
      FROM audit_events e LEFT JOIN staff s ON s.id = e.subject_id \
      LEFT JOIN clients c ON c.id = e.client_id) e \
     LEFT JOIN staff a ON a.id = e.actor_id \
     WHERE ?1 = '' OR e.action LIKE ?2 ESCAPE '\\' OR e.outcome LIKE ?2 ESCAPE '\\' \
     OR lower(coalesce(a.display_name, '')) LIKE ?2 ESCAPE '\\' \
     OR lower(coalesce(e.subject, '')) LIKE ?2 ESCAPE '\\' \
     OR lower(e.workstation) LIKE ?2 ESCAPE '\\' \
     ORDER BY e.id DESC LIMIT ?3";

const OUTCOME_OF_KEY: &str = "SELECT outcome FROM audit_events WHERE action_key = ?";

include!("../shared/audit.rs");
