/* terra-vm-creator.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-vm-creator"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-os-db.h"
#include "terra-settings.h"
#include "terra-storage.h"
#include "terra-vm-creator.h"

/*
 * Creating a machine is a transaction: volume, define, start. If a step
 * fails, what the earlier steps made is removed again, and the user's media
 * is only ever read (it is attached read-only as a CD-ROM).
 */

/* Memory left to the host when suggesting a guest's RAM: the guest gets at
 * most half of the host's RAM. The full budget is its own piece of work. */
#define HOST_SHARE_DIVISOR 2
/* Generic defaults when libosinfo knows nothing (GNOME Boxes uses similar). */
#define FALLBACK_MEMORY_MIB 2048
#define FALLBACK_VCPUS      2
#define FALLBACK_DISK_GIB   20

static gboolean
name_taken (const char * const *taken,
            const char         *name)
{
  return taken != NULL && g_strv_contains (taken, name);
}

/**
 * terra_vm_creator_suggest_spec:
 * @media: detected installer media
 * @host: (nullable): the host, to keep the suggestion within it
 * @taken_names: (nullable) (array zero-terminated=1): existing machine names
 *
 * What the create flow pre-fills: a name from the OS name (or the file
 * name), unique among @taken_names by a " 2", " 3"… suffix; memory, vCPUs
 * and disk from libosinfo's recommended resources (our generic defaults of
 * 2048 MiB, 2 vCPUs, 20 GiB when it has none), never above the host: memory
 * at most half the host's RAM, vCPUs at most the host's threads.
 *
 * Media newer than the OS database whose volume id names its release
 * ("Debian 12") is named after that guess and gets the nearest known
 * release's settings and device support (terra_media_info_get_nearest_os()).
 *
 * Returns: (transfer full): a spec for terra_vm_creator_create_async()
 */
TerraMachineSpec *
terra_vm_creator_suggest_spec (TerraMediaInfo      *media,
                               const TerraHostInfo *host,
                               const char * const  *taken_names)
{
  TerraMachineSpec *spec = terra_machine_spec_new ();
  TerraResources rec = { 0 };
  TerraResources min = { 0 };
  g_autofree char *base = NULL;

  g_return_val_if_fail (TERRA_IS_MEDIA_INFO (media), NULL);

  terra_media_info_get_recommended (media, &rec);
  terra_media_info_get_minimum (media, &min);

  if (terra_media_info_get_os_name (media) != NULL)
    base = g_strdup (terra_media_info_get_os_name (media));
  else if (terra_media_info_get_guess_name (media) != NULL)
    base = g_strdup (terra_media_info_get_guess_name (media));
  else
    {
      g_autofree char *file = g_path_get_basename (terra_media_info_get_path (media));
      char *dot = strrchr (file, '.');
      if (dot != NULL && dot != file)
        *dot = '\0';
      base = g_steal_pointer (&file);
    }

  spec->name = g_strdup (base);
  for (guint n = 2; name_taken (taken_names, spec->name); n++)
    {
      g_free (spec->name);
      spec->name = g_strdup_printf ("%s %u", base, n);
    }

  spec->media_path = g_strdup (terra_media_info_get_path (media));
  spec->os_id = g_strdup (terra_media_info_get_os_id (media));
  spec->os_short_id = g_strdup (terra_media_info_get_os_short_id (media));
  spec->os_name = g_strdup (terra_media_info_get_os_name (media));
  if (spec->os_id == NULL && terra_media_info_get_nearest_os (media) != NULL)
    {
      /* Newer than the OS database: the nearest known release's device
       * support and settings, under the name the media gives. */
      OsinfoOs *nearest = terra_media_info_get_nearest_os (media);
      spec->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (nearest)));
      spec->os_short_id = g_strdup (osinfo_product_get_short_id (OSINFO_PRODUCT (nearest)));
      spec->os_name = g_strdup (terra_media_info_get_guess_name (media));
    }
  spec->memory_mib = rec.memory_mib ? rec.memory_mib : MAX (min.memory_mib, FALLBACK_MEMORY_MIB);
  spec->vcpus = rec.vcpus ? rec.vcpus : MAX (min.vcpus, FALLBACK_VCPUS);
  spec->disk_gib = rec.disk_gib ? rec.disk_gib : MAX (min.disk_gib, FALLBACK_DISK_GIB);

  if (host != NULL)
    {
      guint64 cap = host->memory_total_mib / HOST_SHARE_DIVISOR;
      if (cap >= 256 && spec->memory_mib > cap)
        spec->memory_mib = cap;
      if (host->cpus > 0 && spec->vcpus > host->cpus)
        spec->vcpus = host->cpus;
    }

  return spec;
}

typedef struct {
  virConnectPtr     conn;
  virStoragePoolPtr pool;
  virStorageVolPtr  vol;
  virDomainPtr      dom;
  gboolean          committed;
} Transaction;

static void
transaction_clear (Transaction *tx)
{
  if (!tx->committed)
    {
      if (tx->dom != NULL)
        {
          if (virDomainIsActive (tx->dom) == 1)
            virDomainDestroy (tx->dom);
          virDomainUndefineFlags (tx->dom, VIR_DOMAIN_UNDEFINE_NVRAM);
        }
      if (tx->vol != NULL)
        virStorageVolDelete (tx->vol, 0);
      virResetLastError ();
    }
  g_clear_pointer (&tx->dom, virDomainFree);
  g_clear_pointer (&tx->vol, virStorageVolFree);
  g_clear_pointer (&tx->pool, virStoragePoolFree);
  g_clear_pointer (&tx->conn, virConnectClose);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transaction, transaction_clear)

