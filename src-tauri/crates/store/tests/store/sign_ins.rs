//! Offline sign-in verifiers in a desk's copy of the clinic: found by username or email while
//! their person is active and signed in recently enough, and dropped by the sweep after a
//! refresh shows the password changed, the account disabled or gone.

use vetdesk_core::ports::StaffStore;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::Role;
use vetdesk_store::{sign_ins, SqliteStore};

async fn copy_with_staff() -> (tempfile::TempDir, SqliteStore, [i64; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let copy = SqliteStore::open(&dir.path().join("clinic-copy.sqlite3"))
        .await
        .unwrap();
    let staff = |username: &str, email: &str| NewStaff {
        username: username.into(),
        display_name: username.into(),
        role: Role::Receptionist,
        email: Some(email.into()),
        status: StaffStatus::Active,
        password_hash: String::new(),
    };
    let ids = copy
        .insert_staff(
            &[
                staff("ann", "Ann@Clinic.example"),
                staff("bo", "bo@clinic.example"),
            ],
            1,
        )
        .await
        .unwrap();
    (dir, copy, [ids[0], ids[1]])
}

#[tokio::test]
async fn a_verifier_is_found_by_username_or_email_while_it_holds() {
    let (_dir, copy, [ann, bo]) = copy_with_staff().await;
    assert!(sign_ins::find(&copy, "ann", 0).await.unwrap().is_none());
    sign_ins::remember(&copy, ann, "$argon2id$first", 1_000)
        .await
        .unwrap();
    sign_ins::remember(&copy, ann, "$argon2id$second", 2_000)
        .await
        .unwrap();
    let found = sign_ins::find(&copy, " ANN@clinic.example ", 0)
        .await
        .unwrap();
    let found = found.expect("by email, in any case");
    assert_eq!((found.staff_id, found.signed_in_at), (ann, 2_000));
    assert_eq!(found.verifier, "$argon2id$second");
    assert_eq!(sign_ins::find(&copy, "ann", 2_001).await.unwrap(), None);
    assert_eq!(sign_ins::find(&copy, "bo", 0).await.unwrap(), None);
    assert!(sign_ins::of_staff(&copy, ann, 0).await.unwrap().is_some());
    assert!(sign_ins::of_staff(&copy, bo, 0).await.unwrap().is_none());
}

#[tokio::test]
async fn the_sweep_drops_what_a_refresh_shows_no_longer_holds() {
    let (_dir, copy, [ann, bo]) = copy_with_staff().await;
    sign_ins::remember(&copy, ann, "$argon2id$ann", 5_000)
        .await
        .unwrap();
    sign_ins::remember(&copy, bo, "$argon2id$bo", 5_000)
        .await
        .unwrap();
    assert_eq!(sign_ins::sweep(&copy, 0).await.unwrap(), 0);

    // Ann's password was reset elsewhere after she signed in here.
    sqlx::query("UPDATE staff SET password_changed_at = 6000 WHERE id = ?")
        .bind(ann)
        .execute(copy.pool())
        .await
        .unwrap();
    assert_eq!(sign_ins::sweep(&copy, 0).await.unwrap(), 1);
    assert!(sign_ins::find(&copy, "ann", 0).await.unwrap().is_none());
    assert!(sign_ins::find(&copy, "bo", 0).await.unwrap().is_some());

    // Bo's account was disabled: not found at once, and swept.
    sqlx::query("UPDATE staff SET status = 'disabled' WHERE id = ?")
        .bind(bo)
        .execute(copy.pool())
        .await
        .unwrap();
    assert!(sign_ins::find(&copy, "bo", 0).await.unwrap().is_none());
    assert_eq!(sign_ins::sweep(&copy, 0).await.unwrap(), 1);

    // Too old for the clinic's days.
    sign_ins::remember(&copy, ann, "$argon2id$ann", 7_000)
        .await
        .unwrap();
    assert_eq!(sign_ins::sweep(&copy, 7_001).await.unwrap(), 1);
}

#[tokio::test]
async fn wrong_sign_ins_are_counted_in_the_file_until_cleared() {
    let (dir, copy, _) = copy_with_staff().await;
    for at in [100, 200, 300] {
        sign_ins::record_failure(&copy, "ann", at).await.unwrap();
    }
    sign_ins::record_failure(&copy, "bo", 250).await.unwrap();
    assert_eq!(
        sign_ins::failures_since(&copy, "ann", 150).await.unwrap(),
        (2, Some(200))
    );
    copy.close().await;
    let copy = SqliteStore::open(&dir.path().join("clinic-copy.sqlite3"))
        .await
        .unwrap();
    assert_eq!(
        sign_ins::failures_since(&copy, "ann", 0).await.unwrap(),
        (3, Some(100)),
        "a restart forgets nothing"
    );
    sign_ins::clear_failures(&copy, "ann", 0).await.unwrap();
    assert_eq!(
        sign_ins::failures_since(&copy, "ann", 0).await.unwrap(),
        (0, None)
    );
    assert_eq!(sign_ins::failures_since(&copy, "bo", 0).await.unwrap().0, 1);
}
