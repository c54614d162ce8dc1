//! A person's web browser: headless Chromium driven through chromedriver (Debian's
//! `chromium-driver`), for the clinic's web pages that links in emails open.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::harness::WAIT;
use crate::process::{free_port, wait_for_port, Process};

/// Headless Chromium in a profile of its own; chromedriver and the browser end when dropped.
pub struct Browser {
    pub client: Client,
    _profile: tempfile::TempDir,
    _driver: Process,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a browser session. Without chromedriver the
    /// test fails: these tests never skip.
    pub async fn start() -> Browser {
        let port = free_port();
        let mut cmd = Command::new("chromedriver");
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = Process::spawn(cmd).unwrap_or_else(|e| {
            panic!("chromedriver did not start ({e}): run `bash tests/setup.sh test`")
        });
        wait_for_port(port, "chromedriver");

        let profile = tempfile::tempdir().expect("browser profile");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    // The server's certificate is made for the test by a CA no browser knows.
                    "--ignore-certificate-errors",
                    "--no-first-run",
                    // Chromium keeps saved passwords to itself, away from the keyring the
                    // app under test uses.
                    "--password-store=basic",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = bounded(
            "a Chromium session",
            ClientBuilder::native()
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .expect("WebDriver session with headless Chromium");
        Browser {
            client,
            _profile: profile,
            _driver: driver,
        }
    }

    pub async fn open(&self, url: &str) {
        // Never a link's token in the test output.
        let shown = url.split('#').next().unwrap_or_default();
        eprintln!("e2e: Chromium opens {shown}");
        // A link from an email opens a fresh page. From a page at the same address (the
        // set-password page after its form was sent), going to the link would only change the
        // fragment, and the browser would not load the page again.
        for address in ["about:blank", url] {
            bounded(shown, self.client.goto(address))
                .await
                .unwrap_or_else(|e| panic!("Chromium could not open {shown}: {e}"));
        }
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        bounded(
            css,
            self.client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(css)),
        )
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear in Chromium: {e}"))
    }

    /// Waits until the element's visible text contains `needle`, and returns the text.
    pub async fn text_containing(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = None;
        loop {
            if let Ok(e) = bounded(css, self.client.find(Locator::Css(css))).await {
                // A page that navigates away between the find and the read leaves a stale
                // element: read again.
                if let Ok(text) = bounded(css, e.text()).await {
                    if text.contains(needle) {
                        return text;
                    }
                    last = Some(text);
                }
            }
            if Instant::now() > deadline {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.path().to_string());
                panic!("{css} in Chromium ({url:?}) says {last:?}, not {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        bounded(css, field.clear())
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        bounded(css, field.send_keys(text))
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        bounded(css, element.click())
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
    }
}

/// Any one WebDriver call that takes longer than this has hung: fail instead of waiting forever.
async fn bounded<T>(what: &str, call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT + Duration::from_secs(10), call)
        .await
        .unwrap_or_else(|_| panic!("WebDriver call for {what} in Chromium hung"))
}
