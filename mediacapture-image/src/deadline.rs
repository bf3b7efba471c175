//! A runtime-free deadline for futures that wait on media: a sleeper thread wakes the future
//! when time is up, and ends early when the future is dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

struct Shared {
    expired: AtomicBool,
    /// Set when the waiting future is gone, so the sleeper can leave.
    cancelled: Mutex<bool>,
    cv: Condvar,
}

/// Polls `inner` until it is ready or `timeout` has passed (`None`).
pub(crate) struct WithDeadline<F> {
    inner: Pin<Box<F>>,
    timeout: Duration,
    shared: Option<Arc<Shared>>,
}

pub(crate) fn with_deadline<F: Future>(inner: F, timeout: Duration) -> WithDeadline<F> {
    WithDeadline {
        inner: Box::pin(inner),
        timeout,
        shared: None,
    }
}

impl<F: Future> Future for WithDeadline<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.inner.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        match &self.shared {
            Some(s) if s.expired.load(Ordering::Acquire) => Poll::Ready(None),
            Some(_) => Poll::Pending,
            None => {
                let shared = Arc::new(Shared {
                    expired: AtomicBool::new(false),
                    cancelled: Mutex::new(false),
                    cv: Condvar::new(),
                });
                let (s, waker, timeout) = (Arc::clone(&shared), cx.waker().clone(), self.timeout);
                let spawned = thread::Builder::new()
                    .name("mediacapture-deadline".into())
                    .spawn(move || {
                        let end = Instant::now() + timeout;
                        let mut cancelled = s.cancelled.lock().unwrap_or_else(|e| e.into_inner());
                        while !*cancelled {
                            let left = end.saturating_duration_since(Instant::now());
                            if left.is_zero() {
                                s.expired.store(true, Ordering::Release);
                                waker.wake();
                                return;
                            }
                            cancelled =
                                s.cv.wait_timeout(cancelled, left)
                                    .unwrap_or_else(|e| e.into_inner())
                                    .0;
                        }
                    });
                if spawned.is_err() {
                    // No thread for the timer: give up now rather than wait without bound.
                    return Poll::Ready(None);
                }
                self.shared = Some(shared);
                Poll::Pending
            }
        }
    }
}

impl<F> Drop for WithDeadline<F> {
    fn drop(&mut self) {
        if let Some(s) = &self.shared {
            *s.cancelled.lock().unwrap_or_else(|e| e.into_inner()) = true;
            s.cv.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediacapture_main::block_on;

    #[test]
    fn ready_futures_pass_and_pending_ones_time_out() {
        assert_eq!(
            block_on(with_deadline(async { 5 }, Duration::from_secs(1))),
            Some(5)
        );
        let t = Instant::now();
        let never = std::future::pending::<()>();
        assert_eq!(
            block_on(with_deadline(never, Duration::from_millis(50))),
            None
        );
        assert!(t.elapsed() >= Duration::from_millis(50));
    }
}
