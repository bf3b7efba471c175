//! Every public type that can cross threads is `Send + Sync`, and so are the futures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use mediacapture::*;
use static_assertions::assert_impl_all;

assert_impl_all!(MediaDevices: Send, Sync, Clone);
assert_impl_all!(MediaDevicesBuilder: Send, Sync);
assert_impl_all!(MediaStream: Send, Sync);
assert_impl_all!(MediaStreamTrack: Send, Sync);
assert_impl_all!(MediaDeviceInfo: Send, Sync);
assert_impl_all!(MediaStreamError: Send, Sync, std::error::Error);
assert_impl_all!(MediaStreamConstraints: Send, Sync);
assert_impl_all!(MediaTrackConstraints: Send, Sync);
assert_impl_all!(MediaTrackConstraintSet: Send, Sync);
assert_impl_all!(MediaTrackSettings: Send, Sync);
assert_impl_all!(MediaTrackCapabilities: Send, Sync);
assert_impl_all!(MediaTrackSupportedConstraints: Send, Sync);
assert_impl_all!(EventSubscription<TrackEvent>: Send, Sync);
assert_impl_all!(EventSubscription<DeviceChangeEvent>: Send, Sync);
assert_impl_all!(EventSubscription<MediaStreamTrackEvent>: Send, Sync);
assert_impl_all!(TrackEvent: Send, Sync);
assert_impl_all!(DeviceChangeEvent: Send, Sync);
assert_impl_all!(MediaStreamTrackEvent: Send, Sync);
assert_impl_all!(PermissionPolicy: Send, Sync);
assert_impl_all!(FakeBackend: Send, Sync);
assert_impl_all!(FakeDevicesConfig: Send, Sync);
assert_impl_all!(MediaStreamTrackProcessor: Send, Sync);
assert_impl_all!(MediaStreamTrackStats: Send, Sync);
assert_impl_all!(VideoTrackGenerator: Send, Sync);
assert_impl_all!(AudioTrackGenerator: Send, Sync);
assert_impl_all!(VideoFrame: Send, Sync, Clone);
assert_impl_all!(AudioData: Send, Sync, Clone);
assert_impl_all!(MediaFrame: Send, Sync, Clone);
assert_impl_all!(hal::FramePool: Send, Sync, Clone);
assert_impl_all!(hal::FrameBuffer: Send, Sync);

fn is_send<T: Send>(_: &T) {}

#[test]
fn the_async_operations_are_send_futures() {
    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let gum = md.get_user_media(MediaStreamConstraints::video());
    is_send(&gum);
    let stream = block_on(gum).unwrap();
    let enumerate = md.enumerate_devices();
    is_send(&enumerate);
    let track = stream.get_video_tracks().remove(0);
    let apply = track.apply_constraints(MediaTrackConstraints::default());
    is_send(&apply);
    block_on(apply).unwrap();
}
