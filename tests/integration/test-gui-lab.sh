#!/usr/bin/env bash
# test-gui-lab.sh — the lab window under Xvfb, read back with OCR:
# `terrarium FILE.terrarium-lab.yaml` shows the lab's notes, VMs, budget
# and networks; Up brings it up (checked against `terrarium-ctl lab
# status`); the collection groups the lab's VMs under the lab's name; Down
# stops them; a broken lab file shows its problems with line and column.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
lab="$work/guilab"
rm -rf "$lab" && mkdir -p "$lab" && chmod 755 "$lab"
qemu-img convert -O qcow2 "$iso" "$lab/base.qcow2"
chmod 644 "$lab/base.qcow2"
file="$lab/guilab.terrarium-lab.yaml"
cat >"$file" <<'EOF'
format: 1
name: guilab
description: Two web servers behind one router
notes: |
  Configure the router first, then both servers.
networks:
  - name: backend
    description: between the router and the servers
vms:
  - name: router
    source: base.qcow2
    memory: 256
    disk: 1
    networks: [backend]
    baseline: disk
  - name: server
    source: base.qcow2
    memory: 256
    disk: 1
    networks: [backend]
    nat: false
    baseline: disk
EOF
broken="$lab/broken.terrarium-lab.yaml"
printf 'format: 1\nname: broken\nvms:\n  - name: a\n    source: nothing.qcow2\n    memory: 2G\n' >"$broken"
chmod 644 "$file" "$broken"

trap 'gui_cleanup; terra_as_user gsettings reset io.github.terrarium.Terrarium shutdown-timeout 2>/dev/null; ctl lab destroy "$file" >/dev/null 2>&1 || true; terra_session_cleanup >/dev/null 2>&1 || true' EXIT
status_field() { ctl lab status --json "$file" | python3 -c 'import json,sys
v=[v for v in json.load(sys.stdin)["vms"] if v["name"]==sys.argv[1]][0]
print(v[sys.argv[2]])' "$1" "$2"; }
both_in_state() { [ "$(status_field router state)" = "$1" ] && [ "$(status_field server state)" = "$1" ]; }
wait_state() { local i; for i in $(seq 1 60); do both_in_state "$1" && return 0; sleep 1; done; return 1; }

start_xvfb
export GSETTINGS_BACKEND=keyfile
# The busybox guest ignores the ACPI power button: Down forces it off after 5 s.
terra_as_user gsettings set io.github.terrarium.Terrarium shutdown-timeout 5
start_gui "$file"
check "the lab window opens with the lab's name" wait_for_window_text "guilab" 30 ui
check "it shows the notes" wait_for_window_text "Configure the router first" 20 ui
check "it lists the VMs" wait_for_window_text "router" 10 ui
check "… with their resources and networks" wait_for_window_text "256 MiB" 10 ui
check "… not created yet" wait_for_window_text "Not created" 10 ui
check "it shows the lab's budget verdict" wait_for_window_text "Host Budget" 10 ui
cp "$work/gui-last.png" "$work/gui-lab-before.png"

# Up: the suggested button at the header bar's start (no window manager:
# the lab window is the newest, at 0,0).
xdotool mousemove 38 27 click 1
check "Up brings both VMs up" wait_state running
check "the window shows them running" wait_for_window_text "Running" 30 ui
cp "$work/gui-last.png" "$work/gui-lab-up.png"

# Down, then they are off.
xdotool mousemove 191 27 click 1
check "Down stops both VMs" wait_state shutoff
check "the window shows them off" wait_for_window_text "Off" 30 ui

# The collection groups the lab's VMs (close the lab window: Ctrl+W).
xdotool mousemove 360 300 click 1
xdotool key ctrl+w
check "the collection groups the VMs under the lab" wait_for_window_text "Lab “guilab”" 30 ui
check "… with a way back to the lab" wait_for_window_text "Open Lab" 10 ui
cp "$work/gui-last.png" "$work/gui-lab-collection.png"

# A broken file: every problem with its line and column, nothing created.
terra_as_user "$TERRA_GUI" "$broken" >/dev/null 2>&1 &
check "a broken lab file says how many problems it has" wait_for_window_text "This Lab File Has 2 Problems" 30 ui
check "… each with its line and column" wait_for_window_text "6:13: memory must be a whole" 10 ui
check "… including the missing image" wait_for_window_text "5:13: source" 10 ui
no_broken_vm() { ! terra_as_user virsh -c qemu:///session list --all --name 2>/dev/null | grep -q broken; }
check "nothing of the broken lab was created" no_broken_vm
cp "$work/gui-last.png" "$work/gui-lab-problems.png"

finish
