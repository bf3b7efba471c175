//! mediacapture's cpal backend: microphones and speakers through [cpal](https://docs.rs/cpal),
//! the Rust ecosystem's cross-platform audio I/O: PulseAudio (also served by pipewire-pulse)
//! where a server runs, ALSA otherwise on Linux, and CoreAudio or WASAPI elsewhere.
//!
//! - Devices: cpal's input devices as `audioinput`, output devices as `audiooutput`; the
//!   hardware id is cpal's device id (`host:id`), the label its description's name.
//! - Capture: one thread per open device owns the cpal stream (cpal streams need not be
//!   `Send`); interleaved f32 at the asked rate and channel count, timestamps counted in
//!   samples.
//! - Hot-plug: cpal does not report device changes, so while someone watches, a thread lists
//!   the devices every [`POLL_INTERVAL`] and reports a change.
//! - A stream error ends the device (`DeviceLost` when cpal says the device is gone).
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use mediacapture_hal::sync::lock;
use mediacapture_hal::{
    AudioData, AudioDeviceCapabilities, Backend, BackendError, BackendErrorKind,
    DeviceCapabilities, DeviceDescriptor, DeviceEvent, DeviceEventSink, DeviceHandle, EndReason,
    HotplugObserver, MediaDeviceKind, MediaFrame, MediaSink, NativeConfig,
};
use mediacapture_types::BooleanOrDOMString;

/// How often device lists are compared while someone watches.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The sample rates offered from a device's supported ranges (besides its default).
const COMMON_RATES: &[u32] = &[
    8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000,
];

fn other(what: &str, e: impl std::fmt::Display) -> BackendError {
    BackendError::new(BackendErrorKind::Other, format!("{what}: {e}"))
}

#[derive(Default)]
struct Watch {
    observers: Vec<Weak<dyn HotplugObserver>>,
    polling: bool,
}

/// The cpal backend.
pub struct CpalBackend {
    host: cpal::HostId,
    watch: Arc<Mutex<Watch>>,
}

impl std::fmt::Debug for CpalBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalBackend")
            .field("host", &self.host.name())
            .finish()
    }
}

impl Default for CpalBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl CpalBackend {
    /// The platform's default cpal host (PulseAudio when a server answers, else ALSA, on
    /// Linux).
    pub fn new() -> Self {
        CpalBackend {
            host: cpal::default_host().id(),
            watch: Arc::new(Mutex::new(Watch::default())),
        }
    }

    /// The name of the cpal host in use ("PulseAudio", "ALSA", …).
    pub fn host_name(&self) -> &'static str {
        self.host.name()
    }

    fn host(&self) -> Result<cpal::Host, BackendError> {
        cpal::host_from_id(self.host).map_err(|e| other("the audio host is not available", e))
    }
}

/// What a device offers: its default configuration first, then the common rates and channel
/// counts its supported ranges hold.
fn audio_capabilities(d: &cpal::Device, input: bool) -> Option<AudioDeviceCapabilities> {
    let default = if input {
        d.default_input_config()
    } else {
        d.default_output_config()
    }
    .ok()?;
    let mut a = AudioDeviceCapabilities::default();
    a.sample_rates = vec![default.sample_rate()];
    a.channel_counts = vec![u32::from(default.channels())];
    let ranges: Vec<cpal::SupportedStreamConfigRange> = if input {
        d.supported_input_configs().map(Iterator::collect)
    } else {
        d.supported_output_configs().map(Iterator::collect)
    }
    .unwrap_or_default();
    for r in &ranges {
        let ch = u32::from(r.channels());
        if !a.channel_counts.contains(&ch) {
            a.channel_counts.push(ch);
        }
        for rate in COMMON_RATES {
            if (r.min_sample_rate()..=r.max_sample_rate()).contains(rate)
                && !a.sample_rates.contains(rate)
            {
                a.sample_rates.push(*rate);
            }
        }
    }
    a.sample_sizes = vec![32];
    a.latencies = vec![0.01];
    a.echo_cancellation = vec![BooleanOrDOMString::Boolean(false)];
    a.auto_gain_control = vec![false];
    a.noise_suppression = vec![false];
    // The media path resamples to any other rate and channel count.
    a.resample = true;
    Some(a)
}

