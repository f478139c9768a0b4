#!/usr/bin/env bash
# test-create-sources.sh — the create flow's sources from the command line,
# against the real session daemon: the OS list, downloading an OS (local HTTP
# server on 127.0.0.1: progress, cancel and resume, wrong checksum, network
# error), a UEFI guest from a downloaded ISO that boots to its screen,
# importing disk images (a backing chain inside the image's folder is
# flattened and boots; /etc/shadow as a backing file, through a symbolic link
# or as a VMDK extent is refused and leaves nothing), --os, and Windows 11's
# firmware (UEFI, Secure Boot, TPM 2.0).
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
images="$TERRA_TEST_HOME/.local/share/terrarium/images"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  terra_session_cleanup >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$work/imp"
mkdir -p "$work/imp"
iso_sum=$(sha256sum "$iso" | cut -d' ' -f1)

# The test OS on a local server sending 2 MB/s (the 19 MiB ISO takes ~10 s).
serve_test_os "$iso" 2000000
server_pid=$os_server_pid
srv="$work/srv"

# --- the OS list ---------------------------------------------------------------
ctl osinfo list --downloads --json >"$work/osinfo.json"
check "osinfo list --downloads: x86_64 media with URLs, newest first, the test OS first (2026)" \
  python3 -c '
import json,sys
l=json.load(open(sys.argv[1]))
assert l[0]["key"]=="testos1.0" and l[0]["url"].startswith("http://127.0.0.1:"), l[0]
dates=[r["release_date"] for r in l if r["release_date"]]
assert dates==sorted(dates, reverse=True)
assert any(r["key"]=="fedora37:workstation" for r in l) and all(r["url"] for r in l)
print("# %d downloadable media" % len(l))' "$work/osinfo.json"
ctl osinfo list --family winnt >"$work/winnt.txt"
check "osinfo list --family winnt lists Windows 11, not Linux" \
  bash -c 'grep -q "^win11 " "$1" && ! grep -q "^debian11 " "$1"' _ "$work/winnt.txt"
check "download of an unknown OS is refused, naming the list command" \
  fails_saying "osinfo list" ctl download nosuchos

# --- download: progress, cancel, resume, checksum ----------------------------------
ctl download testos1.0 >"$work/dl1.out" 2>"$work/dl1.err" &
dl=$!
for _ in $(seq 60); do grep -q "Downloaded [3-9]" "$work/dl1.err" 2>/dev/null && break; sleep 0.2; done
pkill -INT -u "$TERRA_TEST_USER" -f 'terrarium-ctl download' || true
rc=0; wait "$dl" || rc=$?
sed 's/^/# /' "$work/dl1.err"
check "download prints progress lines with bytes, rate and time left" \
  grep -qE "Downloaded [0-9.]+ MiB of $(( $(stat -c %s "$iso") / 1048576 ))\.[0-9] MiB \([0-9]+ %\), [0-9.]+ MiB/s, [0-9]+ s left" "$work/dl1.err"
check "Ctrl+C stops it (exit 130) and says how to resume" \
  bash -c '[ "$1" -eq 130 ] && grep -q "run the same command again to resume" "$2"' _ "$rc" "$work/dl1.err"
part_size=$(stat -c %s "$images/testos-1.0-x86_64.iso.part" 2>/dev/null || echo 0)
check "the part downloaded so far is kept ($part_size bytes)" test "$part_size" -gt 1000000
out=$(ctl download testos1.0 2>"$work/dl2.err") || true
sed 's/^/# /' "$work/dl2.err" | tail -3
check "run again, it resumes where it stopped" grep -q "Resuming the earlier download at" "$work/dl2.err"
check "…with an HTTP Range request from that byte" grep -q "range=bytes=$part_size-" "$work/http.log"
check "the downloaded ISO is in the images folder and byte-identical to the served one" \
  bash -c '[ "$1" = "$2/testos-1.0-x86_64.iso" ] && [ "$(sha256sum "$1" | cut -d" " -f1)" = "$3" ] && [ ! -e "$1.part" ]' _ "$out" "$images" "$iso_sum"
