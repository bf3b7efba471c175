//! Constraint sets compiled for evaluation, and the fitness distance of a point.

use mediacapture_types::{
    BooleanOrDOMString, Constrain, ConstrainExact, ConstrainNumber, ConstrainableProperty,
    MediaStreamTrackKind, MediaTrackConstraintSet, MediaTrackSettings,
};

/// How a bare value (`width: 640` rather than `width: {ideal: 640}`) is read.
///
/// In the basic constraint set a bare value is an *ideal*; inside an `advanced` set it is
/// *exact* ([spec](https://w3c.github.io/mediacapture-main/#dom-mediatrackconstraints-advanced)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BareValue {
    /// Read a bare value as `ideal` (the basic set).
    Ideal,
    /// Read a bare value as `exact` (an advanced set).
    Exact,
}

/// Tolerance for comparing doubles (`aspectRatio`, `frameRate`, `latency`).
pub(crate) const EPS: f64 = 1e-6;
pub(crate) const INF: f64 = f64::INFINITY;

/// A numeric constraint with the bare value resolved.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NumC {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub exact: Option<f64>,
    pub ideal: Option<f64>,
}

impl NumC {
    fn new<T: ConstrainNumber>(c: &Constrain<T>, bare: BareValue) -> NumC {
        match c {
            Constrain::Value(v) => match bare {
                BareValue::Ideal => NumC {
                    ideal: Some(v.to_f64()),
                    ..Default::default()
                },
                BareValue::Exact => NumC {
                    exact: Some(v.to_f64()),
                    ..Default::default()
                },
            },
            Constrain::Range(r) => NumC {
                min: r.min.map(T::to_f64),
                max: r.max.map(T::to_f64),
                exact: r.exact.map(T::to_f64),
                ideal: r.ideal.map(T::to_f64),
            },
        }
    }

    pub fn required(&self) -> bool {
        self.min.is_some() || self.max.is_some() || self.exact.is_some()
    }

    /// The interval the value must lie in (`-inf..inf` when not required).
    pub fn bounds(&self) -> (f64, f64) {
        let mut lo = self.min.unwrap_or(-INF);
        let mut hi = self.max.unwrap_or(INF);
        if let Some(e) = self.exact {
            lo = lo.max(e);
            hi = hi.min(e);
        }
        (lo, hi)
    }

    pub fn satisfied(&self, v: f64, eps: f64) -> bool {
        let (lo, hi) = self.bounds();
        // `min > max` can never be met, whatever the tolerance.
        if let (Some(a), Some(b)) = (self.min, self.max)
            && a > b
        {
            return false;
        }
        v >= lo - eps && v <= hi + eps
    }

    /// Spec fitness distance, steps 2, 5, 6 and 7.
    pub fn distance(&self, actual: Option<f64>, eps: f64) -> f64 {
        // Step 2. A required constraint that the value fails, or that has no value: infinity.
        if self.required() && !actual.is_some_and(|v| self.satisfied(v, eps)) {
            return INF;
        }
        // Step 5. The settings dictionary has no value for it: 1.
        let Some(v) = actual else { return 1.0 };
        // Step 6. No ideal: 0.
        let Some(ideal) = self.ideal else { return 0.0 };
        // Step 7. |actual - ideal| / max(|actual|, |ideal|), 0 when equal.
        relative_distance(v, ideal, eps)
    }
}

