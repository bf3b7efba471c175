//! A minimal executor, so that the `async` API can be used without any runtime.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on the current thread, parking between polls.
///
/// Every `async fn` of this crate works with it, with any async runtime, or inside another
/// future; none of them needs a particular runtime.
///
/// ```
/// let devices = mediacapture_main::MediaDevices::builder().fake_default_devices().build()?;
/// let list = mediacapture_main::block_on(devices.enumerate_devices());
/// assert_eq!(list.len(), 4); // microphone, camera, and the speaker twice ("default" first)
/// # Ok::<(), mediacapture_main::MediaStreamError>(())
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park();
    }
}
