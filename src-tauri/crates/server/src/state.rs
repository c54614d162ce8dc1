//! What every handler shares: the recovery flows, the store, the pages, and how this server
//! names itself and tells its clients apart.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use vetdesk_core::limits::{self, Limit};
use vetdesk_core::policy::PasswordPolicy;
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::Recovery;
use vetdesk_core::settings::Settings;
use vetdesk_core::time::MINUTE;
use vetdesk_core::CoreResult;

use crate::client;
use crate::dispatch::DispatchStatus;
use crate::pages::{Pages, Site};

/// Posts from one client (see [`client::limit_key`]) to the pages, per minute: the staff and
/// portal set-password pages and the portal sign-in count together. A person needs a handful;
/// the limit stops a client from running the breached-password lookup and the password hashing
/// in a loop. Kept in the clinic database like the core's limits, so a restart
/// does not reset it.
pub const CLIENT_POSTS: Limit = Limit::per(30, MINUTE);

/// Portal sign-ins from one client per minute, on top of [`CLIENT_POSTS`]. The core counts
/// sign-ins per account and per place, and to the core this whole server is one place, shared by
/// every client of the portal; half of that place's limit per client keeps a single address from
/// using it up and slowing down everyone else's sign-in.
pub const CLIENT_SIGN_INS: Limit = Limit::per(10, MINUTE);

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub recovery: Arc<Recovery>,
    pub store: Arc<dyn Store>,
    pub pages: Pages,
    /// `server:<hostname>`, in the audit log and the core's per-workstation limits.
    pub workstation: String,
    /// The origins of the address this server listens on: the only origins a form may be
    /// posted from while the clinic has no URL configured.
    pub listen_origins: Vec<String>,
    pub trust_forwarded_for: bool,
    /// Whether this server serves HTTPS itself: the portal's cookie is then `Secure` even before
    /// a clinic URL is configured.
    pub serves_tls: bool,
    /// What the outbox dispatcher is doing, for the health check.
    pub dispatch: Arc<DispatchStatus>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// The clinic's settings; `None` before the clinic is set up.
    pub async fn settings(&self) -> CoreResult<Option<Settings>> {
        Ok(self.store.load_settings().await?)
    }

    /// What every page shows. A page still renders when the settings cannot be read, under
    /// the product's name.
    pub async fn site(&self) -> Site {
        match self.settings().await {
            Ok(Some(settings)) => Site::of(&settings),
            Ok(None) => Site::unnamed(PasswordPolicy::new(0).info()),
            Err(e) => {
                tracing::warn!(error = %e, "the clinic settings could not be read");
                Site::unnamed(PasswordPolicy::new(0).info())
            }
        }
    }

    /// The origins a form may be posted from: the clinic URL's when one is configured, else
    /// this server's listen address. Never the request's Host header, which the client
    /// chooses; any address this server puts in a page or an email comes from the configured
    /// clinic URL in the same way.
    pub async fn allowed_origins(&self) -> CoreResult<Vec<String>> {
        let clinic_url = self.settings().await?.and_then(|s| s.clinic.clinic_url);
        Ok(match clinic_url.as_deref().and_then(origin_of) {
            Some(origin) => vec![origin],
            None => self.listen_origins.clone(),
        })
    }

    /// Whether browsers reach the pages over HTTPS: the clinic URL says https, or this server
    /// serves TLS itself. A cookie marked `Secure` then never travels unencrypted.
    pub async fn reached_over_https(&self) -> bool {
        if self.serves_tls {
            return true;
        }
        match self.settings().await {
            Ok(Some(settings)) => settings
                .clinic
                .clinic_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .is_some_and(|u| u.scheme() == "https"),
            _ => false,
        }
    }

    /// Counts one post from `ip`; the seconds until the next may come when it is over
    /// [`CLIENT_POSTS`].
    pub async fn over_client_limit(&self, ip: IpAddr) -> CoreResult<Option<u64>> {
        self.over_limit("web_reset", CLIENT_POSTS, ip).await
    }

    /// Counts one portal sign-in from `ip`; the seconds until the next may come when it is over
    /// [`CLIENT_SIGN_INS`].
    pub async fn over_client_sign_in_limit(&self, ip: IpAddr) -> CoreResult<Option<u64>> {
        self.over_limit("portal_sign_in", CLIENT_SIGN_INS, ip).await
    }

    async fn over_limit(&self, what: &str, limit: Limit, ip: IpAddr) -> CoreResult<Option<u64>> {
        let key = format!("{what}:client:{}", client::limit_key(ip));
        let wait = self.store.hit(&key, limit, self.recovery.now()).await?;
        Ok(wait.map(limits::seconds))
    }
}

/// The origin (scheme, host, port) of a URL as browsers write it in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The origins a browser writes for a server listening on `addr`. An unspecified address
/// (0.0.0.0, ::) stands for every interface, so its loopback address is used.
pub fn listen_origins(scheme: &str, addr: SocketAddr) -> Vec<String> {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
        ip => ip,
    };
    let mut hosts = vec![SocketAddr::new(ip, addr.port()).to_string()];
    if ip.is_loopback() {
        hosts.push(format!("localhost:{}", addr.port()));
    }
    hosts
        .iter()
        .filter_map(|host| origin_of(&format!("{scheme}://{host}/")))
        .collect()
}

/// The client a request comes from (see [`client::client_ip`]).
pub struct ClientIp(pub IpAddr);

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
        Ok(ClientIp(client::client_ip(
            peer,
            &parts.headers,
            app.trust_forwarded_for,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_as_browsers_write_them() {
        assert_eq!(
            origin_of("https://Portal.Clinic.example:443/some/path").as_deref(),
            Some("https://portal.clinic.example")
        );
        assert_eq!(
            origin_of("http://clinic.example:8080").as_deref(),
            Some("http://clinic.example:8080")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("file:///etc/passwd"), None);
    }

    #[test]
    fn a_listen_address_gives_its_loopback_origins() {
        let local = listen_origins("http", "127.0.0.1:8080".parse().unwrap());
        assert_eq!(local, ["http://127.0.0.1:8080", "http://localhost:8080"]);
        let any = listen_origins("https", "0.0.0.0:443".parse().unwrap());
        assert_eq!(any, ["https://127.0.0.1", "https://localhost"]);
        let v6 = listen_origins("http", "[::]:80".parse().unwrap());
        assert_eq!(v6, ["http://[::1]", "http://localhost"]);
        let lan = listen_origins("http", "192.0.2.10:8080".parse().unwrap());
        assert_eq!(lan, ["http://192.0.2.10:8080"]);
    }
}
