//! The package a clinic installs: the `.deb` that `tests/run.sh` builds (`VETDESK_DEB`),
//! installed on this machine with dpkg, its binary started from where the package put it, a
//! `vetdesk://` reset link opened by the desktop (`xdg-open`) reaching the running window, and
//! an uninstall that leaves the clinic's data folder alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::flows::{assert_signs_in, plain_target};
use crate::harness::{desk_env, Desk};
use crate::mailbox::mail_to;

const INSTALLED: &str = "/usr/bin/vetdesk";
const DESKTOP_ENTRY: &str = "/usr/share/applications/VetDesk.desktop";
const NEW_PASSWORD: &str = "harbor lantern pebble orchard";

/// Runs a command as root: directly when the tests are root, else through `sudo -n`.
fn as_root(args: &[&str]) -> std::process::Output {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut cmd = if root {
        Command::new(args[0])
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", args[0]]);
        c
    };
    cmd.args(&args[1..])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn succeed(args: &[&str]) -> String {
    let out = as_root(args);
    assert!(
        out.status.success(),
        "{args:?} failed (installing a package needs root or password-less sudo): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The package, installed for as long as this lives.
struct Installed {
    package: String,
}

impl Installed {
    fn install(deb: &Path) -> Installed {
        let deb = deb.to_str().expect("a UTF-8 path");
        let field = Command::new("dpkg-deb")
            .args(["-f", deb, "Package"])
            .output()
            .expect("dpkg-deb");
        let package = String::from_utf8_lossy(&field.stdout).trim().to_string();
        assert!(!package.is_empty(), "{deb} names no package");
        succeed(&["dpkg", "-i", deb]);
        Installed { package }
    }

    fn remove(&self) {
        succeed(&["dpkg", "-r", &self.package]);
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = as_root(&["dpkg", "-r", &self.package]);
    }
}

fn the_deb() -> PathBuf {
    let deb = std::env::var_os("VETDESK_DEB")
        .map(PathBuf::from)
        .expect("VETDESK_DEB names the .deb to install: tests/run.sh builds it and sets it");
    assert!(deb.is_file(), "no package at {}", deb.display());
    deb
}

/// What the desktop would start for `vetdesk://` links in a home of its own.
fn scheme_handler(home: &Path) -> String {
    let out = Command::new("xdg-mime")
        .args(["query", "default", "x-scheme-handler/vetdesk"])
        .envs(desk_env(home))
        .output()
        .expect("xdg-mime (xdg-utils)");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_installed_package_opens_reset_links_from_the_desktop() {
    let installed = Installed::install(&the_deb());
    assert!(Path::new(INSTALLED).is_file(), "no {INSTALLED}");
    let entry = std::fs::read_to_string(DESKTOP_ENTRY).expect("the package's desktop entry");
    assert!(
        entry.contains("MimeType=x-scheme-handler/vetdesk"),
        "the desktop entry does not claim vetdesk:// links:\n{entry}"
    );
    // Desktops that follow the entry's Exec line (GIO) hand the link over only where it asks.
    assert!(
        entry.contains("Exec=vetdesk %u"),
        "the desktop entry does not take the link it opens:\n{entry}"
    );
    // Before VetDesk ever ran for this person, the package's entry is what opens the links.
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(scheme_handler(fresh.path()), "VetDesk.desktop");

    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open_app(&plain_target(&server), Path::new(INSTALLED)).await;
    desk.click("forgot-link").await;
    desk.type_into("forgot-identifier", "dpatel").await;
    desk.click("forgot-submit").await;
    desk.text_containing("forgot-message", "spam/junk").await;
    let text = mail_to(
        &server,
        "dpatel@harborview-clinic.example",
        "Reset your Harborview Animal Clinic VetDesk password",
    )
    .await;
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("vetdesk://reset?token="))
        .unwrap_or_else(|| panic!("no vetdesk:// link in the email:\n{text}"))
        .to_string();
    desk.click("back-to-login").await;
    // Started from the package, VetDesk leaves the links to the package's entry: a per-user
    // entry of its own would stand in front of it.
    assert_eq!(scheme_handler(desk.home()), "VetDesk.desktop");

    let opened = Command::new("xdg-open")
        .arg(&link)
        .envs(desk.env())
        .output()
        .expect("xdg-open (xdg-utils)");
    assert!(
        opened.status.success(),
        "xdg-open {link}: {}",
        String::from_utf8_lossy(&opened.stderr)
    );
    desk.type_into("new-password", NEW_PASSWORD).await;
    desk.type_into("confirm-password", NEW_PASSWORD).await;
    desk.click("set-password-submit").await;
    desk.wait_for("reset-done").await;
    assert_signs_in(&desk, "dpatel", NEW_PASSWORD).await;

    let data = desk.data_dir();
    let _home = desk.close_keeping_home().await;
    installed.remove();
    assert!(!Path::new(INSTALLED).exists(), "{INSTALLED} stayed");
    assert!(
        data.join("demo.sqlite3").is_file(),
        "uninstalling removed the clinic's data in {}",
        data.display()
    );
}
