//! The practice's clients (pet owners), their pets and their patient-portal accounts, as the
//! store keeps them and as the Clients screens show them.

use serde::{Deserialize, Serialize};

use crate::staff::ResetStatus;
use crate::time::Millis;
use crate::token::Purpose;

/// A client to add (demo data, imports, tests), with their pets.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub pets: Vec<NewPet>,
}

#[derive(Clone, Debug)]
pub struct NewPet {
    pub name: String,
    pub species: String,
    pub breed: Option<String>,
}

/// A client as the store holds them, with their pets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRecord {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub pets: Vec<PetRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PetRow {
    pub id: i64,
    pub name: String,
    pub species: String,
    pub breed: Option<String>,
}

/// Which clients a search lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ClientFilter {
    #[default]
    All,
    /// Those a bulk invitation can reach: an email on file and no portal account.
    NotRegisteredWithEmail,
}

/// A search as the store runs it: `text` is lower case and trimmed; `phone_digits` holds the
/// digits of a query that looks like a phone number (at least three digits and nothing but
/// phone punctuation), else `None`, and `phone_with_country` the same digits after the clinic's
/// country code, so that a number typed without it finds one stored with it. A client matches
/// when a first or last name, "first last", the email or a pet's name begins with `text`, or the
/// phone's digits begin with `phone_digits` or `phone_with_country`. Rows come ordered by last
/// name, first name and id, after `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientQuery {
    pub text: String,
    pub phone_digits: Option<String>,
    pub phone_with_country: Option<String>,
    pub filter: ClientFilter,
    pub after: Option<ClientCursor>,
    pub limit: u32,
}

impl ClientQuery {
    /// The search for what was typed (already checked as a search), as the store runs it. The
    /// clinic's phone number gives the country code a local number is also tried with.
    pub fn typed(
        typed: &str,
        clinic_phone: &str,
        filter: ClientFilter,
        after: Option<ClientCursor>,
        limit: u32,
    ) -> ClientQuery {
        let phone_digits = phone_digits(typed);
        let phone_with_country = match (&phone_digits, country_code(clinic_phone)) {
            (Some(digits), Some(code)) if !digits.starts_with(&code) => {
                Some(format!("{code}{digits}"))
            }
            _ => None,
        };
        ClientQuery {
            // ASCII letters only, as the database's `lower` folds them.
            text: typed.to_ascii_lowercase(),
            phone_digits,
            phone_with_country,
            filter,
            after,
            limit,
        }
    }
}

/// Where a page of search results ends: the sort key of its last row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientCursor {
    pub last_name: String,
    pub first_name: String,
    pub id: i64,
}

/// One row of the Clients list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Pet names, in the order they were added.
    pub pets: Vec<String>,
    pub portal: PortalStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientPage {
    pub rows: Vec<ClientRow>,
    /// Passed back to fetch the next page; `None` on the last one.
    pub next: Option<ClientCursor>,
}

/// A patient-portal account's state as the store keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PortalAccountStatus {
    /// Created by an invitation; no password set yet.
    Invited,
    Active,
    /// Signed in with wrong passwords too often, or locked by the clinic.
    Locked,
}

