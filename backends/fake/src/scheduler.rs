//! The fake backend's scheduler: one thread per backend, alive only while something is
//! scheduled, running the devices' scripted events (hot-plug, mute, unmute, failure) in time
//! order.

use std::cmp::Reverse;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use mediacapture_hal::sync::lock;
use mediacapture_hal::{DeviceEvent, EndReason};

use crate::backend::FakeBackend;
use crate::config::Script;
use crate::state::{Action, Inner, Scheduler};

impl FakeBackend {
    /// Runs `action` at `at` on the scheduler thread (started when something is scheduled,
    /// gone when nothing is).
    pub(crate) fn schedule(&self, at: Instant, action: Action) {
        let sched = &self.inner.scheduler;
        let mut s = lock(&sched.state);
        s.seq += 1;
        let seq = s.seq;
        s.heap.push(Reverse((at, seq)));
        s.actions.insert(seq, action);
        if s.running {
            sched.cond.notify_all();
            return;
        }
        s.running = true;
        drop(s);
        let weak = Arc::downgrade(&self.inner);
        let sched = Arc::clone(sched);
        let spawned = std::thread::Builder::new()
            .name("mediacapture-fake".into())
            .spawn(move || run_scheduler(&sched, &weak));
        if let Err(e) = spawned {
            log::error!(
                "fake backend: cannot start its scheduler thread: {e}; scripted events will not happen"
            );
            lock(&self.inner.scheduler.state).running = false;
        }
    }

    fn run(&self, action: Action) {
        match action {
            Action::Present(id, kind, present) => {
                self.set_present(kind, &id, present);
            }
            Action::Mute(h, muted) => {
                let sink = {
                    let mut st = lock(&self.inner.state);
                    st.open
                        .get_mut(&h)
                        .filter(|o| o.shared.muted.swap(muted, Ordering::SeqCst) != muted)
                        .map(|o| o.sink.clone())
                };
                if let Some(s) = sink {
                    s(if muted {
                        DeviceEvent::Muted
                    } else {
                        DeviceEvent::Unmuted
                    });
                }
            }
            Action::OpenedMuted(h) => {
                let sink = {
                    let st = lock(&self.inner.state);
                    st.open
                        .get(&h)
                        .filter(|o| o.shared.muted.load(Ordering::SeqCst))
                        .map(|o| o.sink.clone())
                };
                if let Some(s) = sink {
                    s(DeviceEvent::Muted);
                }
            }
            Action::Fail(h) => {
                let sink = lock(&self.inner.state).open.remove(&h).map(|o| {
                    o.shared.running.store(false, Ordering::SeqCst);
                    o.sink
                });
                if let Some(s) = sink {
                    s(DeviceEvent::Ended(EndReason::Failure(
                        "scripted failure (failAfterMs)".into(),
                    )));
                }
            }
        }
    }

    /// Whether a device opens muted: `muteAtMs` has 0 (and `unmuteAtMs` does not), so that not
    /// one frame gets out before the mute.
    pub(crate) fn opens_muted(script: &Script) -> bool {
        script.mute_at_ms.contains(&0) && !script.unmute_at_ms.contains(&0)
    }

    /// Schedules what `script` does after each open of handle `id`, opened at `now`.
    pub(crate) fn apply_open_script(&self, id: u64, script: &Script, now: Instant) {
        for &ms in &script.mute_at_ms {
            let action = if ms == 0 && Self::opens_muted(script) {
                Action::OpenedMuted(id)
            } else {
                Action::Mute(id, true)
            };
            self.schedule(now + Duration::from_millis(ms), action);
        }
        for &ms in &script.unmute_at_ms {
            self.schedule(now + Duration::from_millis(ms), Action::Mute(id, false));
        }
        if let Some(ms) = script.fail_after_ms {
            self.schedule(now + Duration::from_millis(ms), Action::Fail(id));
        }
    }
}

fn run_scheduler(sched: &Scheduler, weak: &Weak<Inner>) {
    let mut s = lock(&sched.state);
    loop {
        if s.shutdown {
            return;
        }
        let Some(Reverse((at, seq))) = s.heap.peek().copied() else {
            s.running = false;
            return;
        };
        let now = Instant::now();
        if at > now {
            s = sched
                .cond
                .wait_timeout(s, at - now)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
            continue;
        }
        s.heap.pop();
        let action = s.actions.remove(&seq);
        drop(s);
        if let (Some(action), Some(inner)) = (action, weak.upgrade()) {
            FakeBackend { inner }.run(action);
        }
        s = lock(&sched.state);
    }
}