/// `|a - b| / max(|a|, |b|)`, or 0 when they are (within `eps` of) equal.
pub(crate) fn relative_distance(a: f64, b: f64, eps: f64) -> f64 {
    if (a - b).abs() <= eps {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// An `exact`/`ideal` constraint (strings, booleans, echoCancellation) with the bare value
/// resolved. For strings `T` is a slice of accepted values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExactC<T> {
    pub exact: Option<T>,
    pub ideal: Option<T>,
}

impl<T: Copy> ExactC<T> {
    pub fn required(&self) -> bool {
        self.exact.is_some()
    }

    /// Spec fitness distance, steps 2, 5, 6 and 8, with `matches(constraint_value, actual)`.
    pub fn distance<A: Copy>(&self, actual: Option<A>, matches: impl Fn(T, A) -> bool) -> f64 {
        // Step 2.
        if let Some(e) = self.exact
            && !actual.is_some_and(|a| matches(e, a))
        {
            return INF;
        }
        // Step 5.
        let Some(a) = actual else { return 1.0 };
        // Steps 6 and 8.
        match self.ideal {
            None => 0.0,
            Some(i) if matches(i, a) => 0.0,
            Some(_) => 1.0,
        }
    }
}

pub(crate) type StrC<'a> = ExactC<&'a [String]>;
pub(crate) type BoolC = ExactC<bool>;
pub(crate) type EcC<'a> = ExactC<&'a BooleanOrDOMString>;

fn exact_c<'a, V: Clone + PartialEq, T: Copy>(
    c: &'a ConstrainExact<V>,
    bare: BareValue,
    map: impl Fn(&'a V) -> Option<T>,
) -> Option<ExactC<T>> {
    let (exact, ideal) = match c {
        ConstrainExact::Value(v) => match bare {
            BareValue::Ideal => (None, map(v)),
            BareValue::Exact => (map(v), None),
        },
        ConstrainExact::Parameters(p) => (
            p.exact.as_ref().and_then(&map),
            p.ideal.as_ref().and_then(&map),
        ),
    };
    // An empty list is the same as not giving the member at all.
    (exact.is_some() || ideal.is_some()).then_some(ExactC { exact, ideal })
}

/// One constraint set, compiled for one kind of track: members that do not apply to the kind
/// are dropped (fitness distance step 3), bare values are resolved, empty lists removed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Compiled<'a> {
    pub width: Option<NumC>,
    pub height: Option<NumC>,
    pub aspect_ratio: Option<NumC>,
    pub frame_rate: Option<NumC>,
    pub sample_rate: Option<NumC>,
    pub sample_size: Option<NumC>,
    pub channel_count: Option<NumC>,
    pub latency: Option<NumC>,
    pub device_id: Option<StrC<'a>>,
    pub group_id: Option<StrC<'a>>,
    pub facing_mode: Option<StrC<'a>>,
    pub resize_mode: Option<StrC<'a>>,
    pub background_blur: Option<BoolC>,
    pub auto_gain_control: Option<BoolC>,
    pub noise_suppression: Option<BoolC>,
    pub echo_cancellation: Option<EcC<'a>>,
}

