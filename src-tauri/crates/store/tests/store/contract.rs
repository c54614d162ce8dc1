//! What every store promises the core, whatever the backend.

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{
    Claimant, DeliveredVia, EmailKind, EmailParams, EmailRecord, EmailStatus, NewEmail,
};
use vetdesk_core::ports::{Issued, Store, TokenStore};
use vetdesk_core::session::SessionRecord;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::T0;
use vetdesk_core::token::{NewToken, Purpose, TokenRecord};
use vetdesk_core::{Role, StoreError};

use crate::backends::{seeded, StoreFactory};

pub fn token(staff_id: i64, purpose: Purpose, n: u8) -> NewToken {
    NewToken {
        staff_id,
        purpose,
        link_digest: Some(format!("{n:064x}")),
        code_digest: Some(format!("{:064x}", u32::from(n) + 1000)),
        created_at: T0,
        expires_at: T0 + 60_000,
    }
}

pub fn email(staff_id: i64, at: i64) -> NewEmail {
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

pub fn audit(at: i64) -> AuditEvent {
    AuditEvent::new(at, AuditAction::AdminReset, AuditOutcome::Ok, "desk-1")
}

/// An admin's reset for staff member 2: a token and its queued email.
pub async fn issue_admin_reset<S: TokenStore + ?Sized>(store: &S) -> Issued {
    let email = email(2, T0);
    store
        .issue_token(&token(2, Purpose::AdminReset, 1), Some(&email), &audit(T0))
        .await
        .unwrap()
}

/// A token without an email for `staff_id`; `n` makes its digests unique.
pub async fn issue(store: &dyn Store, staff_id: i64, purpose: Purpose, n: u8) -> Issued {
    let token = token(staff_id, purpose, n);
    store.issue_token(&token, None, &audit(T0)).await.unwrap()
}

/// The account's live codes at `now`, through the trait: a reservation without a cap finds
/// them all, and is given back at once.
pub async fn live_codes(store: &dyn Store, staff_id: i64, now: i64) -> Vec<TokenRecord> {
    let reserved = store.reserve_code_attempt(staff_id, u32::MAX, now).await;
    let reserved = reserved.unwrap();
    let ids: Vec<i64> = reserved.iter().map(|t| t.id).collect();
    store.release_code_attempt(&ids).await.unwrap();
    reserved
        .into_iter()
        .map(|t| TokenRecord {
            failed_attempts: t.failed_attempts - 1,
            ..t
        })
        .collect()
}

/// What the dispatcher takes at `now`, with a one-second lease.
/// The workstation and run the suite claims as, unless a case says otherwise.
pub fn claimant() -> Claimant {
    Claimant::new("desk-1", "run-1")
}

pub async fn claim(store: &dyn Store, now: i64) -> Vec<EmailRecord> {
    store
        .claim_due_emails(now, 1_000, 10, &claimant())
        .await
        .unwrap()
}

/// After a final outcome, the email is never claimed again.
pub async fn never_claimed_again(store: &dyn Store) {
    assert!(claim(store, T0 + 99_999).await.is_empty());
}

/// How many emails the store holds, through the trait.
pub async fn email_count(store: &dyn Store) -> usize {
    store.list_emails("", 10_000).await.unwrap().len()
}

pub async fn the_demo_roster_covers_every_role<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let staff = store.list_staff("", 1000).await.unwrap();
    assert!(staff.len() >= 30, "{} staff", staff.len());
    for role in Role::ALL {
        assert!(staff.iter().any(|s| s.role == role), "{role:?}");
    }
    assert!(staff.iter().any(|s| s.email.is_none()));
    assert!(staff.iter().any(|s| s.status == StaffStatus::Disabled));
    assert!(store.load_settings().await.unwrap().is_some());
}

pub async fn a_taken_username_is_a_conflict<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let dup = NewStaff {
        username: "ADMIN".into(),
        display_name: "Someone".into(),
        role: Role::Admin,
        email: None,
        status: StaffStatus::Active,
        password_hash: "x".into(),
    };
    assert!(matches!(
        store.insert_staff(&[dup], T0).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn a_new_token_revokes_the_live_one_of_the_same_purpose_only<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let first = issue(store.as_ref(), 2, Purpose::SelfReset, 1).await;
    let code = issue(store.as_ref(), 2, Purpose::OneTimeCode, 2).await;
    let second = issue(store.as_ref(), 2, Purpose::SelfReset, 3).await;
    let live = live_codes(store.as_ref(), 2, T0 + 1).await;
    let ids: Vec<i64> = live.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![code.token_id, second.token_id]);
    assert!(!ids.contains(&first.token_id));
}

