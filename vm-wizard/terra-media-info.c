/* terra-media-info.c — what an installer image is, by libosinfo
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-media-info"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "terra-error.h"
#include "terra-media-info.h"

struct _TerraMediaInfo
{
  GObject   parent_instance;

  char     *path;
  OsinfoOs *os;          /* NULL when libosinfo does not know the media */
  char     *os_name;     /* the media's OS variant name if it has one ("Fedora Workstation 36"), else the OS's */
  char     *family;      /* libosinfo's, or our guess from the volume id */
  char     *arch;
  char     *volume_id;
  gboolean  installer;
  gboolean  live;
};

G_DEFINE_FINAL_TYPE (TerraMediaInfo, terra_media_info, G_TYPE_OBJECT)

/* ISO 9660: the primary volume descriptor is at sector 16 (2048-byte
 * sectors); its byte 0 is the type, bytes 1–5 are "CD001" (ECMA-119 §8.4). */
#define ISO9660_PVD_OFFSET (16 * 2048)

static void
terra_media_info_finalize (GObject *object)
{
  TerraMediaInfo *self = TERRA_MEDIA_INFO (object);

  g_free (self->path);
  g_clear_object (&self->os);
  g_free (self->os_name);
  g_free (self->family);
  g_free (self->arch);
  g_free (self->volume_id);

  G_OBJECT_CLASS (terra_media_info_parent_class)->finalize (object);
}

static void
terra_media_info_class_init (TerraMediaInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = terra_media_info_finalize;
}

static void
terra_media_info_init (TerraMediaInfo *self)
{
}

/* Checks that @path is a readable, non-empty ISO 9660 image without ever
 * blocking: stat() before open() so a FIFO or device is refused unopened. */
static gboolean
check_iso_file (const char  *path,
                GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  struct stat st;
  char magic[6] = { 0 };
  int fd;
  ssize_t got;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” cannot be used: %s."), display, g_strerror (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” is a folder. Choose an installer image file (.iso)."), display);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” is not a regular file. Choose an installer image file (.iso)."), display);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” is empty. The download may have failed; try downloading it again."), display);
      return FALSE;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” cannot be read: %s."), display, g_strerror (saved));
      return FALSE;
    }
  got = pread (fd, magic, 5, ISO9660_PVD_OFFSET + 1);
  close (fd);
  if (got != 5 || memcmp (magic, "CD001", 5) != 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” is not a CD/DVD image (ISO 9660). Choose an installer image file (.iso)."),
                   display);
      return FALSE;
    }
  return TRUE;
}

/* Family guesses for media libosinfo does not know (osinfo-db 20221130 on
 * Debian 12 predates Debian 12, Ubuntu 24.04 and Fedora 38). Matched
 * case-insensitively against the volume id; the patterns follow the volume
 * ids those distributions use ("Debian 12.5.0 amd64 n", "Ubuntu 24.04 LTS
 * amd64", "Fedora-WS-Live-39-1-5", "CCCOMA_X64FRE_EN-US_DV9" for Windows). */
static const struct {
  const char *needle;
  const char *family;
} family_patterns[] = {
  { "debian", "debian" },
  { "ubuntu", "ubuntu" },
  { "kubuntu", "ubuntu" },
  { "xubuntu", "ubuntu" },
  { "fedora", "fedora" },
  { "rhel", "rhel" },
  { "centos", "centos" },
  { "rocky", "rocky" },
  { "alma", "almalinux" },
  { "opensuse", "opensuse" },
  { "sle", "sles" },
  { "arch", "archlinux" },
  { "manjaro", "manjaro" },
  { "mint", "linuxmint" },
  { "freebsd", "freebsd" },
  { "openbsd", "openbsd" },
  { "netbsd", "netbsd" },
  { "alpine", "alpinelinux" },
  { "cccoma", "winnt" },
  { "win", "winnt" },
  { "ssss_", "winnt" },
};

static char *
guess_family (const char *volume_id)
{
  g_autofree char *lower = NULL;

  if (volume_id == NULL)
    return NULL;
  lower = g_ascii_strdown (volume_id, -1);
  for (guint i = 0; i < G_N_ELEMENTS (family_patterns); i++)
    if (strstr (lower, family_patterns[i].needle) != NULL)
      return g_strdup (family_patterns[i].family);
  return NULL;
}

/**
 * terra_media_info_detect_sync:
 * @path: a file name in the GLib file name encoding
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_INVALID_MEDIA when @path is missing, a folder, a
 *   FIFO or other non-regular file, empty, unreadable or not ISO 9660;
 *   %TERRA_ERROR_FAILED when osinfo-db cannot be loaded
 *
 * Identifies installer media with libosinfo (osinfo_media_create_from_location()
 * reads the ISO volume, system, publisher and application ids;
 * osinfo_db_identify_media() matches them against osinfo-db). Unknown media
 * is not an error: it gives an object with identified = %FALSE and, when
 * the volume id suggests one, a family guess. Blocking; call from a worker.
 *
 * Returns: (transfer full) (nullable): what the media is
 */
