#!/usr/bin/env bash
# test-gui-groups.sh — more than one connection: the collection shows this
# computer's session and libvirt's test driver (test:///default) as two
# groups; a guest of the other connection whose display cannot be handed
# over says so; the thumbnails preference turns the running guests'
# pictures off at once; `terrarium-ctl save --all` saves every running
# guest (what the save-on-logout preference does when the session ends).
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"
source "$fixtures/ssh-remote.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'gui_cleanup; terra_as_user gsettings reset io.github.terrarium.Terrarium thumbnails 2>/dev/null; terra_session_cleanup >/dev/null 2>&1 || true' EXIT

quiet ctl create --media "$iso" --name local-vm --memory 256 --vcpus 1 --disk 1 --start 2>/dev/null || die "create local-vm"
check "local-vm boots" wait_for_screen local-vm "TERRARIUM GUEST READY" 90

start_xvfb
export GSETTINGS_BACKEND=keyfile
# The extra connection, as the extra-connections preference would give it.
export TERRARIUM_EXTRA_URIS=test:///default
start_gui
check "this computer's connection is a group" wait_for_window_text "This computer — qemu:///session" 30 ui
check "… with its machine" wait_for_window_text "local-vm" 10 ui
check "the test driver's connection is a group" wait_for_window_text "test:///default" 10 ui
cp "$work/gui-last.png" "$work/gui-groups.png"

# Thumbnails: dark pixels in the rows' picture column (x 137–237).
dark_share() { convert "$1" -crop 100x220+137+185 +repage -colorspace gray -threshold 15% -format '%[fx:1-mean]' info:; }
thumbs_shown() { sleep 7; shot "$work/thumbs.png"; local d; d=$(dark_share "$work/thumbs.png"); echo "# dark share: $d"; python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0.15 else 1)" "$d"; }
thumbs_gone() { sleep 2; shot "$work/thumbs.png"; local d; d=$(dark_share "$work/thumbs.png"); echo "# dark share: $d"; python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.02 else 1)" "$d"; }
check "running guests show thumbnails" thumbs_shown
terra_as_user gsettings set io.github.terrarium.Terrarium thumbnails false
check "switched off, the thumbnails go at once" thumbs_gone
terra_as_user gsettings reset io.github.terrarium.Terrarium thumbnails

# The test driver's guest: its display cannot be opened; the window says so.
xdotool mousemove 765 345 click 1
check "a guest whose display cannot be opened says so" wait_for_window_text "Could not open the display" 30 ui
xdotool key alt+Left

# A remote connection (qemu+ssh through a private sshd on 127.0.0.1, to
# this same session): its machines are a group; a guest's display cannot be
# handed over a network connection, and the window says why and what to do.
gui_cleanup
if ssh_remote_start; then
  trap 'gui_cleanup; ssh_remote_stop; terra_as_user gsettings reset io.github.terrarium.Terrarium thumbnails 2>/dev/null; terra_session_cleanup >/dev/null 2>&1 || true' EXIT
  remote_lists() {
    local i
    for i in 1 2 3; do
      terra_as_user virsh -c "$TERRA_REMOTE_URI" list --all --name >"$work/remote-list" 2>&1
      sed 's/^/# virsh over ssh: /' "$work/remote-list"
      grep -qx local-vm "$work/remote-list" && return 0
      sleep 1
    done
    return 1
  }
  check "virsh reaches the session over qemu+ssh" remote_lists
  start_xvfb
  export TERRARIUM_EXTRA_URIS="$TERRA_REMOTE_URI"
  start_gui
  check "the remote connection is a group, named by user and host (SSH)" \
    wait_for_window_text "@127.0.0.1 (session, over SSH)" 30 ui
  cp "$work/gui-last.png" "$work/gui-groups-remote.png"
  # The remote group's row is the second one (the first is this computer's).
  xdotool mousemove 765 345 click 1
  check "its display explains it runs on another computer" wait_for_window_text "runs on another computer" 30 ui
  # (OCR reads "--" as a dash: match the command's name)
  check "… and how to open it (virt-viewer)" wait_for_window_text "virt-viewer" 10 ui
  check "… with libvirt's own reason" wait_for_window_text "file descriptors is not supported" 10 ui
  cp "$work/gui-last.png" "$work/gui-remote-display.png"
  xdotool key alt+Left
  gui_cleanup
  ssh_remote_stop
else
  echo "# skipped the remote connection: needs root and openssh-server"
fi

# save --all: every running guest of this computer, saved to continue later.
saved_all() {
  ctl save --all >"$work/saved" || return 1
  sed 's/^/# saved: /' "$work/saved"
  grep -qx local-vm "$work/saved" && [ "$(machine_state local-vm)" = shutoff ] &&
    [ "$(ctl list --json | python3 -c 'import json,sys; print([m for m in json.load(sys.stdin) if m["name"]=="local-vm"][0]["saved"])')" = True ]
}
check "save --all saves the running guest" saved_all
check "… and its next start continues it" quiet ctl start local-vm
check "… to the same screen" wait_for_screen local-vm "TERRARIUM GUEST READY" 30

finish
