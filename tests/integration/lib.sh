# lib.sh — shared helpers for the integration tests (sourced)
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Expects from meson: TERRA_SRCDIR, TERRA_BUILDDIR, TERRA_CTL, TERRA_GUI.

set -euo pipefail

: "${TERRA_SRCDIR:?}" "${TERRA_BUILDDIR:?}" "${TERRA_CTL:?}"
fixtures="$TERRA_SRCDIR/tests/fixtures"
# Shared, world-readable scratch space (the test user's QEMU reads the ISO).
work="${TERRA_TEST_WORK:-/tmp/terrarium-tests}"
mkdir -p "$work"
chmod 1777 "$work"  # the test user writes screenshots here
export TERRA_TEST_CACHE="${TERRA_TEST_CACHE:-/var/tmp/terrarium-test-cache}"
mkdir -p "$TERRA_TEST_CACHE"

# shellcheck source=../fixtures/session-env.sh
source "$fixtures/session-env.sh"

n=0
failed=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION CMD...
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() {
  echo "1..$n"
  [ "$failed" -eq 0 ]
}
# quiet CMD...: run CMD with its stdout turned into TAP comments; CMD's status.
quiet() { "$@" | sed 's/^/# /'; return "${PIPESTATUS[0]}"; }
die() { echo "Bail out! $*"; exit 1; }

ctl() { terra_as_user "$TERRA_CTL" "$@"; }

# The test ISO: a Debian kernel + busybox initramfs that prints
# "TERRARIUM GUEST READY" and echoes typed lines as "ECHO: <line>".
test_iso() {
  local iso="$work/terrarium-test.iso"
  bash "$fixtures/make-test-iso.sh" "$iso" >&2
  chmod 644 "$iso"
  echo "$iso"
}

# wait_for_screen NAME TEXT TIMEOUT_S: poll `terrarium-ctl screenshot` (SPICE)
# and OCR until TEXT shows. Leaves the last PNG in $work/NAME-last.png.
wait_for_screen() {
  local name=$1 text=$2 timeout=$3 start png ocr
  start=$(date +%s)
  png="$work/screen-$$.png"
  while :; do
    rm -f "$png"
    if ctl screenshot "$name" "$png" 2>"$work/screenshot.err" && [ -s "$png" ]; then
      ocr=$(bash "$fixtures/ocr-screen.sh" "$png" guest 2>/dev/null || true)
      if grep -qiF -- "$text" <<<"$ocr"; then
        cp "$png" "$work/$name-last.png"
        echo "# '$text' on screen after $(( $(date +%s) - start )) s"
        return 0
      fi
    fi
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      [ -f "$png" ] && cp "$png" "$work/$name-last.png"
      echo "# timed out waiting for '$text'; last OCR:"; sed 's/^/#   /' <<<"${ocr:-}"
      sed 's/^/#   /' "$work/screenshot.err" || true
      return 1
    fi
    sleep 2
  done
}

# json_get A.B.C: a field of the JSON document on stdin.
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }

# machine_state NAME: the state `terrarium-ctl list --json` reports, or "absent".
machine_state() {
  ctl list --json | python3 -c '
import json, sys
m = [m for m in json.load(sys.stdin) if m["name"] == sys.argv[1]]
print(m[0]["state"] if m else "absent")' "$1"
}

# wait_state NAME STATE TIMEOUT_S
wait_state() {
  local i
  for i in $(seq 1 "$3"); do
    [ "$(machine_state "$1")" = "$2" ] && return 0
    sleep 1
  done
  echo "# $1 is $(machine_state "$1"), wanted $2"
  return 1
}

# Volumes in the app's pool (one path per line).
pool_volumes() {
  terra_as_user virsh -c qemu:///session vol-list terrarium 2>/dev/null | awk 'NR>2 && NF {print $2}'
}

