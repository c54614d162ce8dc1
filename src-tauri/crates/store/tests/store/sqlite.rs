use std::sync::Arc;

use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::{EmailKind, EmailParams, EmailStatus, NewEmail};
use vetdesk_core::ports::Store;
use vetdesk_core::token::{NewToken, Purpose};
use vetdesk_core::{Role, StoreError};
use vetdesk_store::sqlite::{CountedTable, NewStaff};
use vetdesk_store::SqliteStore;

use crate::{clinic, T0};

fn token(staff_id: i64, purpose: Purpose, n: u8) -> NewToken {
    NewToken {
        staff_id,
        purpose,
        link_digest: Some(format!("{n:064x}")),
        code_digest: Some(format!("{:064x}", u32::from(n) + 1000)),
        created_at: T0,
        expires_at: T0 + 60_000,
    }
}

fn email(staff_id: i64, at: i64) -> NewEmail {
    NewEmail {
        kind: EmailKind::StaffReset,
        staff_id: Some(staff_id),
        recipient: "Ann@Clinic.example".into(),
        recipient_name: "Ann".into(),
        subject: "Reset".into(),
        params: EmailParams::default(),
        sealed: Some(vec![1, 2, 3]),
        created_at: at,
    }
}

fn audit() -> AuditEvent {
    AuditEvent::new(T0, "test", "ok", "desk-1")
}

#[tokio::test]
async fn migrations_run_on_an_empty_file_and_again_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.staff_count().await.unwrap(), 0);
    store.close().await;
    let again = SqliteStore::open(&path).await.unwrap();
    assert_eq!(again.staff_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_demo_clinic_is_large_and_covers_every_role() {
    let c = clinic().await;
    let staff = c.store.list_staff("", 1000).await.unwrap();
    assert!(staff.len() >= 30, "{} staff", staff.len());
    for role in Role::ALL {
        assert!(staff.iter().any(|s| s.role == role), "{role:?}");
    }
    assert!(staff.iter().any(|s| s.email.is_none()));
    assert!(c.store.count(CountedTable::Clients).await.unwrap() >= 2_000);
    assert!(c.store.count(CountedTable::Pets).await.unwrap() >= 3_000);
}

#[tokio::test]
async fn constraints_refuse_bad_rows() {
    let c = clinic().await;
    let dup = NewStaff {
        username: "ADMIN".into(),
        display_name: "Someone".into(),
        role: Role::Admin,
        email: None,
        active: true,
        password_hash: "x".into(),
    };
    assert!(matches!(
        c.store.insert_staff(&[dup], T0).await,
        Err(StoreError::Conflict(_))
    ));
    let bad_email = sqlx::query("UPDATE staff SET email = 'nodomain' WHERE username = 'admin'")
        .execute(c.store.pool())
        .await;
    assert!(bad_email.is_err());
    let bad_role = sqlx::query("UPDATE staff SET role = 'root' WHERE username = 'admin'")
        .execute(c.store.pool())
        .await;
    assert!(bad_role.is_err());
}

#[tokio::test]
async fn a_new_token_revokes_the_live_one_of_the_same_purpose_only() {
    let c = clinic().await;
    let first = c
        .store
        .issue_token(&token(2, Purpose::SelfReset, 1), None, &audit())
        .await
        .unwrap();
    let code = c
        .store
        .issue_token(&token(2, Purpose::OneTimeCode, 2), None, &audit())
        .await
        .unwrap();
    let second = c
        .store
        .issue_token(&token(2, Purpose::SelfReset, 3), None, &audit())
        .await
        .unwrap();
    let live = c.store.live_code_tokens(2, T0 + 1).await.unwrap();
    let ids: Vec<i64> = live.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![code.token_id, second.token_id]);
    assert!(!ids.contains(&first.token_id));
}

