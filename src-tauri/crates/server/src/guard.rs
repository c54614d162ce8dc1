//! Refuses posts from other sites. Every post must carry `Origin` (browsers send it on every
//! POST) and come from the clinic's own pages.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::{origin_of, AppState};

/// Why a post was refused; logged, never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoOrigin,
    CrossSite,
    ForeignOrigin,
}

/// Whether a post with these headers comes from one of `allowed` (origins as
/// [`origin_of`] writes them).
///
/// The pages are served with `Referrer-Policy: no-referrer`, under which browsers send
/// `Origin: null` on a form's POST; `Sec-Fetch-Site`, which page scripts cannot set, then says
/// whether the post came from this site. Browsers too old to send `Sec-Fetch-Site` send the
/// real origin, which must be an allowed one.
pub fn check(headers: &HeaderMap, allowed: &[String]) -> Result<(), Refusal> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(origin) = text("origin") else {
        return Err(Refusal::NoOrigin);
    };
    let same_site_fetch = match text("sec-fetch-site") {
        Some("same-origin") => true,
        Some(_) => return Err(Refusal::CrossSite),
        None => false,
    };
    if same_site_fetch && origin == "null" {
        return Ok(());
    }
    match origin_of(origin) {
        Some(origin) if allowed.contains(&origin) => Ok(()),
        _ => Err(Refusal::ForeignOrigin),
    }
}

/// The middleware: GET and HEAD pass (they change nothing), every other method is checked.
pub async fn same_origin_posts(
    State(app): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let allowed = match app.allowed_origins().await {
        Ok(allowed) => allowed,
        Err(e) => {
            tracing::error!(error = %e, "the clinic settings could not be read");
            let site = app.site().await;
            return app.pages.problem(
                StatusCode::SERVICE_UNAVAILABLE,
                &site,
                "The clinic database did not answer",
                &e.to_string(),
            );
        }
    };
    match check(request.headers(), &allowed) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(?refusal, "a post from another site was refused");
            let site = app.site().await;
            app.pages.problem(
                StatusCode::FORBIDDEN,
                &site,
                "This form was sent from another site",
                "Nothing was changed. Open the clinic's page again, from the link in the email \
                 or the portal's address, and fill in the form there.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLINIC: &str = "https://portal.clinic.example";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    fn verdict(pairs: &[(&'static str, &str)]) -> Result<(), Refusal> {
        check(&headers(pairs), &[CLINIC.to_string()])
    }

    #[test]
    fn the_clinics_own_pages_may_post() {
        assert_eq!(verdict(&[("origin", CLINIC)]), Ok(()));
        assert_eq!(
            verdict(&[("origin", CLINIC), ("sec-fetch-site", "same-origin")]),
            Ok(())
        );
        assert_eq!(
            verdict(&[("origin", "null"), ("sec-fetch-site", "same-origin")]),
            Ok(())
        );
        assert_eq!(
            verdict(&[("origin", "https://PORTAL.clinic.example:443")]),
            Ok(())
        );
    }

    #[test]
    fn other_sites_and_missing_origins_are_refused() {
        assert_eq!(verdict(&[]), Err(Refusal::NoOrigin));
        assert_eq!(
            verdict(&[("sec-fetch-site", "same-origin")]),
            Err(Refusal::NoOrigin)
        );
        assert_eq!(
            verdict(&[("origin", "https://evil.example")]),
            Err(Refusal::ForeignOrigin)
        );
        assert_eq!(verdict(&[("origin", "null")]), Err(Refusal::ForeignOrigin));
        assert_eq!(
            verdict(&[("origin", "http://portal.clinic.example")]),
            Err(Refusal::ForeignOrigin)
        );
        for site in ["cross-site", "same-site", "none"] {
            assert_eq!(
                verdict(&[("origin", CLINIC), ("sec-fetch-site", site)]),
                Err(Refusal::CrossSite),
                "{site}"
            );
        }
        assert_eq!(
            verdict(&[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "same-origin")
            ]),
            Err(Refusal::ForeignOrigin)
        );
    }
}
