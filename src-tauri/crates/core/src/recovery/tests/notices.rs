//! What an email change and a one-time code tell the staff member, and a disabled account's
//! tokens.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::CoreError;
use crate::outbox::{Claimant, EmailKind, EmailStatus};
use crate::ports::{OutboxStore, TokenStore};
use crate::testing::T0;
use crate::time::MINUTE;
use crate::token::{self, NewToken, Purpose};

use super::{clinic, code, link, NEW_PASSWORD, WS};

const NEW_ADDRESS: &str = "dana@new-home.example";

#[tokio::test]
async fn an_email_change_revokes_tokens_and_unsent_resets_and_tells_the_old_address() {
    let c = clinic().await;
    let (admin, vet) = (&c.staff.admin, &c.staff.vet);
    c.send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap();
    let mailed = c.mailed_secrets(vet);
    let typed = c
        .issue_one_time_code(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap()
        .code;
    c.advance(MINUTE);
    let card = c
        .update_staff_email(&c.at_desk(admin).await, vet.id, NEW_ADDRESS, WS)
        .await
        .unwrap();
    assert_eq!(card.staff.email.as_deref(), Some(NEW_ADDRESS));

    let now = c.now();
    assert!(c.tokens().iter().all(|t| t.revoked_at == Some(now)));
    let emails = c.emails();
    let reset = &emails[0].record;
    assert_eq!(reset.kind, EmailKind::StaffReset);
    assert_eq!(
        (reset.status, reset.sealed.as_ref()),
        (EmailStatus::Expired, None)
    );
    let notice = &emails.last().unwrap().record;
    assert_eq!(notice.kind, EmailKind::EmailChanged);
    assert_eq!(
        Some(&notice.recipient),
        vet.email.as_ref(),
        "the old address"
    );
    assert_eq!(notice.params.requested_by.as_deref(), Some("Ada Okafor"));
    assert_eq!((notice.sealed.as_ref(), notice.token_id), (None, None));
    assert_eq!(notice.status, EmailStatus::Queued);
    // The reset email, the code's notice and this one each woke the outbox.
    assert_eq!(c.t.wakes(), 3);

    let by_link = c.reset(link(&mailed.link.unwrap()), NEW_PASSWORD).await;
    let by_code = c.reset(code("dpatel", &typed), NEW_PASSWORD).await;
    assert!(matches!(by_link, Err(CoreError::TokenInvalid)));
    assert!(matches!(by_code, Err(CoreError::TokenInvalid)));
    let claimed =
        c.db.claim_due_emails(now, MINUTE, 10, &Claimant::new(WS, "run-1"))
            .await
            .unwrap();
    let kinds: Vec<_> = claimed.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EmailKind::CodeIssued, EmailKind::EmailChanged]);
}

#[tokio::test]
async fn saving_the_address_already_on_file_changes_nothing() {
    let c = clinic().await;
    let (admin, vet) = (&c.staff.admin, &c.staff.vet);
    c.send_staff_reset(&c.at_desk(admin).await, vet.id, WS)
        .await
        .unwrap();
    let same = vet.email.clone().unwrap().to_uppercase();
    c.update_staff_email(&c.at_desk(admin).await, vet.id, &same, WS)
        .await
        .unwrap();
    assert!(c.tokens()[0].is_live(c.now()));
    assert_eq!(c.emails().len(), 1);
    assert!(c.events(AuditAction::StaffEmailChanged).is_empty());
}

#[tokio::test]
async fn an_address_given_where_there_was_none_revokes_without_a_notice() {
    let c = clinic().await;
    let (manager, tech) = (&c.staff.manager, &c.staff.no_email);
    let typed = c
        .issue_one_time_code(&c.at_desk(manager).await, tech.id, WS)
        .await
        .unwrap()
        .code;
    c.update_staff_email(
        &c.at_desk(manager).await,
        tech.id,
        "kim@new-home.example",
        WS,
    )
    .await
    .unwrap();
    assert!(c.emails().is_empty());
    let refused = c.reset(code(&tech.username, &typed), NEW_PASSWORD).await;
    assert!(matches!(refused, Err(CoreError::TokenInvalid)));
    assert_eq!(
        c.outcomes(AuditAction::StaffEmailChanged),
        [AuditOutcome::Ok]
    );
}

#[tokio::test]
async fn issuing_a_code_tells_its_owner_who_did_without_the_code() {
    let c = clinic().await;
    let (manager, vet) = (&c.staff.manager, &c.staff.vet);
    let issued = c
        .issue_one_time_code(&c.at_desk(manager).await, vet.id, WS)
        .await
        .unwrap();
    let emails = c.emails();
    assert_eq!(emails.len(), 1);
    let notice = &emails[0].record;
    assert_eq!(notice.kind, EmailKind::CodeIssued);
    assert_eq!(Some(&notice.recipient), vet.email.as_ref());
    assert_eq!(
        notice.params.requested_by.as_deref(),
        Some("Jonas Lindqvist")
    );
    assert_eq!((notice.sealed.as_ref(), notice.token_id), (None, None));
    let shown = format!("{:?}{}", notice.params, notice.subject);
    assert!(!shown.contains(&issued.code));
    assert_eq!(c.t.wakes(), 1);
    let events = c.events(AuditAction::OneTimeCode);
    assert_eq!(
        (events.len(), events[0].outcome, events[0].actor_id),
        (1, AuditOutcome::Issued, Some(manager.id))
    );

    // The notice is not the token's: using the code does not stop it.
    c.reset(code("dpatel", &issued.code), NEW_PASSWORD)
        .await
        .unwrap();
    let claimed =
        c.db.claim_due_emails(c.now(), MINUTE, 10, &Claimant::new(WS, "run-1"))
            .await
            .unwrap();
    assert_eq!(claimed[0].kind, EmailKind::CodeIssued);
    assert_eq!(claimed[0].token_live, None);
}

#[tokio::test]
async fn a_disabled_account_cannot_complete_a_reset() {
    let c = clinic().await;
    let disabled = &c.staff.disabled;
    let (typed, sent_link) = ("ABCDE-FGHJK", "a".repeat(43));
    let token = NewToken {
        staff_id: disabled.id,
        purpose: Purpose::AdminReset,
        link_digest: Some(token::digest(&sent_link)),
        code_digest: Some(c.t.pepper.digest(typed)),
        created_at: T0,
        expires_at: T0 + 60 * MINUTE,
    };
    let event = AuditEvent::new(T0, AuditAction::AdminReset, AuditOutcome::Queued, WS);
    c.db.issue_token(&token, None, &event).await.unwrap();

    let invalid = CoreError::TokenInvalid.to_string();
    let opened = c.check_link(&sent_link).await.unwrap_err();
    let by_link = c.reset(link(&sent_link), NEW_PASSWORD).await.unwrap_err();
    let by_code = c.reset(code(&disabled.username, typed), NEW_PASSWORD).await;
    for err in [opened, by_link, by_code.unwrap_err()] {
        assert_eq!(err.to_string(), invalid);
    }
    assert_eq!(c.tokens()[0].used_at, None);
    assert!(c.events(AuditAction::PasswordReset).is_empty());
}
