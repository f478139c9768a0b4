/* terra-clipboard-types.h — how clipboard contents cross between the host
 * (MIME types, GdkClipboard) and a SPICE guest agent (VD_AGENT_CLIPBOARD_*)
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TerraClipboardType:
 *
 * The clipboard types of the SPICE agent protocol; the values are
 * VD_AGENT_CLIPBOARD_* from spice-protocol's spice/vd_agent.h (0.14), so
 * they go on the wire as they are.
 */
typedef enum {
  TERRA_CLIPBOARD_NONE = 0,
  TERRA_CLIPBOARD_UTF8_TEXT = 1,
  TERRA_CLIPBOARD_IMAGE_PNG = 2,
  TERRA_CLIPBOARD_IMAGE_BMP = 3,
  TERRA_CLIPBOARD_IMAGE_TIFF = 4,
  TERRA_CLIPBOARD_IMAGE_JPG = 5,
} TerraClipboardType;

/* The agent's selections (VD_AGENT_CLIPBOARD_SELECTION_*). */
typedef enum {
  TERRA_SELECTION_CLIPBOARD = 0,
  TERRA_SELECTION_PRIMARY = 1,
} TerraSelection;

/**
 * terra_clipboard_type_for_mime:
 * @mime: a MIME type or X11 target name as GDK lists them
 *   (gdk_content_formats_get_mime_types())
 *
 * Which agent type carries @mime: the text types (text/plain with or
 * without a UTF-8 charset, X11's UTF8_STRING, STRING, TEXT) are
 * UTF8_TEXT; image/png, image/bmp (and image/x-bmp), image/tiff and
 * image/jpeg the image types. The mapping follows spice-gtk's
 * spice-gtk-session.c atom table.
 *
 * Returns: the type, or %TERRA_CLIPBOARD_NONE for anything else
 */
TerraClipboardType terra_clipboard_type_for_mime (const char *mime);

/**
 * terra_clipboard_mime_for_type:
 * @type: an agent clipboard type
 *
 * Returns: (nullable): the MIME type GDK should offer for @type
 *   ("text/plain;charset=utf-8", "image/png", …), or %NULL for an unknown
 *   type
 */
const char        *terra_clipboard_mime_for_type (TerraClipboardType type);

/**
 * terra_clipboard_types_for_mimes:
 * @mimes: (array zero-terminated=1): what the host clipboard offers
 * @types: (out caller-allocates) (array fixed-size=2): the agent types to
 *   grab with, best first: UTF8_TEXT when any text is offered, IMAGE_PNG
 *   when any image is (GDK reads any image it knows as a texture, and PNG
 *   is the image type every agent takes — spice/vd_agent.h)
 *
 * Returns: how many of @types were set (0: nothing the agent can take)
 */
guint              terra_clipboard_types_for_mimes (const char * const *mimes,
                                                    guint32            *types);

/**
 * terra_clipboard_text_to_guest:
 * @text: UTF-8 text from the host (LF line ends)
 * @crlf: whether the guest wants CRLF line ends (a Windows guest: the agent
 *   capability VD_AGENT_CAP_GUEST_LINEEND_CRLF)
 * @length: (out): the length of the result in bytes, without the NUL
 *
 * Returns: (transfer full): @text as the guest wants it; lone LFs become
 *   CRLF when @crlf, existing CRLFs are kept
 */
char              *terra_clipboard_text_to_guest (const char *text,
                                                  gboolean    crlf,
                                                  gsize      *length);

/**
 * terra_clipboard_text_from_guest:
 * @data: (array length=length): the guest's UTF8_TEXT bytes (not
 *   NUL-terminated; a trailing NUL is dropped)
 * @length: bytes in @data
 * @crlf: whether the guest uses CRLF line ends (they become LF)
 *
 * Returns: (transfer full) (nullable): the text for the host, or %NULL when
 *   @data is not valid UTF-8
 */
char              *terra_clipboard_text_from_guest (const guint8 *data,
                                                    gsize         length,
                                                    gboolean      crlf);

G_END_DECLS
