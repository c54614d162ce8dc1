//! Reading the test SMTP server's mail back: a message by recipient and subject, and the
//! clinic web page's link in it.

use std::time::{Duration, Instant};

use vetdesk_testkit::smtp::SmtpServer;

/// Waits for the newest message to `to` whose subject contains `subject`, and returns its
/// plain-text part. The subject tells an invitation, a reset and a "password changed" notice
/// apart, which may reach one address in any order.
pub async fn mail_to(server: &SmtpServer, to: &str, subject: &str) -> String {
    let mut texts = mails_to(server, to, subject, 1).await;
    texts.pop().expect("one message")
}

/// Waits until at least `count` messages to `to` have a subject containing `subject`, and
/// returns their plain-text parts, oldest first.
pub async fn mails_to(server: &SmtpServer, to: &str, subject: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let texts: Vec<String> = server
            .received()
            .into_iter()
            .filter_map(|m| {
                let to_them = m.envelope["rcpt_tos"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|a| a.as_str() == Some(to)));
                let parsed = m.parsed();
                let matches = parsed.subject().is_some_and(|s| s.contains(subject));
                (to_them && matches).then(|| {
                    parsed
                        .body_text(0)
                        .map(|t| t.to_string())
                        .expect("a text part")
                })
            })
            .collect();
        if texts.len() >= count {
            return texts;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {count} emails about {subject:?} reached {to}",
            texts.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The link in an email's text that opens `page` on the clinic's web server at `base`, with
/// its token in the fragment.
pub fn web_link(text: &str, base: &str, page: &str) -> String {
    let start = format!("{base}{page}#token=");
    text.split_whitespace()
        .find(|w| w.starts_with(&start) && w.len() > start.len())
        .unwrap_or_else(|| panic!("no {base}{page} link in the email:\n{text}"))
        .to_string()
}
