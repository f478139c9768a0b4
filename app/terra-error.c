/* terra-error.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-error"

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "terra-error.h"

G_DEFINE_QUARK (terra-error-quark, terra_error)

/**
 * terra_set_error_from_libvirt:
 * @error: (out) (optional): where to put the error
 * @format: printf format of the summary, what the user was trying to do,
 *   e.g. "Could not start “%s”"
 *
 * Turns libvirt's thread-local last error into a #GError of domain
 * %TERRA_ERROR, in the thread where the libvirt call failed (libvirt's
 * errors are per thread, see virGetLastError(3)). The message is the
 * summary, a blank line, then libvirt's own message. The code is
 * %TERRA_ERROR_LIBVIRT, or %TERRA_ERROR_NOT_CONNECTED when libvirt
 * reports a lost or refused connection. Resets libvirt's last error.
 */
void
terra_set_error_from_libvirt (GError     **error,
                              const char  *format,
                              ...)
{
  g_autofree char *summary = NULL;
  virErrorPtr verr;
  int code = TERRA_ERROR_LIBVIRT;
  va_list args;

  va_start (args, format);
  summary = g_strdup_vprintf (format, args);
  va_end (args);

  verr = virGetLastError ();
  if (verr != NULL && (verr->code == VIR_ERR_NO_CONNECT ||
                       (verr->code == VIR_ERR_SYSTEM_ERROR && verr->domain == VIR_FROM_RPC) ||
                       (verr->code == VIR_ERR_INTERNAL_ERROR && verr->domain == VIR_FROM_RPC)))
    code = TERRA_ERROR_NOT_CONNECTED;

  if (verr != NULL && verr->message != NULL)
    g_set_error (error, TERRA_ERROR, code, "%s\n\n%s", summary, verr->message);
  else
    g_set_error (error, TERRA_ERROR, code, "%s", summary);

  virResetLastError ();
}

/**
 * terra_error_get_summary:
 * @error: a #GError
 *
 * Returns: (transfer full): the part of the message before the first blank
 *   line: what a toast shows.
 */
char *
terra_error_get_summary (const GError *error)
{
  const char *sep;

  g_return_val_if_fail (error != NULL, NULL);

  sep = strstr (error->message, "\n\n");
  if (sep == NULL)
    return g_strdup (error->message);
  return g_strndup (error->message, sep - error->message);
}

/**
 * terra_error_get_detail:
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the technical detail after the first
 *   blank line (e.g. libvirt's message), or %NULL if there is none.
 */
char *
terra_error_get_detail (const GError *error)
{
  const char *sep;

  g_return_val_if_fail (error != NULL, NULL);

  sep = strstr (error->message, "\n\n");
  if (sep == NULL)
    return NULL;
  return g_strdup (sep + 2);
}
