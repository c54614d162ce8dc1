//! The preview outbox: each email becomes an .eml file in a folder the app shows, so a fresh
//! install works before anyone configures SMTP. Outside the demo clinic, office managers read
//! this folder, so reset emails are written without their secrets (see
//! [`MailTransport::carries_secrets`]); a copy whose token has died is deleted.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use vetdesk_core::outbox::DeliveredVia;
use vetdesk_core::time::Millis;

use crate::error::MailError;
use crate::transport::MailTransport;

/// The list shows at most this many of the newest emails.
pub const PREVIEW_LIST_LIMIT: usize = 200;
const ID_MAX: usize = 64;
/// Marks the outbox row a file is a copy of: `<millis>-<random>-email<id>`.
const EMAIL_MARK: &str = "-email";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PreviewMailSummary {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub date: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PreviewMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub date: Option<Millis>,
    pub text: Option<String>,
    /// The HTML part as sent; show it only in a sandboxed frame.
    pub html: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PreviewOutbox {
    dir: PathBuf,
    shows_secrets: bool,
}

impl PreviewOutbox {
    /// An outbox whose reset emails are written with a placeholder for their code and links.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            shows_secrets: false,
        }
    }

    /// `true` only for the demo clinic, whose people are fictional: its preview is where a
    /// visitor finds the code and links.
    pub fn showing_secrets(mut self, shows: bool) -> Self {
        self.shows_secrets = shows;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The newest emails first. A folder that does not exist yet is an empty outbox.
    pub async fn list(&self) -> Result<Vec<PreviewMailSummary>, MailError> {
        let mut ids = self.ids().await?;
        // Names start with a zero-padded timestamp, so the order of names is the order of sending.
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(PREVIEW_LIST_LIMIT);

        let mut summaries = Vec::with_capacity(ids.len());
        for id in ids {
            match self.read(&id).await {
                Ok(mail) => summaries.push(PreviewMailSummary {
                    id: mail.id,
                    to: mail.to,
                    subject: mail.subject,
                    date: mail.date,
                }),
                // Removed meanwhile, or not an email after all: leave it out of the list.
                Err(e) => tracing::warn!(preview_id = %id, error = %e, "preview email skipped"),
            }
        }
        Ok(summaries)
    }

    pub async fn read(&self, id: &str) -> Result<PreviewMail, MailError> {
        if !is_valid_id(id) {
            return Err(MailError::InvalidPreviewId);
        }
        let path = self.dir.join(format!("{id}.eml"));
        let raw = match tokio::fs::read(&path).await {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(MailError::PreviewNotFound)
            }
            Err(e) => return Err(self.io_error(e)),
        };
        let parsed = MessageParser::default()
            .parse(&raw)
            .ok_or(MailError::PreviewNotFound)?;
        let to = parsed
            .to()
            .and_then(|list| list.first())
            .map(|addr| match (addr.name(), addr.address()) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (None, Some(address)) => address.to_string(),
                (Some(name), None) => name.to_string(),
                (None, None) => String::new(),
            })
            .unwrap_or_default();
        let part_text = |index: Option<&u32>, html: bool| {
            let part = parsed.part(*index?)?;
            let is_html = part
                .content_type()
                .and_then(|ct| ct.subtype())
                .is_some_and(|s| s.eq_ignore_ascii_case("html"));
            (is_html == html).then(|| part.text_contents().map(str::to_string))?
        };
        Ok(PreviewMail {
            id: id.to_string(),
            to,
            subject: parsed.subject().unwrap_or_default().to_string(),
            date: parsed.date().map(|d| d.to_timestamp() * 1000),
            text: part_text(parsed.text_body.first(), false),
            html: part_text(parsed.html_body.first(), true),
        })
    }

    /// The outbox rows this folder holds copies of.
    pub async fn email_ids(&self) -> Result<Vec<i64>, MailError> {
        let ids = self.ids().await?;
        Ok(ids.iter().filter_map(|id| email_id_of(id)).collect())
    }

    /// Deletes the copies of these outbox rows; answers how many files went.
    pub async fn remove_emails(&self, email_ids: &[i64]) -> Result<usize, MailError> {
        let mut removed = 0;
        for id in self.ids().await? {
            if !email_id_of(&id).is_some_and(|e| email_ids.contains(&e)) {
                continue;
            }
            match tokio::fs::remove_file(self.dir.join(format!("{id}.eml"))).await {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(self.io_error(e)),
            }
        }
        Ok(removed)
    }

    /// The stems of the .eml files this outbox wrote, in no order.
    async fn ids(&self) -> Result<Vec<String>, MailError> {
        let mut ids = Vec::new();
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io_error(e)),
        };
        while let Some(entry) = entries.next_entry().await.map_err(|e| self.io_error(e))? {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".eml")) else {
                continue;
            };
            if is_valid_id(id) {
                ids.push(id.to_string());
            }
        }
        Ok(ids)
    }

    fn io_error(&self, source: std::io::Error) -> MailError {
        MailError::Preview {
            path: self.dir.clone(),
            source,
        }
    }
}

