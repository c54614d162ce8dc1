//! The session at a shared desk: idle lock, absolute lifetime, and the password asked again
//! before a sensitive change.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::CoreError;
use crate::ports::{Keyring, SettingsStore, StaffStore};
use crate::session::{Actor, ACTIVITY_REPORT_EVERY, REAUTH_WITHIN};
use crate::settings::Settings;
use crate::staff::{NewStaff, StaffStatus};
use crate::testing::dkim::RSA_2048_PKCS8;
use crate::testing::roster::{password_hash, PASSWORD};
use crate::testing::T0;
use crate::time::{Millis, MINUTE, SECOND};
use crate::Role;

use super::{clinic, Clinic, WS};

/// Ten minutes of the default idle lock, and the allowance for unreported activity.
const IDLE: Millis = 10 * MINUTE + 2 * ACTIVITY_REPORT_EVERY;
const HOUR: Millis = 60 * MINUTE;

async fn signed_in_admin(c: &Clinic) -> i64 {
    c.sign_in_with_roster_password(&c.staff.admin)
        .await
        .unwrap()
}

async fn actor(c: &Clinic, session: i64) -> Actor {
    c.actor(Some(session), WS).await.unwrap()
}

#[tokio::test]
async fn an_idle_session_locks_and_only_its_password_opens_it() {
    let c = clinic().await;
    let session = signed_in_admin(&c).await;
    c.advance(IDLE - SECOND);
    actor(&c, session).await;
    c.advance(SECOND);
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
    // Activity reported after the lock does not open it.
    assert!(matches!(
        c.note_activity(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
    let (who, locked) = c.signed_in(Some(session), WS).await.unwrap();
    assert_eq!((who.id, locked), (c.staff.admin.id, true));

    let wrong = c
        .confirm_password(Some(session), "not the password", WS)
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("password"));
    assert_eq!(wrong.to_string(), crate::recovery::WRONG_PASSWORD);
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
    c.confirm_password(Some(session), PASSWORD, WS)
        .await
        .unwrap();
    assert_eq!(actor(&c, session).await.id, c.staff.admin.id);
    assert_eq!(
        c.outcomes(AuditAction::Unlock),
        [AuditOutcome::Refused, AuditOutcome::Ok]
    );
}

#[tokio::test]
async fn reported_activity_keeps_a_session_open() {
    let c = clinic().await;
    let session = signed_in_admin(&c).await;
    for _ in 0..6 {
        c.advance(9 * MINUTE);
        c.note_activity(Some(session), WS).await.unwrap();
    }
    actor(&c, session).await;
}

#[tokio::test]
async fn the_clinic_sets_the_idle_time() {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.sessions.idle_lock_minutes = 2;
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, WS);
    c.db.save_settings(&settings, &saved).await.unwrap();
    let session = signed_in_admin(&c).await;
    c.advance(2 * MINUTE + 2 * ACTIVITY_REPORT_EVERY);
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
}

#[tokio::test]
async fn locking_the_screen_takes_effect_at_once_and_signing_out_still_works() {
    let c = clinic().await;
    let session = signed_in_admin(&c).await;
    c.lock(Some(session), WS).await.unwrap();
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
    // Another person at the desk signs the locked session out.
    c.logout(session, WS).await.unwrap();
    assert!(matches!(
        c.signed_in(Some(session), WS).await,
        Err(CoreError::NotSignedIn)
    ));
}

#[tokio::test]
async fn a_session_ends_after_its_lifetime_however_active() {
    let c = clinic().await;
    let session = signed_in_admin(&c).await;
    // Active every nine minutes, up to one minute before the twelfth hour.
    for _ in 0..79 {
        c.advance(9 * MINUTE);
        c.note_activity(Some(session), WS).await.unwrap();
    }
    c.advance(12 * HOUR - 79 * 9 * MINUTE - MINUTE);
    actor(&c, session).await;
    c.advance(MINUTE);
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::NotSignedIn)
    ));
    let ends = c.events(AuditAction::Logout);
    assert_eq!(ends.len(), 1);
    assert_eq!(ends[0].outcome, AuditOutcome::Expired);
    assert_eq!(ends[0].actor_id, Some(c.staff.admin.id));
    // Ended, not merely refused: the password does not bring it back.
    assert!(matches!(
        c.confirm_password(Some(session), PASSWORD, WS).await,
        Err(CoreError::NotSignedIn)
    ));
}

