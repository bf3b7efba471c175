//! Where a command's media goes: a file (opened before any device, refused if it exists
//! unless `-y`) or stdout (`-`), with everything for people on stderr.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::Failure;

/// The name that means stdout.
pub const STDOUT: &str = "-";

/// Whether `path` is `-`.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == STDOUT
}

/// The extension of `path`, lowercase (`None` for `-` or no extension).
pub fn extension(path: &Path) -> Option<String> {
    if is_stdout(path) {
        return None;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// An opened output. A file this command created is removed again if the command fails
/// before it has written anything: a run refused by getUserMedia leaves no empty file behind.
/// What has been written stays (a killed or failed recording stays playable up to there).
pub enum Output {
    Stdout(io::Stdout),
    File {
        file: File,
        path: PathBuf,
        written: bool,
    },
}

impl Output {
    /// Opens `path` for writing (`-`: stdout). An existing file is refused unless `overwrite`.
    pub fn open(path: &Path, overwrite: bool) -> Result<Output, Failure> {
        if is_stdout(path) {
            return Ok(Output::Stdout(io::stdout()));
        }
        let mut options = OpenOptions::new();
        // Read too: a finished recording is patched in place (its duration and seek index).
        // An existing file is truncated only once it is locked (below), so that a file
        // another `mediacapture` is writing is refused, not cut.
        options.read(true).write(true);
        if overwrite {
            options.create(true);
        } else {
            options.create_new(true);
        }
        let busy = || {
            Failure::usage(format!(
                "{} is being written by another process",
                path.display()
            ))
        };
        match options.open(path) {
            Ok(file) => {
                match file.try_lock() {
                    Ok(()) => {}
                    Err(std::fs::TryLockError::WouldBlock) => return Err(busy()),
                    Err(std::fs::TryLockError::Error(e)) => {
                        return Err(Failure::usage(format!(
                            "cannot lock {}: {e}",
                            path.display()
                        )));
                    }
                }
                file.set_len(0).map_err(|e| {
                    Failure::usage(format!("cannot truncate {}: {e}", path.display()))
                })?;
                Ok(Output::File {
                    file,
                    path: path.to_path_buf(),
                    written: false,
                })
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(Failure::usage(format!(
                "{} exists (give -y to overwrite it)",
                path.display()
            ))),
            Err(e) => Err(Failure::usage(format!(
                "cannot create {}: {e}",
                path.display()
            ))),
        }
    }

    /// How the output is named in messages.
    pub fn name(&self) -> String {
        match self {
            Output::Stdout(_) => "stdout".into(),
            Output::File { path, .. } => path.display().to_string(),
        }
    }

    /// The file, when the output is one (it can be read back and patched).
    pub fn file(&mut self) -> Option<&mut File> {
        match self {
            Output::Stdout(_) => None,
            Output::File { file, .. } => Some(file),
        }
    }

    /// Writes `bytes` and flushes them to the OS: a crash after this loses none of them.
    /// Nothing to write writes nothing (a file that only ever got empty pieces is still
    /// removed on failure).
    pub fn write_now(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        if bytes.is_empty() {
            return Ok(());
        }
        let name = self.name();
        self.write_all(bytes)
            .and_then(|()| self.flush())
            .map_err(|e| write_failure(&name, &e))
    }

    /// Flushes the output; a file is synced to disk (and stays, unless nothing was written
    /// to it).
    pub fn finish(&mut self) -> Result<(), Failure> {
        let name = self.name();
        match self {
            Output::Stdout(s) => s.flush().map_err(|e| write_failure(&name, &e)),
            Output::File { file, .. } => file.sync_all().map_err(|e| write_failure(&name, &e)),
        }
    }
}

/// A failed write. A closed pipe (`record - | head -c 100`) is the reader's choice, not an
/// error of ours, but the recording is then incomplete: a media failure either way.
pub fn write_failure(name: &str, e: &io::Error) -> Failure {
    Failure::failed(format!("cannot write {name}: {e}"))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(s) => s.write(buf),
            Output::File { file, written, .. } => {
                *written = true;
                file.write(buf)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(s) => s.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Output::File {
            path,
            written: false,
            ..
        } = self
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A 16-bit PCM WAV writer that works on a pipe: the header's sizes say "unknown"
/// (0xFFFFFFFF, as ffmpeg writes to a pipe) and are filled in at the end when the output is
/// a file.
pub struct WavWriter {
    out: io::BufWriter<Output>,
    data_bytes: u64,
}

impl WavWriter {
    /// Writes the header for `channels` × 16-bit samples at `sample_rate`.
    pub fn new(out: Output, channels: u16, sample_rate: u32) -> io::Result<WavWriter> {
        let mut out = io::BufWriter::new(out);
        let block = u32::from(channels) * 2;
        let mut h = Vec::with_capacity(44);
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&u32::MAX.to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes()); // PCM
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&sample_rate.to_le_bytes());
        h.extend_from_slice(&(sample_rate * block).to_le_bytes());
        h.extend_from_slice(&(block as u16).to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&u32::MAX.to_le_bytes());
        out.write_all(&h)?;
        Ok(WavWriter { out, data_bytes: 0 })
    }

    /// Appends one sample (channels interleaved).
    pub fn write_sample(&mut self, s: i16) -> io::Result<()> {
        self.data_bytes += 2;
        self.out.write_all(&s.to_le_bytes())
    }

    /// Flushes, fills in the sizes when the output is a file, and hands the output back.
    pub fn finalize(self) -> io::Result<Output> {
        let mut out = self.out.into_inner().map_err(|e| e.into_error())?;
        if let Some(file) = out.file() {
            // Sizes past 4 GiB cannot be said: they stay "unknown", as on a pipe.
            if let (Ok(riff), Ok(data)) = (
                u32::try_from(self.data_bytes + 36),
                u32::try_from(self.data_bytes),
            ) {
                file.seek(SeekFrom::Start(4))?;
                file.write_all(&riff.to_le_bytes())?;
                file.seek(SeekFrom::Start(40))?;
                file.write_all(&data.to_le_bytes())?;
                file.seek(SeekFrom::End(0))?;
            }
        }
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mediacapture-cli-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d.join(name)
    }

    #[test]
    fn an_existing_file_is_refused_unless_overwrite() {
        let p = temp("exists.bin");
        std::fs::write(&p, b"old").unwrap();
        let e = Output::open(&p, false).err().unwrap();
        assert!(
            matches!(e, Failure::Usage(ref m) if m.contains("-y")),
            "{e}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"old", "left alone");
        let mut o = Output::open(&p, true).unwrap();
        o.write_now(b"new").unwrap();
        o.finish().unwrap();
        drop(o);
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn a_file_being_written_is_refused_even_with_overwrite() {
        let p = temp("locked.bin");
        let mut first = Output::open(&p, false).unwrap();
        first.write_now(b"first").unwrap();
        let e = Output::open(&p, true).err().unwrap();
        assert!(
            matches!(e, Failure::Usage(ref m) if m.contains("another process")),
            "{e}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"first", "not truncated");
        drop(first);
        assert!(
            Output::open(&p, true).is_ok(),
            "free once the first is done"
        );
        std::fs::remove_file(p).ok();
    }

    #[test]
    fn an_unwritten_file_is_removed_a_written_one_stays() {
        let p = temp("unwritten.bin");
        drop(Output::open(&p, false).unwrap());
        assert!(!p.exists());
        let mut o = Output::open(&p, false).unwrap();
        o.write_now(b"partial").unwrap();
        drop(o);
        assert_eq!(std::fs::read(&p).unwrap(), b"partial");
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn a_wav_file_gets_its_sizes_and_hound_reads_it() {
        let p = temp("t.wav");
        let mut w = WavWriter::new(Output::open(&p, false).unwrap(), 2, 48_000).unwrap();
        for i in 0..960i16 {
            w.write_sample(i).unwrap();
        }
        w.finalize().unwrap().finish().unwrap();
        let r = hound::WavReader::open(&p).unwrap();
        assert_eq!((r.spec().channels, r.spec().sample_rate), (2, 48_000));
        assert_eq!(r.len(), 960);
        let samples: Vec<i16> = r.into_samples().map(Result::unwrap).collect();
        assert_eq!(samples[959], 959);
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn stdout_and_extensions() {
        assert!(is_stdout(Path::new("-")));
        assert_eq!(extension(Path::new("-")), None);
        assert_eq!(extension(Path::new("a.WebM")).as_deref(), Some("webm"));
    }
}
