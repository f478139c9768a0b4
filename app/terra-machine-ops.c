/* terra-machine-ops.c — snapshots, clone and configuration changes of a machine
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All blocking (libvirt): call the *_sync functions from a worker, through
 * terra_machine_op_async(), or from terrarium-ctl. Snapshots are libvirt's
 * internal qcow2 snapshots (disk, and memory when the guest runs): libvirt
 * 9.0 cannot take them of UEFI guests with pflash firmware, which is said
 * plainly instead of failing with libvirt's message. Configuration changes
 * edit a copy of the parsed definition (libvirt-gconfig) and define it once.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <libvirt/virterror.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-express.h"
#include "terra-gconfig-autoptr.h"
#include "terra-machine-ops.h"
#include "terra-machine-spec.h"
#include "terra-storage.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainSnapshot, g_object_unref)

/** terra_snapshot_free: @snapshot: (transfer full) (nullable): a snapshot */
void
terra_snapshot_free (TerraSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->name);
  g_free (snapshot->description);
  g_free (snapshot->state);
  g_free (snapshot);
}

static const char *
snapshot_state_string (GVirConfigDomainSnapshotDomainState state)
{
  switch (state)
    {
    case GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_RUNNING:
    case GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_BLOCKED:
      return "running";
    case GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_PAUSED:
      return "paused";
    case GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_SHUTOFF:
      return "shutoff";
    case GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_DISK_SNAPSHOT:
      return "disk-only";
    default:
      return "other";
    }
}

static int
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  const TerraSnapshot *sa = *(const TerraSnapshot * const *)a;
  const TerraSnapshot *sb = *(const TerraSnapshot * const *)b;

  /* Newest first. */
  return sa->created < sb->created ? 1 : sa->created > sb->created ? -1 : g_strcmp0 (sa->name, sb->name);
}

/**
 * terra_machine_list_snapshots_sync:
 * @self: a #TerraMachine
 * @error: %TERRA_ERROR_LIBVIRT
 *
 * Returns: (transfer full) (element-type TerraSnapshot) (nullable): the
 *   machine's snapshots, newest first
 */
GPtrArray *
terra_machine_list_snapshots_sync (TerraMachine  *self,
                                   GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  virDomainSnapshotPtr *snaps = NULL;
  GPtrArray *result;
  int n;

  n = virDomainListAllSnapshots (dom, &snaps, 0);
  if (n < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not list the snapshots of “%s”."), terra_machine_get_name (self));
      return NULL;
    }
  result = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_snapshot_free);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = virDomainSnapshotGetXMLDesc (snaps[i], 0);
      g_autoptr(GVirConfigDomainSnapshot) config = xml ? gvir_config_domain_snapshot_new_from_xml (xml, NULL) : NULL;

      if (config != NULL)
        {
          TerraSnapshot *s = g_new0 (TerraSnapshot, 1);
          s->name = g_strdup (gvir_config_domain_snapshot_get_name (config));
          s->description = g_strdup (gvir_config_domain_snapshot_get_description (config));
          s->created = gvir_config_domain_snapshot_get_creation_time (config);
          s->state = g_strdup (snapshot_state_string (gvir_config_domain_snapshot_get_state (config)));
          s->current = virDomainSnapshotIsCurrent (snaps[i], 0) == 1;
          g_ptr_array_add (result, s);
        }
      virDomainSnapshotFree (snaps[i]);
    }
  g_free (snaps);
  virResetLastError ();
  g_ptr_array_sort (result, compare_snapshots);
  return result;
}

static gboolean
check_snapshots_possible (TerraMachine  *self,
                          GError       **error)
{
  g_autofree char *xml = virDomainGetXMLDesc (terra_machine_get_domain (self), 0);

  if (xml != NULL && terra_domain_xml_uses_uefi (xml))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                   _("“%s” boots with UEFI firmware, and libvirt 9.0 cannot take snapshots of UEFI machines "
                     "(its firmware variables live outside the disk image). Use Clone to keep a copy instead."),
                   terra_machine_get_name (self));
      return FALSE;
    }
  if (xml != NULL && terra_domain_xml_has_transient_disk (xml))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                   _("“%s” is a disposable run: nothing it does is kept, so there is nothing to snapshot."),
                   terra_machine_get_name (self));
      return FALSE;
    }
  return TRUE;
}

static virDomainSnapshotPtr
lookup_snapshot (TerraMachine  *self,
                 const char    *name,
                 GError       **error)
{
  virDomainSnapshotPtr snap = virDomainSnapshotLookupByName (terra_machine_get_domain (self), name, 0);

  if (snap == NULL)
    {
      virResetLastError ();
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                   _("“%s” has no snapshot named “%s”."), terra_machine_get_name (self), name);
    }
  return snap;
}

