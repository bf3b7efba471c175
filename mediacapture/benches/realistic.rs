//! Recorder quality and CPU on realistic content, against libvpx's own tools with a browser's
//! settings, in one run. This bench is how every encoder change is judged.
//!
//! The clip (made once by ffmpeg's lavfi sources, deterministically, and kept under
//! `target/bench-clips/`): 10 s of 1280x720@30 — a Mandelbrot zoom, a cellular-automaton patch
//! moving across it, a slight blur, sensor-like noise with a fixed seed — with each frame's index
//! burned into its top 16 rows as a barcode, and 10 s of 48 kHz speech (flite).
//!
//! - **ours**: the clip played by the file-backed fake camera and microphone, recorded in real
//!   time by `MediaRecorder` to VP8 + Opus WebM at 2.5 Mb/s + 128 kb/s. CPU is the whole
//!   process's while it records (capture, conversion, both encoders, muxing).
//! - **ours, one core busy**: the same with another process spinning on one core.
//! - **vpxenc** (1 and 2 threads) and **ffmpeg** (libvpx, 2 threads) with the settings of a
//!   browser's MediaRecorder (Chromium: fixed speed 6, VBR, quantizer 2–58, a keyframe every
//!   100 frames, no lag), video only, encoding the clip back to back; CPU is the child's. And
//!   vpxenc (1 thread) fed the clip at 30 fps by `ffmpeg -re`, as a live source feeds an
//!   encoder: on this machine libvpx spends more per frame when frames come at their time than
//!   back to back (record_cpu shows the same of bare libvpx).
//!
//! Every decoded frame is scored against the source frame its barcode names: PSNR-Y (the mean
//! over frames) and SSIM-Y (8×8 windows every 4 pixels). Targets: our PSNR-Y at least
//! vpxenc's, our CPU at most 1.1× vpxenc's 1-thread figure, 0 frames dropped (busy or not).
//!
//! CPU varies from run to run here, so ours and vpxenc's 1-thread run alternate for
//! `REALISTIC_ROUNDS` rounds (default 3) and their medians are compared. `REALISTIC_FRAMES=1`
//! prints every frame's PSNR-Y.
//!
//! Run: `cargo bench -p mediacapture --features recorder --bench realistic` (needs ffmpeg,
//! ffprobe and vpxenc: `scripts/setup.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mediacapture::fake::FakeDevicesConfig;
use mediacapture::{
    MediaDevices, MediaRecorder, MediaRecorderOptions, MediaStreamConstraints, block_on,
};

const W: usize = 1280;
const H: usize = 720;
const FRAMES: usize = 300;
const SECONDS: f64 = 10.0;
/// Part of the clip's file names: bump it when the recipe changes.
const CLIP: &str = "realistic-v1";
const BITRATE_KBPS: u32 = 2500;

/// What the browser's MediaRecorder asks of libvpx, as vpxenc options.
const VPXENC_BROWSER: &[&str] = &[
    "--codec=vp8",
    "--rt",
    "--cpu-used=-6",
    "--end-usage=vbr",
    "--min-q=2",
    "--max-q=58",
    "--kf-max-dist=100",
    "--lag-in-frames=0",
];

mod common;
use common::{cpu_seconds, record_for};

