/* terra-disk-image.c — inspecting, checking and importing disk images (qemu-img)
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-disk-image"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "terra-disk-image.h"
#include "terra-error.h"

/* A backing chain longer than this is refused (qemu's own limit is 16). */
#define MAX_CHAIN 16

/**
 * terra_disk_image_info_free:
 * @info: (transfer full) (nullable): an info
 *
 * Frees @info.
 */
void
terra_disk_image_info_free (TerraDiskImageInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->format);
  g_free (info->backing);
  g_free (info->backing_full);
  g_strfreev (info->external_files);
  g_free (info);
}

/* @name made absolute against @dir (paths qemu-img prints are relative to
 * the image's folder or absolute). */
static char *
absolute_in (const char *name,
             const char *dir)
{
  if (g_path_is_absolute (name))
    return g_strdup (name);
  return g_build_filename (dir, name, NULL);
}

/**
 * terra_disk_image_inspect_sync:
 * @path: absolute path of a disk image
 * @shared: %TRUE to read an image that may be open in a running VM
 *   (`qemu-img info -U`)
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_INVALID_MEDIA when qemu-img cannot read it (the
 *   message is qemu-img's), or a #G_SPAWN_ERROR when qemu-img is missing
 *
 * Runs `qemu-img info --output=json` on @path. qemu-img does not open the
 * backing file for this, so a hostile image learns nothing from it.
 * Blocking: call from a worker thread.
 *
 * Returns: (transfer full) (nullable): what qemu-img says about @path
 */
TerraDiskImageInfo *
terra_disk_image_inspect_sync (const char    *path,
                               gboolean       shared,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self_path = NULL;
  TerraDiskImageInfo *info;
  JsonObject *obj;
  JsonObject *specific = NULL;
  const char *argv[] = { "qemu-img", "info", "--output=json", "--", NULL, NULL, NULL };

  g_return_val_if_fail (path != NULL, NULL);

  argv[4] = path;
  if (shared)
    {
      /* -U: the image may be open in a running VM (a base of overlays). */
      argv[3] = "-U";
      argv[4] = "--";
      argv[5] = path;
    }
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, cancellable, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (proc) || !json_parser_load_from_data (parser, out, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA, "%s",
                   g_strstrip (err != NULL && *err != '\0' ? err : out));
      return NULL;
    }

  obj = json_node_get_object (json_parser_get_root (parser));
  dir = g_path_get_dirname (path);
  self_path = g_canonicalize_filename (path, NULL);
  info = g_new0 (TerraDiskImageInfo, 1);
  info->format = g_strdup (json_object_get_string_member_with_default (obj, "format", ""));
  info->virtual_size = (guint64)json_object_get_int_member_with_default (obj, "virtual-size", 0);
  info->backing = g_strdup (json_object_get_string_member_with_default (obj, "backing-filename", NULL));
  if (info->backing != NULL)
    info->backing_full = absolute_in (json_object_get_string_member_with_default (obj, "full-backing-filename",
                                                                                    info->backing), dir);

  if (json_object_has_member (obj, "format-specific"))
    {
      JsonObject *fs = json_object_get_object_member (obj, "format-specific");
      if (fs != NULL && json_object_has_member (fs, "data"))
        specific = json_object_get_object_member (fs, "data");
    }
  if (specific != NULL && json_object_has_member (specific, "extents"))
    {
      JsonArray *extents = json_object_get_array_member (specific, "extents");
      for (guint i = 0; extents != NULL && i < json_array_get_length (extents); i++)
        {
          JsonObject *e = json_array_get_object_element (extents, i);
          const char *name = e ? json_object_get_string_member_with_default (e, "filename", NULL) : NULL;
          g_autofree char *abs = NULL;

          if (name == NULL)
            continue;
          /* qemu-img prints extents relative to where it ran or absolute. */
          abs = g_canonicalize_filename (name, NULL);
          if (!g_str_equal (abs, self_path))
            g_ptr_array_add (files, g_steal_pointer (&abs));
        }
    }
  if (specific != NULL && json_object_has_member (specific, "data-file"))
    {
      const char *name = json_object_get_string_member_with_default (specific, "data-file", NULL);
      if (name != NULL)
        g_ptr_array_add (files, absolute_in (name, dir));
    }
  g_ptr_array_add (files, NULL);
  info->external_files = (char **)g_ptr_array_free (g_steal_pointer (&files), FALSE);
  return info;
}

/* Whether @path, with symbolic links resolved, is inside @real_dir. */
static gboolean
inside (const char *path,
        const char *real_dir)
{
  g_autofree char *real = NULL;
  char *resolved = realpath (path, NULL);

  if (resolved == NULL)
    return FALSE;
  real = resolved;
  return g_str_has_prefix (real, real_dir) &&
         (real[strlen (real_dir)] == '/' || g_str_equal (real_dir, "/"));
}