mv "$srv/testos-1.0-x86_64.iso" "$srv/testos-1.0-x86_64.iso.keep"
cp "$srv/testos-1.0-x86_64.iso.keep" "$srv/testos-1.0-x86_64.iso"
rm -f "$images/testos-1.0-x86_64.iso"
bad=0000000000000000000000000000000000000000000000000000000000000000
check "a download with the wrong SHA-256 is refused" \
  fails_saying "is not the expected one" ctl download testos1.0 --sha256 "$bad"
check "…and deleted (no file, no part)" bash -c '[ ! -e "$1/testos-1.0-x86_64.iso" ] && [ ! -e "$1/testos-1.0-x86_64.iso.part" ]' _ "$images"
out=$(ctl download testos1.0 --sha256 "$iso_sum" --json) || true
check "with the right SHA-256 it is kept; --json prints the path and no progress" \
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["path"].endswith("/testos-1.0-x86_64.iso") and d["sha256"]==sys.argv[2]' "$out" "$iso_sum"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
rm -f "$images/testos-1.0-x86_64.iso"
check "with the server gone: a clear error that says to check the network and try again" \
  fails_saying "Check the network connection and try again" ctl download testos1.0
cp "$iso" "$images/testos-1.0-x86_64.iso"
chown "$TERRA_TEST_USER" "$images/testos-1.0-x86_64.iso"
dl_iso="$images/testos-1.0-x86_64.iso"

# --- identification: ours and osinfo-detect agree --------------------------------
ours=$(ctl detect "$dl_iso" --json)
theirs=$(terra_as_user osinfo-detect "$dl_iso" 2>&1 || true)
sed 's/^/# osinfo-detect: /' <<<"$theirs"
check "detect names the test OS from the user's database, as osinfo-detect does" \
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["os_uri"]=="http://terrarium.test/testos/1.0", d; assert "Terrarium Test OS 1.0" in sys.argv[2]' "$ours" "$theirs"

# --- UEFI from the downloaded ISO --------------------------------------------------
out=$(ctl create --media "$dl_iso" --name uefi-vm --memory 512 --vcpus 1 --disk 1 --firmware uefi --start --json) || die "create --firmware uefi failed"
check "create --firmware uefi: running, OS from the database" \
  python3 -c 'import json,sys; m=json.loads(sys.argv[1]); assert m["state"]=="running" and m["os_id"]=="testos1.0", m["os_id"]' "$out"
