/* terra-keymap.c — Linux evdev key codes to PC XT (set 1) scancodes
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The values are those of keycodemapdb's keymaps.csv (columns "Linux" and
 * "XT KBD"; the table QEMU, spice-gtk and gtk-vnc generate theirs from),
 * written out for the keys a 105-key PC keyboard, the Japanese/Korean extras
 * and common multimedia keys have. For Linux codes 1–83 the XT scancode
 * equals the evdev code: evdev numbered those keys after set 1. Scancodes
 * with an E0 prefix are written 0x100 | code, the encoding
 * spice_inputs_channel_key_press() takes.
 */
#include "config.h"

#include "terra-keymap.h"

#define E0(code) (0x100 | (code))

static const guint16 evdev_to_xt[] = {
  /* 1–83: Esc, digits, letters, F1–F10, keypad… scancode == evdev code. */
  [85]  = 0x76,      /* KEY_ZENKAKUHANKAKU */
  [86]  = 0x56,      /* KEY_102ND: the extra key left of Z on ISO keyboards */
  [87]  = 0x57,      /* KEY_F11 */
  [88]  = 0x58,      /* KEY_F12 */
  [89]  = 0x73,      /* KEY_RO */
  [90]  = 0x78,      /* KEY_KATAKANA */
  [91]  = 0x77,      /* KEY_HIRAGANA */
  [92]  = 0x79,      /* KEY_HENKAN */
  [93]  = 0x70,      /* KEY_KATAKANAHIRAGANA */
  [94]  = 0x7b,      /* KEY_MUHENKAN */
  [95]  = 0x5c,      /* KEY_KPJPCOMMA */
  [96]  = E0 (0x1c), /* KEY_KPENTER */
  [97]  = E0 (0x1d), /* KEY_RIGHTCTRL */
  [98]  = E0 (0x35), /* KEY_KPSLASH */
  [99]  = E0 (0x37), /* KEY_SYSRQ (Print Screen) */
  [100] = E0 (0x38), /* KEY_RIGHTALT (AltGr) */
  [102] = E0 (0x47), /* KEY_HOME */
  [103] = E0 (0x48), /* KEY_UP */
  [104] = E0 (0x49), /* KEY_PAGEUP */
  [105] = E0 (0x4b), /* KEY_LEFT */
  [106] = E0 (0x4d), /* KEY_RIGHT */
  [107] = E0 (0x4f), /* KEY_END */
  [108] = E0 (0x50), /* KEY_DOWN */
  [109] = E0 (0x51), /* KEY_PAGEDOWN */
  [110] = E0 (0x52), /* KEY_INSERT */
  [111] = E0 (0x53), /* KEY_DELETE */
  [113] = E0 (0x20), /* KEY_MUTE */
  [114] = E0 (0x2e), /* KEY_VOLUMEDOWN */
  [115] = E0 (0x30), /* KEY_VOLUMEUP */
  [116] = E0 (0x5e), /* KEY_POWER */
  [117] = 0x59,      /* KEY_KPEQUAL */
  [119] = E0 (0x46), /* KEY_PAUSE: really E1 1D 45, see terra_keymap_is_pause() */
  [121] = 0x7e,      /* KEY_KPCOMMA */
  [122] = 0x72,      /* KEY_HANGEUL */
  [123] = 0x71,      /* KEY_HANJA */
  [124] = 0x7d,      /* KEY_YEN */
  [125] = E0 (0x5b), /* KEY_LEFTMETA (Super) */
  [126] = E0 (0x5c), /* KEY_RIGHTMETA */
  [127] = E0 (0x5d), /* KEY_COMPOSE (Menu) */
  [128] = E0 (0x68), /* KEY_STOP */
  [140] = E0 (0x21), /* KEY_CALC */
  [142] = E0 (0x5f), /* KEY_SLEEP */
  [143] = E0 (0x63), /* KEY_WAKEUP */
  [155] = E0 (0x6c), /* KEY_MAIL */
  [156] = E0 (0x66), /* KEY_BOOKMARKS */
  [157] = E0 (0x6b), /* KEY_COMPUTER */
  [158] = E0 (0x6a), /* KEY_BACK */
  [159] = E0 (0x69), /* KEY_FORWARD */
  [163] = E0 (0x19), /* KEY_NEXTSONG */
  [164] = E0 (0x22), /* KEY_PLAYPAUSE */
  [165] = E0 (0x10), /* KEY_PREVIOUSSONG */
  [166] = E0 (0x24), /* KEY_STOPCD */
  [172] = E0 (0x32), /* KEY_HOMEPAGE */
  [173] = E0 (0x67), /* KEY_REFRESH */
  [183] = 0x5d,      /* KEY_F13 */
  [184] = 0x5e,      /* KEY_F14 */
  [185] = 0x5f,      /* KEY_F15 */
  [186] = 0x55,      /* KEY_F16 */
  [217] = E0 (0x65), /* KEY_SEARCH */
};

/**
 * terra_keymap_evdev_to_xt:
 * @evdev: a Linux input key code (linux/input-event-codes.h)
 *
 * Returns: the XT scancode, 0x100 | code for E0-prefixed keys, 0 when the
 *   key has no XT scancode
 */
guint
terra_keymap_evdev_to_xt (guint evdev)
{
  if (evdev >= 1 && evdev <= 83)
    return evdev;
  if (evdev < G_N_ELEMENTS (evdev_to_xt))
    return evdev_to_xt[evdev];
  return 0;
}

/**
 * terra_keymap_hw_to_xt:
 * @hardware_keycode: a GDK hardware keycode from the X11 or Wayland
 *   backend (XKB "evdev" keycodes: the Linux code + 8)
 *
 * Returns: the XT scancode as terra_keymap_evdev_to_xt(), 0 when unknown
 */
guint
terra_keymap_hw_to_xt (guint hardware_keycode)
{
  if (hardware_keycode < 8)
    return 0;
  return terra_keymap_evdev_to_xt (hardware_keycode - 8);
}

/**
 * terra_keymap_is_pause:
 * @scancode: a scancode from terra_keymap_evdev_to_xt()
 *
 * Pause has no make/break pair: a PC keyboard sends E1 1D 45 E1 9D C5 on
 * press and nothing on release. SPICE writes the E1 prefix as 0x200.
 *
 * Returns: whether @scancode is Pause
 */
gboolean
terra_keymap_is_pause (guint scancode)
{
  return scancode == E0 (0x46);
}
