//! A small clinic's staff for tests: one member in every role, one without an email and one
//! disabled, all with the same known password.

use std::sync::OnceLock;

use crate::error::StoreError;
use crate::ports::{StaffStore, StoreResult};
use crate::staff::{NewStaff, StaffRecord, StaffStatus};
use crate::time::Millis;
use crate::Role;

/// Every roster member's password.
pub const PASSWORD: &str = "tidepool anchor marigold 2291";

pub struct Roster {
    pub admin: StaffRecord,
    pub manager: StaffRecord,
    pub vet: StaffRecord,
    /// The technician, with no email on file.
    pub no_email: StaffRecord,
    pub receptionist: StaffRecord,
    /// A receptionist whose account is disabled.
    pub disabled: StaffRecord,
}

/// [`PASSWORD`]'s argon2 hash, made once per process: argon2 is slow on purpose.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| crate::password::hash(PASSWORD).expect("argon2 with fixed parameters"))
}

const PEOPLE: [(&str, &str, Role, Option<&str>, StaffStatus); 6] = [
    (
        "aokafor",
        "Ada Okafor",
        Role::Admin,
        Some("ada.okafor@harborview-clinic.example"),
        StaffStatus::Active,
    ),
    (
        "jlindqvist",
        "Jonas Lindqvist",
        Role::OfficeManager,
        Some("jonas.lindqvist@harborview-clinic.example"),
        StaffStatus::Active,
    ),
    (
        "dpatel",
        "Dana Patel",
        Role::Veterinarian,
        Some("dana.patel@harborview-clinic.example"),
        StaffStatus::Active,
    ),
    (
        "kmorales",
        "Kim Morales",
        Role::Technician,
        None,
        StaffStatus::Active,
    ),
    (
        "rnakamura",
        "Riley Nakamura",
        Role::Receptionist,
        Some("riley.nakamura@harborview-clinic.example"),
        StaffStatus::Active,
    ),
    (
        "sbrandt",
        "Sam Brandt",
        Role::Receptionist,
        Some("sam.brandt@harborview-clinic.example"),
        StaffStatus::Disabled,
    ),
];

impl Roster {
    /// Adds the roster to `store` and reads it back.
    pub async fn seed(store: &dyn StaffStore, now: Millis) -> StoreResult<Roster> {
        let new: Vec<NewStaff> = PEOPLE
            .iter()
            .map(|(username, name, role, email, status)| NewStaff {
                username: username.to_string(),
                display_name: name.to_string(),
                role: *role,
                email: email.map(str::to_string),
                status: *status,
                password_hash: password_hash().to_string(),
            })
            .collect();
        let mut records = Vec::with_capacity(new.len());
        for id in store.insert_staff(&new, now).await? {
            let record = store.get_staff(id).await?;
            records.push(record.ok_or_else(|| StoreError::Other("seeded staff missing".into()))?);
        }
        let [admin, manager, vet, no_email, receptionist, disabled] =
            <[StaffRecord; 6]>::try_from(records)
                .map_err(|_| StoreError::Other("the store did not seed six staff".into()))?;
        Ok(Roster {
            admin,
            manager,
            vet,
            no_email,
            receptionist,
            disabled,
        })
    }

    /// Everyone, in seeding order.
    pub fn all(&self) -> [&StaffRecord; 6] {
        [
            &self.admin,
            &self.manager,
            &self.vet,
            &self.no_email,
            &self.receptionist,
            &self.disabled,
        ]
    }
}
