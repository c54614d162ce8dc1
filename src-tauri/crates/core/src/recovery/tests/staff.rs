//! The Staff List and the staff card: who may reset whom, resends, codes and emails.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, ErrorCode};
use crate::outbox::EmailStatus;
use crate::ports::StaffStore;
use crate::staff::{StaffRecord, StaffRow};
use crate::testing::T0;
use crate::time::{MINUTE, SECOND};
use crate::token::{self, Purpose};

use super::{clinic, code, NEW_PASSWORD, WS};

#[tokio::test]
async fn admins_reset_anyone_and_office_managers_anyone_but_admins() {
    let c = clinic().await;
    let s = &c.staff;
    let targets = [&s.admin, &s.manager, &s.vet, &s.receptionist];
    let table = [
        (&s.admin, [true, true, true, true]),
        (&s.manager, [false, true, true, true]),
        (&s.vet, [false; 4]),
        (&s.receptionist, [false; 4]),
    ];
    for (actor, allowed) in table {
        for (target, allowed) in targets.iter().zip(allowed) {
            // Past the resend interval, so that only the roles decide.
            c.advance(61 * SECOND);
            let sent = c
                .send_staff_reset(&c.at_desk(actor).await, target.id, WS)
                .await;
            let who = (&actor.username, &target.username);
            match sent {
                Ok(_) => assert!(allowed, "{who:?} was allowed"),
                Err(CoreError::Forbidden(_)) => assert!(!allowed, "{who:?} was refused"),
                Err(e) => panic!("{who:?}: {e:?}"),
            }
        }
    }
    assert_eq!(c.tokens().len(), 7);
    assert_eq!(c.emails().len(), 7);
}

#[tokio::test]
async fn an_office_manager_is_told_to_ask_another_admin() {
    let c = clinic().await;
    let s = &c.staff;
    let err = c
        .send_staff_reset(&c.at_desk(&s.manager).await, s.admin.id, WS)
        .await;
    let message = err.unwrap_err().to_string();
    assert!(message.contains("Ask another admin"), "{message}");
    for refused in [
        c.issue_one_time_code(&c.at_desk(&s.manager).await, s.admin.id, WS)
            .await
            .err(),
        c.update_staff_email(
            &c.at_desk(&s.manager).await,
            s.admin.id,
            "takeover@evil.example",
            WS,
        )
        .await
        .err(),
    ] {
        assert!(matches!(refused, Some(CoreError::Forbidden(_))));
    }
    assert!(!c.card_offers_reset(&s.manager, s.admin.id).await);
    assert!(c.card_offers_reset(&s.manager, s.vet.id).await);
    assert_eq!(c.get_email(s.admin.id).await, s.admin.email);
    c.assert_nothing_written();
}

#[tokio::test]
async fn a_disabled_account_is_refused_and_nothing_is_written() {
    let c = clinic().await;
    let s = &c.staff;
    let sent = c
        .send_staff_reset(&c.at_desk(&s.admin).await, s.disabled.id, WS)
        .await;
    let issued = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.disabled.id, WS)
        .await;
    assert!(matches!(sent, Err(CoreError::Forbidden(_))));
    assert!(matches!(issued, Err(CoreError::Forbidden(_))));
    assert!(!c.card_offers_reset(&s.admin, s.disabled.id).await);
    c.assert_nothing_written();
}

#[tokio::test]
async fn no_email_on_file_is_explained() {
    let c = clinic().await;
    let s = &c.staff;
    let err = c
        .send_staff_reset(&c.at_desk(&s.admin).await, s.no_email.id, WS)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NoEmail(_)));
    assert_eq!(err.code(), ErrorCode::Failed);
    let message = err.to_string();
    assert!(
        message.starts_with("Kim Morales has no email address on file"),
        "{message}"
    );
    assert!(message.contains("Show one-time code"));
    let card = c.staff_card(&s.admin, s.no_email.id).await.unwrap();
    assert!(card.can_reset && card.resend_available_at.is_none());
    c.assert_nothing_written();
}

#[tokio::test]
async fn a_resend_too_soon_says_how_many_seconds_are_left() {
    let c = clinic().await;
    let (admin, vet) = (&c.staff.admin, &c.staff.vet);
    let sent = c
        .send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap();
    assert_eq!(sent.masked_email, "d•••@harborview-clinic.example");
    assert_eq!(
        sent.message,
        "Email is not set up, so the reset email for d•••@harborview-clinic.example was written \
         to the preview outbox and not sent. Use Show one-time code to hand over a code in person."
    );
    assert_eq!(sent.resend_available_at, T0 + 60 * SECOND);
    let email = c.emails().remove(0).record;
    assert_eq!(email.params.expires_at, Some(T0 + 24 * 60 * MINUTE));
    assert_eq!(email.params.requested_by.as_deref(), Some("Ada Okafor"));

    c.advance(20 * SECOND + 1);
    let err = c
        .send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::ResendTooSoon { .. }));
    assert_eq!(err.retry_after_secs(), Some(40), "rounded up");
    let card = c.staff_card(admin, vet.id).await.unwrap();
    assert_eq!(card.resend_available_at, Some(T0 + 60 * SECOND));
    assert_eq!(card.last_reset.unwrap().status, EmailStatus::Queued);
    assert_eq!(c.emails().len(), 1);

    c.advance(40 * SECOND);
    c.send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap();
    let tokens = c.tokens();
    assert!(
        tokens[0].revoked_at.is_some(),
        "the new link replaced the old"
    );
    assert_eq!(tokens[1].purpose, Purpose::AdminReset);
    let events = c.events(AuditAction::AdminReset);
    assert_eq!(events.len(), 2, "a refused resend is not a reset");
    assert_eq!(
        (events[0].actor_id, events[0].outcome),
        (Some(admin.id), AuditOutcome::Queued)
    );
}

