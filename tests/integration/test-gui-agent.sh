#!/usr/bin/env bash
# test-gui-agent.sh — with the SPICE agent in the guest (spice-vdagent under
# X, from this machine's Debian packages: tests/fixtures/make-agent-iso.sh),
# text copied on the host pastes in the guest and the guest's copy pastes on
# the host, and the guest's screen follows the window's size.
#
# The guest answers through the clipboard itself: when it holds "PING WORD"
# it puts "PONG WORD WIDTHxHEIGHT FILES" there (its X screen size, and the
# files its agent received). A file is copied in first with
# `terrarium-ctl copy-to-guest` (the same transfer as dropping it on the
# display).
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso="$work/terrarium-agent.iso"
bash "$fixtures/make-agent-iso.sh" "$iso" >&2
chmod 644 "$iso"

trap 'gui_cleanup; ctl delete agent >/dev/null 2>&1 || true' EXIT
start_xvfb

ctl create --media "$iso" --name agent --memory 768 --vcpus 1 --disk 1 --start >/dev/null || die "create failed"
printf 'Hello from the host\n' > "$work/hello.txt"
chmod 644 "$work/hello.txt"
copied() { # the guest's agent starts with its X session: try for a while
  local i
  for i in 1 2 3 4; do
    ctl copy-to-guest agent "$work/hello.txt" 2>"$work/copy.err" && return 0
    sleep 5
  done
  sed 's/^/# /' "$work/copy.err"
  return 1
}
check "terrarium-ctl copy-to-guest copies a file through the guest's agent" copied
check "copying a folder is refused, saying why" fails_saying "is not a file" ctl copy-to-guest agent "$work"
G_MESSAGES_DEBUG=terra-display start_gui --open agent

# ping WORD TIMEOUT_S: copy "PING WORD" on the host (xclip owns the host's
# CLIPBOARD), then wait for the host's clipboard — the guest's, through the
# app — to read "PONG WORD …". Sets $pong.
ping_guest() {
  local word=$1 timeout=$2 start
  start=$(date +%s)
  printf 'PING %s' "$word" | xclip -i -selection clipboard
  while :; do
    pong=$(timeout 5 xclip -o -selection clipboard 2>/dev/null || true)
    case "$pong" in
      "PONG $word "*) echo "# host clipboard after $(( $(date +%s) - start )) s: $pong"; return 0 ;;
    esac
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      echo "# host clipboard still: ${pong:-(empty)}"
      return 1
    fi
    # a guest that was not up yet missed the grab: copy again
    case "$pong" in "PING $word") ;; *) printf 'PING %s' "$word" | xclip -i -selection clipboard ;; esac
    sleep 2
  done
}

check "text copied on the host pastes in the guest, and the guest's copy pastes on the host" \
  ping_guest hello-from-host 150
check "the file arrived in the guest's Downloads folder, whole" \
  bash -c '[ "$(echo "$1" | cut -d" " -f4-)" = "hello.txt:Hello from the host," ]' _ "$pong"
# asked: the last size the app asked the guest for (its debug log).
asked() { grep -o 'asking the guest for [0-9]*×[0-9]*' "$work/gui.log" | tail -1 | sed 's/.* //; s/×/x/'; }
# guest_takes SIZE: the guest's answers report SIZE within a minute.
guest_takes() {
  local i
  for i in $(seq 1 20); do
    ping_guest "size$RANDOM" 30 >/dev/null || return 1
    [ "$(echo "$pong" | cut -d' ' -f3)" = "$1" ] && { echo "# guest screen $1"; return 0; }
    sleep 2
  done
  echo "# guest screen $(echo "$pong" | cut -d' ' -f3), asked for $1"
  return 1
}
win=$(gui_window) || die "no visible window"
xdotool windowsize "$win" 900 640
sleep 1
eval "$(xdotool getwindowgeometry --shell "$win")"
for _ in $(seq 1 30); do [ -n "$(asked)" ] && [ "${asked_before:-}" = "$(asked)" ] && break; asked_before=$(asked); sleep 1; done
first=$(asked)
echo "# window ${WIDTH}x$HEIGHT; the app asked for ${first:-nothing}"
check "the app asks the guest for its display's size (the window less its header)" \
  bash -c '[ -n "$1" ] && w=${1%x*} h=${1#*x} && [ "$w" -le "$2" ] && [ "$h" -le "$3" ] && [ $(( $2 - w )) -lt 40 ] && [ $(( $3 - h )) -lt 120 ]' \
  _ "$first" "$WIDTH" "$HEIGHT"
check "the guest's screen takes that size (it booted at 1024x768)" guest_takes "$first"

# Resize the window: the guest follows by as much.
xdotool windowsize "$win" $(( WIDTH + 220 )) $(( HEIGHT + 80 ))
want="$(( ${first%x*} + 220 ))x$(( ${first#*x} + 80 ))"
sleep 1
for _ in $(seq 1 30); do [ "$(asked)" = "$want" ] && break; sleep 1; done
check "after the window grew by 220x80, the app asks for $want" test "$(asked)" = "$want"
check "and the guest's screen takes it" guest_takes "$want"
shot "$work/gui-agent.png"

sed 's/^/# gui: /' "$work/gui.log" | grep -v GSpice | tail -8
finish
