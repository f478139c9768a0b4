#!/usr/bin/env bash
# test-gui-budget.sh — the budget in the window under Xvfb: the host bar
# shows the running VMs' memory, the create flow shows the same findings as
# `terrarium-ctl budget --json` for the same inputs (one model, two views)
# and needs "Create Anyway" when over, and starting a VM past the host
# reserve asks first ("Start Anyway").
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'gui_cleanup; for m in runner waiting; do ctl delete "$m" >/dev/null 2>&1 || true; done' EXIT
start_xvfb


host=$(ctl host --json)
total=$(json_get memory_total_mib <<<"$host")
reserve=$(json_get reserve_mib <<<"$host")
# One running VM, and a stopped one that would take the running total past
# host RAM minus the reserve (but not past host RAM).
run_mib=$(( (total - reserve) / 2 ))
wait_mib=$(( (total - reserve) / 2 + 1024 ))
quiet ctl create --media "$iso" --name runner --memory "$run_mib" --vcpus 1 --disk 1 --start || die "create runner"
quiet ctl create --media "$iso" --name waiting --memory "$wait_mib" --vcpus 1 --disk 1 || die "create waiting"
gib() { python3 -c "print(f'{$1/1024:.1f}')"; }

start_gui
check "the host bar shows the running VMs' memory" wait_for_window_text "Running VMs $(gib "$run_mib") GiB" 30 ui
check "and the stopped VMs' memory" wait_for_window_text "stopped VMs $(gib "$wait_mib") GiB" 5 ui
cp "$work/gui-last.png" "$work/gui-host-bar.png"

# Start "waiting" with its row's start button (rows are sorted: runner, waiting).
# Without a window manager the window sits at 0,0; the second row's button is at
# the right end of the list, 55 px below the first.
xdotool mousemove 765 271 click 1
check "starting past the reserve asks first" wait_for_window_text "Start Anyway" 10 ui
check "with the numbers" wait_for_window_text "Running VMs would use $(gib $((run_mib + wait_mib))) GiB" 5 ui
cp "$work/gui-last.png" "$work/gui-start-dialog.png"
xdotool key Escape
sleep 1
check "Cancel leaves it off" test "$(machine_state waiting)" = shutoff
stop_gui

# The create flow for more memory than the host has.
huge=$((total + 4096))
budget=$(ctl budget --memory "$huge" --vcpus 2 --disk 20 --json)
check "budget --json says over" test "$(json_get verdict <<<"$budget")" = over
start_gui "$iso"
check "the create flow opens" wait_for_window_text "Unknown OS" 30 ui
# The memory field: triple-click selects its text.
xdotool mousemove 410 436 click --repeat 3 1
xdotool key ctrl+a
xdotool type "$huge"
xdotool key Tab
# The findings are under the resources; scroll them into view.
sleep 1
xdotool mousemove 290 500
for _ in 1 2 3 4; do xdotool click 5; done
check "the create flow needs Create Anyway" wait_for_window_text "Create Anyway" 10 ui
cp "$work/gui-last.png" "$work/gui-create-over.png"
ocr=$(bash "$fixtures/ocr-screen.sh" "$work/gui-last.png" ui | tr '\n' ' ' | tr -s ' ')
# Every finding of the CLI's verdict shows in the window: compare their first
# seven words (OCR keeps those reliably; the rest may wrap).
while IFS= read -r msg; do
  head=$(awk '{print $1, $2, $3, $4, $5, $6, $7}' <<<"$msg")
  check "the window shows the CLI's finding: $head" grep -qiF -- "$head" <<<"$ocr"
done < <(python3 -c 'import json,sys; [print(f["message"]) for f in json.loads(sys.argv[1])["findings"]]' "$budget")
stop_gui

check "the wizard created nothing" test "$(machine_state terrarium-test)" = absent
check "delete runner" quiet ctl delete runner
check "delete waiting" quiet ctl delete waiting
finish
