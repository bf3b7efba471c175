#!/usr/bin/env bash
# A private PipeWire session with real OS-level devices, started as an ordinary process, for the
# PipeWire backend's tests and for trying the CLI without hardware.
#
#   scripts/pipewire-testbed.sh start [DIR]   start it (default DIR: target/pipewire-testbed);
#                                             prints the environment to use it
#   scripts/pipewire-testbed.sh stop [DIR]    stop everything it started
#   scripts/pipewire-testbed.sh camera-start|camera-stop [DIR]
#                                             start or stop the virtual camera's producer (and
#                                             wait until its node is there, or gone)
#   scripts/pipewire-testbed.sh mjpeg-hd-start|mjpeg-hd-stop [DIR]
#                                             start or stop an MJPEG 1280x720@30 camera
#                                             "mediacapture-test-camera-mjpeg-720p", the mode real
#                                             webcams use for 720p, 4:2:2 as they send it (on
#                                             demand: its producer's JPEG encoding costs CPU; the
#                                             pipewire_cpu bench uses it)
#   eval "$(scripts/pipewire-testbed.sh env [DIR])"
#                                             use it from this shell
#
# It holds: its own runtime dir and D-Bus session bus; pipewire, wireplumber, pipewire-pulse;
# a virtual microphone "mediacapture-test-mic" (module-pipe-source fed with a 440 Hz sine,
# S16LE 48 kHz mono); a null sink "mediacapture-test-sink"; and a virtual camera
# "mediacapture-test-camera" (Video/Source, I420 320x240 at 30 fps), and two more,
# "mediacapture-test-camera-yuy2" (YUY2 640x480 at 15 fps) and "mediacapture-test-camera-mjpeg"
# (MJPEG 320x240 at 30 fps), produced by an independent program, GStreamer's
# videotestsrc ! pipewiresink.
#
# `start` returns when everything is ready, observed exactly: every node above registered
# under its whole name with its formats published, and the session manager having made the
# test microphone and sink the defaults. Each wait is bounded (20 s) and says what it waited
# for. Exit status: 0 ready, 1 something did not start, 3 a program is missing (run
# scripts/setup.sh), 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-start}
dir=$(realpath -m "${2:-target/pipewire-testbed}")

env_lines() {
  echo "export XDG_RUNTIME_DIR='$dir/run'"
  echo "export PIPEWIRE_RUNTIME_DIR='$dir/run'"
  echo "export DBUS_SESSION_BUS_ADDRESS='unix:path=$dir/run/bus'"
  echo "export PULSE_SERVER='unix:$dir/run/pulse/native'"
  echo "export PIPEWIRE_TESTBED='$dir'"
}

spawn() { # name, command…: runs in the background, logs to $dir/name.log, pid in $dir/name.pid
  local name=$1; shift
  nohup "$@" >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
}

# Whether process $1 still runs. A process that has exited but was not reaped (a zombie: the
# programs here are orphans once this script returns, and not every init reaps them) does not.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ] && [ "${state:0:1}" != X ]
}

kill_pid() {
  local f="$dir/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do alive "$pid" || break; sleep 0.05; done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$f"
}

# Waits (at most $1 seconds) until the command "${@:3}" succeeds; else says what it waited for
# ($2) and fails. Every readiness check below is exact: whole names, every object.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "pipewire-testbed: timed out after ${limit}s waiting for $what (logs: $dir/*.log)" >&2
      return 1
    fi
    sleep 0.1
  done
}