impl PortalAccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PortalAccountStatus::Invited => "invited",
            PortalAccountStatus::Active => "active",
            PortalAccountStatus::Locked => "locked",
        }
    }

    pub fn parse(value: &str) -> Option<PortalAccountStatus> {
        [
            PortalAccountStatus::Invited,
            PortalAccountStatus::Active,
            PortalAccountStatus::Locked,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// The portal badge: no account, or the account's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PortalStatus {
    NotRegistered,
    Invited,
    Active,
    Locked,
}

impl From<Option<PortalAccountStatus>> for PortalStatus {
    fn from(status: Option<PortalAccountStatus>) -> Self {
        match status {
            None => PortalStatus::NotRegistered,
            Some(PortalAccountStatus::Invited) => PortalStatus::Invited,
            Some(PortalAccountStatus::Active) => PortalStatus::Active,
            Some(PortalAccountStatus::Locked) => PortalStatus::Locked,
        }
    }
}

/// A client's patient-portal account. `password_hash` never leaves the core.
#[derive(Clone)]
pub struct PortalAccount {
    pub id: i64,
    pub client_id: i64,
    /// The client's email, in lower case.
    pub username: String,
    pub status: PortalAccountStatus,
    pub password_hash: Option<String>,
    pub created_at: Millis,
}

impl std::fmt::Debug for PortalAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalAccount")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A portal link to store: an invitation (which creates the account when the client has none)
/// or a reset. Only the link's digest is kept.
#[derive(Clone, Debug)]
pub struct NewPortalToken {
    pub client_id: i64,
    /// The account's username when the store must create it.
    pub username: String,
    pub purpose: Purpose,
    pub link_digest: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalTokenRecord {
    pub id: i64,
    pub account_id: i64,
    pub client_id: i64,
    pub purpose: Purpose,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

impl PortalTokenRecord {
    pub fn is_live(&self, now: Millis) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

/// What `issue_portal_token` stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortalIssued {
    pub account_id: i64,
    pub token_id: i64,
    pub email_id: i64,
    /// The account was created by this invitation.
    pub created_account: bool,
}

/// The portal badge on the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PortalBadge {
    pub status: PortalStatus,
    /// When a pending invitation's link stops working.
    pub invite_expires_at: Option<Millis>,
}

/// The client profile: contact details, pets, the portal badge and the last portal email.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientProfile {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub pets: Vec<PetRow>,
    pub portal: PortalBadge,
    /// The newest invitation or portal reset email, with its delivery status.
    pub last_email: Option<PortalEmailStatus>,
    /// The signed-in person may use the paw action.
    pub can_send: bool,
    pub resend_available_at: Option<Millis>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PortalEmailStatus {
    pub invitation: bool,
    pub delivery: ResetStatus,
}

/// What the paw action did.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PortalSent {
    /// An invitation (the client had no account, or had not yet set a password), not a reset.
    pub invitation: bool,
    pub masked_email: String,
    pub message: String,
    pub resend_available_at: Millis,
    /// Taken while the clinic database could not be reached: queued at this workstation, sent
    /// when it is back.
    pub queued: bool,
}

/// "First Last", or the one that is not empty.
pub fn full_name(first: &str, last: &str) -> String {
    match (first.is_empty(), last.is_empty()) {
        (false, false) => format!("{first} {last}"),
        (true, _) => last.to_string(),
        (_, true) => first.to_string(),
    }
}

/// The digits of a query that looks like a phone number: at least three digits, and besides
/// them only spaces and `+ - ( ) .`.
pub fn phone_digits(query: &str) -> Option<String> {
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    let phone_like = query
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    (phone_like && digits.len() >= 3).then_some(digits)
}

/// The country code of a phone number written in international form with a separator after
/// it ("+1 555 0142" → "1", "+44 20 7946 0958" → "44"); `None` when it cannot be told.
pub fn country_code(phone: &str) -> Option<String> {
    let rest = phone.trim().strip_prefix('+')?;
    let code: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let separated = rest[code.len()..].starts_with([' ', '-', '(', '.']);
    (separated && (1..=3).contains(&code.len())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_come_from_an_international_number_with_a_separator() {
        assert_eq!(country_code("+1 555 0142"), Some("1".into()));
        assert_eq!(country_code(" +44 20 7946 0958"), Some("44".into()));
        assert_eq!(country_code("+353-1-555-0100"), Some("353".into()));
        assert_eq!(country_code("+15550142"), None);
        assert_eq!(country_code("(555) 0142"), None);
        assert_eq!(country_code(""), None);
    }

    #[test]
    fn phone_queries_are_digits_in_any_formatting() {
        assert_eq!(phone_digits("(555) 010-42"), Some("55501042".into()));
        assert_eq!(phone_digits("+1 555.0100"), Some("15550100".into()));
        assert_eq!(phone_digits("55"), None);
        assert_eq!(phone_digits("rex 555"), None);
    }

    #[test]
    fn full_names_skip_an_empty_part() {
        assert_eq!(full_name("Ana", "Lima"), "Ana Lima");
        assert_eq!(full_name("", "Lima"), "Lima");
        assert_eq!(full_name("Ana", ""), "Ana");
    }
}