#[tokio::test]
async fn a_token_and_its_email_are_written_together_or_not_at_all() {
    let c = clinic().await;
    let before = c.store.count(CountedTable::Emails).await.unwrap();
    // The email's staff id does not exist: the foreign key fails, and the token must go too.
    let mut bad = email(999_999, T0);
    bad.staff_id = Some(999_999);
    let result = c
        .store
        .issue_token(&token(2, Purpose::SelfReset, 9), Some(&bad), &audit())
        .await;
    assert!(result.is_err());
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), before);
    assert!(c
        .store
        .live_code_tokens(2, T0 + 1)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn claimed_emails_are_not_claimed_twice_until_the_lease_ends() {
    let c = clinic().await;
    c.store
        .issue_token(
            &token(2, Purpose::AdminReset, 1),
            Some(&email(2, T0)),
            &audit(),
        )
        .await
        .unwrap();
    let first = c.store.claim_due_emails(T0, 1_000, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].token_live, Some(true));
    assert!(c
        .store
        .claim_due_emails(T0 + 10, 1_000, 10)
        .await
        .unwrap()
        .is_empty());
    // A dispatcher that died mid-send: the lease runs out and the email is taken over.
    let again = c
        .store
        .claim_due_emails(T0 + 1_001, 1_000, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    c.store
        .mark_email_sent(again[0].id, T0 + 1_002, "<id@x>", &audit())
        .await
        .unwrap();
    let rows = c.store.list_emails("", 10).await.unwrap();
    assert_eq!(rows[0].status, EmailStatus::Sent);
    assert_eq!(rows[0].sealed, None, "secrets are dropped once sent");
    assert!(c
        .store
        .claim_due_emails(T0 + 99_999, 1_000, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn two_writers_at_once_both_land() {
    let c = clinic().await;
    let path = c.dir.path().join("vetdesk.sqlite3");
    let other = SqliteStore::open(&path).await.unwrap();
    let a = Arc::new(c.store.clone());
    let b = Arc::new(other);
    let mut tasks = Vec::new();
    for i in 0..40_i64 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let e = email(2, T0 + i);
            s.enqueue_email(&e, &AuditEvent::new(T0 + i, "test", "ok", "desk"))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 40);
}

#[tokio::test]
async fn a_read_only_file_gives_a_clear_error_and_changes_nothing() {
    let c = clinic().await;
    let path = c.dir.path().join("vetdesk.sqlite3");
    c.store.close().await;
    // Root ignores file permissions, so open the file through SQLite's read-only mode instead.
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let read_only = SqliteStore::from_pool(pool);
    let err = read_only
        .update_staff_email(1, "new@clinic.example", &audit())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    assert!(err.to_string().contains("read-only"));
    read_only.close().await;
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        reopened
            .get_staff(1)
            .await
            .unwrap()
            .unwrap()
            .email
            .as_deref(),
        Some("admin@harborview-clinic.example")
    );
}

#[tokio::test]
async fn a_locked_database_answers_busy_instead_of_hanging() {
    let c = clinic().await;
    let path = c.dir.path().join("vetdesk.sqlite3");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .busy_timeout(std::time::Duration::from_millis(100));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let mut blocker = pool.begin_with("BEGIN EXCLUSIVE").await.unwrap();
    sqlx::query("UPDATE staff SET display_name = display_name WHERE id = 1")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let err = c.store.append_audit(&audit()).await.unwrap_err();
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(err.to_string().contains("busy"));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    blocker.rollback().await.unwrap();
    c.store.append_audit(&audit()).await.unwrap();
}

#[tokio::test]
async fn sql_metacharacters_in_searches_are_plain_text() {
    let c = clinic().await;
    assert!(c.store.list_staff("%", 100).await.unwrap().is_empty());
    assert!(c.store.list_staff("_", 100).await.unwrap().is_empty());
    assert!(c
        .store
        .list_staff("'; drop table staff; --", 100)
        .await
        .unwrap()
        .is_empty());
    assert!(c.store.staff_count().await.unwrap() >= 30);
    let found = c.store.list_staff("o'connell", 100).await.unwrap();
    assert!(found
        .iter()
        .all(|s| s.display_name.to_lowercase().contains("o'connell")));
}
