//! Setting up a real clinic on an empty database.

use std::sync::Arc;

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult, ErrorCode};
use crate::recovery::{ClinicDetails, FirstAdmin, ALREADY_SET_UP};
use crate::settings::MailTransport;
use crate::staff::SessionInfo;
use crate::testing::{ClinicBuilder, MemoryStore, TestClinic};
use crate::Role;

use super::{clinic, NEW_PASSWORD, WS};

fn empty() -> (TestClinic, Arc<MemoryStore>) {
    let db = Arc::new(MemoryStore::new());
    (ClinicBuilder::new(db.clone()).build(), db)
}

fn details() -> ClinicDetails {
    ClinicDetails {
        name: "Bayside Pet Hospital".into(),
        phone: "+1 555 0199".into(),
        email: "desk@bayside-pets.example".into(),
        address: "2 Pier Road, Bayside".into(),
    }
}

fn me() -> FirstAdmin {
    FirstAdmin {
        display_name: "Noor Haddad".into(),
        username: " NHaddad ".into(),
        email: "noor@bayside-pets.example".into(),
    }
}

/// Sets up with `password` typed twice.
async fn set_up(
    t: &TestClinic,
    clinic: ClinicDetails,
    admin: FirstAdmin,
    password: &str,
) -> CoreResult<(i64, SessionInfo)> {
    t.recovery
        .setup_clinic(clinic, admin, password, password, WS)
        .await
}

#[tokio::test]
async fn setup_creates_the_admin_and_the_clinic_and_signs_the_admin_in() {
    let (t, db) = empty();
    assert!(t.recovery.setup_needed().await.unwrap());
    let (session, info) = set_up(&t, details(), me(), NEW_PASSWORD).await.unwrap();
    assert_eq!(
        (
            info.username.as_str(),
            info.display_name.as_str(),
            info.role
        ),
        ("nhaddad", "Noor Haddad", Role::Admin)
    );
    let actor = t.recovery.actor(Some(session), WS).await.unwrap();
    assert_eq!(actor.id, info.staff_id);
    assert_eq!(actor.email.as_deref(), Some("noor@bayside-pets.example"));
    assert!(!t.recovery.setup_needed().await.unwrap());

    let settings = t.recovery.settings().await.unwrap();
    assert_eq!(settings.clinic.name, "Bayside Pet Hospital");
    assert_eq!(settings.clinic.address, "2 Pier Road, Bayside");
    assert_eq!(settings.mail.transport, MailTransport::Preview);
    assert_eq!(settings.mail.from_name, "Bayside Pet Hospital");
    assert_eq!(settings.mail.from_address, "desk@bayside-pets.example");
    assert_eq!(settings.clone().validated().unwrap(), settings);

    let events = db.audit_events();
    let done: Vec<_> = events.iter().map(|e| (e.action, e.outcome)).collect();
    assert_eq!(
        done,
        [
            (AuditAction::ClinicSetUp, AuditOutcome::Ok),
            (AuditAction::Login, AuditOutcome::Ok)
        ]
    );
    assert!(events
        .iter()
        .all(|e| e.actor_id == Some(actor.id) && e.subject_id == Some(actor.id)));
}

#[tokio::test]
async fn the_new_admin_signs_in_later_with_that_password() {
    let (t, _db) = empty();
    set_up(&t, details(), me(), NEW_PASSWORD).await.unwrap();
    for login in ["nhaddad", "Noor@Bayside-Pets.example"] {
        let (_, info) = t.recovery.login(login, NEW_PASSWORD, WS).await.unwrap();
        assert_eq!(info.role, Role::Admin);
    }
    let wrong = t.recovery.login("nhaddad", "not the password", WS).await;
    assert!(matches!(wrong, Err(CoreError::InvalidCredentials)));
}

#[tokio::test]
async fn setup_is_refused_once_anyone_exists_and_writes_nothing() {
    let c = clinic().await;
    let err = c
        .setup_clinic(details(), me(), NEW_PASSWORD, NEW_PASSWORD, WS)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(_)), "{err:?}");
    assert_eq!(err.to_string(), ALREADY_SET_UP);
    c.assert_nothing_written();
    assert!(c.login("nhaddad", NEW_PASSWORD, WS).await.is_err());
}

#[tokio::test]
async fn a_second_setup_is_refused_even_with_good_details() {
    let (t, db) = empty();
    set_up(&t, details(), me(), NEW_PASSWORD).await.unwrap();
    let other = FirstAdmin {
        username: "intruder".into(),
        ..me()
    };
    let err = set_up(&t, details(), other, NEW_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(
        db.audit_events().len(),
        2,
        "only the first setup and sign-in"
    );
    assert!(t
        .recovery
        .login("intruder", NEW_PASSWORD, WS)
        .await
        .is_err());
}

type Change = fn(&mut ClinicDetails, &mut FirstAdmin);

#[tokio::test]
async fn each_bad_field_is_named_and_nothing_is_written() {
    let (t, db) = empty();
    let cases: [(&str, Change); 11] = [
        ("clinic.name", |c, _| c.name = " ".into()),
        ("clinic.name", |c, _| {
            c.name = "Bayside\r\nBcc: x@y.example".into()
        }),
        ("clinic.phone", |c, _| c.phone = "5".repeat(41)),
        ("clinic.email", |c, _| c.email = "desk@".into()),
        ("clinic.email", |c, _| c.email = String::new()),
        ("clinic.address", |c, _| {
            c.address = "Pier\u{202E}Road".into()
        }),
        ("admin.displayName", |_, a| a.display_name = "\t".into()),
        ("admin.username", |_, a| a.username = "noor haddad".into()),
        ("admin.username", |_, a| a.username = "noor@bayside".into()),
        ("admin.email", |_, a| a.email = "noor".into()),
        ("admin.email", |_, a| a.email = "a".repeat(300)),
    ];
    for (field, change) in cases {
        let (mut clinic, mut admin) = (details(), me());
        change(&mut clinic, &mut admin);
        let err = set_up(&t, clinic, admin, NEW_PASSWORD).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{field}: {err}");
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert!(db.audit_events().is_empty());
    assert!(t.recovery.setup_needed().await.unwrap());
}

#[tokio::test]
async fn a_weak_or_mismatched_password_is_refused_under_its_field() {
    let (t, db) = empty();
    for (password, confirm, field) in [
        ("lantern orbit", "lantern orbit", "password"),
        (
            "bayside lantern orbit pickle",
            "bayside lantern orbit pickle",
            "password",
        ),
        (
            "nhaddad lantern orbit pickle",
            "nhaddad lantern orbit pickle",
            "password",
        ),
        ("aaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaa", "password"),
        (NEW_PASSWORD, "lantern orbit pickle saxophonE", "confirm"),
    ] {
        let err = t
            .recovery
            .setup_clinic(details(), me(), password, confirm, WS)
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{password:?}: {err}");
    }
    assert!(db.audit_events().is_empty());
    assert!(t.recovery.setup_needed().await.unwrap());
}
