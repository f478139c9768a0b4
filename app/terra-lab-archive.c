/* terra-lab-archive.c — a lab and its images as one checked tarball
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-lab"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "terra-error.h"
#include "terra-lab-archive.h"

/*
 * Layout: LABNAME/ holds the lab file, every local source image at its path
 * relative to the lab file, and SHA256SUMS (sha256sum's format) for all of
 * them. libarchive writes and reads it (gzip-compressed ustar/pax). Import
 * only ever creates regular files and folders below a new folder: absolute
 * paths, "..", links and devices are refused, and a failed import removes
 * what it extracted.
 */

#define CHUNK (256 * 1024)

static char *
sha256_of_file (const char  *path,
                GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (CHUNK);
  int fd = g_open (path, O_RDONLY, 0);
  gssize n;

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not read %s: %s"), path, g_strerror (errno));
      return NULL;
    }
  while ((n = read (fd, buf, CHUNK)) > 0)
    g_checksum_update (sum, buf, n);
  close (fd);
  if (n < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not read %s."), path);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
archive_failed (struct archive  *a,
                const char      *what,
                GError         **error)
{
  g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, "%s\n\n%s", what, archive_error_string (a));
  return FALSE;
}

static gboolean
write_entry_file (struct archive  *a,
                  const char      *name,
                  const char      *path,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  struct archive_entry *entry;
  g_autofree guchar *buf = NULL;
  GStatBuf st;
  int fd;
  gssize n;

  if (g_stat (path, &st) < 0 || (fd = g_open (path, O_RDONLY, 0)) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not read %s: %s"), path, g_strerror (errno));
      return FALSE;
    }
  entry = archive_entry_new ();
  archive_entry_set_pathname (entry, name);
  archive_entry_set_size (entry, st.st_size);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_mtime (entry, st.st_mtime, 0);
  if (archive_write_header (a, entry) != ARCHIVE_OK)
    {
      archive_entry_free (entry);
      close (fd);
      return archive_failed (a, _("Could not write the archive."), error);
    }
  archive_entry_free (entry);
  buf = g_malloc (CHUNK);
  while ((n = read (fd, buf, CHUNK)) > 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error) || archive_write_data (a, buf, n) != n)
        {
          close (fd);
          return error && *error ? FALSE : archive_failed (a, _("Could not write the archive."), error);
        }
    }
  close (fd);
  return TRUE;
}

static gboolean
write_entry_data (struct archive  *a,
                  const char      *name,
                  const char      *data,
                  GError         **error)
{
  struct archive_entry *entry = archive_entry_new ();
  gsize len = strlen (data);

  archive_entry_set_pathname (entry, name);
  archive_entry_set_size (entry, len);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_mtime (entry, g_get_real_time () / G_USEC_PER_SEC, 0);
  if (archive_write_header (a, entry) != ARCHIVE_OK || archive_write_data (a, data, len) != (la_ssize_t)len)
    {
      archive_entry_free (entry);
      return archive_failed (a, _("Could not write the archive."), error);
    }
  archive_entry_free (entry);
  return TRUE;
}

/* A shared folder's subfolders (in @dirs) and regular files (in @rel/@abs),
 * relative to @prefix; links and special files are left out. */
static void
collect_folder (const char *path,
                const char *prefix,
                GPtrArray  *dirs,
                GPtrArray  *rel,
                GPtrArray  *abs)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_ptr_array_add (dirs, g_strdup (path + strlen (prefix)));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect_folder (child, prefix, dirs, rel, abs);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR) &&
               !g_ptr_array_find_with_equal_func (abs, child, g_str_equal, NULL))
        {
          g_ptr_array_add (rel, g_strdup (child + strlen (prefix)));
          g_ptr_array_add (abs, g_strdup (child));
        }
    }
}

static gboolean
write_entry_dir (struct archive  *a,
                 const char      *name,
                 GError         **error)
{
  struct archive_entry *entry = archive_entry_new ();

  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFDIR);
  archive_entry_set_perm (entry, 0755);
  archive_entry_set_mtime (entry, g_get_real_time () / G_USEC_PER_SEC, 0);
  if (archive_write_header (a, entry) != ARCHIVE_OK)
    {
      archive_entry_free (entry);
      return archive_failed (a, _("Could not write the archive."), error);
    }
  archive_entry_free (entry);
  return TRUE;
}

