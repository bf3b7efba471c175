//! Constraints with only `exact` and `ideal`: `ConstrainBoolean`, `ConstrainDOMString`,
//! `ConstrainBooleanOrDOMString`, and their value types.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

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
