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
  char     *guess_name;  /* "Debian 12" when libosinfo does not know it but the volume id says so */
  OsinfoOs *nearest;     /* the known OS of that distribution closest to the guess */
  gboolean  installer;
  gboolean  live;
  gboolean  chosen;      /* the user picked the OS (terra_media_info_choose_os()) */
};

G_DEFINE_FINAL_TYPE (TerraMediaInfo, terra_media_info, G_TYPE_OBJECT)

/* ISO 9660: the primary volume descriptor is at sector 16 (2048-byte
 * sectors); its byte 0 is the type, bytes 1–5 are "CD001" (ECMA-119 §8.4). */
#define ISO9660_PVD_OFFSET (16 * 2048)

/**
 * terra_iso9660_probe:
 * @path: a file
 * @volume_id: (out) (optional) (transfer full) (nullable): the volume id
 *   (ECMA-119 8.4.6: 32 characters at byte 40 of the primary volume
 *   descriptor), trailing spaces cut; %NULL when blank or not ISO 9660
 * @error: a #GIOError when @path cannot be opened
 *
 * Whether @path is an ISO 9660 image: "CD001" in the primary volume
 * descriptor at sector 16 (2048-byte sectors, ECMA-119 8.4). Reads 72
 * bytes; a file too short to hold the descriptor is not ISO 9660 (no
 * error).
 *
 * Returns: %TRUE for an ISO 9660 image
 */
gboolean
terra_iso9660_probe (const char  *path,
                     char       **volume_id,
                     GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  char pvd[72] = { 0 };
  gsize n = 0;

  if (volume_id != NULL)
    *volume_id = NULL;
  if (in == NULL)
    return FALSE;
  if (!g_seekable_seek (G_SEEKABLE (in), ISO9660_PVD_OFFSET, G_SEEK_SET, NULL, NULL) ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), pvd, sizeof pvd, &n, NULL, NULL) ||
      n != sizeof pvd || memcmp (pvd + 1, "CD001", 5) != 0)
    return FALSE;
  if (volume_id != NULL)
    {
      g_autofree char *id = g_strndup (pvd + 40, 32);
      g_strchomp (id);
      if (*id != '\0')
        *volume_id = g_steal_pointer (&id);
    }
  return TRUE;
}

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
  g_free (self->guess_name);
  g_clear_object (&self->nearest);

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

/* Guesses for media libosinfo does not know (osinfo-db 20221130 on Debian 12
 * predates Debian 12, Ubuntu 24.04 and Fedora 38). Matched case-insensitively
 * against the volume id; the patterns follow the volume ids those
 * distributions use ("Debian 12.5.0 amd64 n", "Ubuntu 24.04 LTS amd64",
 * "Fedora-WS-Live-39-1-5", "CCCOMA_X64FRE_EN-US_DV9" for Windows). @distro is
 * libosinfo's "distro" of that family's OSes, @label its name for people,
 * @version a regular expression whose first group is the release. */
static const struct {
  const char *needle;
  const char *family;
  const char *distro;
  const char *label;
  const char *version;
} family_patterns[] = {
  { "kubuntu", "ubuntu", "ubuntu", "Kubuntu", "kubuntu[ _-]*(\\d+\\.\\d+)" },
  { "xubuntu", "ubuntu", "ubuntu", "Xubuntu", "xubuntu[ _-]*(\\d+\\.\\d+)" },
  { "ubuntu", "ubuntu", "ubuntu", "Ubuntu", "ubuntu[ _-]*(\\d+\\.\\d+)" },
  { "debian", "debian", "debian", "Debian", "debian[ _-]*(\\d+)" },
  { "fedora", "fedora", "fedora", "Fedora", "fedora\\S*?[-_ ](\\d{2})(?:[-_ .]|$)" },
  { "rhel", "rhel", "rhel", "Red Hat Enterprise Linux", "rhel[-_ ]*(\\d+(?:[._-]\\d+)?)" },
  { "centos", "centos", "centos", "CentOS", "centos[^\\d]*(\\d+)" },
  { "rocky", "rocky", "rocky", "Rocky Linux", "rocky[^\\d]*(\\d+(?:\\.\\d+)?)" },
  { "alma", "almalinux", "almalinux", "AlmaLinux", "alma[^\\d]*(\\d+(?:\\.\\d+)?)" },
  { "opensuse", "opensuse", "opensuse", "openSUSE", "opensuse[^\\d]*(\\d+\\.\\d+)" },
  { "sle", "sles", "sles", NULL, NULL },
  { "arch", "archlinux", "archlinux", "Arch Linux", NULL },
  { "manjaro", "manjaro", "manjaro", "Manjaro", NULL },
  { "mint", "linuxmint", "linuxmint", "Linux Mint", "mint[^\\d]*(\\d+(?:\\.\\d+)?)" },
  { "freebsd", "freebsd", "freebsd", "FreeBSD", "freebsd[^\\d]*(\\d+\\.\\d+)" },
  { "openbsd", "openbsd", "openbsd", "OpenBSD", NULL },
  { "netbsd", "netbsd", "netbsd", "NetBSD", NULL },
  { "alpine", "alpinelinux", "alpinelinux", "Alpine Linux", "alpine[^\\d]*(\\d+\\.\\d+)" },
  { "cccoma", "winnt", NULL, NULL, NULL },
  { "win", "winnt", NULL, NULL, NULL },
  { "ssss_", "winnt", NULL, NULL, NULL },
};

static int
guess_index (const char *volume_id)
{
  g_autofree char *lower = NULL;

  if (volume_id == NULL)
    return -1;
  lower = g_ascii_strdown (volume_id, -1);
  for (guint i = 0; i < G_N_ELEMENTS (family_patterns); i++)
    if (strstr (lower, family_patterns[i].needle) != NULL)
      return (int)i;
  return -1;
}

