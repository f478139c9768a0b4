#!/usr/bin/env bash
# test-gui-collection.sh — the Terrarium window under Xvfb lists the machines
# of qemu:///session with name, OS and state; a state change made outside the
# app (virsh) shows up live; and the create flow (`terrarium PATH.iso`)
# detects the media, creates the machine and shows its live screen.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
iso_sum=$(sha256sum "$iso" | cut -d' ' -f1)
trap 'gui_cleanup; ctl delete listed >/dev/null 2>&1 || true; ctl delete wizvm >/dev/null 2>&1 || true' EXIT
start_xvfb

virsh_user() { terra_as_user virsh -q -c qemu:///session "$@"; }

ctl create --media "$iso" --name listed --memory 256 --vcpus 1 --disk 1 --start >/dev/null || die "create failed"

start_gui
check "the collection lists the machine by name" wait_for_window_text "listed" 30 ui
check "with its state" wait_for_window_text "Running" 10 ui
check "and says it is emulated" wait_for_window_text "Emulated" 10 ui

# The running machine's row shows its screen (a thumbnail through
# virDomainScreenshot, every 5 s): the prefix area of the first row turns
# from the light theme's background to the guest's dark screen.
thumbnail_shown() {
  local png="$work/thumb-$$.png" mean
  for _ in $(seq 1 20); do
    shot "$png"
    mean=$(convert "$png" -crop 90x50+140+191 -colorspace Gray -format '%[fx:mean]' info:)
    if python3 -c "import sys; sys.exit(0 if $mean < 0.5 else 1)"; then
      echo "# thumbnail area mean brightness $mean"; cp "$png" "$work/gui-thumbnail.png"; return 0
    fi
    sleep 1
  done
  echo "# thumbnail area mean brightness $mean (light: no thumbnail)"; return 1
}
check "the running machine's row shows its screen" thumbnail_shown

# A state change made with virsh appears in the window (libvirt lifecycle event).
virsh_user suspend listed >/dev/null
check "virsh suspend shows as Paused within a second" shows_after 1 "Paused" ui
virsh_user resume listed >/dev/null
check "virsh resume shows as Running again within a second" shows_after 1 "Running" ui
virsh_user destroy listed >/dev/null
check "virsh destroy shows as Off within a second" shows_after 1 "Off" ui
stop_gui

# The create flow from the command line, as a file manager would start it.
start_gui "$iso"
check "the create flow shows what libosinfo made of the ISO" wait_for_window_text "Unknown OS" 30 ui
check "and warns that guests are emulated" wait_for_window_text "KVM is not available" 5 ui
win=$(gui_window) || die "no visible window"
xdotool key --delay 50 ctrl+a
xdotool type --delay 50 "wizvm"
xdotool key Return
check "Create switches to the new guest's live screen" wait_for_window_text "TERRARIUM GUEST READY" 90 guest
check "the new machine is running" test "$(machine_state wizvm)" = running
list_json=$(ctl list --json)
check "it has the wizard's suggested resources" python3 -c '
import json, sys
m = [m for m in json.loads(sys.argv[1]) if m["name"] == "wizvm"][0]
assert m["memory_mib"] == 2048 and m["vcpus"] == 2 and m["accel"] == "tcg", m' "$list_json"
check "the ISO is untouched" test "$(sha256sum "$iso" | cut -d' ' -f1)" = "$iso_sum"
stop_gui

check "delete wizvm" quiet ctl delete wizvm
check "delete listed" quiet ctl delete listed
check "nothing left in the session" test -z "$(virsh_user list --all --name | tr -d '[:space:]')"

sed 's/^/# gui: /' "$work/gui.log" | tail -20
finish
