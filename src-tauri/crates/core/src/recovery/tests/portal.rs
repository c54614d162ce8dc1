//! Clients and the paw icon: who may look and who may send, invitations and portal resets, the
//! client's email, and what the portal's set-password page and sign-in do with the link.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::client::{ClientFilter, NewClient, NewPet, PortalStatus};
use crate::error::{CoreError, ErrorCode};
use crate::outbox::{EmailKind, EmailStatus};
use crate::ports::{ClientStore, PortalStore, SettingsStore};
use crate::settings::Settings;
use crate::testing::T0;
use crate::time::{MINUTE, SECOND};
use crate::Role;

use super::{clinic, Clinic, NEW_PASSWORD, WS};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";

struct Clients {
    c: Clinic,
    /// Has an email and no portal account.
    maya: i64,
    /// No email on file.
    omar: i64,
    /// A second client sharing nothing with the first.
    lena: i64,
}

fn client(first: &str, last: &str, email: Option<&str>, phone: &str, pet: &str) -> NewClient {
    NewClient {
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(Into::into),
        phone: Some(phone.into()),
        address: None,
        pets: vec![NewPet {
            name: pet.into(),
            species: "Dog".into(),
            breed: None,
        }],
    }
}

/// The roster clinic with a clinic URL and three clients.
async fn clients() -> Clients {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some(CLINIC_URL.into());
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, WS);
    c.db.save_settings(&settings, &saved).await.unwrap();
    let ids =
        c.db.insert_clients(
            &[
                client(
                    "Maya",
                    "Reyes",
                    Some("maya.reyes@mail.example"),
                    "(555) 010-2030",
                    "Biscuit",
                ),
                client("Omar", "Haddad", None, "555 010 4050", "Pepper"),
                client(
                    "Lena",
                    "Vogel",
                    Some("lena.vogel@mail.example"),
                    "+1 555 010 6070",
                    "Rex",
                ),
            ],
            T0,
        )
        .await
        .unwrap();
    Clients {
        c,
        maya: ids[0],
        omar: ids[1],
        lena: ids[2],
    }
}

impl Clients {
    /// The link in the newest portal email to `client_id`, opened as the dispatcher would.
    fn mailed_link(&self, client_id: i64) -> String {
        let kinds = [EmailKind::PortalInvite, EmailKind::PortalReset];
        let row = self
            .c
            .emails()
            .into_iter()
            .rev()
            .find(|r| kinds.contains(&r.record.kind) && r.client_id == Some(client_id))
            .expect("a portal email was queued");
        let sealed = row.record.sealed.expect("portal links travel sealed");
        let secrets = self.c.t.sealer.open(&sealed).unwrap();
        assert_eq!(secrets.code, None, "portal emails carry no code");
        secrets.link.expect("a link")
    }
}