#[tokio::test]
async fn sensitive_changes_ask_for_the_password_after_five_minutes() {
    let c = clinic().await;
    let (vet, admin) = (&c.staff.vet, &c.staff.admin);
    let session = signed_in_admin(&c).await;
    c.advance(REAUTH_WITHIN + SECOND);
    c.note_activity(Some(session), WS).await.unwrap();
    let a = actor(&c, session).await;

    let reauth = |r: &Result<(), CoreError>| matches!(r, Err(CoreError::ReauthRequired));
    let code = c.issue_one_time_code(&a, vet.id, WS).await.map(drop);
    let email = c.update_staff_email(&a, vet.id, "dana@new.example", WS);
    let email = email.await.map(drop);
    let settings = c.save_settings(&a, Settings::demo(), None, WS).await;
    let dkim_key = c
        .set_dkim_key(&a, Some(RSA_2048_PKCS8.to_string()), WS)
        .await;
    assert!(reauth(&dkim_key.map(drop)));
    assert_eq!(c.t.keyring.dkim_key().await.unwrap(), None);
    assert!(reauth(&code), "{code:?}");
    assert!(reauth(&email), "{email:?}");
    assert!(reauth(&settings.map(drop)));
    assert!(c.tokens().is_empty());
    assert!(c.emails().is_empty());
    assert_eq!(c.db.load_settings().await.unwrap(), None);

    // Resetting another admin asks too; resetting a vet does not.
    let second_admin = NewStaff {
        username: "oadeyemi".into(),
        display_name: "Ola Adeyemi".into(),
        role: Role::Admin,
        email: Some("ola.adeyemi@harborview-clinic.example".into()),
        status: StaffStatus::Active,
        password_hash: password_hash().to_string(),
    };
    let other = c.db.insert_staff(&[second_admin], T0).await.unwrap()[0];
    let admin_reset = c.send_staff_reset(&a, other, WS).await;
    assert!(reauth(&admin_reset.map(drop)));
    c.send_staff_reset(&a, vet.id, WS).await.unwrap();

    c.confirm_password(Some(session), PASSWORD, WS)
        .await
        .unwrap();
    let a = actor(&c, session).await;
    c.issue_one_time_code(&a, vet.id, WS).await.unwrap();
    c.send_staff_reset(&a, other, WS).await.unwrap();
    assert_eq!(c.outcomes(AuditAction::Reauthenticate), [AuditOutcome::Ok]);
    assert_eq!(admin.id, a.id);
}

#[tokio::test]
async fn wrong_passwords_at_the_lock_screen_count_against_the_sign_in_limit() {
    let c = clinic().await;
    let session = signed_in_admin(&c).await;
    c.lock(Some(session), WS).await.unwrap();
    for _ in 0..5 {
        let wrong = c.confirm_password(Some(session), "guess", WS).await;
        assert!(matches!(wrong, Err(CoreError::InvalidInput { .. })));
    }
    let throttled = c.confirm_password(Some(session), PASSWORD, WS).await;
    assert!(
        matches!(throttled, Err(CoreError::Throttled { .. })),
        "{throttled:?}"
    );
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::Locked)
    ));
}

#[test]
fn session_settings_are_bounded() {
    for (idle, hours, ok) in [
        (1, 1, true),
        (240, 24, true),
        (0, 12, false),
        (241, 12, false),
        (10, 0, false),
        (10, 25, false),
    ] {
        let mut s = Settings::demo();
        s.sessions.idle_lock_minutes = idle;
        s.sessions.max_hours = hours;
        assert_eq!(s.validated().is_ok(), ok, "{idle} minutes, {hours} hours");
    }
}
