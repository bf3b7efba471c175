//! Numeric constraints: `ConstrainULong`, `ConstrainDouble` (a bare number, or a dictionary of
//! `exact`/`ideal`/`min`/`max`), and how JavaScript prints their numbers.

use std::fmt;
use std::marker::PhantomData;
use std::ops::RangeInclusive;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A numeric value that can be constrained: `unsigned long` (`u32`) or `double` (`f64`).
pub trait ConstrainNumber: Copy + PartialEq + fmt::Debug + Serialize + 'static {
    /// What a deserializer error says was expected.
    const EXPECTED: &'static str;
    /// Converts a JSON number the way WebIDL converts it to this type, or `None` if it can't be.
    fn from_json_number(v: f64) -> Option<Self>;
    /// The value as a double, for the fitness distance.
    fn to_f64(self) -> f64;
    /// Serializes the value as JavaScript's `JSON.stringify` would write it.
    fn serialize_js<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error>;
}

/// Serializes a double as JavaScript writes it: integral values without a fraction (`30`, not
/// `30.0`), so that what we print is what a web page would print.
pub fn serialize_js_f64<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if v.fract() == 0.0 && v.abs() <= MAX_SAFE {
        s.serialize_i64(v as i64)
    } else {
        s.serialize_f64(v)
    }
}

impl ConstrainNumber for u32 {
    const EXPECTED: &'static str = "a number or a ConstrainULongRange dictionary";

    /// WebIDL `[Clamp] unsigned long`: clamp to `0..=2^32-1`, round half to even.
    fn from_json_number(v: f64) -> Option<Self> {
        if v.is_nan() {
            return Some(0);
        }
        let c = v.clamp(0.0, u32::MAX as f64).round_ties_even();
        Some(c as u32)
    }

    fn to_f64(self) -> f64 {
        self as f64
    }

    fn serialize_js<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self)
    }
}

impl ConstrainNumber for f64 {
    const EXPECTED: &'static str = "a number or a ConstrainDoubleRange dictionary";

    /// WebIDL `double`: any finite number; NaN and infinities are a `TypeError`.
    fn from_json_number(v: f64) -> Option<Self> {
        v.is_finite().then_some(v)
    }

    fn to_f64(self) -> f64 {
        self
    }

    fn serialize_js<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        serialize_js_f64(self, s)
    }
}

/// The dictionary form of a numeric constraint.
///
/// Corresponds to [`ConstrainULongRange`](https://w3c.github.io/mediacapture-main/#dom-constrainulongrange)
/// and [`ConstrainDoubleRange`](https://w3c.github.io/mediacapture-main/#dom-constraindoublerange).
/// Members are in WebIDL (lexicographic) order, which is also the order they serialize in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConstrainRange<T> {
    /// The value must be exactly this (a required constraint).
    pub exact: Option<T>,
    /// The value should be as close to this as possible.
    pub ideal: Option<T>,
    /// The value must be at most this (a required constraint).
    pub max: Option<T>,
    /// The value must be at least this (a required constraint).
    pub min: Option<T>,
}

impl<T> Default for ConstrainRange<T> {
    fn default() -> Self {
        ConstrainRange {
            exact: None,
            ideal: None,
            max: None,
            min: None,
        }
    }
}

/// A numeric constraint: a bare value or a [`ConstrainRange`].
///
/// Corresponds to [`ConstrainULong`](https://w3c.github.io/mediacapture-main/#dom-constrainulong)
/// (`Constrain<u32>`) and [`ConstrainDouble`](https://w3c.github.io/mediacapture-main/#dom-constraindouble)
/// (`Constrain<f64>`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Constrain<T> {
    /// A bare value: *ideal* in the basic set, *exact* inside `advanced`.
    Value(T),
    /// The dictionary form.
    Range(ConstrainRange<T>),
}

/// Corresponds to [`ConstrainULong`](https://w3c.github.io/mediacapture-main/#dom-constrainulong).
#[allow(clippy::upper_case_acronyms)]
pub type ConstrainULong = Constrain<u32>;
/// Corresponds to [`ConstrainDouble`](https://w3c.github.io/mediacapture-main/#dom-constraindouble).
pub type ConstrainDouble = Constrain<f64>;

