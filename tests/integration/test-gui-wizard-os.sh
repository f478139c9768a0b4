#!/usr/bin/env bash
# test-gui-wizard-os.sh — the create flow with media newer than the OS
# database: a disc whose volume id says "Debian 12.5.0 amd64" shows
# "Detected: probably Debian 12" with Debian 11's settings; the OS chooser
# (search, Enter) replaces it with the user's choice; cancelling creates
# nothing.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
trap 'gui_cleanup; terra_session_cleanup >/dev/null 2>&1 || true' EXIT

# A bootable ISO with Debian 12's volume id (osinfo-db 20221130 does not know it).
src="$work/debian12-src"
iso="$work/debian-12.5.0-amd64-netinst.iso"
rm -rf "$src" && mkdir -p "$src"
head -c 2048 /dev/zero >"$src/boot.img"
xorriso -as mkisofs -quiet -V "Debian 12.5.0 amd64 n" -b boot.img -no-emul-boot -o "$iso" "$src" 2>/dev/null ||
  die "xorriso"
chmod 644 "$iso"

start_xvfb
export GSETTINGS_BACKEND=keyfile
start_gui "$iso"
check "the wizard says what the disc probably is" wait_for_window_text "Detected: probably Debian 12" 40 ui
check "… and whose settings it uses" wait_for_window_text "settings of Debian 11" 10 ui
check "the name is taken from the guess" wait_for_window_text "Debian 12" 10 ui
cp "$work/gui-last.png" "$work/gui-wizard-guess.png"

# The OS row's "Choose…" button, then a search and Enter.
xdotool mousemove 476 145 click 1
check "the OS chooser opens with the releases libosinfo knows" wait_for_window_text "Red Hat Enterprise Linux" 20 ui
check "… grouped by family" wait_for_window_text "Linux" 10 ui
cp "$work/gui-last.png" "$work/gui-os-chooser.png"
xdotool type --delay 50 "fedora37"
sleep 1
xdotool key Return
# "Chosen by you" first: the chooser's own list also shows "Fedora Linux 37".
check "the choice replaces the guess, and says it was chosen" wait_for_window_text "Chosen by you" 20 ui
check "… naming the chosen OS" wait_for_window_text "Fedora Linux 37" 10 ui
cp "$work/gui-last.png" "$work/gui-wizard-chosen.png"

xdotool key Escape
sleep 2
no_vm() { [ -z "$(terra_as_user virsh -c qemu:///session list --all --name | tr -d '[:space:]')" ]; }
check "cancelling creates nothing" no_vm

finish
