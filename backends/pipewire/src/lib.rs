//! mediacapture's PipeWire backend: `Video/Source` nodes as cameras, `Audio/Source` nodes as
//! microphones and `Audio/Sink` nodes as speakers, from the session's PipeWire daemon.
//!
//! One thread per backend runs PipeWire's main loop: it keeps the registry's nodes (labels,
//! `node.name` as the stable hardware id, the device they belong to as the group, the camera
//! modes their `EnumFormat` params offer), runs the capture streams, and tells observers when
//! nodes come and go. Other threads talk to it over a PipeWire channel.
//!
//! - A daemon that is absent is "no devices", not an error; the thread tries again every
//!   [`RECONNECT_INTERVAL`] (a bounded, steady retry), so a daemon started later is found.
//! - A node removed while captured ends its streams (`DeviceLost`); a daemon that dies ends
//!   every stream (`Failure`); a stream that delivers nothing for [`STALL_TIMEOUT`] is muted
//!   until buffers come again.
//! - Cameras are read as I420, NV12, YUY2 or MJPEG and handed over as I420; microphones as
//!   interleaved f32 at the rate and channel count asked for (PipeWire converts).
#![forbid(unsafe_code)]

mod formats;
mod run;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mediacapture_hal::sync::lock;
use mediacapture_hal::{
    AudioDeviceCapabilities, Backend, BackendError, BackendErrorKind, DeviceCapabilities,
    DeviceDescriptor, DeviceEventSink, DeviceHandle, HotplugObserver, MediaDeviceKind, MediaSink,
    NativeConfig, NativeVideoFormat, VideoDeviceCapabilities,
};

pub(crate) use formats::NodeMode;

/// How often the backend tries to reach a PipeWire daemon it does not have.
pub const RECONNECT_INTERVAL: Duration = Duration::from_secs(2);
/// A stream with no buffer for this long is muted.
pub const STALL_TIMEOUT: Duration = Duration::from_millis(1500);
/// How long `new` waits for the daemon's first list of nodes (it answers in milliseconds; this
/// bounds a daemon that accepts the connection and then hangs).
const FIRST_SYNC: Duration = Duration::from_secs(3);
/// How long `new`, once the registry is synced, waits for the formats of cameras that say they
/// have some but whose formats have not arrived yet.
const FIRST_FORMATS: Duration = Duration::from_secs(1);

/// A node as the registry shows it.
#[derive(Clone, Debug)]
pub(crate) struct NodeInfo {
    pub id: u32,
    pub name: String,
    pub label: String,
    pub kind: MediaDeviceKind,
    /// The `device.id` it belongs to, if any.
    pub device: Option<u32>,
    /// Camera modes from `EnumFormat` (cameras only; empty until they arrive).
    pub modes: Vec<NodeMode>,
    /// `audio.rate` and `audio.channels`, when the node says.
    pub audio: Option<(u32, u32)>,
    /// The node's info says its `EnumFormat` params can be read (so its formats will come).
    pub formats_readable: bool,
}

impl NodeInfo {
    /// A camera whose formats are announced but not here yet.
    fn formats_pending(&self) -> bool {
        self.kind == MediaDeviceKind::VideoInput && self.formats_readable && self.modes.is_empty()
    }
}

/// What the backend and its thread share.
#[derive(Default)]
pub(crate) struct Shared {
    pub nodes: Mutex<BTreeMap<u32, NodeInfo>>,
    /// Signalled (with `nodes` locked) when `synced` is set or a node's formats arrive.
    pub nodes_changed: Condvar,
    /// The registry's initial state is known: every node that existed when the session
    /// connected is in `nodes`, and its formats were asked for and (where the daemon has
    /// them) received.
    pub synced: AtomicBool,
    /// `device.id` → `device.name`.
    pub devices: Mutex<BTreeMap<u32, String>>,
    pub observers: Mutex<Vec<Weak<dyn HotplugObserver>>>,
    pub connected: AtomicBool,
    pub quit: AtomicBool,
    next_stream: AtomicU64,
}

