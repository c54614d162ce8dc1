//! What every store promises the Clients screens, whatever the backend: the search, its pages,
//! its filter, and a client's email change.

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{
    phone_digits, ClientCursor, ClientFilter, ClientQuery, ClientRow, NewClient, NewPet,
    PortalStatus,
};
use vetdesk_core::outbox::{EmailKind, EmailStatus};
use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_core::StoreError;

use crate::backends::{seeded, StoreFactory};
use crate::contract::email_count;
use crate::portal::invite;

pub fn client(first: &str, last: &str, email: Option<&str>, phone: Option<&str>) -> NewClient {
    NewClient {
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(Into::into),
        phone: phone.map(Into::into),
        address: Some("12 Wharf Street, Port Alder".into()),
        pets: Vec::new(),
    }
}

fn with_pets(mut client: NewClient, pets: &[&str]) -> NewClient {
    client.pets = pets
        .iter()
        .map(|name| NewPet {
            name: (*name).into(),
            species: "Dog".into(),
            breed: None,
        })
        .collect();
    client
}

/// Six clients, ids 1 to 6, in names of mixed case and script.
pub async fn practice(store: &dyn Store) -> Vec<i64> {
    let clients = [
        with_pets(
            client(
                "Avery",
                "Collins",
                Some("avery.collins@mail.example"),
                Some("+1 555 0142"),
            ),
            &["Biscuit", "Pepper"],
        ),
        with_pets(
            client(
                "Morgan",
                "Reyes",
                Some("Morgan.R@Mail.example"),
                Some("(555) 010-4200"),
            ),
            &["Atlas"],
        ),
        with_pets(
            client("dana", "patel", None, Some("555.777.1234")),
            &["biscotti"],
        ),
        client("Riley", "COLLINS", Some("riley@mail.example"), None),
        with_pets(
            client(
                "Zoë",
                "Bergström",
                Some("zoe@mail.example"),
                Some("+46 70 123 45 67"),
            ),
            &["Måns"],
        ),
        with_pets(
            client("Émile", "García", Some("emile@mail.example"), None),
            &["Luna"],
        ),
    ];
    let ids = store.insert_clients(&clients, T0).await.unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    ids
}

/// A search as the core makes it from what was typed: lower case, trimmed, and the digits of a
/// phone-like query.
pub fn query(typed: &str) -> ClientQuery {
    ClientQuery {
        text: typed.trim().to_lowercase(),
        phone_digits: phone_digits(typed.trim()),
        phone_with_country: None,
        filter: ClientFilter::All,
        after: None,
        limit: 100,
    }
}

pub async fn ids(store: &dyn Store, query: &ClientQuery) -> Vec<i64> {
    let rows = store.search_clients(query).await.unwrap();
    rows.iter().map(|r| r.id).collect()
}

fn cursor(row: &ClientRow) -> ClientCursor {
    ClientCursor {
        last_name: row.last_name.clone(),
        first_name: row.first_name.clone(),
        id: row.id,
    }
}

pub async fn clients_are_found_by_every_kind_of_prefix<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    for (typed, expected) in [
        ("ave", &[1][..]),
        ("coll", &[1, 4]),
        ("avery c", &[1]),
        ("Avery Collins", &[1]),
        ("avery.c", &[1]),
        ("morgan.r@mail", &[2]),
        ("bisc", &[1, 3]),
        ("atlas", &[2]),
        ("luna", &[6]),
        ("  Riley  ", &[4]),
        // Phone numbers in any formatting, by the digits they begin with.
        ("+1 (555) 01", &[1]),
        ("555-010", &[2]),
        ("(555) 0104", &[2]),
        ("555.777", &[3]),
        ("4670 123", &[5]),
        // Nothing matches inside a word, and a phone's digits only from its start.
        ("ollins", &[]),
        ("0142", &[]),
        ("nobody", &[]),
    ] {
        assert_eq!(ids(store, &query(typed)).await, expected, "{typed:?}");
    }
    // A local number typed without the country code finds one stored with it.
    let local = ClientQuery {
        phone_with_country: Some("15550142".into()),
        ..query("555 0142")
    };
    assert_eq!(ids(store, &local).await, [1]);
}

