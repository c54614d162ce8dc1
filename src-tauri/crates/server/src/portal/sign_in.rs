//! Signing in to the patient portal with the email address and the password a link set, the
//! page behind the sign-in, and signing out.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vetdesk_core::CoreError;

use super::cookie;
use crate::forms;
use crate::pages::Site;
use crate::state::{AppState, ClientIp};

/// The answer to a wrong email or password, or an account that has no password yet: the same
/// words for each, so that the page never tells whether an address has an account.
pub const WRONG_CREDENTIALS: &str = "The email or password is not right.";
/// What the page says when a sign-in failed for a reason of the server's.
const NOT_SIGNED_IN: &str = "You were not signed in. Try again in a moment; if it keeps failing, \
                             call the clinic.";
const FILL_IN: &str = "The form arrived incomplete. Open the sign-in page again and fill in your \
                       email address and password.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route("/portal/login", get(login_page).post(login))
        .route("/portal/logout", post(logout))
}

/// The sign-in form, or the portal itself for a browser that is signed in already.
async fn login_page(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = cookie::read(&headers) {
        if let Ok(Some(_)) = app.recovery.portal_session(secret.expose()).await {
            return Redirect::to("/portal").into_response();
        }
    }
    let site = app.site().await;
    login_form(&app, &site, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

/// Checks the email and password in the core (which counts attempts and audits each); on
/// success the browser gets the session cookie and goes to the portal.
async fn login(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let site = app.site().await;
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => return forms::incomplete(&app, &site, rejection, FILL_IN),
    };
    if let Some(refused) = forms::client_limit(&app, &site, ip, NOT_SIGNED_IN).await {
        return refused;
    }
    let username = form.username.trim();
    match app.over_client_sign_in_limit(ip).await {
        Ok(None) => {}
        Ok(Some(wait)) => {
            let error = CoreError::Throttled {
                retry_after_secs: wait,
            };
            let status = StatusCode::TOO_MANY_REQUESTS;
            return login_form(&app, &site, status, username, Some(error.to_string()));
        }
        Err(e) => return forms::trouble(&app, &site, e, NOT_SIGNED_IN),
    }
    let outcome = app
        .recovery
        .portal_sign_in(
            &form.username,
            &form.password,
            &format!("web:{}", crate::client::limit_key(ip)),
            &app.workstation,
        )
        .await;
    match outcome {
        Ok(signed_in) => {
            let secure = app.reached_over_https().await;
            let Some(set_cookie) = cookie::set(&signed_in.secret, secure) else {
                let error = CoreError::Internal("the session cookie could not be written".into());
                return forms::trouble(&app, &site, error, NOT_SIGNED_IN);
            };
            let mut response = Redirect::to("/portal").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, set_cookie);
            response
        }
        Err(CoreError::InvalidCredentials) => login_form(
            &app,
            &site,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            Some(WRONG_CREDENTIALS.to_string()),
        ),
        Err(e @ CoreError::Throttled { .. }) => login_form(
            &app,
            &site,
            StatusCode::TOO_MANY_REQUESTS,
            username,
            Some(e.to_string()),
        ),
        Err(e @ CoreError::InvalidInput { .. }) => login_form(
            &app,
            &site,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            Some(e.to_string()),
        ),
        Err(e) => forms::trouble(&app, &site, e, NOT_SIGNED_IN),
    }
}

/// The portal behind the sign-in: for now, whom the browser is signed in as, and signing out.
async fn home(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let Some(secret) = cookie::read(&headers) else {
        return Redirect::to("/portal/login").into_response();
    };
    let site = app.site().await;
    match app.recovery.portal_session(secret.expose()).await {
        Ok(Some(account)) => app.pages.render(
            StatusCode::OK,
            "portal_home.html",
            &site,
            minijinja::context! { username => account.username },
        ),
        Ok(None) => Redirect::to("/portal/login").into_response(),
        Err(e) => forms::trouble(&app, &site, e, NOT_SIGNED_IN),
    }
}

/// Ends the session in the database and removes the cookie. Not counted against the client's
/// limit: signing out must always work, and it costs one update.
async fn logout(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = cookie::read(&headers) {
        if let Err(e) = app.recovery.portal_sign_out(secret.expose()).await {
            let site = app.site().await;
            return forms::trouble(
                &app,
                &site,
                e,
                "You were not signed out. Try again in a moment.",
            );
        }
    }
    let secure = app.reached_over_https().await;
    let mut response = Redirect::to("/portal/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie::clear(secure));
    response
}

fn login_form(
    app: &AppState,
    site: &Site,
    status: StatusCode,
    username: &str,
    form_error: Option<String>,
) -> Response {
    app.pages.render(
        status,
        "portal_login.html",
        site,
        minijinja::context! { username, form_error },
    )
}
