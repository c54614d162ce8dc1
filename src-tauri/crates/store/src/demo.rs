//! The demo clinic a fresh install opens on, and larger generated clinics for benchmarks.
//! Everything is fictional; email addresses use the reserved `.example` domain.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{NewClient, NewPet};
use vetdesk_core::ports::{ClientStore, Store, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::time::Millis;
use vetdesk_core::Role;

use crate::sqlite::{CountedTable, SqliteStore};

/// Every demo account signs in with this password (README lists the usernames).
pub const DEMO_PASSWORD: &str = "harbor demo login";
pub const DEMO_DOMAIN: &str = "harborview-clinic.example";

const FIRST: &[&str] = &[
    "Avery", "Morgan", "Dana", "Riley", "Jordan", "Casey", "Quinn", "Harper", "Rowan", "Emerson",
    "Sasha", "Elliot", "Noor", "Mateo", "Priya", "Kenji", "Amara", "Lucia", "Tomas", "Ingrid",
    "Farah", "Oskar", "Leila", "Nadia", "Ravi", "Elena", "Marcus", "Yara", "Hugo", "Zoe", "Ines",
    "Theo", "Maya", "Felix", "Anya", "Diego", "Clara", "Idris", "Mira", "Jonah",
];
const LAST: &[&str] = &[
    "Collins",
    "Reyes",
    "Patel",
    "Nakamura",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Hughes",
    "Kowalski",
    "Ferreira",
    "Haddad",
    "Brennan",
    "Svensson",
    "Castillo",
    "Mensah",
    "Novak",
    "Abbott",
    "Dubois",
    "Ivanova",
    "Murphy",
    "Tanaka",
    "Oyelaran",
    "Santos",
    "Fischer",
    "Kaur",
    "Walsh",
    "Rossi",
    "Nguyen",
    "Bergström",
    "Adeyemi",
    "Larsen",
    "O'Connell",
    "García",
    "Schmidt",
    "Yilmaz",
];
const STREETS: &[&str] = &[
    "Wharf Street",
    "Cedar Lane",
    "Harbor Road",
    "Maple Avenue",
    "Lighthouse Way",
    "Mill Street",
    "Orchard Close",
    "Birch Drive",
    "Kelp Terrace",
    "Ferry Lane",
    "Quarry Road",
    "Willow Court",
];
const DOGS: &[&str] = &[
    "Labrador Retriever",
    "Border Collie",
    "Dachshund",
    "Beagle",
    "German Shepherd",
    "Poodle",
    "Mixed breed",
    "Staffordshire Bull Terrier",
    "Golden Retriever",
    "Shiba Inu",
];
const CATS: &[&str] = &[
    "Domestic Shorthair",
    "Maine Coon",
    "Siamese",
    "Ragdoll",
    "Norwegian Forest Cat",
    "British Shorthair",
];
const PET_NAMES: &[&str] = &[
    "Biscuit", "Luna", "Pepper", "Milo", "Hazel", "Otis", "Juniper", "Mochi", "Scout", "Willow",
    "Bramble", "Tofu", "Ziggy", "Nala", "Pickles", "Clover", "Rufus", "Olive", "Waffles", "Sable",
];

/// The demo clinic's staff, each with `hash(DEMO_PASSWORD)`: the first five cover every role and
/// are the README's logins.
pub fn staff_roster<F>(hash: F) -> Vec<NewStaff>
where
    F: Fn(&str) -> String,
{
    let fixed = [
        ("admin", "Avery Collins", Role::Admin),
        ("mreyes", "Morgan Reyes", Role::OfficeManager),
        ("dpatel", "Dana Patel", Role::Veterinarian),
        ("rnakamura", "Riley Nakamura", Role::Technician),
        ("jokafor", "Jordan Okafor", Role::Receptionist),
        ("cadmin", "Casey Lindqvist", Role::Admin),
    ];
    let mut out: Vec<_> = fixed
        .iter()
        .map(|(u, n, r)| NewStaff {
            username: u.to_string(),
            display_name: n.to_string(),
            role: *r,
            email: Some(format!("{u}@{DEMO_DOMAIN}")),
            status: StaffStatus::Active,
            password_hash: hash(DEMO_PASSWORD),
        })
        .collect();
    let roles = [
        Role::Veterinarian,
        Role::Technician,
        Role::Receptionist,
        Role::Technician,
        Role::Receptionist,
        Role::OfficeManager,
    ];
    for i in 0..28 {
        let first = FIRST[(i * 7 + 5) % FIRST.len()];
        let last = LAST[(i * 11 + 3) % LAST.len()];
        let username = format!(
            "{}{}",
            first.chars().next().unwrap_or('x').to_ascii_lowercase(),
            last.to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>()
        );
        if out.iter().any(|s| s.username == username) {
            continue;
        }
        // A few accounts without an email and one disabled, as in any real clinic.
        let email = (i % 9 != 4).then(|| format!("{username}@{DEMO_DOMAIN}"));
        out.push(NewStaff {
            username,
            display_name: format!("{first} {last}"),
            role: roles[i % roles.len()],
            email,
            status: if i == 13 {
                StaffStatus::Disabled
            } else {
                StaffStatus::Active
            },
            password_hash: hash(DEMO_PASSWORD),
        });
    }
    out
}

/// Clients with pets, deterministic for a given seed.
pub fn clients(count: usize, seed: u64) -> Vec<NewClient> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            let first = FIRST[rng.gen_range(0..FIRST.len())];
            let last = LAST[rng.gen_range(0..LAST.len())];
            let plain_last: String = last
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect();
            let email = (rng.gen_ratio(9, 10))
                .then(|| format!("{}.{plain_last}{i}@mail.example", first.to_lowercase()));
            let pets = (0..rng.gen_range(1..=2))
                .map(|_| {
                    let dog = rng.gen_bool(0.55);
                    let breeds = if dog { DOGS } else { CATS };
                    NewPet {
                        name: PET_NAMES[rng.gen_range(0..PET_NAMES.len())].to_string(),
                        species: if dog { "Dog" } else { "Cat" }.to_string(),
                        breed: Some(breeds[rng.gen_range(0..breeds.len())].to_string()),
                    }
                })
                .collect();
            NewClient {
                first_name: first.to_string(),
                last_name: last.to_string(),
                email,
                // 555-0100 to 555-0199 are the numbers set aside for fiction in every area code.
                phone: Some(format!(
                    "+1 ({}) 555-01{:02}",
                    rng.gen_range(201..990),
                    rng.gen_range(0..100)
                )),
                address: Some(format!(
                    "{} {}, Port Alder",
                    rng.gen_range(1..300),
                    STREETS[rng.gen_range(0..STREETS.len())]
                )),
                pets,
            }
        })
        .collect()
}

/// Adds the demo clinic's staff and settings to any store. `hash` turns the demo password into a
/// stored hash (argon2 in the app; called once per account so every account has its own salt).
pub async fn seed_staff<S, F>(store: &S, now: Millis, hash: F) -> StoreResult<()>
where
    S: Store + ?Sized,
    F: Fn(&str) -> String,
{
    store.insert_staff(&staff_roster(hash), now).await?;
    let audit = AuditEvent::new(
        now,
        AuditAction::DemoClinicCreated,
        AuditOutcome::Ok,
        "setup",
    );
    store.save_settings(&Settings::demo(), &audit).await
}

/// Fills an empty database with the demo clinic: its staff and settings, and clients with pets.
pub async fn seed_if_empty<F>(store: &SqliteStore, now: Millis, hash: F) -> StoreResult<bool>
where
    F: Fn(&str) -> String,
{
    if store.count(CountedTable::Staff).await? > 0 {
        return Ok(false);
    }
    seed_staff(store, now, hash).await?;
    for chunk in clients(2_400, 7).chunks(500) {
        store.insert_clients(chunk, now).await?;
    }
    Ok(true)
}