pub async fn searches_fold_case_and_keep_unicode_names<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    for (typed, expected) in [
        ("DANA", &[3][..]),
        ("PATEL", &[3]),
        ("collins r", &[]),
        ("riley collins", &[4]),
        ("MORGAN.R@MAIL.EXAMPLE", &[2]),
        ("bergström", &[5]),
        ("zoë", &[5]),
        ("ZOË BERG", &[5]),
        ("garcía", &[6]),
        ("måns", &[5]),
    ] {
        assert_eq!(ids(store, &query(typed)).await, expected, "{typed:?}");
    }
    // Only ASCII letters fold, as SQLite's `lower` does: a capital outside ASCII is found only
    // as it is written.
    let mut as_written = query("");
    as_written.text = "Émile".into();
    assert_eq!(ids(store, &as_written).await, [6]);
    assert_eq!(ids(store, &query("Émile")).await, Vec::<i64>::new());
    // Everyone, in last-name order without regard to case, the rest after ASCII.
    assert_eq!(ids(store, &query("")).await, [5, 1, 4, 6, 3, 2]);
    let rows = store.search_clients(&query("zoë")).await.unwrap();
    assert_eq!(
        (rows[0].first_name.as_str(), rows[0].last_name.as_str()),
        ("Zoë", "Bergström")
    );
    assert_eq!(rows[0].pets, ["Måns"]);
}

pub async fn pages_follow_each_other_without_gaps_or_repeats<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    let lasts = ["Smith", "smith", "SMITH", "Adams", "young", "Sánchez"];
    let firsts = ["Sam", "sam", "Alex", "Skye", "bo"];
    let clients: Vec<NewClient> = (0..40)
        .map(|i| client(firsts[i % firsts.len()], lasts[i % lasts.len()], None, None))
        .collect();
    store.insert_clients(&clients, T0).await.unwrap();

    for typed in ["", "s", "sam s", "skye"] {
        let everyone = store.search_clients(&query(typed)).await.unwrap();
        let keys: Vec<(String, String, i64)> = everyone
            .iter()
            .map(|r| {
                let fold = |s: &str| s.to_ascii_lowercase();
                (fold(&r.last_name), fold(&r.first_name), r.id)
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{typed:?} in order");
        assert!(!everyone.is_empty(), "{typed:?}");

        let mut paged = Vec::new();
        let mut page = query(typed);
        page.limit = 3;
        loop {
            let rows = store.search_clients(&page).await.unwrap();
            assert!(rows.len() <= 3);
            let Some(last) = rows.last() else { break };
            page.after = Some(cursor(last));
            paged.extend(rows);
        }
        assert_eq!(paged, everyone, "{typed:?} page by page");
    }
    assert_eq!(ids(store, &query("")).await.len(), 40);
    let begin_with_s = clients
        .iter()
        .filter(|c| {
            let s = |name: &str| name.to_ascii_lowercase().starts_with('s');
            s(&c.first_name) || s(&c.last_name)
        })
        .count();
    assert_eq!(ids(store, &query("s")).await.len(), begin_with_s);
}

pub async fn the_filter_finds_clients_a_bulk_invitation_can_reach<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let issued = invite(store, 2, "morgan.r@mail.example", 1).await;
    let mut reachable = query("");
    reachable.filter = ClientFilter::NotRegisteredWithEmail;
    // Client 3 has no email; client 2 has an account.
    assert_eq!(ids(store, &reachable).await, [5, 1, 4, 6]);
    reachable.text = "coll".into();
    assert_eq!(ids(store, &reachable).await, [1, 4]);
    reachable.limit = 1;
    assert_eq!(ids(store, &reachable).await, [1]);

    let status = |rows: &[ClientRow], id: i64| rows.iter().find(|r| r.id == id).unwrap().portal;
    let rows = store.search_clients(&query("")).await.unwrap();
    assert_eq!(status(&rows, 2), PortalStatus::Invited);
    assert_eq!(status(&rows, 1), PortalStatus::NotRegistered);
    let done = AuditEvent::new(T0, AuditAction::PortalPasswordSet, AuditOutcome::Ok, "web");
    let set = store.complete_portal_password(issued.token_id, "hash", T0 + 1, None, &done);
    assert!(set.await.unwrap());
    let rows = store.search_clients(&query("morgan")).await.unwrap();
    assert_eq!(rows[0].portal, PortalStatus::Active);
    assert_eq!(rows[0].pets, ["Atlas"]);
    let rows = store.search_clients(&query("avery")).await.unwrap();
    assert_eq!(
        rows[0].pets,
        ["Biscuit", "Pepper"],
        "in the order they were added"
    );
    assert_eq!(rows[0].phone.as_deref(), Some("+1 555 0142"));
}

pub async fn a_client_comes_with_their_pets<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    practice(store.as_ref()).await;
    let avery = store.get_client(1).await.unwrap().unwrap();
    assert_eq!(
        (avery.first_name.as_str(), avery.email.as_deref()),
        ("Avery", Some("avery.collins@mail.example"))
    );
    assert_eq!(
        avery.address.as_deref(),
        Some("12 Wharf Street, Port Alder")
    );
    let pets: Vec<(i64, &str)> = avery.pets.iter().map(|p| (p.id, p.name.as_str())).collect();
    assert_eq!(pets, [(1, "Biscuit"), (2, "Pepper")]);
    assert_eq!(store.get_client(4).await.unwrap().unwrap().pets, []);
    assert_eq!(store.get_client(6).await.unwrap().unwrap().pets[0].id, 6);
    assert!(store.get_client(999).await.unwrap().is_none());
}

