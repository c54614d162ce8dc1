//! The page that a client's patient-portal invitation or reset link opens:
//! `{clinic_url}/portal/set-password#token=…`. It works like the staff reset page: opening it
//! (GET or HEAD) writes nothing, its script posts the token from the fragment to a status
//! address that uses nothing up, and only the submit that sets the password consumes the link.

use axum::extract::rejection::FormRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vetdesk_core::recovery::PortalTarget;
use vetdesk_core::CoreError;

use crate::forms;
use crate::pages::{expires_in, Site};
use crate::state::{AppState, ClientIp};

/// What the page says when a password could not be set for a reason of the server's.
const UNCHANGED: &str = "Your password was not set. Try again in a moment; if it keeps failing, \
                         call the clinic.";
/// What to do with a form that arrived without its fields.
const FILL_IN: &str = "The form arrived incomplete. Open the link from the email again and fill \
                       in both password fields.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/portal/set-password", get(page).post(submit))
        .route("/portal/set-password/status", post(status))
}

/// The page the link opens; its script reads the token from the fragment. A token in the query
/// is refused (see [`forms::has_query_token`]).
async fn page(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let site = app.site().await;
    let (status, mode) = if forms::has_query_token(query.as_deref()) {
        (StatusCode::BAD_REQUEST, "query")
    } else {
        (StatusCode::OK, "link")
    };
    app.pages.render(
        status,
        "portal_set_password.html",
        &site,
        minijinja::context! { mode },
    )
}

#[derive(Deserialize)]
struct StatusForm {
    token: String,
}

/// The page's script posts the token here; the answer is the set-password form for the link's
/// client, or the one page for a link that no longer works. Nothing is used up.
async fn status(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let site = app.site().await;
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => return forms::incomplete(&app, &site, rejection, FILL_IN),
    };
    if let Some(refused) = forms::client_limit(&app, &site, ip, UNCHANGED).await {
        return refused;
    }
    match app.recovery.check_portal_link(&form.token).await {
        Ok(target) => password_form(&app, &site, &form.token, &target, None),
        Err(e) => failed(&app, &site, e),
    }
}

/// The username the form shows is not read back: the link alone says whose password it is.
#[derive(Deserialize)]
struct PasswordForm {
    token: String,
    password: String,
    confirm: String,
}

/// Sets the password: consumes the link, activates the account, ends its portal sessions and
/// queues the "password changed" email, all in the core, which wakes the dispatcher.
async fn submit(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let site = app.site().await;
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => return forms::incomplete(&app, &site, rejection, FILL_IN),
    };
    if let Some(refused) = forms::client_limit(&app, &site, ip, UNCHANGED).await {
        return refused;
    }
    // Whom the link is for, to answer in the right words; the core checks the link again as it
    // uses it up.
    let target = match app.recovery.check_portal_link(&form.token).await {
        Ok(target) => target,
        Err(e) => return failed(&app, &site, e),
    };
    let outcome = app
        .recovery
        .complete_portal_password(&form.token, &form.password, &form.confirm, &app.workstation)
        .await;
    match outcome {
        Ok(()) => app.pages.render(
            StatusCode::OK,
            "portal_done.html",
            &site,
            minijinja::context! {
                invitation => target.invitation,
                username => target.username,
            },
        ),
        Err(
            e @ (CoreError::WeakPassword(_)
            | CoreError::PasswordMismatch
            | CoreError::InvalidInput { .. }),
        ) => password_form(&app, &site, &form.token, &target, Some(e)),
        Err(e) => failed(&app, &site, e),
    }
}

/// "Set your password" (an invitation: "Welcome, <name>") or "Set a new password", with the
/// account's username for password managers, the link's expiry and, after a refused password,
/// the core's message under the field it belongs to (a refused password leaves the link unused).
fn password_form(
    app: &AppState,
    site: &Site,
    token: &str,
    target: &PortalTarget,
    error: Option<CoreError>,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let message = error.as_ref().map(ToString::to_string);
    let (password_error, confirm_error, form_error) = match error.as_ref().map(CoreError::field) {
        None => (None, None, None),
        Some(Some("password")) => (message, None, None),
        Some(Some("confirm")) => (None, message, None),
        Some(_) => (None, None, message),
    };
    app.pages.render(
        status,
        "portal_set_password.html",
        site,
        minijinja::context! {
            mode => "form",
            token,
            invitation => target.invitation,
            greeting_name => &target.greeting_name,
            username => &target.username,
            expires_in => expires_in(target.expires_at, app.recovery.now()),
            password_error,
            confirm_error,
            form_error,
        },
    )
}

/// An expired, used, revoked or unknown link gets the one page that says whom to ask for a new
/// one; anything else, what went wrong.
fn failed(app: &AppState, site: &Site, error: CoreError) -> Response {
    match error {
        CoreError::TokenInvalid => app.pages.portal_invalid(site),
        error => forms::trouble(app, site, error, UNCHANGED),
    }
}
