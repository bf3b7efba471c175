//! Why a command failed, and the exit status that says so.

use std::fmt;
use std::process::ExitCode;

use mediacapture::MediaStreamError;

/// A failed command: its message goes to stderr, its kind picks the exit status.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// Bad arguments or input: malformed JSON, an unsupported type, an output that exists or
    /// cannot be written, a device that matches nothing. Exit status 2.
    Usage(String),
    /// The media side failed: getUserMedia rejected, the recorder failed, a track ended before
    /// the end asked for. Exit status 1.
    Failed(String),
}

impl Failure {
    /// A usage or input error.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    /// A media failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure::Failed(message.into())
    }

    /// A rejection from the library, after `what` (`getUserMedia`, `MediaRecorder`): a
    /// `TypeError` (the library's word for malformed input) or `NotSupportedError` (a type or
    /// option it does not do) is the caller's input; anything else is a media failure.
    pub fn from_rejection(what: &str, e: &MediaStreamError) -> Self {
        let message = format!("{what} rejected: {e}");
        match e.name() {
            "TypeError" | "NotSupportedError" => Failure::Usage(message),
            _ => Failure::Failed(message),
        }
    }

    /// The process's exit status.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            Failure::Failed(_) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Failed(m) => f.write_str(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_exit_2_media_failures_1() {
        let input = MediaStreamError::type_error("not valid JSON");
        assert_eq!(
            Failure::from_rejection("getUserMedia", &input).exit_code(),
            ExitCode::from(2)
        );
        let refused = MediaStreamError::not_found("no camera");
        assert_eq!(
            Failure::from_rejection("getUserMedia", &refused).exit_code(),
            ExitCode::from(1)
        );
    }
}