impl<T: ConstrainNumber> Constrain<T> {
    /// `{exact: v}`.
    pub fn exact(v: T) -> Self {
        Constrain::Range(ConstrainRange {
            exact: Some(v),
            ..Default::default()
        })
    }
    /// `{ideal: v}`.
    pub fn ideal(v: T) -> Self {
        Constrain::Range(ConstrainRange {
            ideal: Some(v),
            ..Default::default()
        })
    }
    /// `{min: v}`.
    pub fn min(v: T) -> Self {
        Constrain::Range(ConstrainRange {
            min: Some(v),
            ..Default::default()
        })
    }
    /// `{max: v}`.
    pub fn max(v: T) -> Self {
        Constrain::Range(ConstrainRange {
            max: Some(v),
            ..Default::default()
        })
    }
    /// `{min: start, max: end}`.
    pub fn range(r: RangeInclusive<T>) -> Self {
        let (min, max) = r.into_inner();
        Constrain::Range(ConstrainRange {
            min: Some(min),
            max: Some(max),
            ..Default::default()
        })
    }
    /// Adds (or replaces) `ideal` in the dictionary form; a bare value becomes `{ideal}`.
    pub fn with_ideal(self, v: T) -> Self {
        match self {
            Constrain::Value(_) => Self::ideal(v),
            Constrain::Range(r) => Constrain::Range(ConstrainRange {
                ideal: Some(v),
                ..r
            }),
        }
    }
    /// Whether this is required: it has `min`, `max` or `exact` (a bare value is not, in the
    /// basic set).
    pub fn is_required(&self) -> bool {
        matches!(self, Constrain::Range(r) if r.exact.is_some() || r.min.is_some() || r.max.is_some())
    }
}

impl<T: ConstrainNumber> From<T> for Constrain<T> {
    fn from(v: T) -> Self {
        Constrain::Value(v)
    }
}

impl<T: ConstrainNumber> From<ConstrainRange<T>> for Constrain<T> {
    fn from(r: ConstrainRange<T>) -> Self {
        Constrain::Range(r)
    }
}

impl<T: ConstrainNumber> Serialize for Constrain<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Constrain::Value(v) => v.serialize_js(s),
            Constrain::Range(r) => {
                let n = [r.exact, r.ideal, r.max, r.min]
                    .iter()
                    .filter(|v| v.is_some())
                    .count();
                let mut m = s.serialize_map(Some(n))?;
                for (k, v) in [
                    ("exact", r.exact),
                    ("ideal", r.ideal),
                    ("max", r.max),
                    ("min", r.min),
                ] {
                    if let Some(v) = v {
                        m.serialize_entry(k, &Js(v))?;
                    }
                }
                m.end()
            }
        }
    }
}

pub(crate) fn serialize_js_opt_f64<S: Serializer>(
    v: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => serialize_js_f64(*v, s),
        None => s.serialize_none(),
    }
}

pub(crate) fn serialize_js_f64_ref<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    serialize_js_f64(*v, s)
}

/// Serializes a number with [`ConstrainNumber::serialize_js`].
struct Js<T>(T);

impl<T: ConstrainNumber> Serialize for Js<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_js(s)
    }
}

/// A number, converted the WebIDL way; anything else is an error.
struct Number<T>(T);

impl<'de, T: ConstrainNumber> Deserialize<'de> for Number<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: ConstrainNumber> Visitor<'_> for V<T> {
            type Value = Number<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::from_json_number(v)
                    .map(Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &"a finite number"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de, T: ConstrainNumber> Deserialize<'de> for Constrain<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: ConstrainNumber> Visitor<'de> for V<T> {
            type Value = Constrain<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::from_json_number(v)
                    .map(Constrain::Value)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &"a finite number"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut r = ConstrainRange::default();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "exact" => &mut r.exact,
                        "ideal" => &mut r.ideal,
                        "max" => &mut r.max,
                        "min" => &mut r.min,
                        // WebIDL drops members a dictionary does not define.
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Option<Number<T>>>()?.map(|n| n.0);
                }
                Ok(Constrain::Range(r))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}
