/* test-keymap.c — the evdev → PC XT (set 1) scancode table
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected values come from Microsoft's "Keyboard Scan Code Specification"
 * (set 1 column, rev. 1.3a) and keycodemapdb's keymaps.csv; evdev codes from
 * linux/input-event-codes.h. They are written out here independently of
 * display/terra-keymap.c, so a typo in either shows.
 */
#include "config.h"

#include <linux/input-event-codes.h>

#include "terra-keymap.h"

#define E0(code) (0x100 | (code))

/* Every key of a full-size 105-key ISO PC keyboard (104 ANSI keys + the
 * 102nd key), by evdev code. */
static const guint keys_105[] = {
  KEY_ESC, KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10,
  KEY_F11, KEY_F12, KEY_SYSRQ, KEY_SCROLLLOCK, KEY_PAUSE,
  KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
  KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE, KEY_INSERT, KEY_HOME, KEY_PAGEUP,
  KEY_NUMLOCK, KEY_KPSLASH, KEY_KPASTERISK, KEY_KPMINUS,
  KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
  KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_DELETE, KEY_END, KEY_PAGEDOWN,
  KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPPLUS,
  KEY_CAPSLOCK, KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
  KEY_SEMICOLON, KEY_APOSTROPHE, KEY_BACKSLASH, KEY_KP4, KEY_KP5, KEY_KP6,
  KEY_LEFTSHIFT, KEY_102ND, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
  KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_UP, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KPENTER,
  KEY_LEFTCTRL, KEY_LEFTMETA, KEY_LEFTALT, KEY_SPACE, KEY_RIGHTALT, KEY_RIGHTMETA,
  KEY_COMPOSE, KEY_RIGHTCTRL, KEY_LEFT, KEY_DOWN, KEY_RIGHT, KEY_KP0, KEY_KPDOT,
};

static void
test_full_keyboard (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (G_N_ELEMENTS (keys_105), ==, 105);
  for (guint i = 0; i < G_N_ELEMENTS (keys_105); i++)
    {
      guint xt = terra_keymap_evdev_to_xt (keys_105[i]);

      if (xt == 0)
        g_error ("evdev key %u has no scancode", keys_105[i]);
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (xt)))
        g_error ("evdev key %u shares scancode 0x%x with another key", keys_105[i], xt);
      g_hash_table_add (seen, GUINT_TO_POINTER (xt));
      /* Set 1 make codes are 7 bits: bit 7 is the break flag. */
      g_assert_cmpuint (xt & 0x80, ==, 0);
    }
}

static void
test_known_codes (void)
{
  static const struct { guint evdev; guint xt; } known[] = {
    { KEY_ESC, 0x01 }, { KEY_1, 0x02 }, { KEY_A, 0x1e }, { KEY_Z, 0x2c }, { KEY_ENTER, 0x1c },
    { KEY_LEFTCTRL, 0x1d }, { KEY_LEFTSHIFT, 0x2a }, { KEY_RIGHTSHIFT, 0x36 }, { KEY_LEFTALT, 0x38 },
    { KEY_SPACE, 0x39 }, { KEY_CAPSLOCK, 0x3a }, { KEY_F1, 0x3b }, { KEY_F10, 0x44 },
    { KEY_NUMLOCK, 0x45 }, { KEY_SCROLLLOCK, 0x46 }, { KEY_KP7, 0x47 }, { KEY_KPDOT, 0x53 },
    { KEY_102ND, 0x56 }, { KEY_F11, 0x57 }, { KEY_F12, 0x58 },
    { KEY_KPENTER, E0 (0x1c) }, { KEY_RIGHTCTRL, E0 (0x1d) }, { KEY_KPSLASH, E0 (0x35) },
    { KEY_SYSRQ, E0 (0x37) }, { KEY_RIGHTALT, E0 (0x38) }, { KEY_HOME, E0 (0x47) },
    { KEY_UP, E0 (0x48) }, { KEY_PAGEUP, E0 (0x49) }, { KEY_LEFT, E0 (0x4b) }, { KEY_RIGHT, E0 (0x4d) },
    { KEY_END, E0 (0x4f) }, { KEY_DOWN, E0 (0x50) }, { KEY_PAGEDOWN, E0 (0x51) },
    { KEY_INSERT, E0 (0x52) }, { KEY_DELETE, E0 (0x53) }, { KEY_LEFTMETA, E0 (0x5b) },
    { KEY_RIGHTMETA, E0 (0x5c) }, { KEY_COMPOSE, E0 (0x5d) },
    /* Japanese and Korean keys */
    { KEY_RO, 0x73 }, { KEY_YEN, 0x7d }, { KEY_HENKAN, 0x79 }, { KEY_MUHENKAN, 0x7b },
    { KEY_KATAKANAHIRAGANA, 0x70 }, { KEY_HANGEUL, 0x72 }, { KEY_HANJA, 0x71 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_test_message ("evdev %u", known[i].evdev);
      g_assert_cmphex (terra_keymap_evdev_to_xt (known[i].evdev), ==, known[i].xt);
      /* X11/GDK hardware keycodes are evdev + 8. */
      g_assert_cmphex (terra_keymap_hw_to_xt (known[i].evdev + 8), ==, known[i].xt);
    }
}

static void
test_pause_and_unknown (void)
{
  g_assert_true (terra_keymap_is_pause (terra_keymap_evdev_to_xt (KEY_PAUSE)));
  g_assert_false (terra_keymap_is_pause (terra_keymap_evdev_to_xt (KEY_SCROLLLOCK)));
  g_assert_false (terra_keymap_is_pause (terra_keymap_evdev_to_xt (KEY_A)));

  /* No scancode: KEY_RESERVED, codes past the table, hardware codes below 8. */
  g_assert_cmpuint (terra_keymap_evdev_to_xt (KEY_RESERVED), ==, 0);
  g_assert_cmpuint (terra_keymap_evdev_to_xt (KEY_MAX), ==, 0);
  g_assert_cmpuint (terra_keymap_evdev_to_xt (G_MAXUINT), ==, 0);
  g_assert_cmpuint (terra_keymap_hw_to_xt (0), ==, 0);
  g_assert_cmpuint (terra_keymap_hw_to_xt (7), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/keymap/full-105-key-keyboard", test_full_keyboard);
  g_test_add_func ("/keymap/known-scancodes", test_known_codes);
  g_test_add_func ("/keymap/pause-and-unknown", test_pause_and_unknown);
  return g_test_run ();
}
