//! What every store promises the patient-portal flows, whatever the backend: invitations and
//! resets, the submit that sets a password, portal sign-ins, and a dead link's email.

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{NewPortalToken, PortalAccountStatus, PortalIssued};
use vetdesk_core::outbox::{DeliveredVia, EmailKind, EmailParams, EmailStatus, NewEmail};
use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_core::token::Purpose;
use vetdesk_core::StoreError;

use crate::backends::{seeded, StoreFactory};
use crate::clients::practice;
use crate::contract::{claim, email_count, never_claimed_again};

/// How long the suite's portal links live.
const LIFETIME: i64 = 60_000;

/// A link for client `client_id`'s account, issued at `T0 + n`; `n` also makes its digest
/// unique.
pub fn portal_token(client_id: i64, username: &str, purpose: Purpose, n: u8) -> NewPortalToken {
    let at = T0 + i64::from(n);
    NewPortalToken {
        client_id,
        username: username.into(),
        purpose,
        link_digest: format!("{n:064x}"),
        created_at: at,
        expires_at: at + LIFETIME,
    }
}

pub fn portal_email(kind: EmailKind, recipient: &str, at: i64) -> NewEmail {
    NewEmail {
        kind,
        staff_id: None,
        recipient: recipient.into(),
        recipient_name: "Client".into(),
        subject: "Portal".into(),
        params: EmailParams::default(),
        sealed: kind.carries_secrets().then(|| vec![7, 7, 7]),
        created_at: at,
    }
}

fn portal_audit(action: AuditAction, client_id: i64) -> AuditEvent {
    AuditEvent::new(T0, action, AuditOutcome::Issued, "desk-1")
        .actor(1)
        .client(client_id)
}

/// Issues link `n` of `purpose` to the client, with its email.
async fn issue(
    store: &dyn Store,
    client_id: i64,
    username: &str,
    purpose: Purpose,
    n: u8,
) -> Result<PortalIssued, StoreError> {
    let token = portal_token(client_id, username, purpose, n);
    let kind = match purpose {
        Purpose::PortalReset => EmailKind::PortalReset,
        _ => EmailKind::PortalInvite,
    };
    let email = portal_email(kind, username, token.created_at);
    let action = match purpose {
        Purpose::PortalReset => AuditAction::PortalReset,
        _ => AuditAction::PortalInvite,
    };
    store
        .issue_portal_token(&token, &email, &portal_audit(action, client_id))
        .await
}

/// An invitation to the client: link `n` and its email.
pub async fn invite(store: &dyn Store, client_id: i64, username: &str, n: u8) -> PortalIssued {
    issue(store, client_id, username, Purpose::PortalInvite, n)
        .await
        .unwrap()
}

fn password_set(client_id: i64) -> AuditEvent {
    AuditEvent::new(T0, AuditAction::PortalPasswordSet, AuditOutcome::Ok, "web").client(client_id)
}

pub async fn an_invitation_creates_the_account_and_queues_its_email<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    assert!(store.portal_account_of(1).await.unwrap().is_none());
    let issued = invite(store, 1, "avery.collins@mail.example", 1).await;
    assert!(issued.created_account);

    let account = store.portal_account_of(1).await.unwrap().unwrap();
    assert_eq!(
        (account.id, account.client_id, account.status),
        (issued.account_id, 1, PortalAccountStatus::Invited)
    );
    assert_eq!(account.username, "avery.collins@mail.example");
    assert_eq!((account.password_hash, account.created_at), (None, T0 + 1));
    let named = store
        .portal_account_named("avery.collins@mail.example")
        .await;
    assert_eq!(named.unwrap().unwrap().client_id, 1);

    let live = store.live_portal_token(1, T0 + 2).await.unwrap().unwrap();
    assert_eq!(
        (live.id, live.account_id, live.client_id, live.purpose),
        (issued.token_id, issued.account_id, 1, Purpose::PortalInvite)
    );
    assert_eq!(live.expires_at, T0 + 1 + LIFETIME);
    let by_link = store
        .find_portal_token_by_link(&format!("{:064x}", 1))
        .await;
    assert_eq!(by_link.unwrap(), Some(live));
    assert!(store
        .find_portal_token_by_link(&format!("{:064x}", 99))
        .await
        .unwrap()
        .is_none());
    // Past its lifetime, the link is no longer the live one.
    let late = store.live_portal_token(1, T0 + 1 + LIFETIME).await.unwrap();
    assert!(late.is_none());

    let kinds = [EmailKind::PortalInvite, EmailKind::PortalReset];
    let email = store.latest_email_for_client(1, &kinds).await.unwrap();
    let email = email.unwrap();
    assert_eq!(
        (email.id, email.kind, email.status),
        (
            issued.email_id,
            EmailKind::PortalInvite,
            EmailStatus::Queued
        )
    );
    assert_eq!(
        (email.token_id, email.token_live),
        (Some(issued.token_id), Some(true))
    );
    assert_eq!(email.sealed.as_deref(), Some(&[7, 7, 7][..]));
    let rows = store.list_audit("portal_invite", 10).await.unwrap();
    assert_eq!(rows[0].subject.as_deref(), Some("Avery Collins"));
    assert_eq!(rows[0].actor.as_deref(), Some("Avery Collins"));
    let found = store.list_audit("avery", 10).await.unwrap();
    assert!(found.iter().any(|r| r.action == "portal_invite"));
}

