//! What the pages' form handlers share: the per-client limit, the answer to a form that could
//! not be read, the refusal of a token in a query, and the page for the errors a form does not
//! handle itself.

use std::net::IpAddr;

use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use vetdesk_core::CoreError;

use crate::pages::Site;
use crate::state::AppState;

/// Counts a post against the client's limit; the page to answer instead when it is over.
pub async fn client_limit(
    app: &AppState,
    site: &Site,
    ip: IpAddr,
    unchanged: &str,
) -> Option<Response> {
    match app.over_client_limit(ip).await {
        Ok(None) => None,
        Ok(Some(wait)) => {
            let error = CoreError::Throttled {
                retry_after_secs: wait,
            };
            Some(trouble(app, site, error, unchanged))
        }
        Err(e) => Some(trouble(app, site, e, unchanged)),
    }
}

/// A post without its fields, too large, or of the wrong type. `fill_in` says what to do.
pub fn incomplete(
    app: &AppState,
    site: &Site,
    rejection: FormRejection,
    fill_in: &str,
) -> Response {
    let status = rejection.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "The form was larger than this page accepts. Open the link from the email again."
    } else {
        fill_in
    };
    app.pages
        .problem(status, site, "The form could not be read", message)
}

/// Whether a query carries a `token`: a link whose token someone moved out of the fragment.
/// Such a token is refused, not used: a query reaches server and proxy logs, history sync and
/// Referer headers, and accepting one would teach people to share such addresses.
pub fn has_query_token(query: Option<&str>) -> bool {
    query.is_some_and(|q| url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "token"))
}

/// Too many attempts, a database that did not answer, or anything else that went wrong;
/// `unchanged` tells the person what did not happen and what to do.
pub fn trouble(app: &AppState, site: &Site, error: CoreError, unchanged: &str) -> Response {
    match error {
        CoreError::Throttled { .. } => app.pages.problem(
            StatusCode::TOO_MANY_REQUESTS,
            site,
            "Too many attempts",
            &error.to_string(),
        ),
        CoreError::Store(_) => {
            tracing::error!(error = %error, "a form could not be handled");
            app.pages.problem(
                StatusCode::SERVICE_UNAVAILABLE,
                site,
                "The clinic database did not answer",
                &error.to_string(),
            )
        }
        _ => {
            tracing::error!(error = %error, "a form could not be handled");
            app.pages.problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                site,
                "Something went wrong",
                unchanged,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_anywhere_in_the_query_counts() {
        assert!(has_query_token(Some("token=abc")));
        assert!(has_query_token(Some("utm=1&token=")));
        assert!(!has_query_token(Some("tokens=1")));
        assert!(!has_query_token(None));
    }
}
