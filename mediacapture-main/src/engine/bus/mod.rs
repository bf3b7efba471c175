//! The bounded fan-out queue under every event target and frame reader: an [`EventBus`] (one
//! per target) queues each event on every live [`EventSubscription`] (one per reader), each
//! bounded, dropping its oldest droppable event when full and counting it. The rules a program
//! sees are in the public [`events`](crate::events) module, which re-exports what is public
//! here.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use mediacapture_hal::sync::lock;

/// How many events a subscription queues before it drops the oldest.
pub const DEFAULT_EVENT_CAPACITY: usize = 64;

/// A queued event: its size in bytes (what `emit_lossless` bounds), whether it may be
/// dropped to make room, and when it was queued.
struct Item<E> {
    event: E,
    bytes: usize,
    lossless: bool,
    at: Instant,
}

fn items<E>(events: VecDeque<E>) -> VecDeque<Item<E>> {
    let at = Instant::now();
    events
        .into_iter()
        .map(|event| Item {
            event,
            bytes: 0,
            lossless: false,
            at,
        })
        .collect()
}

struct Queue<E> {
    items: VecDeque<Item<E>>,
    /// The bytes of the lossless events queued.
    bytes: usize,
    capacity: usize,
    received: u64,
    /// Threads blocked in `recv`/`recv_timeout`: only then does a new event need a wake-up.
    waiting: usize,
    dropped: u64,
    closed: bool,
    waker: Option<Waker>,
}

impl<E> Queue<E> {
    fn pop(&mut self) -> Option<E> {
        self.pop_at().map(|(e, _)| e)
    }

    /// The oldest event and when it was queued.
    fn pop_at(&mut self) -> Option<(E, Instant)> {
        let item = self.items.pop_front()?;
        self.bytes -= item.bytes;
        Some((item.event, item.at))
    }

    /// Makes room for one more event by dropping the oldest one that may be dropped; `false`
    /// when every queued event is lossless.
    fn make_room(&mut self, overflow: &mut Vec<E>) -> bool {
        if self.items.len() < self.capacity {
            return true;
        }
        match self.items.iter().position(|i| !i.lossless) {
            Some(at) => {
                overflow.extend(self.items.remove(at).map(|i| i.event));
                self.dropped += 1;
                true
            }
            None => false,
        }
    }
}

struct Shared<E> {
    queue: Mutex<Queue<E>>,
    cond: Condvar,
}

/// A subscription to the events of one target; see the [`events`](crate::events) module for its rules.
pub struct EventSubscription<E> {
    shared: Arc<Shared<E>>,
}

impl<E> std::fmt::Debug for EventSubscription<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = lock(&self.shared.queue);
        f.debug_struct("EventSubscription")
            .field("queued", &q.items.len())
            .field("dropped", &q.dropped)
            .field("closed", &q.closed)
            .finish()
    }
}

/// Why [`EventSubscription::try_recv`] returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// No event is queued now; more may come.
    Empty,
    /// No event is queued and none will come.
    Closed,
}

/// Why [`EventSubscription::recv_timeout`] returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecvTimeoutError {
    /// No event came in time; more may come.
    Timeout,
    /// No event is queued and none will come.
    Closed,
}

impl<E> EventSubscription<E> {
    /// Blocks until an event comes (`Some`) or the subscription ends (`None`).
    pub fn recv(&self) -> Option<E> {
        let mut q = lock(&self.shared.queue);
        loop {
            if let Some(e) = q.pop() {
                return Some(e);
            }
            if q.closed {
                return None;
            }
            q.waiting += 1;
            q = self.shared.cond.wait(q).unwrap_or_else(|e| e.into_inner());
            q.waiting -= 1;
        }
    }

    /// Blocks until an event comes, the subscription ends, or `timeout` passes.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] or [`RecvTimeoutError::Closed`].
    pub fn recv_timeout(&self, timeout: Duration) -> Result<E, RecvTimeoutError> {
        self.recv_timeout_at(timeout).map(|(e, _)| e)
    }

    /// As [`recv_timeout`](Self::recv_timeout), also giving when the event was queued.
    pub(crate) fn recv_timeout_at(
        &self,
        timeout: Duration,
    ) -> Result<(E, Instant), RecvTimeoutError> {
        let deadline = Instant::now() + timeout;
        let mut q = lock(&self.shared.queue);
        loop {
            if let Some(e) = q.pop_at() {
                return Ok(e);
            }
            if q.closed {
                return Err(RecvTimeoutError::Closed);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(RecvTimeoutError::Timeout);
            }
            q.waiting += 1;
            q = self
                .shared
                .cond
                .wait_timeout(q, deadline - now)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
            q.waiting -= 1;
        }
    }