/**
 * terra_machine_create_snapshot_sync:
 * @self: a #TerraMachine
 * @name: the snapshot's name (not empty, no "/")
 * @description: (nullable): a note
 * @error: %TERRA_ERROR_INVALID_NAME, %TERRA_ERROR_NAME_EXISTS,
 *   %TERRA_ERROR_WRONG_STATE (UEFI or disposable), %TERRA_ERROR_LIBVIRT
 *
 * Takes an internal snapshot: the disks, and the memory when the guest runs
 * (it pauses while the memory is written). The snapshot XML is built with
 * libvirt-gconfig.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_create_snapshot_sync (TerraMachine  *self,
                                    const char    *name,
                                    const char    *description,
                                    GError       **error)
{
  g_autoptr(GVirConfigDomainSnapshot) config = NULL;
  g_autofree char *xml = NULL;
  virDomainSnapshotPtr snap;

  g_autofree char *stripped = name ? g_strstrip (g_strdup (name)) : NULL;

  if (stripped == NULL || *stripped == '\0' || strchr (name, '/') != NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                   _("A snapshot needs a name without “/”."));
      return FALSE;
    }
  if (!check_snapshots_possible (self, error))
    return FALSE;
  snap = virDomainSnapshotLookupByName (terra_machine_get_domain (self), name, 0);
  if (snap != NULL)
    {
      virDomainSnapshotFree (snap);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                   _("“%s” already has a snapshot named “%s”."), terra_machine_get_name (self), name);
      return FALSE;
    }
  virResetLastError ();

  config = gvir_config_domain_snapshot_new ();
  gvir_config_domain_snapshot_set_name (config, name);
  if (description != NULL && *description != '\0')
    gvir_config_domain_snapshot_set_description (config, description);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  snap = virDomainSnapshotCreateXML (terra_machine_get_domain (self), xml, 0);
  if (snap == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not take the snapshot “%s” of “%s”."),
                                    name, terra_machine_get_name (self));
      return FALSE;
    }
  virDomainSnapshotFree (snap);
  return TRUE;
}

/* Looks @name up and reverts to it or deletes it. */
static gboolean
with_snapshot (TerraMachine  *self,
               const char    *name,
               gboolean       revert,
               GError       **error)
{
  virDomainSnapshotPtr snap = lookup_snapshot (self, name, error);
  int ret;

  if (snap == NULL)
    return FALSE;
  ret = revert ? virDomainRevertToSnapshot (snap, 0) : virDomainSnapshotDelete (snap, 0);
  virDomainSnapshotFree (snap);
  if (ret < 0 && revert)
    terra_set_error_from_libvirt (error, _("Could not revert “%s” to “%s”."), terra_machine_get_name (self), name);
  else if (ret < 0)
    terra_set_error_from_libvirt (error, _("Could not delete the snapshot “%s” of “%s”."),
                                  name, terra_machine_get_name (self));
  return ret == 0;
}

/**
 * terra_machine_revert_snapshot_sync:
 * @self: a #TerraMachine
 * @name: a snapshot of it
 * @error: %TERRA_ERROR_NOT_FOUND, %TERRA_ERROR_LIBVIRT
 *
 * Returns the disks (and, for a snapshot of a running guest, the running
 * guest) to the snapshot. What changed since is lost.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_revert_snapshot_sync (TerraMachine  *self,
                                    const char    *name,
                                    GError       **error)
{
  return with_snapshot (self, name, TRUE, error);
}

/**
 * terra_machine_delete_snapshot_sync:
 * @self: a #TerraMachine
 * @name: a snapshot of it
 * @error: %TERRA_ERROR_NOT_FOUND, %TERRA_ERROR_LIBVIRT
 *
 * Deletes the snapshot (its children are kept, re-parented by libvirt).
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_delete_snapshot_sync (TerraMachine  *self,
                                    const char    *name,
                                    GError       **error)
{
  return with_snapshot (self, name, FALSE, error);
}


/**
 * terra_machine_finish_install_sync:
 * @self: a #TerraMachine that is off, with an express install running
 *   (terra_machine_get_installing())
 * @error: %TERRA_ERROR_WRONG_STATE (running, or no express install),
 *   %TERRA_ERROR_LIBVIRT
 *
 * Ends an express install's installer stage: the installer rebooted (its
 * domain has on_reboot destroy, so it stopped), so the machine now boots
 * its disk — no installer kernel, no script disc, installer media ejected,
 * restart on reboot — and the files holding the script (and the password)
 * are deleted. Run when such a machine is seen off (the app, on the
 * domain's stop event and when it starts; `terrarium-ctl start`), so an
 * install interrupted by closing the app finishes the next time.
 * Blocking: call from a worker thread.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_finish_install_sync (TerraMachine  *self,
                                   GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  int state = VIR_DOMAIN_NOSTATE;
  g_autofree char *xml = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  virDomainPtr defined;

  if (virDomainGetState (dom, &state, NULL, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("“%s” is not available."), terra_machine_get_name (self));
      return FALSE;
    }
  if (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                   _("“%s” is still installing."), terra_machine_get_name (self));
      return FALSE;
    }
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), terra_machine_get_name (self));
      return FALSE;
    }
  md = terra_domain_metadata_parse (xml);
  edited = terra_domain_xml_finish_install (xml, error);
  if (edited == NULL)
    return FALSE;
  defined = virDomainDefineXML (virDomainGetConnect (dom), edited);
  if (defined == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not finish the install of “%s”."), terra_machine_get_name (self));
      return FALSE;
    }
  virDomainFree (defined);
  /* Only now: a failed define leaves the machine able to retry. The
   * machine's own fields follow with libvirt's DEFINED event (this runs in
   * workers: model objects change on the main thread only). */
  terra_express_remove_directory (md->express_dir);
  return TRUE;
}

static char *
iso8601_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static void
vol_free (gpointer vol)
{
  virStorageVolFree (vol);
}

/* Copy progress: a thread that watches the copy's file grow (libvirt's
 * virStorageVolCreateXMLFrom() reports nothing while it copies). */
typedef struct {
  char             *path;        /* the copy */
  guint64           expected;    /* bytes the source uses */
  guint             index;       /* this disk … */
  guint             count;       /* … of this many */
  TerraProgressFunc progress;
  gpointer          user_data;
  gint              stop;
} CopyWatch;

static gpointer
copy_watch_thread (gpointer data)
{
  CopyWatch *w = data;

  while (!g_atomic_int_get (&w->stop))
    {
      GStatBuf st;
      double part = 0;

      if (g_stat (w->path, &st) == 0 && w->expected > 0)
        part = MIN (1.0, (double)st.st_blocks * 512 / w->expected);
      w->progress ((w->index + part) / w->count, w->user_data);
      g_usleep (G_USEC_PER_SEC / 4);
    }
  return NULL;
}

