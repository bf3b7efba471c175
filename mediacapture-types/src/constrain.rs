//! The `Constrain*` value types: a bare value, or a dictionary of `exact`/`ideal`/`min`/`max`.
//!
//! They are lossless: what was given is what serializes back, so `getConstraints()` can echo
//! the caller's dictionary exactly (spec-notes §2.6). A bare value is kept as a bare value: it
//! means *ideal* in a basic constraint set and *exact* inside `advanced`, and only the algorithm
//! that reads it knows which.

use std::fmt;
use std::marker::PhantomData;
use std::ops::RangeInclusive;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// A value type that can be constrained with only `exact` and `ideal`.
pub trait ConstrainValue: Clone + PartialEq + fmt::Debug + Serialize + 'static {
    /// What a deserializer error says was expected.
    const EXPECTED: &'static str;
    /// Deserializes a bare value from what a visitor saw.
    fn visit(v: BareValue<'_>) -> Option<Self>;
}

/// What a deserializer saw, handed to [`ConstrainValue::visit`].
#[doc(hidden)]
pub enum BareValue<'a> {
    Bool(bool),
    Str(&'a str),
    Strings(Vec<String>),
}

/// A string or a sequence of strings: the value of a [`ConstrainDOMString`].
///
/// A sequence matches when the actual value equals *any* of its strings. The form given is kept
/// so that it serializes back unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DOMStringOrSequence {
    /// A single string.
    Single(String),
    /// A sequence of strings.
    Sequence(Vec<String>),
}

impl DOMStringOrSequence {
    /// The strings, one or many.
    pub fn as_slice(&self) -> &[String] {
        match self {
            DOMStringOrSequence::Single(s) => std::slice::from_ref(s),
            DOMStringOrSequence::Sequence(v) => v,
        }
    }
    /// Whether `value` is one of the strings.
    pub fn contains(&self, value: &str) -> bool {
        self.as_slice().iter().any(|s| s == value)
    }
}

impl Serialize for DOMStringOrSequence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DOMStringOrSequence::Single(v) => s.serialize_str(v),
            DOMStringOrSequence::Sequence(v) => v.serialize(s),
        }
    }
}

impl ConstrainValue for DOMStringOrSequence {
    const EXPECTED: &'static str =
        "a string, a sequence of strings or a ConstrainDOMStringParameters dictionary";
    fn visit(v: BareValue<'_>) -> Option<Self> {
        match v {
            BareValue::Str(s) => Some(DOMStringOrSequence::Single(s.to_owned())),
            BareValue::Strings(v) => Some(DOMStringOrSequence::Sequence(v)),
            BareValue::Bool(_) => None,
        }
    }
}

