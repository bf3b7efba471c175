//! MediaStream: ids, constructors, the track set, active, clone, events (spec-notes §1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;

fn is_valid_id(id: &str) -> bool {
    // [WPT] MediaStream-id: 36 characters of printable ASCII without "(),/:;<=>?@[\]
    id.len() == 36
        && id
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && !b"\"(),/:;<=>?@[\\]".contains(&b))
}

#[test]
fn every_stream_and_track_has_a_fresh_36_character_id() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let mut ids = vec![s.id().to_owned()];
    for t in s.get_tracks() {
        ids.push(t.id().to_owned());
    }
    ids.push(MediaStream::new().id().to_owned());
    ids.push(MediaStream::from_stream(&s).id().to_owned());
    ids.push(s.clone().id().to_owned());
    for id in &ids {
        assert!(is_valid_id(id), "{id}");
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn constructors_share_tracks_and_skip_duplicates() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let tracks = s.get_tracks();
    assert_eq!(
        tracks[0].kind(),
        MediaStreamTrackKind::Audio,
        "audio first, as added"
    );
    let same = MediaStream::from_stream(&s);
    assert_eq!(
        same.get_tracks(),
        tracks,
        "the same track objects, not clones"
    );
    let dup = MediaStream::from_tracks([&tracks[1], &tracks[0], &tracks[1]]);
    assert_eq!(
        dup.get_tracks(),
        vec![tracks[1].new_handle(), tracks[0].new_handle()],
        "each once, in order"
    );
    assert!(!MediaStream::new().active());
    assert!(MediaStream::default().get_tracks().is_empty());
}

#[test]
fn the_track_set_getters() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let (a, v) = (s.get_audio_tracks(), s.get_video_tracks());
    assert_eq!((a.len(), v.len()), (1, 1));
    assert_eq!(s.get_track_by_id(v[0].id()), Some(v[0].new_handle()));
    assert_eq!(s.get_track_by_id("nope"), None);
}

#[test]
fn add_and_remove_never_fail_and_fire_nothing() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"video":true}"#).unwrap();
    let events = s.events();
    let t = s.get_tracks().remove(0);
    let other = audio(&md, "true");
    s.add_track(&t); // duplicate: nothing
    assert_eq!(s.get_tracks().len(), 1);
    s.add_track(&other);
    assert_eq!(s.get_tracks(), vec![t.new_handle(), other.new_handle()]);
    s.remove_track(&t);
    s.remove_track(&t); // absent: nothing
    assert_eq!(s.get_tracks(), vec![other.new_handle()]);
    other.stop();
    s.add_track(&t); // ended tracks and inactive streams are fine
    assert_eq!(
        events.try_recv().err(),
        Some(TryRecvError::Empty),
        "no events for the application's own changes"
    );
}

#[test]
fn active_is_computed_synchronously() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let [a, v] = [
        s.get_audio_tracks().remove(0),
        s.get_video_tracks().remove(0),
    ];
    assert!(s.active());
    a.stop();
    assert!(s.active());
    v.stop();
    assert!(
        !s.active(),
        "false right after the last live track's stop()"
    );
    let ended_only = MediaStream::from_tracks([&a, &v]);
    assert!(!ended_only.active());
}

#[test]
fn clone_clones_every_track() {
    let (md, fake) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let c = s.clone();
    assert_ne!(c.id(), s.id());
    assert_ne!(c, s);
    let (orig, copy) = (s.get_tracks(), c.get_tracks());
    assert_eq!(copy.len(), 2);
    for (o, k) in orig.iter().zip(&copy) {
        assert_ne!(o.id(), k.id());
        assert_eq!(o.kind(), k.kind());
    }
    for t in &orig {
        t.stop();
    }
    assert!(c.active(), "the clones keep running");
    assert_eq!(fake.open_handles(), 2, "on the same sources");
    for t in &copy {
        t.stop();
    }
    assert!(
        !s.clone().active(),
        "a clone of an inactive stream is inactive"
    );
}

#[test]
fn implementation_changes_fire_addtrack_and_removetrack() {
    let (md, _) = default_devices();
    let s = MediaStream::new();
    let events = s.events();
    let t = video(&md, "true");
    s.add_track_and_notify(&t);
    s.add_track_and_notify(&t); // already there: nothing
    s.remove_track_and_notify(&t);
    let e1 = next(&events);
    assert_eq!(
        (e1.event_type(), e1.track()),
        (MediaStreamTrackEventType::AddTrack, &t)
    );
    let e2 = next(&events);
    assert_eq!(
        (e2.event_type(), e2.track()),
        (MediaStreamTrackEventType::RemoveTrack, &t)
    );
    assert_eq!(events.try_recv().err(), Some(TryRecvError::Empty));
    drop(s);
    assert_eq!(
        events.recv_timeout(WAIT).err(),
        Some(RecvTimeoutError::Closed),
        "ends with the stream"
    );
}