/**
 * terra_lab_export_sync:
 * @lab: a checked lab
 * @archive_path: the .tar.gz to write (replaced when it exists)
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_INVALID_LAB when a local source is outside the lab
 *   file's folder (the archive keeps paths relative to the lab file, so the
 *   lab file stays valid after import); %TERRA_ERROR_FAILED or a #GIOError
 *   when reading or writing fails (no partial archive is left)
 *
 * Writes the lab file, its local source images, its shared folders (files
 * and subfolders; links are left out) and SHA256SUMS into one
 * gzip-compressed tarball under a folder named after the lab. URL and OS
 * sources are not included: they are downloaded (and checked) on `up`.
 * Blocking.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_lab_export_sync (TerraLab      *lab,
                       const char    *archive_path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) rel = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) abs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sums = g_string_new (NULL);
  g_autoptr(GString) outside = g_string_new (NULL);
  g_autofree char *tmp = g_strconcat (archive_path, ".part", NULL);
  g_autofree char *prefix = g_strconcat (lab->directory, G_DIR_SEPARATOR_S, NULL);
  struct archive *a;
  gboolean ok = TRUE;

  g_ptr_array_add (rel, g_path_get_basename (lab->path));
  g_ptr_array_add (abs, g_strdup (lab->path));
  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      if (vm->shared_folder != NULL)
        {
          if (!g_str_has_prefix (vm->shared_folder, prefix))
            g_string_append_printf (outside, "%s%s:%u:%u: %s", outside->len ? "\n" : "", lab->display_path, vm->line,
                                    vm->column, vm->shared_folder);
          else if (!g_ptr_array_find_with_equal_func (dirs, vm->shared_folder + strlen (prefix), g_str_equal, NULL))
            collect_folder (vm->shared_folder, prefix, dirs, rel, abs);
        }
      if (vm->source_kind != TERRA_LAB_SOURCE_FILE)
        continue;
      if (!g_str_has_prefix (vm->source, prefix))
        {
          g_string_append_printf (outside, "%s%s:%u:%u: %s", outside->len ? "\n" : "", lab->display_path, vm->line,
                                  vm->column, vm->source);
          continue;
        }
      if (g_ptr_array_find_with_equal_func (abs, vm->source, g_str_equal, NULL))
        continue;
      g_ptr_array_add (rel, g_strdup (vm->source + strlen (prefix)));
      g_ptr_array_add (abs, g_strdup (vm->source));
    }
  if (outside->len > 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB,
                   _("Sources and shared folders outside the lab file’s folder cannot be exported; move them next to the lab file and use relative paths:\n%s"),
                   outside->str);
      return FALSE;
    }

  for (guint i = 0; i < abs->len; i++)
    {
      g_autofree char *sum = sha256_of_file (g_ptr_array_index (abs, i), error);
      if (sum == NULL)
        return FALSE;
      g_string_append_printf (sums, "%s  %s\n", sum, (const char *)g_ptr_array_index (rel, i));
    }

  a = archive_write_new ();
  archive_write_add_filter_gzip (a);
  archive_write_set_format_pax_restricted (a);
  if (archive_write_open_filename (a, tmp) != ARCHIVE_OK)
    ok = archive_failed (a, _("Could not create the archive."), error);
  for (guint i = 0; ok && i < dirs->len; i++)
    {
      g_autofree char *name = g_build_filename (lab->name, g_ptr_array_index (dirs, i), NULL);
      ok = write_entry_dir (a, name, error);
    }
  for (guint i = 0; ok && i < abs->len; i++)
    {
      g_autofree char *name = g_build_filename (lab->name, g_ptr_array_index (rel, i), NULL);
      ok = write_entry_file (a, name, g_ptr_array_index (abs, i), cancellable, error);
    }
  if (ok)
    {
      g_autofree char *name = g_build_filename (lab->name, TERRA_LAB_ARCHIVE_SUMS, NULL);
      ok = write_entry_data (a, name, sums->str, error);
    }
  if (ok && archive_write_close (a) != ARCHIVE_OK)
    ok = archive_failed (a, _("Could not finish the archive."), error);
  archive_write_free (a);

  if (ok && g_rename (tmp, archive_path) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not write %s: %s"), archive_path,
                   g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

/* An entry name that stays below the target folder. */
static gboolean
safe_entry_name (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || name[0] == '\0' || g_path_is_absolute (name))
    return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static gboolean
