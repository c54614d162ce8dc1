//! Fixed DKIM keys for tests, made once with OpenSSL (`openssl genrsa`, `openssl pkey`). They sign
//! nothing but test messages; the public key's base64 comes from OpenSSL too, so that the core's
//! own derivation is checked against an independent one.

/// A 2048-bit RSA key in PKCS#8 PEM (`BEGIN PRIVATE KEY`).
pub const RSA_2048_PKCS8: &str = include_str!("dkim/rsa2048.pkcs8.pem");
/// The same key in PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`).
pub const RSA_2048_PKCS1: &str = include_str!("dkim/rsa2048.pkcs1.pem");
/// The same key's public half (`BEGIN PUBLIC KEY`).
pub const RSA_2048_PUBLIC: &str = include_str!("dkim/rsa2048.public.pem");
/// The same key's SubjectPublicKeyInfo DER in base64, as `openssl pkey -pubout -outform DER`
/// writes it.
pub const RSA_2048_PUBLIC_BASE64: &str = include_str!("dkim/rsa2048.public.b64");
/// A self-signed certificate for the same key (`openssl req -x509`): what an admin may paste by
/// mistake, having it beside the key.
pub const RSA_2048_CERTIFICATE: &str = include_str!("dkim/rsa2048.certificate.pem");
/// The same key, encrypted with the passphrase `secret`.
pub const RSA_2048_ENCRYPTED: &str = include_str!("dkim/rsa2048.encrypted.pem");
/// A 1024-bit RSA key: too short.
pub const RSA_1024_PKCS8: &str = include_str!("dkim/rsa1024.pkcs8.pem");
/// An Ed25519 key: not RSA.
pub const ED25519: &str = include_str!("dkim/ed25519.pem");
