#!/usr/bin/env bash
# test-gui-create-flow.sh — every source of the create flow in the real
# window under Xvfb, read back by OCR: the source page; "Download an
# Operating System" (the test OS on a local HTTP server: list, search,
# progress with rate and time left, Pause keeps the part, Resume continues
# with a Range request) straight into the review page with libosinfo's
# identification, firmware and TPM rows, and Create; a disk image opened with
# `terrarium FILE` (import review, the OS chosen by hand, the creating page's
# copy progress); an installer libosinfo has a script for offers Express
# Install; and the downloaded and used media come back as "Recent and
# Downloaded Media". Screenshots of each page are left in $work/gui-create-*.png.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
server_pid=
cleanup() {
  gui_cleanup
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  terra_session_cleanup >/dev/null 2>&1 || true
}
trap cleanup EXIT
iso=$(test_iso)
# Recent media of earlier runs would change the order of the source page.
rm -f "$TERRA_TEST_HOME/.local/share/recently-used.xbel"
images="$TERRA_TEST_HOME/.local/share/terrarium/images"
# ~1.5 MB/s: the 19 MiB ISO takes ~13 s, time to see it and pause it.
serve_test_os "$iso" 1500000
server_pid=$os_server_pid

start_xvfb
export GSETTINGS_BACKEND=keyfile
start_gui
check "the main window is up" wait_for_window_text "Virtual Machines" 40 ui

# --- the source page ---------------------------------------------------------
xdotool key ctrl+n
check "Ctrl+N opens the source page" wait_for_window_text "Create a Virtual Machine From" 20 ui
check "… offering a file (installer or disk image)" wait_for_window_text "Installer or Disk Image File" 5 ui
check "… and downloads" wait_for_window_text "Download an Operating System" 5 ui
cp "$work/gui-last.png" "$work/gui-create-source.png"

# --- Download an OS ----------------------------------------------------------
xdotool mousemove 290 210 click 1
check "the download page lists the OS database's releases, newest first" \
  wait_for_window_text "Terrarium Test OS 1.0" 30 ui
check "… with their release dates" wait_for_window_text "Released 2026-01-01" 5 ui
xdotool type --delay 40 "Terrarium Test"
sleep 1
xdotool key Return
check "Enter in the search downloads the first match, with a progress bar: bytes, rate" \
  wait_for_window_text "MiB/s" 20 ui
check "… and the time left" wait_for_window_text "seconds left" 10 ui
cp "$work/gui-last.png" "$work/gui-create-download.png"
xdotool mousemove 490 198 click 1
check "Pause stops it and says the part is kept" wait_for_window_text "Resume goes on from there" 10 ui
part=$(stat -c %s "$images/testos-1.0-x86_64.iso.part" 2>/dev/null || echo 0)
check "… and it is on disk ($part bytes)" test "$part" -gt 0
xdotool mousemove 490 198 click 1
check "Resume finishes it and the review page shows what libosinfo identified" \
  wait_for_window_text "Installer, identified by libosinfo" 60 ui
check "… resumed with a Range request from the kept part" grep -q "range=bytes=$part-" "$work/http.log"
check "… the OS" wait_for_window_text "Terrarium Test OS 1.0" 5 ui
check "… the firmware (BIOS: the OS needs nothing else)" wait_for_window_text "BIOS" 5 ui
check "… and the TPM switch" wait_for_window_text "Emulated TPM 2.0" 5 ui
cp "$work/gui-last.png" "$work/gui-create-review.png"
check "the download is in the images folder, complete" \
  bash -c '[ "$(sha256sum "$1/testos-1.0-x86_64.iso" | cut -d" " -f1)" = "$(sha256sum "$2" | cut -d" " -f1)" ]' _ "$images" "$iso"
# Enter in the name field creates it.
xdotool key Return
check "Create makes the machine and shows its screen" wait_for_window_text "TERRARIUM GUEST READY" 90 both
list=$(ctl list --json)
check "… a running machine of that OS" \
  python3 -c 'import json,sys; m=[m for m in json.loads(sys.argv[1]) if m["name"]=="Terrarium Test OS 1.0"][0]; assert m["state"]=="running" and m["os_id"]=="testos1.0"' "$list"