/**
 * terra_machine_clone_sync:
 * @self: a #TerraMachine, shut off
 * @new_name: the clone's name
 * @progress: (nullable) (scope call): how much of the disks is copied, about
 *   four times a second from a watcher thread (from the copies' size on
 *   disk against the sources' allocation), and 1.0 at the end
 * @user_data: data for @progress
 * @error: %TERRA_ERROR_WRONG_STATE when it runs, %TERRA_ERROR_INVALID_NAME,
 *   %TERRA_ERROR_NAME_EXISTS, %TERRA_ERROR_STORAGE, %TERRA_ERROR_LIBVIRT
 *
 * A full clone: every disk Terrarium created for the machine is copied into
 * the `terrarium` pool (virStorageVolCreateXMLFrom), and the copy is defined
 * with the new name, a new UUID and new MAC addresses. The machine must be
 * off: copying the disks of a running guest would copy a disk in the middle
 * of writes. If any step fails the copies made so far are deleted.
 *
 * Returns: (transfer full) (nullable): the clone's UUID
 */
char *
terra_machine_clone_sync (TerraMachine      *self,
                          const char        *new_name,
                          TerraProgressFunc  progress,
                          gpointer           user_data,
                          GError           **error)
{
  guint n_disks = 0, disk_index = 0;
  virDomainPtr dom = terra_machine_get_domain (self);
  virConnectPtr conn = virDomainGetConnect (dom);
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (vol_free);
  g_autoptr(GPtrArray) new_paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *xml = NULL;
  g_autofree char *new_xml = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *base = NULL;
  TerraMachineSpec name_check = { 0 };
  virStoragePoolPtr pool = NULL;
  virDomainPtr other, clone = NULL;
  GList *devices;
  int state = VIR_DOMAIN_NOSTATE;
  char uuid_buf[VIR_UUID_STRING_BUFLEN];

  name_check.name = (char *)new_name;
  name_check.memory_mib = 1024;
  name_check.vcpus = 1;
  name_check.disk_gib = 1;
  if (!terra_machine_spec_validate (&name_check, error))
    return NULL;
  if (virDomainGetState (dom, &state, NULL, 0) < 0 || (state != VIR_DOMAIN_SHUTOFF))
    {
      virResetLastError ();
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                   _("Shut down “%s” before cloning it: its disks cannot be copied safely while it runs."),
                   terra_machine_get_name (self));
      return NULL;
    }
  other = virDomainLookupByName (conn, new_name);
  if (other != NULL)
    {
      virDomainFree (other);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                   _("A virtual machine named “%s” already exists. Choose another name."), new_name);
      return NULL;
    }
  virResetLastError ();

  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), terra_machine_get_name (self));
      return NULL;
    }
  config = gvir_config_domain_new_from_xml (xml, error);
  if (config == NULL)
    return NULL;
  md = terra_domain_metadata_parse (xml);
  if (md == NULL)
    md = g_new0 (TerraDomainMetadata, 1);
  /* A clone is a machine of its own: not a lab's, and its disks are full
   * copies (libvirt flattens a backing chain when it copies a volume). */
  g_clear_pointer (&md->lab_name, g_free);
  g_clear_pointer (&md->lab_file, g_free);
  g_clear_pointer (&md->base_image, g_free);

  pool = virStoragePoolLookupByName (conn, TERRA_STORAGE_POOL_NAME);
  if (pool == NULL && md->volumes != NULL && md->volumes[0] != NULL)
    {
      terra_set_error_from_libvirt (error, _("The storage pool “%s” is not available."), TERRA_STORAGE_POOL_NAME);
      return NULL;
    }
  base = terra_storage_volume_base_name (new_name);

  /* Copy the disks we own; point the clone's disks at the copies. */
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    n_disks += GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
               gvir_config_domain_disk_get_guest_device_type (l->data) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK;
  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      const char *source;
      virStorageVolPtr src_vol, new_vol;
      virStorageVolInfo info;
      g_autoptr(GVirConfigStorageVol) vol_config = NULL;
      g_autofree char *vol_name = NULL;
      g_autofree char *vol_xml = NULL;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = GVIR_CONFIG_DOMAIN_DISK (l->data);
      if (gvir_config_domain_disk_get_guest_device_type (disk) != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK)
        continue;
      source = gvir_config_domain_disk_get_source (disk);
      if (source == NULL || md->volumes == NULL || !g_strv_contains ((const char * const *)md->volumes, source))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE,
                       _("“%s” uses the disk %s, which Terrarium did not create; it is not copied into a clone."),
                       terra_machine_get_name (self), source ? source : "?");
          goto fail;
        }
      src_vol = virStorageVolLookupByPath (conn, source);
      if (src_vol == NULL || virStorageVolGetInfo (src_vol, &info) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not read the disk %s."), source);
          g_clear_pointer (&src_vol, virStorageVolFree);
          goto fail;
        }
      vol_name = terra_storage_free_volume_name (pool, base, error);
      if (vol_name == NULL)
        {
          virStorageVolFree (src_vol);
          goto fail;
        }
      vol_config = terra_volume_builder_build (vol_name, (info.capacity + (1ULL << 30) - 1) >> 30, NULL, NULL);
      vol_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol_config));
      {
        /* Our disks are in our pool: the copy goes next to its source. */
        g_autofree char *dir = g_path_get_dirname (source);
        CopyWatch watch = { g_build_filename (dir, vol_name, NULL), info.allocation, disk_index, MAX (n_disks, 1),
                            progress, user_data, 0 };
        GThread *watcher = progress ? g_thread_new ("terra-clone-progress", copy_watch_thread, &watch) : NULL;

        new_vol = virStorageVolCreateXMLFrom (pool, vol_xml, src_vol, 0);
        if (watcher != NULL)
          {
            g_atomic_int_set (&watch.stop, 1);
            g_thread_join (watcher);
          }
        g_free (watch.path);
        disk_index++;
      }
      virStorageVolFree (src_vol);
      if (new_vol == NULL)
        {
          terra_set_error_from_libvirt (error, _("Could not copy the disk of “%s”."), terra_machine_get_name (self));
          goto fail;
        }
      g_ptr_array_add (created, new_vol);
      g_ptr_array_add (new_paths, virStorageVolGetPath (new_vol));
      gvir_config_domain_disk_set_source (disk, g_ptr_array_index (new_paths, new_paths->len - 1));
    }
  /* The disk objects edit the configuration's own nodes: no set_devices(),
   * which would drop devices libvirt-gconfig has no class for. */
  g_list_free_full (devices, g_object_unref);
  devices = NULL;

  uuid = g_uuid_string_random ();
  gvir_config_domain_set_name (config, new_name);
  gvir_config_domain_set_uuid (config, uuid);
  g_strfreev (md->volumes);
  g_ptr_array_add (new_paths, NULL);
  md->volumes = g_strdupv ((char **)new_paths->pdata);
  g_ptr_array_remove_index (new_paths, new_paths->len - 1);
  g_free (md->created);
  md->created = iso8601_now ();
  if (!terra_domain_metadata_apply (config, md, error))
    goto fail;

  /* New MAC addresses from libvirt, on every kind of network card. */
  {
    g_autofree char *with_macs = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
    new_xml = terra_domain_xml_forget_macs (with_macs, error);
    if (new_xml == NULL)
      goto fail;
  }
  clone = virDomainDefineXML (conn, new_xml);
  if (clone == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not define the clone “%s”."), new_name);
      goto fail;
    }
  virDomainGetUUIDString (clone, uuid_buf);
  virDomainFree (clone);
  if (progress != NULL)
    progress (1.0, user_data);
  if (pool != NULL)
    virStoragePoolFree (pool);
  return g_strdup (uuid_buf);