xml=$(terra_as_user virsh -c qemu:///session dumpxml uefi-vm)
check "…with OVMF (not its Secure Boot build) and Secure Boot off" \
  bash -c 'grep -q "<loader[^>]*>/usr/share/OVMF/OVMF_CODE[^.]*\.fd<" <<<"$1" && grep -q "enabled=.no. name=.secure-boot." <<<"$1"' _ "$xml"
check "the UEFI guest boots to its screen under $(ctl host --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["accel"].upper())')" \
  wait_for_screen uefi-vm "TERRARIUM GUEST READY" 90
ctl force-off uefi-vm >/dev/null 2>&1 || true

# --- --os overrides detection ------------------------------------------------------
out=$(ctl create --media "$iso" --os debian11 --name os-override --memory 512 --json) || die "create --os failed"
check "create --os debian11 on unknown media records Debian 11" \
  python3 -c 'import json,sys; m=json.loads(sys.argv[1]); assert m["os_id"]=="debian11", m["os_id"]' "$out"
check "create --os with an unknown id is refused" fails ctl create --media "$iso" --os no-such-os --name x
check "create with both --media and --import is a usage error" \
  usage_fails ctl create --media "$iso" --import "$iso"

# --- importing disk images ---------------------------------------------------------
imp="$work/imp"
vols_before=$(pool_volumes | wc -l)
qemu-img create -q -f qcow2 -F raw -b /etc/shadow -u "$imp/shadow.qcow2" 1G
ln -sf /etc/shadow "$imp/innocent.raw"
qemu-img create -q -f qcow2 -F raw -b innocent.raw -u "$imp/via-link.qcow2" 1G
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 2 FLAT "/etc/shadow" 0\n' > "$imp/extent.vmdk"
chmod -R a+rX "$imp"
check "importing a qcow2 whose backing file is /etc/shadow is refused, saying why" \
  fails_saying "based on “/etc/shadow”, which is outside the folder" ctl create --import "$imp/shadow.qcow2" --name shadow
check "…also through a symbolic link inside the folder" \
  fails_saying "(a link to /etc/shadow)" ctl create --import "$imp/via-link.qcow2" --name link
check "…and a VMDK whose extent is /etc/shadow" \
  fails_saying "reads its data from “/etc/shadow”" ctl create --import "$imp/extent.vmdk" --name extent
vols_after=$(pool_volumes | wc -l)
names=$(terra_as_user virsh -c qemu:///session list --all --name)
check "the refused imports left no machine and no volume" \
  bash -c '[ "$1" -eq "$2" ] && ! grep -qE "^(shadow|link|extent)$" <<<"$3"' _ "$vols_before" "$vols_after" "$names"
check "the refused image itself is untouched" \
  bash -c '[ "$(qemu-img info --output=json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"full-backing-filename\"])")" = /etc/shadow ]' _ "$imp/shadow.qcow2"

# A backing chain inside the folder: flattened into one standalone disk.
qemu-img convert -O qcow2 "$iso" "$imp/base.qcow2"
qemu-img create -q -f qcow2 -F qcow2 -b base.qcow2 "$imp/layer.qcow2"
chmod -R a+rX "$imp"
base_sum=$(sha256sum "$imp/base.qcow2" | cut -d' ' -f1)
out=$(ctl create --import "$imp/layer.qcow2" --name imported --memory 512 --vcpus 1 --start --progress --json 2>"$work/import.err") || { cat "$work/import.err"; die "import failed"; }
grep -E "Copying|Checking" "$work/import.err" | head -4 | sed 's/^/# /'
check "import with --progress reports the copy in percent up to 100" \
  bash -c 'grep -q "Copying the disk image: [0-9] %" "$1" && grep -q "Copying the disk image: 100 %" "$1"' _ "$work/import.err"
disk=$(terra_as_user virsh -c qemu:///session domblklist imported --details | awk '$2=="disk"{print $4}')
check "the imported disk is a standalone qcow2 in the pool (no backing file)" \
  bash -c 'case "$1" in "$2"/*) ;; *) exit 1;; esac; qemu-img info -U --output=json "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"format\"]==\"qcow2\" and \"backing-filename\" not in d"' _ "$disk" "$images"
check "the imported VM boots from its disk to the guest's screen" \
  wait_for_screen imported "TERRARIUM GUEST READY" 90
check "the source images are untouched" \
  bash -c '[ "$(sha256sum "$1" | cut -d" " -f1)" = "$2" ]' _ "$imp/base.qcow2" "$base_sum"
ctl force-off imported >/dev/null 2>&1 || true

# --- Windows 11: UEFI, Secure Boot, TPM 2.0 --------------------------------------------
out=$(ctl create --media "$iso" --os win11 --name w11 --memory 1024 --json 2>"$work/w11.err") || { cat "$work/w11.err"; die "create --os win11 failed"; }
xml=$(terra_as_user virsh -c qemu:///session dumpxml w11)
check "Windows 11 gets an emulated TPM 2.0" \
  bash -c 'grep -q "<tpm model=.tpm-crb.>" <<<"$1" && grep -q "<backend type=.emulator. version=.2.0." <<<"$1"' _ "$xml"
check "…and it starts (swtpm runs as the user)" ctl start w11 --force
xml=$(terra_as_user virsh -c qemu:///session dumpxml w11)
check "…with UEFI Secure Boot: OVMF's Secure Boot build with keys enrolled, SMM on" \
  bash -c 'grep -q "<loader[^>]*secure=.yes.[^>]*>/usr/share/OVMF/OVMF_CODE[^<]*ms.fd<" <<<"$1" && grep -q "<smm state=.on./>" <<<"$1"' _ "$xml"
check "Secure Boot refuses the unsigned test boot loader (shown on screen)" \
  wait_for_screen w11 "failed to load" 60
ctl force-off w11 >/dev/null 2>&1 || true

finish
