//! The demo clinic a fresh install opens on, and larger generated clinics for benchmarks.
//! Everything is fictional; email addresses use the reserved `.example` domain.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use vetdesk_core::ports::{Store, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::time::Millis;
use vetdesk_core::Role;

use crate::sqlite::{NewClient, NewPet, NewStaff, SqliteStore};

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

/// The demo clinic's staff: the first five cover every role and are the README's logins.
pub fn staff_roster() -> Vec<(String, String, Role, Option<String>, bool)> {
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
        .map(|(u, n, r)| {
            (
                u.to_string(),
                n.to_string(),
                *r,
                Some(format!("{u}@{DEMO_DOMAIN}")),
                true,
            )
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
        if out.iter().any(|s| s.0 == username) {
            continue;
        }
        // A few accounts without an email and one disabled, as in any real clinic.
        let email = (i % 9 != 4).then(|| format!("{username}@{DEMO_DOMAIN}"));
        out.push((
            username,
            format!("{first} {last}"),
            roles[i % roles.len()],
            email,
            i != 13,
        ));
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
                phone: Some(format!("+1 555 01{:02}", rng.gen_range(0..100))),
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

/// Fills an empty database with the demo clinic. `hash` turns the demo password into a stored
/// hash (argon2 in the app; called once per account so every account has its own salt).
pub async fn seed_if_empty<F>(store: &SqliteStore, now: Millis, hash: F) -> StoreResult<bool>
where
    F: Fn(&str) -> String,
{
    if store.staff_count().await? > 0 {
        return Ok(false);
    }
    let staff: Vec<NewStaff> = staff_roster()
        .into_iter()
        .map(|(username, display_name, role, email, active)| NewStaff {
            username,
            display_name,
            role,
            email,
            active,
            password_hash: hash(DEMO_PASSWORD),
        })
        .collect();
    store.insert_staff(&staff, now).await?;
    for chunk in clients(2_400, 7).chunks(500) {
        store.insert_clients(chunk, now).await?;
    }
    let audit = vetdesk_core::audit::AuditEvent::new(now, "demo_clinic_created", "ok", "setup");
    store.save_settings(&Settings::demo(), &audit).await?;
    Ok(true)
}
