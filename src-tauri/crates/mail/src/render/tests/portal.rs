//! Mail to pet owners: the invitation, the portal reset and the "password changed" notice.

use super::*;

const CLINIC: &str = "Harborview Animal Clinic";
const CLINIC_URL: &str = "https://portal.harborview-clinic.example";

fn portal_settings() -> Settings {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some(format!("{CLINIC_URL}/"));
    settings
}

fn portal_email(kind: EmailKind) -> EmailRecord {
    let expires_at = match kind {
        EmailKind::PortalInvite => Some(NOW + 7 * 24 * 60 * MINUTE),
        EmailKind::PortalReset => Some(NOW + 60 * MINUTE),
        _ => None,
    };
    EmailRecord {
        id: 21,
        kind,
        staff_id: None,
        token_id: kind.carries_secrets().then_some(31),
        token_live: kind.carries_secrets().then_some(true),
        recipient: "ana.lima@mail.example".into(),
        recipient_name: "Ana Lima".into(),
        subject: kind.subject(CLINIC),
        params: EmailParams {
            display_name: "Ana Lima".into(),
            username: "ana.lima@mail.example".into(),
            expires_at,
            requested_by: None,
        },
        ..reset_email()
    }
}

fn portal_secrets() -> Secrets {
    Secrets {
        link: Some(LINK.into()),
        code: None,
    }
}

fn render_portal(email: &EmailRecord) -> Parts {
    let secrets = email.kind.carries_secrets().then(portal_secrets);
    parts(&render(email, secrets.as_ref(), &portal_settings(), NOW).unwrap())
}

/// What every email to a client says and leaves out: the clinic, its contact details, words
/// for a pet owner, and nothing of VetDesk, staff or codes.
fn assert_for_a_client(p: &Parts, kind: EmailKind) {
    for body in [&p.text, &p.html] {
        assert!(body.contains("Hello Ana Lima,"), "{kind:?}");
        assert!(body.contains(CLINIC), "{kind:?}");
        assert!(body.contains("patient portal"), "{kind:?}");
        assert!(body.contains("+1 555 0142"), "{kind:?}");
        assert!(body.contains("18 Wharf Street, Port Alder"), "{kind:?}");
        assert!(
            body.contains("frontdesk@harborview-clinic.example"),
            "{kind:?}"
        );
        assert!(!body.contains("VetDesk"), "{kind:?}: {body}");
        assert!(!body.contains("vetdesk://"), "{kind:?}");
        assert!(!body.contains("staff"), "{kind:?}");
        assert!(!body.to_lowercase().contains("code"), "{kind:?}");
    }
    assert!(!p.raw.contains("VetDesk"), "{kind:?}: not even in a header");
}

#[test]
fn portal_invite_names_the_username_and_links_to_the_portal_for_seven_days() {
    let email = portal_email(EmailKind::PortalInvite);
    let p = render_portal(&email);
    assert_for_a_client(&p, EmailKind::PortalInvite);
    let web = format!("{CLINIC_URL}/portal/set-password#token={LINK}");
    for body in [&p.text, &p.html] {
        assert!(body.contains("has created a patient portal account for you"));
        assert!(body.contains("Your username is your email address"));
        assert!(body.contains("ana.lima@mail.example"));
        assert!(body.contains(&web), "{body}");
        assert!(body.contains("This link expires in 7 days"));
        assert!(body.contains("ask Harborview Animal Clinic to send you a new invitation"));
    }
    assert!(p.html.contains(&format!("<a href=\"{web}\"")));
    assert!(p.html.contains(">Choose your password</a>"));
    assert!(p
        .raw
        .contains("Subject: Set up your Harborview Animal Clinic patient portal"));
}

#[test]
fn portal_reset_links_to_the_portal_for_sixty_minutes() {
    let email = portal_email(EmailKind::PortalReset);
    let p = render_portal(&email);
    assert_for_a_client(&p, EmailKind::PortalReset);
    let web = format!("{CLINIC_URL}/portal/set-password#token={LINK}");
    for body in [&p.text, &p.html] {
        assert!(body.contains("reset the password for your Harborview Animal Clinic patient"));
        assert!(body.contains(&web), "{body}");
        assert!(body.contains("This link expires in 60 minutes"));
        assert!(body.contains("your password has not changed"));
    }
    assert!(p.html.contains(">Choose a new password</a>"));
    for body in [&p.text, &p.html] {
        assert!(!body.contains("?token="), "no token in a query string");
    }
}

#[test]
fn portal_password_changed_says_whom_to_call() {
    let email = portal_email(EmailKind::PortalPasswordChanged);
    // A notice needs no web address; one without it still goes out.
    let mut settings = portal_settings();
    settings.clinic.clinic_url = None;
    let p = parts(&render(&email, None, &settings, NOW).unwrap());
    assert_for_a_client(&p, EmailKind::PortalPasswordChanged);
    for body in [&p.text, &p.html] {
        assert!(body.contains("A new password was just set for your Harborview Animal Clinic"));
        assert!(body.contains(
            "If this wasn't you, call Harborview Animal Clinic at +1 555 0142 right away."
        ));
        assert!(!body.contains("token="));
        assert!(!body.contains("expire"));
    }

    // Without a phone number, the clinic's email; without either, the clinic by name, never
    // an office manager a pet owner does not have.
    let mut settings = portal_settings();
    settings.clinic.phone = String::new();
    let p = parts(&render(&email, None, &settings, NOW).unwrap());
    assert!(p.text.contains(
        "If this wasn't you, contact Harborview Animal Clinic at \
         frontdesk@harborview-clinic.example right away."
    ));
    settings.clinic.email = String::new();
    let p = parts(&render(&email, None, &settings, NOW).unwrap());
    for body in [&p.text, &p.html] {
        assert!(body.contains("If this wasn't you, contact Harborview Animal Clinic right away."));
        assert!(!body.contains("office manager"));
    }
}