pub async fn a_token_and_its_email_are_written_together_or_not_at_all<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let before = email_count(store.as_ref()).await;
    // The email's staff id does not exist: the foreign key fails, and the token must go too.
    let mut bad = email(999_999, T0);
    bad.staff_id = Some(999_999);
    let result = store
        .issue_token(&token(2, Purpose::SelfReset, 9), Some(&bad), &audit(T0))
        .await;
    assert!(result.is_err());
    assert_eq!(email_count(store.as_ref()).await, before);
    assert!(live_codes(store.as_ref(), 2, T0 + 1).await.is_empty());
}

pub async fn claimed_emails_are_not_claimed_twice_until_the_lease_ends<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    issue_admin_reset(store.as_ref()).await;
    let first = claim(store.as_ref(), T0).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].token_live, Some(true));
    assert!(claim(store.as_ref(), T0 + 10).await.is_empty());
    // A dispatcher that died mid-send: the lease runs out and the email is taken over.
    let again = claim(store.as_ref(), T0 + 1_001).await;
    assert_eq!(again.len(), 1);
    store
        .mark_email_sent(
            again[0].id,
            T0 + 1_002,
            "<id@x>",
            DeliveredVia::Smtp,
            &audit(T0),
        )
        .await
        .unwrap();
    let rows = store.list_emails("", 10).await.unwrap();
    assert_eq!(rows[0].status, EmailStatus::Sent);
    assert_eq!(rows[0].delivered_via, Some(DeliveredVia::Smtp));
    assert_eq!(rows[0].sealed, None, "secrets are dropped once sent");
    never_claimed_again(store.as_ref()).await;
}

pub async fn sql_metacharacters_in_searches_are_plain_text<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    assert!(store.list_staff("%", 100).await.unwrap().is_empty());
    assert!(store.list_staff("_", 100).await.unwrap().is_empty());
    assert!(store
        .list_staff("'; drop table staff; --", 100)
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_staff("", 1000).await.unwrap().len() >= 30);
    let found = store.list_staff("o'connell", 100).await.unwrap();
    assert!(found
        .iter()
        .all(|s| s.display_name.to_lowercase().contains("o'connell")));
}

pub async fn settings_are_saved_with_their_audit_event<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let mut settings = store.load_settings().await.unwrap().unwrap();
    settings.clinic.name = "Harborview Annex".into();
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, "desk-1");
    store.save_settings(&settings, &saved).await.unwrap();
    assert_eq!(store.load_settings().await.unwrap(), Some(settings));
    assert_eq!(
        store.list_audit("settings_saved", 10).await.unwrap().len(),
        1
    );
}

pub async fn sessions_name_their_staff_until_they_end<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let id = store.create_session(3, T0).await.unwrap();
    let found = store.find_session(id).await.unwrap().unwrap();
    assert_eq!(found.id, 3);
    let begun = SessionRecord {
        id,
        staff_id: 3,
        created_at: T0,
        authenticated_at: T0,
        active_at: T0,
        locked_at: None,
    };
    assert_eq!(found.session, begun);
    store.end_session(id, T0 + 1).await.unwrap();
    assert!(store.find_session(id).await.unwrap().is_none());
    assert!(store.find_session(987_654).await.unwrap().is_none());
}

pub async fn a_locked_session_takes_no_activity_until_its_password_is_entered<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let id = store.create_session(3, T0).await.unwrap();
    let session = || async { store.find_session(id).await.unwrap().unwrap().session };
    store.touch_session(id, T0 + 10).await.unwrap();
    assert_eq!(session().await.active_at, T0 + 10);
    store.lock_session(id, T0 + 20).await.unwrap();
    store.lock_session(id, T0 + 30).await.unwrap();
    store.touch_session(id, T0 + 40).await.unwrap();
    let locked = session().await;
    assert_eq!(
        (locked.locked_at, locked.active_at),
        (Some(T0 + 20), T0 + 10)
    );
    assert_eq!(locked.authenticated_at, T0);
    store.authenticate_session(id, T0 + 50).await.unwrap();
    let open = session().await;
    assert_eq!(
        (open.locked_at, open.active_at, open.authenticated_at),
        (None, T0 + 50, T0 + 50)
    );
    // An ended session changes no more.
    store.end_session(id, T0 + 60).await.unwrap();
    store.authenticate_session(id, T0 + 70).await.unwrap();
    assert!(store.find_session(id).await.unwrap().is_none());
}

