//! The fan-out queue: bounds, drop policies, retention and closing.

use super::*;

#[test]
fn a_full_queue_drops_the_oldest_and_counts() {
    let bus = EventBus::new();
    let slow = bus.subscribe(3);
    let fast = bus.subscribe(100);
    for i in 0..10 {
        bus.emit(i);
    }
    bus.close();
    assert_eq!(slow.dropped(), 7);
    assert_eq!(slow.collect::<Vec<_>>(), vec![7, 8, 9]);
    assert_eq!(fast.dropped(), 0);
    assert_eq!(fast.collect::<Vec<_>>(), (0..10).collect::<Vec<_>>());
}

#[test]
fn a_retaining_bus_keeps_what_came_before_its_first_subscription() {
    let bus = EventBus::retaining();
    for i in 0..(DEFAULT_EVENT_CAPACITY as u32 + 3) {
        bus.emit(i);
    }
    let first = bus.subscribe(DEFAULT_EVENT_CAPACITY + 1);
    let second = bus.subscribe(8);
    bus.emit(1000);
    bus.close();
    assert_eq!(first.dropped(), 3, "bounded: the oldest go, counted");
    let got: Vec<u32> = first.collect();
    assert_eq!(got.len(), DEFAULT_EVENT_CAPACITY + 1);
    assert_eq!(got[0], 3);
    assert_eq!(got.last(), Some(&1000));
    assert_eq!(
        second.collect::<Vec<_>>(),
        vec![1000],
        "only the first gets the past"
    );
    // A plain bus keeps nothing for later subscriptions.
    let plain = EventBus::new();
    plain.emit(1u8);
    let late = plain.subscribe(4);
    plain.close();
    assert_eq!(late.collect::<Vec<_>>(), Vec::<u8>::new());
}

#[test]
fn a_first_subscription_after_the_end_gets_the_past_then_ends() {
    let bus = EventBus::retaining();
    bus.emit("mute");
    bus.emit("ended");
    bus.close();
    let s = bus.subscribe(2);
    assert_eq!(s.collect::<Vec<_>>(), vec!["mute", "ended"]);
}

#[test]
fn closed_bus_gives_ended_subscriptions() {
    let bus: EventBus<u8> = EventBus::new();
    bus.close();
    let s = bus.subscribe(4);
    assert_eq!(s.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(s.recv(), None);
    assert_eq!(
        s.recv_timeout(Duration::from_millis(1)),
        Err(RecvTimeoutError::Closed)
    );
}

#[test]
fn recv_blocks_until_an_event_from_another_thread() {
    let bus = Arc::new(EventBus::new());
    let s = bus.subscribe(4);
    assert_eq!(s.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(
        s.recv_timeout(Duration::from_millis(5)),
        Err(RecvTimeoutError::Timeout)
    );
    let b = Arc::clone(&bus);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        b.emit(5u8);
    });
    assert_eq!(s.recv(), Some(5));
    t.join().unwrap();
}

#[test]
fn the_stream_wakes_its_task() {
    let bus = Arc::new(EventBus::new());
    let mut s = bus.subscribe(4);
    let b = Arc::clone(&bus);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        b.emit(1u8);
        b.close();
    });
    let first = crate::block_on(std::future::poll_fn(|cx| {
        Pin::new(&mut s).poll_next_unpin_helper(cx)
    }));
    assert_eq!(first, Some(1));
    let end = crate::block_on(std::future::poll_fn(|cx| {
        Pin::new(&mut s).poll_next_unpin_helper(cx)
    }));
    assert_eq!(end, None);
    t.join().unwrap();
}

trait PollHelper<E> {
    fn poll_next_unpin_helper(self, cx: &mut Context<'_>) -> Poll<Option<E>>;
}
impl<E> PollHelper<E> for Pin<&mut EventSubscription<E>> {
    fn poll_next_unpin_helper(self, cx: &mut Context<'_>) -> Poll<Option<E>> {
        futures_core::Stream::poll_next(self, cx)
    }
}
