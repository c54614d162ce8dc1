//! Where a workstation keeps its files: the clinic's database and the demo clinic's, their
//! preview outboxes, the logs and the key files.

use std::path::PathBuf;

/// Where this workstation keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    /// The demo clinic: a database and a preview folder of its own, beside the clinic's.
    pub demo: bool,
}

impl Paths {
    pub fn database(&self) -> PathBuf {
        let file = if self.demo {
            "demo.sqlite3"
        } else {
            "vetdesk.sqlite3"
        };
        self.data_dir.join(file)
    }
    /// Where the clinic database is when it is not the file above (`database.json`).
    pub fn database_location(&self) -> PathBuf {
        self.data_dir.join("database.json")
    }
    /// This computer's copy of a clinic on a server, which lists show while it cannot be
    /// reached.
    pub fn clinic_copy(&self) -> PathBuf {
        self.data_dir.join("clinic-copy.sqlite3")
    }
    /// Actions taken while the clinic's server could not be reached, until they are replayed.
    pub fn offline_queue(&self) -> PathBuf {
        self.data_dir.join("offline-queue.sqlite3")
    }
    pub fn preview_dir(&self) -> PathBuf {
        let dir = if self.demo {
            "demo-preview-outbox"
        } else {
            "preview-outbox"
        };
        self.data_dir.join(dir)
    }
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
    /// The outbox key exported for vetdesk-server; only this user can read it.
    pub fn dispatch_key_export(&self) -> PathBuf {
        self.data_dir.join("vetdesk-server-dispatch.key")
    }
    /// Where Export keys for another workstation writes the clinic's keys.
    pub fn clinic_keys_export(&self) -> PathBuf {
        self.data_dir.join("vetdesk-clinic-keys.key")
    }
    /// Where the outbox key is kept when no keyring answers; the demo clinic has its own.
    pub(crate) fn outbox_key_file(&self) -> PathBuf {
        self.data_dir.join(if self.demo {
            "demo-outbox.key"
        } else {
            "outbox.key"
        })
    }
    pub(crate) fn code_pepper_file(&self) -> PathBuf {
        self.data_dir.join(if self.demo {
            "demo-code-pepper.key"
        } else {
            "code-pepper.key"
        })
    }
    /// The same folder, for the demo clinic or the real one.
    pub fn with_demo(&self, demo: bool) -> Paths {
        Paths {
            demo,
            ..self.clone()
        }
    }
}
