//! The admin's Settings, Send test email and the Activity screen.

use crate::audit::{AuditAction, AuditOutcome};
use crate::dkim::{DkimKey, DkimSettings};
use crate::error::CoreError;
use crate::ports::{Keyring, SettingsStore};
use crate::settings::{Settings, SettingsLimits};
use crate::testing::dkim::{RSA_1024_PKCS8, RSA_2048_PKCS1, RSA_2048_PUBLIC_BASE64};
use crate::testing::T0;
use crate::time::MINUTE;
use crate::Sensitive;

use super::{clinic, link, Clinic, NEW_PASSWORD, WS};

async fn keyring_password(c: &Clinic) -> Option<String> {
    let stored = c.t.keyring.smtp_password().await.unwrap();
    stored.map(Sensitive::into_inner)
}

async fn put_in_keyring(c: &Clinic, password: &str) {
    let password = Some(Sensitive::new(password.to_string()));
    c.t.keyring.set_smtp_password(password).await.unwrap();
}

/// Asserts that neither the database nor the outbox dispatcher heard of any settings.
async fn assert_no_settings_saved(c: &Clinic) {
    assert_eq!(c.db.load_settings().await.unwrap(), None);
    c.assert_nothing_written();
    assert_eq!(c.t.wakes(), 0);
}

#[tokio::test]
async fn only_admins_see_or_change_settings() {
    let c = clinic().await;
    let s = &c.staff;
    for actor in [&s.manager, &s.vet, &s.receptionist] {
        let forbidden = |r: Result<(), CoreError>| matches!(r, Err(CoreError::Forbidden(_)));
        assert!(forbidden(c.settings_for_admin(actor).await.map(drop)));
        assert!(forbidden(c.settings_limits(actor).map(drop)));
        let at = c.at_desk(actor).await;
        let saved = c.save_settings(&at, Settings::demo(), Some("pw".into()), WS);
        assert!(forbidden(saved.await.map(drop)));
        assert!(forbidden(
            c.test_email(actor, "x@clinic.example").await.map(drop)
        ));
    }
    assert_eq!(
        c.settings_limits(&s.admin).unwrap(),
        SettingsLimits::current()
    );
    assert_eq!(keyring_password(&c).await, None);
    assert_no_settings_saved(&c).await;
}

#[tokio::test]
async fn a_refused_save_changes_nothing_not_even_the_keyring() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    put_in_keyring(&c, "old secret").await;
    let mut bad = Settings::demo();
    bad.mail.from_address = "no-reply@".into();
    let err = c
        .save_settings(&c.at_desk(admin).await, bad, Some("new secret".into()), WS)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("mail.fromAddress"));
    let err = c
        .save_settings(
            &c.at_desk(admin).await,
            Settings::demo(),
            Some("new\nsecret".into()),
            WS,
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("smtpPassword"));
    assert_eq!(keyring_password(&c).await.as_deref(), Some("old secret"));
    assert_no_settings_saved(&c).await;
}

#[tokio::test]
async fn the_smtp_password_is_stored_kept_and_removed_in_the_keyring() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    let demo = Settings::demo;
    let at = c.at_desk(admin).await;
    let saved = c.save_settings(&at, demo(), Some("pw one".into()), WS);
    assert!(saved.await.unwrap().mail.has_password);
    assert_eq!(keyring_password(&c).await.as_deref(), Some("pw one"));
    let stored = c.db.load_settings().await.unwrap().unwrap();
    assert!(
        !stored.mail.has_password,
        "derived from the keyring, never stored"
    );

    let at = c.at_desk(admin).await;

    let kept = c.save_settings(&at, demo(), None, WS).await.unwrap();
    assert!(kept.mail.has_password);
    assert!(c.settings_for_admin(admin).await.unwrap().mail.has_password);
    assert_eq!(keyring_password(&c).await.as_deref(), Some("pw one"));

    let at = c.at_desk(admin).await;

    let removed = c.save_settings(&at, demo(), Some(String::new()), WS);
    assert!(!removed.await.unwrap().mail.has_password);
    assert_eq!(keyring_password(&c).await, None);
    assert!(!c.settings_for_admin(admin).await.unwrap().mail.has_password);

    let events = c.events(AuditAction::SettingsSaved);
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .all(|e| e.actor_id == Some(admin.id) && e.outcome == AuditOutcome::Ok));
    assert_eq!(c.t.wakes(), 3, "the dispatcher rereads the mail settings");
}

