#!/usr/bin/env bash
# test-gui-resilience.sh — the display survives what happens to a running
# guest and to libvirt: a guest reboot and a restart of the session daemon
# (killed, then spawned again by the app's reconnect) end with the display
# live again and the app still running.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'gui_cleanup; ctl delete tough >/dev/null 2>&1 || true' EXIT
start_xvfb

quiet ctl create --media "$iso" --name tough --memory 256 --vcpus 1 --disk 1 --start 2>/dev/null || die "create"
wait_for_screen tough "TERRARIUM GUEST READY" 90 >/dev/null || die "the guest did not boot"

type_in_window() {
  local win
  win=$(gui_window) || return 1
  xdotool mousemove --window "$win" 400 300 click 1
  sleep 0.3
  xdotool type --delay 80 "$1"
  xdotool key Return
}

start_gui --open tough
check "the window shows the guest" wait_for_window_text "TERRARIUM GUEST READY" 30 guest
type_in_window "before reboot"
check "keys reach it" wait_for_window_text "ECHO: before reboot" 30 guest

# banner_without_old_line: the banner of a new boot, and the line typed before gone.
banner_without_old_line() {
  local start ocr png="$work/resil-$$.png"
  start=$(date +%s)
  while [ $(( $(date +%s) - start )) -lt 90 ]; do
    shot "$png"
    ocr=$(bash "$fixtures/ocr-screen.sh" "$png" guest 2>/dev/null || true)
    if grep -qF "TERRARIUM GUEST READY" <<<"$ocr" && ! grep -qF "before reboot" <<<"$ocr"; then
      echo "# a fresh boot on screen after $(( $(date +%s) - start )) s"; return 0
    fi
    sleep 1
  done
  return 1
}

# A reboot: QEMU resets the guest; the SPICE session stays and shows the new boot.
check "reboot the guest (virsh)" quiet terra_as_user virsh -q -c qemu:///session reset tough
check "after the reboot the window shows the guest's new boot (old screen gone)" banner_without_old_line
type_in_window "after reboot"
check "and keys still reach it" wait_for_window_text "ECHO: after reboot" 30 guest

# The session daemon goes away: the app says so, reconnects (spawning it
# again), and the display is live.
daemon=$(pgrep -u "$TERRA_TEST_USER" -x libvirtd || true)
check "the session daemon runs" test -n "$daemon"
kill -TERM $daemon
for _ in $(seq 1 20); do kill -0 $daemon 2>/dev/null || break; sleep 0.5; done
check "it stopped" bash -c '! kill -0 "$1" 2>/dev/null' _ "$daemon"
check "the guest keeps running without it (QEMU is its own process)" quiet pgrep -u "$TERRA_TEST_USER" -f 'qemu-system.*guest=tough'
sleep 5
check "the app is still running" kill -0 "$gui_pid"
# The app reconnects every 2 s; opening qemu:///session spawns a new daemon.
new_daemon() { for _ in $(seq 1 30); do
    local p; p=$(pgrep -u "$TERRA_TEST_USER" -x libvirtd || true)
    [ -n "$p" ] && [ "$p" != "$daemon" ] && return 0; sleep 1; done; return 1; }
check "a new daemon is up (the app reconnected)" new_daemon
type_in_window "after daemon restart"
check "keys typed in the window still reach the guest" wait_for_window_text "ECHO: after daemon restart" 40 guest
check "and the machine is listed as running" test "$(machine_state tough)" = running
sed 's/^/# gui: /' "$work/gui.log" | tail -10
finish