fail:
  if (devices != NULL)
    g_list_free_full (devices, g_object_unref);
  for (guint i = 0; i < created->len; i++)
    virStorageVolDelete (g_ptr_array_index (created, i), 0);
  virResetLastError ();
  if (pool != NULL)
    virStoragePoolFree (pool);
  return NULL;
}

/**
 * terra_machine_update_sync:
 * @self: a #TerraMachine
 * @update: what to change
 * @applies_at_next_start: (out) (optional): set when a change needs a restart
 *   (memory and vCPUs of a running guest)
 * @error: %TERRA_ERROR_INVALID_ARGUMENT (memory below 128 MiB, no vCPUs, a
 *   smaller disk), %TERRA_ERROR_INVALID_NAME, %TERRA_ERROR_NAME_EXISTS,
 *   %TERRA_ERROR_WRONG_STATE (rename while running), %TERRA_ERROR_LIBVIRT
 *
 * Applies a configuration change: everything is checked first; then one
 * define of an edited copy of the parsed definition; then the disk is grown
 * (virStorageVolResize, or virDomainBlockResize for a running guest) and the
 * domain renamed. A failure before the define leaves the machine as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_update_sync (TerraMachine             *self,
                           const TerraMachineUpdate *update,
                           gboolean                 *applies_at_next_start,
                           GError                  **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  virConnectPtr conn = virDomainGetConnect (dom);
  const char *name = terra_machine_get_name (self);
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *new_xml = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *cdrom_disk_xml = NULL;
  virStorageVolPtr disk_vol = NULL;
  virStorageVolInfo disk_info = { 0 };
  int state = VIR_DOMAIN_NOSTATE;
  gboolean running, renaming, config_change;
  virDomainPtr defined;

  if (applies_at_next_start != NULL)
    *applies_at_next_start = FALSE;
  if (virDomainGetState (dom, &state, NULL, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("“%s” is not available."), name);
      return FALSE;
    }
  running = state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED;
  renaming = update->name != NULL && g_strcmp0 (update->name, name) != 0;

  /* Check everything before changing anything. */
  if (update->memory_mib != 0 || update->vcpus != 0 || renaming)
    {
      TerraMachineSpec check = {
        .name = (char *)(renaming ? update->name : name),
        .memory_mib = update->memory_mib ? update->memory_mib : MAX (terra_machine_get_memory_mib (self), 128),
        .vcpus = update->vcpus ? update->vcpus : MAX (terra_machine_get_vcpus (self), 1),
        .disk_gib = 1,
      };
      if (!terra_machine_spec_validate (&check, error))
        return FALSE;
    }
  if (renaming)
    {
      virDomainPtr other = virDomainLookupByName (conn, update->name);
      if (other != NULL)
        {
          virDomainFree (other);
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                       _("A virtual machine named “%s” already exists. Choose another name."), update->name);
          return FALSE;
        }
      virResetLastError ();
      if (running)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                       _("Shut down “%s” to rename it."), name);
          return FALSE;
        }
    }

  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), name);
      return FALSE;
    }
  if (update->reset_on_shutdown != TERRA_KEEP)
    {
      char *edited = terra_domain_xml_set_transient (xml, update->reset_on_shutdown == TERRA_ON, error);
      if (edited == NULL)
        return FALSE;
      g_free (xml);
      xml = edited;
    }
  if (update->cdrom != NULL)
    {
      char *edited;

      if (*update->cdrom != '\0' && !g_file_test (update->cdrom, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                       _("%s is not a disc image file (it is missing, a folder or a device)."), update->cdrom);
          return FALSE;
        }
      edited = terra_domain_xml_set_cdrom (xml, *update->cdrom ? update->cdrom : NULL,
                                           running ? &cdrom_disk_xml : NULL, error);
      if (edited == NULL)
        return FALSE;
      g_free (xml);
      xml = edited;
    }
  if (update->video != NULL && !g_str_equal (update->video, "qxl") && !g_str_equal (update->video, "virtio"))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("The video card is “qxl” or “virtio”, not “%s”."), update->video);
      return FALSE;
    }
  if (update->shared_folder != NULL && *update->shared_folder != '\0' &&
      (!g_path_is_absolute (update->shared_folder) || !g_file_test (update->shared_folder, G_FILE_TEST_IS_DIR)))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("%s is not a folder; choose an existing folder to share."), update->shared_folder);
      return FALSE;
    }
  /* Device edits on the XML, so that devices libvirt-gconfig does not know
   * (a lab's network cards) are kept. */
  {
    char *edited = NULL;
    if (update->video != NULL && (edited = terra_domain_xml_set_video (xml, update->video, error)) == NULL)
      return FALSE;
    if (edited != NULL)
      g_free (xml), xml = edited, edited = NULL;
    if (update->network != TERRA_KEEP && (edited = terra_domain_xml_set_nat (xml, update->network == TERRA_ON, error)) == NULL)
      return FALSE;
    if (edited != NULL)
      g_free (xml), xml = edited, edited = NULL;
    if (update->sound != TERRA_KEEP && (edited = terra_domain_xml_set_sound (xml, update->sound == TERRA_ON, error)) == NULL)
      return FALSE;
    if (edited != NULL)
      g_free (xml), xml = edited, edited = NULL;
    if (update->shared_folder != NULL &&
        (edited = terra_domain_xml_set_shared_folder (xml, *update->shared_folder ? update->shared_folder : NULL,
                                                      error)) == NULL)
      return FALSE;
    if (edited != NULL)
      g_free (xml), xml = edited, edited = NULL;
  }
  config = gvir_config_domain_new_from_xml (xml, error);
  if (config == NULL)
    return FALSE;

  if (update->disk_gib != 0)
    {
      GList *devices = gvir_config_domain_get_devices (config);
      for (GList *l = devices; l != NULL && disk_path == NULL; l = l->next)
        if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
            gvir_config_domain_disk_get_guest_device_type (l->data) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK &&
            (update->disk_target == NULL ||
             g_strcmp0 (gvir_config_domain_disk_get_target_dev (l->data), update->disk_target) == 0 ||
             g_strcmp0 (gvir_config_domain_disk_get_source (l->data), update->disk_target) == 0))
          disk_path = g_strdup (gvir_config_domain_disk_get_source (l->data));
      g_list_free_full (devices, g_object_unref);
      if (disk_path == NULL && update->disk_target != NULL)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                       _("“%s” has no disk “%s”."), name, update->disk_target);
          return FALSE;
        }
      disk_vol = disk_path ? virStorageVolLookupByPath (conn, disk_path) : NULL;
      if (disk_vol == NULL || virStorageVolGetInfo (disk_vol, &disk_info) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not find the disk of “%s”."), name);
          g_clear_pointer (&disk_vol, virStorageVolFree);
          return FALSE;
        }
      if ((update->disk_gib << 30) < disk_info.capacity)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                       _("The disk of “%s” is %.1f GiB; it can grow but not shrink to %" G_GUINT64_FORMAT " GiB "
                         "(shrinking would cut off the guest’s data)."),
                       name, disk_info.capacity / (1024.0 * 1024 * 1024), update->disk_gib);
          virStorageVolFree (disk_vol);
          return FALSE;
        }
    }

  config_change = update->memory_mib != 0 || update->vcpus != 0 || update->description != NULL ||
                  update->reset_on_shutdown != TERRA_KEEP || update->cdrom != NULL ||
                  update->network != TERRA_KEEP || update->sound != TERRA_KEEP || update->video != NULL ||
                  update->shared_folder != NULL;
  if (update->memory_mib != 0)
    {
      gvir_config_domain_set_memory (config, update->memory_mib * 1024);       /* KiB */
      gvir_config_domain_set_current_memory (config, update->memory_mib * 1024);
    }
  if (update->vcpus != 0)
    gvir_config_domain_set_vcpus (config, update->vcpus);
  if (update->description != NULL)
    gvir_config_domain_set_description (config, *update->description ? update->description : NULL);

  if (config_change)
    {
      new_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
      defined = virDomainDefineXML (conn, new_xml);
      if (defined == NULL)
        {
          terra_set_error_from_libvirt (error, _("Could not change “%s”; it is as it was."), name);
          g_clear_pointer (&disk_vol, virStorageVolFree);
          return FALSE;
        }
      virDomainFree (defined);
      if (running && (update->memory_mib != 0 || update->vcpus != 0 || update->network != TERRA_KEEP ||
                      update->sound != TERRA_KEEP || update->video != NULL || update->shared_folder != NULL) &&
          applies_at_next_start != NULL)
        *applies_at_next_start = TRUE;
      if (running && update->description != NULL)
        {
          virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_DESCRIPTION,
                                *update->description ? update->description : NULL, NULL, NULL,
                                VIR_DOMAIN_AFFECT_LIVE);
          virResetLastError ();
        }
    }

  if (disk_vol != NULL)
    {
      unsigned long long bytes = update->disk_gib << 30;
      int ret = bytes == disk_info.capacity ? 0
                : running ? virDomainBlockResize (dom, disk_path, bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES)
                          : virStorageVolResize (disk_vol, bytes, 0);
      virStorageVolFree (disk_vol);
      if (ret < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not grow the disk of “%s”."), name);
          return FALSE;
        }
    }

  if (cdrom_disk_xml != NULL &&
      virDomainUpdateDeviceFlags (dom, cdrom_disk_xml, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_DEVICE_MODIFY_FORCE) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not change the disc in “%s” while it runs; it changes at the next start."), name);
      return FALSE;
    }

  if (update->autostart != TERRA_KEEP && virDomainSetAutostart (dom, update->autostart == TERRA_ON) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not change whether “%s” starts with the session."), name);
      return FALSE;
    }

  if (renaming && virDomainRename (dom, update->name, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not rename “%s”."), name);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  TerraMachineOpFunc func;
  gpointer           data;
  GDestroyNotify     data_free;
  GDestroyNotify     result_free;
} OpData;

static void
op_data_free (OpData *d)
{
  if (d->data_free != NULL && d->data != NULL)
    d->data_free (d->data);
  g_free (d);
}

static void
op_worker (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  OpData *d = task_data;
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = d->func (source_object, d->data, &error);
  if (result == NULL)
    g_task_return_error (task, error != NULL ? error
                                             : g_error_new_literal (TERRA_ERROR, TERRA_ERROR_FAILED, _("The operation failed.")));
  else
    g_task_return_pointer (task, result, d->result_free);
}

/**
 * terra_machine_op_async:
 * @self: a #TerraMachine
 * @func: the blocking operation; returns non-%NULL on success
 * @data: (nullable): its data
 * @data_free: (nullable): frees @data
 * @result_free: (nullable): frees a result nobody collected
 * @cancellable: (nullable): checked before @func runs
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * Runs @func in a worker thread (libvirt calls stay off the main thread).
 */
void
terra_machine_op_async (TerraMachine        *self,
                        TerraMachineOpFunc   func,
                        gpointer             data,
                        GDestroyNotify       data_free,
                        GDestroyNotify       result_free,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpData *d = g_new0 (OpData, 1);

  d->func = func;
  d->data = data;
  d->data_free = data_free;
  d->result_free = result_free;
  g_task_set_source_tag (task, terra_machine_op_async);
  g_task_set_task_data (task, d, (GDestroyNotify)op_data_free);
  g_task_run_in_thread (task, op_worker);
}

/**
 * terra_machine_op_finish:
 * @self: a #TerraMachine
 * @result: the result
 * @error: the operation's error
 *
 * Returns: (transfer full) (nullable): the operation's result
 */
gpointer
terra_machine_op_finish (TerraMachine  *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * terra_machine_get_disk_gib_sync:
 * @self: a #TerraMachine
 * @error: %TERRA_ERROR_STORAGE when it has no disk libvirt knows as a volume
 *
 * Returns: the virtual size of its first disk (GiB, rounded up), or 0
 */
guint64
terra_machine_get_disk_gib_sync (TerraMachine  *self,
                                 GError       **error)
{
  g_autoptr(GPtrArray) disks = terra_machine_list_disks_sync (self, error);

  for (guint i = 0; disks != NULL && i < disks->len; i++)
    {
      const TerraMachineDisk *d = g_ptr_array_index (disks, i);
      if (!d->cdrom && d->virtual_gib > 0)
        return (guint64)ceil (d->virtual_gib);
    }
  if (disks != NULL)
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE, _("The machine has no disk Terrarium can resize."));
  return 0;
}

/** terra_machine_disk_free: @disk: (transfer full) (nullable): a disk */
void
terra_machine_disk_free (TerraMachineDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->path);
  g_free (disk);
}

