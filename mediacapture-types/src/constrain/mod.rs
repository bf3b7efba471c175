//! The `Constrain*` value types: a bare value, or a dictionary of `exact`/`ideal`/`min`/`max`.
//!
//! They are lossless: what was given is what serializes back, so `getConstraints()` can echo
//! the caller's dictionary exactly (spec-notes §2.6). A bare value is kept as a bare value: it
//! means *ideal* in a basic constraint set and *exact* inside `advanced`, and only the algorithm
//! that reads it knows which.
//!
//! - `number.rs`: `ConstrainULong`, `ConstrainDouble`;
//! - `value.rs`: `ConstrainBoolean`, `ConstrainDOMString`, `ConstrainBooleanOrDOMString`.

mod number;
mod value;

pub use number::*;
pub use value::*;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
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
