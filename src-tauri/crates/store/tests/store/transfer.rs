//! Move to server: a local clinic with staff, clients, pets, portal accounts, limits, audit,
//! queued and sent email and a bulk run, copied into an empty PostgreSQL database. Everything
//! arrives with its id; a link emailed before the move still opens; the server goes on numbering
//! after the copied rows; a database that holds anything is refused and left as it was.

use std::sync::{Arc, Mutex};

use vetdesk_core::bulk::BulkSelection;
use vetdesk_core::client::ClientQuery;
use vetdesk_core::outbox::EmailKind;
use vetdesk_core::ports::{
    ClientStore, EmailStore, OutboxStore, SettingsStore, StaffStore, Store, TokenStore,
};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::{ClinicBuilder, T0};
use vetdesk_core::{token, Role};
use vetdesk_store::transfer::{move_to_server, Progress, TransferError};
use vetdesk_store::{demo, PgStore, SqliteStore};

use crate::backends::{demo_hash, postgres_store, sqlite_file};
use crate::contract::audit;

/// Every table of the clinic schema, and its rows, read with plain SQL.
async fn sqlite_counts(store: &SqliteStore) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut counts = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        counts.push((table, n));
    }
    counts
}

async fn pg_count(store: &PgStore, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// A demo clinic in a file, with a staff reset, a portal invitation, a bulk run and sign-ins
/// on top; answers the reset's link as its email carries it.
async fn busy_local_clinic() -> (SqliteStore, tempfile::TempDir, String) {
    let (file, dir) = sqlite_file().await;
    assert!(demo::seed_if_empty(&file, T0, |_| demo_hash())
        .await
        .unwrap());
    let mut settings = file.load_settings().await.unwrap().unwrap();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    file.save_settings(&settings, &audit(T0)).await.unwrap();
    let clinic = ClinicBuilder::new(Arc::new(file.clone()) as Arc<dyn Store>).build();
    let admin = file.find_staff_by_login("admin").await.unwrap().unwrap();
    let admin = clinic.at_desk(&admin).await;
    let target = file.find_staff_by_login("jokafor").await.unwrap().unwrap();
    clinic
        .recovery
        .send_staff_reset(&admin, target.id, "desk-1")
        .await
        .unwrap();
    let email = file
        .latest_email_for_staff(target.id, &[EmailKind::StaffReset])
        .await
        .unwrap()
        .unwrap();
    let link = clinic
        .sealer
        .open(email.sealed.as_deref().unwrap())
        .unwrap()
        .link
        .unwrap();
    let page = file
        .search_clients(&ClientQuery::typed("", "", Default::default(), None, 5))
        .await
        .unwrap();
    let with_email: Vec<i64> = page
        .iter()
        .filter(|c| c.email.is_some())
        .map(|c| c.id)
        .collect();
    clinic
        .recovery
        .send_portal_link(&admin, with_email[0], "desk-1")
        .await
        .unwrap();
    clinic
        .recovery
        .start_bulk_invite(
            &admin,
            BulkSelection::Clients {
                ids: with_email[1..].to_vec(),
            },
            "desk-1",
        )
        .await
        .unwrap();
    // A dispatcher has sent from the file: it recorded the clinic's outbox key.
    assert!(file
        .clinic_outbox_key(&clinic.sealer.fingerprint())
        .await
        .unwrap());
    // A failed sign-in counts against the account in the limits table.
    let _ = clinic
        .recovery
        .login("mreyes", "not the password", "desk-1")
        .await;
    (file, dir, link)
}

#[tokio::test]
async fn a_local_clinic_moves_whole_into_an_empty_server_database() {
    let (file, _dir, link) = busy_local_clinic().await;
    let (server, _guard) = postgres_store().await;
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let report = move_to_server(&file, &server, |p| seen.lock().unwrap().push(p))
        .await
        .unwrap();

    for (table, rows) in sqlite_counts(&file).await {
        if table == "sessions" {
            assert!(rows > 0, "the file had sign-ins");
            assert_eq!(pg_count(&server, &table).await, 0, "sign-ins are not moved");
            continue;
        }
        assert!(
            rows > 0 || table == "portal_sessions",
            "{table} is empty: the test moves nothing of it"
        );
        assert_eq!(pg_count(&server, &table).await, rows, "{table}");
        if table != "portal_sessions" {
            assert_eq!(report.rows(&table), rows as u64, "{table}");
        }
    }
    let seen = seen.into_inner().unwrap();
    let last = *seen.last().unwrap();
    assert_eq!(last.copied, last.total);
    assert!(seen.windows(2).all(|w| w[0].copied < w[1].copied));

    // The same clinic, read through the store traits.
    let staff = |list: Vec<vetdesk_core::staff::StaffRecord>| {
        list.into_iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        staff(server.list_staff("", 1_000).await.unwrap()),
        staff(file.list_staff("", 1_000).await.unwrap())
    );
    let query = ClientQuery::typed("ba", "", Default::default(), None, 100);
    assert_eq!(
        server.search_clients(&query).await.unwrap(),
        file.search_clients(&query).await.unwrap()
    );
    // The link emailed before the move opens the same token on the server.
    let digest = token::digest(&link);
    let before = file.find_token_by_link(&digest).await.unwrap().unwrap();
    let after = server.find_token_by_link(&digest).await.unwrap().unwrap();
    assert_eq!((after.id, after.staff_id), (before.id, before.staff_id));
    // New rows continue after the copied ones.
    let most: i64 = sqlx::query_scalar("SELECT max(id) FROM staff")
        .fetch_one(server.pool())
        .await
        .unwrap();
    let new = NewStaff {
        username: "newhire".into(),
        display_name: "New Hire".into(),
        role: Role::Receptionist,
        email: None,
        status: StaffStatus::Active,
        password_hash: demo_hash(),
    };
    let id = server.insert_staff(&[new], T0).await.unwrap()[0];
    assert!(id > most, "{id} after {most}");
}

#[tokio::test]
async fn a_server_database_that_holds_anything_is_refused_and_left_alone() {
    let (file, _dir, _link) = busy_local_clinic().await;
    let (server, _guard) = postgres_store().await;
    demo::seed_staff(&server, T0, |_| demo_hash())
        .await
        .unwrap();
    let staff = pg_count(&server, "staff").await;
    let refused = move_to_server(&file, &server, |_| {}).await;
    assert!(
        matches!(&refused, Err(TransferError::TargetNotEmpty { table }) if table == "settings"),
        "{refused:?}"
    );
    assert_eq!(pg_count(&server, "staff").await, staff);
    assert_eq!(pg_count(&server, "clients").await, 0);
    assert_eq!(pg_count(&server, "emails").await, 0);
}
