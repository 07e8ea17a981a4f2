//! Requests run to completion even if the client goes away.
//!
//! hyper drops a handler's future when its connection closes. A publish dropped after its
//! commit but before the hand-off to the dispatcher would strand claimed deliveries; a webhook
//! change dropped before the directory reload would leave routing stale. A request's future is
//! polled where hyper polls it, and if hyper drops it before it finished, the rest of it runs
//! as a task of its own: every handler is all-or-nothing from the server's side, and only a
//! request whose caller left pays for a task.

use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

/// `future`, finished on a task of its own if it is dropped before it finished.
pub fn run_to_completion<F>(future: F) -> RunToCompletion<F>
where
    F: Future<Output = Response> + Send + 'static,
{
    RunToCompletion {
        future: Some(Box::pin(future)),
    }
}

pub struct RunToCompletion<F>
where
    F: Future<Output = Response> + Send + 'static,
{
    /// `None` once it finished (or panicked).
    future: Option<Pin<Box<F>>>,
}

impl<F> Future for RunToCompletion<F>
where
    F: Future<Output = Response> + Send + 'static,
{
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(
                super::ApiError::Internal("request polled after it finished".into())
                    .into_response(),
            );
        };
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(response)) => {
                self.future = None;
                Poll::Ready(response)
            }
            Err(_) => {
                self.future = None;
                Poll::Ready(super::ApiError::Internal("request panicked".into()).into_response())
            }
        }
    }
}

impl<F> Drop for RunToCompletion<F>
where
    F: Future<Output = Response> + Send + 'static,
{
    fn drop(&mut self) {
        let Some(unfinished) = self.future.take() else {
            return;
        };
        // Without a runtime (it is shutting down and dropping its tasks) nothing could run it.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(unfinished);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use std::time::Duration;
    use tokio::sync::oneshot;

    /// A request dropped half-way (its caller hung up) still runs to its end.
    #[tokio::test]
    async fn a_request_dropped_half_way_still_finishes() {
        let (started_tx, started) = oneshot::channel();
        let (go, go_rx) = oneshot::channel::<()>();
        let (finished_tx, finished) = oneshot::channel();
        let request = run_to_completion(async move {
            let _ = started_tx.send(());
            let _ = go_rx.await;
            let _ = finished_tx.send(());
            StatusCode::ACCEPTED.into_response()
        });
        let caller = tokio::spawn(request);
        started.await.unwrap();
        caller.abort();
        assert!(caller.await.unwrap_err().is_cancelled());
        go.send(())
            .expect("the request was not dropped with its caller: it still waits");
        tokio::time::timeout(Duration::from_secs(10), finished)
            .await
            .expect("the request finished without its caller")
            .expect("it ran to its end");
    }

    /// A request that panics answers 500 instead of taking its connection down.
    #[tokio::test]
    async fn a_panicking_request_answers_500() {
        let response = run_to_completion(async {
            if true {
                panic!("a bug");
            }
            StatusCode::OK.into_response()
        })
        .await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