extract (const char    *archive_path,
         const char    *directory,
         GCancellable  *cancellable,
         GError       **error)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  g_autofree guchar *buf = g_malloc (CHUNK);
  gboolean ok = TRUE;
  int r;

  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_filename (a, archive_path, CHUNK) != ARCHIVE_OK)
    {
      ok = archive_failed (a, _("This is not a lab archive Terrarium can read."), error);
      archive_read_free (a);
      return ok;
    }
  while (ok && (r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      g_autofree char *target = NULL;
      mode_t type = archive_entry_filetype (entry);
      la_ssize_t n;
      int fd;

      if (!safe_entry_name (name) || (type != AE_IFREG && type != AE_IFDIR))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB,
                       _("The archive holds “%s”, which is not a plain file inside it; it was not imported."),
                       name ? name : "?");
          ok = FALSE;
          break;
        }
      target = g_build_filename (directory, name, NULL);
      if (type == AE_IFDIR)
        {
          g_mkdir_with_parents (target, 0755);
          continue;
        }
      {
        g_autofree char *parent = g_path_get_dirname (target);
        g_mkdir_with_parents (parent, 0755);
      }
      fd = g_open (target, O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not write %s: %s"), target,
                       g_strerror (errno));
          ok = FALSE;
          break;
        }
      while ((n = archive_read_data (a, buf, CHUNK)) > 0)
        if (write (fd, buf, n) != n || g_cancellable_is_cancelled (cancellable))
          {
            n = -1;
            break;
          }
      close (fd);
      if (n < 0)
        {
          if (!g_cancellable_set_error_if_cancelled (cancellable, error))
            archive_failed (a, _("The archive is damaged."), error);
          ok = FALSE;
        }
    }
  if (ok && r != ARCHIVE_EOF)
    ok = archive_failed (a, _("The archive is damaged."), error);
  archive_read_free (a);
  return ok;
}

/* Checks SHA256SUMS in the one folder below @directory; returns the lab
 * file's path. */
static char *
verify (const char  *directory,
        GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, error);
  g_autofree char *sums_path = NULL;
  g_autofree char *top = NULL;
  g_autofree char *text = NULL;
  g_autofree char *lab_path = NULL;
  g_auto(GStrv) lines = NULL;
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *candidate = g_build_filename (directory, name, TERRA_LAB_ARCHIVE_SUMS, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        {
          sums_path = g_steal_pointer (&candidate);
          top = g_build_filename (directory, name, NULL);
          break;
        }
    }
  if (sums_path == NULL || !g_file_get_contents (sums_path, &text, NULL, NULL))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB,
                   _("The archive has no %s, so its files cannot be checked; it was not imported."), TERRA_LAB_ARCHIVE_SUMS);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *sum = NULL;
      const char *file;

      if (lines[i][0] == '\0')
        continue;
      if (strlen (lines[i]) < 67 || lines[i][64] != ' ' || !safe_entry_name (lines[i] + 66))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB, _("%s line %u is not a checksum line."),
                       TERRA_LAB_ARCHIVE_SUMS, i + 1);
          return NULL;
        }
      file = lines[i] + 66;
      path = g_build_filename (top, file, NULL);
      sum = sha256_of_file (path, NULL);
      if (sum == NULL || g_ascii_strncasecmp (sum, lines[i], 64) != 0)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB,
                       sum == NULL ? _("The archive lacks “%s”, which its checksums list; it was not imported.")
                                   : _("“%s” does not match its checksum: the archive is damaged or was changed; it was not imported."),
                       file);
          return NULL;
        }
      if (lab_path == NULL && g_str_has_suffix (file, TERRA_LAB_SUFFIX))
        lab_path = g_steal_pointer (&path);
    }
  if (lab_path == NULL)
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB, _("The archive holds no *%s lab file."), TERRA_LAB_SUFFIX);
  return g_steal_pointer (&lab_path);
}

/**
 * terra_lab_import_sync:
 * @archive_path: a tarball made by terra_lab_export_sync()
 * @directory: a folder that does not exist yet (or is empty): the lab goes
 *   into DIRECTORY/LABNAME/
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_INVALID_LAB (unsafe entry, missing or wrong checksum,
 *   no lab file, or a lab file with problems), %TERRA_ERROR_FAILED (not an
 *   archive), %G_IO_ERROR_EXISTS (@directory has files)
 *
 * Extracts the archive and checks every file against SHA256SUMS, then
 * checks the lab file itself. On any failure what was extracted is removed
 * again; nothing outside @directory is ever written. Blocking.
 *
 * Returns: (transfer full) (nullable): the imported lab file's path
 */
char *
terra_lab_import_sync (const char    *archive_path,
                       const char    *directory,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GDir) existing = g_dir_open (directory, 0, NULL);
  g_autofree char *lab_path = NULL;
  g_autoptr(TerraLab) lab = NULL;
  gboolean created = existing == NULL;

  if (existing != NULL && g_dir_read_name (existing) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s already has files in it; import into a new folder."), directory);
      return NULL;
    }
  if (g_mkdir_with_parents (directory, 0755) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Could not create %s: %s"), directory,
                   g_strerror (errno));
      return NULL;
    }

  if (extract (archive_path, directory, cancellable, error) &&
      (lab_path = verify (directory, error)) != NULL)
    lab = terra_lab_load (lab_path, NULL, error);

  if (lab == NULL)
    {
      /* Take back what was extracted; the folder too when we made it. */
      GDir *dir = g_dir_open (directory, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (directory, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      if (created)
        g_rmdir (directory);
      return NULL;
    }
  return g_steal_pointer (&lab_path);
}
