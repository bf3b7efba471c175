//! `Blob`: bytes with a MIME type, as `takePhoto()` and `MediaRecorder` hand them out.

use std::fmt;
use std::sync::Arc;

/// Immutable bytes with a MIME type.
///
/// Corresponds to the [File API `Blob`](https://w3c.github.io/FileAPI/#blob-section). Cloning is
/// cheap (the bytes are shared).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Blob {
    data: Arc<[u8]>,
    mime_type: String,
}

impl Blob {
    /// A blob holding `data`, of type `mime_type` (the spec lowercases it).
    pub fn new(data: impl Into<Arc<[u8]>>, mime_type: &str) -> Self {
        Blob {
            data: data.into(),
            mime_type: mime_type.to_ascii_lowercase(),
        }
    }

    /// The size in bytes.
    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }

    /// The MIME type (`type` in the spec), or `""`.
    #[doc(alias = "type")]
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Whether the blob holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blob")
            .field("size", &self.data.len())
            .field("type", &self.mime_type)
            .finish()
    }
}