fn dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let d = target.join("bench-clips");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// ffmpeg, quiet and overwriting, with `args` then the output `out`.
fn ffmpeg_to(args: &[&str], out: &Path, what: &str) {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .arg(out);
    run(&mut cmd, what);
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .expect("ffmpeg and vpxenc run (scripts/setup.sh installs them)");
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The clip's video (Y4M) and audio (WAV), made if missing.
fn clip() -> (PathBuf, PathBuf) {
    let d = dir();
    let (y4m, wav) = (d.join(format!("{CLIP}.y4m")), d.join(format!("{CLIP}.wav")));
    if !y4m.exists() {
        eprintln!("realistic: making the clip {} (once)", y4m.display());
        // The barcode: bit k of the frame index N is the 40-pixel column k of rows 0–15, white
        // for 1; chroma neutral there.
        let bar = "geq=lum='if(lt(Y\\,16)\\,if(mod(floor(N/pow(2\\,floor(X/40)))\\,2)\\,235\\,16)\\,lum(X\\,Y))':cb='if(lt(Y\\,8)\\,128\\,cb(X\\,Y))':cr='if(lt(Y\\,8)\\,128\\,cr(X\\,Y))'";
        let graph = format!(
            "[0:v]scale={W}:{H}:flags=bicubic,format=yuv420p,gblur=sigma=0.6[b];\
             [1:v]scale=640:360:flags=neighbor,format=yuv420p[p];\
             [b][p]overlay=x='(W-w)*(0.5+0.45*sin(t*1.3))':y='(H-h)*(0.5+0.45*cos(t*0.9))',\
             noise=alls=5:allf=t:all_seed=4242,{bar},format=yuv420p"
        );
        let part = d.join(format!("{CLIP}.y4m.part"));
        ffmpeg_to(
            &[
                "-f",
                "lavfi",
                "-i",
                "mandelbrot=s=640x360:r=30:maxiter=256:end_scale=0.02:end_pts=10:inner=period",
                "-f",
                "lavfi",
                "-i",
                "cellauto=s=320x180:r=30:rule=110:random_seed=7:random_fill_ratio=0.5",
                "-filter_complex",
                &graph,
                "-frames:v",
                &FRAMES.to_string(),
                "-f",
                "yuv4mpegpipe",
            ],
            &part,
            "ffmpeg (clip video)",
        );
        std::fs::rename(&part, &y4m).unwrap();
    }
    if !wav.exists() {
        let part = d.join(format!("{CLIP}.part.wav"));
        let text = "The quick brown fox jumps over the lazy dog. A camera and a microphone, \
                    captured, shaped by constraints, and recorded. Speech has pauses, \
                    consonants and vowels, which is what an audio encoder should be judged on.";
        ffmpeg_to(
            &[
                "-f",
                "lavfi",
                "-i",
                &format!("flite=text='{text}':voice=slt"),
                "-af",
                "aresample=48000,apad,atrim=0:10",
                "-ac",
                "1",
                "-c:a",
                "pcm_s16le",
            ],
            &part,
            "ffmpeg (clip speech)",
        );
        std::fs::rename(&part, &wav).unwrap();
    }
    (y4m, wav)
}

/// The Y planes of every frame of a video file, decoded by ffmpeg, in order.
fn y_planes(path: &Path) -> Vec<Vec<u8>> {
    let mut child = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args([
            "-map",
            "0:v:0",
            "-fps_mode",
            "passthrough",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "pipe:1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("ffmpeg");
    let mut out = child.stdout.take().unwrap();
    let mut frames = Vec::new();
    let mut buf = vec![0u8; W * H * 3 / 2];
    while out.read_exact(&mut buf).is_ok() {
        frames.push(buf[..W * H].to_vec());
    }
    assert!(
        child.wait().unwrap().success(),
        "ffmpeg decodes {}",
        path.display()
    );
    frames
}

/// The frame index burned into a picture, if its barcode reads.
fn barcode(y: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    for k in 0..16 {
        let (mut sum, mut count) = (0u32, 0u32);
        for row in 3..13 {
            for x in 40 * k + 10..40 * k + 30 {
                sum += u32::from(y[row * W + x]);
                count += 1;
            }
        }
        let mean = sum / count;
        if !(16 + 40..=235 - 40).contains(&mean) {
            n |= usize::from(mean > 125) << k;
        } else {
            return None;
        }
    }
    Some(n)
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let se: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)).pow(2))
        .sum();
    let mse = se as f64 / a.len() as f64;
    if mse == 0.0 {
        100.0
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
}

/// Mean SSIM of the luma over 8×8 windows every 4 pixels.
fn ssim(a: &[u8], b: &[u8]) -> f64 {
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut total, mut windows) = (0.0, 0u32);
    let rows = a.len().min(b.len()) / W;
    for y0 in (0..rows - 8).step_by(4) {
        for x0 in (0..W - 8).step_by(4) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0u32, 0u32, 0u32, 0u32, 0u32);
            for y in y0..y0 + 8 {
                for x in x0..x0 + 8 {
                    let (p, q) = (u32::from(a[y * W + x]), u32::from(b[y * W + x]));
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let n = 64.0;
            let (ma, mb) = (f64::from(sa) / n, f64::from(sb) / n);
            let va = f64::from(saa) / n - ma * ma;
            let vb = f64::from(sbb) / n - mb * mb;
            let cov = f64::from(sab) / n - ma * mb;
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            windows += 1;
        }
    }
    total / f64::from(windows)
}

