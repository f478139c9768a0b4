#!/usr/bin/env bash
# test-gui-manage.sh — managing from the window under Xvfb: Delete hides the
# machine at once with an Undo toast; Undo keeps everything; a delete whose
# toast is still showing happens when the window closes; "Snapshot Now, Try
# Safely" in the properties window takes a snapshot.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'gui_cleanup; for m in a-keep b-gone; do ctl delete "$m" >/dev/null 2>&1 || true; done' EXIT
start_xvfb
images="$TERRA_TEST_HOME/.local/share/terrarium/images"

quiet ctl create --media "$iso" --name a-keep --memory 256 --vcpus 1 --disk 1 2>/dev/null || die "create a-keep"
quiet ctl create --media "$iso" --name b-gone --memory 256 --vcpus 1 --disk 1 2>/dev/null || die "create b-gone"

# Without a window manager the window sits at 0,0: the rows' menu buttons are
# at x=805, y=216 (first row) and y=271 (second); the menu opens below them.
open_menu() { xdotool mousemove 805 "$1" click 1; sleep 1; }

start_gui
check "both machines are listed" wait_for_window_text "b-gone" 30 ui

# Delete, then Undo.
open_menu 216
xdotool mousemove 744 $((216 + 365)) click 1
check "Delete shows an Undo toast" wait_for_window_text "deleted" 5 ui
check "and hides the machine at once" bash -c '! grep -q "a-keep" < <(bash "$1" "$2" ui)' _ "$fixtures/ocr-screen.sh" "$work/gui-last.png"
xdotool mousemove 610 627 click 1
check "Undo brings it back" wait_for_window_text "a-keep" 5 ui
sleep 8
check "after the toast's time it still exists" test "$(machine_state a-keep)" = shutoff
check "with its disk image" test -f "$images/a-keep.qcow2"

# Delete, and close the window while the toast shows: the delete happens.
open_menu 271
xdotool mousemove 744 $((271 + 365)) click 1
check "Delete of the second shows the toast" wait_for_window_text "deleted" 5 ui
xdotool key ctrl+q
for _ in $(seq 1 30); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.5; done
check "the app quit" bash -c '! kill -0 "$1" 2>/dev/null' _ "$gui_pid"
gui_pid=
check "the machine is deleted" test "$(machine_state b-gone)" = absent
check "and its disk image" test ! -e "$images/b-gone.qcow2"
check "the other one is untouched" test -f "$images/a-keep.qcow2"

# Properties: take a snapshot with "Snapshot Now, Try Safely".
start_gui
check "the window is back" wait_for_window_text "a-keep" 30 ui
open_menu 216
xdotool mousemove 805 $((216 + 301)) click 1
check "the properties window opens" wait_for_window_text "Reset on Shutdown" 10 ui
xdotool mousemove 510 27 click 1
check "its Snapshots page" wait_for_window_text "Try Safely" 10 ui
xdotool mousemove 183 215 click 1
check "the snapshot shows in the list" wait_for_window_text "Before trying" 20 ui
cp "$work/gui-last.png" "$work/gui-snapshots.png"
check "and libvirt has it" bash -c 'grep -q "Before trying" <<<"$1"' _ "$(ctl snapshot list a-keep)"
xdotool key Escape
sleep 1
xdotool mousemove 611 27 click 1
sleep 1

# Run Disposable Copy from the row's menu: the display shows the run.
open_menu 216
xdotool mousemove 790 $((216 + 51)) click 1
check "a disposable run starts and its screen shows" wait_for_window_text "TERRARIUM GUEST READY" 90 guest
check "it is a disposable run" test "$(ctl list --json | python3 -c 'import json,sys; print([m["disposable"] for m in json.load(sys.stdin) if m["name"]=="a-keep"][0])')" = True
stop_gui
check "force the disposable run off" quiet ctl force-off a-keep

# The "Closing the Window" preference set to "save": closing the window with
# a running guest on screen saves its state.
export GSETTINGS_BACKEND=keyfile
check "set the preference (gsettings, keyfile backend)" \
  quiet terra_as_user gsettings set io.github.terrarium.Terrarium close-action save
check "start a-keep" quiet ctl start a-keep
check "it boots" wait_for_screen a-keep "TERRARIUM GUEST READY" 90
start_gui --open a-keep
check "its screen shows in the window" wait_for_window_text "TERRARIUM GUEST READY" 30 guest
xdotool key ctrl+q
for _ in $(seq 1 60); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.5; done
gui_pid=
check "closing the window saved its state" test "$(ctl list --json | python3 -c 'import json,sys; m=[m for m in json.load(sys.stdin) if m["name"]=="a-keep"][0]; print(m["state"], m["saved"])')" = "shutoff True"
terra_as_user gsettings reset io.github.terrarium.Terrarium close-action || true
check "delete a-keep" quiet ctl delete a-keep
check "nothing left" test -z "$(ls "$images")"
finish