#[tokio::test]
async fn everyone_may_look_clients_up_but_only_the_front_desk_roles_send() {
    let Clients { c, maya, .. } = clients().await;
    let s = &c.staff;
    for actor in [&s.admin, &s.manager, &s.vet, &s.no_email, &s.receptionist] {
        let page = c
            .search_clients(actor, "reyes", ClientFilter::All, None)
            .await
            .unwrap();
        assert_eq!(page.rows.len(), 1, "{:?}", actor.role);
        let profile = c.client_profile(actor, maya).await.unwrap();
        assert_eq!(profile.can_send, actor.role.can_act_on_portal());
    }
    for actor in [&s.vet, &s.no_email] {
        let refused = c.send_portal_link(&c.at_desk(actor).await, maya, WS).await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{refused:?}"
        );
        let refused = c
            .set_client_email(&c.at_desk(actor).await, maya, "x@mail.example", WS)
            .await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{refused:?}"
        );
    }
    assert!(c.emails().is_empty());
    for (actor, role) in [
        (&s.admin, Role::Admin),
        (&s.manager, Role::OfficeManager),
        (&s.receptionist, Role::Receptionist),
    ] {
        assert_eq!(actor.role, role);
        c.advance(61 * SECOND);
        c.send_portal_link(&c.at_desk(actor).await, maya, WS)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_paw_invites_a_new_client_and_the_link_sets_the_first_password() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    let sent = c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    assert!(sent.invitation);
    assert_eq!(sent.message, "Email is not set up, so the patient-portal email for m•••@mail.example was written to the preview outbox and not sent. Set up email in Settings › Mail.");
    let profile = c.client_profile(&desk, x.maya).await.unwrap();
    assert_eq!(profile.portal.status, PortalStatus::Invited);
    assert_eq!(
        profile.portal.invite_expires_at,
        Some(T0 + 7 * 24 * 60 * MINUTE)
    );
    let last = profile.last_email.expect("the invitation shows");
    assert!(last.invitation);
    assert_eq!(last.delivery.status, EmailStatus::Queued);
    assert_eq!(profile.resend_available_at, Some(T0 + 60 * SECOND));

    let link = x.mailed_link(x.maya);
    // Opening the link (a mail scanner does) uses nothing up.
    for _ in 0..3 {
        let target = c.check_portal_link(&link).await.unwrap();
        assert!(target.invitation);
        assert_eq!(target.greeting_name, "Maya");
        assert_eq!(target.username, "maya.reyes@mail.example");
    }
    let weak = c
        .complete_portal_password(&link, "maya reyes", "maya reyes", WS)
        .await;
    assert!(matches!(weak, Err(CoreError::WeakPassword(_))), "{weak:?}");
    c.complete_portal_password(&link, NEW_PASSWORD, NEW_PASSWORD, WS)
        .await
        .unwrap();
    let again = c
        .complete_portal_password(&link, NEW_PASSWORD, NEW_PASSWORD, WS)
        .await;
    assert!(matches!(again, Err(CoreError::TokenInvalid)));
    assert!(matches!(
        c.check_portal_link(&link).await,
        Err(CoreError::TokenInvalid)
    ));
    let profile = c.client_profile(&desk, x.maya).await.unwrap();
    assert_eq!(profile.portal.status, PortalStatus::Active);
    assert_eq!(profile.portal.invite_expires_at, None);
    let notice = c.emails().into_iter().last().unwrap();
    assert_eq!(notice.record.kind, EmailKind::PortalPasswordChanged);
    assert_eq!(notice.record.recipient, "maya.reyes@mail.example");
    assert!(notice.record.sealed.is_none());

    let signed_in = c
        .portal_sign_in(
            "Maya.Reyes@mail.example",
            NEW_PASSWORD,
            "web:203.0.113.9",
            WS,
        )
        .await
        .unwrap();
    assert_eq!(signed_in.account.client_id, x.maya);
    let session = c
        .portal_session(signed_in.secret.expose())
        .await
        .unwrap()
        .expect("the session is open");
    assert_eq!(session.client_id, x.maya);
    c.portal_sign_out(signed_in.secret.expose()).await.unwrap();
    assert!(c
        .portal_session(signed_in.secret.expose())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_registered_client_gets_a_reset_link_that_ends_their_portal_sessions() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    let invite = x.mailed_link(x.maya);
    c.complete_portal_password(&invite, NEW_PASSWORD, NEW_PASSWORD, WS)
        .await
        .unwrap();
    let before = c
        .portal_sign_in(
            "maya.reyes@mail.example",
            NEW_PASSWORD,
            "web:203.0.113.9",
            WS,
        )
        .await
        .unwrap();

    c.advance(61 * SECOND);
    let sent = c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    assert!(!sent.invitation);
    let reset = x.mailed_link(x.maya);
    let target = c.check_portal_link(&reset).await.unwrap();
    assert!(!target.invitation);
    assert_eq!(target.expires_at, c.t.now() + 60 * MINUTE);
    let newer = "quartz meadow lantern violin";
    c.complete_portal_password(&reset, newer, newer, WS)
        .await
        .unwrap();
    assert!(c
        .portal_session(before.secret.expose())
        .await
        .unwrap()
        .is_none());
    let old = c
        .portal_sign_in(
            "maya.reyes@mail.example",
            NEW_PASSWORD,
            "web:203.0.113.9",
            WS,
        )
        .await;
    assert!(matches!(old, Err(CoreError::InvalidCredentials)));
    c.portal_sign_in("maya.reyes@mail.example", newer, "web:203.0.113.9", WS)
        .await
        .unwrap();
    assert_eq!(
        c.outcomes(AuditAction::PortalReset),
        vec![AuditOutcome::Queued]
    );
}

#[tokio::test]
async fn a_portal_link_expires_and_a_newer_one_replaces_it() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    let first = x.mailed_link(x.maya);
    c.advance(61 * SECOND);
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    let second = x.mailed_link(x.maya);
    assert_ne!(first, second);
    assert!(matches!(
        c.check_portal_link(&first).await,
        Err(CoreError::TokenInvalid)
    ));
    assert_eq!(c.emails()[0].record.status, EmailStatus::Expired);
    assert!(
        c.emails()[0].record.sealed.is_none(),
        "a dead link's secret is dropped"
    );
    c.advance(7 * 24 * 60 * MINUTE);
    let expired = c
        .complete_portal_password(&second, NEW_PASSWORD, NEW_PASSWORD, WS)
        .await;
    assert!(matches!(expired, Err(CoreError::TokenInvalid)));
    for bad in ["", "short", &"x".repeat(43), &format!("{second}\n\r")] {
        assert!(matches!(
            c.check_portal_link(bad).await,
            Err(CoreError::TokenInvalid)
        ));
    }
}