TerraMediaInfo *
terra_media_info_detect_sync (const char    *path,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(TerraMediaInfo) self = NULL;
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  OsinfoDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  if (*path == '\0')
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA, _("No installer image was given."));
      return NULL;
    }
  if (!check_iso_file (path, error))
    return NULL;

  db = terra_os_db_get (error);
  if (db == NULL)
    return NULL;

  display = g_filename_display_name (path);
  {
    /* osinfo_media_create_from_location() runs a main loop on the thread-default
     * context until its async read is done. In a worker thread that is the
     * global default context, which the GUI's main thread owns: the two threads
     * then race for it and detection can hang. A private context for this
     * thread keeps libosinfo's loop to itself. */
    g_autoptr(GMainContext) context = g_main_context_new ();

    g_main_context_push_thread_default (context);
    media = osinfo_media_create_from_location (path, cancellable, &local_error);
    g_main_context_pop_thread_default (context);
  }
  if (media == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("“%s” could not be read as an installer image.\n\n%s"),
                   display, local_error->message);
      return NULL;
    }

  self = g_object_new (TERRA_TYPE_MEDIA_INFO, NULL);
  self->path = g_canonicalize_filename (path, NULL);
  self->volume_id = g_strdup (osinfo_media_get_volume_id (media));

  if (osinfo_db_identify_media (db, media))
    {
      /* (transfer full), per libosinfo's annotation. */
      OsinfoOs *os = osinfo_media_get_os (media);

      self->os = os;
      self->installer = osinfo_media_get_installer (media);
      self->live = osinfo_media_get_live (media);
      self->arch = g_strdup (osinfo_media_get_architecture (media));
      if (os != NULL)
        {
          /* Like osinfo-detect: the variant's name when the media is one. */
          g_autoptr(OsinfoOsVariantList) variants = osinfo_media_get_os_variants (media);

          if (variants != NULL && osinfo_list_get_length (OSINFO_LIST (variants)) > 0)
            self->os_name = g_strdup (osinfo_os_variant_get_name (
              OSINFO_OS_VARIANT (osinfo_list_get_nth (OSINFO_LIST (variants), 0))));
          if (self->os_name == NULL)
            self->os_name = g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os)));
          self->family = g_strdup (osinfo_os_get_family (os));
        }
    }
  else
    {
      self->installer = TRUE;
      self->family = guess_family (self->volume_id);
    }
  if (self->arch == NULL)
    self->arch = g_strdup ("x86_64");

  return g_steal_pointer (&self);
}

static void
detect_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  TerraMediaInfo *info = terra_media_info_detect_sync (task_data, cancellable, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, g_object_unref);
}

/**
 * terra_media_info_detect_async:
 * @path: a file name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * terra_media_info_detect_sync() in a worker thread.
 */
void
terra_media_info_detect_async (const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, terra_media_info_detect_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, detect_worker);
}

/**
 * terra_media_info_detect_finish:
 * @result: the result
 * @error: as terra_media_info_detect_sync()
 *
 * Returns: (transfer full) (nullable): what the media is
 */
TerraMediaInfo *
terra_media_info_detect_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/** terra_media_info_get_path: Returns: (transfer none): the canonical path */
const char *
terra_media_info_get_path (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->path;
}

/** terra_media_info_get_identified: Returns: whether libosinfo knows the media */
gboolean
terra_media_info_get_identified (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), FALSE);
  return self->os != NULL;
}

/** terra_media_info_get_os: Returns: (transfer none) (nullable): the OS libosinfo matched */
OsinfoOs *
terra_media_info_get_os (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->os;
}

/** terra_media_info_get_os_id: Returns: (transfer none) (nullable): libosinfo id URI */
const char *
terra_media_info_get_os_id (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->os ? osinfo_entity_get_id (OSINFO_ENTITY (self->os)) : NULL;
}

/** terra_media_info_get_os_short_id: Returns: (transfer none) (nullable): libosinfo short id, e.g. "debian11" */
const char *
terra_media_info_get_os_short_id (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->os ? osinfo_product_get_short_id (OSINFO_PRODUCT (self->os)) : NULL;
}

/**
 * terra_media_info_get_os_name:
 * @self: a #TerraMediaInfo
 *
 * The name osinfo-detect prints: the media's OS variant ("Fedora
 * Workstation 36") when libosinfo lists one, else the OS ("Debian 11").
 *
 * Returns: (transfer none) (nullable): the name, %NULL when unidentified
 */
const char *
terra_media_info_get_os_name (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->os_name;
}

/** terra_media_info_get_family: Returns: (transfer none) (nullable): libosinfo family ("linux", "winnt"…) or a guess from the volume id */
const char *
terra_media_info_get_family (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->family;
}

/** terra_media_info_get_arch: Returns: (transfer none): architecture, "x86_64" when unknown */
const char *
terra_media_info_get_arch (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->arch;
}

/** terra_media_info_get_volume_id: Returns: (transfer none) (nullable): the ISO volume id */
const char *
terra_media_info_get_volume_id (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->volume_id;
}

/** terra_media_info_get_installer: Returns: whether the media installs an OS */
gboolean
terra_media_info_get_installer (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), FALSE);
  return self->installer;
}

/** terra_media_info_get_live: Returns: whether the media runs as a live system */
gboolean
terra_media_info_get_live (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), FALSE);
  return self->live;
}

/**
 * terra_media_info_get_recommended:
 * @self: a #TerraMediaInfo
 * @out: (out caller-allocates): libosinfo's recommended resources; zeros when unknown
 */
void
terra_media_info_get_recommended (TerraMediaInfo *self,
                                  TerraResources *out)
{
  g_return_if_fail (TERRA_IS_MEDIA_INFO (self));
  *out = (TerraResources) { 0 };
  if (self->os != NULL)
    terra_os_db_get_resources (self->os, self->arch, out, NULL);
}

/**
 * terra_media_info_get_minimum:
 * @self: a #TerraMediaInfo
 * @out: (out caller-allocates): libosinfo's minimum resources; zeros when unknown
 */
void
terra_media_info_get_minimum (TerraMediaInfo *self,
                              TerraResources *out)
{
  g_return_if_fail (TERRA_IS_MEDIA_INFO (self));
  *out = (TerraResources) { 0 };
  if (self->os != NULL)
    terra_os_db_get_resources (self->os, self->arch, NULL, out);
}
