#!/usr/bin/env bash
# Builds a current libvpx next to the distribution's 1.12 and measures the two against each other
# (issue 12). The maintained source is Debian 13's package: upstream 1.15.0 with Debian's patches,
# security fixes included, fetched from deb.debian.org and checked against the SHA-256 sums the
# Debian 13 archive lists. It is built as a static library with its vpxenc under
# target/libvpx/<flavor>/ (about 40 s on 2 cores). Nothing uses it unless asked.
#
#   scripts/build-libvpx.sh [--onthefly] [--env | --compare]
#
#   (no option)  build (once) and print the environment that links it
#   --env        the same, for `eval "$(scripts/build-libvpx.sh --env)"`; then e.g.
#                cargo bench -p mediacapture --features recorder,mediacapture-codecs/bindgen-libvpx --bench realistic
#                (its own target directory, so the default build keeps the system libvpx)
#   --compare    encode the realistic bench's clip (make it first: the realistic bench) with the
#                system vpxenc and this one, alternating, with a browser's settings, back to back
#                and fed at 30 fps; print CPU-s, bytes and PSNR-Y of each
#   --onthefly   the flavour built with --enable-onthefly-bitpacking: VP8 then packs tokens as it
#                encodes instead of keeping a frame's worth (a 22 MB buffer libvpx zero-fills
#                when a 720p encoder opens), which halves an encoder's resident memory, but
#                codes with the previous frame's coefficient probabilities, which costs quality.
#
# What it showed (issue 12's note has the figures): 1.15 encodes the clip to the same bytes as
# 1.12 at the same CPU (VP8's encoder has not changed), so it does not close the CPU gap; the
# on-the-fly flavour saves ~20 MiB of RSS but loses ~1.3 dB PSNR-Y in vpxenc (0.4 dB in ours).
set -euo pipefail
cd "$(dirname "$0")/.."
flavor=realtime
extra=(--enable-realtime-only)
mode=build
for a in "$@"; do
  case "$a" in
    --onthefly) flavor=realtime-onthefly; extra+=(--enable-onthefly-bitpacking) ;;
    --env) mode=env ;;
    --compare) mode=compare ;;
    *) echo "usage: $0 [--onthefly] [--env | --compare]" >&2; exit 2 ;;
  esac
done
top=$PWD/target/libvpx
root=$top/$flavor
version=1.15.0
debian=1.15.0-2.1+deb13u1
pool=http://deb.debian.org/debian/pool/main/libv/libvpx
declare -A sha=(
  [libvpx_${version}.orig.tar.xz]=a6cfd199c5c567cfa4e6d991ec36690d9af801585b5db959c1494b5b15f821a5
  [libvpx_${debian}.debian.tar.xz]=5305c07e08d604e56acf27a7bba32e49133456da83ff2f29eb899b5fa2f89625
)

if [ ! -f "$root/install/lib/libvpx.a" ]; then
  scripts/setup.sh >&2 # nasm (libvpx's x86 assembly) is in its package list
  mkdir -p "$top/src"
  for f in "${!sha[@]}"; do
    if [ ! -f "$top/src/$f" ]; then
      curl -fsS --retry 3 -m 300 -o "$top/src/$f.part" "$pool/$f"
      mv -f "$top/src/$f.part" "$top/src/$f"
    fi
    echo "${sha[$f]}  $top/src/$f" | sha256sum -c --quiet - >&2 ||
      { echo "build-libvpx: $f does not match its Debian checksum" >&2; rm -f "$top/src/$f"; exit 1; }
  done
  src=$top/src/libvpx-$version
  if [ ! -f "$src/.patched" ]; then
    rm -rf "$src"
    tar xf "$top/src/libvpx_${version}.orig.tar.xz" -C "$top/src"
    tar xf "$top/src/libvpx_${debian}.debian.tar.xz" -C "$src"
    while read -r p; do
      if [ -n "$p" ] && [ "${p#\#}" = "$p" ]; then patch -d "$src" -p1 -s < "$src/debian/patches/$p"; fi
    done < "$src/debian/patches/series"
    touch "$src/.patched"
  fi
  rm -rf "$root/build" && mkdir -p "$root/build"
  (
    cd "$root/build"
    "$src/configure" --prefix="$root/install" --enable-pic --enable-static --disable-shared \
      --disable-docs --disable-unit-tests --enable-vp8 --enable-vp9 --enable-runtime-cpu-detect \
      "${extra[@]}" > configure.log 2>&1
    make -j"$(nproc)" > make.log 2>&1
    make install > install.log 2>&1
  ) || { echo "build-libvpx: the build failed; see $root/build/*.log" >&2; exit 1; }
  echo "build-libvpx: libvpx $version ($flavor) built in $root/install" >&2
fi

env_line="export VPX_LIB_DIR=$root/install/lib VPX_INCLUDE_DIR=$root/install/include VPX_VERSION=$version VPX_STATIC=1 CARGO_TARGET_DIR=$root/cargo"
case $mode in
  build | env) echo "$env_line"; exit 0 ;;
esac

# --compare
clip=target/bench-clips/realistic-v1.y4m
[ -f "$clip" ] || { echo "build-libvpx: no $clip; run the realistic bench once to make it" >&2; exit 1; }
opts=(--codec=vp8 --rt --cpu-used=-6 --end-usage=vbr --min-q=2 --max-q=58 --kf-max-dist=100
  --lag-in-frames=0 --target-bitrate=2500 --threads=1 --psnr)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # name vpxenc paced
  local t
  if [ "$3" = paced ]; then
    ffmpeg -nostdin -loglevel error -re -i "$clip" -f yuv4mpegpipe -pix_fmt yuv420p - |
      /usr/bin/time -f "%U %S %M" -o "$out/time" "$2" "${opts[@]}" -o "$out/o.ivf" - 2> "$out/err" > /dev/null
  else
    /usr/bin/time -f "%U %S %M" -o "$out/time" "$2" "${opts[@]}" -o "$out/o.ivf" "$clip" 2> "$out/err" > /dev/null
  fi
  t=$(awk '{printf "%.2f CPU-s  peak RSS %.1f MiB", $1 + $2, $3 / 1024}' "$out/time")
  printf '  %-26s %-12s %s  %8d bytes  PSNR-Y %s dB\n' "$1" "$3" "$t" "$(stat -c %s "$out/o.ivf")" \
    "$(tr '\r' '\n' < "$out/err" | awk '/PSNR \(Overall/ {y = $7} END {print y}')"
}
echo "build-libvpx: VP8 1280x720@30, 2500 kb/s, a browser's settings, 1 thread; 3 rounds, alternating"
for round in 1 2 3; do
  for pace in back-to-back paced; do
    run "system $(dpkg-query -W -f='${Version}' libvpx-dev | cut -d- -f1)" /usr/bin/vpxenc "$pace"
    run "$version ($flavor)" "$root/install/bin/vpxenc" "$pace"
  done
done
