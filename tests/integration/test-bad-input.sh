#!/usr/bin/env bash
# test-bad-input.sh — bad media and names give a clear error (exit 1, one
# line), leave no domain and no volume behind, and leave the input untouched.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)
bad="$work/bad-input"
rm -rf "$bad"; mkdir -p "$bad"; chmod 755 "$bad"
: > "$bad/empty.iso"
head -c 1048576 /dev/urandom > "$bad/random.iso"
mkdir "$bad/dir.iso"
mkfifo "$bad/fifo.iso"
chmod 644 "$bad"/*.iso 2>/dev/null || true
random_sum=$(sha256sum "$bad/random.iso" | cut -d' ' -f1)

nothing_left() {
  [ "$(ctl list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 0 ] &&
    [ "$(pool_volumes | wc -l)" -eq 0 ]
}

for f in empty.iso random.iso dir.iso fifo.iso missing.iso; do
  # (a FIFO that got opened would hang here; meson's timeout would fail the test)
  check "create from $f fails cleanly" fails ctl create --media "$bad/$f" --name bad
  check "detect $f fails cleanly" fails ctl detect "$bad/$f"
done
check "nothing left behind after bad media" nothing_left
check "random.iso untouched" test "$(sha256sum "$bad/random.iso" | cut -d' ' -f1)" = "$random_sum"
check "the FIFO is still a FIFO" test -p "$bad/fifo.iso"
check "the directory is still there" test -d "$bad/dir.iso"

check "usage error exits 2" bash -c '"$1" frobnicate; [ $? -eq 2 ]' _ "$TERRA_CTL"
check "missing --media exits 2" bash -c '"$1" create --name x; [ $? -eq 2 ]' _ "$TERRA_CTL"
check "bad number exits 2" bash -c '"$1" create --media x --memory lots; [ $? -eq 2 ]' _ "$TERRA_CTL"
check "empty name fails cleanly" fails ctl create --media "$iso" --name "  "
check "name with a slash fails cleanly" fails ctl create --media "$iso" --name "a/b"
check "absurd memory fails cleanly" fails ctl create --media "$iso" --name big --memory 99999999999
check "nothing left behind after bad names" nothing_left

# A name full of XML and shell metacharacters is a safe result: escaped, listed, deleted.
meta='<a&b> "x" $(y)'
check "metacharacter name is created" quiet ctl create --media "$iso" --name "$meta" --memory 256 --disk 1
check "it is listed under its exact name" bash -c 'python3 -c "import json,sys; assert any(m[\"name\"]==sys.argv[1] for m in json.load(sys.stdin))" "$1"' _ "$meta" < <(ctl list --json)
check "its disk image has a safe file name" bash -c '[ "$(grep -c "a_b_x_y.qcow2$" <<<"$1")" -eq 1 ]' _ "$(pool_volumes)"
check "a second machine with the same name is refused" fails ctl create --media "$iso" --name "$meta" --memory 256 --disk 1
check "the refused one left no second volume" test "$(pool_volumes | wc -l)" -eq 1
check "delete the metacharacter machine" ctl delete "$meta"
check "nothing left behind" nothing_left
check "no file named y was created by a shell" test ! -e y

finish
