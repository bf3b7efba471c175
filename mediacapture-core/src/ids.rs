//! Device and group identifiers.
//!
//! The spec wants `deviceId` unique per kind, stable for an origin (here: an application)
//! across runs, and not correlatable across origins; it suggests hashing a key, the origin and
//! the hardware id. `groupId` is shared by the parts of one physical device but unique *per
//! document* (here: per `MediaDevices` instance), so it is salted per instance
//! ([spec](https://w3c.github.io/mediacapture-main/#dom-mediadeviceinfo-deviceid)).

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex(&h.finalize())
}

/// The `deviceId` of a device: 64 hex characters, a function of the application's origin key,
/// the backend and the backend's stable hardware id only.
///
/// ```
/// use mediacapture_core::ids::device_id;
/// let a = device_id("my-app", "fake", "videoinput:0");
/// assert_eq!(a.len(), 64);
/// assert_eq!(a, device_id("my-app", "fake", "videoinput:0"));
/// assert_ne!(a, device_id("other-app", "fake", "videoinput:0"));
/// ```
pub fn device_id(origin_key: &str, backend: &str, hardware_id: &str) -> String {
    hash(&["mediacapture deviceId v1", origin_key, backend, hardware_id])
}

/// The `groupId` of a physical device as one `MediaDevices` instance sees it: 64 hex
/// characters, equal for every part of the device, different for every `instance_salt`.
pub fn group_id(instance_salt: &str, backend: &str, group_key: &str) -> String {
    hash(&["mediacapture groupId v1", instance_salt, backend, group_key])
}