#[tokio::test]
async fn resends_wait_sixty_seconds() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    c.advance(30 * SECOND);
    let err = c.send_portal_link(&desk, x.maya, WS).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResendTooSoon);
    assert_eq!(err.retry_after_secs(), Some(30));
    assert_eq!(c.emails().len(), 1);
}

#[tokio::test]
async fn a_client_without_email_gets_one_added_then_the_invitation() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    let err = c.send_portal_link(&desk, x.omar, WS).await.unwrap_err();
    assert!(matches!(err, CoreError::NoEmail(_)));
    assert_eq!(
        err.to_string(),
        "This client has no email address. Add one to send the patient-portal email."
    );
    for bad in [
        "",
        "omar",
        "omar@",
        "omar@mail",
        "omar@mail.example\r\nBcc: x@y.example",
    ] {
        let refused = c.set_client_email(&desk, x.omar, bad, WS).await;
        assert_eq!(refused.unwrap_err().field(), Some("email"), "{bad:?}");
    }
    let profile = c
        .set_client_email(&desk, x.omar, " Omar.Haddad@Mail.Example ", WS)
        .await
        .unwrap();
    assert_eq!(profile.email.as_deref(), Some("Omar.Haddad@mail.example"));
    let sent = c.send_portal_link(&desk, x.omar, WS).await.unwrap();
    assert_eq!(sent.masked_email, "O•••@mail.example");
    assert_eq!(
        c.outcomes(AuditAction::ClientEmailChanged),
        vec![AuditOutcome::Ok]
    );
}

#[tokio::test]
async fn an_email_already_used_by_another_portal_account_is_refused_with_what_to_do() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    let before = c.emails().len();
    let err = c
        .set_client_email(&desk, x.omar, "maya.reyes@mail.example", WS)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("email"));
    assert!(
        err.to_string()
            .contains("already signs in to the patient portal for another client"),
        "{err}"
    );
    // The same address entered outside VetDesk (an import) is caught at the paw.
    c.db.update_client_email(
        x.lena,
        Some("MAYA.REYES@mail.example"),
        T0,
        &AuditEvent::new(T0, AuditAction::ClientEmailChanged, AuditOutcome::Ok, WS),
    )
    .await
    .unwrap();
    let err = c.send_portal_link(&desk, x.lena, WS).await.unwrap_err();
    assert_eq!(err.field(), Some("email"));
    assert_eq!(c.emails().len(), before);
    assert!(c.db.portal_account_of(x.lena).await.unwrap().is_none());
}

