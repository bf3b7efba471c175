//! [`FakeBackend`]: the devices, their controls (hot-plug, mute, faults) and the
//! [`Backend`] seam.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::config::{FakeConfigError, FakeDeviceSpec, FakeDevicesConfig};
use crate::file;
use mediacapture_hal::sync::lock;
use mediacapture_hal::{
    Backend, BackendError, BackendErrorKind, DeviceDescriptor, DeviceEvent, DeviceEventSink,
    DeviceHandle, EndReason, HotplugObserver, MediaDeviceKind, MediaSink, NativeConfig,
};

use crate::capture::*;
use crate::state::*;

/// The name of this backend, part of every fake `deviceId`.
pub const BACKEND_NAME: &str = "fake";

/// The fake capture backend. Cheap to clone: clones share the same devices.
#[derive(Clone)]
pub struct FakeBackend {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for FakeBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBackend")
            .field("devices", &lock(&self.inner.state).devices.len())
            .finish()
    }
}

impl FakeBackend {
    /// A backend with the devices of `config`.
    pub fn new(config: FakeDevicesConfig) -> Self {
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            observers: Mutex::new(Vec::new()),
            scheduler: Arc::new(Scheduler {
                state: Mutex::new(Sched::default()),
                cond: Condvar::new(),
            }),
        });
        let backend = FakeBackend { inner };
        let now = Instant::now();
        for spec in config.devices {
            backend.insert(spec, now);
        }
        backend
    }

    /// A backend with [`FakeDevicesConfig::default_devices`].
    pub fn with_default_devices() -> Self {
        Self::new(FakeDevicesConfig::default_devices())
    }

    fn insert(&self, spec: FakeDeviceSpec, now: Instant) {
        let (id, kind) = (spec.descriptor.hardware_id.clone(), spec.descriptor.kind);
        let script = spec.script.clone();
        let present = script.add_after_ms.is_none();
        lock(&self.inner.state)
            .devices
            .push(FakeDevice { spec, present });
        if let Some(ms) = script.add_after_ms {
            self.schedule(
                now + Duration::from_millis(ms),
                Action::Present(id.clone(), kind, true),
            );
        }
        if let Some(ms) = script.remove_after_ms {
            self.schedule(
                now + Duration::from_millis(ms),
                Action::Present(id, kind, false),
            );
        }
    }

    /// Adds a device from a one-device configuration such as
    /// `{"videoinput":[{"label":"USB Camera"}]}`, as if it had been plugged in: observers are
    /// told (`devicechange`).
    ///
    /// # Errors
    /// [`FakeConfigError`] for a malformed configuration.
    pub fn add_devices(&self, json: &str) -> Result<(), FakeConfigError> {
        let config = FakeDevicesConfig::from_json(json)?;
        let now = Instant::now();
        for spec in config.devices {
            self.insert(spec, now);
        }
        self.notify_observers();
        Ok(())
    }

    /// Unplugs a device: its open handles end (`DeviceLost`), then observers are told.
    /// Returns whether such a device was present.
    pub fn remove_device(&self, kind: MediaDeviceKind, hardware_id: &str) -> bool {
        self.set_present(kind, hardware_id, false)
    }

    /// Mutes or unmutes every open handle of a device (as an OS mute switch would).
    pub fn set_muted(&self, kind: MediaDeviceKind, hardware_id: &str, muted: bool) {
        let sinks = {
            let mut st = lock(&self.inner.state);
            st.open
                .values_mut()
                .filter(|o| o.kind == kind && o.hardware_id == hardware_id)
                .filter(|o| o.shared.muted.swap(muted, Ordering::SeqCst) != muted)
                .map(|o| o.sink.clone())
                .collect::<Vec<_>>()
        };
        for s in sinks {
            s(if muted {
                DeviceEvent::Muted
            } else {
                DeviceEvent::Unmuted
            });
        }
    }

    /// Makes every open handle of a device end with a failure.
    pub fn fail_device(&self, kind: MediaDeviceKind, hardware_id: &str, message: &str) {
        let sinks = lock(&self.inner.state).take_open(kind, hardware_id);
        for s in sinks {
            s(DeviceEvent::Ended(EndReason::Failure(message.to_owned())));
        }
    }

    /// Makes opening a device fail with `kind` from now on (`None`: open normally).
    pub fn set_open_error(
        &self,
        kind: MediaDeviceKind,
        hardware_id: &str,
        error: Option<BackendErrorKind>,
    ) {
        let mut st = lock(&self.inner.state);
        for d in st.devices.iter_mut().filter(|d| {
            d.spec.descriptor.kind == kind && d.spec.descriptor.hardware_id == hardware_id
        }) {
            d.spec.script.open_error = error;
        }
    }

    /// How many times a device has been opened successfully.
    pub fn open_count(&self, hardware_id: &str) -> usize {
        lock(&self.inner.state)
            .opens
            .get(hardware_id)
            .copied()
            .unwrap_or(0)
    }

    /// How many handles are open now, over all devices.
    pub fn open_handles(&self) -> usize {
        lock(&self.inner.state).open.len()
    }

    pub(crate) fn set_present(
        &self,
        kind: MediaDeviceKind,
        hardware_id: &str,
        present: bool,
    ) -> bool {
        let (changed, sinks) = {
            let mut st = lock(&self.inner.state);
            let mut changed = false;
            for d in st.devices.iter_mut() {
                if d.spec.descriptor.kind == kind
                    && d.spec.descriptor.hardware_id == hardware_id
                    && d.present != present
                {
                    d.present = present;
                    changed = true;
                }
            }
            let mut sinks = Vec::new();
            if changed && !present {
                sinks = st.take_open(kind, hardware_id);
            }
            (changed, sinks)
        };
        // Documented order: open tracks end first, then the device list changes.
        for s in sinks {
            s(DeviceEvent::Ended(EndReason::DeviceLost));
        }
        if changed {
            self.notify_observers();
        }
        changed
    }

    fn notify_observers(&self) {
        let live: Vec<Arc<dyn HotplugObserver>> = {
            let mut obs = lock(&self.inner.observers);
            obs.retain(|o| o.strong_count() > 0);
            obs.iter().filter_map(Weak::upgrade).collect()
        };
        for o in live {
            o.device_list_changed();
        }
    }
}

