//! The staff set-password page that reset links in VetDesk emails open:
//! `{clinic_url}/reset#token=…`. Opening the page (GET or HEAD) reads nothing but the clinic's
//! settings and writes nothing, so mail scanners that open links use nothing up; only the
//! submit that sets the password consumes the token, through the same core flow the desktop
//! app uses, with the same rules and words.

use axum::extract::rejection::FormRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vetdesk_core::staff::ResetSecret;
use vetdesk_core::CoreError;

use crate::forms;
use crate::pages::{expires_in, Site};
use crate::state::{AppState, ClientIp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reset", get(page).post(submit))
        .route("/reset/status", post(status))
}

/// What the page says when a password could not be changed for a reason of the server's.
const UNCHANGED: &str = "The password was not changed. Try again in a moment; if it keeps \
                         failing, ask your office manager.";
/// What to do with a form that arrived without its fields.
const FILL_IN: &str = "The form arrived incomplete. Open the link from the email again and fill \
                       in both password fields.";

/// The page the link opens. Its script reads the token from the fragment; a token in the query
/// is refused (see [`forms::has_query_token`]).
async fn page(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let site = app.site().await;
    let (status, mode) = if forms::has_query_token(query.as_deref()) {
        (StatusCode::BAD_REQUEST, "query")
    } else {
        (StatusCode::OK, "link")
    };
    app.pages
        .render(status, "reset.html", &site, minijinja::context! { mode })
}

#[derive(Deserialize)]
struct StatusForm {
    token: String,
}

/// The page's script posts the token from the fragment here, in a form, and the answer is the
/// set-password form for the link's account, or the one page for a link that cannot be used.
/// A post, so that the token never sits in an address; it uses nothing up. A form rather than
/// a script's fetch: the pages' Content-Security-Policy allows no connections from scripts.
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
    set_password_form(&app, &site, &form.token, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct ResetForm {
    token: String,
    password: String,
    confirm: String,
}

/// Sets the new password: consumes the token, ends the account's sessions and queues the
/// "password changed" email, all in the core.
async fn submit(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    form: Result<Form<ResetForm>, FormRejection>,
) -> Response {
    let site = app.site().await;
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => return forms::incomplete(&app, &site, rejection, FILL_IN),
    };
    if let Some(refused) = forms::client_limit(&app, &site, ip, UNCHANGED).await {
        return refused;
    }
    let secret = ResetSecret::Link {
        token: form.token.clone(),
    };
    let outcome = app
        .recovery
        .answer_complete_reset(secret, &form.password, &form.confirm, &app.workstation)
        .await;
    match outcome {
        Ok(()) => app
            .pages
            .render(StatusCode::OK, "done.html", &site, minijinja::context! {}),
        Err(
            e @ (CoreError::WeakPassword(_)
            | CoreError::PasswordMismatch
            | CoreError::InvalidInput { .. }),
        ) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            set_password_form(&app, &site, &form.token, Some(e), status).await
        }
        Err(e) => failed(&app, &site, e),
    }
}

/// "Set a new password for <name>", with the link's expiry and, after a refused password, the
/// core's message under the field it belongs to (a refused password leaves the token unused).
async fn set_password_form(
    app: &AppState,
    site: &Site,
    token: &str,
    error: Option<CoreError>,
    status: StatusCode,
) -> Response {
    let target = match app.recovery.check_link(token).await {
        Ok(target) => target,
        Err(e) => return failed(app, site, e),
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
        "reset.html",
        site,
        minijinja::context! {
            mode => "form",
            token,
            target_name => target.display_name,
            expires_in => expires_in(target.expires_at, app.recovery.now()),
            password_error,
            confirm_error,
            form_error,
        },
    )
}

/// Every other outcome: the one invalid-link page, or what went wrong and what to do.
fn failed(app: &AppState, site: &Site, error: CoreError) -> Response {
    match error {
        CoreError::TokenInvalid => app.pages.invalid(site),
        error => forms::trouble(app, site, error, UNCHANGED),
    }
}