/* @path for a message: with "(a link to REAL)" when links lead elsewhere. */
static char *
link_note (const char *path)
{
  g_autofree char *real = realpath (path, NULL);

  if (real == NULL || g_str_equal (real, path))
    return g_strdup (path);
  return g_strdup_printf (_("%s (a link to %s)"), path, real);
}

static void
refuse_data_outside (GError    **error,
                     const char *name,
                     const char *data_file,
                     const char *directory)
{
  g_autofree char *shown = link_note (data_file);
  g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
               _("The disk image “%s” reads its data from “%s”, which is outside the folder “%s”. "
                 "For your safety it is not imported."),
               name, shown, directory);
}

/* A text VMDK descriptor ("# Disk DescriptorFile") names its extents on
 * lines `ACCESS SECTORS TYPE "FILE" [OFFSET]` (VMware's Virtual Disk Format
 * 1.1, "Extent descriptions"). qemu-img opens them even for `info`, so
 * they are checked before qemu-img sees the file. Sets @outside to the
 * first extent outside @real_dir (relative names are relative to the
 * descriptor's folder). */
static gboolean
vmdk_descriptor_outside (const char  *path,
                         const char  *real_dir,
                         char       **outside)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autofree char *head = g_malloc0 (65537);
  g_autofree char *dir = g_path_get_dirname (path);
  g_auto(GStrv) lines = NULL;
  gsize n = 0;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, 65536, &n, NULL, NULL))
    return FALSE;
  head[n] = '\0';
  if (!g_str_has_prefix (head, "# Disk DescriptorFile"))
    return FALSE;
  lines = g_strsplit (head, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *open, *close;
      g_autofree char *name = NULL;
      g_autofree char *abs = NULL;

      if (!g_str_has_prefix (lines[i], "RW ") && !g_str_has_prefix (lines[i], "RDONLY ") &&
          !g_str_has_prefix (lines[i], "NOACCESS "))
        continue;
      open = strchr (lines[i], '"');
      close = open ? strchr (open + 1, '"') : NULL;
      if (close == NULL)
        continue;
      name = g_strndup (open + 1, close - open - 1);
      abs = absolute_in (name, dir);
      if (!inside (abs, real_dir))
        {
          *outside = g_steal_pointer (&abs);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * terra_disk_image_check_confined:
 * @path: absolute path of the disk image the user picked
 * @directory: the folder every file the image reads must be inside
 *   (normally the folder the user picked the image from)
 * @info_out: (out) (optional) (transfer full): what qemu-img says about @path
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_INVALID_MEDIA when the image, or a file in its
 *   backing chain, cannot be read by qemu-img, reads a file outside
 *   @directory (after resolving symbolic links), or the chain is longer than
 *   16 images
 *
 * Checks that importing @path reads no file outside @directory: qemu-img
 * follows backing files, VMDK extents and qcow2 data files, so an image
 * made to point at /etc/shadow would otherwise copy it into a disk the
 * user (or a guest) can read. Each image of the chain is inspected without
 * opening its backing file. Blocking: call from a worker thread.
 *
 * Returns: %TRUE when the image only reads files inside @directory
 */
gboolean
terra_disk_image_check_confined (const char          *path,
                                 const char          *directory,
                                 TerraDiskImageInfo **info_out,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  g_autoptr(TerraDiskImageInfo) first = NULL;
  g_autofree char *real_dir = NULL;
  g_autofree char *current = g_strdup (path);
  char *resolved;

  g_return_val_if_fail (path != NULL && directory != NULL, FALSE);

  resolved = realpath (directory, NULL);
  if (resolved == NULL)
    {
      int saved = errno;
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("Cannot read the folder “%s”: %s"), directory, g_strerror (saved));
      return FALSE;
    }
  real_dir = resolved;

  for (guint depth = 0; current != NULL; depth++)
    {
      g_autoptr(TerraDiskImageInfo) info = NULL;
      g_autofree char *name = g_path_get_basename (path);

      if (depth > MAX_CHAIN)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                       _("The disk image “%s” has a chain of more than %d backing files."), name, MAX_CHAIN);
          return FALSE;
        }
      if (depth > 0 && !inside (current, real_dir))
        {
          g_autofree char *shown = link_note (current);
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                       _("The disk image “%s” is based on “%s”, which is outside the folder “%s”. "
                         "For your safety only backing files in the image’s own folder are read; "
                         "move them there, or flatten the image first (qemu-img convert -O qcow2)."),
                       name, shown, directory);
          return FALSE;
        }
      {
        g_autofree char *outside = NULL;
        if (vmdk_descriptor_outside (current, real_dir, &outside))
          {
            refuse_data_outside (error, name, outside, directory);
            return FALSE;
          }
      }
      info = terra_disk_image_inspect_sync (current, FALSE, cancellable, error);
      if (info == NULL)
        return FALSE;
      for (guint i = 0; info->external_files[i] != NULL; i++)
        if (!inside (info->external_files[i], real_dir))
          {
            refuse_data_outside (error, name, info->external_files[i], directory);
            return FALSE;
          }
      g_free (current);
      current = g_strdup (info->backing_full);
      if (depth == 0)
        first = g_steal_pointer (&info);
    }

  if (info_out != NULL)
    *info_out = g_steal_pointer (&first);
  return TRUE;
}

