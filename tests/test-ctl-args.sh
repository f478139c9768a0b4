#!/usr/bin/env bash
# test-ctl-args.sh CTL — terrarium-ctl's argument handling, without a daemon:
# exit 0 for help and version, 2 with a one-line reason for bad usage (before
# any connection is tried: the URI here points nowhere).
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
ctl=${1:?usage: test-ctl-args.sh TERRARIUM-CTL}
export TERRARIUM_URI=test:///nowhere
n=0 failed=0
expect() { # expect CODE TEXT ARGS… : exit status CODE and TEXT on stdout+stderr
  local code=$1 text=$2; shift 2
  local out rc
  out=$("$ctl" "$@" 2>&1); rc=$?
  n=$((n + 1))
  if [ "$rc" -eq "$code" ] && grep -qF -- "$text" <<<"$out"; then
    echo "ok $n - terrarium-ctl $* → $code"
  else
    echo "not ok $n - terrarium-ctl $* → $rc (wanted $code and “$text”)"; sed 's/^/# /' <<<"$out"
    failed=$((failed + 1))
  fi
}
expect 0 "Usage:" --help
expect 0 "terrarium-ctl " --version
expect 2 "No command given" 
expect 2 "Unknown command" frobnicate
expect 2 "Unknown option" --frob list
expect 2 "needs a URI" --connect
expect 2 "Give either --media PATH (installer media) or --import DISK" create --name x
expect 2 "Give either --media PATH" create --media a.iso --import b.qcow2
expect 2 "--firmware takes" create --media a.iso --firmware coreboot
expect 2 "--express needs --password-file" create --media a.iso --express
expect 2 "need --express" create --media a.iso --user ada
expect 2 "--express needs --media" create --import b.qcow2 --express --password-file pw
expect 2 "Use: osinfo list" osinfo
expect 2 "--sha256 takes 64 hexadecimal digits" download debian11 --sha256 abc
expect 2 "Wrong number of arguments" download
expect 2 "lots" create --media x.iso --memory lots
expect 2 "must be positive" create --media x.iso --memory -5
expect 2 "Wrong number of arguments" start
expect 2 "Wrong number of arguments" start a b
expect 2 "Wrong number of arguments" clone onlyone
expect 2 "list, create, revert or delete" snapshot frob vm
expect 2 "Wrong number of arguments" snapshot create vm
expect 2 "disk list NAME" disk add vm
expect 2 "whole number" resize-disk vm vda big
expect 2 "on” or “off" set vm --autostart maybe
expect 2 "must be positive" budget --memory 0
expect 2 "must be positive" set vm --memory 0
expect 2 "Unknown option" list --frob
expect 2 "Wrong number of arguments" copy-to-guest vm
expect 1 "is not a file" copy-to-guest vm /nonexistent/file.txt
echo "1..$n"
[ "$failed" -eq 0 ]