impl Shared {
    /// Wakes [`wait_for_initial_state`](Self::wait_for_initial_state).
    pub(crate) fn nodes_changed(&self) {
        let _nodes = lock(&self.nodes);
        self.nodes_changed.notify_all();
    }

    /// Once the registry is synced, waits (up to `formats`) until no camera's formats are
    /// still on their way. Returns at once when not connected.
    fn wait_for_initial_formats(&self, formats: Duration) {
        let deadline = Instant::now() + formats;
        let mut nodes = lock(&self.nodes);
        while self.connected.load(Ordering::Acquire)
            && self.synced.load(Ordering::Acquire)
            && nodes.values().any(NodeInfo::formats_pending)
        {
            let now = Instant::now();
            if now >= deadline {
                let pending: Vec<&str> = nodes
                    .values()
                    .filter(|n| n.formats_pending())
                    .map(|n| n.name.as_str())
                    .collect();
                log::warn!(
                    "pipewire: no formats from {pending:?} after {formats:?}; listed when they come"
                );
                return;
            }
            nodes = self
                .nodes_changed
                .wait_timeout(nodes, deadline - now)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }

    pub(crate) fn notify(&self) {
        let observers: Vec<Arc<dyn HotplugObserver>> = {
            let mut o = lock(&self.observers);
            o.retain(|w| w.strong_count() > 0);
            o.iter().filter_map(Weak::upgrade).collect()
        };
        for o in observers {
            o.device_list_changed();
        }
    }
}

/// Requests to the PipeWire thread.
pub(crate) enum Cmd {
    Open {
        id: u64,
        node: Box<NodeInfo>,
        config: NativeConfig,
        mode: Option<NodeMode>,
        events: DeviceEventSink,
        media: MediaSink,
        reply: mpsc::Sender<Result<(), BackendError>>,
    },
    Close {
        id: u64,
    },
    Quit,
}

/// The PipeWire backend.
pub struct PipeWireBackend {
    shared: Arc<Shared>,
    commands: Arc<Mutex<Option<pipewire::channel::Sender<Cmd>>>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for PipeWireBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeWireBackend")
            .field("connected", &self.is_connected())
            .finish()
    }
}

impl PipeWireBackend {
    /// Starts the backend's thread and waits for the daemon's initial state, so that an
    /// [`enumerate`](Backend::enumerate) right after lists every node that already exists:
    /// the registry's nodes (two sequence-matched sync round trips: the nodes, then the
    /// answers to the format requests made for them) and the formats of every camera whose
    /// info announces some (at most 1 s more). The daemon answers in milliseconds; a daemon
    /// that does not answer within 3 s is logged and its devices come later. Never fails:
    /// without a daemon there are no devices until one appears.
    pub fn new() -> Self {
        Self::with_remote(None)
    }

    /// As [`new`](Self::new), connecting to the daemon listening at `socket` (an absolute
    /// path, such as a private session's `$XDG_RUNTIME_DIR/pipewire-0`) instead of the
    /// session's default.
    pub fn with_remote(socket: Option<std::path::PathBuf>) -> Self {
        let shared = Arc::new(Shared::default());
        let commands = Arc::new(Mutex::new(None));
        let (ready_tx, ready_rx) = mpsc::channel();
        let (s, c) = (Arc::clone(&shared), Arc::clone(&commands));
        let thread = std::thread::Builder::new()
            .name("mediacapture-pipewire".into())
            .spawn(move || run::thread_main(s, c, ready_tx, socket))
            .map_err(|e| log::warn!("pipewire: cannot start the backend's thread: {e}"))
            .ok();
        if thread.is_some() {
            if ready_rx.recv_timeout(FIRST_SYNC).is_err() {
                log::warn!("pipewire: the daemon did not answer within {FIRST_SYNC:?}");
            }
            shared.wait_for_initial_formats(FIRST_FORMATS);
        }
        PipeWireBackend {
            shared,
            commands,
            thread,
        }
    }

    /// Whether a PipeWire daemon is connected now.
    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::Acquire)
    }

    fn send(&self, cmd: Cmd) -> Result<(), BackendError> {
        match lock(&self.commands).as_ref() {
            Some(tx) => tx.send(cmd).map_err(|_| {
                BackendError::new(BackendErrorKind::Other, "the PipeWire thread has stopped")
            }),
            None => Err(BackendError::new(
                BackendErrorKind::DeviceGone,
                "no PipeWire daemon is connected",
            )),
        }
    }
}

