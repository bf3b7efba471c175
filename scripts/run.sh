#!/usr/bin/env bash
# The main job: list the capture devices, open a camera and a microphone with the constraints a
# web page would pass, and capture 3 s of what the tracks deliver to target/capture.{y4m,wav}.
# Uses the machine's devices, or the fake devices when there are none.
# Extra arguments replace the video constraints, e.g.: scripts/run.sh '{"width":{"exact":641}}'
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --quiet -p mediacapture-cli
bin=target/release/mediacapture
video=${1:-'{"width":{"ideal":1280},"height":{"ideal":720},"frameRate":{"min":15}}'}
audio='{"echoCancellation":true}'
echo "== mediacapture devices"
"$bin" devices
echo
echo "== mediacapture probe"
"$bin" probe "{\"video\":$video,\"audio\":$audio}"
echo
echo "== mediacapture capture (3 s)"
"$bin" capture --video "$video" --audio "$audio" --duration 3 --out target/capture
if command -v ffprobe >/dev/null; then
  for f in target/capture.y4m target/capture.wav; do
    ffprobe -v error -show_entries stream=codec_name,width,height,sample_rate,channels,duration -of compact=nk=0 "$f"
  done
fi
