//! Web addresses an admin types (the clinic's URL, the breached-password service): parsed, not
//! pattern-matched, so that `http://localhost.evil.example` or `https://clinic@evil.example`
//! cannot pass for what they imitate.

use url::{Host, Url};

use crate::error::{CoreError, CoreResult};
use crate::validate::{self, Field};

/// Longer than any address a clinic would type.
const ADDRESS_MAX: usize = 300;

/// An https address (http only to this computer), without user name, password, query or
/// fragment, returned without a trailing slash. Empty is `None`.
pub(super) fn optional_web_address(
    field: Field,
    value: Option<String>,
) -> CoreResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let Some(text) = validate::optional_text(field, &value, ADDRESS_MAX)? else {
        return Ok(None);
    };
    let refuse = |why: &str| CoreError::invalid(field, format!("{} {why}", field.label));
    let url = Url::parse(&text)
        .map_err(|_| refuse("must be a full address like https://portal.clinic.example."))?;
    let local = url.host().is_some_and(|h| is_loopback(&h));
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if local => {}
        _ => {
            return Err(refuse(
                "must start with https:// (http:// only for localhost).",
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("cannot contain a user name or password."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("cannot contain ? or # parts."));
    }
    Ok(Some(url.as_str().trim_end_matches('/').to_string()))
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => *name == "localhost",
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: Field = Field::new("clinic.clinicUrl", "Clinic web address");

    fn parse(value: &str) -> CoreResult<Option<String>> {
        optional_web_address(URL, Some(value.to_string()))
    }

    #[test]
    fn https_and_local_http_addresses_pass_without_a_trailing_slash() {
        for (typed, kept) in [
            (
                "https://portal.clinic.example/",
                "https://portal.clinic.example",
            ),
            (
                "https://portal.clinic.example/vetdesk/",
                "https://portal.clinic.example/vetdesk",
            ),
            ("http://localhost:8080", "http://localhost:8080"),
            ("http://127.0.0.1:9999/range", "http://127.0.0.1:9999/range"),
            (
                "  HTTPS://Portal.Clinic.Example  ",
                "https://portal.clinic.example",
            ),
        ] {
            assert_eq!(parse(typed).unwrap().as_deref(), Some(kept), "{typed}");
        }
        assert_eq!(parse("   ").unwrap(), None);
        assert_eq!(optional_web_address(URL, None).unwrap(), None);
    }

    #[test]
    fn look_alikes_and_smuggled_parts_are_refused_with_the_field() {
        for hostile in [
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://evil.example",
            "https://clinic@evil.example",
            "https://clinic:secret@evil.example",
            "https://portal.clinic.example/?next=evil",
            "https://portal.clinic.example/#x",
            "javascript:alert(1)",
            "ftp://clinic.example",
            "portal.clinic.example",
            "https://",
            "https://portal clinic.example",
            "https://portal.clinic.example\r\nX: y",
        ] {
            let err = parse(hostile).unwrap_err();
            assert_eq!(err.field(), Some("clinic.clinicUrl"), "{hostile}");
        }
    }
}