pub async fn a_second_link_revokes_the_first_and_expires_its_unsent_email<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let first = invite(store, 2, "morgan.r@mail.example", 1).await;
    let second = invite(store, 2, "ignored@mail.example", 2).await;
    assert!(!second.created_account);
    assert_eq!(second.account_id, first.account_id);
    let account = store.portal_account_of(2).await.unwrap().unwrap();
    assert_eq!(account.username, "morgan.r@mail.example", "kept as it was");

    let old = store
        .find_portal_token_by_link(&format!("{:064x}", 1))
        .await;
    assert_eq!(old.unwrap().unwrap().revoked_at, Some(T0 + 2));
    let live = store.live_portal_token(2, T0 + 3).await.unwrap().unwrap();
    assert_eq!(live.id, second.token_id);
    let rows = store.list_emails("", 10).await.unwrap();
    let row = |id| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (
            row(first.email_id).status,
            row(first.email_id).sealed.as_ref()
        ),
        (EmailStatus::Expired, None)
    );
    assert_eq!(row(first.email_id).token_live, Some(false));
    assert_eq!(row(second.email_id).status, EmailStatus::Queued);

    // A reset replaces the invitation the same way; an email already sent stays sent.
    let claimed = claim(store, T0 + 3).await;
    assert_eq!(claimed.len(), 1);
    let sent = AuditEvent::new(T0, AuditAction::EmailSent, AuditOutcome::Sent, "desk-1");
    store
        .mark_email_sent(second.email_id, T0 + 4, "<id@x>", DeliveredVia::Smtp, &sent)
        .await
        .unwrap();
    let reset = issue(store, 2, "morgan.r@mail.example", Purpose::PortalReset, 3).await;
    let reset = reset.unwrap();
    let rows = store.list_emails("", 10).await.unwrap();
    let status = |id| rows.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(status(second.email_id), EmailStatus::Sent);
    assert_eq!(status(reset.email_id), EmailStatus::Queued);
    let live = store.live_portal_token(2, T0 + 5).await.unwrap().unwrap();
    assert_eq!(
        (live.id, live.purpose),
        (reset.token_id, Purpose::PortalReset)
    );
    // Another client's link is not touched.
    let other = invite(store, 1, "avery.collins@mail.example", 4).await;
    assert!(store.live_portal_token(2, T0 + 5).await.unwrap().is_some());
    assert_eq!(
        store
            .live_portal_token(1, T0 + 5)
            .await
            .unwrap()
            .unwrap()
            .id,
        other.token_id
    );
}

pub async fn a_username_another_account_has_is_a_conflict_and_writes_nothing<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    invite(store, 1, "shared@mail.example", 1).await;
    let events = store.list_audit("", 1000).await.unwrap().len();
    let emails = email_count(store).await;
    let taken = issue(store, 4, "shared@mail.example", Purpose::PortalInvite, 2).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert!(store.portal_account_of(4).await.unwrap().is_none());
    assert!(store.live_portal_token(4, T0 + 3).await.unwrap().is_none());
    let link = store
        .find_portal_token_by_link(&format!("{:064x}", 2))
        .await;
    assert!(link.unwrap().is_none());
    assert_eq!(email_count(store).await, emails);
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
    // The first client's link is still live: the refused invitation revoked nothing.
    assert!(store.live_portal_token(1, T0 + 3).await.unwrap().is_some());

    // A link for a client that does not exist is refused too.
    let unknown = issue(store, 999, "nobody@mail.example", Purpose::PortalInvite, 3).await;
    assert!(unknown.is_err());
    assert_eq!(email_count(store).await, emails);
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
}