#[tokio::test]
async fn changing_an_email_needs_the_password_and_kills_the_pending_link() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    c.send_portal_link(&desk, x.maya, WS).await.unwrap();
    let link = x.mailed_link(x.maya);
    c.advance(6 * MINUTE);
    let stale = c.at_desk(&c.staff.receptionist).await;
    c.advance(6 * MINUTE);
    let refused = c
        .set_client_email(&stale, x.maya, "maya@new.example", WS)
        .await;
    assert!(
        matches!(refused, Err(CoreError::ReauthRequired)),
        "{refused:?}"
    );
    let fresh = c.at_desk(&c.staff.receptionist).await;
    c.set_client_email(&fresh, x.maya, "maya@new.example", WS)
        .await
        .unwrap();
    assert!(matches!(
        c.check_portal_link(&link).await,
        Err(CoreError::TokenInvalid)
    ));
    let account = c.db.portal_account_of(x.maya).await.unwrap().unwrap();
    assert_eq!(account.username, "maya@new.example");
    let token = c.db.live_portal_token(x.maya, c.t.now()).await.unwrap();
    assert!(token.is_none());
}

#[tokio::test]
async fn the_paw_needs_the_clinic_url_for_its_link() {
    let c = clinic().await;
    let ids =
        c.db.insert_clients(
            &[client(
                "Ana",
                "Lima",
                Some("ana@mail.example"),
                "555",
                "Tom",
            )],
            T0,
        )
        .await
        .unwrap();
    let desk = c.at_desk(&c.staff.receptionist).await;
    let err = c.send_portal_link(&desk, ids[0], WS).await.unwrap_err();
    assert!(matches!(err, CoreError::NotConfigured(_)));
    assert!(err.to_string().contains("Settings › Clinic"), "{err}");
    assert!(c.emails().is_empty());
}

#[tokio::test]
async fn unknown_clients_and_bad_queries_get_clear_answers() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    let missing = c.client_profile(&desk, 999_999).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let missing = c.send_portal_link(&desk, -1, WS).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let huge = "a".repeat(10_000);
    let refused = c
        .search_clients(&desk, &huge, ClientFilter::All, None)
        .await;
    assert_eq!(refused.unwrap_err().code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn search_finds_each_kind_and_pages_with_a_cursor() {
    let x = clients().await;
    let c = &x.c;
    let desk = &c.staff.vet;
    let find = |q: &'static str| async move {
        c.search_clients(desk, q, ClientFilter::All, None)
            .await
            .unwrap()
            .rows
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(find("maya").await, vec![x.maya]);
    assert_eq!(find("HADDAD").await, vec![x.omar]);
    assert_eq!(find("lena vogel").await, vec![x.lena]);
    assert_eq!(find("lena.vogel@").await, vec![x.lena]);
    assert_eq!(find("pepper").await, vec![x.omar]);
    assert_eq!(find("555-010-40").await, vec![x.omar]);
    assert_eq!(find("(555) 0102").await, vec![x.maya]);
    // Typed without the clinic's country code (+1), stored with it.
    assert_eq!(find("555 010 60").await, vec![x.lena]);

    let many: Vec<NewClient> = (0..250)
        .map(|i| client("Pat", &format!("Zed{i:03}"), None, "", "Tom"))
        .collect();
    c.db.insert_clients(&many, T0).await.unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = c
            .search_clients(desk, "zed", ClientFilter::All, after)
            .await
            .unwrap();
        seen.extend(page.rows.iter().map(|r| r.last_name.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..250).map(|i| format!("Zed{i:03}")).collect();
    assert_eq!(seen, expected);

    let reachable = c
        .search_clients(desk, "", ClientFilter::NotRegisteredWithEmail, None)
        .await
        .unwrap();
    let ids: Vec<i64> = reachable.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![x.maya, x.lena]);
}

#[tokio::test]
async fn an_address_on_file_that_is_no_address_is_refused_before_anything_is_written() {
    let x = clients().await;
    let c = &x.c;
    let desk = c.at_desk(&c.staff.receptionist).await;
    let imported = AuditEvent::new(T0, AuditAction::ClientEmailChanged, AuditOutcome::Ok, WS);
    for bad in [
        "maya@mail",
        "maya@mail.example\r\nBcc: all@mail.example",
        "no address",
    ] {
        c.db.update_client_email(x.maya, Some(bad), T0, &imported)
            .await
            .unwrap();
        let err = c.send_portal_link(&desk, x.maya, WS).await.unwrap_err();
        assert_eq!(err.field(), Some("email"), "{bad:?}");
        assert!(err.to_string().contains("not a valid address"), "{err}");
    }
    assert!(c.emails().is_empty());
    assert!(c.db.portal_account_of(x.maya).await.unwrap().is_none());
}
