//! Answers that come at a fixed time after the question, never earlier and never later, whatever
//! the database or the mail server does meanwhile, so that timing tells no more than the words.

use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, timeout_at, Instant};

/// When forgot-password and code entry answer.
pub const ANSWER_AFTER: Duration = Duration::from_millis(1_200);

/// Runs `work` in a task of its own and answers `after` from now: with its output when it has
/// finished by then, `None` when it has not (it goes on in the background; its output is then
/// dropped). A panic in `work` is also `None`.
pub async fn at_deadline<T: Send + 'static>(
    after: Duration,
    work: impl Future<Output = T> + Send + 'static,
) -> Option<T> {
    let deadline = Instant::now() + after;
    let task = tokio::spawn(work);
    let output = timeout_at(deadline, task).await;
    sleep_until(deadline).await;
    output.ok()?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFTER: Duration = Duration::from_secs(1);

    #[tokio::test(start_paused = true)]
    async fn a_quick_answer_waits_for_the_deadline() {
        let start = Instant::now();
        assert_eq!(at_deadline(AFTER, async { 7 }).await, Some(7));
        assert_eq!(start.elapsed(), AFTER);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_work_is_answered_at_the_deadline_and_goes_on() {
        let (done, finished) = tokio::sync::oneshot::channel();
        let start = Instant::now();
        let answer = at_deadline(AFTER, async move {
            tokio::time::sleep(3 * AFTER).await;
            let _ = done.send(());
            7
        })
        .await;
        assert_eq!(answer, None);
        assert_eq!(start.elapsed(), AFTER);
        finished.await.expect("the work went on after the answer");
        assert_eq!(start.elapsed(), 3 * AFTER);
    }

    #[tokio::test(start_paused = true)]
    async fn work_that_never_ends_is_answered_at_the_deadline() {
        let start = Instant::now();
        let answer = at_deadline(AFTER, std::future::pending::<()>()).await;
        assert_eq!((answer, start.elapsed()), (None, AFTER));
    }
}