pub async fn an_email_change_is_audited_and_an_unknown_account_is_a_conflict<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let changed = AuditEvent::new(T0, AuditAction::StaffEmailChanged, AuditOutcome::Ok, "d");
    store
        .update_staff_email(3, "dana.new@clinic.example", None, T0, &changed)
        .await
        .unwrap();
    let found = store.find_staff_by_login("dana.new@clinic.example").await;
    assert_eq!(found.unwrap().unwrap().id, 3);
    let emails = email_count(store.as_ref()).await;
    let notice = email(987_654, T0);
    assert!(matches!(
        store
            .update_staff_email(987_654, "x@clinic.example", Some(&notice), T0, &changed)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let events = store.list_audit("staff_email_changed", 10).await.unwrap();
    assert_eq!(events.len(), 1, "the refused change wrote nothing");
    assert_eq!(email_count(store.as_ref()).await, emails);
}

pub async fn staff_searches_match_names_usernames_and_emails_in_name_order<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let all = store.list_staff("", 1000).await.unwrap();
    let names: Vec<String> = all
        .iter()
        .map(|s| s.display_name.to_ascii_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    assert_eq!(store.list_staff("", 3).await.unwrap().len(), 3);
    for (query, username) in [
        ("dana p", "dpatel"),
        ("rnaka", "rnakamura"),
        ("jokafor@", "jokafor"),
    ] {
        let found = store.list_staff(query, 10).await.unwrap();
        assert!(found.iter().any(|s| s.username == username), "{query}");
    }
}

pub async fn a_reset_uses_its_token_once_and_signs_the_account_out<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let reset = issue_admin_reset(store.as_ref()).await;
    issue(store.as_ref(), 2, Purpose::OneTimeCode, 2).await;
    let session = store.create_session(2, T0).await.unwrap();
    let done = audit(T0 + 1);
    let use_reset = || store.complete_reset(reset.token_id, "new hash", T0 + 1, None, &done);
    assert!(use_reset().await.unwrap());
    let account = store.get_staff(2).await.unwrap().unwrap();
    assert_eq!(account.password_hash, "new hash");
    assert!(store.find_session(session).await.unwrap().is_none());
    assert!(live_codes(store.as_ref(), 2, T0 + 1).await.is_empty());
    // Used once: a second submit changes nothing, not even the audit log.
    let events = store.list_audit("", 1000).await.unwrap().len();
    assert!(!use_reset().await.unwrap());
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
    // An expired token changes nothing either.
    let late = issue(store.as_ref(), 3, Purpose::SelfReset, 3).await;
    let expired = store.complete_reset(late.token_id, "late", T0 + 60_000, None, &done);
    assert!(!expired.await.unwrap());
    assert_ne!(
        store.get_staff(3).await.unwrap().unwrap().password_hash,
        "late"
    );
}

/// An offline action's key is taken once: a second event under it, alone or with a token and
/// its email, is refused as already applied and writes nothing; its outcome can be looked up.
pub async fn an_action_key_is_taken_once<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    assert_eq!(store.action_outcome("k").await.unwrap(), None);
    let keyed = audit(T0).action_key("k");
    store
        .issue_token(
            &token(2, Purpose::AdminReset, 1),
            Some(&email(2, T0)),
            &keyed,
        )
        .await
        .unwrap();
    assert_eq!(
        store.action_outcome("k").await.unwrap().as_deref(),
        Some("ok")
    );
    let again = store
        .issue_token(
            &token(2, Purpose::AdminReset, 2),
            Some(&email(2, T0)),
            &keyed,
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::AlreadyApplied)),
        "{again:?}"
    );
    let alone = store.append_audit(&keyed).await;
    assert!(
        matches!(alone, Err(StoreError::AlreadyApplied)),
        "{alone:?}"
    );
    assert_eq!(email_count(store.as_ref()).await, 1);
    assert_eq!(live_codes(store.as_ref(), 2, T0).await.len(), 1);
    // Events without a key are many.
    store.append_audit(&audit(T0)).await.unwrap();
    store.append_audit(&audit(T0)).await.unwrap();
}