/**
 * terra_machine_list_disks_sync:
 * @self: a #TerraMachine
 * @error: %TERRA_ERROR_LIBVIRT
 *
 * The machine's disks and CD/DVD drives, with the virtual size and what a
 * disk really uses on the host (qcow2 is thin: it grows as the guest writes).
 *
 * Returns: (transfer full) (element-type TerraMachineDisk) (nullable): the drives
 */
GPtrArray *
terra_machine_list_disks_sync (TerraMachine  *self,
                               GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  g_autofree char *xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  GPtrArray *disks;
  GList *devices;

  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), terra_machine_get_name (self));
      return NULL;
    }
  config = gvir_config_domain_new_from_xml (xml, error);
  if (config == NULL)
    return NULL;
  md = terra_domain_metadata_parse (xml);
  disks = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_machine_disk_free);
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      TerraMachineDisk *d;
      GVirConfigDomainDisk *disk;
      virStorageVolPtr vol;
      virStorageVolInfo info;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = l->data;
      d = g_new0 (TerraMachineDisk, 1);
      d->target = g_strdup (gvir_config_domain_disk_get_target_dev (disk));
      d->path = g_strdup (gvir_config_domain_disk_get_source (disk));
      d->cdrom = gvir_config_domain_disk_get_guest_device_type (disk) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM;
      d->owned = d->path != NULL && md != NULL && md->volumes != NULL &&
                 g_strv_contains ((const char * const *)md->volumes, d->path);
      vol = d->path && !d->cdrom ? virStorageVolLookupByPath (virDomainGetConnect (dom), d->path) : NULL;
      if (vol != NULL && virStorageVolGetInfo (vol, &info) == 0)
        {
          d->virtual_gib = info.capacity / (1024.0 * 1024 * 1024);
          d->allocation_gib = info.allocation / (1024.0 * 1024 * 1024);
        }
      if (vol != NULL)
        virStorageVolFree (vol);
      g_ptr_array_add (disks, d);
    }
  g_list_free_full (devices, g_object_unref);
  virResetLastError ();
  return disks;
}

