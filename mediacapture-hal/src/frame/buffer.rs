//! The bytes of a video frame, and the pool that lends them.

use std::sync::Arc;

/// The bytes of a video frame: owned, or lent by a [`FramePool`] and given back to it when the
/// last frame sharing them is dropped. Making a frame from a `Vec<u8>` moves it, never copies.
pub struct FrameBuffer {
    bytes: Vec<u8>,
    pool: Option<std::sync::Weak<PoolInner>>,
}

impl FrameBuffer {
    /// Whether the buffer came from a pool.
    pub fn is_pooled(&self) -> bool {
        self.pool.is_some()
    }

    /// Shortens the buffer to `len` bytes (nothing happens if it is not longer). It keeps its
    /// capacity, so a pooled buffer that is decoded into at one size and kept at a smaller one
    /// goes back to its pool whole.
    pub fn truncate(&mut self, len: usize) {
        self.bytes.truncate(len);
    }
}

impl std::fmt::Debug for FrameBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameBuffer")
            .field("len", &self.bytes.len())
            .field("pooled", &self.is_pooled())
            .finish()
    }
}

impl From<Vec<u8>> for FrameBuffer {
    fn from(bytes: Vec<u8>) -> Self {
        FrameBuffer { bytes, pool: None }
    }
}

impl std::ops::Deref for FrameBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::ops::DerefMut for FrameBuffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl Drop for FrameBuffer {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take().and_then(|p| p.upgrade()) {
            pool.give_back(std::mem::take(&mut self.bytes));
        }
    }
}

struct PoolInner {
    free: std::sync::Mutex<Vec<Vec<u8>>>,
    max_free: usize,
    allocated: std::sync::atomic::AtomicU64,
    reused: std::sync::atomic::AtomicU64,
}

impl PoolInner {
    fn give_back(&self, bytes: Vec<u8>) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < self.max_free {
            free.push(bytes);
        }
    }
}

/// A bounded pool of frame buffers, for a producer that makes frames of the same size over and
/// over (a camera, a scaler): buffers come back when the frames using them are dropped, so a
/// steady stream allocates (and page-faults) nothing. At most `max_free` idle buffers are kept;
/// more are freed.
#[derive(Clone)]
pub struct FramePool {
    inner: Arc<PoolInner>,
}

impl std::fmt::Debug for FramePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (allocated, reused) = self.counts();
        f.debug_struct("FramePool")
            .field("allocated", &allocated)
            .field("reused", &reused)
            .finish()
    }
}

impl FramePool {
    /// A pool keeping at most `max_free` idle buffers.
    pub fn new(max_free: usize) -> Self {
        FramePool {
            inner: Arc::new(PoolInner {
                free: std::sync::Mutex::new(Vec::new()),
                max_free,
                allocated: Default::default(),
                reused: Default::default(),
            }),
        }
    }

    /// A buffer of `len` bytes. A reused buffer holds old bytes: the caller overwrites them all.
    pub fn buffer(&self, len: usize) -> FrameBuffer {
        use std::sync::atomic::Ordering::Relaxed;
        let reused = {
            let mut free = self.inner.free.lock().unwrap_or_else(|e| e.into_inner());
            free.iter()
                .position(|b| b.capacity() >= len)
                .map(|i| free.swap_remove(i))
        };
        let bytes = match reused {
            Some(mut b) => {
                self.inner.reused.fetch_add(1, Relaxed);
                b.resize(len, 0);
                b
            }
            None => {
                self.inner.allocated.fetch_add(1, Relaxed);
                vec![0u8; len]
            }
        };
        FrameBuffer {
            bytes,
            pool: Some(Arc::downgrade(&self.inner)),
        }
    }

    /// (buffers allocated, buffers reused) so far.
    pub fn counts(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.inner.allocated.load(Relaxed),
            self.inner.reused.load(Relaxed),
        )
    }
}