#[test]
fn portal_links_need_the_clinic_web_address() {
    let mut settings = portal_settings();
    settings.clinic.clinic_url = None;
    for kind in [EmailKind::PortalInvite, EmailKind::PortalReset] {
        let email = portal_email(kind);
        let err = render(&email, Some(&portal_secrets()), &settings, NOW).unwrap_err();
        assert!(matches!(err, MailError::NoClinicUrl), "{kind:?}: {err:?}");
        assert!(err.to_string().contains("clinic web address in Settings"));
        // A setting an admin can fix: the outbox tries again rather than giving up.
        assert!(!err.is_permanent());
        // The preview of a real clinic fails the same way: it shows what would be sent.
        let err = render_without_secrets(&email, &settings, NOW).unwrap_err();
        assert!(matches!(err, MailError::NoClinicUrl), "{kind:?}");
    }
}

#[test]
fn portal_links_need_their_link_and_carry_no_code() {
    for kind in [EmailKind::PortalInvite, EmailKind::PortalReset] {
        let email = portal_email(kind);
        let settings = portal_settings();
        let err = render(&email, None, &settings, NOW).unwrap_err();
        assert!(matches!(err, MailError::MissingSecrets), "{kind:?}");
        let with_code = Secrets {
            link: Some(LINK.into()),
            code: Some(CODE.into()),
        };
        assert!(render(&email, Some(&with_code), &settings, NOW).is_err());
        let code_only = Secrets {
            link: None,
            code: Some(CODE.into()),
        };
        assert!(render(&email, Some(&code_only), &settings, NOW).is_err());
    }
}

#[test]
fn portal_links_are_hidden_from_a_real_clinics_preview() {
    for kind in [EmailKind::PortalInvite, EmailKind::PortalReset] {
        let email = portal_email(kind);
        let rendered = render_without_secrets(&email, &portal_settings(), NOW).unwrap();
        let p = parts(&rendered);
        for body in [&p.text, &p.html] {
            assert!(body.contains(SECRET_PLACEHOLDER), "{kind:?}: {body}");
            assert!(!body.contains("token="), "{kind:?}");
            assert!(!body.contains(LINK), "{kind:?}");
            assert!(!body.contains("/portal/set-password"), "{kind:?}");
            assert!(body.contains("Hello Ana Lima,"));
        }
        assert!(
            !p.html.contains(">Choose"),
            "{kind:?}: no button without a link"
        );
    }
}

#[test]
fn portal_names_are_html_escaped() {
    for kind in [
        EmailKind::PortalInvite,
        EmailKind::PortalReset,
        EmailKind::PortalPasswordChanged,
    ] {
        let mut email = portal_email(kind);
        email.recipient_name = "<b>Rex & Co</b>".into();
        email.params.display_name = "<b>Rex & Co</b>".into();
        let mut settings = portal_settings();
        settings.clinic.name = "Paws <i>&</i> Claws".into();
        let secrets = kind.carries_secrets().then(portal_secrets);
        let rendered = render(&email, secrets.as_ref(), &settings, NOW).unwrap();
        let p = parts(&rendered);
        assert!(
            p.html
                .contains("Hello &lt;b&gt;Rex &amp; Co&lt;&#x2f;b&gt;,"),
            "{kind:?}"
        );
        assert!(p.html.contains("Paws &lt;i&gt;&amp;&lt;&#x2f;i&gt; Claws"));
        assert!(!p.html.contains("<b>Rex"), "{kind:?}");
        assert!(!p.html.contains("<i>&"), "{kind:?}");
        // The text part says it as written, and the To header carries the name intact.
        assert!(p.text.contains("Hello <b>Rex & Co</b>,"));
        let raw = rendered.message.formatted();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let to = parsed.to().unwrap().first().unwrap();
        assert_eq!(to.name(), Some("<b>Rex & Co</b>"));
        assert_eq!(to.address(), Some("ana.lima@mail.example"));
    }
}

#[test]
fn portal_names_with_line_breaks_cannot_add_headers() {
    for kind in [
        EmailKind::PortalInvite,
        EmailKind::PortalReset,
        EmailKind::PortalPasswordChanged,
    ] {
        let secrets = kind.carries_secrets().then(portal_secrets);
        for name in [
            "Ana Lima\r\nBcc: everyone@example.com",
            "Ana Lima\nBcc: everyone@example.com",
            "Ana Lima\rBcc: everyone@example.com",
        ] {
            let mut email = portal_email(kind);
            email.recipient_name = name.into();
            let err = render(&email, secrets.as_ref(), &portal_settings(), NOW).unwrap_err();
            assert!(
                matches!(
                    err,
                    MailError::InvalidHeader {
                        field: "Recipient name"
                    }
                ),
                "{kind:?}: {err:?}"
            );
            assert!(err.is_permanent());
        }
        // Nor can the clinic's name, which the subject carries.
        let mut email = portal_email(kind);
        email.subject = kind.subject("Harborview\r\nBcc: everyone@example.com");
        assert!(render(&email, secrets.as_ref(), &portal_settings(), NOW).is_err());
    }
}