impl<'a> Compiled<'a> {
    pub fn new(
        set: &'a MediaTrackConstraintSet,
        kind: MediaStreamTrackKind,
        bare: BareValue,
    ) -> Self {
        use ConstrainableProperty as P;
        let applies = |p: P| p.applies_to(kind);
        let num = |p: P, c: &Option<Constrain<u32>>| {
            c.as_ref()
                .filter(|_| applies(p))
                .map(|c| NumC::new(c, bare))
        };
        let dbl = |p: P, c: &Option<Constrain<f64>>| {
            c.as_ref()
                .filter(|_| applies(p))
                .map(|c| NumC::new(c, bare))
        };
        let strs = |p: P, c: &'a Option<mediacapture_types::ConstrainDOMString>| {
            c.as_ref().filter(|_| applies(p)).and_then(|c| {
                exact_c(c, bare, |v| {
                    let s = v.as_slice();
                    (!s.is_empty()).then_some(s)
                })
            })
        };
        let bools = |p: P, c: &Option<mediacapture_types::ConstrainBoolean>| {
            c.as_ref()
                .filter(|_| applies(p))
                .and_then(|c| exact_c(c, bare, |v: &bool| Some(*v)))
        };
        Compiled {
            width: num(P::Width, &set.width),
            height: num(P::Height, &set.height),
            aspect_ratio: dbl(P::AspectRatio, &set.aspect_ratio),
            frame_rate: dbl(P::FrameRate, &set.frame_rate),
            sample_rate: num(P::SampleRate, &set.sample_rate),
            sample_size: num(P::SampleSize, &set.sample_size),
            channel_count: num(P::ChannelCount, &set.channel_count),
            latency: dbl(P::Latency, &set.latency),
            device_id: strs(P::DeviceId, &set.device_id),
            group_id: strs(P::GroupId, &set.group_id),
            facing_mode: strs(P::FacingMode, &set.facing_mode),
            resize_mode: strs(P::ResizeMode, &set.resize_mode),
            background_blur: bools(P::BackgroundBlur, &set.background_blur),
            auto_gain_control: bools(P::AutoGainControl, &set.auto_gain_control),
            noise_suppression: bools(P::NoiseSuppression, &set.noise_suppression),
            echo_cancellation: set
                .echo_cancellation
                .as_ref()
                .filter(|_| applies(P::EchoCancellation))
                .and_then(|c| exact_c(c, bare, Some)),
        }
    }

    /// Whether member `p` is present and required.
    pub fn is_required(&self, p: ConstrainableProperty) -> bool {
        use ConstrainableProperty as P;
        match p {
            P::Width => self.width.is_some_and(|c| c.required()),
            P::Height => self.height.is_some_and(|c| c.required()),
            P::AspectRatio => self.aspect_ratio.is_some_and(|c| c.required()),
            P::FrameRate => self.frame_rate.is_some_and(|c| c.required()),
            P::SampleRate => self.sample_rate.is_some_and(|c| c.required()),
            P::SampleSize => self.sample_size.is_some_and(|c| c.required()),
            P::ChannelCount => self.channel_count.is_some_and(|c| c.required()),
            P::Latency => self.latency.is_some_and(|c| c.required()),
            P::DeviceId => self.device_id.is_some_and(|c| c.required()),
            P::GroupId => self.group_id.is_some_and(|c| c.required()),
            P::FacingMode => self.facing_mode.is_some_and(|c| c.required()),
            P::ResizeMode => self.resize_mode.is_some_and(|c| c.required()),
            P::BackgroundBlur => self.background_blur.is_some_and(|c| c.required()),
            P::AutoGainControl => self.auto_gain_control.is_some_and(|c| c.required()),
            P::NoiseSuppression => self.noise_suppression.is_some_and(|c| c.required()),
            P::EchoCancellation => self.echo_cancellation.is_some_and(|c| c.required()),
        }
    }

    /// The fitness distance of `pt` against this set.
    pub fn distance(&self, pt: &Point<'_>) -> f64 {
        let strs = |c: &Option<StrC<'_>>, a: Option<&str>| {
            c.map_or(0.0, |c| {
                c.distance(a, |list: &[String], a: &str| list.iter().any(|s| s == a))
            })
        };
        let bools =
            |c: &Option<BoolC>, a: Option<bool>| c.map_or(0.0, |c| c.distance(a, |x, y| x == y));
        let num =
            |c: &Option<NumC>, a: Option<f64>, eps: f64| c.map_or(0.0, |c| c.distance(a, eps));
        num(&self.width, pt.width.map(f64::from), 0.0)
            + num(&self.height, pt.height.map(f64::from), 0.0)
            + num(&self.aspect_ratio, pt.aspect_ratio, EPS)
            + num(&self.frame_rate, pt.frame_rate, EPS)
            + num(&self.sample_rate, pt.sample_rate.map(f64::from), 0.0)
            + num(&self.sample_size, pt.sample_size.map(f64::from), 0.0)
            + num(&self.channel_count, pt.channel_count.map(f64::from), 0.0)
            + num(&self.latency, pt.latency, EPS)
            + strs(&self.device_id, pt.device_id)
            + strs(&self.group_id, pt.group_id)
            + strs(&self.facing_mode, pt.facing_mode)
            + strs(&self.resize_mode, pt.resize_mode)
            + bools(&self.background_blur, pt.background_blur)
            + bools(&self.auto_gain_control, pt.auto_gain_control)
            + bools(&self.noise_suppression, pt.noise_suppression)
            + self
                .echo_cancellation
                .map_or(0.0, |c| c.distance(pt.echo_cancellation, |x, y| x == y))
    }
}

/// A settings dictionary, borrowed: the values the fitness distance reads.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Point<'a> {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub aspect_ratio: Option<f64>,
    pub frame_rate: Option<f64>,
    pub sample_rate: Option<u32>,
    pub sample_size: Option<u32>,
    pub channel_count: Option<u32>,
    pub latency: Option<f64>,
    pub device_id: Option<&'a str>,
    pub group_id: Option<&'a str>,
    pub facing_mode: Option<&'a str>,
    pub resize_mode: Option<&'a str>,
    pub background_blur: Option<bool>,
    pub auto_gain_control: Option<bool>,
    pub noise_suppression: Option<bool>,
    pub echo_cancellation: Option<&'a BooleanOrDOMString>,
}

impl<'a> Point<'a> {
    pub fn from_settings(s: &'a MediaTrackSettings) -> Self {
        Point {
            width: s.width,
            height: s.height,
            aspect_ratio: s.aspect_ratio,
            frame_rate: s.frame_rate,
            sample_rate: s.sample_rate,
            sample_size: s.sample_size,
            channel_count: s.channel_count,
            latency: s.latency,
            device_id: s.device_id.as_deref(),
            group_id: s.group_id.as_deref(),
            facing_mode: s.facing_mode.as_deref(),
            resize_mode: s.resize_mode.as_deref(),
            background_blur: s.background_blur,
            auto_gain_control: s.auto_gain_control,
            noise_suppression: s.noise_suppression,
            echo_cancellation: s.echo_cancellation.as_ref(),
        }
    }
}