/**
 * terra_machine_add_tablet_sync:
 * @self: a #TerraMachine
 * @live: (out) (optional): set to whether the running guest got it at once
 *   (a USB hot-plug); otherwise it comes with the next start
 * @error: %TERRA_ERROR_LIBVIRT when libvirt refuses the device
 *
 * Adds a USB tablet (`<input type='tablet' bus='usb'/>`): an absolute
 * pointing device, which lets SPICE move the guest's pointer to where the
 * host's is (client mouse mode). Guests made by Terrarium have one; guests
 * from elsewhere may not, and GTK 4 cannot confine the host's pointer for
 * the relative mode. Nothing is changed when the configuration already has
 * a tablet.
 *
 * Returns: %TRUE when the configuration has a tablet now
 */
static gboolean
xml_has_tablet (const char *xml)
{
  g_autoptr(GVirConfigDomain) config = xml != NULL ? gvir_config_domain_new_from_xml (xml, NULL) : NULL;
  gboolean found = FALSE;
  GList *devices;

  if (config == NULL)
    return FALSE;
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_INPUT (l->data)
        && gvir_config_domain_input_get_device_type (l->data) == GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET)
      found = TRUE;
  g_list_free_full (devices, g_object_unref);
  return found;
}

gboolean
terra_machine_add_tablet_sync (TerraMachine  *self,
                               gboolean      *live,
                               GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  const char *name = terra_machine_get_name (self);
  g_autofree char *xml = NULL;
  g_autofree char *live_xml = NULL;
  g_autofree char *tablet_xml = NULL;
  g_autoptr(GVirConfigDomainInput) tablet = NULL;
  gboolean in_config, running;
  int state = VIR_DOMAIN_NOSTATE;

  if (live != NULL)
    *live = FALSE;
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  if (xml == NULL || virDomainGetState (dom, &state, NULL, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), name);
      return FALSE;
    }
  in_config = xml_has_tablet (xml);
  running = state != VIR_DOMAIN_SHUTOFF;
  if (running)
    live_xml = virDomainGetXMLDesc (dom, 0);

  tablet = gvir_config_domain_input_new ();
  gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
  gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
  tablet_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (tablet));

  if (running && xml_has_tablet (live_xml))
    {
      if (live != NULL)
        *live = TRUE;
    }
  else if (running && virDomainAttachDeviceFlags (dom, tablet_xml, VIR_DOMAIN_AFFECT_LIVE) == 0)
    {
      /* hot-plugged on the guest's USB controller */
      if (live != NULL)
        *live = TRUE;
    }
  if (!in_config && virDomainAttachDeviceFlags (dom, tablet_xml, VIR_DOMAIN_AFFECT_CONFIG) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not add a tablet to “%s”."), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * terra_machine_add_disk_sync:
 * @self: a #TerraMachine
 * @gib: the new disk's size (GiB, 1 … 65536)
 * @error: %TERRA_ERROR_INVALID_ARGUMENT, %TERRA_ERROR_STORAGE, %TERRA_ERROR_LIBVIRT
 *
 * Creates a qcow2 volume in the `terrarium` pool and attaches it on the bus
 * the first disk uses (virtio, else SATA), as the next free target (vdb…).
 * A running guest gets it at once (hot-plug) and keeps it. The volume is
 * recorded in our metadata, so deleting the machine deletes it. If the
 * attach fails the new volume is deleted.
 *
 * Returns: (transfer full) (nullable): the new disk's target, e.g. "vdb"
 */
char *
terra_machine_add_disk_sync (TerraMachine  *self,
                             guint64        gib,
                             GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  virConnectPtr conn = virDomainGetConnect (dom);
  const char *name = terra_machine_get_name (self);
  g_autofree char *xml = NULL;
  g_autofree char *disk_xml = NULL;
  g_autofree char *base = NULL;
  g_autofree char *vol_path = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GVirConfigDomainDisk) disk = NULL;
  g_autoptr(GVirConfigDomainDiskDriver) driver = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func (g_free);
  GVirConfigDomainDiskBus bus = GVIR_CONFIG_DOMAIN_DISK_BUS_SATA;
  const char *prefix = "sd";
  virStoragePoolPtr pool;
  virStorageVolPtr vol;
  GList *devices;
  int state = VIR_DOMAIN_NOSTATE;
  unsigned int flags = VIR_DOMAIN_AFFECT_CONFIG;

  if (gib < 1 || gib > 65536)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("The disk size must be between 1 GiB and 64 TiB, not %" G_GUINT64_FORMAT " GiB."), gib);
      return NULL;
    }
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL || virDomainGetState (dom, &state, NULL, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), name);
      return NULL;
    }
  config = gvir_config_domain_new_from_xml (xml, error);
  if (config == NULL)
    return NULL;

  /* The bus of the first disk, and the first free target on it. */
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
        gvir_config_domain_disk_get_guest_device_type (l->data) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK)
      {
        /* The target's prefix says the bus (vd: virtio, sd: SATA/SCSI). */
        if (g_str_has_prefix (gvir_config_domain_disk_get_target_dev (l->data), "vd"))
          {
            bus = GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO;
            prefix = "vd";
          }
        break;
      }
  for (char c = 'a'; c <= 'z' && target == NULL; c++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s%c", prefix, c);
      gboolean taken = FALSE;
      for (GList *l = devices; l != NULL; l = l->next)
        if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
            g_strcmp0 (gvir_config_domain_disk_get_target_dev (l->data), candidate) == 0)
          taken = TRUE;
      if (!taken)
        target = g_steal_pointer (&candidate);
    }
  g_list_free_full (devices, g_object_unref);
  if (target == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_STORAGE, _("“%s” has no free disk slot left."), name);
      return NULL;
    }

  pool = virStoragePoolLookupByName (conn, TERRA_STORAGE_POOL_NAME);
  if (pool == NULL)
    {
      terra_set_error_from_libvirt (error, _("The storage pool “%s” is not available."), TERRA_STORAGE_POOL_NAME);
      return NULL;
    }
  {
    g_autofree char *stem = terra_storage_volume_base_name (name);
    base = g_strdup_printf ("%s-%s", stem, target);
  }
  vol = terra_storage_create_volume (pool, base, gib, NULL, NULL, error);
  virStoragePoolFree (pool);
  if (vol == NULL)
    return NULL;
  vol_path = virStorageVolGetPath (vol);

  disk = gvir_config_domain_disk_new ();
  driver = gvir_config_domain_disk_driver_new ();
  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
  gvir_config_domain_disk_set_source (disk, vol_path);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_disk_set_target_bus (disk, bus);
  gvir_config_domain_disk_set_target_dev (disk, target);
  disk_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (disk));

  if (state != VIR_DOMAIN_SHUTOFF)
    flags |= VIR_DOMAIN_AFFECT_LIVE;
  if (virDomainAttachDeviceFlags (dom, disk_xml, flags) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not add a disk to “%s”."), name);
      virStorageVolDelete (vol, 0);
      virStorageVolFree (vol);
      return NULL;
    }
  virStorageVolFree (vol);

  /* Record the volume as ours (one more define of the metadata). */
  g_free (xml);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  g_clear_object (&config);
  config = xml ? gvir_config_domain_new_from_xml (xml, NULL) : NULL;
  md = xml ? terra_domain_metadata_parse (xml) : NULL;
  if (config != NULL && md != NULL)
    {
      virDomainPtr defined;
      g_autofree char *new_xml = NULL;

      for (guint i = 0; md->volumes != NULL && md->volumes[i] != NULL; i++)
        g_ptr_array_add (volumes, g_strdup (md->volumes[i]));
      g_ptr_array_add (volumes, g_strdup (vol_path));
      g_ptr_array_add (volumes, NULL);
      g_strfreev (md->volumes);
      md->volumes = (char **)g_ptr_array_free (g_steal_pointer (&volumes), FALSE);
      if (terra_domain_metadata_apply (config, md, NULL))
        {
          new_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
          defined = virDomainDefineXML (conn, new_xml);
          if (defined != NULL)
            virDomainFree (defined);
        }
    }
  virResetLastError ();
  return g_steal_pointer (&target);
}