# fails CMD…: succeeds when CMD exits 1 (a clean failure, not a crash or usage error).
fails() {
  local rc=0
  "$@" >/dev/null 2>"$work/fails.err" || rc=$?
  sed 's/^/#   stderr: /' "$work/fails.err"
  [ "$rc" -eq 1 ]
}

# fails_saying TEXT CMD…: succeeds when CMD exits 1 and its stderr has TEXT.
fails_saying() {
  local text=$1 rc=0; shift
  "$@" >/dev/null 2>"$work/fails.err" || rc=$?
  sed 's/^/#   stderr: /' "$work/fails.err"
  [ "$rc" -eq 1 ] && grep -qF -- "$text" "$work/fails.err"
}

# usage_fails CMD…: succeeds when CMD exits 2 (bad usage).
usage_fails() {
  local rc=0
  "$@" >/dev/null 2>"$work/fails.err" || rc=$?
  [ "$rc" -eq 2 ]
}

# serve_test_os ISO RATE: an HTTP server on 127.0.0.1 sending at most RATE
# bytes/s (tests/fixtures/http-server.py, Range requests honoured, requests
# logged to $work/http.log) that serves ISO as testos-1.0-x86_64.iso, and
# "Terrarium Test OS 1.0" (short id testos1.0, volume id TERRARIUM_TEST,
# released 2026-01-01) in the test user's libosinfo database
# ($XDG_CONFIG_HOME/osinfo, where libosinfo looks for local additions) with
# that URL. Sets $os_server_pid and $os_server_port; terra_session_cleanup
# removes the OS entry, kill the server yourself.
serve_test_os() {
  local iso=$1 rate=$2 srv="$work/srv" osdir="$TERRA_TEST_HOME/.config/osinfo/os/terrarium.test"
  rm -rf "$srv" "$work/port" "$work/http.log"
  mkdir -p "$srv"
  cp "$iso" "$srv/testos-1.0-x86_64.iso"
  python3 "$fixtures/http-server.py" "$srv" "$work/port" --rate "$rate" --log "$work/http.log" &
  os_server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  os_server_port=$(cat "$work/port")
  mkdir -p "$osdir"
  cat > "$osdir/testos-1.0.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<libosinfo version="0.0.1">
  <os id="http://terrarium.test/testos/1.0">
    <short-id>testos1.0</short-id>
    <name>Terrarium Test OS 1.0</name>
    <version>1.0</version>
    <vendor>The Terrarium authors</vendor>
    <family>linux</family>
    <distro>testos</distro>
    <release-date>2026-01-01</release-date>
    <media arch="x86_64">
      <url>http://127.0.0.1:$os_server_port/testos-1.0-x86_64.iso</url>
      <iso><volume-id>TERRARIUM_TEST</volume-id></iso>
    </media>
  </os>
</libosinfo>
XML
  chown -R "$TERRA_TEST_USER" "$TERRA_TEST_HOME/.config/osinfo"
}

# text_y WORD PNG: the vertical centre (screen pixels) of the first place
# tesseract reads WORD in PNG (ui preprocessing, 300 % scale), or nothing.
text_y() {
  local word=$1 png=$2 tmp="$work/text-y.png"
  convert "$png" -colorspace Gray -resize 300% -threshold 88% "$tmp"
  tesseract "$tmp" stdout --psm 11 tsv 2>/dev/null |
    awk -F'\t' -v w="$word" '$12 == w { print int(($8 + $10 / 2) / 3); exit }'
}

# --- GUI under Xvfb -----------------------------------------------------------
xvfb_pid=
gui_pid=

# start_xvfb: a private X server the test user may use (-ac: no access
# control; nothing else can reach it: -nolisten tcp, and it dies with the test).
start_xvfb() {
  local dispno
  exec 5< <(Xvfb -displayfd 1 -screen 0 1280x800x24 -ac -nolisten tcp 2>/dev/null & echo "pid $!"; wait)
  read -r _ xvfb_pid <&5
  read -r dispno <&5
  export DISPLAY=":$dispno"
  export GSK_RENDERER=cairo GDK_BACKEND=x11
  export GSETTINGS_SCHEMA_DIR="$TERRA_BUILDDIR/data"
  echo "# Xvfb on $DISPLAY (pid $xvfb_pid)"
}

