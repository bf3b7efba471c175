//! [`MediaStreamError`]: the one public error enum, named after DOMExceptions.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// The underlying cause of an error, from a backend or the OS.
#[derive(Clone)]
pub struct ErrorSource(pub Arc<dyn StdError + Send + Sync>);

impl fmt::Display for ErrorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for ErrorSource {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

impl fmt::Debug for ErrorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Every error of the Media Capture family, one variant per
/// [DOMException name](https://webidl.spec.whatwg.org/#dfn-error-names-table) the specs use,
/// plus `TypeError`.
///
/// Each variant's name is exactly the exception's `name`, which [`name()`](Self::name) returns;
/// each carries a human-readable `message`. What the spec delivers by rejecting a promise, we
/// deliver as `Err` from the `async fn`.
///
/// ```
/// use mediacapture_types::MediaStreamError;
/// let e = MediaStreamError::overconstrained("width", "no camera is 5000 pixels wide");
/// assert_eq!(e.name(), "OverconstrainedError");
/// assert_eq!(e.constraint(), Some("width"));
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
#[allow(clippy::enum_variant_names)] // The variants are the DOMException names, suffix and all.
pub enum MediaStreamError {
    /// `NotAllowedError`: the user or a permission policy denied access. Retrying without a
    /// change of permission fails again.
    #[error("NotAllowedError: {message}")]
    NotAllowedError {
        /// What happened.
        message: String,
    },
    /// `NotFoundError`: no device of a requested kind exists.
    #[error("NotFoundError: {message}")]
    NotFoundError {
        /// What happened.
        message: String,
    },
    /// `NotReadableError`: the device exists and access was granted, but it could not be
    /// opened (typically busy: another program holds it). Retrying later may work.
    #[error("NotReadableError: {message}")]
    NotReadableError {
        /// What happened.
        message: String,
        /// The backend's error, if any.
        source: Option<ErrorSource>,
    },
    /// `OverconstrainedError`: no settings satisfy the required constraints.
    ///
    /// Corresponds to [`OverconstrainedError`](https://w3c.github.io/mediacapture-main/#dom-overconstrainederror).
    #[error("OverconstrainedError: {message} (constraint: {constraint:?})")]
    OverconstrainedError {
        /// The name of a constraint that could not be met, or `""` when it may not be revealed.
        constraint: String,
        /// What happened.
        message: String,
    },
    /// `AbortError`: the device could not be started for a reason other than being busy.
    #[error("AbortError: {message}")]
    AbortError {
        /// What happened.
        message: String,
        /// The backend's error, if any.
        source: Option<ErrorSource>,
    },
    /// `InvalidStateError`: the object is not in a state that allows the call (for example
    /// getUserMedia on a closed `MediaDevices`).
    #[error("InvalidStateError: {message}")]
    InvalidStateError {
        /// What happened.
        message: String,
    },
    /// `NotSupportedError`: the operation or value is not supported.
    #[error("NotSupportedError: {message}")]
    NotSupportedError {
        /// What happened.
        message: String,
    },
    /// `SecurityError`: forbidden for security reasons.
    #[error("SecurityError: {message}")]
    SecurityError {
        /// What happened.
        message: String,
    },
    /// `InvalidModificationError`: the object was modified in a way that is not allowed (a
    /// recorded stream's track set changed).
    #[error("InvalidModificationError: {message}")]
    InvalidModificationError {
        /// What happened.
        message: String,
    },
    /// `InvalidAccessError`: the object does not support the operation or argument (WebRTC: a
    /// description that does not match the connection's, a codec it cannot send).
    #[error("InvalidAccessError: {message}")]
    InvalidAccessError {
        /// What happened.
        message: String,
    },
    /// `OperationError`: the operation failed for an operation-specific reason.
    #[error("OperationError: {message}")]
    OperationError {
        /// What happened.
        message: String,
    },
    /// `UnknownError`: the operation failed for an unknown transient reason.
    #[error("UnknownError: {message}")]
    UnknownError {
        /// What happened.
        message: String,
    },
    /// `DataCloneError`: the object cannot be transferred.
    #[error("DataCloneError: {message}")]
    DataCloneError {
        /// What happened.
        message: String,
    },
    /// `TypeError` (a JavaScript `TypeError`, not a DOMException): an argument has the wrong
    /// type or shape, such as a malformed constraints dictionary or a request for nothing.
    #[error("TypeError: {message}")]
    TypeError {
        /// What happened, naming the offending member where there is one.
        message: String,
    },
}

impl MediaStreamError {
    /// The exception's `name`: `"NotAllowedError"`, `"OverconstrainedError"`, `"TypeError"`, ….
    pub fn name(&self) -> &'static str {
        match self {
            MediaStreamError::NotAllowedError { .. } => "NotAllowedError",
            MediaStreamError::NotFoundError { .. } => "NotFoundError",
            MediaStreamError::NotReadableError { .. } => "NotReadableError",
            MediaStreamError::OverconstrainedError { .. } => "OverconstrainedError",
            MediaStreamError::AbortError { .. } => "AbortError",
            MediaStreamError::InvalidStateError { .. } => "InvalidStateError",
            MediaStreamError::NotSupportedError { .. } => "NotSupportedError",
            MediaStreamError::SecurityError { .. } => "SecurityError",
            MediaStreamError::InvalidModificationError { .. } => "InvalidModificationError",
            MediaStreamError::InvalidAccessError { .. } => "InvalidAccessError",
            MediaStreamError::OperationError { .. } => "OperationError",
            MediaStreamError::UnknownError { .. } => "UnknownError",
            MediaStreamError::DataCloneError { .. } => "DataCloneError",
            MediaStreamError::TypeError { .. } => "TypeError",
        }
    }

