#!/usr/bin/env bash
# test-gui-display.sh — `terrarium --open demo` under Xvfb shows the guest's
# live screen in the Terrarium window, keys typed into the window reach the
# guest, clicks (all three buttons, where they are made), the wheel and the
# Send Key menu reach the guest, frames copy only what changed, and
# reopening the app reconnects the display.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
source "$(dirname "$0")/lib.sh"

: "${TERRA_GUI:?}"
terra_session_cleanup >/dev/null 2>&1 || true
iso=$(test_iso)

trap 'gui_cleanup; ctl delete demo >/dev/null 2>&1 || true' EXIT
start_xvfb

ctl create --media "$iso" --name demo --memory 512 --vcpus 1 --disk 1 --start >/dev/null || die "create failed"
wait_for_screen demo "TERRARIUM GUEST READY" 90 || die "the guest did not boot"

# First with GTK's GL renderer (Mesa's llvmpipe here): a GL area whose one
# texture gets only what changed; the reopen below uses the cairo renderer,
# which paints straight from the guest's surface.
GSK_RENDERER=gl G_MESSAGES_DEBUG=terra-display start_gui --open demo
check "the window shows the guest's live screen" wait_for_window_text "TERRARIUM GUEST READY" 60 guest
cp "$work/gui-last.png" "$work/gui-window.png" 2>/dev/null || true

# Type into the window: focus it, then X key events (XTest) go to the display widget.
win=$(gui_window) || die "no visible window"
geom=$(xdotool getwindowgeometry --shell "$win")
eval "$geom"
# Click in the middle of the window (the display) so it has the keyboard focus.
xdotool mousemove --window "$win" $((WIDTH / 2)) $((HEIGHT / 2)) click 1
sleep 0.5
xdotool type --delay 80 "typed in gui"
xdotool key --delay 80 Return
# The window first (a second SPICE client, like terrarium-ctl screenshot, takes the
# guest's display over from the window), then the guest's own screen through SPICE.
check "keys typed into the window reach the guest, and the window shows its answer live" \
  wait_for_window_text "ECHO: typed in gui" 30 guest
# Only what changed is copied: each frame copies the damage, not the screen
# (the widget's debug log: "display: N frames, P % of full frames copied";
# the first frame of each of its two buffers is a full copy).
xdotool type --delay 60 "the quick brown fox jumps over the lazy dog"
xdotool key Return
wait_for_window_text "ECHO: the quick brown" 30 guest >/dev/null || true
# (before anything else opens the display: a second SPICE client takes it
# over from the window)
stats=$(grep -o 'display: [0-9]* frames, [0-9.]* % of full frames copied' "$work/gui.log" | tail -1)
echo "# ${stats:-no display statistics in the log}"
check "frames upload only the damaged parts (under a fifth of the screen a frame, typing)" \
  python3 -c 'import re,sys; m=re.search(r"(\d+) frames, ([\d.]+) %", sys.argv[1]); assert m and int(m.group(1)) >= 32 and float(m.group(2)) < 20' "$stats"