static int
collect_bytes (virStreamPtr  st,
               const char   *data,
               size_t        nbytes,
               void         *opaque)
{
  g_byte_array_append (opaque, (const guint8 *)data, nbytes);
  return (int)nbytes;
}

/**
 * terra_machine_screenshot_sync:
 * @self: a running #TerraMachine
 * @mime_type: (out) (transfer full) (optional): the image's type, e.g. "image/x-portable-pixmap"
 * @error: %TERRA_ERROR_WRONG_STATE when it is not running, %TERRA_ERROR_LIBVIRT
 *
 * The guest's screen through QEMU (virDomainScreenshot), for thumbnails:
 * unlike a SPICE connection it does not take the display over from a viewer.
 *
 * Returns: (transfer full) (nullable): the image file's bytes
 */
GBytes *
terra_machine_screenshot_sync (TerraMachine  *self,
                               char         **mime_type,
                               GError       **error)
{
  virDomainPtr dom = terra_machine_get_domain (self);
  virStreamPtr st = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  char *mime = NULL;
  int state = VIR_DOMAIN_NOSTATE;

  if (virDomainGetState (dom, &state, NULL, 0) < 0 || (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED))
    {
      virResetLastError ();
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("“%s” is not running."), terra_machine_get_name (self));
      return NULL;
    }
  st = virStreamNew (virDomainGetConnect (dom), 0);
  if (st == NULL || (mime = virDomainScreenshot (dom, st, 0, 0)) == NULL ||
      virStreamRecvAll (st, collect_bytes, data) < 0 || virStreamFinish (st) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not take a picture of the screen of “%s”."), terra_machine_get_name (self));
      if (st != NULL)
        {
          virStreamAbort (st);
          virStreamFree (st);
        }
      free (mime);
      return NULL;
    }
  virStreamFree (st);
  if (mime_type != NULL)
    *mime_type = g_strdup (mime);
  free (mime);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/**
 * terra_machine_save_all_running_sync:
 * @connection: a connected #TerraConnection
 * @cancellable: (nullable): checked between machines
 * @error: %TERRA_ERROR_NOT_CONNECTED, %TERRA_ERROR_LIBVIRT, or
 *   %TERRA_ERROR_FAILED naming each machine that could not be saved (the
 *   others are saved)
 *
 * Saves the state of every running or paused machine (libvirt managed save:
 * the next start continues where it was), one after the other; disposable
 * runs are left alone (their state is meant to go). What the app does when
 * the desktop session ends with the `save-on-logout` preference, and
 * `terrarium-ctl save --all`. Blocking.
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the names of the
 *   machines saved
 */
