#!/usr/bin/env bash
# The main job: list the capture devices, then record 5 s of camera and microphone, opened with
# the constraints a web page would pass, into target/recording.webm (VP8 + Opus, through
# MediaRecorder), and show what ffprobe reads in it. Uses the machine's devices, or the fake
# devices when there are none.
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
echo "== mediacapture record (5 s)"
"$bin" record -y --video "$video" --audio "$audio" --duration 5 target/recording.webm
echo
echo "== ffprobe target/recording.webm"
ffprobe -v error -count_frames \
  -show_entries format=duration:stream=codec_name,width,height,nb_read_frames,sample_rate,channels \
  -of compact=nk=0 target/recording.webm