impl Default for PipeWireBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for PipeWireBackend {
    fn drop(&mut self) {
        self.shared.quit.store(true, Ordering::Release);
        let _ = self.send(Cmd::Quit);
        if let Some(t) = self.thread.take() {
            // The last handle of a `MediaDevices` may go on this backend's own thread (a
            // hot-plug observer holds it while it runs): that thread then leaves by itself
            // when the callback returns, and must not wait for itself.
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
    }
}

/// The camera modes a device offers: one per size and rate, in its best pixel format.
fn best_modes(modes: &[NodeMode]) -> Vec<NodeMode> {
    let mut best: Vec<NodeMode> = Vec::new();
    for m in modes {
        match best
            .iter_mut()
            .find(|b| (b.width, b.height, b.num * m.denom) == (m.width, m.height, m.num * b.denom))
        {
            Some(b) if m.pixel < b.pixel => *b = *m,
            Some(_) => {}
            None => best.push(*m),
        }
    }
    best
}

fn descriptor(n: &NodeInfo, devices: &BTreeMap<u32, String>) -> Option<DeviceDescriptor> {
    let capabilities = match n.kind {
        MediaDeviceKind::VideoInput => {
            let modes = best_modes(&n.modes);
            if modes.is_empty() {
                return None; // its formats are not known yet
            }
            let mut v =
                VideoDeviceCapabilities::new(modes.iter().map(NodeMode::video_mode).collect());
            v.native_formats = n
                .modes
                .iter()
                .map(|m| NativeVideoFormat::new(m.video_mode(), m.pixel.fourcc()))
                .collect();
            DeviceCapabilities::Video(v)
        }
        MediaDeviceKind::AudioInput => {
            let (rate, channels) = n.audio.unwrap_or((48_000, 2));
            let mut a = AudioDeviceCapabilities::default();
            a.sample_rates = vec![rate];
            a.channel_counts = vec![channels];
            a.sample_sizes = vec![32];
            a.latencies = vec![0.01];
            a.echo_cancellation = vec![mediacapture_types::BooleanOrDOMString::Boolean(false)];
            a.auto_gain_control = vec![false];
            a.noise_suppression = vec![false];
            // PipeWire converts to whatever rate and channel count a stream asks for.
            a.resample = true;
            DeviceCapabilities::Audio(a)
        }
        _ => DeviceCapabilities::Output,
    };
    let mut d = DeviceDescriptor::new(n.kind, n.name.clone(), n.label.clone(), capabilities);
    if let Some(dev) = n.device.and_then(|id| devices.get(&id)) {
        d.group_key = dev.clone();
    }
    Some(d)
}

impl Backend for PipeWireBackend {
    fn name(&self) -> &'static str {
        "pipewire"
    }

    fn enumerate(&self) -> Result<Vec<DeviceDescriptor>, BackendError> {
        if !self.is_connected() {
            return Ok(Vec::new());
        }
        let devices = lock(&self.shared.devices).clone();
        let nodes = lock(&self.shared.nodes);
        let mut out: Vec<DeviceDescriptor> = nodes
            .values()
            .filter_map(|n| descriptor(n, &devices))
            .collect();
        // The first of each kind is the default.
        for kind in [
            MediaDeviceKind::AudioInput,
            MediaDeviceKind::VideoInput,
            MediaDeviceKind::AudioOutput,
        ] {
            if let Some(d) = out.iter_mut().find(|d| d.kind == kind) {
                d.is_default = true;
            }
        }
        Ok(out)
    }