/**
 * terra_vm_creator_create_sync:
 * @connection: a connected #TerraConnection
 * @spec: the user's choices
 * @start: whether to start the new machine
 * @cancellable: (nullable): checked between steps; a cancelled creation is
 *   rolled back
 * @error: %TERRA_ERROR_INVALID_NAME / %TERRA_ERROR_INVALID_ARGUMENT (bad
 *   spec), %TERRA_ERROR_INVALID_MEDIA (media missing or not a disc image),
 *   %TERRA_ERROR_NAME_EXISTS, %TERRA_ERROR_NOT_CONNECTED,
 *   %TERRA_ERROR_STORAGE, %TERRA_ERROR_LIBVIRT, %G_IO_ERROR_CANCELLED
 *
 * Creates a machine: a qcow2 volume in the `terrarium` pool, a domain built
 * by terra_domain_builder_build() from the host's domain capabilities, and
 * (with @start) starts it. On any failure everything made so far is
 * removed. Blocking: call from a worker thread.
 *
 * Returns: (transfer full) (nullable): the new domain's UUID string
 */
char *
terra_vm_creator_create_sync (TerraConnection         *connection,
                              const TerraMachineSpec  *spec,
                              gboolean                 start,
                              GCancellable            *cancellable,
                              GError                 **error)
{
  g_auto(Transaction) tx = { 0 };
  g_autoptr(TerraHostInfo) host = NULL;
  g_autoptr(TerraMediaInfo) media = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(TerraSettings) settings = NULL;
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *images_dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *created = NULL;
  g_autofree char *xml = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];
  virDomainPtr existing;

  g_return_val_if_fail (TERRA_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!terra_machine_spec_validate (spec, error))
    return NULL;

  /* Check the media again: it may have gone since it was picked. */
  if (spec->media_path != NULL)
    {
      media = terra_media_info_detect_sync (spec->media_path, cancellable, error);
      if (media == NULL)
        return NULL;
    }

  tx.conn = terra_connection_dup_handle (connection);
  if (tx.conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED,
                   _("Not connected to the virtualization service."));
      return NULL;
    }

  existing = virDomainLookupByName (tx.conn, spec->name);
  if (existing != NULL)
    {
      virDomainFree (existing);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                   _("A virtual machine named “%s” already exists. Choose another name."),
                   spec->name);
      return NULL;
    }
  virResetLastError ();

  host = terra_host_info_query_sync (connection, cancellable, error);
  if (host == NULL)
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  settings = terra_settings_new ();
  images_dir = terra_settings_dup_images_dir (settings);
  tx.pool = terra_storage_ensure_pool (tx.conn, images_dir, error);
  if (tx.pool == NULL)
    return NULL;

  base = terra_storage_volume_base_name (spec->name);
  tx.vol = terra_storage_create_volume (tx.pool, base, spec->disk_gib,
                                        spec->base_image, spec->base_format, error);
  if (tx.vol == NULL)
    return NULL;
  disk_path = virStorageVolGetPath (tx.vol);
  if (disk_path == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not find the new disk image."));
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (spec->os_id != NULL)
    {
      OsinfoOs *found = terra_os_db_find_os (spec->os_id);
      if (found != NULL)
        os = g_object_ref (found);
    }

  now = g_date_time_new_now_utc ();
  created = g_date_time_format_iso8601 (now);
  config = terra_domain_builder_build (spec, host->caps, os, disk_path, created, error);
  if (config == NULL)
    return NULL;
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));

  tx.dom = virDomainDefineXML (tx.conn, xml);
  if (tx.dom == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not create the virtual machine “%s”."), spec->name);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (start && virDomainCreate (tx.dom) < 0)
    {
      terra_set_error_from_libvirt (error, _("The virtual machine “%s” could not start, so it was not kept."),
                                    spec->name);
      return NULL;
    }

  if (virDomainGetUUIDString (tx.dom, uuid) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read the new virtual machine’s identity."));
      return NULL;
    }

  tx.committed = TRUE;
  return g_strdup (uuid);
}

static void
create_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TerraConnection *connection = g_object_get_data (G_OBJECT (task), "connection");
  gboolean start = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "start"));
  GError *error = NULL;
  char *uuid;

  uuid = terra_vm_creator_create_sync (connection, task_data, start, cancellable, &error);
  if (uuid == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uuid, g_free);
}

/**
 * terra_vm_creator_create_async:
 * @connection: a connected #TerraConnection
 * @spec: the user's choices (copied)
 * @start: whether to start the new machine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_vm_creator_create_sync() in a worker thread.
 */
void
terra_vm_creator_create_async (TerraConnection        *connection,
                               const TerraMachineSpec *spec,
                               gboolean                start,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, terra_vm_creator_create_async);
  g_task_set_task_data (task, terra_machine_spec_copy (spec), (GDestroyNotify)terra_machine_spec_free);
  g_object_set_data_full (G_OBJECT (task), "connection", g_object_ref (connection), g_object_unref);
  g_object_set_data (G_OBJECT (task), "start", GINT_TO_POINTER (start));
  g_task_run_in_thread (task, create_worker);
}

/**
 * terra_vm_creator_create_finish:
 * @result: the result
 * @error: as terra_vm_creator_create_sync()
 *
 * Returns: (transfer full) (nullable): the new domain's UUID string
 */
char *
terra_vm_creator_create_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