# --- importing a disk image ------------------------------------------------------
imp="$work/imp-gui"
rm -rf "$imp" && mkdir -p "$imp"
# 2 GiB of data: the copy takes long enough to be seen.
dd if=/dev/urandom of="$imp/lab-disk.raw" bs=1M count=2048 status=none
chmod -R a+rX "$imp"
terra_as_user "$TERRA_GUI" "$imp/lab-disk.raw" >/dev/null 2>&1 &
check "terrarium DISK opens the import review: which system is on it" \
  wait_for_window_text "Which system is on this disk" 30 ui
check "… what the image is and that it is copied" wait_for_window_text "raw disk image of 2.0 GiB" 5 ui
xdotool mousemove 476 145 click 1
check "the OS chooser opens" wait_for_window_text "Red Hat Enterprise Linux" 20 ui
xdotool type --delay 50 "debian11"
sleep 1
xdotool key Return
check "the chosen OS replaces the question" wait_for_window_text "Chosen by you" 20 ui
cp "$work/gui-last.png" "$work/gui-create-import.png"
xdotool mousemove 526 27 click 1
check "the creating page shows the copy's progress" wait_for_window_text "Copying the disk image" 20 ui
# Past the pages' crossfade, for the picture.
sleep 0.5
shot "$work/gui-create-progress.png"
check "… and the imported machine runs" wait_state lab-disk running 60
disks=$(terra_as_user virsh -c qemu:///session domblklist lab-disk --details)
check "… on its own copy in the images folder (the original is still in place)" \
  bash -c 'grep -q " $2/lab-disk[^ ]*$" <<<"$1" && [ -f "$3/lab-disk.raw" ]' _ "$disks" "$images" "$imp"
terra_as_user virsh -c qemu:///session destroy lab-disk >/dev/null 2>&1 || true

# --- express install offered for media libosinfo has a script for --------------
deb="$work/debian-12-installer.iso"
bash "$fixtures/make-debian-installer-iso.sh" "$deb"
chmod 644 "$deb"
terra_as_user "$TERRA_GUI" "$deb" >/dev/null 2>&1 &
check "a Debian 12 installer: detected, nearest known release's settings" \
  wait_for_window_text "Detected: probably Debian 12" 30 ui
# The page scrolls: the Express Install row is below the machine's rows.
xdotool mousemove 290 500
for _ in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; done
check "Express Install is offered, saying what it does" wait_for_window_text "Express Install" 10 ui
check "… with this computer's language, keyboard and time zone" wait_for_window_text "without questions" 5 ui
# Switch it on (the switch is at the right of the "Express" row): its
# fields show, and Create waits for a password.
y=$(text_y Express "$work/gui-last.png")
echo "# the Express Install row is at y=$y"
# (the switch is centred on the row, whose three-line subtitle puts it 20 px below the title)
xdotool mousemove 474 $(( ${y:-674} + 20 )) click 1
sleep 1
xdotool mousemove 290 500
for _ in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; done
check "switched on, it asks for the user name (the host user's), a password and the host name" \
  wait_for_window_text "Password (not stored)" 10 ui
check "… and says what is missing" wait_for_window_text "give a user name and a password" 5 ui
cp "$work/gui-last.png" "$work/gui-create-express.png"
xdotool key Escape
sleep 1

# --- recent and downloaded media ------------------------------------------------------
xdotool key ctrl+n
check "the source page lists recent and downloaded media" wait_for_window_text "Recent and Downloaded Media" 20 ui
check "… the downloaded ISO, in the images folder" wait_for_window_text "testos-1.0-x86_64.iso" 5 ui
check "… and the disk image used before" wait_for_window_text "lab-disk.raw" 5 ui
cp "$work/gui-last.png" "$work/gui-create-recent.png"
# Most recent first: the disk image, then the downloaded ISO.
xdotool mousemove 290 410 click 1
check "a recent ISO goes straight to its review" wait_for_window_text "Installer, identified by libosinfo" 30 ui
xdotool key Escape

finish
