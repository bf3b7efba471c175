#!/usr/bin/env bash
# The main job: list the capture devices and open a camera and a microphone with the constraints a
# web page would pass. Uses the machine's devices, or the fake devices when there are none.
# Extra arguments replace the constraints, e.g.: scripts/run.sh '{"video":{"width":{"exact":641}}}'
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --quiet -p mediacapture-cli
bin=target/release/mediacapture
constraints=${1:-'{"video":{"width":{"ideal":1280},"height":{"ideal":720},"frameRate":{"min":15}},"audio":{"echoCancellation":true}}'}
echo "== mediacapture devices"
"$bin" devices
echo
echo "== mediacapture probe '$constraints'"
"$bin" probe "$constraints"
