//! What the tests share: settings pointing at a test server, a reset email, and a dispatcher
//! over core's in-memory store with a manual clock.

use std::sync::Arc;

use mail_parser::MimeHeaders;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{EmailKind, EmailParams, EmailRecord, EmailStatus, NewEmail};
pub use vetdesk_core::ports::MailSecrets;
use vetdesk_core::ports::{SettingsStore, StaffStore, TokenStore};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{MailTransport as TransportChoice, Settings, SmtpSecurity};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::{MemoryStore, OutboxRow};
use vetdesk_core::time::{ManualClock, Millis, MINUTE};
use vetdesk_core::token::{self, NewToken, Purpose, Secrets};
use vetdesk_core::Role;
use vetdesk_mail::{
    Dispatcher, MailError, MailTransport, PreviewOutbox, Sensitive, SmtpOptions, SmtpTransport,
    TransportFactory,
};

pub const T0: Millis = 1_750_000_000_000;
pub const LINK: &str = "q7Vd0xk3Lr9PzW1mTt5bYc2HnJ8sEa4uFg6Ki0Oy-_Q";
pub const CODE: &str = "7KQ2M-XR4TD";
pub const SMTP_USER: &str = "frontdesk@harborview-clinic.example";
pub const SMTP_PASSWORD: &str = "pw-Harbor-7731-never-logged";

pub fn secrets() -> Secrets {
    Secrets {
        link: Some(LINK.into()),
        code: Some(CODE.into()),
    }
}

pub fn smtp_settings(host: &str, port: u16, security: SmtpSecurity, auth: bool) -> Settings {
    let mut settings = Settings::demo();
    settings.mail.transport = TransportChoice::Smtp;
    settings.mail.host = host.into();
    settings.mail.port = port;
    settings.mail.security = security;
    settings.mail.username = auth.then(|| SMTP_USER.to_string());
    settings.mail.has_password = auth;
    settings
}

pub fn reset_email(now: Millis) -> EmailRecord {
    EmailRecord {
        id: 0,
        kind: EmailKind::StaffReset,
        staff_id: Some(42),
        token_id: Some(9),
        token_live: Some(true),
        recipient: "receptionist@harborview-clinic.example".into(),
        recipient_name: "Test Receptionist".into(),
        subject: EmailKind::StaffReset.subject("Harborview Animal Clinic"),
        params: EmailParams {
            display_name: "Test Receptionist".into(),
            username: "receptionist".into(),
            expires_at: Some(now + 30 * MINUTE),
            requested_by: None,
        },
        sealed: None,
        status: EmailStatus::Queued,
        attempts: 0,
        created_at: now,
        sent_at: None,
        delivered_via: None,
        last_error: None,
    }
}

pub fn options_trusting(ca_pem: &str) -> SmtpOptions {
    SmtpOptions {
        extra_root_pem: Some(ca_pem.as_bytes().to_vec()),
    }
}

/// The SMTP password, and no DKIM key.
pub fn password() -> MailSecrets {
    MailSecrets {
        smtp_password: Some(Sensitive::new(SMTP_PASSWORD.to_string())),
        dkim_key: None,
    }
}

/// The decoded text/plain and text/html bodies of a message.
pub fn bodies(message: &mail_parser::Message<'_>) -> (String, String) {
    let body = |subtype: &str| {
        let found: Vec<String> = message
            .parts
            .iter()
            .filter(|p| {
                p.content_type()
                    .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some(subtype))
            })
            .map(|p| p.text_contents().unwrap().to_string())
            .collect();
        assert_eq!(found.len(), 1, "exactly one text/{subtype} part");
        found[0].clone()
    };
    (body("plain"), body("html"))
}

/// Builds an SMTP transport from the settings the dispatcher reads, as the app does.
pub struct SmtpFactory {
    pub secrets: MailSecrets,
    pub options: SmtpOptions,
}

impl TransportFactory for SmtpFactory {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        Ok(Arc::new(SmtpTransport::new(
            &settings.mail,
            self.secrets.clone(),
            &self.options,
        )?))
    }
}

/// Always the one preview outbox, whatever the settings say.
pub struct PreviewFactory(pub PreviewOutbox);

impl TransportFactory for PreviewFactory {
    fn transport(&self, _settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        Ok(Arc::new(self.0.clone()))
    }
}