# The pointer: the guest prints its tablet's buttons (with the position, in
# per cent of its screen) and wheel, and key chords ("lab input", evdev).
xdotool type --delay 80 "run lab input"
xdotool key Return
check "the guest reads its input devices" wait_for_window_text "INPUT READY" 30 guest
# The display fills the window below the header bar; the guest's screen is
# letterboxed and centred in it, so the window's middle row is the guest's
# middle row. Click at a quarter and three quarters of the width.
mid=$(( HEIGHT / 2 + 26 ))
xdotool mousemove --window "$win" $(( WIDTH / 4 )) "$mid" click 1
sleep 0.3
xdotool mousemove --window "$win" $(( WIDTH * 3 / 4 )) "$mid" click 3
sleep 0.3
xdotool click 2
sleep 0.3
xdotool click 4
sleep 0.3
xdotool click 5
check "a left click reaches the guest" wait_for_window_text "INPUT BUTTON LEFT AT" 30 guest
# Send Key (the window's menu, then its submenu): Ctrl+Alt+Backspace and
# Print Screen, which a desktop would keep for itself.
menu_item() { # menu_item TEXT: click the open menu's item labelled TEXT
  local y
  shot "$work/menu.png"
  convert "$work/menu.png" -colorspace Gray -resize 300% -threshold 88% "$work/menu-ocr.png"
  y=$(tesseract "$work/menu-ocr.png" stdout --psm 11 tsv 2>/dev/null |
        awk -F'\t' -v w="$1" 'index($12, w) { print int(($8 + $10 / 2) / 3); exit }')
  [ -n "$y" ] || { echo "# no '$1' in the menu"; return 1; }
  xdotool mousemove $(( WIDTH - 180 )) "$y" click 1
  sleep 0.7
}
send_key() { # send_key WORD: the window menu → Send Key → the item with WORD
  xdotool mousemove --window "$win" $(( WIDTH - 142 )) 28 click 1
  sleep 0.8
  menu_item Key && menu_item "$1"
}
send_key Backspace
check "Send Key → Ctrl+Alt+Backspace reaches the guest" wait_for_window_text "INPUT KEYS CTRL ALT BACKSPACE" 30 guest
send_key Print
check "Send Key → Print Screen reaches the guest" wait_for_window_text "INPUT KEYS PRINT" 30 guest
cp "$work/gui-last.png" "$work/gui-input.png"
# Where the clicks landed, read off the guest's own screen (SPICE at its
# native size: the window's scaled text is harder to read exactly).
wait_for_screen demo "INPUT KEYS PRINT" 30 >/dev/null || true
ocr=$(bash "$fixtures/ocr-screen.sh" "$work/demo-last.png" guest 2>/dev/null || true)
echo "$ocr" | grep INPUT | sed 's/^/# guest: /'
# x ≈ 25 % and 75 %, y ≈ 50 %
near() { # near LINE_PATTERN X Y: the guest printed a position within 4 % of X, Y
  echo "$ocr" | grep -o "$1 AT [0-9]* [0-9]*" | head -1 |
    awk -v x="$2" -v y="$3" '{ dx = $(NF-1) - x; dy = $NF - y; exit !(dx*dx <= 16 && dy*dy <= 16) }'
}
check "the left click lands where it was made (25 %, 50 % of the guest's screen)" near "BUTTON LEFT" 25 50
check "the right click reaches the guest where it was made (75 %, 50 %)" near "BUTTON RIGHT" 75 50
check "the middle button reaches the guest" grep -q "BUTTON MIDDLE" <<<"$ocr"
check "the wheel reaches the guest (up and down)" bash -c 'grep -q "WHEEL UP" <<<"$1" && grep -q "WHEEL DOWN" <<<"$1"' _ "$ocr"

check "the guest's own screen shows the typed line (seen through SPICE)" \
  wait_for_screen demo "ECHO: typed in gui" 30

# Close and reopen: the guest keeps running, the display reconnects.
check "with GL, the display uploads into one texture (GtkGLArea)" grep -q "drawing with GL, uploading only what changed" "$work/gui.log"
stop_gui
check "the guest keeps running without the app" test "$(machine_state demo)" = running
G_MESSAGES_DEBUG=terra-display start_gui --open demo
check "reopening the app reconnects the display" wait_for_window_text "ECHO: typed in gui" 60 guest
check "with the cairo renderer, the display paints from the guest's surface" \
  grep -q "drawing with cairo" "$work/gui.log"
# The keyboard: captured while the display has the focus, and the header
# says how to get it back; Ctrl+Alt alone releases it, a click takes it again.
check "the header says the keyboard is captured and how to release it" \
  wait_for_window_text "Ctrl+Alt releases it" 20 ui
xdotool keydown Control_L keydown Alt_L keyup Alt_L keyup Control_L
check "Ctrl+Alt alone releases the keyboard (the header shows the state again)" \
  wait_for_window_text "Running" 20 ui
win=$(gui_window)
eval "$(xdotool getwindowgeometry --shell "$win")"
xdotool mousemove --window "$win" $(( WIDTH / 2 )) $(( HEIGHT / 2 )) click 1
check "a click on the display captures it again" wait_for_window_text "Ctrl+Alt releases it" 20 ui