#[tokio::test]
async fn saved_settings_are_what_the_flows_use() {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.clinic.name = "Bayside Pet Hospital".into();
    settings.lifetimes.self_reset_minutes = 45;
    settings.password_min_length = 40;
    c.save_settings(&c.at_desk(&c.staff.admin).await, settings, None, WS)
        .await
        .unwrap();
    assert_eq!(c.password_policy().await.unwrap().min_length, 40);

    let token = c.forgot_link(&c.staff.vet).await;
    let email = c.emails().remove(0).record;
    assert_eq!(email.params.expires_at, Some(T0 + 45 * MINUTE));
    assert_eq!(
        email.subject,
        "Reset your Bayside Pet Hospital VetDesk password"
    );
    let short = c.reset(link(&token), NEW_PASSWORD).await.unwrap_err();
    assert!(
        short.to_string().contains("at least 40 characters"),
        "{short}"
    );
}

#[tokio::test]
async fn a_test_email_is_checked_and_its_outcome_audited() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    let err = c
        .test_email(admin, "x@clinic.example\r\nBcc: all@clinic.example")
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("to"));

    put_in_keyring(&c, "pw").await;
    let (to, settings, secrets) = c.test_email(admin, "Office@Clinic.EXAMPLE").await.unwrap();
    assert_eq!(to, "Office@clinic.example");
    assert_eq!(settings, Settings::demo());
    let password = secrets.smtp_password.map(Sensitive::into_inner);
    assert_eq!(password.as_deref(), Some("pw"));
    assert!(secrets.dkim_key.is_none());

    let at = c.at_desk(admin).await;
    c.set_dkim_key(&at, Some(RSA_2048_PKCS1.into()), WS)
        .await
        .unwrap();
    let (_, _, secrets) = c.test_email(admin, "office@clinic.example").await.unwrap();
    let key = secrets
        .dkim_key
        .expect("the DKIM key, for signing the test email");
    assert!(DkimKey::from_pem(key.expose()).is_ok());

    c.record_test_email(admin, Some("Nothing is listening"), WS)
        .await
        .unwrap();
    c.record_test_email(admin, None, WS).await.unwrap();
    let events = c.events(AuditAction::TestEmail);
    assert_eq!(
        c.outcomes(AuditAction::TestEmail),
        [AuditOutcome::Failed, AuditOutcome::Sent]
    );
    assert_eq!(events[0].detail.as_deref(), Some("Nothing is listening"));
    assert_eq!(events[1].actor_id, Some(admin.id));
}

#[tokio::test]
async fn activity_is_for_managers_and_admins_and_names_people() {
    let c = clinic().await;
    let s = &c.staff;
    c.sign_in_with_roster_password(&s.vet).await.unwrap();
    c.forgot_link(&s.vet).await;
    c.forgot_password("nobody", "desk-2").await.unwrap();
    for actor in [&s.vet, &s.receptionist, &s.no_email] {
        let activity = c.list_activity(actor, "").await;
        assert!(matches!(activity, Err(CoreError::Forbidden(_))));
        assert!(matches!(
            c.list_emails(actor, "").await,
            Err(CoreError::Forbidden(_))
        ));
    }

    let rows = c.list_activity(&s.manager, "").await.unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|r| (r.action.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("forgot_password", "no_matching_account"),
            ("forgot_password", "queued"),
            ("login", "ok"),
        ]
    );
    assert_eq!(rows[2].actor.as_deref(), Some("Dana Patel"));
    assert_eq!(rows[1].subject.as_deref(), Some("Dana Patel"));
    let desk2 = c.list_activity(&s.admin, "DESK-2").await.unwrap();
    assert_eq!(desk2.len(), 1);
    assert_eq!(desk2[0].workstation, "desk-2");

    let emails = c.list_emails(&s.admin, "patel").await.unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].kind, "staff_reset");
    assert!(c.list_emails(&s.admin, "sent").await.unwrap().is_empty());
}

