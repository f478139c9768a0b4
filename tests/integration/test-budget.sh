#!/usr/bin/env bash
# test-budget.sh — the host budget with the real session daemon: create
# refuses more memory than the host has (with the numbers) unless --force;
# starting a second VM whose memory passes the host reserve warns; start
# refuses a VM over the budget unless --force.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
trap 'for m in huge big1 big2 toobig; do ctl delete "$m" >/dev/null 2>&1 || true; done' EXIT


host=$(ctl host --json)
total=$(json_get memory_total_mib <<<"$host")
reserve=$(json_get reserve_mib <<<"$host")
echo "# host: $total MiB RAM, $reserve MiB kept for the host"
check "host --json reports the reserve, allocations and the pool" python3 -c '
import json, sys
h = json.loads(sys.argv[1])
assert h["reserve_mib"] >= 2048 and h["allocated"]["memory_mib"] == 0 and h["defined"]["vcpus"] == 0, h
assert h["disk"]["pool_free_gib"] > 0 and h["disk"]["pool_capacity_gib"] >= h["disk"]["pool_free_gib"], h' "$host"

check "the host reserve is a preference (here from the environment)" \
  test "$(TERRARIUM_HOST_RESERVE_MIB=1536 ctl host --json | json_get reserve_mib)" = 1536
check "and it moves the verdict" test "$(TERRARIUM_HOST_RESERVE_MIB=$((total - 256)) ctl budget --memory 512 --vcpus 1 --disk 1 --json | json_get verdict)" = warning

# More memory than the host has: refused, with the numbers, nothing left behind.
huge=$((total + 4096))
if ctl create --media "$iso" --name huge --memory "$huge" --disk 1 >"$work/out" 2>"$work/err"; then rc=0; else rc=$?; fi
sed 's/^/# stderr: /' "$work/err"
check "create over the host's RAM exits 1" test "$rc" -eq 1
check "and says why, with the numbers" grep -q "over budget: .*$(python3 -c "print(f'{$huge/1024:.1f}')") GiB" "$work/err"
check "and how to override" grep -q -- "--force" "$work/err"
check "and leaves no domain" test "$(machine_state huge)" = absent
check "and no volume" test -z "$(terra_as_user virsh -q -c qemu:///session vol-list terrarium 2>/dev/null | grep huge || true)"
check "budget --json gives the same verdict" test "$(ctl budget --memory "$huge" --disk 1 --json | json_get verdict)" = over
check "with --force it is created" quiet ctl create --media "$iso" --name huge --memory "$huge" --disk 1 --force
check "and defined with that memory" test "$(ctl list --json | python3 -c 'import json,sys; print([m["memory_mib"] for m in json.load(sys.stdin) if m["name"]=="huge"][0])')" = "$huge"
if ctl start huge >"$work/out" 2>"$work/err"; then rc=0; else rc=$?; fi
sed 's/^/# stderr: /' "$work/err"
check "start of a VM over the budget is refused" test "$rc" -eq 1
check "and it stays off" test "$(machine_state huge)" = shutoff
check "delete huge" quiet ctl delete huge

# Two running VMs whose sum passes host RAM minus the reserve, each well
# inside its own zone: the second start warns and goes ahead.
each=$(( (total - reserve) / 2 + 512 ))
echo "# two VMs of $each MiB: $((2 * each)) MiB > $((total - reserve)) MiB usable"
if ctl create --media "$iso" --name big1 --memory "$each" --vcpus 1 --disk 1 --start >"$work/out" 2>"$work/err1"; then rc=0; else rc=$?; fi
sed 's/^/# stderr: /' "$work/err1"
check "first VM is created and started" test "$rc" -eq 0
check "without budget findings" bash -c '! grep -q "over budget\|warning" "$1"' _ "$work/err1"
check "second VM is defined" quiet ctl create --media "$iso" --name big2 --memory "$each" --vcpus 1 --disk 1
if ctl start big2 >"$work/out" 2>"$work/err"; then rc=0; else rc=$?; fi
sed 's/^/# stderr: /' "$work/err"
check "starting the second succeeds (a warning is not a refusal)" test "$rc" -eq 0
check "with the reserve warning and its numbers" grep -q "warning: Running VMs would use $(python3 -c "print(f'{2*$each/1024:.1f}')") GiB of $(python3 -c "print(f'{$total/1024:.1f}')") GiB RAM; $(python3 -c "print(f'{$reserve/1024:.1f}')") GiB is kept for the host" "$work/err"
check "both run" test "$(machine_state big1) $(machine_state big2)" = "running running"
check "host --json counts both as allocated" test "$(ctl host --json | json_get allocated.memory_mib)" = $((2 * each))
check "budget for a third now warns" test "$(ctl budget --memory 512 --vcpus 1 --disk 1 --json | json_get verdict)" = warning
check "delete big1" quiet ctl delete big1
check "delete big2" quiet ctl delete big2
check "nothing left" test -z "$(terra_as_user virsh -q -c qemu:///session list --all --name | tr -d '[:space:]')"
finish
