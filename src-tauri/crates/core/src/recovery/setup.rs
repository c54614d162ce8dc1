//! First run of a real clinic: its details and its first admin, written together and only while
//! the database has no staff at all; then the new admin is signed in.

use serde::Deserialize;

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::policy::{PasswordPolicy, DEFAULT_MIN_LENGTH};
use crate::session::SessionSettings;
use crate::settings::{
    fields, ClinicSettings, Lifetimes, MailSettings, MailTransport, Settings, SmtpSecurity,
};
use crate::staff::{NewStaff, SessionInfo, StaffStatus};
use crate::validate::{self, Field};
use crate::Role;

use super::Recovery;

const ADMIN_NAME: Field = Field::new("admin.displayName", "Your name");
const ADMIN_USERNAME: Field = Field::new("admin.username", "Username");
const ADMIN_EMAIL: Field = Field::new("admin.email", "Your email");

/// Said to a second setup: a clinic is set up once.
pub const ALREADY_SET_UP: &str =
    "This clinic is already set up. Sign in, or ask one of its admins for an account.";

/// The clinic as the Set up your clinic form has it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClinicDetails {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// The person setting up the clinic, who becomes its first admin.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FirstAdmin {
    pub display_name: String,
    pub username: String,
    pub email: String,
}

fn already_set_up() -> CoreError {
    CoreError::Forbidden(ALREADY_SET_UP.into())
}

impl Recovery {
    /// Whether the database has no staff yet, so the app asks to set up the clinic.
    pub async fn setup_needed(&self) -> CoreResult<bool> {
        Ok(self.store.list_staff("", 1).await?.is_empty())
    }

    /// Checks every field and the password, then creates the admin, the clinic's settings and
    /// the audit event in one transaction, and signs the admin in.
    pub async fn setup_clinic(
        &self,
        clinic: ClinicDetails,
        admin: FirstAdmin,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<(i64, SessionInfo)> {
        // Said before any field is judged; the insert below is what makes it race-free.
        if !self.setup_needed().await? {
            return Err(already_set_up());
        }
        let settings = new_clinic_settings(clinic)?;
        let display_name = validate::text(ADMIN_NAME, &admin.display_name, validate::NAME_MAX)?;
        let username = validate::new_username(ADMIN_USERNAME, &admin.username)?;
        let email = validate::email(ADMIN_EMAIL, &admin.email)?;
        PasswordPolicy::new(settings.password_min_length).check(
            password,
            confirm,
            &[
                &settings.clinic.name,
                &username,
                &display_name,
                &email,
                "vetdesk",
            ],
        )?;
        let admin = NewStaff {
            username,
            display_name,
            role: Role::Admin,
            email: Some(email),
            status: StaffStatus::Active,
            password_hash: self.hashing.hash(password.to_string()).await?,
        };
        let event = self.audit(AuditAction::ClinicSetUp, AuditOutcome::Ok, ws);
        let id = self
            .store
            .insert_first_admin(&admin, &settings, &event)
            .await?
            .ok_or_else(already_set_up)?;
        let staff = self
            .store
            .get_staff(id)
            .await?
            .ok_or(CoreError::NotFound("The new admin"))?;
        self.open_session(&staff, ws).await
    }
}

/// A real clinic's first settings: mail goes to the preview outbox until an admin sets up SMTP,
/// and is sent from and answered at the clinic's email.
fn new_clinic_settings(clinic: ClinicDetails) -> CoreResult<Settings> {
    let settings = Settings {
        clinic: ClinicSettings {
            name: clinic.name.clone(),
            phone: clinic.phone,
            email: clinic.email.clone(),
            address: clinic.address,
            clinic_url: None,
        },
        mail: MailSettings {
            transport: MailTransport::Preview,
            host: String::new(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: None,
            from_name: clinic.name,
            from_address: clinic.email.clone(),
            reply_to: Some(clinic.email),
            has_password: false,
            dkim: None,
        },
        sessions: SessionSettings::default(),
        lifetimes: Lifetimes::default(),
        password_min_length: DEFAULT_MIN_LENGTH,
        breach_check_url: None,
    };
    settings.validated().map_err(|e| match e.field() {
        // The from-address is the clinic's email, which the form asks for under its own name.
        Some(key) if key == fields::FROM_ADDRESS.key => CoreError::invalid(
            fields::CLINIC_EMAIL,
            "Clinic email is required: the clinic's emails are sent from it.",
        ),
        _ => e,
    })
}