# Screenshot (the header's camera button, left of fullscreen and the menu).
rm -f "$TERRA_TEST_HOME"/demo\ *.png
xdotool mousemove --window "$win" $(( WIDTH - 222 )) 28 click 1
check "the screenshot button says it saved the guest's screen" wait_for_window_text "Screenshot saved" 10 both
check "… as a PNG" \
  bash -c 'for _ in $(seq 1 20); do ls "$1"/demo\ *.png >/dev/null 2>&1 && exit 0; sleep 0.5; done; exit 1' _ "$TERRA_TEST_HOME"
png=$(ls "$TERRA_TEST_HOME"/demo\ *.png 2>/dev/null | head -1)
echo "# saved: ${png:-nothing} ($(identify -format '%wx%h' "$png" 2>/dev/null))"
check "… at the guest's own size, with its text" \
  bash -c '[ "$(identify -format "%wx%h" "$1")" = 720x400 ] && bash "$2/ocr-screen.sh" "$1" guest | grep -q "ECHO: typed in gui"' _ "$png" "$fixtures"

# Fullscreen (Shift+F11, even with the keyboard captured): the header hides
# and comes back at the top edge. Fullscreen is the window manager's job:
# openbox, for this part only.
check "the keyboard is still the guest's after the header's buttons" \
  wait_for_window_text "Ctrl+Alt releases it" 10 ui
openbox >/dev/null 2>&1 &
wm_pid=$!
sleep 2
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool mousemove --window "$win" $(( WIDTH / 2 )) $(( HEIGHT / 2 )) click 1
sleep 0.5
xdotool key shift+F11
sleep 3
eval "$(xdotool getwindowgeometry --shell "$win")"
echo "# fullscreen window: ${WIDTH}x$HEIGHT"
check "Shift+F11 makes the window fullscreen" test "$WIDTH" = 1280
header_hidden() {
  shot "$work/fs.png"
  ! bash "$fixtures/ocr-screen.sh" "$work/fs.png" ui 2>/dev/null | grep -q "Ctrl+Alt releases"
}
check "in fullscreen the header hides after a moment" header_hidden
xdotool mousemove 640 60 sleep 0.3 mousemove 640 6
check "and comes back when the pointer reaches the top edge" wait_for_window_text "Ctrl+Alt releases it" 10 ui
shot "$work/gui-fullscreen.png"
xdotool mousemove 640 400 key shift+F11
sleep 2
eval "$(xdotool getwindowgeometry --shell "$win")"
check "Shift+F11 again leaves fullscreen" test "$WIDTH" -lt 1280
kill "$wm_pid" 2>/dev/null || true

# A guest without an absolute pointing device (take the tablet away, as
# guests from elsewhere may come): the display says what that means and
# adds one in a click (USB hot-plug).
echo "<input type='tablet' bus='usb'/>" > "$work/tablet.xml"
chmod 644 "$work/tablet.xml"
terra_as_user virsh -c qemu:///session detach-device demo "$work/tablet.xml" --live --config >/dev/null 2>&1 \
  || echo "# the tablet could not be detached"
check "without a tablet, the display says the pointer cannot follow and offers to add one" \
  wait_for_window_text "no absolute pointing device" 30 ui
shot "$work/gui-pointer.png"
# the banner's button: right-aligned, just below the header bar (once the
# banner has slid in)
sleep 1
xdotool mousemove --window "$win" $(( WIDTH - 75 )) 74 click 1
check "Add a Tablet hot-plugs one: the guest's pointer follows again" \
  wait_for_window_text "Tablet added" 20 both
has_tablet() { # running and in the configuration
  terra_as_user virsh -c qemu:///session dumpxml demo | grep -q "type='tablet'" &&
    terra_as_user virsh -c qemu:///session dumpxml --inactive demo | grep -q "type='tablet'"
}
check "the machine has a tablet again, running and in its configuration" has_tablet
check "no guest display listens on a TCP port" bash -c '! ss -ltnpH | grep -q qemu'

sed 's/^/# gui: /' "$work/gui.log" | tail -20
finish
