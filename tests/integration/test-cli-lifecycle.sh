#!/usr/bin/env bash
# test-cli-lifecycle.sh — create, see, type into and delete a real guest under
# qemu:///session as an unprivileged user, with terrarium-ctl only.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
iso_sum=$(sha256sum "$iso" | cut -d' ' -f1)

# host
host=$(ctl host --json) || die "terrarium-ctl host failed"
echo "$host" | sed 's/^/# /'
check "host reports accel and memory" \
  python3 -c 'import json,sys; h=json.loads(sys.argv[1]); assert h["accel"] in ("kvm","tcg") and h["memory_total_mib"]>0 and h["cpus"]>0 and (h["accel"]=="kvm" or h["kvm_problem"])' "$host"

# create + start
t0=$(date +%s)
out=$(ctl create --media "$iso" --name demo --memory 512 --vcpus 1 --disk 1 --start --json) || die "create failed"
echo "$out" | sed 's/^/# /'
check "create prints the running machine" \
  python3 -c 'import json,sys; m=json.loads(sys.argv[1]); assert m["name"]=="demo" and m["state"]=="running" and m["memory_mib"]==512 and m["vcpus"]==1 and m["accel"] in ("kvm","tcg")' "$out"

list=$(ctl list --json)
check "list --json shows demo running with memory, vCPUs, accel, os_id null" \
  python3 -c 'import json,sys; l=json.loads(sys.argv[1]); d=[m for m in l if m["name"]=="demo"][0]; assert d["state"]=="running" and d["memory_mib"]==512 and d["vcpus"]==1 and d["accel"] in ("kvm","tcg") and d["os_id"] is None and len(d["uuid"])==36' "$list"

check "the guest's banner is on screen within 60 s (screenshot through SPICE, OCR)" \
  wait_for_screen demo "TERRARIUM GUEST READY" 60
check "list --json says when it was created (now, UTC)" \
  python3 -c 'import json,sys,datetime; l=json.loads(sys.argv[1]); d=[m for m in l if m["name"]=="demo"][0]; t=datetime.datetime.fromisoformat(d["created"].replace("Z","+00:00")); assert abs((datetime.datetime.now(datetime.timezone.utc)-t).total_seconds()) < 600' "$list"
echo "# boot to banner: $(( $(date +%s) - t0 )) s"

check "typing through SPICE reaches the guest" \
  ctl type demo 'hello\n'
check "the guest echoes what was typed" wait_for_screen demo "ECHO: hello" 30

check "no guest display listens on a TCP port" \
  bash -c '! ss -ltnpH | grep -q qemu'

# Domain XML: SPICE without a port, tablet, our metadata.
xml=$(terra_as_user virsh -c qemu:///session dumpxml demo)
check "domain has SPICE with listen none, a USB tablet and our metadata" \
  bash -c 'grep -q "<listen type=.none./>" <<<"$1" && grep -q "type=.tablet. bus=.usb." <<<"$1" && grep -q "terrarium.github.io/xmlns/domain" <<<"$1" && ! grep -q "port=" <<<"$(grep "<graphics" <<<"$1")"' _ "$xml"

# lifecycle
check "force-off" ctl force-off demo
check "state is shutoff after force-off" wait_state demo shutoff 10
check "start" ctl start demo
check "state is running after start" wait_state demo running 10
check "start again is refused with exit 1" fails ctl start demo
check "shutdown (ACPI) is accepted" ctl shutdown demo
ctl force-off demo >/dev/null 2>&1 || true
check "off" wait_state demo shutoff 15

# delete
vols_before=$(pool_volumes | wc -l)
check "demo had one volume in the pool" test "$vols_before" -eq 1
check "delete" ctl delete demo
check "no domain left" test "$(machine_state demo)" = absent
check "no volume left" test "$(pool_volumes | wc -l)" -eq 0
check "the ISO is untouched" test "$(sha256sum "$iso" | cut -d' ' -f1)" = "$iso_sum"

finish
