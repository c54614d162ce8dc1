//! The manners of a desktop app in the real window: Help › About with the logs folder opened
//! through the desktop, and the window's size and place kept between starts.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::flows::plain_target;
use crate::harness::{built, desk_env, window_turn, Desk, IDENTIFIER, WAIT};
use crate::process::Process;

/// Stands in for the desktop's file manager in the desk's own home: a desktop entry for
/// folders whose program writes down the folder it was asked to open. `xdg-open` finds it the
/// way it finds any file manager.
fn stand_in_file_manager(desk: &Desk) -> PathBuf {
    let env: std::collections::HashMap<_, _> = desk.env().into_iter().collect();
    let home = &env["HOME"];
    let marker = home.join("opened-folder");
    let program = home.join("file-manager.sh");
    std::fs::write(
        &program,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", marker.display()),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x"])
        .arg(&program)
        .status()
        .unwrap();
    let applications = env["XDG_DATA_HOME"].join("applications");
    std::fs::create_dir_all(&applications).unwrap();
    std::fs::write(
        applications.join("vetdesk-test-files.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Files\nExec={} %f\nMimeType=inode/directory;\nNoDisplay=true\n",
            program.display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(&env["XDG_CONFIG_HOME"]).unwrap();
    std::fs::write(
        env["XDG_CONFIG_HOME"].join("mimeapps.list"),
        "[Default Applications]\ninode/directory=vetdesk-test-files.desktop\n",
    )
    .unwrap();
    marker
}

async fn file_appears(path: &Path) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            if !text.is_empty() {
                return text;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn about_names_the_version_database_and_logs_and_opens_the_logs_folder() {
    let desk = Desk::first_start().await;
    let marker = stand_in_file_manager(&desk);
    desk.click("about-open").await;
    desk.text_containing("about-version", env!("CARGO_PKG_VERSION"))
        .await;
    let database = desk.database();
    desk.text_containing("about-database", "This computer")
        .await;
    desk.text_containing("about-database", &database.display().to_string())
        .await;
    let logs = desk.data_dir().join("logs");
    desk.text_containing("about-logs", &logs.display().to_string())
        .await;

    desk.click("about-open-logs").await;
    assert_eq!(file_appears(&marker).await, logs.display().to_string());
    // A day's log file is in the folder it opened.
    let files: Vec<_> = std::fs::read_dir(&logs).unwrap().flatten().collect();
    assert!(
        files
            .iter()
            .any(|f| f.file_name().to_string_lossy().starts_with("vetdesk")),
        "no log file in {}",
        logs.display()
    );
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_keeps_its_size_and_place_between_starts() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open(&plain_target(&server)).await;
    let (x, y, width, height) = (40, 30, 1010, 700);
    desk.client
        .set_window_rect(x, y, width, height)
        .await
        .expect("set the window's size and place");
    let state = desk
        .home()
        .join("config")
        .join(IDENTIFIER)
        .join(".window-state.json");
    // Written once the window has stayed still, not only when the app quits.
    let saved = file_appears(&state).await;
    assert!(saved.contains("\"width\": 1010"), "{saved}");

    let desk = desk.relaunch().await;
    let (_, _, w, h) = desk.client.get_window_rect().await.unwrap();
    assert_eq!(
        (w, h),
        (u64::from(width), u64::from(height)),
        "the window came back at another size"
    );
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_start_on_an_empty_data_folder_prints_no_error() {
    let _turn = window_turn().await;
    let home = tempfile::tempdir().unwrap();
    let stderr = home.path().join("stderr");
    let mut app = std::process::Command::new(built());
    app.envs(desk_env(home.path()))
        .env_remove("VETDESK_DEMO")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap());
    let app = Process::spawn(app).expect("start VetDesk");
    let logs = home.path().join("data").join(IDENTIFIER).join("logs");
    let deadline = Instant::now() + WAIT;
    loop {
        let started = std::fs::read_dir(&logs).ok().is_some_and(|files| {
            files.flatten().any(|f| {
                std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains("VetDesk started"))
            })
        });
        if started {
            break;
        }
        assert!(Instant::now() < deadline, "VetDesk never logged its start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The window loads and the clinic opens (and, on a first start, is created) meanwhile.
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(app);
    let printed = std::fs::read_to_string(&stderr).unwrap();
    assert!(
        printed.trim().is_empty(),
        "a first start printed:\n{printed}"
    );
}
