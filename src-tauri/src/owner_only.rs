//! Owner-only files. On a shared front-desk computer another user account must not read the
//! clinic database, the logs or the preview outbox. A umask of 077 covers everything the
//! process creates, including what libraries create on their own (SQLite's -wal and -shm files,
//! the rolling logs); the explicit modes here hold whatever the umask was.
//!
//! Elsewhere the OS app-data folder is already private to its user (Windows), so only Unix
//! needs this.

use std::path::Path;

/// From now on, every file and folder this process creates is owner-only. Called at start,
/// before anything is created.
pub fn restrict_umask() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates `dir` and its missing parents owner-only, and makes an existing `dir` owner-only
/// (a folder an older version created with the default mode).
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Creates `path` as an empty owner-only file unless it exists. SQLite gives its -wal and -shm
/// files the mode of the database file, so creating the database this way covers them too.
pub fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Writes `text` to `path` for its owner only: a file already there, with whatever permissions
/// it has, is removed first, and the new one is created owner-only before anything is written.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    create_file(path)?;
    std::fs::write(path, text)
}