#[tokio::test]
async fn a_one_time_code_is_shown_once_and_never_mailed() {
    let c = clinic().await;
    let (manager, tech) = (&c.staff.manager, &c.staff.no_email);
    let first = c
        .issue_one_time_code(&c.at_desk(manager).await, tech.id, WS)
        .await
        .unwrap();
    assert_eq!(
        token::normalize_code(&first.code).as_deref(),
        Some(first.code.as_str())
    );
    assert_eq!(first.expires_at, T0 + 15 * MINUTE);
    assert!(c.emails().is_empty());
    assert_eq!(c.t.wakes(), 0);
    let stored = &c.tokens()[0];
    assert_eq!(stored.purpose, Purpose::OneTimeCode);
    assert_eq!(stored.code_digest, Some(c.t.pepper.digest(&first.code)));
    let events = c.events(AuditAction::OneTimeCode);
    assert_eq!(events[0].outcome, AuditOutcome::Issued);
    assert_eq!(
        (events[0].actor_id, events[0].subject_id),
        (Some(manager.id), Some(tech.id))
    );

    // A second code replaces the first.
    let second = c
        .issue_one_time_code(&c.at_desk(manager).await, tech.id, WS)
        .await
        .unwrap();
    let old = c
        .reset(code(&tech.username, &first.code), NEW_PASSWORD)
        .await;
    assert!(matches!(old, Err(CoreError::TokenInvalid)));
    c.reset(code(&tech.username, &second.code), NEW_PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_email_change_is_validated_under_the_email_field() {
    let c = clinic().await;
    let (admin, tech) = (&c.staff.admin, &c.staff.no_email);
    let huge = "a".repeat(100_000);
    for bad in [
        "",
        "nodomain@",
        "a@b\r\nBcc: x@y.example",
        "Kim <k@clinic.example>",
        huge.as_str(),
    ] {
        let err = c
            .update_staff_email(&c.at_desk(admin).await, tech.id, bad, WS)
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some("email"), "{bad:.20}");
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }
    c.assert_nothing_written();
    assert_eq!(c.get_email(tech.id).await, None);

    let card = c
        .update_staff_email(
            &c.at_desk(admin).await,
            tech.id,
            " Kim.Morales@Harborview-Clinic.EXAMPLE ",
            WS,
        )
        .await
        .unwrap();
    let saved = "Kim.Morales@harborview-clinic.example";
    assert_eq!(card.staff.email.as_deref(), Some(saved));
    assert_eq!(
        c.outcomes(AuditAction::StaffEmailChanged),
        [AuditOutcome::Ok]
    );
    c.send_staff_reset(&c.at_desk(admin).await, tech.id, WS)
        .await
        .unwrap();
    assert_eq!(c.emails()[0].record.recipient, saved);
}

#[tokio::test]
async fn the_staff_list_is_for_managers_searched_and_ordered_by_name() {
    let c = clinic().await;
    let s = &c.staff;
    let names =
        |rows: Vec<StaffRow>| -> Vec<String> { rows.into_iter().map(|r| r.display_name).collect() };
    let all = names(c.list_staff(&s.manager, "").await.unwrap());
    let expected = [
        "Ada Okafor",
        "Dana Patel",
        "Jonas Lindqvist",
        "Kim Morales",
        "Riley Nakamura",
        "Sam Brandt",
    ];
    assert_eq!(all, expected);
    assert_eq!(
        names(c.list_staff(&s.admin, "PATEL").await.unwrap()),
        ["Dana Patel"]
    );
    assert_eq!(c.list_staff(&s.admin, "harborview").await.unwrap().len(), 5);
    assert!(c
        .list_staff(&s.admin, "100%_match")
        .await
        .unwrap()
        .is_empty());
    for actor in [&s.vet, &s.receptionist, &s.no_email] {
        let err = c.list_staff(actor, "").await.unwrap_err();
        assert!(matches!(err, CoreError::Forbidden(_)));
        assert!(matches!(
            c.staff_card(actor, s.vet.id).await,
            Err(CoreError::Forbidden(_))
        ));
    }
}

#[tokio::test]
async fn unknown_staff_is_not_found() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    assert!(matches!(
        c.staff_card(admin, 987_654).await,
        Err(CoreError::NotFound(_))
    ));
    let sent = c.send_staff_reset(&c.at_desk(admin).await, -1, WS).await;
    assert_eq!(sent.unwrap_err().code(), ErrorCode::NotFound);
    c.assert_nothing_written();
}

impl super::Clinic {
    async fn get_email(&self, staff_id: i64) -> Option<String> {
        self.db.get_staff(staff_id).await.unwrap().unwrap().email
    }

    /// Whether `actor`'s staff card for `staff_id` shows Reset password.
    async fn card_offers_reset(&self, actor: &StaffRecord, staff_id: i64) -> bool {
        self.staff_card(actor, staff_id).await.unwrap().can_reset
    }
}

#[tokio::test]
async fn the_words_say_sent_only_when_a_mail_server_will_take_it() {
    let c = clinic().await;
    let (admin, vet) = (&c.staff.admin, &c.staff.vet);
    let mut settings = c.settings().await.unwrap();
    settings.mail.transport = crate::settings::MailTransport::Smtp;
    settings.mail.host = "smtp.harborview-clinic.example".into();
    c.save_settings(&c.at_desk(admin).await, settings, None, WS)
        .await
        .unwrap();
    let sent = c
        .send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap();
    assert_eq!(
        sent.message,
        "Reset password link has been sent to d•••@harborview-clinic.example"
    );
}