GPtrArray *
terra_machine_save_all_running_sync (TerraConnection  *connection,
                                     GCancellable     *cancellable,
                                     GError          **error)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) failed = g_string_new (NULL);
  virConnectPtr conn = terra_connection_dup_handle (connection);
  virDomainPtr *domains = NULL;
  int n;

  if (conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED, _("Not connected to the virtualization service."));
      return NULL;
    }
  n = virConnectListAllDomains (conn, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
  if (n < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not list the running virtual machines."));
      virConnectClose (conn);
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(TerraMachine) machine = NULL;

      if (!g_cancellable_is_cancelled (cancellable))
        machine = terra_machine_new_sync (connection, domains[i], &local_error);
      if (machine != NULL && !terra_machine_get_disposable (machine))
        {
          if (terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_SAVE, NULL, &local_error))
            g_ptr_array_add (saved, g_strdup (terra_machine_get_name (machine)));
        }
      if (local_error != NULL)
        {
          g_autofree char *summary = terra_error_get_summary (local_error);
          g_string_append_printf (failed, "%s%s", failed->len ? "\n" : "", summary);
        }
      virDomainFree (domains[i]);
    }
  free (domains);
  virConnectClose (conn);
  if (failed->len > 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, "%s\n\n%s",
                   _("Some virtual machines could not be saved."), failed->str);
      return NULL;
    }
  return g_steal_pointer (&saved);
}