fn changed(at: i64, client_id: i64) -> AuditEvent {
    AuditEvent::new(
        at,
        AuditAction::ClientEmailChanged,
        AuditOutcome::Ok,
        "desk-1",
    )
    .actor(1)
    .client(client_id)
}

pub async fn an_email_change_renames_the_account_and_revokes_its_links<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let issued = invite(store, 1, "avery.collins@mail.example", 1).await;
    store
        .update_client_email(
            1,
            Some("Avery.New@Mail.example"),
            T0 + 5,
            &changed(T0 + 5, 1),
        )
        .await
        .unwrap();
    let client = store.get_client(1).await.unwrap().unwrap();
    assert_eq!(client.email.as_deref(), Some("Avery.New@Mail.example"));
    let account = store.portal_account_of(1).await.unwrap().unwrap();
    assert_eq!(account.username, "avery.new@mail.example");
    let renamed = store.portal_account_named("avery.new@mail.example").await;
    assert_eq!(renamed.unwrap().unwrap().id, issued.account_id);
    let old = store.portal_account_named("avery.collins@mail.example");
    assert!(old.await.unwrap().is_none());
    // The link went to the old address: it is dead, and its email, unsent, will never go.
    assert!(store.live_portal_token(1, T0 + 6).await.unwrap().is_none());
    let link = store
        .find_portal_token_by_link(&format!("{:064x}", 1))
        .await;
    assert_eq!(link.unwrap().unwrap().revoked_at, Some(T0 + 5));
    let kinds = [EmailKind::PortalInvite];
    let email = store.latest_email_for_client(1, &kinds).await.unwrap();
    let email = email.unwrap();
    assert_eq!(
        (email.id, email.status),
        (issued.email_id, EmailStatus::Expired)
    );
    assert_eq!((email.sealed, email.token_live), (None, Some(false)));
    let audit = store.list_audit("client_email_changed", 10).await.unwrap();
    assert_eq!(audit[0].subject.as_deref(), Some("Avery Collins"));

    // Cleared, the email leaves the account its username but still revokes a new link.
    invite(store, 1, "ignored@mail.example", 2).await;
    store
        .update_client_email(1, None, T0 + 7, &changed(T0 + 7, 1))
        .await
        .unwrap();
    assert_eq!(store.get_client(1).await.unwrap().unwrap().email, None);
    let account = store.portal_account_of(1).await.unwrap().unwrap();
    assert_eq!(account.username, "avery.new@mail.example");
    assert!(store.live_portal_token(1, T0 + 8).await.unwrap().is_none());

    // A client without an account only changes their email.
    store
        .update_client_email(4, Some("riley.new@mail.example"), T0, &changed(T0, 4))
        .await
        .unwrap();
    assert!(store.portal_account_of(4).await.unwrap().is_none());
    let riley = store.get_client(4).await.unwrap().unwrap();
    assert_eq!(riley.email.as_deref(), Some("riley.new@mail.example"));
}

pub async fn an_email_another_account_signs_in_with_is_a_conflict<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    invite(store, 1, "avery.collins@mail.example", 1).await;
    let morgan = invite(store, 2, "morgan.r@mail.example", 2).await;
    let events = store.list_audit("", 1000).await.unwrap().len();
    let emails = email_count(store).await;
    let taken = store
        .update_client_email(
            2,
            Some("AVERY.COLLINS@mail.example"),
            T0 + 5,
            &changed(T0 + 5, 2),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    // Nothing changed: the client's email, the account's name, its link, its email, the log.
    let client = store.get_client(2).await.unwrap().unwrap();
    assert_eq!(client.email.as_deref(), Some("Morgan.R@Mail.example"));
    let account = store.portal_account_of(2).await.unwrap().unwrap();
    assert_eq!(account.username, "morgan.r@mail.example");
    let live = store.live_portal_token(2, T0 + 6).await.unwrap();
    assert_eq!(live.unwrap().id, morgan.token_id);
    let kinds = [EmailKind::PortalInvite];
    let email = store.latest_email_for_client(2, &kinds).await.unwrap();
    assert_eq!(email.unwrap().status, EmailStatus::Queued);
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
    assert_eq!(email_count(store).await, emails);

    // An unknown client is refused the same way, and writes nothing either.
    let unknown = store
        .update_client_email(999, Some("x@mail.example"), T0, &changed(T0, 1))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::Conflict(_))),
        "{unknown:?}"
    );
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);

    // The same address in another case is the account's own: no conflict.
    store
        .update_client_email(
            2,
            Some("MORGAN.R@mail.example"),
            T0 + 9,
            &changed(T0 + 9, 2),
        )
        .await
        .unwrap();
}
