/* terra-keymap.h — Linux evdev key codes to PC XT scancodes
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Maps a Linux evdev key code (linux/input-event-codes.h, i.e. an X11/GDK hardware
 * keycode minus 8) to an XT scancode, with 0x100 set for E0-prefixed keys; 0 when unknown.
 * Table source: keycodemapdb (QEMU's keymaps.csv, linux → xtkbd). */
guint terra_keymap_evdev_to_xt (guint evdev);
/* Same, from a GDK hardware keycode on X11/Wayland (evdev + 8). */
guint terra_keymap_hw_to_xt    (guint hardware_keycode);
/* Pause needs its own byte sequence (E1 1D 45); see terra-display-session.c. */
gboolean terra_keymap_is_pause (guint scancode);

G_END_DECLS
