//! The one stylesheet and the one script, compiled into the binary: the pages load nothing from
//! anywhere else.

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

const STYLESHEET: &str = include_str!("../assets/vetdesk.css");
const RESET_SCRIPT: &str = include_str!("../assets/reset.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/vetdesk.css", get(stylesheet))
        .route("/assets/reset.js", get(reset_script))
}

async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET)
}

async fn reset_script() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        RESET_SCRIPT,
    )
}
