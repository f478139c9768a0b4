#!/usr/bin/env bash
# check-potfiles.sh SRCDIR — every source file with translatable strings is in
# po/POTFILES.in, and every file POTFILES.in names exists. TAP output.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src=${1:?usage: check-potfiles.sh SRCDIR}
cd "$src"
listed=$(grep -v '^#' po/POTFILES.in | sed '/^\s*$/d' | sort)
n=0 failed=0
for f in $(grep -lE '\b(N?_|C_|ngettext|g_dngettext)\s*\(' app/*.c ui/*.c vm-wizard/*.c display/*.c settings/*.c | sort); do
  n=$((n + 1))
  if grep -qxF "$f" <<<"$listed"; then echo "ok $n - $f is in POTFILES.in"
  else echo "not ok $n - $f has translatable strings but is not in po/POTFILES.in"; failed=$((failed + 1)); fi
done
for f in $listed; do
  n=$((n + 1))
  if [ -f "$f" ]; then echo "ok $n - $f exists"
  else echo "not ok $n - po/POTFILES.in names $f, which does not exist"; failed=$((failed + 1)); fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
