//! Reading a secret from a file: the clinic's outbox key, the SMTP password, the DKIM key.
//!
//! On unix a file that other users may open is refused, with the reason and the fix: the
//! outbox key opens every link the clinic has queued, and the SMTP password and the DKIM key let
//! anyone send mail as the clinic. A copy readable by a group or by everyone is a leak waiting
//! to happen, so the server does not start on one rather than quietly rely on it.

use std::path::{Path, PathBuf};

use vetdesk_core::Sensitive;

/// Secret files are a line or a PEM key; anything much larger is not one of them.
const MAX_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    #[error("The {what} file {} cannot be read: {reason}", path.display())]
    Unreadable {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "The {what} file {} can be opened by other users of this machine (its mode is {mode:04o}). \
         It holds a secret, so vetdesk-server does not start with it: make it readable only by \
         the account that runs the server (chmod 600 {}).",
        path.display(),
        path.display()
    )]
    TooOpen {
        what: &'static str,
        path: PathBuf,
        mode: u32,
    },
    #[error("The {what} file {} is not what it should be: {reason}", path.display())]
    Invalid {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
}

/// The text of the secret file at `path`; `what` names it in errors ("dispatch key"). Errors
/// never repeat the file's contents.
pub fn read(what: &'static str, path: &Path) -> Result<Sensitive<String>, SecretFileError> {
    let unreadable = |reason: String| SecretFileError::Unreadable {
        what,
        path: path.to_path_buf(),
        reason,
    };
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable("it is not a file".into()));
    }
    refuse_if_open_to_others(what, path, &metadata)?;
    if metadata.len() > MAX_BYTES {
        return Err(SecretFileError::Invalid {
            what,
            path: path.to_path_buf(),
            reason: "it is far too large".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| SecretFileError::Invalid {
        what,
        path: path.to_path_buf(),
        reason: "it is not text".into(),
    })?;
    Ok(Sensitive::new(text))
}

/// A password as people write it into a file: the file's one line, without the line break an
/// editor or `echo` adds. Spaces are kept, since a password may begin or end with one.
pub fn one_line(text: &Sensitive<String>) -> Sensitive<String> {
    let line = text.expose();
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    Sensitive::new(line.to_string())
}

#[cfg(unix)]
fn refuse_if_open_to_others(
    what: &'static str,
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<(), SecretFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(SecretFileError::TooOpen {
            what,
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// Windows protects files with access lists, which the installer and the administrator set;
/// there is no mode to check here.
#[cfg(not(unix))]
fn refuse_if_open_to_others(
    _what: &'static str,
    _path: &Path,
    _metadata: &std::fs::Metadata,
) -> Result<(), SecretFileError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn write(dir: &Path, mode: u32, text: &str) -> PathBuf {
        let path = dir.join("secret");
        std::fs::write(&path, text).expect("the test file is written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .expect("the test file takes its mode");
        path
    }

    #[test]
    fn an_owner_only_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o600, 0o400] {
            let path = write(dir.path(), mode, "hunter2 hunter2\n");
            let text = read("SMTP password", &path).unwrap();
            assert_eq!(one_line(&text).expose(), "hunter2 hunter2");
        }
    }

    #[test]
    fn a_file_others_may_open_is_refused_without_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o640, 0o604, 0o660, 0o644, 0o620] {
            let path = write(dir.path(), mode, "hunter2-secret");
            let err = read("dispatch key", &path).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("other users"), "{message}");
            assert!(message.contains(&format!("{mode:04o}")), "{message}");
            assert!(message.contains("chmod 600"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn missing_and_odd_files_say_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read("dispatch key", &dir.path().join("nope")).unwrap_err();
        assert!(matches!(missing, SecretFileError::Unreadable { .. }));
        let folder = read("dispatch key", dir.path()).unwrap_err();
        assert!(folder.to_string().contains("not a file"), "{folder}");
        let path = dir.path().join("binary");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("the test file takes its mode");
        assert!(read("dispatch key", &path)
            .unwrap_err()
            .to_string()
            .contains("not text"));
    }

    #[test]
    fn only_the_final_line_break_is_dropped() {
        for (text, line) in [
            ("pw\n", "pw"),
            ("pw\r\n", "pw"),
            (" pw ", " pw "),
            ("pw\n\n", "pw\n"),
            ("pw", "pw"),
        ] {
            assert_eq!(one_line(&Sensitive::new(text.into())).expose(), line);
        }
    }
}