fn label_of(d: &cpal::Device) -> String {
    d.description()
        .map(|x| x.name().to_owned())
        .unwrap_or_else(|_| "Audio device".to_owned())
}

fn id_of(d: &cpal::Device) -> Option<String> {
    d.id().ok().map(|id| id.to_string())
}

/// Whether an ALSA PCM is a sound card's, rather than a software one (`null`, which gives
/// silence; `pipewire`, `pulse`, `jack`, which route to sound servers that have backends of
/// their own; converters). `default` counts when a card exists.
fn is_alsa_card(pcm: &str, cards: bool) -> bool {
    pcm.contains("CARD=")
        || pcm.starts_with("hw:")
        || pcm.starts_with("plughw:")
        || (pcm == "default" && cards)
}

impl Backend for CpalBackend {
    fn name(&self) -> &'static str {
        "cpal"
    }

    fn enumerate(&self) -> Result<Vec<DeviceDescriptor>, BackendError> {
        let host = self.host()?;
        let default_in = host.default_input_device().and_then(|d| id_of(&d));
        let default_out = host.default_output_device().and_then(|d| id_of(&d));
        let alsa = self.host == cpal::HostId::Alsa;
        let all: Vec<(bool, cpal::Device)> = [true, false]
            .into_iter()
            .flat_map(|input| {
                let list = if input {
                    host.input_devices().map(|d| d.collect::<Vec<_>>())
                } else {
                    host.output_devices().map(|d| d.collect::<Vec<_>>())
                };
                list.unwrap_or_default()
                    .into_iter()
                    .map(move |d| (input, d))
            })
            .collect();
        let pcm = |d: &cpal::Device| d.id().ok().map(|id| id.id().to_owned()).unwrap_or_default();
        let cards = all.iter().any(|(_, d)| pcm(d).contains("CARD="));
        let mut out = Vec::new();
        for (input, d) in all {
            {
                if alsa && !is_alsa_card(&pcm(&d), cards) {
                    continue;
                }
                let Some(id) = id_of(&d) else { continue };
                let (kind, caps) = if input {
                    let Some(a) = audio_capabilities(&d, true) else {
                        continue;
                    };
                    (MediaDeviceKind::AudioInput, DeviceCapabilities::Audio(a))
                } else {
                    (MediaDeviceKind::AudioOutput, DeviceCapabilities::Output)
                };
                let mut desc = DeviceDescriptor::new(kind, id.clone(), label_of(&d), caps);
                desc.is_default =
                    Some(&id) == if input { &default_in } else { &default_out }.as_ref();
                out.push(desc);
            }
        }
        Ok(out)
    }

    fn open(
        &self,
        hardware_id: &str,
        config: &NativeConfig,
        events: DeviceEventSink,
        media: MediaSink,
    ) -> Result<Box<dyn DeviceHandle>, BackendError> {
        let NativeConfig::Audio(audio) = config else {
            return Err(BackendError::new(
                BackendErrorKind::Unsupported,
                "cpal devices are audio devices",
            ));
        };
        let (rate, channels) = (audio.sample_rate, audio.channel_count);
        let host = self.host;
        let id = hardware_id.to_owned();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), BackendError>>();
        let thread = std::thread::Builder::new()
            .name("mediacapture-cpal".into())
            .spawn(move || {
                let stream = (|| {
                    let host = cpal::host_from_id(host).map_err(|e| other("no audio host", e))?;
                    let device = host
                        .input_devices()
                        .map_err(|e| other("cannot list the audio devices", e))?
                        .find(|d| id_of(d).as_deref() == Some(id.as_str()))
                        .ok_or_else(|| {
                            BackendError::new(
                                BackendErrorKind::DeviceGone,
                                format!("no audio input {id:?}"),
                            )
                        })?;
                    let cfg = cpal::StreamConfig {
                        channels: u16::try_from(channels).unwrap_or(2),
                        sample_rate: rate,
                        buffer_size: cpal::BufferSize::Default,
                    };
                    let frames = Arc::new(AtomicU64::new(0));
                    let started = Arc::new(AtomicBool::new(false));
                    let ended = Arc::new(AtomicBool::new(false));
                    let (ev, ev2, ended2) =
                        (Arc::clone(&events), Arc::clone(&events), Arc::clone(&ended));
                    let stream = device
                        .build_input_stream::<f32, _, _>(
                            cfg,
                            move |data: &[f32], _info: &cpal::InputCallbackInfo| {
                                if data.is_empty() {
                                    return;
                                }
                                if !started.swap(true, Ordering::AcqRel) {
                                    ev(DeviceEvent::Started);
                                }
                                let n = (data.len() / channels.max(1) as usize) as u64;
                                let first = frames.fetch_add(n, Ordering::Relaxed);
                                let ts = i64::try_from(first * 1_000_000 / u64::from(rate.max(1)))
                                    .unwrap_or(i64::MAX);
                                if let Ok(a) = AudioData::new_f32(rate, channels, ts, data.to_vec())
                                {
                                    media(MediaFrame::Audio(a));
                                }
                            },
                            move |e: cpal::Error| {
                                if !ended2.swap(true, Ordering::AcqRel) {
                                    let gone = e
                                        .to_string()
                                        .to_ascii_lowercase()
                                        .contains("not available");
                                    ev2(DeviceEvent::Ended(if gone {
                                        EndReason::DeviceLost
                                    } else {
                                        EndReason::Failure(e.to_string())
                                    }));
                                }
                            },
                            Some(Duration::from_secs(5)),
                        )
                        .map_err(|e| {
                            let kind = match e.to_string().to_ascii_lowercase() {
                                m if m.contains("busy") => BackendErrorKind::DeviceBusy,
                                m if m.contains("permission") => BackendErrorKind::PermissionDenied,
                                m if m.contains("not available") => BackendErrorKind::DeviceGone,
                                m if m.contains("unsupported") || m.contains("not supported") => {
                                    BackendErrorKind::Unsupported
                                }
                                _ => BackendErrorKind::Other,
                            };
                            BackendError::new(kind, format!("cannot open {id:?}: {e}"))
                        })?;
                    stream
                        .play()
                        .map_err(|e| other("cannot start the stream", e))?;
                    Ok(stream)
                })();
                match stream {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(()));
                        let _ = stop_rx.recv();
                        drop(s);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            })
            .map_err(|e| other("cannot start a thread", e))?;
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(Box::new(CpalHandle {
                stop: Some(stop_tx),
                thread: Some(thread),
            })),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(BackendError::new(
                BackendErrorKind::Other,
                "the audio device did not open in time",
            )),
        }
    }

    fn watch(&self, observer: Weak<dyn HotplugObserver>) {
        let start = {
            let mut w = lock(&self.watch);
            w.observers.push(observer);
            !std::mem::replace(&mut w.polling, true)
        };
        if !start {
            return;
        }
        let (watch, host) = (Arc::clone(&self.watch), self.host);
        let list = move || -> Vec<String> {
            let Ok(h) = cpal::host_from_id(host) else {
                return Vec::new();
            };
            h.devices()
                .map(|d| d.filter_map(|d| id_of(&d)).collect())
                .unwrap_or_default()
        };
        let spawned = std::thread::Builder::new()
            .name("mediacapture-cpal-watch".into())
            .spawn(move || {
                let mut last = list();
                loop {
                    std::thread::sleep(POLL_INTERVAL);
                    let observers: Vec<Arc<dyn HotplugObserver>> = {
                        let mut w = lock(&watch);
                        w.observers.retain(|o| o.strong_count() > 0);
                        if w.observers.is_empty() {
                            w.polling = false;
                            return;
                        }
                        w.observers.iter().filter_map(Weak::upgrade).collect()
                    };
                    let now = list();
                    if now != last {
                        last = now;
                        for o in observers {
                            o.device_list_changed();
                        }
                    }
                }
            });
        if spawned.is_err() {
            lock(&self.watch).polling = false;
        }
    }
}

/// An open input: its thread owns the cpal stream until told to stop.
struct CpalHandle {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DeviceHandle for CpalHandle {
    fn reconfigure(&mut self, _config: &NativeConfig) -> Result<(), BackendError> {
        Err(BackendError::new(
            BackendErrorKind::Unsupported,
            "a cpal stream keeps its configuration; the media path converts",
        ))
    }

    fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for CpalHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
