//! The portal's sign-in cookie. It holds the session's secret (the database keeps only its
//! digest), and is sent only to the portal's own pages: `HttpOnly` so that no script reads it,
//! `SameSite=Strict` so that no other site's page or form carries it, `Path=/portal` so that the
//! staff pages never see it, and `Secure` whenever browsers reach the server over HTTPS.

use axum::http::{header, HeaderMap, HeaderValue};
use vetdesk_core::Sensitive;

pub const NAME: &str = "vetdesk_portal";

/// The session secret a request's cookie carries, if any.
pub fn read(headers: &HeaderMap) -> Option<Sensitive<String>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| Sensitive::new(value.trim_matches('"').to_string()))
}

/// `Set-Cookie` for a new sign-in. No expiry: the cookie ends with the browser session, and the
/// server ends the session itself on sign-out or a new password.
pub fn set(secret: &Sensitive<String>, secure: bool) -> Option<HeaderValue> {
    let value = format!("{NAME}={}; {}", secret.expose(), attributes(secure));
    HeaderValue::from_str(&value).ok()
}

/// `Set-Cookie` that removes the cookie from the browser.
pub fn clear(secure: bool) -> HeaderValue {
    let value = format!("{NAME}=; Max-Age=0; {}", attributes(secure));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn attributes(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("Path=/portal; HttpOnly; SameSite=Strict{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "theme=dark; other=1".parse().unwrap());
        assert!(read(&headers).is_none());
        headers.append(
            header::COOKIE,
            format!("a=b; {NAME}={SECRET}; c=d").parse().unwrap(),
        );
        assert_eq!(read(&headers).unwrap().expose(), SECRET);
        let mut prefixed = HeaderMap::new();
        prefixed.insert(header::COOKIE, format!("x{NAME}={SECRET}").parse().unwrap());
        assert!(read(&prefixed).is_none());
    }

    #[test]
    fn the_cookie_is_kept_from_scripts_other_sites_and_other_paths() {
        let set = set(&Sensitive::new(SECRET.into()), true).unwrap();
        assert_eq!(
            set.to_str().unwrap(),
            format!("{NAME}={SECRET}; Path=/portal; HttpOnly; SameSite=Strict; Secure")
        );
        let plain = super::set(&Sensitive::new(SECRET.into()), false).unwrap();
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert_eq!(
            clear(false).to_str().unwrap(),
            format!("{NAME}=; Max-Age=0; Path=/portal; HttpOnly; SameSite=Strict")
        );
    }
}
