//! The whole web application: one router per area, and the layers every response passes through.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::Response;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;
use crate::{access_log, assets, guard, health, portal, staff_reset};

/// Request bodies larger than this are refused with 413: every form is well under 1 KiB.
pub const BODY_LIMIT: usize = 16 * 1024;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// The routes and their layers. Every page, the portal's included, passes the same guards and
/// carries the same headers.
pub fn router(state: AppState) -> Router {
    let security_headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Pages may carry a name, an email address and a token in a hidden field; nothing is
        // kept by a browser or a proxy cache.
        (header::CACHE_CONTROL, "no-store"),
    ];
    let mut app = Router::new()
        .merge(staff_reset::router())
        .merge(portal::router())
        .merge(health::router())
        .merge(assets::router())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::same_origin_posts,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.layer(middleware::from_fn(access_log::log_requests))
        .with_state(state)
}

async fn not_found(State(app): State<AppState>) -> Response {
    let site = app.site().await;
    app.pages.problem(
        StatusCode::NOT_FOUND,
        &site,
        "Page not found",
        "This address is not a page of the clinic's VetDesk server. Open the link from the email \
         again.",
    )
}
