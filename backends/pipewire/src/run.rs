//! The PipeWire thread: main loop, registry, node formats, capture streams.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use pipewire as pw;
use pw::spa;
use pw::types::ObjectType;

use mediacapture_hal::{
    AudioData, BackendError, BackendErrorKind, DeviceEvent, DeviceEventSink, EndReason, FramePool,
    MediaDeviceKind, MediaFrame, MediaSink, NativeConfig,
};

use crate::formats::{self, Plane};
use crate::{Cmd, NodeInfo, NodeMode, RECONNECT_INTERVAL, STALL_TIMEOUT, Shared};
use mediacapture_hal::sync::lock;

/// The thread's body: connect, run until the daemon goes or the backend quits, and again.
pub(crate) fn thread_main(
    shared: Arc<Shared>,
    commands: Arc<Mutex<Option<pw::channel::Sender<Cmd>>>>,
    ready: mpsc::Sender<()>,
    socket: Option<std::path::PathBuf>,
) {
    pw::init();
    let mut ready = Some(ready);
    while !shared.quit.load(Ordering::Acquire) {
        if let Err(e) = session(&shared, &commands, &mut ready, socket.as_deref()) {
            log::debug!("pipewire: {e}");
        }
        *lock(&commands) = None;
        shared.synced.store(false, Ordering::Release);
        let had_nodes = {
            let mut n = lock(&shared.nodes);
            let had = !n.is_empty();
            n.clear();
            had
        };
        lock(&shared.devices).clear();
        shared.connected.store(false, Ordering::Release);
        if had_nodes {
            shared.notify();
        }
        // Not connected: say so once, then try again now and then.
        if let Some(r) = ready.take() {
            let _ = r.send(());
        }
        let until = Instant::now() + RECONNECT_INTERVAL;
        while Instant::now() < until && !shared.quit.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One open capture stream, on this thread.
struct Open {
    node: u32,
    _stream: pw::stream::StreamRc,
    _listener: pw::stream::StreamListener<StreamData>,
    _state_listener: pw::stream::StreamListener<Arc<StreamState>>,
    state: Arc<StreamState>,
}

/// What a stream's callbacks and the stall timer share.
struct StreamState {
    events: DeviceEventSink,
    start: Instant,
    /// Milliseconds since `start` of the last buffer.
    last_ms: AtomicU64,
    muted: AtomicBool,
    started: AtomicBool,
    ended: AtomicBool,
}

impl StreamState {
    fn end(&self, reason: EndReason) {
        if !self.ended.swap(true, Ordering::AcqRel) {
            (self.events)(DeviceEvent::Ended(reason));
        }
    }

    fn buffer_arrived(&self) -> i64 {
        let us = i64::try_from(self.start.elapsed().as_micros()).unwrap_or(i64::MAX);
        self.last_ms.store((us / 1000) as u64, Ordering::Relaxed);
        if !self.started.swap(true, Ordering::AcqRel) {
            (self.events)(DeviceEvent::Started);
        }
        if self.muted.swap(false, Ordering::AcqRel) {
            (self.events)(DeviceEvent::Unmuted);
        }
        us
    }
}

struct StreamData {
    state: Arc<StreamState>,
    media: MediaSink,
    mode: Option<NodeMode>,
    audio: Option<(u32, u32)>,
    pool: FramePool,
}

struct Session {
    core: pw::core::CoreRc,
    open: HashMap<u64, Open>,
    /// Node proxies kept alive while their formats are read.
    proxies: HashMap<u32, (pw::node::Node, pw::node::NodeListener)>,
}

fn kind_of(class: &str) -> Option<MediaDeviceKind> {
    match class {
        "Video/Source" => Some(MediaDeviceKind::VideoInput),
        "Audio/Source" => Some(MediaDeviceKind::AudioInput),
        "Audio/Sink" => Some(MediaDeviceKind::AudioOutput),
        _ => None,
    }
}

fn session(
    shared: &Arc<Shared>,
    commands: &Arc<Mutex<Option<pw::channel::Sender<Cmd>>>>,
    ready: &mut Option<mpsc::Sender<()>>,
    socket: Option<&std::path::Path>,
) -> Result<(), pw::Error> {
    let mainloop = pw::main_loop::MainLoopRc::new(None)?;
    let context = pw::context::ContextRc::new(&mainloop, None)?;
    let remote = socket.map(|p| {
        let mut props = pw::properties::PropertiesBox::new();
        props.insert("remote.name", p.to_string_lossy().as_ref());
        props
    });
    let core = context.connect_rc(remote)?;
    let registry = core.get_registry_rc()?;
    shared.connected.store(true, Ordering::Release);
    let state = Rc::new(RefCell::new(Session {
        core: core.clone(),
        open: HashMap::new(),
        proxies: HashMap::new(),
    }));
    // The initial sync in progress: (round trip 0 or 1, its sequence number).
    let sync: Rc<Cell<Option<(u8, spa::utils::result::AsyncSeq)>>> = Rc::new(Cell::new(None));

    // The daemon going away (or any fatal core error) ends this session.
    let _core_listener = core
        .add_listener_local()
        .error({
            let (ml, st, shared) = (mainloop.downgrade(), Rc::clone(&state), Arc::clone(shared));
            move |id, _seq, res, message| {
                if id == pw::core::PW_ID_CORE {
                    log::warn!("pipewire: the daemon failed ({res}): {message}");
                    // No devices from now on, before the tracks hear that theirs ended.
                    shared.connected.store(false, Ordering::Release);
                    lock(&shared.nodes).clear();
                    for (_, o) in st.borrow_mut().open.drain() {
                        o.state
                            .end(EndReason::Failure(format!("PipeWire failed: {message}")));
                    }
                    if let Some(ml) = ml.upgrade() {
                        ml.quit();
                    }
                }
            }
        })
        .done({
            // The initial state, in two round trips matched by sequence number: the first
            // sync's answer means every node that existed is known (and its formats asked
            // for); the second comes after the daemon's answers to those requests.
            let ready = RefCell::new(ready.take());
            let (core, pending, shared) = (core.clone(), Rc::clone(&sync), Arc::clone(shared));
            move |id, seq| {
                let Some((stage, want)) = pending.get() else {
                    return;
                };
                if id != pw::core::PW_ID_CORE || seq != want {
                    return;
                }
                if stage == 0 {
                    pending.set(core.sync(0).ok().map(|s| (1, s)));
                    if pending.get().is_some() {
                        return;
                    }
                }
                pending.set(None);
                {
                    let _nodes = lock(&shared.nodes);
                    shared.synced.store(true, Ordering::Release);
                    shared.nodes_changed.notify_all();
                }
                if let Some(r) = ready.borrow_mut().take() {
                    let _ = r.send(());
                }
            }
        })
        .register();

    let _registry_listener = registry
        .add_listener_local()
        .global({
            let (shared, reg, st) = (Arc::clone(shared), registry.downgrade(), Rc::clone(&state));
            move |obj| {
                let Some(props) = obj.props else { return };
                match obj.type_ {
                    ObjectType::Device => {
                        if let Some(name) = props.get("device.name") {
                            lock(&shared.devices).insert(obj.id, name.to_owned());
                        }
                    }
                    ObjectType::Node => {
                        let Some(kind) = props.get("media.class").and_then(kind_of) else {
                            return;
                        };
                        let Some(name) = props.get("node.name") else {
                            return;
                        };
                        let label = props
                            .get("node.description")
                            .or_else(|| props.get("node.nick"))
                            .unwrap_or(name);
                        let num = |k: &str| props.get(k).and_then(|v| v.parse::<u32>().ok());
                        let info = NodeInfo {
                            id: obj.id,
                            name: name.to_owned(),
                            label: label.to_owned(),
                            kind,
                            device: num("device.id"),
                            modes: Vec::new(),
                            audio: num("audio.rate")
                                .map(|r| (r, num("audio.channels").unwrap_or(2))),
                            formats_readable: false,
                        };
                        lock(&shared.nodes).insert(obj.id, info);
                        if kind == MediaDeviceKind::AudioOutput {
                            shared.notify();
                            return;
                        }
                        if kind == MediaDeviceKind::AudioInput {
                            // Listed at once; its real format refines it below.
                            shared.notify();
                        }
                        // Inputs' formats come as EnumFormat params: a camera's modes, a
                        // microphone's rate and channels. Subscribed, not enumerated once: a
                        // node whose producer publishes its formats after the node appears
                        // (or changes them) sends them when it does.
                        let Some(reg) = reg.upgrade() else { return };
                        let Ok(node) = reg.bind::<pw::node::Node, _>(obj) else {
                            return;
                        };
                        let (shared2, shared3, id) =
                            (Arc::clone(&shared), Arc::clone(&shared), obj.id);
                        let listener = node
                            .add_listener_local()
                            .info(move |info| {
                                let readable = info.params().iter().any(|p| {
                                    p.id() == spa::param::ParamType::EnumFormat
                                        && p.flags().contains(spa::param::ParamInfoFlags::READ)
                                });
                                let changed = {
                                    let mut nodes = lock(&shared3.nodes);
                                    let Some(n) = nodes.get_mut(&id) else { return };
                                    std::mem::replace(&mut n.formats_readable, readable) != readable
                                };
                                if changed {
                                    shared3.nodes_changed();
                                }
                            })
                            .param(move |_seq, _type, _index, _next, param| {
                                let Some(param) = param else { return };
                                let first_modes = {
                                    let mut nodes = lock(&shared2.nodes);
                                    let Some(n) = nodes.get_mut(&id) else { return };
                                    if n.kind == MediaDeviceKind::AudioInput {
                                        if n.audio.is_none() {
                                            n.audio = formats::parse_audio_enum_format(param);
                                        }
                                        false
                                    } else {
                                        let first = n.modes.is_empty();
                                        for m in formats::parse_video_enum_format(param) {
                                            if !n.modes.contains(&m) {
                                                n.modes.push(m);
                                            }
                                        }
                                        first && !n.modes.is_empty()
                                    }
                                };
                                if first_modes {
                                    shared2.nodes_changed();
                                    shared2.notify();
                                }
                            })
                            .register();
                        node.subscribe_params(&[spa::param::ParamType::EnumFormat]);
                        st.borrow_mut().proxies.insert(obj.id, (node, listener));
                    }
                    _ => {}
                }
            }
        })
        .global_remove({
            let (shared, st) = (Arc::clone(shared), Rc::clone(&state));
            move |id| {
                lock(&shared.devices).remove(&id);
                let removed = lock(&shared.nodes).remove(&id).is_some();
                if removed {
                    let mut s = st.borrow_mut();
                    s.proxies.remove(&id);
                    let gone: Vec<u64> = s
                        .open
                        .iter()
                        .filter(|(_, o)| o.node == id)
                        .map(|(k, _)| *k)
                        .collect();
                    for k in gone {
                        if let Some(o) = s.open.remove(&k) {
                            o.state.end(EndReason::DeviceLost);
                        }
                    }
                    drop(s);
                    shared.notify();
                }
            }
        })
        .register();
    sync.set(core.sync(0).ok().map(|s| (0, s)));

    // Commands from other threads.
    let (tx, rx) = pw::channel::channel::<Cmd>();
    *lock(commands) = Some(tx);
    let _receiver = rx.attach(mainloop.loop_(), {
        let (ml, st) = (mainloop.downgrade(), Rc::clone(&state));
        move |cmd| match cmd {
            Cmd::Quit => {
                if let Some(ml) = ml.upgrade() {
                    ml.quit();
                }
            }
            Cmd::Close { id } => {
                st.borrow_mut().open.remove(&id);
            }
            Cmd::Open {
                id,
                node,
                config,
                mode,
                events,
                media,
                reply,
            } => {
                let core = st.borrow().core.clone();
                let r = open_stream(&core, &node, &config, mode, events, media);
                let _ = reply.send(r.as_ref().map(|_| ()).map_err(Clone::clone));
                if let Ok(o) = r {
                    st.borrow_mut().open.insert(id, o);
                }
            }
        }
    });

    // Stalls: a stream without buffers for a while is muted (unmuted by its next buffer).
    let timer = mainloop.loop_().add_timer({
        let st = Rc::clone(&state);
        move |_| {
            for o in st.borrow().open.values() {
                let s = &o.state;
                let now_ms = s.start.elapsed().as_millis() as u64;
                let quiet = now_ms.saturating_sub(s.last_ms.load(Ordering::Relaxed));
                if s.started.load(Ordering::Acquire)
                    && !s.ended.load(Ordering::Acquire)
                    && quiet > STALL_TIMEOUT.as_millis() as u64
                    && !s.muted.swap(true, Ordering::AcqRel)
                {
                    (s.events)(DeviceEvent::Muted);
                }
            }
        }
    });
    let _ = timer.update_timer(
        Some(Duration::from_millis(250)),
        Some(Duration::from_millis(250)),
    );

    mainloop.run();
    // Leaving: every stream still open ends (the daemon is gone, or the backend is).
    let quitting = shared.quit.load(Ordering::Acquire);
    for (_, o) in state.borrow_mut().open.drain() {
        if !quitting {
            o.state
                .end(EndReason::Failure("the PipeWire daemon went away".into()));
        }
    }
    state.borrow_mut().proxies.clear();
    Ok(())
}

fn open_stream(
    core: &pw::core::CoreRc,
    node: &NodeInfo,
    config: &NativeConfig,
    mode: Option<NodeMode>,
    events: DeviceEventSink,
    media: MediaSink,
) -> Result<Open, BackendError> {
    let fail = |what: &str, e: pw::Error| {
        BackendError::new(BackendErrorKind::Other, format!("{what}: {e}"))
    };
    let (video, audio) = match config {
        NativeConfig::Video(_) => (true, None),
        NativeConfig::Audio(a) => (false, Some((a.sample_rate, a.channel_count))),
        _ => {
            return Err(BackendError::new(
                BackendErrorKind::Unsupported,
                "an unknown configuration",
            ));
        }
    };
    let mut props = pw::properties::PropertiesBox::new();
    props.insert("media.type", if video { "Video" } else { "Audio" });
    props.insert("media.category", "Capture");
    props.insert("media.role", if video { "Camera" } else { "Communication" });
    props.insert("target.object", node.name.as_str());
    // A capture of this node ends with it; never move to another device.
    props.insert("node.dont-reconnect", "true");
    props.insert("node.name", "mediacapture");
    let stream = pw::stream::StreamRc::new(core.clone(), "mediacapture", props)
        .map_err(|e| fail("cannot create a stream", e))?;
    let state = Arc::new(StreamState {
        events,
        start: Instant::now(),
        last_ms: AtomicU64::new(0),
        muted: AtomicBool::new(false),
        started: AtomicBool::new(false),
        ended: AtomicBool::new(false),
    });
    let data = StreamData {
        state: Arc::clone(&state),
        media,
        mode,
        audio,
        pool: FramePool::new(4),
    };
    // Two listeners: `process` runs on PipeWire's realtime data thread (RT_PROCESS: one thread
    // hop less per buffer), `state_changed` on this thread; each has its own user data, so
    // the two threads never share one.
    let state_listener = stream
        .add_local_listener_with_user_data(Arc::clone(&state))
        .state_changed(|_, state, _old, new| {
            if let pw::stream::StreamState::Error(e) = new {
                state.end(EndReason::Failure(format!("PipeWire stream error: {e}")));
            }
        })
        .register()
        .map_err(|e| fail("cannot listen to the stream", e))?;
    let listener = stream
        .add_local_listener_with_user_data(data)
        .process(|stream, d| {
            let Some(mut buffer) = stream.dequeue_buffer() else {
                return;
            };
            let ts = d.state.buffer_arrived();
            let datas = buffer.datas_mut();
            if let Some(mode) = d.mode {
                // The planes as PipeWire maps them (offset and size from each chunk): read in
                // place, converted into a pooled I420 buffer (one copy).
                let mut planes = Vec::with_capacity(datas.len());
                for data in datas.iter_mut() {
                    let (offset, size, stride) = {
                        let c = data.chunk();
                        (
                            c.offset() as usize,
                            c.size() as usize,
                            c.stride().max(0) as usize,
                        )
                    };
                    if let Some(bytes) = data.data() {
                        let end = (offset + size).min(bytes.len());
                        let bytes: &[u8] = bytes;
                        planes.push(Plane {
                            data: bytes.get(offset..end).unwrap_or(&[]),
                            stride,
                        });
                    }
                }
                if let Some(frame) = formats::to_i420(&mode, &planes, ts, &d.pool) {
                    let us = (1e6 / mode.frame_rate().max(1.0)) as i64;
                    (d.media)(MediaFrame::Video(frame.with_duration(Some(us))));
                }
            } else if let Some((rate, channels)) = d.audio {
                let Some(data) = datas.first_mut() else {
                    return;
                };
                let (offset, size) = {
                    let c = data.chunk();
                    (c.offset() as usize, c.size() as usize)
                };
                let Some(bytes) = data.data() else { return };
                let end = (offset + size).min(bytes.len());
                let samples: Vec<f32> = bytes
                    .get(offset..end)
                    .unwrap_or(&[])
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                if samples.is_empty() {
                    return;
                }
                if let Ok(a) = AudioData::new_f32(rate, channels, ts, samples) {
                    (d.media)(MediaFrame::Audio(a));
                }
            }
        })
        .register()
        .map_err(|e| fail("cannot listen to the stream", e))?;
    let pod = match (mode, audio) {
        (Some(m), _) => formats::video_format_pod(&m),
        (None, Some((rate, channels))) => formats::audio_format_pod(rate, channels),
        (None, None) => None,
    }
    .ok_or_else(|| BackendError::new(BackendErrorKind::Unsupported, "no format to ask for"))?;
    let pod = spa::pod::Pod::from_bytes(&pod)
        .ok_or_else(|| BackendError::new(BackendErrorKind::Other, "a malformed format pod"))?;
    stream
        .connect(
            spa::utils::Direction::Input,
            None,
            pw::stream::StreamFlags::AUTOCONNECT
                | pw::stream::StreamFlags::MAP_BUFFERS
                | pw::stream::StreamFlags::RT_PROCESS,
            &mut [pod],
        )
        .map_err(|e| fail("cannot connect the stream", e))?;
    Ok(Open {
        node: node.id,
        _stream: stream,
        _listener: listener,
        _state_listener: state_listener,
        state,
    })
}
