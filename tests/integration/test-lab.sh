#!/usr/bin/env bash
# test-lab.sh — a lab of three VMs from the test guest under the real session
# daemon: one command brings it up; two VMs reach each other over the lab
# network (and a VM outside it does not); `reset` returns all three to their
# baseline (a marker written after it is gone); `down` and `destroy` leave
# nothing but the source image. Broken lab files each give file:line:column
# and create nothing. Export/import checks every file; a URL source is
# downloaded from 127.0.0.1 and checked against its SHA-256.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
lab="$work/lab"
rm -rf "$lab" "$work/lab-import" "$work/lab-tampered" "$TERRA_TEST_HOME/.local/share/terrarium/downloads"
mkdir -p "$lab"
chmod 755 "$lab"
# The test ISO is a hybrid image: as a disk it boots the same guest.
qemu-img convert -O qcow2 "$iso" "$lab/base.qcow2"
chmod 644 "$lab/base.qcow2"
file="$lab/net101.terrarium-lab.yaml"
http_pid=
cleanup() {
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null
  for f in "$file" "$lab"/*.terrarium-lab.yaml; do ctl lab destroy "$f" >/dev/null 2>&1 || true; done
  terra_session_cleanup >/dev/null 2>&1 || true
}
trap cleanup EXIT

cat >"$file" <<'EOF'
# A lab for the tests: a and b share the private network "lan"; c is on
# its own with NAT, and disposable.
format: 1
name: net101
description: Two hosts on a private segment and one outside it
notes: |
  Give a and b an address on lan and ping one from the other.
networks:
  - name: lan
    description: the private segment
vms:
  - name: a
    source: base.qcow2
    memory: 256
    disk: 1
    networks: [lan]
    nat: false
    baseline: memory
    baseline-after: 6
  - name: b
    source: base.qcow2
    memory: 256
    disk: 1
    networks: [lan]
    nat: false
    baseline: disk
  - name: c
    source: base.qcow2
    memory: 256
    disk: 1
    disposable: true
    shared-folder: shared
EOF
mkdir -p "$lab/shared" && echo "SHARED HELLO 42" >"$lab/shared/hello.txt" && chmod -R a+rX "$lab/shared"
chmod 644 "$file"
sources_sum=$(sha256sum "$lab/base.qcow2" "$file" "$lab/shared/hello.txt")

vm_count() { terra_as_user virsh -q -c qemu:///session list --all --name | grep -c . || true; }
vol_count() { terra_as_user virsh -q -c qemu:///session vol-list terrarium 2>/dev/null | grep -c . || true; }
status_field() { # status_field VM FIELD
  ctl lab status --json "$file" | python3 -c 'import json,sys
v=[v for v in json.load(sys.stdin)["vms"] if v["name"]==sys.argv[1]][0]
print(v[sys.argv[2]])' "$1" "$2"; }
type_in() { ctl type "net101-$1" "run $2\n"; }
all_in_state() { local v; for v in a b c; do [ "$(status_field $v state)" = "$1" ] || return 1; done; }
baselines_as_planned() {
  [ "$(status_field a baseline)" = True ] && [ "$(status_field b baseline)" = True ] &&
    [ "$(status_field c disposable)" = True ]
}
share_plausible() { python3 -c 'import sys; s=float(sys.argv[1]); sys.exit(0 if 0 < s < 0.5 else 1)' "$(status_field a memory_share)"; }
up_again_is_noop() { ctl lab up "$file" | tee "$work/out" | sed 's/^/# /'; [ "$(grep -c 'already running' "$work/out")" -eq 3 ]; }
images="$TERRA_TEST_HOME/.local/share/terrarium/images"
kib() { du -k "$1" | cut -f1; }
overlays_small() {
  local base_kib; base_kib=$(kib "$lab/base.qcow2")
  [ "$(kib "$images/net101-b.qcow2")" -lt $(( base_kib / 4 )) ] && [ "$(kib "$images/net101-c.qcow2")" -lt $(( base_kib / 4 )) ]
}
no_extra_images() { [ -z "$(ls "$images" | grep -v -e '^net101-[abc]\.qcow2$' || true)" ]; }
sources_unchanged() { [ "$(sha256sum "$lab/base.qcow2" "$file" "$lab/shared/hello.txt")" = "$sources_sum" ]; }
only_sources_left() { [ "$(ls "$lab" | tr '\n' ' ')" = "base.qcow2 net101.terrarium-lab.yaml shared " ]; }

check "the lab file is valid" quiet ctl lab validate "$file"

start=$(date +%s)
check "one command brings the lab up" quiet ctl lab up "$file"
echo "# lab up took $(( $(date +%s) - start )) s"
check "a, b and c are running" all_in_state running
check "a and b have a baseline; c is disposable" baselines_as_planned
check "the status shows each VM's share of the host's RAM" share_plausible
check "running it again changes nothing" up_again_is_noop

for v in a b c; do
  check "net101-$v boots" wait_for_screen "net101-$v" "TERRARIUM GUEST READY" 90
done

# The lab network: a and b on one segment, c outside it.
type_in a "lab net 10.9.0.1"
type_in b "lab net 10.9.0.2"
type_in c "lab net 10.9.0.3"
check "a has its address" wait_for_screen net101-a "ADDRESS 10.9.0.1 SET" 30
check "b has its address" wait_for_screen net101-b "ADDRESS 10.9.0.2 SET" 30
type_in a "lab ping 10.9.0.2"
check "a reaches b over the lab network" wait_for_screen net101-a "PEER 10.9.0.2 REACHABLE" 60
type_in b "lab ping 10.9.0.1"
check "b reaches a over the lab network" wait_for_screen net101-b "PEER 10.9.0.1 REACHABLE" 60
type_in c "lab ping 10.9.0.1"
check "c, outside the lab network, does not reach a" wait_for_screen net101-c "PEER 10.9.0.1 UNREACHABLE" 60

# The shared folder (virtio-9p) in c.
type_in c "lab share"
check "c reads the lab's shared folder" wait_for_screen net101-c "SHARE: SHARED HELLO 42" 30

# A marker on each VM's disk after the baseline…
for v in a b c; do type_in "$v" "lab mark"; done
for v in a b c; do
  check "net101-$v: marker written" wait_for_screen "net101-$v" "MARKER WRITTEN" 30
  type_in "$v" "lab check"
  check "net101-$v: marker found on its disk" wait_for_screen "net101-$v" "MARKER FOUND" 30
done

# …is gone after reset.
start=$(date +%s)
# (--json: what happened to each VM, and its state after)
reset_as_json_says() {
  ctl lab reset --json "$file" >"$work/reset.json" || return 1
  sed 's/^/# /' "$work/reset.json"
  python3 - "$work/reset.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
vms = {v["name"]: v for v in d["vms"]}
assert d["ok"] and d["error"] is None and d["command"] == "reset"
assert all(v["state"] == "running" for v in vms.values()), vms
assert "back to baseline" in vms["a"]["events"] and "back to baseline" in vms["b"]["events"], vms
assert "restarted on a fresh overlay" in vms["c"]["events"], vms
PY
}
check "reset returns the lab to its baseline (--json)" reset_as_json_says
echo "# lab reset took $(( $(date +%s) - start )) s"
for v in a b c; do
  check "net101-$v is up again after reset" wait_for_screen "net101-$v" "TERRARIUM GUEST READY" 90
  type_in "$v" "lab check"
  check "net101-$v: the marker is gone" wait_for_screen "net101-$v" "NO MARKER" 30
done

# Linked clones: one base, three small overlays (a's holds its memory baseline).
base_kib=$(kib "$lab/base.qcow2")
for v in a b c; do
  f="$images/net101-$v.qcow2"
  echo "# net101-$v overlay: $(du -k "$f" | cut -f1) KiB on disk (base: $base_kib KiB), backing: $(terra_as_user qemu-img info -U "$f" | awk -F': ' '/^backing file:/ {print $2}')"
done
check "b's and c's overlays are small next to the base" overlays_small

check "down stops every VM" quiet ctl lab down --timeout 3 "$file"
check "all three are off" all_in_state shutoff
check "the disposable VM left no overlay behind" no_extra_images

check "destroy removes the lab's VMs" quiet ctl lab destroy "$file"
check "no domain is left" test "$(vm_count)" -eq 0
check "no volume is left" test "$(vol_count)" -eq 0
check "the source image and lab file are unchanged" sources_unchanged
check "nothing but the sources is in the lab folder" only_sources_left

# --- broken lab files: file:line:column, nothing created -------------------
broken() { # broken NAME EXPECTED-TEXT: validate and up both refuse FILE NAME
  local f="$lab/$1.terrarium-lab.yaml" text=$2
  chmod 644 "$f"
  if ctl lab validate "$f" >/dev/null 2>"$work/err"; then return 1; fi
  sed 's/^/# validate: /' "$work/err"
  grep -qF -- "$text" "$work/err" || return 1
  if ctl lab up "$f" >/dev/null 2>"$work/err"; then return 1; fi
  grep -qF -- "$text" "$work/err" || return 1
  [ "$(vm_count)" -eq 0 ] && [ "$(vol_count)" -eq 0 ]
}
printf 'format: 1\nname: x\nvms:\n  - {name: a, source: base.qcow2\n' >"$lab/syntax.terrarium-lab.yaml"
check "bad YAML" broken syntax "syntax.terrarium-lab.yaml:5:1: YAML syntax error"
printf 'format: 1\nname: x\nvms:\n  - name: a\n    source: base.qcow2\n    memory: 2G\n    vcpus: two\n' >"$lab/types.terrarium-lab.yaml"
check "wrong types (memory)" broken types 'types.terrarium-lab.yaml:6:13: memory must be a whole number of MiB, got "2G"'
check "wrong types (vcpus, reported in the same run)" grep -qF 'types.terrarium-lab.yaml:7:12: vcpus must be a whole number of vCPUs, got "two"' "$work/err"
printf 'format: 1\nname: x\nvms:\n  - name: a\n    source: base.qcow2\n    memroy: 512\n' >"$lab/unknown.terrarium-lab.yaml"
check "unknown key" broken unknown 'unknown.terrarium-lab.yaml:6:5: unknown key “memroy” in a VM; did you mean “memory”?'
printf 'format: 1\nname: x\nvms:\n  - name: a\n    source: images/missing.qcow2\n' >"$lab/missing.terrarium-lab.yaml"
check "missing image" broken missing 'missing.terrarium-lab.yaml:5:13: source “images/missing.qcow2” not found'
printf 'format: 1\nname: x\nvms:\n  - name: a\n    source: base.qcow2\n  - name: a\n    source: base.qcow2\n' >"$lab/dup.terrarium-lab.yaml"
check "duplicate names" broken dup 'dup.terrarium-lab.yaml:6:11: VM name “a” is used twice (first on line 4)'
host_mib=$(ctl host --json | json_get memory_total_mib)
big=$(( host_mib * 6 / 10 ))
printf 'format: 1\nname: big\nvms:\n  - {name: a, source: base.qcow2, memory: %s}\n  - {name: b, source: base.qcow2, memory: %s}\n' \
  "$big" "$big" >"$lab/over.terrarium-lab.yaml"
check "a lab over budget (two VMs of 60 % of the host's RAM)" broken over 'over.terrarium-lab.yaml:5:5: over budget with VM “b”'
check "over budget: the message says why" grep -qF 'Running VMs would use' "$work/err"
cat >"$lab/clash.terrarium-lab.yaml" <<'EOF'
format: 1
name: x
vms:
  - name: a
    source: base.qcow2
    memory: 256
EOF
chmod 644 "$lab/clash.terrarium-lab.yaml"
quiet ctl create --media "$iso" --name x-a --memory 256 --disk 1 2>/dev/null
clash_refused() {
  ! ctl lab up "$lab/clash.terrarium-lab.yaml" 2>"$work/err" >/dev/null &&
    grep -qF 'clash.terrarium-lab.yaml:4:5: A virtual machine named “x-a” exists but is not part of the lab “x”' "$work/err"
}
clash_kept() { ctl lab destroy "$lab/clash.terrarium-lab.yaml" >/dev/null 2>&1; ctl list | grep -q '^x-a'; }
check "up refuses when a VM outside the lab has a lab VM's name" clash_refused
check "… and destroy leaves that VM alone" clash_kept
ctl delete x-a >/dev/null 2>&1 || true
rm -f "$lab"/{syntax,types,unknown,missing,dup,over,clash}.terrarium-lab.yaml

# --- export / import ---------------------------------------------------------
check "export writes one archive" quiet ctl lab export "$file" "$work/net101-lab.tar.gz"
check "import checks every file against SHA256SUMS" quiet ctl lab import "$work/net101-lab.tar.gz" "$work/lab-import"
same_lab() {
  cmp "$lab/base.qcow2" "$work/lab-import/net101/base.qcow2" && cmp "$file" "$work/lab-import/net101/net101.terrarium-lab.yaml" &&
    cmp "$lab/shared/hello.txt" "$work/lab-import/net101/shared/hello.txt"
}
check "the imported lab is the same" same_lab
check "the imported lab is valid" quiet ctl lab validate "$work/lab-import/net101/net101.terrarium-lab.yaml"
mkdir -p "$work/tamper" && tar -xzf "$work/net101-lab.tar.gz" -C "$work/tamper"
printf 'X' | dd of="$work/tamper/net101/base.qcow2" bs=1 seek=100000 conv=notrunc 2>/dev/null
tar -czf "$work/tampered.tar.gz" -C "$work/tamper" net101 && rm -rf "$work/tamper"
chmod 644 "$work/tampered.tar.gz"
tamper_refused() { ! ctl lab import "$work/tampered.tar.gz" "$work/lab-tampered" 2>"$work/err" && grep -qF 'does not match its checksum' "$work/err"; }
check "a changed image is refused on import" tamper_refused
check "… and nothing of it is left" test ! -e "$work/lab-tampered"

# --- a URL source, downloaded from 127.0.0.1 and checked ---------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$lab" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
http_pid=$!
sleep 1
sum=$(sha256sum "$lab/base.qcow2" | cut -d' ' -f1)
printf 'format: 1\nname: dl\nvms:\n  - name: a\n    source: {url: "http://127.0.0.1:%s/base.qcow2", sha256: %s}\n    memory: 256\n    disposable: true\n' \
  "$port" "$sum" >"$lab/dl.terrarium-lab.yaml"
printf 'format: 1\nname: dlbad\nvms:\n  - name: a\n    source: {url: "http://127.0.0.1:%s/base.qcow2", sha256: %s}\n    memory: 256\n' \
  "$port" "$(printf '0%.0s' $(seq 64))" >"$lab/dlbad.terrarium-lab.yaml"
chmod 644 "$lab"/dl*.terrarium-lab.yaml
check "a URL source is downloaded and checked" quiet ctl lab up "$lab/dl.terrarium-lab.yaml"
check "… into the downloads folder, not the pool" test -f "$TERRA_TEST_HOME/.local/share/terrarium/downloads/base.qcow2"
check "the downloaded VM boots" wait_for_screen dl-a "TERRARIUM GUEST READY" 90
bad_sum_refused() {
  ! ctl lab up "$lab/dlbad.terrarium-lab.yaml" >/dev/null 2>"$work/err" || return 1
  sed 's/^/# /' "$work/err"
  grep -qF 'is not the expected one' "$work/err" && ! ctl list | grep -q '^dlbad-a'
}
check "a wrong checksum is refused and creates nothing" bad_sum_refused
quiet ctl lab destroy "$lab/dl.terrarium-lab.yaml" || true

finish
