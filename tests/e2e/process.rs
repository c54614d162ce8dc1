//! The processes the end-to-end tests start: servers waited for on their port, and children
//! that take their whole process group with them when dropped.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub use vetdesk_testkit::smtp::free_port;

pub fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A child started in its own process group; dropping it ends the whole group (tauri-driver,
/// WebKitWebDriver and the app it launched; chromedriver and its Chromium).
pub struct Process(pub Child);

impl Process {
    pub fn spawn(mut cmd: Command) -> std::io::Result<Process> {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        cmd.spawn().map(Process)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The tauri-driver on PATH or in cargo's bin folder.
pub fn tauri_driver() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    candidates
        .into_iter()
        .chain(std::env::var_os("CARGO_HOME").map(|h| PathBuf::from(h).join("bin")))
        .map(|d| d.join("tauri-driver"))
        .find(|p| p.is_file())
        .expect("tauri-driver is not installed: run `bash tests/setup.sh test`")
}
