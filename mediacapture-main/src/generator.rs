//! The common core of the track generators: a source driven by the program's own frames.
//!
//! Corresponds to the generator of [`VideoTrackGenerator`](https://w3c.github.io/mediacapture-transform/#video-track-generator)
//! (and, for audio, the legacy `MediaStreamTrackGenerator`). Its tracks live in a context of
//! their own, not tied to any `MediaDevices`, and behave like any other track: clones, stop,
//! mute, readers, and constraints applied by cropping and scaling what is written.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use mediacapture_core::SelectedSettings;
use mediacapture_hal::{
    AudioConfig, AudioDeviceCapabilities, Backend, BackendError, BackendErrorKind,
    DeviceCapabilities, DeviceDescriptor, DeviceEvent, DeviceEventSink, DeviceHandle, EndReason,
    HotplugObserver, MediaFrame, MediaSink, NativeConfig, VideoDeviceCapabilities, VideoMode,
};

use crate::engine::bus::EventBus;
use crate::engine::context::{Context, DeviceRecord, target_of};
use crate::engine::media::SourceMedia;
use crate::engine::source::NewTrack;
use crate::{MediaStreamError, MediaStreamTrack, MediaStreamTrackKind, VideoResizeModeEnum};
use mediacapture_hal::sync::lock;

/// The "backend" of generated tracks: it has no devices and opens nothing.
struct GeneratorBackend;

impl Backend for GeneratorBackend {
    fn name(&self) -> &'static str {
        "generator"
    }
    fn enumerate(&self) -> Result<Vec<DeviceDescriptor>, BackendError> {
        Ok(Vec::new())
    }
    fn open(
        &self,
        _: &str,
        _: &NativeConfig,
        _: DeviceEventSink,
        _: MediaSink,
    ) -> Result<Box<dyn DeviceHandle>, BackendError> {
        Err(BackendError::new(
            BackendErrorKind::Unsupported,
            "generated tracks have no device",
        ))
    }
    fn watch(&self, _: Weak<dyn HotplugObserver>) {}
}

/// The largest frame rate a generated video track can be asked for ("the system maximum").
const MAX_FRAME_RATE: f64 = 1000.0;

/// The shape a generated track starts with, before anything is written.
fn nominal(kind: MediaStreamTrackKind) -> NativeConfig {
    match kind {
        MediaStreamTrackKind::Video => {
            NativeConfig::Video(VideoMode::new(640, 480, MAX_FRAME_RATE))
        }
        MediaStreamTrackKind::Audio => {
            let mut a = AudioConfig::new(48_000, 1);
            a.sample_size = Some(32);
            NativeConfig::Audio(a)
        }
    }
}

fn shape_of(frame: &MediaFrame) -> NativeConfig {
    match frame {
        MediaFrame::Video(v) => NativeConfig::Video(VideoMode::new(
            v.coded_width(),
            v.coded_height(),
            MAX_FRAME_RATE,
        )),
        MediaFrame::Audio(a) => {
            let mut c = AudioConfig::new(a.sample_rate(), a.number_of_channels());
            c.sample_size = Some(match a.format() {
                mediacapture_hal::frame::AudioSampleFormat::S16
                | mediacapture_hal::frame::AudioSampleFormat::S16Planar => 16,
                _ => 32,
            });
            NativeConfig::Audio(c)
        }
    }
}

fn record_for(
    kind: MediaStreamTrackKind,
    native: &NativeConfig,
    rate: &Arc<AtomicU64>,
) -> Arc<DeviceRecord> {
    let caps = match native {
        NativeConfig::Video(m) => DeviceCapabilities::Video(VideoDeviceCapabilities::new(vec![*m])),
        NativeConfig::Audio(a) => {
            let mut c = AudioDeviceCapabilities::default();
            c.sample_rates = vec![a.sample_rate];
            c.channel_counts = vec![a.channel_count];
            c.sample_sizes = a.sample_size.into_iter().collect();
            c.latencies.clear();
            c.echo_cancellation.clear();
            c.auto_gain_control.clear();
            c.noise_suppression.clear();
            DeviceCapabilities::Audio(c)
        }
        _ => DeviceCapabilities::Output,
    };
    Arc::new(DeviceRecord {
        backend: Arc::new(GeneratorBackend),
        descriptor: DeviceDescriptor::new(kind.device_kind(), "generator", "", caps),
        device_id: String::new(),
        group_id: String::new(),
        generated: true,
        rate_estimate: (kind == MediaStreamTrackKind::Video).then(|| Arc::clone(rate)),
    })
}

/// The settings of a track that takes the generator's frames as they are.
fn as_is(native: &NativeConfig) -> SelectedSettings {
    match native {
        NativeConfig::Video(m) => SelectedSettings::Video {
            mode: *m,
            width: m.width,
            height: m.height,
            frame_rate: m.frame_rate,
            resize_mode: VideoResizeModeEnum::None,
            background_blur: None,
        },
        NativeConfig::Audio(a) => SelectedSettings::Audio(a.clone()),
        _ => SelectedSettings::Audio(AudioConfig::new(0, 0)),
    }
}

pub(crate) struct Generator {
    ctx: Arc<Context>,
    source: u64,
    media: Arc<SourceMedia>,
    kind: MediaStreamTrackKind,
    muted: AtomicBool,
    closed: AtomicBool,
    started: AtomicBool,
    shape: Mutex<NativeConfig>,
    rate: Arc<AtomicU64>,
    last_ts: AtomicI64,
}

