//! What SelectSettings takes and gives: offers, defaults, the selection, the failure.

use mediacapture_types::device::{AudioConfig, DeviceCapabilities, NativeConfig, VideoMode};
use mediacapture_types::{ConstrainableProperty, VideoResizeModeEnum};

/// The order in which required constraints narrow the candidates; the first one that leaves
/// none is the `constraint` of the `OverconstrainedError`.
///
/// Device identity comes first, then the resize mode, then sizes and rates, then audio
/// properties. This is deterministic and names the constraint a person would blame:
/// `{resizeMode: {exact: "none"}, width: {exact: 641}}` fails on `width`.
pub const SELECTION_ORDER: [ConstrainableProperty; 16] = {
    use ConstrainableProperty as P;
    [
        P::DeviceId,
        P::GroupId,
        P::FacingMode,
        P::ResizeMode,
        P::Width,
        P::Height,
        P::AspectRatio,
        P::FrameRate,
        P::BackgroundBlur,
        P::SampleRate,
        P::SampleSize,
        P::ChannelCount,
        P::Latency,
        P::EchoCancellation,
        P::AutoGainControl,
        P::NoiseSuppression,
    ]
};

/// A device offered to [`select_settings`](crate::select_settings).
#[derive(Clone, Copy, Debug)]
pub struct DeviceOffer<'a> {
    /// Its `deviceId`, as constraints see it.
    pub device_id: &'a str,
    /// Its `groupId`, as constraints see it.
    pub group_id: &'a str,
    /// What it can do.
    pub capabilities: &'a DeviceCapabilities,
    /// When the device is already running for other tracks: the native configuration it runs
    /// in, which this selection must keep (settings may still be cropped and scaled from it).
    pub restrict_to: Option<&'a NativeConfig>,
}

/// The user agent's defaults, used to break ties (spec SelectSettings step 6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectionDefaults {
    /// Preferred width (640).
    pub width: u32,
    /// Preferred height (480).
    pub height: u32,
    /// Preferred frame rate (30).
    pub frame_rate: f64,
    /// Preferred echo cancellation (`true`; content hints may change it).
    pub echo_cancellation: bool,
    /// Preferred automatic gain control (`true`; content hints may change it).
    pub auto_gain_control: bool,
    /// Preferred noise suppression (`true`; content hints may change it).
    pub noise_suppression: bool,
}

impl Default for SelectionDefaults {
    fn default() -> Self {
        SelectionDefaults {
            width: 640,
            height: 480,
            frame_rate: 30.0,
            echo_cancellation: true,
            auto_gain_control: true,
            noise_suppression: true,
        }
    }
}

/// The settings chosen for a track.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectedSettings {
    /// A video track.
    Video {
        /// The native mode the source runs in.
        mode: VideoMode,
        /// The track's width (at most the mode's).
        width: u32,
        /// The track's height (at most the mode's).
        height: u32,
        /// The track's frame rate (at most the mode's).
        frame_rate: f64,
        /// `none` when the track gets the mode as it is.
        resize_mode: VideoResizeModeEnum,
        /// Background blur, when the device reports it.
        background_blur: Option<bool>,
    },
    /// An audio track: the device configuration.
    Audio(AudioConfig),
}

/// The outcome of a successful [`select_settings`](crate::select_settings).
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Index of the chosen device in the offers.
    pub device: usize,
    /// The chosen settings.
    pub settings: SelectedSettings,
    /// Their fitness distance against the basic constraint set.
    pub fitness: f64,
}

impl Selection {
    /// The native configuration the device must run in.
    /// The native configuration the device must run in to give these settings (`caps`: the
    /// chosen device's). A resampled audio track runs its device at the device's own rate and
    /// channel count nearest to the track's.
    pub fn native_config(&self, caps: &DeviceCapabilities) -> NativeConfig {
        match (&self.settings, caps) {
            (SelectedSettings::Video { mode, .. }, _) => NativeConfig::Video(*mode),
            (SelectedSettings::Audio(a), DeviceCapabilities::Audio(d)) => {
                let mut n = a.clone();
                if !d.sample_rates.contains(&a.sample_rate) {
                    // The lowest native rate at or above the track's, else the highest.
                    n.sample_rate = d
                        .sample_rates
                        .iter()
                        .copied()
                        .filter(|r| *r >= a.sample_rate)
                        .min()
                        .or_else(|| d.sample_rates.iter().copied().max())
                        .unwrap_or(a.sample_rate);
                }
                if !d.channel_counts.contains(&a.channel_count) {
                    n.channel_count = d.channel_counts.first().copied().unwrap_or(a.channel_count);
                }
                NativeConfig::Audio(n)
            }
            (SelectedSettings::Audio(a), _) => NativeConfig::Audio(a.clone()),
        }
    }
}

/// SelectSettings failed: no settings satisfy the required constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedConstraint(pub Option<ConstrainableProperty>);

impl FailedConstraint {
    /// The name for `OverconstrainedError.constraint` (`""` when no single constraint is to
    /// blame, for example when no device was offered).
    pub fn name(&self) -> &'static str {
        self.0.map_or("", ConstrainableProperty::as_str)
    }
}