#[tokio::test]
async fn the_dkim_key_is_checked_stored_and_removed_in_the_keyring() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    for actor in [&c.staff.manager, &c.staff.vet] {
        let at = c.at_desk(actor).await;
        let refused = c.set_dkim_key(&at, Some(RSA_2048_PKCS1.into()), WS).await;
        assert!(matches!(refused, Err(CoreError::Forbidden(_))));
        assert!(matches!(
            c.dkim_record(actor).await,
            Err(CoreError::Forbidden(_))
        ));
    }

    // A short key is refused before anything changes.
    let at = c.at_desk(admin).await;
    let err = c
        .set_dkim_key(&at, Some(RSA_1024_PKCS8.into()), WS)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("dkimKey"));
    assert_eq!(c.t.keyring.dkim_key().await.unwrap(), None);
    assert!(c.events(AuditAction::SettingsSaved).is_empty());

    // Without a DKIM domain in settings there is no record to publish yet.
    let record = c.set_dkim_key(&at, Some(RSA_2048_PKCS1.into()), WS);
    assert_eq!(record.await.unwrap(), None);
    let stored = c.t.keyring.dkim_key().await.unwrap().unwrap();
    assert!(
        stored.expose().starts_with("-----BEGIN PRIVATE KEY-----"),
        "stored in one form, PKCS#8, whatever was pasted"
    );
    assert_eq!(c.dkim_record(admin).await.unwrap(), None);

    let mut settings = Settings::demo();
    settings.mail.dkim = Some(DkimSettings {
        domain: "harborview-clinic.example".into(),
        selector: "vetdesk1".into(),
    });
    c.save_settings(&at, settings, None, WS).await.unwrap();
    let record = c.dkim_record(admin).await.unwrap().unwrap();
    assert_eq!(record.name, "vetdesk1._domainkey.harborview-clinic.example");
    assert_eq!(
        record.value,
        format!("v=DKIM1; k=rsa; p={}", RSA_2048_PUBLIC_BASE64.trim())
    );
    let again = c.set_dkim_key(&at, Some(RSA_2048_PKCS1.into()), WS).await;
    assert_eq!(again.unwrap(), Some(record));

    assert_eq!(c.set_dkim_key(&at, None, WS).await.unwrap(), None);
    assert_eq!(c.t.keyring.dkim_key().await.unwrap(), None);
    assert_eq!(c.dkim_record(admin).await.unwrap(), None);

    let details: Vec<_> = c
        .events(AuditAction::SettingsSaved)
        .into_iter()
        .filter_map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        [
            "DKIM key saved (2048 bits)",
            "DKIM key saved (2048 bits)",
            "DKIM key removed"
        ]
    );
}

#[tokio::test]
async fn settings_saved_before_dkim_existed_still_load() {
    let mut body = serde_json::to_value(Settings::demo()).unwrap();
    body["mail"].as_object_mut().unwrap().remove("dkim");
    let old: Settings = serde_json::from_value(body).unwrap();
    assert_eq!(old.mail.dkim, None);
    assert_eq!(old, Settings::demo());
}

#[tokio::test]
async fn a_dkim_domain_the_from_address_is_not_in_is_refused_on_save() {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.mail.dkim = Some(DkimSettings {
        domain: "bulk-mailer.example".into(),
        selector: "s1".into(),
    });
    let at = c.at_desk(&c.staff.admin).await;
    let err = c.save_settings(&at, settings, None, WS).await.unwrap_err();
    assert_eq!(err.field(), Some("mail.dkim.domain"));
    assert_no_settings_saved(&c).await;
}