/// The [fitness distance](https://w3c.github.io/mediacapture-main/#dfn-fitness-distance) of a
/// settings dictionary against a constraint set, for a track of `kind`.
///
/// Returns `f64::INFINITY` when a required constraint is not met. `bare` says how bare values
/// are read: [`BareValue::Ideal`] for the basic set, [`BareValue::Exact`] inside `advanced`.
///
/// ```
/// use mediacapture_core::{fitness_distance, BareValue};
/// use mediacapture_types::*;
/// let settings: MediaTrackSettings = serde_json::from_str(r#"{"width":640,"height":480}"#).unwrap();
/// let set: MediaTrackConstraintSet = serde_json::from_str(r#"{"width":1280}"#).unwrap();
/// assert_eq!(fitness_distance(&settings, &set, MediaStreamTrackKind::Video, BareValue::Ideal), 0.5);
/// assert!(fitness_distance(&settings, &set, MediaStreamTrackKind::Video, BareValue::Exact).is_infinite());
/// ```
pub fn fitness_distance(
    settings: &MediaTrackSettings,
    set: &MediaTrackConstraintSet,
    kind: MediaStreamTrackKind,
    bare: BareValue,
) -> f64 {
    Compiled::new(set, kind, bare).distance(&Point::from_settings(settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediacapture_types::MediaStreamTrackKind::{Audio, Video};
    use serde_json::json;

    fn fd(
        settings: serde_json::Value,
        set: serde_json::Value,
        kind: MediaStreamTrackKind,
        bare: BareValue,
    ) -> f64 {
        let s: MediaTrackSettings = serde_json::from_value(settings).unwrap();
        let c: MediaTrackConstraintSet = serde_json::from_value(set).unwrap();
        fitness_distance(&s, &c, kind, bare)
    }

    /// Table-driven: (settings, constraint set, kind, bare-value reading, expected distance).
    #[test]
    fn fitness_distance_table() {
        use BareValue::{Exact, Ideal};
        let cam = json!({"width":640,"height":480,"aspectRatio":1.3333333333,"frameRate":30,"resizeMode":"none",
                         "deviceId":"d1","groupId":"g1","facingMode":"user"});
        let mic = json!({"sampleRate":48000,"sampleSize":16,"channelCount":2,"latency":0.01,"echoCancellation":true,
                         "autoGainControl":false,"noiseSuppression":true,"deviceId":"m1","groupId":"g1"});
        let inf = f64::INFINITY;
        let cases: &[(
            &serde_json::Value,
            serde_json::Value,
            MediaStreamTrackKind,
            BareValue,
            f64,
        )] = &[
            // Empty set: 0.
            (&cam, json!({}), Video, Ideal, 0.0),
            // Numeric ideal, bare and dictionary form (step 7).
            (&cam, json!({"width":640}), Video, Ideal, 0.0),
            (&cam, json!({"width":1280}), Video, Ideal, 0.5),
            (&cam, json!({"width":{"ideal":320}}), Video, Ideal, 0.5),
            (
                &cam,
                json!({"width":{"ideal":320},"height":{"ideal":240}}),
                Video,
                Ideal,
                1.0,
            ),
            // Bare value inside advanced is exact (step 2).
            (&cam, json!({"width":1280}), Video, Exact, inf),
            (&cam, json!({"width":640}), Video, Exact, 0.0),
            // min / max / exact (step 2), plus ideal on top.
            (&cam, json!({"width":{"min":640}}), Video, Ideal, 0.0),
            (&cam, json!({"width":{"min":641}}), Video, Ideal, inf),
            (&cam, json!({"width":{"max":639}}), Video, Ideal, inf),
            (&cam, json!({"width":{"exact":640}}), Video, Ideal, 0.0),
            (
                &cam,
                json!({"width":{"min":160,"ideal":320}}),
                Video,
                Ideal,
                0.5,
            ),
            (
                &cam,
                json!({"width":{"min":1024,"max":800}}),
                Video,
                Ideal,
                inf,
            ),
            // Doubles compare with a tolerance; aspectRatio is rounded to 10 places.
            (
                &cam,
                json!({"aspectRatio":{"exact":1.3333333333333333}}),
                Video,
                Ideal,
                0.0,
            ),
            (&cam, json!({"frameRate":{"min":30}}), Video, Ideal, 0.0),
            (&cam, json!({"frameRate":60}), Video, Ideal, 0.5),
            (&cam, json!({"frameRate":{"max":29.9}}), Video, Ideal, inf),
            // Strings and lists (step 8).
            (&cam, json!({"facingMode":"user"}), Video, Ideal, 0.0),
            (&cam, json!({"facingMode":"environment"}), Video, Ideal, 1.0),
            (
                &cam,
                json!({"facingMode":["environment","user"]}),
                Video,
                Ideal,
                0.0,
            ),
            (
                &cam,
                json!({"facingMode":{"exact":["environment","user"]}}),
                Video,
                Ideal,
                0.0,
            ),
            (
                &cam,
                json!({"facingMode":{"exact":"environment"}}),
                Video,
                Ideal,
                inf,
            ),
            (&cam, json!({"facingMode":{"exact":""}}), Video, Ideal, inf),
            (&cam, json!({"facingMode":[]}), Video, Ideal, 0.0),
            (&cam, json!({"facingMode":"environment"}), Video, Exact, inf),
            (&cam, json!({"resizeMode":"INVALID"}), Video, Ideal, 1.0),
            (
                &cam,
                json!({"resizeMode":{"exact":"INVALID"}}),
                Video,
                Ideal,
                inf,
            ),
            (&cam, json!({"deviceId":"d1"}), Video, Ideal, 0.0),
            (&cam, json!({"deviceId":"d2"}), Video, Ideal, 1.0),
            (&cam, json!({"deviceId":{"exact":"d2"}}), Video, Ideal, inf),
            (&cam, json!({"groupId":{"exact":"g1"}}), Video, Ideal, 0.0),
            // Missing value: infinity when required, 1 otherwise (step 5).
            (&cam, json!({"backgroundBlur":true}), Video, Ideal, 1.0),
            (
                &cam,
                json!({"backgroundBlur":{"exact":false}}),
                Video,
                Ideal,
                inf,
            ),
            (
                &json!({"width":640}),
                json!({"facingMode":"user"}),
                Video,
                Ideal,
                1.0,
            ),
            (
                &json!({"width":640}),
                json!({"facingMode":{}}),
                Video,
                Ideal,
                0.0,
            ),
            // Constraints of the other kind do not apply (step 3), even impossible ones.
            (&cam, json!({"sampleRate":{"exact":1}}), Video, Ideal, 0.0),
            (&mic, json!({"width":{"exact":1}}), Audio, Ideal, 0.0),
            // Audio numerics and booleans.
            (
                &mic,
                json!({"sampleRate":44100}),
                Audio,
                Ideal,
                (48000.0 - 44100.0) / 48000.0,
            ),
            (&mic, json!({"channelCount":{"max":1}}), Audio, Ideal, inf),
            (&mic, json!({"latency":{"max":0.02}}), Audio, Ideal, 0.0),
            (&mic, json!({"autoGainControl":true}), Audio, Ideal, 1.0),
            (
                &mic,
                json!({"autoGainControl":{"exact":false}}),
                Audio,
                Ideal,
                0.0,
            ),
            (&mic, json!({"noiseSuppression":false}), Audio, Exact, inf),
            // echoCancellation: boolean or string, compared exactly.
            (&mic, json!({"echoCancellation":true}), Audio, Ideal, 0.0),
            (&mic, json!({"echoCancellation":"all"}), Audio, Ideal, 1.0),
            (
                &mic,
                json!({"echoCancellation":{"exact":"all"}}),
                Audio,
                Ideal,
                inf,
            ),
            // Sums over members.
            (
                &mic,
                json!({"sampleRate":96000,"channelCount":1,"autoGainControl":true}),
                Audio,
                Ideal,
                0.5 + 0.5 + 1.0,
            ),
        ];
        for (i, (s, c, kind, bare, want)) in cases.iter().enumerate() {
            let got = fd((*s).clone(), c.clone(), *kind, *bare);
            assert!(
                (got.is_infinite() && want.is_infinite()) || (got - want).abs() < 1e-9,
                "case {i}: {c} against {s} ({bare:?}): got {got}, want {want}"
            );
        }
    }
}
