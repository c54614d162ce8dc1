//! Clients and their pets: adding them, the Clients search and a client's email.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::client::{
    ClientCursor, ClientFilter, ClientQuery, ClientRecord, ClientRow, NewClient, PetRow,
    PortalStatus,
};
use crate::error::StoreError;
use crate::ports::{ClientStore, StoreResult};
use crate::time::Millis;

use super::{index, next_id, MemoryStore, State};

/// What the SQLite store strips from a phone number to index its digits.
const PHONE_PUNCTUATION: &[char] = &[' ', '+', '-', '(', ')', '.'];

/// The list's order: last name, first name (ASCII letters folded, as SQLite's `lower` does)
/// and id.
fn sort_key(last: &str, first: &str, id: i64) -> (String, String, i64) {
    (last.to_ascii_lowercase(), first.to_ascii_lowercase(), id)
}

fn key_of(c: &ClientRecord) -> (String, String, i64) {
    sort_key(&c.last_name, &c.first_name, c.id)
}

fn cursor_key(c: &ClientCursor) -> (String, String, i64) {
    sort_key(&c.last_name, &c.first_name, c.id)
}

/// Whether a client matches the search's text or phone digits by prefix, each kind as the
/// SQLite store's index on it: names, "first last", email and pet names folded like `lower`,
/// the phone with its punctuation stripped.
fn matches(c: &ClientRecord, text: &str, phone_digits: &[&str]) -> bool {
    let begins = |value: &str| value.to_ascii_lowercase().starts_with(text);
    let full = format!("{} {}", c.first_name, c.last_name);
    let phone = |digits: &&str| {
        c.phone
            .as_deref()
            .is_some_and(|p| p.replace(PHONE_PUNCTUATION, "").starts_with(*digits))
    };
    begins(&c.first_name)
        || begins(&c.last_name)
        || begins(&full)
        || c.email.as_deref().is_some_and(begins)
        || c.pets.iter().any(|p| begins(&p.name))
        || phone_digits.iter().any(phone)
}

impl State {
    fn portal_status(&self, client_id: i64) -> PortalStatus {
        PortalStatus::from(self.account_of(client_id).map(|a| a.status))
    }

    fn client_row(&self, c: &ClientRecord) -> ClientRow {
        ClientRow {
            id: c.id,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            pets: c.pets.iter().map(|p| p.name.clone()).collect(),
            portal: self.portal_status(c.id),
        }
    }
}

#[async_trait]
impl ClientStore for MemoryStore {
    async fn insert_clients(&self, clients: &[NewClient], _now: Millis) -> StoreResult<Vec<i64>> {
        let mut state = self.lock();
        let mut ids = Vec::with_capacity(clients.len());
        for c in clients {
            let id = next_id(&state.clients);
            let mut pets = Vec::with_capacity(c.pets.len());
            for p in &c.pets {
                state.pet_count += 1;
                pets.push(PetRow {
                    id: state.pet_count,
                    name: p.name.clone(),
                    species: p.species.clone(),
                    breed: p.breed.clone(),
                });
            }
            state.clients.push(ClientRecord {
                id,
                first_name: c.first_name.clone(),
                last_name: c.last_name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                address: c.address.clone(),
                pets,
            });
            ids.push(id);
        }
        Ok(ids)
    }

    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<ClientRow>> {
        let state = self.lock();
        let listing_all = query.text.is_empty() && query.phone_digits.is_none();
        let after = query.after.as_ref().map(cursor_key);
        let phone: Vec<&str> = [&query.phone_digits, &query.phone_with_country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut found: Vec<&ClientRecord> = state
            .clients
            .iter()
            .filter(|c| listing_all || matches(c, &query.text, &phone))
            .filter(|c| match &after {
                Some(a) => key_of(c) > *a,
                None => true,
            })
            .filter(|c| match query.filter {
                ClientFilter::All => true,
                ClientFilter::NotRegisteredWithEmail => {
                    c.email.as_deref().is_some_and(|e| !e.is_empty())
                        && state.account_of(c.id).is_none()
                }
            })
            .collect();
        found.sort_by_key(|c| key_of(c));
        found.truncate(query.limit as usize);
        Ok(found.into_iter().map(|c| state.client_row(c)).collect())
    }

    async fn get_client(&self, id: i64) -> StoreResult<Option<ClientRecord>> {
        Ok(self.lock().client(id).cloned())
    }

    async fn update_client_email(
        &self,
        id: i64,
        email: Option<&str>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut state = self.lock();
        let Some(i) = index(id).filter(|i| *i < state.clients.len()) else {
            return Err(StoreError::Conflict("that client no longer exists".into()));
        };
        // A cleared email leaves the account its username: an account cannot be without one.
        let username = email.map(str::to_lowercase);
        if let Some(username) = &username {
            if state.account_of(id).is_some() {
                state.check_username(id, username)?;
            }
        }
        state.check_audit(audit)?;
        state.clients[i].email = email.map(str::to_string);
        if let (Some(username), Some(account)) = (username, state.account_of_mut(id)) {
            account.username = username;
        }
        state.revoke_client_links(id, now);
        state.audit.push(audit.clone());
        Ok(())
    }
}