struct Score {
    frames: usize,
    unreadable: usize,
    psnr: f64,
    ssim: f64,
    first_key_kb: f64,
    kbps: f64,
}

fn score(path: &Path, source: &[Vec<u8>]) -> Score {
    let decoded = y_planes(path);
    let (mut psnrs, mut ssims, mut unreadable) = (Vec::new(), Vec::new(), 0);
    for y in &decoded {
        match barcode(y).filter(|&n| n < source.len()) {
            Some(n) => {
                psnrs.push(psnr(&y[16 * W..], &source[n][16 * W..]));
                ssims.push(ssim(&y[16 * W..], &source[n][16 * W..]));
            }
            None => unreadable += 1,
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    if std::env::var_os("REALISTIC_FRAMES").is_some() {
        let list: Vec<String> = psnrs.iter().map(|p| format!("{p:.1}")).collect();
        eprintln!("{}: {}", path.display(), list.join(" "));
    }
    // The first video packet's size, and the stream's rate.
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=size,pts_time",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    let packets: Vec<(f64, f64)> = String::from_utf8_lossy(&probe.stdout)
        .lines()
        .filter_map(|l| {
            let (t, s) = l.split_once(',')?;
            Some((t.parse().ok()?, s.parse().ok()?))
        })
        .collect();
    let bytes: f64 = packets.iter().map(|p| p.1).sum();
    let span =
        packets.last().map_or(0.0, |l| l.0) - packets.first().map_or(0.0, |f| f.0) + 1.0 / 30.0;
    Score {
        frames: decoded.len(),
        unreadable,
        psnr: mean(&psnrs),
        ssim: mean(&ssims),
        first_key_kb: packets.first().map_or(0.0, |p| p.1 / 1000.0),
        kbps: bytes * 8.0 / span.max(1e-9) / 1000.0,
    }
}

/// Another process spinning on one core while it lives.
struct Busy(Child);

impl Busy {
    fn start() -> Self {
        Busy(
            Command::new("bash")
                .args(["-c", "while :; do :; done"])
                .spawn()
                .expect("bash"),
        )
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Ours {
    cpu: f64,
    frames: u64,
    dropped: u64,
}

fn record_ours(y4m: &Path, wav: &Path, out: &Path) -> Ours {
    let config = format!(
        r#"{{"videoinput":[{{"label":"clip","file":{:?}}}],"audioinput":[{{"label":"speech","file":{:?}}}]}}"#,
        y4m.display().to_string(),
        wav.display().to_string()
    );
    let md = MediaDevices::builder()
        .fake_devices(FakeDevicesConfig::from_json(&config).unwrap())
        .build()
        .unwrap();
    let stream = block_on(md.get_user_media(
        MediaStreamConstraints::from_json(
            r#"{"video":{"width":1280,"height":720,"frameRate":30},"audio":{"sampleRate":48000,"channelCount":1}}"#,
        )
        .unwrap(),
    ))
    .unwrap();
    let options = MediaRecorderOptions::from_json(&format!(
        r#"{{"mimeType":"video/webm;codecs=vp8,opus","videoBitsPerSecond":{},"audioBitsPerSecond":128000}}"#,
        BITRATE_KBPS * 1000
    ))
    .unwrap();
    let cpu0 = cpu_seconds();
    let recorder = MediaRecorder::new(&stream, options).unwrap();
    let mut bytes = Vec::new();
    record_for(
        &recorder,
        SECONDS - 0.2,
        |b| bytes.extend_from_slice(b),
        || {},
    );
    let cpu = cpu_seconds() - cpu0;
    for t in stream.get_tracks() {
        t.stop();
    }
    std::fs::write(out, &bytes).unwrap();
    let s = recorder.stats();
    Ours {
        cpu,
        frames: s.video_frames,
        dropped: s.video_frames_dropped + s.audio_chunks_dropped,
    }
}

/// `args` quoted for bash.
fn quoted(args: &[String]) -> String {
    let q: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    q.join(" ")
}

/// Runs `program args…` in bash (after `feed |`, if given) and returns the CPU seconds the
/// program used (bash's `times` for its children, in the subshell that runs it).
fn child_cpu(feed: Option<&str>, program: &str, args: &[String]) -> f64 {
    let run = format!(
        "({program} {} >/dev/null 2>&1 || exit 1; times)",
        quoted(args)
    );
    let script = match feed {
        Some(feed) => format!("{feed} | {run}"),
        None => run,
    };
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(out.status.success(), "{program} failed");
    // `times`: the subshell's user and system time, then its children's.
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().nth(1).unwrap_or("");
    line.split_whitespace()
        .map(|t| {
            let (m, s) = t
                .trim_end_matches('s')
                .split_once('m')
                .unwrap_or(("0", "0"));
            m.parse::<f64>().unwrap_or(0.0) * 60.0 + s.parse::<f64>().unwrap_or(0.0)
        })
        .sum()
}

/// vpxenc with the browser's settings on the clip: read back to back, or `paced`, fed at the
/// clip's 30 fps by `ffmpeg -re` the way a live source feeds an encoder (its CPU is vpxenc's
/// alone).
fn vpxenc(y4m: &Path, out: &Path, threads: u32, paced: bool) -> f64 {
    let mut args: Vec<String> = VPXENC_BROWSER.iter().map(|s| s.to_string()).collect();
    args.extend([
        format!("--threads={threads}"),
        format!("--target-bitrate={BITRATE_KBPS}"),
        "-o".into(),
        out.display().to_string(),
    ]);
    if paced {
        args.push("-".into());
        let feed = format!(
            "ffmpeg -nostdin -v error -re -i {} -f yuv4mpegpipe -",
            quoted(&[y4m.display().to_string()])
        );
        child_cpu(Some(&feed), "vpxenc", &args)
    } else {
        args.push(y4m.display().to_string());
        child_cpu(None, "vpxenc", &args)
    }
}

fn ffmpeg_libvpx(y4m: &Path, out: &Path) -> f64 {
    let args: Vec<String> = ["-nostdin", "-v", "error", "-y", "-i"]
        .iter()
        .map(|s| s.to_string())
        .chain([y4m.display().to_string()])
        .chain(
            [
                "-c:v",
                "libvpx",
                "-deadline",
                "realtime",
                "-cpu-used",
                "-6",
                "-threads",
                "2",
                "-qmin",
                "2",
                "-qmax",
                "58",
                "-g",
                "100",
                "-lag-in-frames",
                "0",
                "-an",
            ]
            .iter()
            .map(|s| s.to_string()),
        )
        .chain([
            "-b:v".to_string(),
            format!("{BITRATE_KBPS}k"),
            out.display().to_string(),
        ])
        .collect();
    child_cpu(None, "ffmpeg", &args)
}

fn line(name: &str, cpu: f64, frames: usize, dropped: Option<u64>, s: &Score) {
    println!(
        "  {name:<32} {cpu:5.2} CPU-s  {frames:3} frames  {}  PSNR-Y {:.2} dB  SSIM-Y {:.4}  {:.0} kb/s  first keyframe {:.0} kB{}",
        dropped.map_or("  -       ".into(), |d| format!("{d:2} dropped")),
        s.psnr,
        s.ssim,
        s.kbps,
        s.first_key_kb,
        if s.unreadable > 0 {
            format!("  ({} frames unreadable)", s.unreadable)
        } else {
            String::new()
        }
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let (y4m, wav) = clip();
    let d = dir();
    println!(
        "realistic: 10 s of 1280x720@30 (fractal zoom, moving cellular automaton, noise) + 48 kHz speech; VP8 {BITRATE_KBPS} kb/s (+ Opus 128 kb/s for ours)"
    );
    // CPU time on this machine varies by 10–20 % from run to run (libvpx's own does), so ours
    // and vpxenc's 1-thread run alternate for REALISTIC_ROUNDS rounds (default 3) and the
    // medians are compared; the files scored are the last round's.
    let rounds = std::env::var("REALISTIC_ROUNDS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(3)
        .max(1);
    let ours_path = d.join("ours.webm");
    let v1 = d.join("vpxenc-1.webm");
    let (mut ours_cpu, mut v1_cpus, mut ours) = (Vec::new(), Vec::new(), None);
    let mut dropped = 0;
    for round in 1..=rounds {
        let o = record_ours(&y4m, &wav, &ours_path);
        let v = vpxenc(&y4m, &v1, 1, false);
        println!(
            "  round {round}: ours {:.2} CPU-s ({} frames, {} dropped), vpxenc 1 thread {v:.2} CPU-s",
            o.cpu, o.frames, o.dropped
        );
        dropped += o.dropped;
        ours_cpu.push(o.cpu);
        v1_cpus.push(v);
        ours = Some(o);
    }
    let ours = ours.expect("one round at least");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ours_median, v1_cpu) = (median(&mut ours_cpu), median(&mut v1_cpus));
    let busy_path = d.join("ours-busy.webm");
    let busy = {
        let _spin = Busy::start();
        record_ours(&y4m, &wav, &busy_path)
    };
    let v2 = d.join("vpxenc-2.webm");
    let v2_cpu = vpxenc(&y4m, &v2, 2, false);
    let vp = d.join("vpxenc-paced.webm");
    let vp_cpu = vpxenc(&y4m, &vp, 1, true);
    let ff = d.join("ffmpeg.webm");
    let ff_cpu = ffmpeg_libvpx(&y4m, &ff);

    let source = y_planes(&y4m);
    assert_eq!(source.len(), FRAMES, "the clip's frames");
    assert!(
        source
            .iter()
            .enumerate()
            .all(|(i, y)| barcode(y) == Some(i)),
        "every source frame's barcode reads as its index"
    );
    let s_ours = score(&ours_path, &source);
    line(
        "ours (MediaRecorder), median",
        ours_median,
        s_ours.frames,
        Some(ours.dropped),
        &s_ours,
    );
    let s_busy = score(&busy_path, &source);
    line(
        "ours, one core busy",
        busy.cpu,
        s_busy.frames,
        Some(busy.dropped),
        &s_busy,
    );
    let s_v1 = score(&v1, &source);
    line(
        "vpxenc, browser, 1 thr, median",
        v1_cpu,
        s_v1.frames,
        None,
        &s_v1,
    );
    let s_vp = score(&vp, &source);
    line(
        "vpxenc, browser, 1 thr, at 30 fps",
        vp_cpu,
        s_vp.frames,
        None,
        &s_vp,
    );
    let s_v2 = score(&v2, &source);
    line(
        "vpxenc, browser settings, 2 thr",
        v2_cpu,
        s_v2.frames,
        None,
        &s_v2,
    );
    let s_ff = score(&ff, &source);
    line(
        "ffmpeg, browser settings, 2 thr",
        ff_cpu,
        s_ff.frames,
        None,
        &s_ff,
    );
    println!(
        "  ours against vpxenc (1 thread): PSNR-Y {:+.2} dB (target >= 0), CPU {:.2}x (target <= 1.10; {:.2}x vpxenc fed at 30 fps), dropped {} in {rounds} rounds and {} with a core busy (target 0); recorder counted {} and {} frames",
        s_ours.psnr - s_v1.psnr,
        ours_median / v1_cpu.max(1e-9),
        ours_median / vp_cpu.max(1e-9),
        dropped,
        busy.dropped,
        ours.frames,
        busy.frames
    );
}
