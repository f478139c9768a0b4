/* test-clipboard-types.c — clipboard types and text between host and agent
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <spice/vd_agent.h>

#include "terra-clipboard-types.h"

static void
test_mime_mapping (void)
{
  /* The agent's own numbers (spice-protocol), since they go on the wire. */
  g_assert_cmpint (TERRA_CLIPBOARD_UTF8_TEXT, ==, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpint (TERRA_CLIPBOARD_IMAGE_PNG, ==, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  g_assert_cmpint (TERRA_CLIPBOARD_IMAGE_BMP, ==, VD_AGENT_CLIPBOARD_IMAGE_BMP);
  g_assert_cmpint (TERRA_CLIPBOARD_IMAGE_TIFF, ==, VD_AGENT_CLIPBOARD_IMAGE_TIFF);
  g_assert_cmpint (TERRA_CLIPBOARD_IMAGE_JPG, ==, VD_AGENT_CLIPBOARD_IMAGE_JPG);
  g_assert_cmpint (TERRA_SELECTION_PRIMARY, ==, VD_AGENT_CLIPBOARD_SELECTION_PRIMARY);

  g_assert_cmpint (terra_clipboard_type_for_mime ("text/plain;charset=utf-8"), ==, TERRA_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpint (terra_clipboard_type_for_mime ("text/plain"), ==, TERRA_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpint (terra_clipboard_type_for_mime ("UTF8_STRING"), ==, TERRA_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpint (terra_clipboard_type_for_mime ("STRING"), ==, TERRA_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpint (terra_clipboard_type_for_mime ("image/png"), ==, TERRA_CLIPBOARD_IMAGE_PNG);
  g_assert_cmpint (terra_clipboard_type_for_mime ("image/x-bmp"), ==, TERRA_CLIPBOARD_IMAGE_BMP);
  g_assert_cmpint (terra_clipboard_type_for_mime ("image/jpeg"), ==, TERRA_CLIPBOARD_IMAGE_JPG);
  g_assert_cmpint (terra_clipboard_type_for_mime ("text/html"), ==, TERRA_CLIPBOARD_NONE);
  g_assert_cmpint (terra_clipboard_type_for_mime ("text/uri-list"), ==, TERRA_CLIPBOARD_NONE);
  g_assert_cmpint (terra_clipboard_type_for_mime (NULL), ==, TERRA_CLIPBOARD_NONE);

  /* and back: what GDK is offered for a guest's grab */
  g_assert_cmpstr (terra_clipboard_mime_for_type (TERRA_CLIPBOARD_UTF8_TEXT), ==, "text/plain;charset=utf-8");
  g_assert_cmpstr (terra_clipboard_mime_for_type (TERRA_CLIPBOARD_IMAGE_PNG), ==, "image/png");
  g_assert_cmpstr (terra_clipboard_mime_for_type (TERRA_CLIPBOARD_IMAGE_JPG), ==, "image/jpeg");
  g_assert_null (terra_clipboard_mime_for_type (TERRA_CLIPBOARD_NONE));
  g_assert_null (terra_clipboard_mime_for_type (99));
}

static void
test_grab_types (void)
{
  const char *text_and_image[] = { "image/png", "text/html", "UTF8_STRING", "text/plain", "image/bmp", NULL };
  const char *html_only[] = { "text/html", "text/uri-list", NULL };
  const char *bmp_only[] = { "image/bmp", NULL };
  guint32 types[2];

  /* text first, then any image as PNG; each once */
  g_assert_cmpuint (terra_clipboard_types_for_mimes (text_and_image, types), ==, 2);
  g_assert_cmpuint (types[0], ==, TERRA_CLIPBOARD_UTF8_TEXT);
  g_assert_cmpuint (types[1], ==, TERRA_CLIPBOARD_IMAGE_PNG);
  g_assert_cmpuint (terra_clipboard_types_for_mimes (bmp_only, types), ==, 1);
  g_assert_cmpuint (types[0], ==, TERRA_CLIPBOARD_IMAGE_PNG);
  g_assert_cmpuint (terra_clipboard_types_for_mimes (html_only, types), ==, 0);
  g_assert_cmpuint (terra_clipboard_types_for_mimes (NULL, types), ==, 0);
}

static void
test_line_ends (void)
{
  gsize len;
  g_autofree char *plain = terra_clipboard_text_to_guest ("a\nb\n", FALSE, &len);
  g_autofree char *windows = terra_clipboard_text_to_guest ("a\nb\r\nc\n", TRUE, &len);
  g_autofree char *back = NULL;
  g_autofree char *linux_text = NULL;
  g_autofree char *nul = NULL;
  static const guint8 bad[] = { 'a', 0xff, 'b' };

  g_assert_cmpstr (plain, ==, "a\nb\n");
  /* Windows guests: LF → CRLF, an existing CRLF kept as it is */
  g_assert_cmpstr (windows, ==, "a\r\nb\r\nc\r\n");
  g_assert_cmpuint (len, ==, 9);
  back = terra_clipboard_text_from_guest ((const guint8 *)windows, len, TRUE);
  g_assert_cmpstr (back, ==, "a\nb\nc\n");
  /* a Linux guest's CR stays; its trailing NUL goes */
  linux_text = terra_clipboard_text_from_guest ((const guint8 *)"x\r\ny\0", 5, FALSE);
  g_assert_cmpstr (linux_text, ==, "x\r\ny");
  nul = terra_clipboard_text_from_guest ((const guint8 *)"ü\0", 3, FALSE);
  g_assert_cmpstr (nul, ==, "ü");
  /* not UTF-8: refused, not passed on */
  g_assert_null (terra_clipboard_text_from_guest (bad, sizeof bad, FALSE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clipboard/mime-mapping", test_mime_mapping);
  g_test_add_func ("/clipboard/grab-types", test_grab_types);
  g_test_add_func ("/clipboard/line-ends", test_line_ends);
  return g_test_run ();
}
