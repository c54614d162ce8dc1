//! The clinic's patient-portal pages: setting a password from an invitation or reset link, and
//! signing in and out. The rest of the portal is not served yet; the page behind the sign-in
//! says who is signed in.

mod cookie;
mod set_password;
mod sign_in;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(set_password::router())
        .merge(sign_in::router())
}
