# lib.sh — shared helpers for the integration tests (sourced)
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Expects from meson: TERRA_SRCDIR, TERRA_BUILDDIR, TERRA_CTL, TERRA_GUI.

set -euo pipefail

: "${TERRA_SRCDIR:?}" "${TERRA_BUILDDIR:?}" "${TERRA_CTL:?}"
fixtures="$TERRA_SRCDIR/tests/fixtures"
# Shared, world-readable scratch space (the test user's QEMU reads the ISO).
work="${TERRA_TEST_WORK:-/tmp/terrarium-tests}"
mkdir -p "$work"
chmod 1777 "$work"  # the test user writes screenshots here
export TERRA_TEST_CACHE="${TERRA_TEST_CACHE:-/var/tmp/terrarium-test-cache}"
mkdir -p "$TERRA_TEST_CACHE"

# shellcheck source=../fixtures/session-env.sh
source "$fixtures/session-env.sh"

n=0
failed=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION CMD...
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() {
  echo "1..$n"
  [ "$failed" -eq 0 ]
}
# quiet CMD...: run CMD with its stdout turned into TAP comments; CMD's status.
quiet() { "$@" | sed 's/^/# /'; return "${PIPESTATUS[0]}"; }
die() { echo "Bail out! $*"; exit 1; }

ctl() { terra_as_user "$TERRA_CTL" "$@"; }

# The test ISO: a Debian kernel + busybox initramfs that prints
# "TERRARIUM GUEST READY" and echoes typed lines as "ECHO: <line>".
test_iso() {
  local iso="$work/terrarium-test.iso"
  bash "$fixtures/make-test-iso.sh" "$iso" >&2
  chmod 644 "$iso"
  echo "$iso"
}

# wait_for_screen NAME TEXT TIMEOUT_S: poll `terrarium-ctl screenshot` (SPICE)
# and OCR until TEXT shows. Leaves the last PNG in $work/NAME-last.png.
wait_for_screen() {
  local name=$1 text=$2 timeout=$3 start png ocr
  start=$(date +%s)
  png="$work/screen-$$.png"
  while :; do
    rm -f "$png"
    if ctl screenshot "$name" "$png" 2>"$work/screenshot.err" && [ -s "$png" ]; then
      ocr=$(bash "$fixtures/ocr-screen.sh" "$png" 2>/dev/null || true)
      if grep -qiF -- "$text" <<<"$ocr"; then
        cp "$png" "$work/$name-last.png"
        echo "# '$text' on screen after $(( $(date +%s) - start )) s"
        return 0
      fi
    fi
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      [ -f "$png" ] && cp "$png" "$work/$name-last.png"
      echo "# timed out waiting for '$text'; last OCR:"; sed 's/^/#   /' <<<"${ocr:-}"
      sed 's/^/#   /' "$work/screenshot.err" || true
      return 1
    fi
    sleep 2
  done
}

# machine_state NAME: the state `terrarium-ctl list --json` reports, or "absent".
machine_state() {
  ctl list --json | python3 -c '
import json, sys
m = [m for m in json.load(sys.stdin) if m["name"] == sys.argv[1]]
print(m[0]["state"] if m else "absent")' "$1"
}

# wait_state NAME STATE TIMEOUT_S
wait_state() {
  local i
  for i in $(seq 1 "$3"); do
    [ "$(machine_state "$1")" = "$2" ] && return 0
    sleep 1
  done
  echo "# $1 is $(machine_state "$1"), wanted $2"
  return 1
}

# Volumes in the app's pool (one path per line).
pool_volumes() {
  terra_as_user virsh -c qemu:///session vol-list terrarium 2>/dev/null | awk 'NR>2 && NF {print $2}'
}

# fails CMD…: succeeds when CMD exits 1 (a clean failure, not a crash or usage error).
fails() {
  local rc=0
  "$@" >/dev/null 2>"$work/fails.err" || rc=$?
  sed 's/^/#   stderr: /' "$work/fails.err"
  [ "$rc" -eq 1 ]
}