impl ConstrainValue for bool {
    const EXPECTED: &'static str = "a boolean or a ConstrainBooleanParameters dictionary";
    fn visit(v: BareValue<'_>) -> Option<Self> {
        match v {
            BareValue::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// `boolean or DOMString`: the value of `echoCancellation` in constraints, settings and
/// capabilities.
///
/// Corresponds to the union in [`ConstrainBooleanOrDOMString`](https://w3c.github.io/mediacapture-main/#dom-constrainbooleanordomstring).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BooleanOrDOMString {
    /// `true` or `false`.
    Boolean(bool),
    /// A string, normally an [`EchoCancellationModeEnum`](crate::EchoCancellationModeEnum) value.
    DOMString(String),
}

impl From<bool> for BooleanOrDOMString {
    fn from(b: bool) -> Self {
        BooleanOrDOMString::Boolean(b)
    }
}

impl From<&str> for BooleanOrDOMString {
    fn from(s: &str) -> Self {
        BooleanOrDOMString::DOMString(s.to_owned())
    }
}

impl ConstrainValue for BooleanOrDOMString {
    const EXPECTED: &'static str =
        "a boolean, a string or a ConstrainBooleanOrDOMStringParameters dictionary";
    fn visit(v: BareValue<'_>) -> Option<Self> {
        match v {
            BareValue::Bool(b) => Some(BooleanOrDOMString::Boolean(b)),
            BareValue::Str(s) => Some(BooleanOrDOMString::DOMString(s.to_owned())),
            BareValue::Strings(_) => None,
        }
    }
}

/// The dictionary form of a boolean or string constraint: only `exact` and `ideal`.
///
/// Corresponds to [`ConstrainBooleanParameters`](https://w3c.github.io/mediacapture-main/#dom-constrainbooleanparameters)
/// and [`ConstrainDOMStringParameters`](https://w3c.github.io/mediacapture-main/#dom-constraindomstringparameters).
#[derive(Clone, Debug, PartialEq)]
pub struct ConstrainParameters<T> {
    /// The value must be exactly this (or one of these).
    pub exact: Option<T>,
    /// The value should be this (or one of these).
    pub ideal: Option<T>,
}

impl<T> Default for ConstrainParameters<T> {
    fn default() -> Self {
        ConstrainParameters {
            exact: None,
            ideal: None,
        }
    }
}

/// A boolean or string constraint: a bare value or [`ConstrainParameters`].
///
/// See the aliases [`ConstrainBoolean`], [`ConstrainDOMString`] and
/// [`ConstrainBooleanOrDOMString`].
#[derive(Clone, Debug, PartialEq)]
pub enum ConstrainExact<T> {
    /// A bare value: *ideal* in the basic set, *exact* inside `advanced`.
    Value(T),
    /// The dictionary form.
    Parameters(ConstrainParameters<T>),
}

/// Corresponds to [`ConstrainBoolean`](https://w3c.github.io/mediacapture-main/#dom-constrainboolean).
pub type ConstrainBoolean = ConstrainExact<bool>;
/// Corresponds to [`ConstrainDOMString`](https://w3c.github.io/mediacapture-main/#dom-constraindomstring).
#[allow(clippy::upper_case_acronyms)]
pub type ConstrainDOMString = ConstrainExact<DOMStringOrSequence>;
/// Corresponds to [`ConstrainBooleanOrDOMString`](https://w3c.github.io/mediacapture-main/#dom-constrainbooleanordomstring)
/// (`echoCancellation`).
#[allow(clippy::upper_case_acronyms)]
pub type ConstrainBooleanOrDOMString = ConstrainExact<BooleanOrDOMString>;

impl<T: ConstrainValue> ConstrainExact<T> {
    /// `{exact: v}`.
    pub fn exact(v: impl Into<T>) -> Self {
        ConstrainExact::Parameters(ConstrainParameters {
            exact: Some(v.into()),
            ideal: None,
        })
    }
    /// `{ideal: v}`.
    pub fn ideal(v: impl Into<T>) -> Self {
        ConstrainExact::Parameters(ConstrainParameters {
            exact: None,
            ideal: Some(v.into()),
        })
    }
    /// Whether this is required (has `exact`).
    pub fn is_required(&self) -> bool {
        matches!(self, ConstrainExact::Parameters(p) if p.exact.is_some())
    }
}

impl From<bool> for ConstrainBoolean {
    fn from(v: bool) -> Self {
        ConstrainExact::Value(v)
    }
}

impl From<&str> for DOMStringOrSequence {
    fn from(v: &str) -> Self {
        DOMStringOrSequence::Single(v.to_owned())
    }
}

impl From<String> for DOMStringOrSequence {
    fn from(v: String) -> Self {
        DOMStringOrSequence::Single(v)
    }
}

impl<S: Into<String>> From<Vec<S>> for DOMStringOrSequence {
    fn from(v: Vec<S>) -> Self {
        DOMStringOrSequence::Sequence(v.into_iter().map(Into::into).collect())
    }
}

impl From<&str> for ConstrainDOMString {
    fn from(v: &str) -> Self {
        ConstrainExact::Value(v.into())
    }
}

impl From<String> for ConstrainDOMString {
    fn from(v: String) -> Self {
        ConstrainExact::Value(v.into())
    }
}

impl<S: Into<String>> From<Vec<S>> for ConstrainDOMString {
    fn from(v: Vec<S>) -> Self {
        ConstrainExact::Value(v.into())
    }
}

impl From<bool> for ConstrainBooleanOrDOMString {
    fn from(v: bool) -> Self {
        ConstrainExact::Value(BooleanOrDOMString::Boolean(v))
    }
}

impl From<&str> for ConstrainBooleanOrDOMString {
    fn from(v: &str) -> Self {
        ConstrainExact::Value(BooleanOrDOMString::DOMString(v.to_owned()))
    }
}

impl<T: ConstrainValue> Serialize for ConstrainExact<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ConstrainExact::Value(v) => v.serialize(s),
            ConstrainExact::Parameters(p) => {
                let n = p.exact.is_some() as usize + p.ideal.is_some() as usize;
                let mut m = s.serialize_map(Some(n))?;
                if let Some(v) = &p.exact {
                    m.serialize_entry("exact", v)?;
                }
                if let Some(v) = &p.ideal {
                    m.serialize_entry("ideal", v)?;
                }
                m.end()
            }
        }
    }
}

/// A bare value of `T`, deserialized through [`ConstrainValue::visit`].
struct Bare<T>(T);

struct BareVisitor<T>(PhantomData<T>);

impl<'de, T: ConstrainValue> Visitor<'de> for BareVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::visit(BareValue::Bool(v)).ok_or_else(|| E::invalid_type(de::Unexpected::Bool(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::visit(BareValue::Str(v)).ok_or_else(|| E::invalid_type(de::Unexpected::Str(v), &self))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut v = Vec::new();
        while let Some(s) = seq.next_element::<String>()? {
            v.push(s);
        }
        T::visit(BareValue::Strings(v))
            .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

impl<'de, T: ConstrainValue> Deserialize<'de> for Bare<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BareVisitor::<T>(PhantomData)).map(Bare)
    }
}