pub const WORKSTATION: &str = "front-desk-1";
/// How long the reset tokens behind queued emails live.
pub const TOKEN_LIFETIME: Millis = 24 * 60 * MINUTE;

pub struct Harness {
    pub store: Arc<MemoryStore>,
    pub clock: Arc<ManualClock>,
    pub sealer: Arc<Sealer>,
    pub dispatcher: Arc<Dispatcher>,
    /// The receptionist every queued email goes to.
    pub staff_id: i64,
}

impl Harness {
    pub async fn new(settings: Settings, factory: SmtpFactory) -> Harness {
        Self::with(settings, Arc::new(factory), |d| d).await
    }

    /// Mail goes to `outbox` (as the demo clinic's preview when it shows secrets), and each
    /// round sweeps the folder.
    pub async fn previewing(outbox: PreviewOutbox) -> Harness {
        let factory = Arc::new(PreviewFactory(outbox.clone()));
        Self::with(Settings::demo(), factory, |d| d.sweeping(outbox)).await
    }

    /// Each claim holds for `lease` (a test cannot wait out the real one).
    pub async fn leased(settings: Settings, factory: SmtpFactory, lease: Millis) -> Harness {
        Self::with(settings, Arc::new(factory), |d| d.with_lease(lease)).await
    }

    async fn with(
        settings: Settings,
        factory: Arc<dyn TransportFactory>,
        finish: impl FnOnce(Dispatcher) -> Dispatcher,
    ) -> Harness {
        let store = Arc::new(MemoryStore::new());
        let staff_id = seed_clinic(store.as_ref(), &settings, T0).await;
        let clock = Arc::new(ManualClock::new(T0));
        let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
        let dispatcher = Arc::new(finish(Dispatcher::new(
            store.clone(),
            store.clone(),
            sealer.clone(),
            clock.clone(),
            factory,
            WORKSTATION.into(),
        )));
        Harness {
            store,
            clock,
            sealer,
            dispatcher,
            staff_id,
        }
    }

    /// Issues an admin reset for the receptionist and queues its email carrying sealed secrets,
    /// due now, as the flows do. Like a resend, it revokes the token of the previous one.
    pub async fn queue_reset(&self, edit: impl FnOnce(&mut NewEmail)) -> i64 {
        let record = reset_email(T0);
        let mut email = NewEmail {
            kind: record.kind,
            staff_id: Some(self.staff_id),
            recipient: record.recipient,
            recipient_name: record.recipient_name,
            subject: record.subject,
            params: record.params,
            sealed: Some(self.sealer.seal(&secrets()).unwrap()),
            created_at: T0,
        };
        edit(&mut email);
        let token = NewToken {
            staff_id: self.staff_id,
            purpose: Purpose::AdminReset,
            link_digest: None,
            code_digest: Some(token::digest(CODE)),
            created_at: T0,
            expires_at: T0 + TOKEN_LIFETIME,
        };
        let issued = AuditEvent::new(
            T0,
            AuditAction::AdminReset,
            AuditOutcome::Queued,
            WORKSTATION,
        );
        let issued = self.store.issue_token(&token, Some(&email), &issued);
        issued.await.unwrap().email_id.unwrap()
    }

    pub fn row(&self, id: i64) -> OutboxRow {
        self.store.email_row(id).expect("a queued email")
    }

    /// What the dispatcher wrote to the audit log, oldest first.
    pub fn audit(&self) -> Vec<AuditEvent> {
        let mut events = self.store.audit_events();
        events.retain(|e| {
            matches!(
                e.action,
                AuditAction::EmailSent | AuditAction::EmailFailed | AuditAction::EmailExpired
            )
        });
        events
    }
}

/// Saves `settings` and adds the receptionist the test emails go to; answers the receptionist's
/// id.
pub async fn seed_clinic<S: SettingsStore + StaffStore>(
    store: &S,
    settings: &Settings,
    now: Millis,
) -> i64 {
    let saved = AuditEvent::new(
        now,
        AuditAction::SettingsSaved,
        AuditOutcome::Ok,
        WORKSTATION,
    );
    store.save_settings(settings, &saved).await.unwrap();
    let receptionist = NewStaff {
        username: "receptionist".into(),
        display_name: "Test Receptionist".into(),
        role: Role::Receptionist,
        email: Some("receptionist@harborview-clinic.example".into()),
        status: StaffStatus::Active,
        password_hash: "not used here".into(),
    };
    store.insert_staff(&[receptionist], now).await.unwrap()[0]
}