/**
 * terra_disk_image_format_importable:
 * @format: a qemu-img format name
 *
 * Returns: whether images of @format can be imported: qcow2, raw, vmdk
 *   (VMware), vdi (VirtualBox), vhdx and vpc (Hyper-V / Virtual PC)
 */
gboolean
terra_disk_image_format_importable (const char *format)
{
  static const char * const formats[] = { "qcow2", "raw", "vmdk", "vdi", "vhdx", "vpc", NULL };
  return format != NULL && g_strv_contains (formats, format);
}

/* Reads qemu-img's "(NN.NN/100%)" progress lines. */
static void
report_progress (const char             *text,
                 int                    *last_percent,
                 TerraDiskImageProgress  progress,
                 gpointer                user_data)
{
  const char *open = strrchr (text, '(');
  double value;

  if (open == NULL || progress == NULL)
    return;
  value = g_ascii_strtod (open + 1, NULL);
  /* Whole percents only: qemu-img repeats itself. */
  if (value >= 0 && value <= 100 && (int)value > *last_percent)
    {
      *last_percent = (int)value;
      progress (value / 100.0, user_data);
    }
}

/**
 * terra_disk_image_convert_sync:
 * @source: absolute path of the image to import (check it first with
 *   terra_disk_image_check_confined())
 * @source_format: its qemu-img format (never probed again here)
 * @dest: absolute path of the qcow2 file to write
 * @into_existing: %FALSE: @dest must not exist and is created; %TRUE: @dest
 *   is an empty qcow2 image (e.g. a volume libvirt just created) at least
 *   as large as @source, written into (`-n --target-is-zero`)
 * @progress: (nullable) (scope call): called from this thread with the
 *   fraction done
 * @user_data: data for @progress
 * @cancellable: (nullable): cancelling stops qemu-img and removes @dest
 * @error: %TERRA_ERROR_STORAGE with qemu-img's message, %G_IO_ERROR_CANCELLED,
 *   %G_IO_ERROR_EXISTS when @dest exists and @into_existing is %FALSE
 *
 * Copies @source into a standalone qcow2 image at @dest with
 * `qemu-img convert -p -O qcow2` (a backing chain is flattened). A failed or
 * cancelled conversion leaves no @dest it created (an existing @dest is left
 * for its owner to delete). Blocking: call from a worker thread.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_disk_image_convert_sync (const char              *source,
                               const char              *source_format,
                               const char              *dest,
                               gboolean                 into_existing,
                               TerraDiskImageProgress   progress,
                               gpointer                 user_data,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) local = NULL;
  GInputStream *out;
  char buf[256];
  int last_percent = -1;
  gssize n;

  g_return_val_if_fail (source != NULL && source_format != NULL && dest != NULL, FALSE);

  if (!into_existing && g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” already exists."), dest);
      return FALSE;
    }

  if (into_existing)
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
                             "qemu-img", "convert", "-p", "-n", "--target-is-zero", "-f", source_format,
                             "-O", "qcow2", "--", source, dest, NULL);
  else
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
                             "qemu-img", "convert", "-p", "-f", source_format, "-O", "qcow2",
                             "--", source, dest, NULL);
  if (proc == NULL)
    return FALSE;

  /* -p writes "    (12.34/100%)\r" to stdout. */
  out = g_subprocess_get_stdout_pipe (proc);
  while ((n = g_input_stream_read (out, buf, sizeof buf, cancellable, &local)) > 0)
    for (gssize i = 0; i < n; i++)
      {
        if (buf[i] == '\r' || buf[i] == '\n')
          {
            report_progress (line->str, &last_percent, progress, user_data);
            g_string_truncate (line, 0);
          }
        else
          g_string_append_c (line, buf[i]);
      }

  if (local == NULL)
    g_subprocess_wait (proc, cancellable, &local);
  if (local != NULL)
    {
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      if (!into_existing)
        g_unlink (dest);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!g_subprocess_get_successful (proc))
    {
      g_autofree char *msg = NULL;
      GInputStream *err = g_subprocess_get_stderr_pipe (proc);
      err_bytes = g_input_stream_read_bytes (err, 16384, NULL, NULL);
      msg = err_bytes ? g_strndup (g_bytes_get_data (err_bytes, NULL), g_bytes_get_size (err_bytes)) : g_strdup ("");
      if (!into_existing)
        g_unlink (dest);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE, _("Could not copy the disk image: %s"),
                   g_strstrip (msg));
      return FALSE;
    }
  if (progress != NULL && last_percent < 100)
    progress (1.0, user_data);
  return TRUE;
}
