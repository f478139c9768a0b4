/* terra-clipboard-types.c — clipboard types between the host and a SPICE agent
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "terra-clipboard-types.h"

static const struct {
  const char         *mime;
  TerraClipboardType  type;
} mime_types[] = {
  /* the first entry for each type is what GDK is offered */
  { "text/plain;charset=utf-8", TERRA_CLIPBOARD_UTF8_TEXT },
  { "text/plain", TERRA_CLIPBOARD_UTF8_TEXT },
  { "UTF8_STRING", TERRA_CLIPBOARD_UTF8_TEXT },
  { "STRING", TERRA_CLIPBOARD_UTF8_TEXT },
  { "TEXT", TERRA_CLIPBOARD_UTF8_TEXT },
  { "text/plain;charset=UTF-8", TERRA_CLIPBOARD_UTF8_TEXT },
  { "image/png", TERRA_CLIPBOARD_IMAGE_PNG },
  { "image/bmp", TERRA_CLIPBOARD_IMAGE_BMP },
  { "image/x-bmp", TERRA_CLIPBOARD_IMAGE_BMP },
  { "image/tiff", TERRA_CLIPBOARD_IMAGE_TIFF },
  { "image/jpeg", TERRA_CLIPBOARD_IMAGE_JPG },
};

TerraClipboardType
terra_clipboard_type_for_mime (const char *mime)
{
  if (mime == NULL)
    return TERRA_CLIPBOARD_NONE;
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    if (g_ascii_strcasecmp (mime, mime_types[i].mime) == 0)
      return mime_types[i].type;
  return TERRA_CLIPBOARD_NONE;
}

const char *
terra_clipboard_mime_for_type (TerraClipboardType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    if (mime_types[i].type == type)
      return mime_types[i].mime;
  return NULL;
}

guint
terra_clipboard_types_for_mimes (const char * const *mimes,
                                 guint32            *types)
{
  gboolean text = FALSE, image = FALSE;
  guint n = 0;

  for (guint i = 0; mimes != NULL && mimes[i] != NULL; i++)
    {
      TerraClipboardType type = terra_clipboard_type_for_mime (mimes[i]);
      text |= type == TERRA_CLIPBOARD_UTF8_TEXT;
      image |= type >= TERRA_CLIPBOARD_IMAGE_PNG;
    }
  if (text)
    types[n++] = TERRA_CLIPBOARD_UTF8_TEXT;
  if (image)
    types[n++] = TERRA_CLIPBOARD_IMAGE_PNG;
  return n;
}

char *
terra_clipboard_text_to_guest (const char *text,
                               gboolean    crlf,
                               gsize      *length)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);
  if (!crlf)
    {
      *length = strlen (text);
      return g_strdup (text);
    }
  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n' && (p == text || p[-1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, *p);
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

char *
terra_clipboard_text_from_guest (const guint8 *data,
                                 gsize         length,
                                 gboolean      crlf)
{
  GString *out;

  while (length > 0 && data[length - 1] == '\0')
    length--;
  if (!g_utf8_validate ((const char *)data, (gssize)length, NULL))
    return NULL;
  out = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      if (crlf && data[i] == '\r' && i + 1 < length && data[i + 1] == '\n')
        continue;
      if (data[i] == '\0')
        break;  /* nothing past an embedded NUL reaches a C string anyway */
      g_string_append_c (out, (char)data[i]);
    }
  return g_string_free (out, FALSE);
}