impl Generator {
    /// A generator of `kind` and its first track.
    pub fn new(kind: MediaStreamTrackKind) -> (Arc<Generator>, MediaStreamTrack) {
        let ctx = Context::new();
        let native = nominal(kind);
        let rate = Arc::new(AtomicU64::new(0f64.to_bits()));
        let record = record_for(kind, &native, &rate);
        let events = Arc::new(EventBus::retaining());
        let selected = as_is(&native);
        let (source, key, media) = ctx.add_source(
            &record,
            &native,
            NewTrack {
                device: Arc::clone(&record),
                kind,
                constraints: Default::default(),
                selected,
                muted: false,
                enabled: true,
                keeps_latest: false,
                events: Arc::clone(&events),
            },
        );
        let track = MediaStreamTrack::from_slot(&ctx, key, kind, String::new(), events);
        let g = Generator {
            ctx,
            source,
            media,
            kind,
            muted: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            started: AtomicBool::new(false),
            shape: Mutex::new(native),
            rate,
            last_ts: AtomicI64::new(i64::MIN),
        };
        (Arc::new(g), track)
    }

    /// Sends `frame` to every live track of the generator.
    pub fn write(&self, frame: MediaFrame) -> Result<(), MediaStreamError> {
        // A write once every track has ended (or after close) is rejected.
        if self.closed.load(Ordering::SeqCst) || !self.media.has_pipes() {
            return Err(MediaStreamError::type_error(
                "the generator's tracks have all ended",
            ));
        }
        let kind_ok = matches!(
            (&frame, self.kind),
            (MediaFrame::Video(_), MediaStreamTrackKind::Video)
                | (MediaFrame::Audio(_), MediaStreamTrackKind::Audio)
        );
        if !kind_ok {
            return Err(MediaStreamError::type_error(format!(
                "a {} generator takes only {} frames",
                self.kind, self.kind
            )));
        }
        // Frames written while muted are discarded.
        if self.muted.load(Ordering::SeqCst) {
            return Ok(());
        }
        let shape = shape_of(&frame);
        if *lock(&self.shape) != shape {
            self.reshape(shape);
        }
        if let MediaFrame::Video(v) = &frame {
            let last = self.last_ts.swap(v.timestamp(), Ordering::Relaxed);
            if last != i64::MIN && v.timestamp() > last {
                let est = 1e6 / (v.timestamp() - last) as f64;
                self.rate.store(est.to_bits(), Ordering::Relaxed);
            }
        }
        if !self.started.swap(true, Ordering::SeqCst) {
            self.ctx.on_device_event(self.source, DeviceEvent::Started);
        }
        self.media.deliver(frame);
        Ok(())
    }

    /// The frames changed shape: the source's "device" and the as-is tracks follow.
    fn reshape(&self, native: NativeConfig) {
        *lock(&self.shape) = native.clone();
        let record = record_for(self.kind, &native, &self.rate);
        let mut st = self.ctx.lock();
        let Some(src) = st.sources.get_mut(&self.source) else {
            return;
        };
        src.device = Arc::clone(&record);
        let old = std::mem::replace(&mut src.native, native.clone());
        let followed = as_is(&old);
        let tracks = src.tracks.clone();
        for t in tracks {
            if let Some(slot) = st.tracks.get_mut(&t) {
                slot.device = Arc::clone(&record);
                // Tracks that took the frames as they were keep doing so; tracks with settings
                // of their own (cropped, scaled, resampled) keep those.
                if slot.selected == followed {
                    slot.selected = as_is(&native);
                    slot.pipe.set_target(target_of(&slot.selected));
                }
                slot.settings = record.settings(&slot.selected);
            }
        }
    }

    pub fn muted(&self) -> bool {
        self.muted.load(Ordering::SeqCst)
    }

    /// Sets `muted`; a change mutes or unmutes every live track (firing `mute`/`unmute`).
    pub fn set_muted(&self, muted: bool) {
        if self.muted.swap(muted, Ordering::SeqCst) != muted {
            self.ctx.on_device_event(
                self.source,
                if muted {
                    DeviceEvent::Muted
                } else {
                    DeviceEvent::Unmuted
                },
            );
        }
    }

    /// Closes the generator: every live track ends and fires `ended`; later writes fail.
    pub fn close(&self) {
        if !self.closed.swap(true, Ordering::SeqCst) {
            self.ctx
                .on_device_event(self.source, DeviceEvent::Ended(EndReason::Finished));
        }
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        self.close();
    }
}

/// The methods and `Debug` that `VideoTrackGenerator` and `AudioTrackGenerator` share, for a
/// struct `$name { core: Arc<Generator>, track: MediaStreamTrack }` of `$kind` tracks.
macro_rules! track_generator_common {
    ($name:ident, $kind:ident, $what:literal) => {
        impl $name {
            /// A generator and its track (unmuted, live).
            #[allow(clippy::new_without_default)] // A generator is a resource, not a value.
            pub fn new() -> Self {
                let (core, track) =
                    $crate::generator::Generator::new($crate::MediaStreamTrackKind::$kind);
                $name { core, track }
            }

            /// The generated track (always the same object).
            pub fn track(&self) -> &$crate::MediaStreamTrack {
                &self.track
            }

            #[doc = concat!("Whether written ", $what, " discarded and the tracks muted.")]
            pub fn muted(&self) -> bool {
                self.core.muted()
            }

            /// Mutes or unmutes: the tracks fire `mute`/`unmute` on a change.
            pub fn set_muted(&self, muted: bool) {
                self.core.set_muted(muted);
            }

            /// Closes the writable side: every live track ends and fires `ended`.
            pub fn close(&self) {
                self.core.close();
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("track", &self.track)
                    .field("muted", &self.muted())
                    .finish()
            }
        }
    };
}
pub(crate) use track_generator_common;
