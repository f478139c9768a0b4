#!/usr/bin/env bash
# test-gui-display.sh — `terrarium --open demo` under Xvfb shows the guest's
# live screen in the Terrarium window, keys typed into the window reach the
# guest, frames copy only what changed, and reopening the app reconnects the
# display.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)

trap 'gui_cleanup; ctl delete demo >/dev/null 2>&1 || true' EXIT
start_xvfb

ctl create --media "$iso" --name demo --memory 512 --vcpus 1 --disk 1 --start >/dev/null || die "create failed"
wait_for_screen demo "TERRARIUM GUEST READY" 90 || die "the guest did not boot"

G_MESSAGES_DEBUG=terra-display start_gui --open demo
check "the window shows the guest's live screen" wait_for_window_text "TERRARIUM GUEST READY" 60 guest
cp "$work/gui-last.png" "$work/gui-window.png" 2>/dev/null || true

# Type into the window: focus it, then X key events (XTest) go to the display widget.
win=$(gui_window) || die "no visible window"
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
  wait_for_window_text "ECHO: typed in gui" 30 guest
# Only what changed is copied: each frame copies the damage, not the screen
# (the widget's debug log: "display: N frames, P % of full frames copied";
# the first frame of each of its two buffers is a full copy).
xdotool type --delay 60 "the quick brown fox jumps over the lazy dog"
xdotool key Return
wait_for_window_text "ECHO: the quick brown" 30 guest >/dev/null || true
# (before anything else opens the display: a second SPICE client takes it
# over from the window)
stats=$(grep -o 'display: [0-9]* frames, [0-9.]* % of full frames copied' "$work/gui.log" | tail -1)
echo "# ${stats:-no display statistics in the log}"
check "frames copy only the damaged parts (under a fifth of the screen a frame, typing)" \
  python3 -c 'import re,sys; m=re.search(r"(\d+) frames, ([\d.]+) %", sys.argv[1]); assert m and int(m.group(1)) >= 32 and float(m.group(2)) < 20' "$stats"
check "the guest's own screen shows the typed line (seen through SPICE)" \
  wait_for_screen demo "ECHO: typed in gui" 30

# Close and reopen: the guest keeps running, the display reconnects.
stop_gui
check "the guest keeps running without the app" test "$(machine_state demo)" = running
start_gui --open demo
check "reopening the app reconnects the display" wait_for_window_text "ECHO: typed in gui" 60 guest
check "no guest display listens on a TCP port" bash -c '! ss -ltnpH | grep -q qemu'

sed 's/^/# gui: /' "$work/gui.log" | tail -20
finish