impl<'de, T: ConstrainValue> Deserialize<'de> for ConstrainExact<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: ConstrainValue> Visitor<'de> for V<T> {
            type Value = ConstrainExact<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                BareVisitor::<T>(PhantomData)
                    .visit_bool(v)
                    .map(ConstrainExact::Value)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                BareVisitor::<T>(PhantomData)
                    .visit_str(v)
                    .map(ConstrainExact::Value)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                BareVisitor::<T>(PhantomData)
                    .visit_seq(seq)
                    .map(ConstrainExact::Value)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut p = ConstrainParameters::default();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "exact" => &mut p.exact,
                        "ideal" => &mut p.ideal,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Option<Bare<T>>>()?.map(|b| b.0);
                }
                Ok(ConstrainExact::Parameters(p))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T: Serialize + for<'a> Deserialize<'a>>(
        v: serde_json::Value,
    ) -> serde_json::Value {
        let t: T = serde_json::from_value(v).unwrap();
        serde_json::to_value(&t).unwrap()
    }

    #[test]
    fn numeric_forms_round_trip_losslessly() {
        for v in [
            json!(1280),
            json!({"ideal": 1280}),
            json!({"exact": 641}),
            json!({"exact": 1, "ideal": 2, "max": 3, "min": 0}),
            json!({}),
        ] {
            assert_eq!(round_trip::<ConstrainULong>(v.clone()), v);
        }
        assert_eq!(
            round_trip::<ConstrainDouble>(json!({"min": 29.97})),
            json!({"min": 29.97})
        );
        assert_eq!(round_trip::<ConstrainDouble>(json!(1.5)), json!(1.5));
        assert_eq!(round_trip::<ConstrainDouble>(json!(30)), json!(30));
        assert_eq!(
            serde_json::to_string(&ConstrainDouble::Value(30.0)).unwrap(),
            "30"
        );
    }

    #[test]
    fn unsigned_long_is_clamped_like_webidl() {
        let c: ConstrainULong = serde_json::from_value(json!({"max": -1, "min": 1e20})).unwrap();
        assert_eq!(
            c,
            Constrain::Range(ConstrainRange {
                max: Some(0),
                min: Some(u32::MAX),
                ..Default::default()
            })
        );
        let c: ConstrainULong = serde_json::from_value(json!(640.5)).unwrap();
        assert_eq!(c, Constrain::Value(640));
        let c: ConstrainULong = serde_json::from_value(json!(641.5)).unwrap();
        assert_eq!(c, Constrain::Value(642));
    }

    #[test]
    fn unknown_members_of_a_range_are_dropped() {
        let c: ConstrainULong = serde_json::from_value(json!({"ideal": 5, "foo": "x"})).unwrap();
        assert_eq!(c, Constrain::ideal(5));
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(serde_json::from_value::<ConstrainULong>(json!("640")).is_err());
        assert!(serde_json::from_value::<ConstrainULong>(json!(true)).is_err());
        assert!(serde_json::from_value::<ConstrainULong>(json!({"exact": "x"})).is_err());
        assert!(serde_json::from_value::<ConstrainBoolean>(json!("yes")).is_err());
        assert!(serde_json::from_value::<ConstrainDOMString>(json!(3)).is_err());
        assert!(serde_json::from_value::<ConstrainDOMString>(json!([1, 2])).is_err());
        assert!(serde_json::from_value::<ConstrainBooleanOrDOMString>(json!(["a"])).is_err());
    }

    #[test]
    fn string_forms_round_trip_losslessly() {
        for v in [
            json!("user"),
            json!(["user", "environment"]),
            json!({"exact": ["user", "environment"]}),
            json!({"exact": "user", "ideal": ["left"]}),
            json!({"ideal": "environment"}),
        ] {
            assert_eq!(round_trip::<ConstrainDOMString>(v.clone()), v);
        }
    }

    #[test]
    fn boolean_and_echo_cancellation_forms_round_trip() {
        for v in [
            json!(true),
            json!({"exact": false}),
            json!({"ideal": true, "exact": true}),
        ] {
            let back = round_trip::<ConstrainBoolean>(v.clone());
            assert_eq!(back, v);
        }
        for v in [
            json!("all"),
            json!(false),
            json!({"exact": "remote-only"}),
            json!({"ideal": true}),
        ] {
            assert_eq!(round_trip::<ConstrainBooleanOrDOMString>(v.clone()), v);
        }
    }

    #[test]
    fn constructors_build_the_dictionary_form() {
        assert_eq!(
            serde_json::to_value(Constrain::<u32>::range(160..=320)).unwrap(),
            json!({"max":320,"min":160})
        );
        assert_eq!(
            serde_json::to_value(Constrain::<u32>::min(160).with_ideal(320)).unwrap(),
            json!({"ideal":320,"min":160})
        );
        assert!(Constrain::<u32>::exact(1).is_required());
        assert!(!Constrain::<u32>::ideal(1).is_required());
        assert!(!Constrain::<u32>::Value(1).is_required());
        assert!(ConstrainDOMString::exact("user").is_required());
        assert_eq!(
            serde_json::to_value(ConstrainDOMString::exact(vec!["a", "b"])).unwrap(),
            json!({"exact":["a","b"]})
        );
    }
}
