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

#include "terra-disk-image.h"
#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-express.h"
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

/* Recommended resources, or at least the minimums and generic defaults,
 * kept within the host. */
static void
fit_resources (TerraMachineSpec     *spec,
               const TerraResources *rec,
               const TerraResources *min,
               const TerraHostInfo  *host)
{
  spec->memory_mib = rec->memory_mib ? rec->memory_mib : MAX (min->memory_mib, FALLBACK_MEMORY_MIB);
  spec->vcpus = rec->vcpus ? rec->vcpus : MAX (min->vcpus, FALLBACK_VCPUS);
  spec->disk_gib = rec->disk_gib ? rec->disk_gib : MAX (min->disk_gib, FALLBACK_DISK_GIB);

  if (host != NULL)
    {
      guint64 cap = host->memory_total_mib / HOST_SHARE_DIVISOR;
      if (cap >= 256 && spec->memory_mib > cap)
        spec->memory_mib = cap;
      if (host->cpus > 0 && spec->vcpus > host->cpus)
        spec->vcpus = host->cpus;
    }
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
  terra_os_db_get_firmware_needs (terra_media_info_get_os (media) ? terra_media_info_get_os (media)
                                                                  : terra_media_info_get_nearest_os (media),
                                  &spec->uefi, &spec->secure_boot, &spec->tpm);
  fit_resources (spec, &rec, &min, host);
  return spec;
}

/**
 * terra_vm_creator_suggest_import_spec:
 * @path: absolute path of the disk image to import
 * @info: what terra_disk_image_check_confined() said about it
 * @os: (nullable): the OS the user says is on it
 * @host: (nullable): the host, to keep the suggestion within it
 * @taken_names: (nullable) (array zero-terminated=1): names already in use
 *
 * Like terra_vm_creator_suggest_spec() for a disk image to import: named
 * after the file, resources and firmware from @os (libosinfo) or generic
 * defaults, the disk at least the image's size.
 *
 * Returns: (transfer full): a spec for terra_vm_creator_create_async()
 */
TerraMachineSpec *
terra_vm_creator_suggest_import_spec (const char               *path,
                                      const TerraDiskImageInfo *info,
                                      OsinfoOs                 *os,
                                      const TerraHostInfo      *host,
                                      const char * const       *taken_names)
{
  TerraMachineSpec *spec = terra_machine_spec_new ();
  TerraResources rec = { 0 };
  TerraResources min = { 0 };
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  g_return_val_if_fail (path != NULL && info != NULL, NULL);

  if (dot != NULL && dot != base)
    *dot = '\0';
  spec->name = g_strdup (base);
  for (guint n = 2; name_taken (taken_names, spec->name); n++)
    {
      g_free (spec->name);
      spec->name = g_strdup_printf ("%s %u", base, n);
    }
  spec->import_image = g_strdup (path);
  spec->import_format = g_strdup (info->format);
  if (os != NULL)
    {
      spec->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
      spec->os_short_id = g_strdup (osinfo_product_get_short_id (OSINFO_PRODUCT (os)));
      spec->os_name = g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os)));
      terra_os_db_get_resources (os, "x86_64", &rec, &min);
    }
  terra_os_db_get_firmware_needs (os, &spec->uefi, &spec->secure_boot, &spec->tpm);
  fit_resources (spec, &rec, &min, host);
  /* The imported disk keeps its size; a smaller suggestion is not used. */
  spec->disk_gib = MAX (spec->disk_gib, (info->virtual_size + (G_GUINT64_CONSTANT (1) << 30) - 1) >> 30);
  return spec;
}

typedef struct {
  virConnectPtr     conn;
  virStoragePoolPtr pool;
  virStorageVolPtr  vol;
  virDomainPtr      dom;
  char             *express_dir;
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
      terra_express_remove_directory (tx->express_dir);
    }
  g_clear_pointer (&tx->express_dir, g_free);
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
  return terra_vm_creator_create_full (connection, spec, start, NULL, NULL, cancellable, error);
}

