//! A program that depends on mediacapture the README's way builds and runs: its `Cargo.toml`
//! holds the README's "Using it from your program" block word for word (with a path instead
//! of the version, since the crate is not published from here), its `main.rs` is the README's
//! first snippet, and it runs on the fake devices.
//!
//! It is built in the workspace's target directory, so the dependencies the test build already
//! compiled with the same settings are reused (the workspace's dev profile holds the same
//! `[profile.dev.package."*"]` line the README asks for, which this test also checks).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Bounds the nested build (a clean machine compiles a few crates again) and the run.
const BUILD_LIMIT: Duration = Duration::from_secs(20 * 60);
const RUN_LIMIT: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The first fenced block of `lang` after `heading` in the README.
fn readme_block(readme: &str, heading: &str, lang: &str) -> String {
    let section = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("the README has a section {heading:?}"));
    let fence = format!("```{lang}\n");
    section
        .split(&fence)
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .unwrap_or_else(|| panic!("a ```{lang} block under {heading:?}"))
        .to_string()
}

/// Runs `cmd` to its end, killing it after `limit`; its output.
fn run_bounded(mut cmd: Command, what: &str, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    // Drain stderr meanwhile: a long build prints more than a pipe holds.
    let stderr = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut s);
        s
    });
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} did not finish within {limit:?}: {}",
                drain.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut o = child.wait_with_output().unwrap();
    o.stderr = drain.join().unwrap().into_bytes();
    o
}

#[test]
fn a_program_depending_on_the_crate_the_readmes_way_builds_and_runs() {
    let root = root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let deps = readme_block(&readme, "## Using it from your program", "toml");
    let main = readme_block(&readme, "## Your first program", "rust");
    // The README's profile lines are the workspace's: what the suite measures and runs is what
    // a dependent gets.
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        deps.contains("[profile.dev.package.\"*\"]\nopt-level = 2")
            && workspace.contains("[profile.dev.package.\"*\"]\nopt-level = 2"),
        "the README and the workspace optimize dependencies alike:\n{deps}"
    );
    let version = "version = \"0.1\"";
    assert!(deps.contains(version), "{deps}");
    let deps = deps.replace(
        version,
        &format!(
            "path = {:?}",
            root.join("mediacapture").display().to_string()
        ),
    );

    let target = root.join("target");
    let dir = target.join("dependent-program");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"mediacapture-dependent-check\"\nversion = \"0.0.0\"\n\
             edition = \"2024\"\npublish = false\n\n# Not part of the mediacapture workspace.\n\
             [workspace]\n\n{deps}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), &main).unwrap();
    // The workspace's versions, so that what is already built is reused.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target);
    let t0 = Instant::now();
    let built = run_bounded(build, "the dependent's build", BUILD_LIMIT);
    assert!(
        built.status.success(),
        "the dependent builds: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    eprintln!("the dependent program built in {:.1?}", t0.elapsed());

    let mut program = Command::new(target.join("debug/mediacapture-dependent-check"));
    program
        .env("MEDIACAPTURE_BACKENDS", "fake")
        .env_remove("MEDIACAPTURE_FAKE_DEVICES")
        .env("RUST_LOG", "warn");
    let ran = run_bounded(program, "the dependent program", RUN_LIMIT);
    let out = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "it runs: {out}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert_eq!(out.matches("frame 1280x720 at ").count(), 30, "{out}");
    assert!(out.contains("event: started"), "{out}");
    assert!(out.trim_end().ends_with("stopped: Ended"), "{out}");
}
