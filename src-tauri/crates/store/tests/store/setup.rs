//! First run: the first admin and the clinic's settings, once, on an empty database.

use std::sync::Arc;

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::{ClinicDetails, FirstAdmin};
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::{ClinicBuilder, T0};
use vetdesk_core::Role;

use crate::backends::{demo_hash, seeded, StoreFactory};

const PASSWORD: &str = "lantern orbit pickle saxophone";

fn admin(username: &str) -> NewStaff {
    NewStaff {
        username: username.into(),
        display_name: "Noor Haddad".into(),
        role: Role::Admin,
        email: Some(format!("{username}@bayside-pets.example")),
        status: StaffStatus::Active,
        password_hash: demo_hash(),
    }
}

fn set_up() -> AuditEvent {
    AuditEvent::new(T0, AuditAction::ClinicSetUp, AuditOutcome::Ok, "desk-1")
}

async fn staff_count(store: &dyn Store) -> usize {
    store.list_staff("", 1000).await.unwrap().len()
}

pub async fn the_first_admin_comes_with_the_settings_and_only_into_an_empty_clinic<
    F: StoreFactory,
>() {
    let (store, _guard) = F::open().await;
    let mut settings = Settings::demo();
    settings.clinic.name = "Bayside Pet Hospital".into();
    let id = store
        .insert_first_admin(&admin("NHaddad"), &settings, &set_up())
        .await
        .unwrap()
        .expect("an empty clinic takes its first admin");
    let staff = store.get_staff(id).await.unwrap().unwrap();
    assert_eq!(
        (staff.username.as_str(), staff.role),
        ("nhaddad", Role::Admin)
    );
    assert_eq!(store.load_settings().await.unwrap(), Some(settings.clone()));
    let audit = store.list_audit("clinic_set_up", 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor.as_deref(), Some("Noor Haddad"));
    assert_eq!(audit[0].subject.as_deref(), Some("Noor Haddad"));

    let other = Settings::demo();
    let again = store
        .insert_first_admin(&admin("intruder"), &other, &set_up())
        .await
        .unwrap();
    assert_eq!(again, None);
    assert_eq!(staff_count(store.as_ref()).await, 1);
    assert_eq!(store.load_settings().await.unwrap(), Some(settings));
    assert_eq!(store.list_audit("", 10).await.unwrap().len(), 1);
}

pub async fn a_clinic_with_staff_takes_no_first_admin<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let before = staff_count(store.as_ref()).await;
    let events = store.list_audit("", 1000).await.unwrap().len();
    let refused = store
        .insert_first_admin(&admin("intruder"), &Settings::demo(), &set_up())
        .await
        .unwrap();
    assert_eq!(refused, None);
    assert_eq!(staff_count(store.as_ref()).await, before);
    assert!(store
        .find_staff_by_login("intruder")
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.list_audit("", 1000).await.unwrap().len(), events);
}

pub async fn parallel_first_admins_leave_exactly_one<F: StoreFactory>() {
    let (store, _guard) = F::open().await;
    let tries = (0..12).map(|i| {
        let store: Arc<dyn Store> = store.clone();
        tokio::spawn(async move {
            store
                .insert_first_admin(&admin(&format!("admin{i}")), &Settings::demo(), &set_up())
                .await
                .unwrap()
        })
    });
    let mut winners = 0;
    for t in tries.collect::<Vec<_>>() {
        winners += usize::from(t.await.unwrap().is_some());
    }
    assert_eq!(winners, 1);
    assert_eq!(staff_count(store.as_ref()).await, 1);
    assert_eq!(
        store.list_audit("clinic_set_up", 20).await.unwrap().len(),
        1
    );
}

pub async fn setup_signs_the_new_admin_in_and_a_second_setup_is_refused<F: StoreFactory>() {
    let (store, _guard) = F::open().await;
    let clinic = ClinicBuilder::new(store.clone()).build();
    let flows = &clinic.recovery;
    let details = ClinicDetails {
        name: "Bayside Pet Hospital".into(),
        phone: String::new(),
        email: "desk@bayside-pets.example".into(),
        address: String::new(),
    };
    let me = FirstAdmin {
        display_name: "Noor Haddad".into(),
        username: "nhaddad".into(),
        email: "noor@bayside-pets.example".into(),
    };
    assert!(flows.setup_needed().await.unwrap());
    let (session, info) = flows
        .setup_clinic(details.clone(), me.clone(), PASSWORD, PASSWORD, "desk-1")
        .await
        .unwrap();
    assert_eq!(
        flows.actor(Some(session), "desk-1").await.unwrap().id,
        info.staff_id
    );
    assert!(!flows.setup_needed().await.unwrap());
    flows.login("nhaddad", PASSWORD, "desk-1").await.unwrap();
    let again = flows
        .setup_clinic(details, me, PASSWORD, PASSWORD, "desk-2")
        .await;
    assert!(again.is_err());
    assert_eq!(staff_count(store.as_ref()).await, 1);
}