#[async_trait]
impl MailTransport for PreviewOutbox {
    async fn send(
        &self,
        message: &lettre::Message,
        email_id: Option<i64>,
    ) -> Result<(), MailError> {
        create_private_dir(&self.dir)
            .await
            .map_err(|e| self.io_error(e))?;
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let mut id = format!("{millis:013}-{:016x}", rand::random::<u64>());
        if let Some(email_id) = email_id {
            id.push_str(&format!("{EMAIL_MARK}{email_id}"));
        }
        let temp = self.dir.join(format!(".{id}.tmp"));
        let path = self.dir.join(format!("{id}.eml"));
        // Written beside its final name and renamed, so the list never sees half an email.
        let written = async {
            write_private_file(&temp, &message.formatted()).await?;
            tokio::fs::rename(&temp, &path).await
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(self.io_error(e));
        }
        tracing::debug!(preview_id = %id, "email written to the preview outbox");
        Ok(())
    }

    fn via(&self) -> DeliveredVia {
        DeliveredVia::Preview
    }

    fn carries_secrets(&self) -> bool {
        self.shows_secrets
    }
}

/// The folder, readable by this user only: other accounts on a shared desk see nothing.
async fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).await
}

/// A new file that only this user can read, whatever the process umask.
async fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(contents).await?;
    file.flush().await
}

/// The outbox row an id's file is a copy of, if it names one.
fn email_id_of(id: &str) -> Option<i64> {
    let (_, email_id) = id.rsplit_once(EMAIL_MARK)?;
    email_id.parse().ok().filter(|id: &i64| *id > 0)
}

/// Ids are file stems this outbox made: letters, digits and dashes, so no id can name a file
/// outside the folder.
fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= ID_MAX
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_leave_the_folder_are_refused() {
        for id in [
            "../etc/passwd",
            "..",
            "a/b",
            "a\\b",
            "",
            ".hidden",
            "x.eml",
            "a\0b",
        ] {
            assert!(!is_valid_id(id), "{id:?}");
        }
        assert!(is_valid_id("1700000000000-00ff00ff00ff00ff"));
        assert!(is_valid_id(&format!(
            "1700000000000-00ff00ff00ff00ff{EMAIL_MARK}{}",
            i64::MAX
        )));
    }

    #[test]
    fn a_file_names_the_email_it_copies() {
        assert_eq!(
            email_id_of("1700000000000-00ff00ff00ff00ff-email42"),
            Some(42)
        );
        assert_eq!(email_id_of("1700000000000-00ff00ff00ff00ff"), None);
        assert_eq!(email_id_of("1700000000000-00ff00ff00ff00ff-email"), None);
        assert_eq!(email_id_of("1700000000000-00ff00ff00ff00ff-emailx1"), None);
    }
}