static void
report (TerraCreateProgress  progress,
        gpointer             user_data,
        const char          *step,
        double               fraction)
{
  if (progress != NULL)
    progress (step, fraction, user_data);
}

typedef struct {
  TerraCreateProgress progress;
  gpointer            user_data;
} ConvertProgress;

static void
on_convert_progress (double   fraction,
                     gpointer user_data)
{
  ConvertProgress *cp = user_data;
  report (cp->progress, cp->user_data, _("Copying the disk image"), fraction);
}

/**
 * terra_vm_creator_create_full:
 * @connection: a connected #TerraConnection
 * @spec: the user's choices
 * @start: whether to start the new machine
 * @progress: (nullable) (scope call): called from this thread before each
 *   step, and as an imported disk is copied
 * @user_data: data for @progress
 * @cancellable: (nullable): checked between steps, and stops a disk copy;
 *   a cancelled creation is rolled back
 * @error: as terra_vm_creator_create_sync(), and for an imported disk
 *   %TERRA_ERROR_INVALID_MEDIA when it (or a file it reads) is unreadable or
 *   outside its folder (terra_disk_image_check_confined())
 *
 * terra_vm_creator_create_sync() with progress. With @spec's import_image
 * the new volume is filled from that image (qemu-img convert), its size at
 * least the image's. Blocking: call from a worker thread.
 *
 * Returns: (transfer full) (nullable): the new domain's UUID string
 */
char *
terra_vm_creator_create_full (TerraConnection         *connection,
                              const TerraMachineSpec  *spec,
                              gboolean                 start,
                              TerraCreateProgress      progress,
                              gpointer                 user_data,
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

  g_autoptr(TerraDiskImageInfo) import_info = NULL;
  g_autoptr(TerraMachineSpec) full_spec = NULL;  /* @spec with what creation adds */
  guint64 capacity_gib;

  if (!terra_machine_spec_validate (spec, error))
    return NULL;

  /* Check the media again: it may have gone since it was picked. */
  report (progress, user_data, spec->import_image ? _("Checking the disk image") : _("Checking the installer media"), -1);
  if (spec->import_image != NULL)
    {
      /* Again too: the image, and every file it reads, inside its folder. */
      g_autofree char *dir = g_path_get_dirname (spec->import_image);
      if (!terra_disk_image_check_confined (spec->import_image, dir, &import_info, cancellable, error))
        return NULL;
      if (!g_str_equal (import_info->format, spec->import_format))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                       _("The disk image “%s” changed since it was picked: it is now a %s image, not %s."),
                       spec->import_image, import_info->format, spec->import_format);
          return NULL;
        }
    }
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

  report (progress, user_data, _("Creating the disk"), -1);
  base = terra_storage_volume_base_name (spec->name);
  capacity_gib = spec->disk_gib;
  if (import_info != NULL)
    capacity_gib = MAX (capacity_gib, (import_info->virtual_size + (G_GUINT64_CONSTANT (1) << 30) - 1) >> 30);
  tx.vol = terra_storage_create_volume (tx.pool, base, capacity_gib,
                                        spec->base_image, spec->base_format, error);
  if (tx.vol == NULL)
    return NULL;
  disk_path = virStorageVolGetPath (tx.vol);
  if (disk_path == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not find the new disk image."));
      return NULL;
    }

  if (import_info != NULL)
    {
      ConvertProgress cp = { progress, user_data };
      if (!terra_disk_image_convert_sync (spec->import_image, import_info->format, disk_path, TRUE,
                                          on_convert_progress, &cp, cancellable, error))
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

  if (spec->express != NULL)
    {
      g_autofree char *cache = terra_express_dup_cache_dir ();
      g_autofree char *id = g_uuid_string_random ();
      TerraExpressSetup *setup;

      report (progress, user_data, _("Preparing the express install"), -1);
      if (os == NULL)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                       _("An express install needs to know the OS: choose it first."));
          return NULL;
        }
      tx.express_dir = g_build_filename (cache, id, NULL);
      setup = terra_express_prepare_sync (os, spec->media_path, spec->express,
                                          terra_domain_builder_uses_virtio_disk (spec, os),
                                          tx.express_dir, cancellable, error);
      if (setup == NULL)
        return NULL;
      full_spec = terra_machine_spec_copy (spec);
      full_spec->express_setup = setup;
      spec = full_spec;
    }

  report (progress, user_data, _("Setting up the machine"), -1);
  if (spec->agent_socket == NULL && terra_connection_get_uri (connection) != NULL &&
      g_str_has_prefix (terra_connection_get_uri (connection), "qemu:///session"))
    {
      /* A short socket path of our own (see TerraMachineSpec:agent_socket). */
      g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "terrarium", NULL);
      g_autofree char *id = g_uuid_string_random ();

      if (full_spec == NULL)
        spec = full_spec = terra_machine_spec_copy (spec);
      id[8] = '\0';
      if (g_mkdir_with_parents (dir, 0700) == 0)
        full_spec->agent_socket = g_strdup_printf ("%s/agent-%s.sock", dir, id);
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

  if (start)
    report (progress, user_data, _("Starting"), -1);
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

