#!/usr/bin/env bash
# Installs what building and testing mediacapture needs on Debian 12, beyond the Rust toolchain.
# Idempotent: installs only what is missing. The one place the project's system packages are listed.
set -euo pipefail

# Debian packages, one per line, with why.
PACKAGES=(
  build-essential   # cc and the C runtime: the Rust linker needs them
  pkg-config        # how -sys crates find system libraries (backends, codecs)
  ffmpeg            # ffprobe/ffmpeg: the independent checkers of the files we write
  libvpx-dev        # libvpx, the VP8/VP9 encoder browsers ship (MediaRecorder)
  nasm              # x86 assembly of the libjpeg-turbo turbojpeg-sys bundles (MJPEG cameras) and of scripts/build-libvpx.sh
  vpx-tools         # vpxenc: the realistic bench's reference encoder (benches/realistic.rs)
  cmake             # builds the libopus the opus crate bundles (MediaRecorder)
  libpipewire-0.3-dev libspa-0.2-dev clang libclang-dev  # the PipeWire backend's build (bindgen)
  libasound2-dev    # ALSA, for the cpal backend's build
  pipewire wireplumber pipewire-pulse pulseaudio-utils dbus jq procps  # the PipeWire test bed (scripts/pipewire-testbed.sh; jq reads pw-dump, ps tells exited processes)
  chromium          # the remote peer of the WebRTC interop tests (driven headless by playwright-core)
  iproute2          # `ip`: brings up loopback in the private network namespaces of the network tests
  gstreamer1.0-tools gstreamer1.0-pipewire gstreamer1.0-plugins-base gstreamer1.0-plugins-good  # the test bed's virtual cameras (videotestsrc, jpegenc) and microphone signal
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: playwright-core drives the installed chromium (it downloads no browser).
browser_dir="$(dirname "$0")/../mediacapture-webrtc/tests/browser"
if [ ! -d "$browser_dir/node_modules/playwright-core" ] || [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules" ]; then
  if ! command -v npm >/dev/null; then
    # Debian's Node.js 18 is enough (playwright-core 1.61 needs 18); a newer one already
    # installed (its own npm included) is used as it is.
    echo "setup: installing nodejs npm" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "setup: installing the browser tests' npm packages" >&2
  (cd "$browser_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  touch "$browser_dir/node_modules"
fi

command -v cargo >/dev/null || { echo "setup: cargo not found: install the Rust toolchain (rustup) first" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
