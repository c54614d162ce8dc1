//! Every command through Tauri's real IPC layer: the app's own builder and `setup()` on the mock
//! runtime, with the app's real capabilities. Wrong role → forbidden, bad input → a clear error
//! under its field, nothing written when refused, and the UI's message fixture checked against
//! the words the commands really answer. The keyring is the real Secret Service; run inside
//! `dbus-run-session` (the test command does).

#![allow(clippy::unwrap_used)]

mod clients;
mod commands;
mod limits;
mod messages;
mod password;
mod private;
mod session;
mod setup;

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};
use vetdesk_lib::state::AppState;
use vetdesk_lib::Launch;
use vetdesk_store::sqlite::CountedTable;

const DEMO_PASSWORD: &str = vetdesk_store::demo::DEMO_PASSWORD;

pub struct Desk {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    /// The database the workstation opened at launch, whichever clinic is open later.
    store: vetdesk_store::SqliteStore,
    launch: Launch,
}

impl Desk {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should have failed, answered {v}"),
            Err(e) => e,
        }
    }

    /// The error code of a refused command, which must come with words for a person.
    pub fn code(&self, cmd: &str, args: Value) -> String {
        let e = self.err(cmd, args);
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{cmd}: error without a message: {e}"
        );
        e["code"].as_str().unwrap_or_default().to_string()
    }

    pub fn login(&self, username: &str) -> Value {
        self.ok(
            "login",
            serde_json::json!({ "username": username, "password": DEMO_PASSWORD }),
        )
    }

    /// Where this workstation keeps its files.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn count(&self, table: CountedTable) -> i64 {
        tauri::async_runtime::block_on(self.store.count(table)).expect("count")
    }

    /// Moves every session's sign-in, last password entry and last activity `minutes` back, as
    /// if that time had passed at a desk nobody touched.
    pub fn idle_for(&self, minutes: i64) {
        let sql = "UPDATE sessions SET created_at = created_at - ?1, \
             authenticated_at = authenticated_at - ?1, active_at = active_at - ?1";
        let query = sqlx::query(sql).bind(minutes * 60_000);
        tauri::async_runtime::block_on(query.execute(self.store.pool())).expect("backdate");
    }

    pub fn staff_id(&self, username: &str) -> i64 {
        let staff = tauri::async_runtime::block_on(
            vetdesk_core::ports::StaffStore::find_staff_by_login(&self.store, username),
        )
        .expect("lookup")
        .expect("staff exists");
        staff.id
    }
}

/// A fresh workstation: its own data folder and keyring service, the demo clinic.
pub fn desk() -> Desk {
    desk_of(true)
}

/// A fresh workstation on the demo clinic or (`demo: false`) on a real clinic's database.
pub fn desk_of(demo: bool) -> Desk {
    let dir = tempfile::tempdir().expect("temp dir");
    let launch = Launch {
        data_dir: Some(dir.path().to_path_buf()),
        keyring_service: format!("vetdesk-ipc-test-{}-{}", std::process::id(), rand_suffix()),
        deep_links: false,
        demo,
    };
    start(dir, launch)
}

impl Desk {
    /// The same workstation after a restart of the app: this one is dropped, and a new one is
    /// built on the same data folder and keyring entries.
    pub fn restart(self) -> Desk {
        self.restart_with(|| {})
    }

    /// [`Desk::restart`], running `meanwhile` while the app is down.
    pub fn restart_with(self, meanwhile: impl FnOnce()) -> Desk {
        let Desk {
            _dir: dir,
            _app: app,
            window,
            store,
            launch,
        } = self;
        drop(window);
        tauri::async_runtime::block_on(store.close());
        drop(app);
        meanwhile();
        start(dir, launch)
    }
}

fn start(dir: tempfile::TempDir, launch: Launch) -> Desk {
    let mut app = vetdesk_lib::app(mock_builder(), launch.clone())
        .build(tauri::generate_context!(test = true))
        .expect("app");
    // The app's setup() runs on the first turn of the event loop; one turn is all it needs.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let state = app.try_state::<AppState>().expect("setup() made the state");
    let clinic = tauri::async_runtime::block_on(state.clinic());
    let clinic =
        clinic.expect("the clinic opened (is a Secret Service keyring running? see README)");
    // The helpers read the workstation's own file, also when its clinic is on a server.
    let store = match clinic.store.local() {
        Some(store) => store.clone(),
        None => tauri::async_runtime::block_on(vetdesk_store::SqliteStore::open(
            &state.paths().database(),
        ))
        .expect("the workstation's own file"),
    };
    let window = app
        .get_webview_window("main")
        .expect("setup() opened the main window from tauri.conf.json");
    Desk {
        _dir: dir,
        _app: app,
        window,
        store,
        launch,
    }
}

/// Sends `cmd` through the IPC layer as the window would.
pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("json body"))
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