# start_gui ARGS…: the terrarium GUI as the test user, log in $work/gui.log,
# in a window of the default size (the app remembers its size; the tests'
# coordinates assume 960×680 at 0,0).
start_gui() {
  local key
  for key in window-width window-height window-maximized; do
    terra_as_user gsettings reset io.github.terrarium.Terrarium "$key" 2>/dev/null || true
  done
  terra_as_user "$TERRA_GUI" "$@" >"$work/gui.log" 2>&1 &
  gui_pid=$!
}

stop_gui() {
  [ -n "$gui_pid" ] || return 0
  kill "$gui_pid" 2>/dev/null || true
  pkill -u "$TERRA_TEST_USER" -x terrarium 2>/dev/null || true
  wait "$gui_pid" 2>/dev/null || true
  gui_pid=
}

gui_cleanup() {
  stop_gui
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
}

# gui_window: the id of the app's top-level on this X server (there is no
# window manager, so the newest visible window is ours).
gui_window() {
  local win
  for _ in $(seq 1 20); do
    win=$(xdotool search --onlyvisible --name '.' 2>/dev/null | tail -1 || true)
    [ -n "$win" ] && { echo "$win"; return 0; }
    sleep 0.5
  done
  return 1
}

shot() { import -display "$DISPLAY" -window root "$1" 2>/dev/null; }

# wait_for_window_text TEXT TIMEOUT_S [guest|ui|both]: screenshot the X
# screen until OCR finds TEXT in a screenshot taken within TIMEOUT_S (seconds,
# may be fractional). Leaves that screenshot in $work/gui-last.png and, in
# $waited, when it was taken (seconds after the call).
wait_for_window_text() {
  local text=$1 timeout=$2 mode=${3:-both} start taken ocr png="$work/gui-$$.png"
  start=$(date +%s.%N)
  while :; do
    taken=$(echo "$(date +%s.%N) - $start" | bc)
    if shot "$png"; then
      ocr=$(bash "$fixtures/ocr-screen.sh" "$png" "$mode" 2>/dev/null || true)
      if grep -qiF -- "$text" <<<"$ocr"; then
        cp "$png" "$work/gui-last.png"
        waited=$taken
        echo "# '$text' in the window in a screenshot taken after ${waited} s"
        [ "$(echo "$taken <= $timeout" | bc)" = 1 ] && return 0
        return 1
      fi
    fi
    if [ "$(echo "$(date +%s.%N) - $start >= $timeout" | bc)" = 1 ]; then
      cp "$png" "$work/gui-last.png" 2>/dev/null || true
      cp "$png" "$work/gui-timeout-$(date +%H%M%S).png" 2>/dev/null || true
      echo "# timed out waiting for '$text' in the window; last OCR:"; sed 's/^/#   /' <<<"${ocr:-}"
      if [ -n "$gui_pid" ] && ! kill -0 "$gui_pid" 2>/dev/null; then
        echo "# the app is no longer running; the end of its log:"
        tail -15 "$work/gui.log" 2>/dev/null | sed 's/^/#   /'
      fi
      return 1
    fi
    sleep 0.1
  done
}

# shows_after SECONDS TEXT [MODE]: one screenshot taken SECONDS after the call
# shows TEXT (the OCR may take longer; only the screenshot's time counts).
shows_after() {
  local png="$work/gui-after-$$.png" ocr
  sleep "$1"
  shot "$png" || return 1
  ocr=$(bash "$fixtures/ocr-screen.sh" "$png" "${3:-both}" 2>/dev/null || true)
  cp "$png" "$work/gui-last.png"
  if grep -qiF -- "$2" <<<"$ocr"; then return 0; fi
  echo "# '$2' not in the screenshot taken after $1 s; OCR:"; sed 's/^/#   /' <<<"$ocr"
  return 1
}