# The node names of this session that are registered and have published formats
# (EnumFormat params), one per line.
nodes_with_formats() {
  pw-dump 2>/dev/null | jq -r '.[] | select(.type == "PipeWire:Interface:Node")
    | select((.info.params.EnumFormat // []) | length > 0) | .info.props["node.name"]' 2>/dev/null
}

# Succeeds when every node named in the arguments is registered with its formats.
nodes_ready() {
  local have; have=$(nodes_with_formats) || return 1
  local n
  for n in "$@"; do grep -qxF "$n" <<<"$have" || return 1; done
}

# Succeeds when no node named $1 is registered.
node_gone() {
  local names
  names=$(pw-dump 2>/dev/null | jq -r '.[] | select(.type == "PipeWire:Interface:Node") | .info.props["node.name"]') || return 1
  ! grep -qxF "$1" <<<"$names"
}

# Succeeds when the session manager has taken in the microphone and the sink: they are the
# defaults in its "default" metadata.
policy_ready() {
  local defaults
  defaults=$(pw-dump 2>/dev/null | jq -r '.[] | select(.type == "PipeWire:Interface:Metadata")
    | select(.props["metadata.name"] == "default") | .metadata[]
    | "\(.key)=\(.value.name? // .value)"' 2>/dev/null) || return 1
  grep -qxF "default.audio.source=mediacapture-test-mic" <<<"$defaults" &&
    grep -qxF "default.audio.sink=mediacapture-test-sink" <<<"$defaults"
}

CAMERA=mediacapture-test-camera
ALL_NODES=(mediacapture-test-mic mediacapture-test-sink mediacapture-test-camera
  mediacapture-test-camera-yuy2 mediacapture-test-camera-mjpeg)

camera_start() {
  spawn camera gst-launch-1.0 -q videotestsrc is-live=true pattern=smpte \
    ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 \
    ! pipewiresink mode=provide client-name=$CAMERA \
      stream-properties="props,media.class=Video/Source,node.name=$CAMERA,node.description=mediacapture-Test-Camera"
  wait_until 20 "the node $CAMERA and its formats" nodes_ready "$CAMERA"
}

camera_stop() {
  kill_pid camera
  wait_until 20 "the node $CAMERA to go" node_gone "$CAMERA"
}

MJPEG_HD=mediacapture-test-camera-mjpeg-720p

mjpeg_hd_start() {
  spawn camera4 gst-launch-1.0 -q videotestsrc is-live=true pattern=smpte \
    ! video/x-raw,format=Y42B,width=1280,height=720,framerate=30/1 ! jpegenc quality=85 \
    ! image/jpeg,width=1280,height=720,framerate=30/1 \
    ! pipewiresink mode=provide client-name=$MJPEG_HD \
      stream-properties="props,media.class=Video/Source,node.name=$MJPEG_HD,node.description=mediacapture-Test-Camera-MJPEG-720p"
  wait_until 20 "the node $MJPEG_HD and its formats" nodes_ready "$MJPEG_HD"
}

mjpeg_hd_stop() {
  kill_pid camera4
  wait_until 20 "the node $MJPEG_HD to go" node_gone "$MJPEG_HD"
}

case "$cmd" in
  env) env_lines ;;
  start)
    for p in pipewire wireplumber pipewire-pulse dbus-daemon gst-launch-1.0 pactl pw-dump jq; do
      command -v "$p" >/dev/null || { echo "pipewire-testbed: $p is missing: run scripts/setup.sh" >&2; exit 3; }
    done
    "$0" stop "$dir" >/dev/null 2>&1 || true
    mkdir -p "$dir/run"
    chmod 700 "$dir/run"
    eval "$(env_lines)"
    dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
    echo $! >"$dir/dbus.pid"
    wait_until 20 "the D-Bus socket $dir/run/bus" test -S "$dir/run/bus"
    spawn pipewire pipewire
    wait_until 20 "the PipeWire socket $dir/run/pipewire-0" test -S "$dir/run/pipewire-0"
    spawn wireplumber wireplumber
    spawn pipewire-pulse pipewire-pulse
    wait_until 20 "pipewire-pulse to answer" pactl info
    # The virtual microphone, fed with a known signal through a FIFO (PipeWire paces it).
    rm -f "$dir/mic.fifo"
    mkfifo "$dir/mic.fifo"
    pactl load-module module-pipe-source source_name=mediacapture-test-mic file="$dir/mic.fifo" \
      format=s16le rate=48000 channels=1 \
      source_properties=device.description=mediacapture-Test-Microphone >/dev/null
    spawn mic-signal gst-launch-1.0 -q audiotestsrc wave=sine freq=440 volume=0.25 \
      ! audio/x-raw,format=S16LE,rate=48000,channels=1 ! filesink location="$dir/mic.fifo"
    pactl load-module module-null-sink sink_name=mediacapture-test-sink \
      sink_properties=device.description=mediacapture-Test-Speaker >/dev/null
    spawn camera2 gst-launch-1.0 -q videotestsrc is-live=true pattern=ball \
      ! video/x-raw,format=YUY2,width=640,height=480,framerate=15/1 \
      ! pipewiresink mode=provide client-name=mediacapture-test-camera-yuy2 \
        stream-properties="props,media.class=Video/Source,node.name=mediacapture-test-camera-yuy2,node.description=mediacapture-Test-Camera-YUY2"
    spawn camera3 gst-launch-1.0 -q videotestsrc is-live=true \
      ! video/x-raw,width=320,height=240,framerate=30/1 ! jpegenc \
      ! image/jpeg,width=320,height=240,framerate=30/1 \
      ! pipewiresink mode=provide client-name=mediacapture-test-camera-mjpeg \
        stream-properties="props,media.class=Video/Source,node.name=mediacapture-test-camera-mjpeg,node.description=mediacapture-Test-Camera-MJPEG"
    camera_start
    wait_until 20 "every node and its formats: ${ALL_NODES[*]}" nodes_ready "${ALL_NODES[@]}"
    wait_until 20 "the session manager to make the test microphone and sink the defaults" policy_ready
    env_lines
    ;;
  camera-start) eval "$(env_lines)"; camera_start ;;
  camera-stop) eval "$(env_lines)"; camera_stop ;;
  mjpeg-hd-start) eval "$(env_lines)"; mjpeg_hd_start ;;
  mjpeg-hd-stop) eval "$(env_lines)"; mjpeg_hd_stop ;;
  stop)
    for p in camera camera2 camera3 camera4 mic-signal pipewire-pulse wireplumber pipewire dbus; do kill_pid "$p"; done
    ;;
  *) echo "usage: $0 start|stop|env|camera-start|camera-stop|mjpeg-hd-start|mjpeg-hd-stop [DIR]" >&2; exit 2 ;;
esac
