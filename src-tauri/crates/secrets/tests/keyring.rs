//! Against the real Secret Service: run inside `dbus-run-session` with an unlocked
//! gnome-keyring (the test command does this). Fails, never skips, when there is none.

#![allow(clippy::unwrap_used)]

use vetdesk_secrets::{Keyring, SecretStore, Sensitive};

#[test]
fn a_secret_round_trips_through_the_os_keyring() {
    let store = Keyring::new(format!("vetdesk-test-{}", std::process::id()));
    let value = Sensitive::new("smtp password \u{e9}\u{1F43E}".to_string());
    store
        .set("smtp-password", &value)
        .expect("Secret Service must be running for this test (see README: test command)");
    assert_eq!(store.get("smtp-password").unwrap(), Some(value));
    store.delete("smtp-password").unwrap();
    assert_eq!(store.get("smtp-password").unwrap(), None);
    store.delete("smtp-password").unwrap();
}

#[test]
fn bytes_round_trip_through_the_os_keyring() {
    let store = Keyring::new(format!("vetdesk-test-bytes-{}", std::process::id()));
    // Not UTF-8, and as long as a 4096-bit DKIM key in DER.
    let value = Sensitive::new(
        (0..2400u32)
            .map(|i| (i * 7 % 256) as u8)
            .collect::<Vec<_>>(),
    );
    store
        .set_bytes("dkim-key", &value)
        .expect("Secret Service must be running for this test (see README: test command)");
    assert_eq!(store.get_bytes("dkim-key").unwrap(), Some(value));
    store.delete("dkim-key").unwrap();
    assert_eq!(store.get_bytes("dkim-key").unwrap(), None);
}
