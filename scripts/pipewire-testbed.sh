#!/usr/bin/env bash
# A private PipeWire session with real OS-level devices, started as an ordinary process, for the
# PipeWire backend's tests and for trying the CLI without hardware.
#
#   scripts/pipewire-testbed.sh start [DIR]   start it (default DIR: target/pipewire-testbed);
#                                             prints the environment to use it
#   scripts/pipewire-testbed.sh stop [DIR]    stop everything it started
#   scripts/pipewire-testbed.sh camera-start|camera-stop [DIR]
#                                             start or stop the virtual camera's producer
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

kill_pid() {
  local f="$dir/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

camera_start() {
  spawn camera gst-launch-1.0 -q videotestsrc is-live=true pattern=smpte \
    ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 \
    ! pipewiresink mode=provide client-name=mediacapture-test-camera \
      stream-properties="props,media.class=Video/Source,node.name=mediacapture-test-camera,node.description=mediacapture-Test-Camera"
  # Wait until the node is there.
  for _ in $(seq 100); do
    pw-cli ls Node 2>/dev/null | grep -q 'mediacapture-test-camera' && return 0
    sleep 0.05
  done
  echo "pipewire-testbed: the virtual camera did not appear (see $dir/camera.log)" >&2
  return 1
}

case "$cmd" in
  env) env_lines ;;
  start)
    for p in pipewire wireplumber pipewire-pulse dbus-daemon gst-launch-1.0 pactl pw-cli; do
      command -v "$p" >/dev/null || { echo "pipewire-testbed: $p is missing: run scripts/setup.sh" >&2; exit 3; }
    done
    "$0" stop "$dir" >/dev/null 2>&1 || true
    mkdir -p "$dir/run"
    chmod 700 "$dir/run"
    eval "$(env_lines)"
    dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
    echo $! >"$dir/dbus.pid"
    for _ in $(seq 100); do [ -S "$dir/run/bus" ] && break; sleep 0.05; done
    spawn pipewire pipewire
    for _ in $(seq 100); do [ -S "$dir/run/pipewire-0" ] && break; sleep 0.05; done
    spawn wireplumber wireplumber
    spawn pipewire-pulse pipewire-pulse
    for _ in $(seq 200); do pactl info >/dev/null 2>&1 && break; sleep 0.05; done
    pactl info >/dev/null 2>&1 || { echo "pipewire-testbed: pipewire-pulse did not start (see $dir/*.log)" >&2; exit 1; }
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
    env_lines
    ;;
  camera-start) eval "$(env_lines)"; camera_start ;;
  camera-stop) kill_pid camera ;;
  stop)
    for p in camera camera2 camera3 mic-signal pipewire-pulse wireplumber pipewire dbus; do kill_pid "$p"; done
    ;;
  *) echo "usage: $0 start|stop|env|camera-start|camera-stop [DIR]" >&2; exit 2 ;;
esac