static char *
guess_family (const char *volume_id)
{
  int i = guess_index (volume_id);
  return i >= 0 ? g_strdup (family_patterns[i].family) : NULL;
}

/* The release in @volume_id by the pattern's expression ("12", "24.04"). */
static char *
guess_version (const char *volume_id,
               int         index)
{
  g_autoptr(GRegex) re = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *lower = NULL;

  if (index < 0 || family_patterns[index].version == NULL)
    return NULL;
  re = g_regex_new (family_patterns[index].version, 0, 0, NULL);
  lower = g_ascii_strdown (volume_id, -1);
  if (re == NULL || !g_regex_match (re, lower, 0, &match))
    return NULL;
  return g_strdelimit (g_match_info_fetch (match, 1), "_-", '.');
}

/* Compares dotted versions numerically ("9" < "10", "22.04" < "22.10"). */
static int
compare_versions (const char *a,
                  const char *b)
{
  g_auto(GStrv) pa = g_strsplit (a, ".", -1);
  g_auto(GStrv) pb = g_strsplit (b, ".", -1);

  for (guint i = 0; pa[i] != NULL || pb[i] != NULL; i++)
    {
      guint64 va = pa[i] ? g_ascii_strtoull (pa[i], NULL, 10) : 0;
      guint64 vb = pb[i] ? g_ascii_strtoull (pb[i], NULL, 10) : 0;
      if (va != vb)
        return va < vb ? -1 : 1;
      if (pa[i] == NULL || pb[i] == NULL)
        break;
    }
  return 0;
}

/* The known OS of @distro nearest to @version: the newest release not
 * newer than it (a Debian 12 installer gets Debian 11's settings), else the
 * oldest; with no version, the newest. */
static OsinfoOs *
nearest_os (OsinfoDb   *db,
            const char *distro,
            const char *version)
{
  g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (db);
  OsinfoOs *below = NULL, *above = NULL;
  const char *below_v = NULL, *above_v = NULL;

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *v = osinfo_product_get_version (OSINFO_PRODUCT (os));

      if (g_strcmp0 (osinfo_os_get_distro (os), distro) != 0 || v == NULL || !g_ascii_isdigit (v[0]))
        continue;
      if (version == NULL || compare_versions (v, version) <= 0)
        {
          if (below == NULL || compare_versions (v, below_v) > 0)
            below = os, below_v = v;
        }
      else if (above == NULL || compare_versions (v, above_v) < 0)
        above = os, above_v = v;
    }
  return below ? g_object_ref (below) : above ? g_object_ref (above) : NULL;
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
      int index = guess_index (self->volume_id);

      self->installer = TRUE;
      self->family = guess_family (self->volume_id);
      if (index >= 0 && family_patterns[index].distro != NULL)
        {
          g_autofree char *version = guess_version (self->volume_id, index);
          self->nearest = nearest_os (db, family_patterns[index].distro, version);
          if (family_patterns[index].label != NULL)
            self->guess_name = version ? g_strdup_printf ("%s %s", family_patterns[index].label, version)
                                       : g_strdup (family_patterns[index].label);
        }
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

/**
 * terra_media_info_get_guess_name:
 * @self: a #TerraMediaInfo
 *
 * For media libosinfo does not know: what its volume id says ("Debian 12",
 * "Ubuntu 24.04"), by the documented patterns at the top of
 * terra-media-info.c.
 *
 * Returns: (transfer none) (nullable): the guess, or %NULL
 */
const char *
terra_media_info_get_guess_name (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->guess_name;
}

/**
 * terra_media_info_get_nearest_os:
 * @self: a #TerraMediaInfo
 *
 * For media libosinfo does not know but whose distribution the volume id
 * names: the known OS of that distribution nearest to the guessed release
 * (the newest not newer than it). Its resources and device support are used.
 *
 * Returns: (transfer none) (nullable): the OS, or %NULL
 */
OsinfoOs *
terra_media_info_get_nearest_os (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), NULL);
  return self->nearest;
}

/**
 * terra_media_info_choose_os:
 * @self: a #TerraMediaInfo
 * @os: (nullable): the OS the user says the media holds, or %NULL for
 *   "unknown or other" (generic settings)
 *
 * The user's choice wins over detection: afterwards the media reports @os
 * (its name, id, family, resources and device support) as identified, or,
 * with %NULL, nothing at all — no OS, no guess, no nearest release.
 */
void
terra_media_info_choose_os (TerraMediaInfo *self,
                            OsinfoOs       *os)
{
  g_return_if_fail (TERRA_IS_MEDIA_INFO (self));

  g_set_object (&self->os, os);
  g_clear_object (&self->nearest);
  g_clear_pointer (&self->guess_name, g_free);
  g_free (self->os_name);
  self->os_name = os ? g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os))) : NULL;
  g_free (self->family);
  self->family = os ? g_strdup (osinfo_os_get_family (os)) : NULL;
  self->chosen = TRUE;
}

/** terra_media_info_get_chosen: Returns: whether the user chose the OS (terra_media_info_choose_os()) */
gboolean
terra_media_info_get_chosen (TerraMediaInfo *self)
{
  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (self), FALSE);
  return self->chosen;
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
  if (self->os != NULL || self->nearest != NULL)
    terra_os_db_get_resources (self->os ? self->os : self->nearest, self->arch, out, NULL);
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
  if (self->os != NULL || self->nearest != NULL)
    terra_os_db_get_resources (self->os ? self->os : self->nearest, self->arch, NULL, out);
}