pub async fn a_live_link_sets_the_password_once_and_signs_the_account_out<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let issued = invite(store, 2, "morgan.r@mail.example", 1).await;
    let session = "a".repeat(64);
    store
        .create_portal_session(issued.account_id, &session, T0 + 2)
        .await
        .unwrap();
    let notice = portal_email(
        EmailKind::PortalPasswordChanged,
        "morgan.r@mail.example",
        T0 + 3,
    );
    let audit = password_set(2);
    let set =
        |at| store.complete_portal_password(issued.token_id, "hash-1", at, Some(&notice), &audit);
    assert!(set(T0 + 3).await.unwrap());

    let account = store.portal_account_of(2).await.unwrap().unwrap();
    assert_eq!(account.status, PortalAccountStatus::Active);
    assert_eq!(account.password_hash.as_deref(), Some("hash-1"));
    assert!(store.find_portal_session(&session).await.unwrap().is_none());
    let used = store
        .find_portal_token_by_link(&format!("{:064x}", 1))
        .await;
    let used = used.unwrap().unwrap();
    assert_eq!((used.used_at, used.revoked_at), (Some(T0 + 3), None));
    assert!(store.live_portal_token(2, T0 + 3).await.unwrap().is_none());
    let kinds = [EmailKind::PortalPasswordChanged];
    let email = store.latest_email_for_client(2, &kinds).await.unwrap();
    let email = email.unwrap();
    assert_eq!((email.token_id, email.token_live), (None, None));
    assert_eq!(email.recipient, "morgan.r@mail.example");
    assert_eq!(
        store
            .list_audit("portal_password_set", 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Used once: a second submit changes nothing, not even the audit log.
    let events = store.list_audit("", 1000).await.unwrap().len();
    let emails = email_count(store).await;
    assert!(!set(T0 + 4).await.unwrap());
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
    assert_eq!(email_count(store).await, emails);

    // A revoked link and an expired one change nothing either, nor does an unknown one.
    let revoked = issue(store, 2, "x", Purpose::PortalReset, 2).await.unwrap();
    let newer = issue(store, 2, "x", Purpose::PortalReset, 3).await.unwrap();
    let emails = email_count(store).await;
    let events = store.list_audit("", 1000).await.unwrap().len();
    let refused = [
        (revoked.token_id, T0 + 5),
        (newer.token_id, T0 + 3 + LIFETIME),
        (987_654, T0 + 5),
    ];
    for (token_id, at) in refused {
        let done = store
            .complete_portal_password(token_id, "hash-2", at, Some(&notice), &audit)
            .await;
        assert!(!done.unwrap(), "token {token_id} at {at}");
    }
    let account = store.portal_account_of(2).await.unwrap().unwrap();
    assert_eq!(account.password_hash.as_deref(), Some("hash-1"));
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
    assert_eq!(email_count(store).await, emails);
    let newer_link = store
        .find_portal_token_by_link(&format!("{:064x}", 3))
        .await;
    assert_eq!(newer_link.unwrap().unwrap().used_at, None);

    // A reset of an active account, still live, works and keeps it active.
    let reset = issue(store, 2, "x", Purpose::PortalReset, 4).await.unwrap();
    let other_session = "b".repeat(64);
    store
        .create_portal_session(reset.account_id, &other_session, T0 + 5)
        .await
        .unwrap();
    let set = store.complete_portal_password(reset.token_id, "hash-3", T0 + 6, None, &audit);
    assert!(set.await.unwrap());
    let account = store.portal_account_of(2).await.unwrap().unwrap();
    assert_eq!(
        (account.status, account.password_hash.as_deref()),
        (PortalAccountStatus::Active, Some("hash-3"))
    );
    assert!(store
        .find_portal_session(&other_session)
        .await
        .unwrap()
        .is_none());
}

pub async fn portal_sessions_name_their_account_until_they_end<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let first = invite(store, 1, "avery.collins@mail.example", 1).await;
    let second = invite(store, 2, "morgan.r@mail.example", 2).await;
    let (mine, theirs) = ("c".repeat(64), "d".repeat(64));
    let id = store
        .create_portal_session(first.account_id, &mine, T0)
        .await
        .unwrap();
    let other = store
        .create_portal_session(second.account_id, &theirs, T0)
        .await
        .unwrap();
    assert_ne!(id, other);
    let found = store.find_portal_session(&mine).await.unwrap().unwrap();
    assert_eq!((found.id, found.client_id), (first.account_id, 1));
    assert_eq!(found.username, "avery.collins@mail.example");
    store.end_portal_session(&mine, T0 + 1).await.unwrap();
    assert!(store.find_portal_session(&mine).await.unwrap().is_none());
    // Ending one sign-in leaves the others, and ending it again or an unknown one is harmless.
    assert!(store.find_portal_session(&theirs).await.unwrap().is_some());
    store.end_portal_session(&mine, T0 + 2).await.unwrap();
    store
        .end_portal_session(&"e".repeat(64), T0 + 2)
        .await
        .unwrap();
    assert!(store
        .find_portal_session(&"e".repeat(64))
        .await
        .unwrap()
        .is_none());
    // A secret's digest is one sign-in's only.
    let again = store
        .create_portal_session(second.account_id, &theirs, T0)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let unknown = store.create_portal_session(999, &"f".repeat(64), T0).await;
    assert!(unknown.is_err());
}

