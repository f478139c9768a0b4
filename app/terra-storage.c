/* terra-storage.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-storage"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>
#include <glib/gstdio.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-storage.h"

/*
 * The app's own storage pool: a libvirt "dir" pool named "terrarium" over
 * the images directory (by default $XDG_DATA_HOME/terrarium/images), made on
 * first use. All functions block: call them from worker threads.
 */

/**
 * terra_storage_ensure_pool:
 * @conn: a libvirt connection
 * @directory: absolute path of the pool's directory, used when the pool
 *   must be created
 * @error: %TERRA_ERROR_STORAGE with libvirt's or the file system's detail
 *
 * Finds the `terrarium` pool, or defines it over @directory (creating the
 * directory, mode 0700), and makes sure it is active, autostarted and
 * refreshed.
 *
 * Returns: (transfer full) (nullable): the pool, free with virStoragePoolFree()
 */
virStoragePoolPtr
terra_storage_ensure_pool (virConnectPtr   conn,
                           const char     *directory,
                           GError        **error)
{
  /* Workers may get here at once (a lab creates its VMs in parallel): one
   * at a time, or two would define or start the pool and one would fail. */
  static GMutex lock;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  virStoragePoolPtr pool;
  int active;

  pool = virStoragePoolLookupByName (conn, TERRA_STORAGE_POOL_NAME);
  if (pool == NULL)
    {
      g_autoptr(GVirConfigStoragePool) config = gvir_config_storage_pool_new ();
      g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_target_new ();
      g_autofree char *xml = NULL;

      virResetLastError ();

      if (g_mkdir_with_parents (directory, 0700) != 0)
        {
          int errsv = errno;
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE,
                       _("Could not create the folder for disk images, %s.\n\n%s"),
                       directory, g_strerror (errsv));
          return NULL;
        }

      gvir_config_storage_pool_set_pool_type (config, GVIR_CONFIG_STORAGE_POOL_TYPE_DIR);
      gvir_config_storage_pool_set_name (config, TERRA_STORAGE_POOL_NAME);
      gvir_config_storage_pool_target_set_path (target, directory);
      gvir_config_storage_pool_set_target (config, target);
      xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));

      pool = virStoragePoolDefineXML (conn, xml, 0);
      if (pool == NULL)
        {
          terra_set_error_from_libvirt (error, _("Could not set up the storage pool for disk images in %s."),
                                        directory);
          if (error != NULL && *error != NULL)
            (*error)->code = TERRA_ERROR_STORAGE;
          return NULL;
        }
      if (virStoragePoolSetAutostart (pool, 1) < 0)
        virResetLastError ();
    }

  active = virStoragePoolIsActive (pool);
  if (active == 0 && virStoragePoolCreate (pool, VIR_STORAGE_POOL_CREATE_WITH_BUILD) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not activate the storage pool for disk images."));
      if (error != NULL && *error != NULL)
        (*error)->code = TERRA_ERROR_STORAGE;
      virStoragePoolFree (pool);
      return NULL;
    }

  if (virStoragePoolRefresh (pool, 0) < 0)
    virResetLastError (); /* a stale listing only affects name clashes, checked below */

  return pool;
}

/**
 * terra_storage_volume_base_name:
 * @machine_name: a machine name (any UTF-8)
 *
 * A file-name-safe stem for a machine's disk: ASCII letters, digits, '.',
 * '_' and '-' are kept, other characters become '_', at most 48 bytes;
 * "disk" when nothing is left.
 *
 * Returns: (transfer full): the stem, without extension
 */
char *
terra_storage_volume_base_name (const char *machine_name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = machine_name; p != NULL && *p != '\0' && s->len < 48; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '_' || *p == '-' || (*p == '.' && s->len > 0))
        g_string_append_c (s, *p);
      else if (s->len > 0 && s->str[s->len - 1] != '_')
        g_string_append_c (s, '_');
    }
  while (s->len > 0 && s->str[s->len - 1] == '_')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "disk");
  return g_string_free (s, FALSE);
}

/**
 * terra_storage_free_volume_name:
 * @pool: the app's pool
 * @base_name: a stem from terra_storage_volume_base_name()
 * @error: %TERRA_ERROR_STORAGE when the first 999 names are all taken
 *
 * Returns: (transfer full) (nullable): `@base_name.qcow2`, or
 *   `@base_name-N.qcow2` with the first free N: a name no volume in @pool has
 */
char *
terra_storage_free_volume_name (virStoragePoolPtr   pool,
                                const char         *base_name,
                                GError            **error)
{
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s.qcow2", base_name)
                                     : g_strdup_printf ("%s-%u.qcow2", base_name, n);
      virStorageVolPtr vol = virStorageVolLookupByName (pool, name);

      if (vol == NULL)
        {
          virResetLastError ();
          return g_steal_pointer (&name);
        }
      virStorageVolFree (vol);
    }
  g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE,
               _("Could not find a free file name for the disk image."));
  return NULL;
}

/**
 * terra_storage_create_volume:
 * @pool: the app's pool
 * @base_name: a stem from terra_storage_volume_base_name()
 * @capacity_gib: virtual size in GiB (thin: qcow2 allocates on write)
 * @backing_path: (nullable): an image to make the volume an overlay of
 *   (linked clone); it is only ever read
 * @backing_format: (nullable): "qcow2" or "raw" for @backing_path
 * @error: %TERRA_ERROR_STORAGE with libvirt's detail
 *
 * Creates a qcow2 volume named by terra_storage_free_volume_name(): an
 * existing file is never touched.
 *
 * Returns: (transfer full) (nullable): the volume, free with virStorageVolFree()
 */
virStorageVolPtr
terra_storage_create_volume (virStoragePoolPtr   pool,
                             const char         *base_name,
                             guint64             capacity_gib,
                             const char         *backing_path,
                             const char         *backing_format,
                             GError            **error)
{
  g_autofree char *name = terra_storage_free_volume_name (pool, base_name, error);
  g_autoptr(GVirConfigStorageVol) config = NULL;
  g_autofree char *xml = NULL;
  virStorageVolPtr vol;

  if (name == NULL)
    return NULL;
  config = terra_volume_builder_build (name, capacity_gib, backing_path, backing_format);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not create the disk image (%" G_GUINT64_FORMAT " GiB)."),
                                    capacity_gib);
      if (error != NULL && *error != NULL)
        (*error)->code = TERRA_ERROR_STORAGE;
    }
  return vol;
}