    fn open(
        &self,
        hardware_id: &str,
        config: &NativeConfig,
        events: DeviceEventSink,
        media: MediaSink,
    ) -> Result<Box<dyn DeviceHandle>, BackendError> {
        let node = lock(&self.shared.nodes)
            .values()
            .find(|n| n.name == hardware_id)
            .cloned()
            .ok_or_else(|| {
                BackendError::new(
                    BackendErrorKind::DeviceGone,
                    format!("no PipeWire node {hardware_id:?}"),
                )
            })?;
        let id = start_stream(&self.shared, &self.commands, &node, config, &events, &media)?;
        Ok(Box::new(StreamHandle {
            id,
            shared: Arc::clone(&self.shared),
            commands: Arc::clone(&self.commands),
            node,
            config: config.clone(),
            events,
            media,
            stopped: false,
        }))
    }

    fn watch(&self, observer: Weak<dyn HotplugObserver>) {
        lock(&self.shared.observers).push(observer);
    }
}

/// The node's mode for a camera configuration (`None` for audio).
fn mode_for(node: &NodeInfo, config: &NativeConfig) -> Result<Option<NodeMode>, BackendError> {
    match config {
        NativeConfig::Video(v) => best_modes(&node.modes)
            .into_iter()
            .find(|m| {
                m.width == v.width
                    && m.height == v.height
                    && (m.frame_rate() - v.frame_rate).abs() < 0.01
            })
            .map(Some)
            .ok_or_else(|| {
                BackendError::new(
                    BackendErrorKind::Unsupported,
                    format!("{:?} has no mode {v:?}", node.name),
                )
            }),
        _ => Ok(None),
    }
}

/// Asks the PipeWire thread for a capture stream of `node` in `config`; its id.
fn start_stream(
    shared: &Shared,
    commands: &Mutex<Option<pipewire::channel::Sender<Cmd>>>,
    node: &NodeInfo,
    config: &NativeConfig,
    events: &DeviceEventSink,
    media: &MediaSink,
) -> Result<u64, BackendError> {
    let mode = mode_for(node, config)?;
    let id = shared.next_stream.fetch_add(1, Ordering::Relaxed);
    let (reply, result) = mpsc::channel();
    let cmd = Cmd::Open {
        id,
        node: Box::new(node.clone()),
        config: config.clone(),
        mode,
        events: Arc::clone(events),
        media: Arc::clone(media),
        reply,
    };
    match lock(commands).as_ref() {
        Some(tx) => tx.send(cmd).map_err(|_| {
            BackendError::new(BackendErrorKind::Other, "the PipeWire thread has stopped")
        })?,
        None => {
            return Err(BackendError::new(
                BackendErrorKind::DeviceGone,
                "no PipeWire daemon is connected",
            ));
        }
    }
    result.recv_timeout(Duration::from_secs(5)).map_err(|_| {
        BackendError::new(BackendErrorKind::Other, "PipeWire did not answer in time")
    })??;
    Ok(id)
}

/// An open capture stream.
struct StreamHandle {
    id: u64,
    shared: Arc<Shared>,
    commands: Arc<Mutex<Option<pipewire::channel::Sender<Cmd>>>>,
    node: NodeInfo,
    config: NativeConfig,
    events: DeviceEventSink,
    media: MediaSink,
    stopped: bool,
}

impl DeviceHandle for StreamHandle {
    /// A new stream in the new format replaces the old one (PipeWire streams keep the format
    /// they were connected with).
    fn reconfigure(&mut self, config: &NativeConfig) -> Result<(), BackendError> {
        mode_for(&self.node, config)?;
        if let Some(tx) = lock(&self.commands).as_ref() {
            let _ = tx.send(Cmd::Close { id: self.id });
        }
        let started = start_stream(
            &self.shared,
            &self.commands,
            &self.node,
            config,
            &self.events,
            &self.media,
        );
        match started {
            Ok(id) => {
                self.id = id;
                self.config = config.clone();
                Ok(())
            }
            Err(e) => {
                // Back to the old configuration, as the seam promises.
                if let Ok(id) = start_stream(
                    &self.shared,
                    &self.commands,
                    &self.node,
                    &self.config,
                    &self.events,
                    &self.media,
                ) {
                    self.id = id;
                }
                Err(e)
            }
        }
    }

    fn stop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            if let Some(tx) = lock(&self.commands).as_ref() {
                let _ = tx.send(Cmd::Close { id: self.id });
            }
        }
    }
}

impl Drop for StreamHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