typedef struct {
  GMainContext        *context;
  TerraCreateProgress  progress;
  gpointer             user_data;
} AsyncProgress;

typedef struct {
  AsyncProgress *ap;
  GTask         *task;   /* keeps @ap alive */
  char          *step;
  double         fraction;
} ProgressReport;

static gboolean
deliver_progress (gpointer data)
{
  ProgressReport *pr = data;
  pr->ap->progress (pr->step, pr->fraction, pr->ap->user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *pr = data;
  g_object_unref (pr->task);
  g_free (pr->step);
  g_free (pr);
}

/* In the worker: hand the report to the caller's main context. */
static void
forward_progress (const char *step,
                  double      fraction,
                  gpointer    user_data)
{
  GTask *task = user_data;
  ProgressReport *pr = g_new0 (ProgressReport, 1);

  pr->ap = g_object_get_data (G_OBJECT (task), "progress");
  pr->task = g_object_ref (task);
  pr->step = g_strdup (step);
  pr->fraction = fraction;
  g_main_context_invoke_full (pr->ap->context, G_PRIORITY_DEFAULT, deliver_progress, pr, progress_report_free);
}

static void
async_progress_free (gpointer data)
{
  AsyncProgress *ap = data;
  g_main_context_unref (ap->context);
  g_free (ap);
}

static void
create_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TerraConnection *connection = g_object_get_data (G_OBJECT (task), "connection");
  gboolean start = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "start"));
  gboolean with_progress = g_object_get_data (G_OBJECT (task), "progress") != NULL;
  GError *error = NULL;
  char *uuid;

  uuid = terra_vm_creator_create_full (connection, task_data, start,
                                       with_progress ? forward_progress : NULL, task,
                                       cancellable, &error);
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
 * @progress: (nullable): called on the calling thread's main context with
 *   each step and an imported disk's copy progress (as
 *   terra_vm_creator_create_full()); every report arrives before @callback
 * @progress_data: data for @progress; must stay valid until @callback runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_vm_creator_create_full() in a worker thread.
 */
void
terra_vm_creator_create_async (TerraConnection        *connection,
                               const TerraMachineSpec *spec,
                               gboolean                start,
                               TerraCreateProgress     progress,
                               gpointer                progress_data,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  if (progress != NULL)
    {
      AsyncProgress *ap = g_new0 (AsyncProgress, 1);
      ap->context = g_main_context_ref_thread_default ();
      ap->progress = progress;
      ap->user_data = progress_data;
      g_object_set_data_full (G_OBJECT (task), "progress", ap, async_progress_free);
    }

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