    /// Returns a queued event without blocking.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] or [`TryRecvError::Closed`].
    pub fn try_recv(&self) -> Result<E, TryRecvError> {
        let mut q = lock(&self.shared.queue);
        match q.pop() {
            Some(e) => Ok(e),
            None if q.closed => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// How many events were dropped because this subscription's queue was full.
    pub fn dropped(&self) -> u64 {
        lock(&self.shared.queue).dropped
    }

    /// How many events reached this subscription (read, queued or dropped).
    pub fn received(&self) -> u64 {
        lock(&self.shared.queue).received
    }

    /// How many events are queued now.
    pub(crate) fn queued(&self) -> usize {
        lock(&self.shared.queue).items.len()
    }

    /// How many events this subscription queues at most.
    pub fn capacity(&self) -> usize {
        lock(&self.shared.queue).capacity
    }
}

impl<E> futures_core::Stream for EventSubscription<E> {
    type Item = E;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<E>> {
        let mut q = lock(&self.shared.queue);
        if let Some(e) = q.pop() {
            return Poll::Ready(Some(e));
        }
        if q.closed {
            return Poll::Ready(None);
        }
        if !q.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            q.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl<E> Iterator for EventSubscription<E> {
    type Item = E;

    /// Blocks like [`recv`](EventSubscription::recv).
    fn next(&mut self) -> Option<E> {
        self.recv()
    }
}

/// The sending side: one per event target (a track, a stream, a `MediaDevices`, a recorder)
/// or per frame source (a track's pipe). A sibling crate makes its own through
/// [`ext`](crate::ext) for the events of its interfaces.
pub struct EventBus<E> {
    state: Mutex<BusState<E>>,
}

struct BusState<E> {
    /// Strong references: a subscription whose reader is gone is the only one left holding
    /// it (`strong_count == 1`) and is pruned on the next event.
    subscribers: Vec<Arc<Shared<E>>>,
    closed: bool,
    /// For a bus made [`retaining`](EventBus::retaining) or
    /// [`retaining_latest`](EventBus::retaining_latest), until its first subscription: the
    /// events fired so far (at most `retain.limit`) and how many were dropped.
    retained: Option<(VecDeque<E>, u64)>,
    retain: Retain,
}

/// How a bus keeps events for its first subscription.
#[derive(Clone, Copy)]
struct Retain {
    /// At most this many, the oldest dropped.
    limit: usize,
    /// Whether the dropped ones count as dropped for the first subscription (events: a
    /// notice it missed) or not (frames: only the latest was ever meant for it).
    counted: bool,
}

impl<E: Clone> Default for EventBus<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Clone> EventBus<E> {
    /// A bus whose events reach only the subscriptions made before they are fired (frame
    /// readers, recorder events).
    pub fn new() -> Self {
        EventBus {
            state: Mutex::new(BusState {
                subscribers: Vec::new(),
                closed: false,
                retained: None,
                retain: Retain {
                    limit: DEFAULT_EVENT_CAPACITY,
                    counted: true,
                },
            }),
        }
    }

    /// A bus that keeps what it fires before its first subscription for that subscription
    /// (an event target's events; see the [`events`](crate::events) module).
    pub fn retaining() -> Self {
        let bus = Self::new();
        lock(&bus.state).retained = Some((VecDeque::new(), 0));
        bus
    }

    /// A bus that keeps only the latest event it fires before its first subscription, for that
    /// subscription (a track's frames: its first reader starts from the frame the track
    /// delivered last, so that a frame delivered inside `getUserMedia` — the only frame of a
    /// one-frame file — is not lost; drops are not counted). See
    /// [`clear_retained`](Self::clear_retained).
    pub fn retaining_latest() -> Self {
        let bus = Self::new();
        {
            let mut st = lock(&bus.state);
            st.retained = Some((VecDeque::new(), 0));
            st.retain = Retain {
                limit: 1,
                counted: false,
            };
        }
        bus
    }

    /// Forgets what a retaining bus kept so far (a frame decided before a track was disabled,
    /// muted or reshaped is not one its first reader should see); later events are kept again.
    pub fn clear_retained(&self) {
        let old = {
            let mut st = lock(&self.state);
            match st.retained.as_mut() {
                Some((items, _)) => std::mem::take(items),
                None => VecDeque::new(),
            }
        };
        drop(old);
    }

    /// A new subscription that queues at most `capacity` events (at least 1). The first one
    /// of a retaining bus starts with what the bus kept; on a closed bus it is already ended.
    pub fn subscribe(&self, capacity: usize) -> EventSubscription<E> {
        let capacity = capacity.max(1);
        let mut st = lock(&self.state);
        let (mut items, mut dropped) = st.retained.take().unwrap_or_default();
        let overflow: Vec<E> = items
            .drain(..items.len().saturating_sub(capacity))
            .collect();
        dropped += overflow.len() as u64;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                received: items.len() as u64 + dropped,
                items: self::items(items),
                bytes: 0,
                capacity,
                waiting: 0,
                dropped,
                closed: st.closed,
                waker: None,
            }),
            cond: Condvar::new(),
        });
        if !st.closed {
            st.subscribers.retain(|s| Arc::strong_count(s) > 1);
            st.subscribers.push(Arc::clone(&shared));
        }
        drop(st);
        drop(overflow);
        EventSubscription { shared }
    }