impl Backend for FakeBackend {
    fn name(&self) -> &'static str {
        BACKEND_NAME
    }

    fn enumerate(&self) -> Result<Vec<DeviceDescriptor>, BackendError> {
        let st = lock(&self.inner.state);
        Ok(st
            .devices
            .iter()
            .filter(|d| d.present)
            .map(|d| d.spec.descriptor.clone())
            .collect())
    }

    fn open(
        &self,
        hardware_id: &str,
        config: &NativeConfig,
        events: DeviceEventSink,
        media: MediaSink,
    ) -> Result<Box<dyn DeviceHandle>, BackendError> {
        let shared = Arc::new(HandleShared {
            running: AtomicBool::new(true),
            muted: AtomicBool::new(false),
            config: Mutex::new(config.clone()),
        });
        let (id, script, producer) = {
            let mut st = lock(&self.inner.state);
            let dev = st
                .devices
                .iter()
                .find(|d| d.present && d.spec.descriptor.hardware_id == hardware_id);
            let Some(dev) = dev else {
                return Err(BackendError::new(
                    BackendErrorKind::DeviceGone,
                    format!("no fake device {hardware_id:?}"),
                ));
            };
            if let Some(kind) = dev.spec.script.open_error {
                return Err(BackendError::new(
                    kind,
                    format!("fake device {hardware_id:?} is scripted to fail to open ({kind:?})"),
                ));
            }
            if !supports(&dev.spec.descriptor.capabilities, config) {
                return Err(BackendError::new(
                    BackendErrorKind::Unsupported,
                    "the fake device has no such mode",
                ));
            }
            let (kind, script) = (dev.spec.descriptor.kind, dev.spec.script.clone());
            shared
                .muted
                .store(FakeBackend::opens_muted(&script), Ordering::SeqCst);
            // A file that cannot be read now fails the open: NotReadableError.
            let unreadable = |m: String| BackendError::new(BackendErrorKind::NotReadable, m);
            let producer = match (&dev.spec.file, kind) {
                (Some(f), MediaDeviceKind::VideoInput) => {
                    Producer::Y4m(file::Y4mSource::open(&f.path, f.looping).map_err(unreadable)?)
                }
                (Some(f), MediaDeviceKind::AudioInput) => {
                    Producer::Wav(file::WavSource::open(&f.path, f.looping).map_err(unreadable)?)
                }
                _ => Producer::Synthetic,
            };
            st.next_handle += 1;
            let id = st.next_handle;
            let open = OpenDevice {
                hardware_id: hardware_id.to_owned(),
                kind,
                sink: events.clone(),
                shared: shared.clone(),
            };
            st.open.insert(id, open);
            *st.opens.entry(hardware_id.to_owned()).or_default() += 1;
            (id, script, producer)
        };
        let thread_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("mediacapture-fake-capture".into())
            .spawn(move || capture(thread_shared, events, media, producer));
        let thread = match spawned {
            Ok(t) => t,
            Err(e) => {
                lock(&self.inner.state).open.remove(&id);
                return Err(BackendError::new(
                    BackendErrorKind::Other,
                    "cannot start the fake capture thread",
                )
                .with_source(e));
            }
        };
        self.apply_open_script(id, &script, Instant::now());
        Ok(Box::new(FakeHandle {
            backend: Arc::downgrade(&self.inner),
            id,
            shared,
            thread: Some(thread),
        }))
    }

    fn watch(&self, observer: Weak<dyn HotplugObserver>) {
        lock(&self.inner.observers).push(observer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;
    use mediacapture_hal::{AudioData, VideoFrame, VideoMode};
    use mediacapture_hal::{MediaFrame, VideoPixelFormat};
    use std::sync::mpsc;

    fn media() -> (MediaSink, mpsc::Receiver<MediaFrame>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        (
            Arc::new(move |f| {
                let _ = lock(&tx).send(f);
            }),
            rx,
        )
    }

    fn sink() -> (DeviceEventSink, mpsc::Receiver<DeviceEvent>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        (
            Arc::new(move |e| {
                let _ = lock(&tx).send(e);
            }),
            rx,
        )
    }

    const WAIT: Duration = Duration::from_secs(5);

    #[test]
    fn open_starts_then_scripted_mute_unmute_and_failure() {
        let b = FakeBackend::new(
            FakeDevicesConfig::from_json(
                r#"{"videoinput":[{"id":"c","modes":[{"width":64,"height":48,"frameRate":30}],
                "muteAtMs":[300],"unmuteAtMs":[400],"failAfterMs":500}]}"#,
            )
            .unwrap(),
        );
        let (s, rx) = sink();
        let _h = b
            .open(
                "c",
                &NativeConfig::Video(VideoMode::new(64, 48, 30.0)),
                s,
                media().0,
            )
            .unwrap();
        let got: Vec<DeviceEvent> = (0..4).map(|_| rx.recv_timeout(WAIT).unwrap()).collect();
        assert_eq!(
            got,
            vec![
                DeviceEvent::Started,
                DeviceEvent::Muted,
                DeviceEvent::Unmuted,
                DeviceEvent::Ended(EndReason::Failure("scripted failure (failAfterMs)".into()))
            ]
        );
        assert_eq!(b.open_handles(), 0);
    }

    #[test]
    fn frames_are_paced_decodable_and_stop_with_the_handle() {
        let b = FakeBackend::new(
            FakeDevicesConfig::from_json(
                r#"{"videoinput":[{"id":"c","modes":[{"width":320,"height":240,"frameRate":50}]}],
                "audioinput":[{"id":"m","sampleRate":44100,"channelCount":2}]}"#,
            )
            .unwrap(),
        );
        let (s, ev) = sink();
        let (m, frames) = media();
        let mut h = b
            .open(
                "c",
                &NativeConfig::Video(VideoMode::new(320, 240, 50.0)),
                s,
                m,
            )
            .unwrap();
        let got: Vec<VideoFrame> = (0..10)
            .map(|_| {
                frames
                    .recv_timeout(WAIT)
                    .unwrap()
                    .as_video()
                    .unwrap()
                    .clone()
            })
            .collect();
        assert_eq!(ev.recv_timeout(WAIT).unwrap(), DeviceEvent::Started);
        for (i, f) in got.iter().enumerate() {
            assert_eq!(
                (f.coded_width(), f.coded_height(), f.format()),
                (320, 240, VideoPixelFormat::I420)
            );
            assert_eq!(
                f.timestamp(),
                i as i64 * 20_000,
                "timestamps follow the frame rate"
            );
            assert_eq!(f.duration(), Some(20_000));
            let y = f.plane(0).unwrap();
            assert_eq!(
                pattern::decode_frame_number(y, 320, 240, (320, 240)),
                Some(i as u32)
            );
        }
        b.set_muted(MediaDeviceKind::VideoInput, "c", true);
        assert_eq!(ev.recv_timeout(WAIT).unwrap(), DeviceEvent::Muted);
        while frames.recv_timeout(Duration::from_millis(60)).is_ok() {}
        assert!(
            frames.recv_timeout(Duration::from_millis(100)).is_err(),
            "a muted device delivers nothing"
        );
        b.set_muted(MediaDeviceKind::VideoInput, "c", false);
        let f = frames.recv_timeout(WAIT).unwrap();
        assert!(
            f.timestamp() > got[9].timestamp() + 100_000,
            "time went on while muted"
        );
        h.stop();
        while frames.try_recv().is_ok() {}
        assert!(
            frames.recv_timeout(Duration::from_millis(100)).is_err(),
            "nothing after stop()"
        );

        let (s, _ev) = sink();
        let (m, chunks) = media();
        let cfg = NativeConfig::Audio(mediacapture_hal::AudioConfig::new(44100, 2));
        let _h = b.open("m", &cfg, s, m).unwrap();
        let a: Vec<AudioData> = (0..3)
            .map(|_| {
                chunks
                    .recv_timeout(WAIT)
                    .unwrap()
                    .as_audio()
                    .unwrap()
                    .clone()
            })
            .collect();
        assert_eq!(
            (
                a[0].sample_rate(),
                a[0].number_of_channels(),
                a[0].number_of_frames()
            ),
            (44100, 2, 441)
        );
        assert_eq!((a[1].timestamp(), a[2].timestamp()), (10_000, 20_000));
        let s0 = a[1].to_f32();
        assert_eq!(s0[0], s0[1], "the same signal on every channel");
        assert_eq!(s0[0], pattern::tone_sample(441, 44100));
    }

    #[test]
    fn sample_counts_are_exact_at_any_rate() {
        let b = FakeBackend::new(
            FakeDevicesConfig::from_json(r#"{"audioinput":[{"id":"m","sampleRate":[22050,1]}]}"#)
                .unwrap(),
        );
        for rate in [22_050u32, 1] {
            let (s, _ev) = sink();
            let (m, chunks) = media();
            let cfg = NativeConfig::Audio(mediacapture_hal::AudioConfig::new(rate, 1));
            let _h = b.open("m", &cfg, s, m).unwrap();
            // The first second's worth of samples, in as many chunks as it takes.
            let (mut total, mut expected_ts) = (0u64, 0i64);
            while total < u64::from(rate) {
                let f = chunks.recv_timeout(WAIT).unwrap();
                let a = f.as_audio().unwrap();
                assert_eq!(a.timestamp(), expected_ts, "at sample {total}");
                total += a.number_of_frames() as u64;
                expected_ts = (u128::from(total) * 1_000_000 / u128::from(rate)) as i64;
                assert!(a.number_of_frames() as u64 <= u64::from(rate) / 100 + 1);
            }
            assert_eq!(
                total,
                u64::from(rate),
                "exactly a second of samples at {rate} Hz"
            );
        }
    }

    #[test]
    fn open_errors_and_unsupported_modes() {
        let b = FakeBackend::new(
            FakeDevicesConfig::from_json(r#"{"audioinput":[{"id":"m","openError":"busy"}]}"#)
                .unwrap(),
        );
        let (s, _rx) = sink();
        let cfg = NativeConfig::Audio(mediacapture_hal::AudioConfig::new(48000, 1));
        assert_eq!(
            b.open("m", &cfg, s.clone(), media().0)
                .err()
                .map(|e| e.kind),
            Some(BackendErrorKind::DeviceBusy)
        );
        b.set_open_error(MediaDeviceKind::AudioInput, "m", None);
        assert!(b.open("m", &cfg, s.clone(), media().0).is_ok());
        let bad = NativeConfig::Audio(mediacapture_hal::AudioConfig::new(12345, 1));
        assert_eq!(
            b.open("m", &bad, s.clone(), media().0)
                .err()
                .map(|e| e.kind),
            Some(BackendErrorKind::Unsupported)
        );
        assert_eq!(
            b.open("nope", &cfg, s, media().0).err().map(|e| e.kind),
            Some(BackendErrorKind::DeviceGone)
        );
    }

    #[test]
    fn removal_ends_open_handles_then_tells_observers() {
        struct Obs(Mutex<mpsc::Sender<&'static str>>);
        impl HotplugObserver for Obs {
            fn device_list_changed(&self) {
                let _ = lock(&self.0).send("changed");
            }
        }
        let b = FakeBackend::with_default_devices();
        let (tx, rx) = mpsc::channel();
        let obs: Arc<dyn HotplugObserver> = Arc::new(Obs(Mutex::new(tx)));
        b.watch(Arc::downgrade(&obs));
        let (s, ev) = sink();
        let _h = b
            .open(
                "fake-camera-0",
                &NativeConfig::Video(VideoMode::new(640, 480, 30.0)),
                s,
                media().0,
            )
            .unwrap();
        assert_eq!(ev.recv_timeout(WAIT).unwrap(), DeviceEvent::Started);
        assert!(b.remove_device(MediaDeviceKind::VideoInput, "fake-camera-0"));
        assert_eq!(
            ev.recv_timeout(WAIT).unwrap(),
            DeviceEvent::Ended(EndReason::DeviceLost)
        );
        assert_eq!(rx.recv_timeout(WAIT).unwrap(), "changed");
        assert_eq!(b.enumerate().unwrap().len(), 2);
        assert!(
            !b.remove_device(MediaDeviceKind::VideoInput, "fake-camera-0"),
            "already gone"
        );
    }

    #[test]
    fn scripted_hotplug_adds_then_removes() {
        let b = FakeBackend::new(
            FakeDevicesConfig::from_json(
                r#"{"audiooutput":[{"id":"o","addAfterMs":300,"removeAfterMs":500}]}"#,
            )
            .unwrap(),
        );
        assert!(b.enumerate().unwrap().is_empty());
        let t = Instant::now();
        while b.enumerate().unwrap().is_empty() {
            assert!(t.elapsed() < WAIT, "device never appeared");
            std::thread::sleep(Duration::from_millis(2));
        }
        while !b.enumerate().unwrap().is_empty() {
            assert!(t.elapsed() < WAIT, "device never went away");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}
