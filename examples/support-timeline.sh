#!/bin/sh
# Draw the support timeline and screenshot it in headless Chromium, to check that the
# SVG renders in a real browser.  Usage: sh examples/support-timeline.sh [DATE] [OUT_DIR]
# Needs relnotes on PATH and Debian's chromium (apt-get install chromium).
set -eu
day=${1:-2026-08-20}
out=${2:-.}
# Wasmtime's calendar and support policy (a project without a calendar has no timeline)
cfg=$(mktemp -d) && printf 'preset: wasmtime\n' > "$cfg/relnotes.yaml"
relnotes --config "$cfg/relnotes.yaml" support --on "$day" --format svg > "$out/support-$day.svg"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d)" --window-size=960,640 \
  --screenshot="$out/support-$day.png" "file://$(cd "$out" && pwd)/support-$day.svg" 2>/dev/null
echo "$out/support-$day.svg and $out/support-$day.png written"