    /// The exception's `message`.
    pub fn message(&self) -> &str {
        match self {
            MediaStreamError::NotAllowedError { message }
            | MediaStreamError::NotFoundError { message }
            | MediaStreamError::NotReadableError { message, .. }
            | MediaStreamError::OverconstrainedError { message, .. }
            | MediaStreamError::AbortError { message, .. }
            | MediaStreamError::InvalidStateError { message }
            | MediaStreamError::NotSupportedError { message }
            | MediaStreamError::SecurityError { message }
            | MediaStreamError::InvalidModificationError { message }
            | MediaStreamError::InvalidAccessError { message }
            | MediaStreamError::OperationError { message }
            | MediaStreamError::UnknownError { message }
            | MediaStreamError::DataCloneError { message }
            | MediaStreamError::TypeError { message } => message,
        }
    }

    /// `OverconstrainedError.constraint`, for that variant only.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            MediaStreamError::OverconstrainedError { constraint, .. } => Some(constraint),
            _ => None,
        }
    }

    /// The legacy DOMException `code` (0 for names without one, such as `OverconstrainedError`).
    pub fn code(&self) -> u16 {
        match self {
            MediaStreamError::NotFoundError { .. } => 8,
            MediaStreamError::NotSupportedError { .. } => 9,
            MediaStreamError::InvalidStateError { .. } => 11,
            MediaStreamError::InvalidModificationError { .. } => 13,
            MediaStreamError::InvalidAccessError { .. } => 15,
            MediaStreamError::SecurityError { .. } => 18,
            MediaStreamError::AbortError { .. } => 20,
            MediaStreamError::DataCloneError { .. } => 25,
            _ => 0,
        }
    }

    /// A `TypeError`.
    pub fn type_error(message: impl Into<String>) -> Self {
        MediaStreamError::TypeError {
            message: message.into(),
        }
    }

    /// An `OverconstrainedError` naming `constraint`.
    pub fn overconstrained(constraint: impl Into<String>, message: impl Into<String>) -> Self {
        MediaStreamError::OverconstrainedError {
            constraint: constraint.into(),
            message: message.into(),
        }
    }

    /// A `NotAllowedError`.
    pub fn not_allowed(message: impl Into<String>) -> Self {
        MediaStreamError::NotAllowedError {
            message: message.into(),
        }
    }

    /// A `NotFoundError`.
    pub fn not_found(message: impl Into<String>) -> Self {
        MediaStreamError::NotFoundError {
            message: message.into(),
        }
    }

    /// An `InvalidStateError`.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        MediaStreamError::InvalidStateError {
            message: message.into(),
        }
    }

    /// A `NotSupportedError`.
    pub fn not_supported(message: impl Into<String>) -> Self {
        MediaStreamError::NotSupportedError {
            message: message.into(),
        }
    }

    /// An `OperationError`.
    pub fn operation(message: impl Into<String>) -> Self {
        MediaStreamError::OperationError {
            message: message.into(),
        }
    }

    /// An `InvalidAccessError`.
    pub fn invalid_access(message: impl Into<String>) -> Self {
        MediaStreamError::InvalidAccessError {
            message: message.into(),
        }
    }

    /// An `UnknownError`.
    pub fn unknown(message: impl Into<String>) -> Self {
        MediaStreamError::UnknownError {
            message: message.into(),
        }
    }

    /// An `InvalidModificationError`.
    pub fn invalid_modification(message: impl Into<String>) -> Self {
        MediaStreamError::InvalidModificationError {
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_match_webidl() {
        let e = MediaStreamError::overconstrained("width", "too wide");
        assert_eq!(
            (e.name(), e.code(), e.constraint()),
            ("OverconstrainedError", 0, Some("width"))
        );
        assert_eq!(
            e.to_string(),
            "OverconstrainedError: too wide (constraint: \"width\")"
        );
        assert_eq!(MediaStreamError::not_found("x").code(), 8);
        assert_eq!(MediaStreamError::type_error("x").name(), "TypeError");
        assert_eq!(MediaStreamError::invalid_state("x").code(), 11);
        assert_eq!(MediaStreamError::not_allowed("x").constraint(), None);
    }
}