    /// Queues `event` on every live subscription. Events dropped for lack of room are dropped
    /// only after every lock is released (an event may hold the last handle of a track).
    pub fn emit(&self, event: E) {
        let at = Instant::now();
        let mut overflow = Vec::new();
        {
            // The bus lock is held while queueing (it orders before each queue's lock), so
            // that one event costs no allocation however many subscribers there are.
            let mut st = lock(&self.state);
            if st.closed {
                return;
            }
            let retain = st.retain;
            if let Some((items, dropped)) = st.retained.as_mut() {
                if items.len() >= retain.limit {
                    overflow.extend(items.pop_front());
                    *dropped += u64::from(retain.counted);
                }
                items.push_back(event);
                return;
            }
            st.subscribers.retain(|s| Arc::strong_count(s) > 1);
            for s in &st.subscribers {
                let (waker, waiting) = {
                    let mut q = lock(&s.queue);
                    if !q.make_room(&mut overflow) {
                        // Full of lossless events: this one, which may be dropped, goes.
                        q.dropped += 1;
                        q.received += 1;
                        continue;
                    }
                    q.items.push_back(Item {
                        event: event.clone(),
                        bytes: 0,
                        lossless: false,
                        at,
                    });
                    q.received += 1;
                    (q.waker.take(), q.waiting > 0)
                };
                // No syscall when nobody is blocked on this subscription (checked under its
                // lock, where a waiter registers before it sleeps, so no wake-up is lost).
                if waiting {
                    s.cond.notify_all();
                }
                if let Some(w) = waker {
                    w.wake();
                }
            }
        }
        // Dropped events go only after every lock is released (an event may hold the last
        // handle of a track, whose drop takes the context lock).
        drop(overflow);
    }

    /// Queues `event`, which must not be lost (a recording's data), on every live
    /// subscription. Where it does not fit — the queue is full of other such events, or
    /// would hold more than `max_bytes` of them — the subscription gets `on_overflow()` as
    /// its last event instead and ends, so that its reader learns what it missed rather than
    /// missing it silently. Returns whether every subscription took the event.
    pub fn emit_lossless(
        &self,
        event: E,
        bytes: usize,
        max_bytes: usize,
        on_overflow: impl Fn() -> E,
    ) -> bool {
        let mut overflow = Vec::new();
        let mut all = true;
        {
            let at = Instant::now();
            let mut st = lock(&self.state);
            if st.closed {
                return true;
            }
            st.subscribers.retain(|s| Arc::strong_count(s) > 1);
            let mut failed = Vec::new();
            for (i, s) in st.subscribers.iter().enumerate() {
                let waker = {
                    let mut q = lock(&s.queue);
                    q.received += 1;
                    // A blob alone always fits (one recorded without a timeslice may be
                    // large); behind it, the bytes queued are bounded.
                    let fits = q.bytes == 0 || q.bytes + bytes <= max_bytes;
                    if fits && q.make_room(&mut overflow) {
                        q.bytes += bytes;
                        q.items.push_back(Item {
                            event: event.clone(),
                            bytes,
                            lossless: true,
                            at,
                        });
                    } else {
                        // One past the capacity: the reader's last event, then the end.
                        q.items.push_back(Item {
                            event: on_overflow(),
                            bytes: 0,
                            lossless: true,
                            at,
                        });
                        q.dropped += 1;
                        q.closed = true;
                        failed.push(i);
                        all = false;
                    }
                    q.waker.take()
                };
                s.cond.notify_all();
                if let Some(w) = waker {
                    w.wake();
                }
            }
            for i in failed.into_iter().rev() {
                st.subscribers.remove(i);
            }
        }
        drop(overflow);
        all
    }

    /// Ends every subscription (after what they have queued) and every later one.
    pub fn close(&self) {
        let subs: Vec<Arc<Shared<E>>> = {
            let mut st = lock(&self.state);
            if st.closed {
                return;
            }
            st.closed = true;
            std::mem::take(&mut st.subscribers)
        };
        for s in subs {
            let waker = {
                let mut q = lock(&s.queue);
                q.closed = true;
                q.waker.take()
            };
            s.cond.notify_all();
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

#[cfg(test)]
mod tests;
