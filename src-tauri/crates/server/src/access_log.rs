//! One log line per request: method, route, status and latency. Never the query, a header or
//! the body: a reset token or a password travels in a body, and a mistyped link may put one in
//! a query or a path.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

pub async fn log_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The route's pattern, not the path as sent: a path that matches no route is whatever the
    // client wrote, and is not repeated.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".to_owned());
    let response = next.run(request).await;
    tracing::info!(
        target: "vetdesk_server::access",
        %method,
        path = %route,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
