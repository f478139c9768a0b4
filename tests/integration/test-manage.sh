#!/usr/bin/env bash
# test-manage.sh — managing VMs against the real session daemon with the
# booting test guest: snapshot → marker written into the image → revert →
# marker gone; a clone boots; a disposable run leaves the base image's
# checksum unchanged and no files behind; save/restore returns to the same
# screen; settings changes apply (a shared folder the guest reads) and bad
# ones are refused with the VM unchanged.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'for m in base base-copy renamed; do ctl delete "$m" >/dev/null 2>&1 || true; done' EXIT

images="$TERRA_TEST_HOME/.local/share/terrarium/images"
as_user() { terra_as_user "$@"; }
json_field() { # json_field NAME FIELD: from `list --json`
  ctl list --json | python3 -c 'import json,sys
m=[m for m in json.load(sys.stdin) if m["name"]==sys.argv[1]]
print(m[0][sys.argv[2]] if m else "absent")' "$1" "$2"; }
marker_present() { as_user qemu-io -f qcow2 -r -U -c 'read -P 0x5a 1M 64k' "$1" 2>&1 | grep -q 'read 65536/65536'; }
virsh_user() { terra_as_user virsh -q -c qemu:///session "$@"; }
not() { ! "$@"; }
# fails_saying TEXT CMD…: CMD fails and says TEXT on stderr.
fails_saying() { local text=$1; shift; if "$@" 2>"$work/err"; then return 1; fi; sed 's/^/# stderr: /' "$work/err"; grep -qF -- "$text" "$work/err"; }
snapshot_summary() { ctl snapshot list base --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s[0]["name"], s[0]["description"], s[0]["state"])'; }

quiet ctl create --media "$iso" --name base --memory 256 --vcpus 1 --disk 2 2>/dev/null || die "create base"
img="$images/base.qcow2"
check "the base disk image exists" test -f "$img"

# --- snapshots: revert removes what was written after ---
check "take a snapshot of the stopped machine" quiet ctl snapshot create base clean --description "before the marker"
check "it is listed, with its note" test "$(snapshot_summary)" = "clean before the marker shutoff"
check "a second snapshot with the same name is refused" fails_saying "already has a snapshot" ctl snapshot create base clean
check "write a marker into the image offline (qemu-io)" quiet as_user qemu-io -f qcow2 -c 'write -P 0x5a 1M 64k' "$img"
check "the marker is there" marker_present "$img"
check "revert to the snapshot" quiet ctl snapshot revert base clean
check "the marker is gone" not marker_present "$img"
check "delete the snapshot" quiet ctl snapshot delete base clean
check "no snapshots left" test "$(ctl snapshot list base --json | tr -d '[:space:]')" = "[]"

# --- clone ---
clone_with_progress() {
  ctl clone --progress base base-copy >/dev/null 2>"$work/clone.err" || return 1
  sed 's/^/# /' "$work/clone.err"
  grep -qx 'copied: 100 %' "$work/clone.err"
}
check "clone the stopped machine (with progress to 100 %)" clone_with_progress
check "the clone has its own UUID" test "$(json_field base uuid)" != "$(json_field base-copy uuid)"
check "and its own disk image" test -f "$images/base-copy.qcow2"
check "and its own MAC address" test "$(virsh_user domiflist base | awk '{print $5}')" != "$(virsh_user domiflist base-copy | awk '{print $5}')"
check "the clone starts" quiet ctl start base-copy
check "the clone boots" wait_for_screen base-copy "TERRARIUM GUEST READY" 90
check "cloning a running machine is refused" fails_saying "Shut down" ctl clone base-copy third
check "delete the clone" quiet ctl delete base-copy
check "the clone's image is gone, the base's stays" bash -c '[ ! -e "$1/base-copy.qcow2" ] && [ -f "$1/base.qcow2" ]' _ "$images"

# --- disposable run ---
sum_before=$(sha256sum "$img" | cut -d' ' -f1)
check "start a disposable run" quiet ctl run-disposable base
check "it is marked disposable" test "$(json_field base disposable)" = True
check "the disposable guest boots" wait_for_screen base "TERRARIUM GUEST READY" 90
check "a snapshot of a disposable run is refused" fails_saying "disposable run" ctl snapshot create base nope
# A write through the guest's disk, from QEMU's monitor (the test guest has
# no disk driver): it must land in libvirt's overlay, not in the base image.
overlay="$img.TRANSIENT-base"
check "libvirt made an overlay for the run" test -f "$overlay"
check "the guest's disk takes a write (QEMU monitor qemu-io)" \
  quiet virsh_user qemu-monitor-command base --hmp 'qemu-io -d virtio-disk0/virtio-backend "write -P 0x5a 1M 64k"'
# QEMU keeps qcow2 metadata (the overlay's L2 tables) in its cache until a
# flush; an outside reader of the live image needs one first.
check "… and flushes it" quiet virsh_user qemu-monitor-command base --hmp 'qemu-io -d virtio-disk0/virtio-backend "flush"'
check "the write is in the overlay" marker_present "$overlay"
check "force it off" quiet ctl force-off base
sleep 1
check "the base image's checksum is unchanged" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum_before"
check "the write is not in the base image" not marker_present "$img"
check "no overlay files are left behind" test -z "$(ls "$images" | grep -v '^base.qcow2$' || true)"
check "it is no longer disposable" test "$(json_field base disposable)" = False

# --- save and restore ---
check "start the base" quiet ctl start base
check "it boots" wait_for_screen base "TERRARIUM GUEST READY" 90
check "type a line" quiet ctl type base $'before save\n'
check "the guest echoes it" wait_for_screen base "ECHO: before save" 30
check "save its state" quiet ctl save base
check "it is off with a saved state" test "$(json_field base state) $(json_field base saved)" = "shutoff True"
check "start restores it" quiet ctl start base
check "to the same screen (the echoed line is still there)" wait_for_screen base "ECHO: before save" 30
check "and no saved state is left" test "$(json_field base saved)" = False
check "force it off" quiet ctl force-off base

# --- settings ---
check "memory 0 is refused with a clear error" fails_saying "must be positive" ctl set base --memory 0
check "a smaller disk is refused: it can grow, not shrink" fails_saying "not shrink" ctl set base --disk 1
check "the machine is unchanged" test "$(json_field base memory_mib) $(json_field base vcpus)" = "256 1"
check "change memory, vCPUs and description" quiet ctl set base --memory 384 --vcpus 2 --description "lab machine"
check "they apply" test "$(json_field base memory_mib) $(json_field base vcpus) $(json_field base description)" = "384 2 lab machine"
check "grow the disk to 3 GiB" quiet ctl set base --disk 3
check "the volume is 3 GiB" test "$(as_user qemu-img info --output=json "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = $((3 << 30))
check "resize-disk grows a named disk" quiet ctl resize-disk base vda 4
check "the volume is 4 GiB" test "$(as_user qemu-img info --output=json "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = $((4 << 30))
check "resize-disk of a disk it does not have is refused" fails_saying "has no disk" ctl resize-disk base vdz 5
check "restore without a saved state is refused" fails_saying "no saved state" ctl restore base
check "autostart on" quiet ctl set base --autostart on
check "libvirt will autostart it" bash -c 'grep -q "Autostart:.*enable" <<<"$1"' _ "$(virsh_user dominfo base)"
check "autostart off" quiet ctl set base --autostart off
check "and it is off" test "$(json_field base autostart)" = False

# Reset on shutdown: every run is disposable.
sum_before=$(sha256sum "$img" | cut -d' ' -f1)
check "reset on shutdown on" quiet ctl set base --reset-on-shutdown on
check "the machine says so" test "$(json_field base reset_on_shutdown)" = True
check "a normal start is now a disposable run" quiet ctl start base
check "marked disposable" test "$(json_field base disposable)" = True
check "force it off" quiet ctl force-off base
sleep 1
check "its image is unchanged" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum_before"
check "no overlay left" test -z "$(ls "$images" | grep -v '^base.qcow2$' || true)"
check "reset on shutdown off" quiet ctl set base --reset-on-shutdown off
check "and it is off" test "$(json_field base reset_on_shutdown)" = False
cdrom_source() { virsh_user dumpxml "$@" base | python3 -c 'import sys, xml.etree.ElementTree as E
d=E.parse(sys.stdin).getroot().find("devices/disk[@device=\"cdrom\"]/source")
print(d.get("file") if d is not None and d.get("file") else "empty")'; }
check "eject the installer disc" quiet ctl set base --cdrom none
check "the drive is empty" test "$(cdrom_source --inactive)" = empty
check "a folder is refused as a disc" fails_saying "not a disc image" ctl set base --cdrom /etc
check "insert it again" quiet ctl set base --cdrom "$iso"
check "the drive has it" test "$(cdrom_source --inactive)" = "$iso"
check "start it" quiet ctl start base
check "eject while it runs" quiet ctl set base --cdrom none
check "the running guest's drive is empty" test "$(cdrom_source)" = empty
check "force it off" quiet ctl force-off base
# Storage and devices.
check "add a 2 GiB disk" test "$(ctl disk add base 2)" = vdb
disk_summary() { ctl disk list base --json | python3 -c 'import json,sys
print(" ".join(sorted("%s:%s:%d:%s" % (d["target"], d["device"], round(d["virtual_gib"]), d["owned"]) for d in json.load(sys.stdin))))'; }
check "disk list shows both disks and the drive" test "$(disk_summary)" = "sda:cdrom:0:False vda:disk:4:True vdb:disk:2:True"
check "the new disk's image is in the pool" test -f "$images/base-vdb.qcow2"
check "network off (isolated)" quiet ctl set base --network off
check "it has no network card" test "$(json_field base network)" = False
check "network on (NAT)" quiet ctl set base --network on
check "sound on" quiet ctl set base --sound on
check "it has network and sound" test "$(json_field base network) $(json_field base sound)" = "True True"
check "video card virtio-gpu" quiet ctl set base --video virtio
check "it has it" test "$(json_field base video)" = virtio
check "a video card that does not exist is refused" fails_saying "qxl" ctl set base --video voodoo
check "back to QXL" quiet ctl set base --video qxl
check "it has QXL" test "$(json_field base video)" = qxl
# A shared folder (virtio-9p): the guest mounts it and reads a file.
share="$work/manage-share"
rm -rf "$share" && mkdir -p "$share" && echo "MANAGE SHARE 7" >"$share/hello.txt" && chmod -R a+rX "$share"
check "a file is refused as a shared folder" fails_saying "not a folder" ctl set base --shared-folder "$iso"
check "… and nothing is shared" test "$(json_field base shared_folder)" = None
check "share a folder" quiet ctl set base --shared-folder "$share"
check "it is shared" test "$(json_field base shared_folder)" = "$share"
check "put the installer disc back (it was ejected above)" quiet ctl set base --cdrom "$iso"
check "and still boots" quiet ctl start base
check "to its screen" wait_for_screen base "TERRARIUM GUEST READY" 90
check "the guest mounts the shared folder" quiet ctl type base $'run lab share\n'
check "and reads the file in it" wait_for_screen base "SHARE: MANAGE SHARE 7" 30
check "force it off" quiet ctl force-off base
check "stop sharing" quiet ctl set base --shared-folder none
check "nothing is shared" test "$(json_field base shared_folder)" = None
check "rename it" quiet ctl set base --name renamed
check "it is listed under the new name" test "$(json_field renamed memory_mib)" = 384
check "delete it" quiet ctl delete renamed
check "nothing left: no domain" test -z "$(virsh_user list --all --name | tr -d '[:space:]')"
check "nothing left: no image (the added disk went too)" test -z "$(ls "$images")"
finish