pub async fn the_latest_client_email_is_the_newest_of_the_kinds_asked_for<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    let invited = invite(store, 1, "avery.collins@mail.example", 1).await;
    let reset = issue(store, 1, "x", Purpose::PortalReset, 2).await.unwrap();
    let notice = portal_email(EmailKind::PortalPasswordChanged, "a@mail.example", T0 + 3);
    let audit = password_set(1);
    let done =
        store.complete_portal_password(reset.token_id, "hash", T0 + 3, Some(&notice), &audit);
    assert!(done.await.unwrap());
    invite(store, 2, "morgan.r@mail.example", 4).await;
    let latest = |kinds: &'static [EmailKind]| store.latest_email_for_client(1, kinds);
    let links = latest(&[EmailKind::PortalInvite, EmailKind::PortalReset]).await;
    assert_eq!(links.unwrap().unwrap().id, reset.email_id);
    let invitation = latest(&[EmailKind::PortalInvite]).await.unwrap().unwrap();
    assert_eq!(invitation.id, invited.email_id);
    let notice = latest(&[EmailKind::PortalPasswordChanged]).await.unwrap();
    assert_eq!(notice.unwrap().kind, EmailKind::PortalPasswordChanged);
    assert!(latest(&[EmailKind::StaffReset]).await.unwrap().is_none());
    let none = store
        .latest_email_for_client(3, &[EmailKind::PortalInvite])
        .await;
    assert!(none.unwrap().is_none());
}

pub async fn an_email_whose_portal_link_died_is_not_sent<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    practice(store).await;
    // Expired before it could be sent: the dispatcher sees a dead link, and expires it.
    let late = invite(store, 1, "avery.collins@mail.example", 1).await;
    let expired_at = T0 + 1 + LIFETIME;
    let dead = store
        .emails_with_dead_tokens(&[late.email_id], expired_at - 1)
        .await;
    assert!(dead.unwrap().is_empty());
    let claimed = claim(store, expired_at).await;
    assert_eq!(
        (claimed[0].id, claimed[0].token_live),
        (late.email_id, Some(false))
    );
    let dead = store
        .emails_with_dead_tokens(&[late.email_id], expired_at)
        .await;
    assert_eq!(dead.unwrap(), [late.email_id]);
    let gone = AuditEvent::new(
        T0,
        AuditAction::EmailExpired,
        AuditOutcome::Expired,
        "desk-1",
    );
    store
        .mark_email_expired(late.email_id, &gone)
        .await
        .unwrap();
    never_claimed_again(store).await;

    // Replaced while a dispatcher was sending it: once the lease runs out, the old email comes
    // back with its link dead and the new one's live.
    let sending = invite(store, 2, "morgan.r@mail.example", 2).await;
    let taken = claim(store, T0 + 2).await;
    assert_eq!(taken[0].token_live, Some(true));
    let newer = invite(store, 2, "morgan.r@mail.example", 3).await;
    let rows = store.list_emails("", 10).await.unwrap();
    let still = rows.iter().find(|r| r.id == sending.email_id).unwrap();
    assert_eq!(
        still.status,
        EmailStatus::Sending,
        "a claimed email is not unsent"
    );
    let again = claim(store, T0 + 2 + 1_001).await;
    let live = |id| again.iter().find(|e| e.id == id).unwrap().token_live;
    assert_eq!(live(sending.email_id), Some(false));
    assert_eq!(live(newer.email_id), Some(true));
    let asked = [sending.email_id, newer.email_id, 987_654];
    let dead = store.emails_with_dead_tokens(&asked, T0 + 1_004).await;
    assert_eq!(dead.unwrap(), [sending.email_id]);
}
