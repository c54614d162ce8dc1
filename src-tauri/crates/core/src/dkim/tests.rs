//! DKIM settings, keys and the DNS record derived from them.

use super::*;
use crate::testing::dkim::*;

fn dkim(domain: &str, selector: &str) -> DkimSettings {
    DkimSettings {
        domain: domain.into(),
        selector: selector.into(),
    }
}

const FROM: &str = "no-reply@harborview-clinic.example";

#[test]
fn domain_and_selector_are_normalized() {
    let checked = dkim(" Harborview-Clinic.EXAMPLE. ", "VetDesk1")
        .validated(FROM)
        .unwrap();
    assert_eq!(checked, dkim("harborview-clinic.example", "vetdesk1"));
    assert_eq!(
        checked.record_name(),
        "vetdesk1._domainkey.harborview-clinic.example"
    );
}

#[test]
fn the_from_address_must_be_in_the_dkim_domain() {
    // The same domain, or a parent of the From address's domain.
    assert!(dkim("harborview-clinic.example", "s1")
        .validated(FROM)
        .is_ok());
    assert!(dkim("harborview-clinic.example", "s1")
        .validated("no-reply@mail.harborview-clinic.example")
        .is_ok());
    for (domain, from) in [
        ("mailer.example", FROM),
        // A look-alike that merely ends with the same letters is not below it.
        ("clinic.example", "no-reply@harborview-clinic.example"),
        // A subdomain of the From domain does not speak for the From domain.
        ("mail.harborview-clinic.example", FROM),
    ] {
        let err = dkim(domain, "s1").validated(from).unwrap_err();
        assert_eq!(err.field(), Some("mail.dkim.domain"), "{domain} {from}");
        let message = err.to_string();
        assert!(message.contains("From address"), "{message}");
        assert!(
            message.contains("would not count the signature"),
            "{message}"
        );
    }
}

#[test]
fn bad_domains_and_selectors_are_refused_with_their_field() {
    for domain in [
        "",
        "localhost",
        "harborview clinic.example",
        "-clinic.example",
        "clinic-.example",
        "clinic..example",
        "clinic.example/x",
        "https://clinic.example",
        "clinic_mail.example",
        "clinic.example\r\nX: y",
        "clínica.example",
    ] {
        let err = dkim(domain, "s1").validated(FROM).unwrap_err();
        assert_eq!(err.field(), Some("mail.dkim.domain"), "{domain:?}");
    }
    let long_label = "a".repeat(64);
    for selector in [
        "",
        "s 1",
        "s.1",
        "-s1",
        "s1-",
        "s_1",
        long_label.as_str(),
        "s\n1",
    ] {
        let err = dkim("harborview-clinic.example", selector)
            .validated(FROM)
            .unwrap_err();
        assert_eq!(err.field(), Some("mail.dkim.selector"), "{selector:?}");
    }
}

#[test]
fn keys_in_pkcs8_and_pkcs1_are_the_same_key() {
    let pkcs8 = DkimKey::from_pem(RSA_2048_PKCS8).unwrap();
    let pkcs1 = DkimKey::from_pem(RSA_2048_PKCS1).unwrap();
    assert_eq!(pkcs8.bits(), 2048);
    assert_eq!(pkcs8.public_key_base64(), pkcs1.public_key_base64());
    // Pasted with Windows line endings and stray blank lines, it still reads.
    let pasted = format!("\r\n  {}\r\n", RSA_2048_PKCS8.replace('\n', "\r\n"));
    assert_eq!(
        DkimKey::from_pem(&pasted).unwrap().public_key_base64(),
        pkcs8.public_key_base64()
    );
}

#[test]
fn keys_round_trip_through_their_stored_forms() {
    let key = DkimKey::from_pem(RSA_2048_PKCS1).unwrap();
    let der = key.to_pkcs8_der().unwrap();
    // What the Windows credential store can hold: 2560 bytes.
    assert!(der.expose().len() < 2560, "{}", der.expose().len());
    let back = DkimKey::from_pkcs8_der(der.expose()).unwrap();
    assert_eq!(back.public_key_base64(), key.public_key_base64());
    let pem = key.to_pkcs8_pem();
    assert!(pem.expose().starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(key
        .to_pkcs1_pem()
        .expose()
        .starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(DkimKey::from_pkcs8_der(b"not a key").is_err());
}

#[test]
fn a_key_never_shows_in_debug_output() {
    let key = DkimKey::from_pem(RSA_2048_PKCS8).unwrap();
    assert_eq!(format!("{key:?}"), "DkimKey(2048 bits)");
    assert_eq!(format!("{:?}", key.to_pkcs8_pem()), "<redacted>");
}

#[test]
fn what_is_not_a_usable_private_key_is_refused_with_what_to_do() {
    let body_only: String = RSA_2048_PKCS8
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let truncated = &RSA_2048_PKCS8[..RSA_2048_PKCS8.len() / 2];
    let mut flipped = RSA_2048_PKCS1.to_string();
    // One character of the body changed: still base64, no longer the key.
    flipped.replace_range(200..201, if &flipped[200..201] == "A" { "B" } else { "A" });
    let oversized = "A".repeat(20_000);
    for (pasted, says) in [
        ("", "not a PEM private key"),
        ("hunter2", "not a PEM private key"),
        (body_only.as_str(), "not a PEM private key"),
        (truncated, "damaged or incomplete"),
        (flipped.as_str(), "damaged or incomplete"),
        (RSA_2048_PUBLIC, "That is the public key"),
        (RSA_2048_ENCRYPTED, "protected by a passphrase"),
        (ED25519, "not an RSA key"),
        (RSA_1024_PKCS8, "That key has 1024 bits"),
        (oversized.as_str(), "far too long"),
        (
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "certificate",
        ),
    ] {
        let err = DkimKey::from_pem(pasted).unwrap_err();
        assert_eq!(err.field(), Some("dkimKey"), "{says}");
        let message = err.to_string();
        assert!(message.contains(says), "{says}: {message}");
        // The refusal never repeats what was pasted.
        assert!(!message.contains("MII"), "{message}");
    }
}

#[test]
fn the_dns_record_publishes_the_public_key_as_openssl_derives_it() {
    let key = DkimKey::from_pem(RSA_2048_PKCS8).unwrap();
    let record = dkim_record(&dkim("harborview-clinic.example", "vetdesk1"), &key);
    assert_eq!(record.name, "vetdesk1._domainkey.harborview-clinic.example");
    assert_eq!(
        record.value,
        format!("v=DKIM1; k=rsa; p={}", RSA_2048_PUBLIC_BASE64.trim())
    );
}
