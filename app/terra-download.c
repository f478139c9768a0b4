/* terra-download.c — downloading images over HTTP(S), checked and resumable
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-download"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "terra-download.h"
#include "terra-error.h"

#define CHUNK (256 * 1024)

/* The file's SHA-256 in lower-case hex, or NULL with @error. */
static char *
file_sha256 (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (CHUNK);
  gssize n;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, CHUNK, cancellable, error)) > 0)
    g_checksum_update (sum, buf, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

/* The last path segment of @url, made safe as a file name. */
static char *
file_name_for (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *base = NULL;

  if (uri != NULL && g_uri_get_path (uri) != NULL)
    {
      g_autofree char *path = g_uri_unescape_string (g_uri_get_path (uri), "/");
      if (path != NULL)
        base = g_path_get_basename (path);
    }
  if (base == NULL || g_str_equal (base, "/") || g_str_equal (base, ".") || g_str_equal (base, ".."))
    {
      g_free (base);
      base = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
    }
  g_strdelimit (base, "/\\\n", '_');
  return g_steal_pointer (&base);
}

/**
 * terra_download_dup_target:
 * @url: an http:// or https:// URL
 * @directory: the folder terra_download_sync() is given
 *
 * Where terra_download_sync() puts @url; while it downloads (or after a
 * cancel) the data is in this path + ".part".
 *
 * Returns: (transfer full): the path
 */
char *
terra_download_dup_target (const char *url,
                           const char *directory)
{
  g_autofree char *name = file_name_for (url);
  return g_build_filename (directory, name, NULL);
}

/**
 * terra_download_sync:
 * @url: an http:// or https:// URL
 * @directory: where the file goes (created when missing)
 * @sha256: (nullable): the expected SHA-256 in hex; then a file already
 *   there with that checksum is used without downloading, and a download
 *   with another checksum is deleted and an error
 * @progress: (nullable) (scope call): progress, about twice a second
 * @user_data: data for @progress
 * @cancellable: (nullable): cancels; the part downloaded so far is kept
 *   (as NAME.part) and the next call resumes it with an HTTP Range request
 * @error: %TERRA_ERROR_DOWNLOAD (network or HTTP error, with what to do;
 *   checksum mismatch), %G_IO_ERROR_CANCELLED, or a #GIOError writing the file
 *
 * Downloads @url into @directory with libsoup, named after the URL's last
 * path segment. Blocking: call from a worker thread.
 *
 * Returns: (transfer full) (nullable): the downloaded file's path
 */
char *
terra_download_sync (const char             *url,
                     const char             *directory,
                     const char             *sha256,
                     TerraDownloadProgress   progress,
                     gpointer                user_data,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_autofree char *path = terra_download_dup_target (url, directory);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) part_file = g_file_new_for_path (part);
  g_autofree guchar *buf = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  guint64 offset = 0, received, total = 0;
  gint64 last_report, window_start;
  guint64 window_bytes = 0;
  double rate = 0;
  guint status;
  gssize n;

  if (g_mkdir_with_parents (directory, 0755) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not create the folder %s."), directory);
      return NULL;
    }

  /* Already here and right: nothing to do. */
  if (sha256 != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *have = file_sha256 (path, cancellable, NULL);
      if (have != NULL && g_ascii_strcasecmp (have, sha256) == 0)
        return g_steal_pointer (&path);
    }

  if (g_stat (part, &st) == 0)
    offset = st.st_size;

  session = soup_session_new_with_options ("user-agent", "Terrarium/" PACKAGE_VERSION, "timeout", 60, NULL);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD, _("“%s” is not a URL that can be downloaded."), url);
      return NULL;
    }
  if (offset > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), offset, -1);

  in = soup_session_send (session, msg, cancellable, &local_error);
  if (in == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD,
                     _("Could not download %s. Check the network connection and try again.\n\n%s"),
                     url, local_error->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0)
    out = g_file_append_to (part_file, G_FILE_CREATE_NONE, cancellable, error);
  else if (status == SOUP_STATUS_OK)
    {
      offset = 0;  /* the server ignored the range: start again */
      out = g_file_replace (part_file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && offset > 0)
    {
      /* The part is already complete. */
      out = g_file_append_to (part_file, G_FILE_CREATE_NONE, cancellable, error);
      g_clear_object (&in);
    }
  else
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD,
                   _("The server refused the download of %s (HTTP %u %s). Check the address."),
                   url, status, soup_message_get_reason_phrase (msg));
      return NULL;
    }
  if (out == NULL)
    return NULL;

  if (soup_message_headers_get_content_length (soup_message_get_response_headers (msg)) > 0)
    total = offset + soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  received = offset;
  buf = g_malloc (CHUNK);
  last_report = window_start = g_get_monotonic_time ();
  while (in != NULL && (n = g_input_stream_read (in, buf, CHUNK, cancellable, &local_error)) > 0)
    {
      gint64 now = g_get_monotonic_time ();

      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, n, NULL, cancellable, error))
        return NULL;
      received += n;
      window_bytes += n;
      if (now - window_start >= G_USEC_PER_SEC)
        {
          rate = window_bytes * (double)G_USEC_PER_SEC / (now - window_start);
          window_start = now;
          window_bytes = 0;
        }
      if (progress != NULL && now - last_report >= G_USEC_PER_SEC / 2)
        {
          progress (received, total, rate, user_data);
          last_report = now;
        }
    }
  if (in != NULL && n < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD,
                     _("The download of %s broke off after %" G_GUINT64_FORMAT " bytes; try again to resume it.\n\n%s"),
                     url, received, local_error->message);
      return NULL;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return NULL;
  if (total > 0 && received < total)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD,
                   _("The download of %s ended early (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes); try again to resume it."),
                   url, received, total);
      return NULL;
    }
  if (progress != NULL)
    progress (received, total ? total : received, rate, user_data);

  if (sha256 != NULL)
    {
      got = file_sha256 (part, cancellable, error);
      if (got == NULL)
        return NULL;
      if (g_ascii_strcasecmp (got, sha256) != 0)
        {
          g_unlink (part);
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_DOWNLOAD,
                       _("The file downloaded from %s is not the expected one (SHA-256 %s, expected %s); it was deleted. "
                         "Check the expected checksum and the address."),
                       url, got, sha256);
          return NULL;
        }
    }
  if (g_rename (part, path) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not move the download to %s."), path);
      return NULL;
    }
  return g_steal_pointer (&path);
}
