//! What the backend, its scheduler and its capture threads share.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Instant;

use crate::config::FakeDeviceSpec;
use mediacapture_hal::sync::lock;
use mediacapture_hal::{
    DeviceCapabilities, DeviceEventSink, HotplugObserver, MediaDeviceKind, NativeConfig,
};

pub(crate) struct Inner {
    pub(crate) state: Mutex<State>,
    pub(crate) observers: Mutex<Vec<Weak<dyn HotplugObserver>>>,
    pub(crate) scheduler: Arc<Scheduler>,
}

pub(crate) struct FakeDevice {
    pub(crate) spec: FakeDeviceSpec,
    pub(crate) present: bool,
}

pub(crate) struct OpenDevice {
    pub(crate) hardware_id: String,
    pub(crate) kind: MediaDeviceKind,
    pub(crate) sink: DeviceEventSink,
    pub(crate) shared: Arc<HandleShared>,
}

/// What an open handle's capture thread shares with the backend.
pub(crate) struct HandleShared {
    pub(crate) running: AtomicBool,
    pub(crate) muted: AtomicBool,
    pub(crate) config: Mutex<NativeConfig>,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) devices: Vec<FakeDevice>,
    pub(crate) open: HashMap<u64, OpenDevice>,
    pub(crate) next_handle: u64,
    pub(crate) opens: HashMap<String, usize>,
}

impl State {
    /// Forgets every open handle of a device and returns their sinks, to be told it ended.
    pub(crate) fn take_open(
        &mut self,
        kind: MediaDeviceKind,
        hardware_id: &str,
    ) -> Vec<DeviceEventSink> {
        let ids: Vec<u64> = self
            .open
            .iter()
            .filter(|(_, o)| o.kind == kind && o.hardware_id == hardware_id)
            .map(|(k, _)| *k)
            .collect();
        ids.into_iter()
            .filter_map(|k| self.open.remove(&k))
            .map(|o| {
                o.shared.running.store(false, Ordering::SeqCst);
                o.sink
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Action {
    Present(String, MediaDeviceKind, bool),
    Mute(u64, bool),
    /// The `Muted` event of a device opened muted (`muteAtMs` has 0): it delivered nothing.
    OpenedMuted(u64),
    Fail(u64),
}

#[derive(Default)]
pub(crate) struct Sched {
    pub(crate) heap: BinaryHeap<Reverse<(Instant, u64)>>,
    pub(crate) actions: HashMap<u64, Action>,
    pub(crate) seq: u64,
    pub(crate) running: bool,
    pub(crate) shutdown: bool,
}

pub(crate) struct Scheduler {
    pub(crate) state: Mutex<Sched>,
    pub(crate) cond: Condvar,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let mut s = lock(&self.scheduler.state);
        s.shutdown = true;
        self.scheduler.cond.notify_all();
    }
}

pub(crate) fn supports(caps: &DeviceCapabilities, config: &NativeConfig) -> bool {
    match (caps, config) {
        (DeviceCapabilities::Video(v), NativeConfig::Video(m)) => v.modes.contains(m),
        (DeviceCapabilities::Audio(a), NativeConfig::Audio(c)) => {
            a.sample_rates.contains(&c.sample_rate) && a.channel_counts.contains(&c.channel_count)
        }
        _ => false,
    }
}
