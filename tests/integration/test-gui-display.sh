#!/usr/bin/env bash
# test-gui-display.sh — `terrarium --open demo` under Xvfb shows the guest's
# live screen in the Terrarium window, keys typed into the window reach the
# guest, and reopening the app reconnects the display.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)

xvfb_pid=
gui_pid=
cleanup() {
  [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  ctl delete demo >/dev/null 2>&1 || true
}
trap cleanup EXIT

# An X server the test user may use (-ac: no access control; it is private to this test).
exec 5< <(Xvfb -displayfd 1 -screen 0 1280x800x24 -ac -nolisten tcp 2>/dev/null & echo "pid $!"; wait)
read -r _ xvfb_pid <&5
read -r dispno <&5
export DISPLAY=":$dispno"
echo "# Xvfb on $DISPLAY (pid $xvfb_pid)"

export GSK_RENDERER=cairo GDK_BACKEND=x11
export GSETTINGS_SCHEMA_DIR="$TERRA_BUILDDIR/data"

ctl create --media "$iso" --name demo --memory 512 --vcpus 1 --disk 1 --start >/dev/null || die "create failed"
wait_for_screen demo "TERRARIUM GUEST READY" 90 || die "the guest did not boot"

shot() { import -display "$DISPLAY" -window root "$1" 2>/dev/null; }

# wait_for_window_text TEXT TIMEOUT: screenshot the X screen until OCR finds TEXT.
wait_for_window_text() {
  local text=$1 timeout=$2 start ocr png="$work/gui-$$.png"
  start=$(date +%s)
  while :; do
    if shot "$png"; then
      ocr=$(bash "$fixtures/ocr-screen.sh" "$png" 2>/dev/null || true)
      if grep -qiF -- "$text" <<<"$ocr"; then
        cp "$png" "$work/gui-last.png"
        echo "# '$text' in the window after $(( $(date +%s) - start )) s"
        return 0
      fi
    fi
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      cp "$png" "$work/gui-last.png" 2>/dev/null || true
      echo "# timed out waiting for '$text' in the window; last OCR:"; sed 's/^/#   /' <<<"${ocr:-}"
      return 1
    fi
    sleep 1
  done
}

start_gui() {
  terra_as_user "$TERRA_GUI" --open demo >"$work/gui.log" 2>&1 &
  gui_pid=$!
}

start_gui
check "the window shows the guest's live screen" wait_for_window_text "TERRARIUM GUEST READY" 60
cp "$work/gui-last.png" "$work/gui-window.png" 2>/dev/null || true

# Type into the window: focus it, then X key events (XTest) go to the display widget.
# The app's only visible top-level on this private X server (no window manager).
win=
for _ in $(seq 1 20); do
  win=$(xdotool search --onlyvisible --name '.' 2>/dev/null | tail -1 || true)
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || die "no visible window"
xdotool windowfocus "$win" 2>/dev/null || true
geom=$(xdotool getwindowgeometry --shell "$win")
eval "$geom"
# Click in the middle of the window (the display) so it has the keyboard focus.
xdotool mousemove --window "$win" $((WIDTH / 2)) $((HEIGHT / 2)) click 1
sleep 0.5
xdotool type --delay 80 "typed in gui"
xdotool key --delay 80 Return
# The window first (a second SPICE client, like terrarium-ctl screenshot, takes the
# guest's display over from the window), then the guest's own screen through SPICE.
check "keys typed into the window reach the guest, and the window shows its answer live" \
  wait_for_window_text "ECHO: typed in gui" 30
check "the guest's own screen shows the typed line (seen through SPICE)" \
  wait_for_screen demo "ECHO: typed in gui" 30

# Close and reopen: the guest keeps running, the display reconnects.
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true; gui_pid=
check "the guest keeps running without the app" test "$(machine_state demo)" = running
start_gui
check "reopening the app reconnects the display" wait_for_window_text "ECHO: typed in gui" 60
check "no guest display listens on a TCP port" bash -c '! ss -ltnpH | grep -q qemu'

sed 's/^/# gui: /' "$work/gui.log" | tail -20
finish
