/* terra-machine-ops.h — snapshots, clone and configuration changes of a machine
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-machine.h"

G_BEGIN_DECLS

/**
 * TerraSnapshot:
 * @name: the snapshot's name
 * @description: (nullable): the user's note
 * @created: creation time (Unix seconds)
 * @state: the guest's state when taken: "running", "shutoff", "paused"…
 * @current: whether it is the snapshot the machine was last reverted to or taken at
 */
typedef struct {
  char     *name;
  char     *description;
  gint64    created;
  char     *state;
  gboolean  current;
} TerraSnapshot;

void       terra_snapshot_free                 (TerraSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraSnapshot, terra_snapshot_free)

GPtrArray *terra_machine_list_snapshots_sync   (TerraMachine  *self,
                                                GError       **error);
gboolean   terra_machine_create_snapshot_sync  (TerraMachine  *self,
                                                const char    *name,
                                                const char    *description,
                                                GError       **error);
gboolean   terra_machine_revert_snapshot_sync  (TerraMachine  *self,
                                                const char    *name,
                                                GError       **error);
gboolean   terra_machine_delete_snapshot_sync  (TerraMachine  *self,
                                                const char    *name,
                                                GError       **error);
guint64    terra_machine_get_disk_gib_sync     (TerraMachine  *self,
                                                GError       **error);
/**
 * TerraProgressFunc:
 * @fraction: how much is done, 0…1
 * @user_data: the caller's data
 *
 * Progress of long work, called from a worker thread.
 */
typedef void (*TerraProgressFunc) (double   fraction,
                                   gpointer user_data);

char      *terra_machine_clone_sync            (TerraMachine      *self,
                                                const char        *new_name,
                                                TerraProgressFunc  progress,
                                                gpointer           user_data,
                                                GError           **error);

/**
 * TerraMachineUpdate:
 * @name: (nullable): a new name, or %NULL to keep it
 * @description: (nullable): a new description ("" clears it), or %NULL to keep it
 * @memory_mib: new memory (MiB), 0 to keep it
 * @vcpus: new vCPUs, 0 to keep them
 * @disk_gib: new size of a disk (GiB, grow only), 0 to keep it
 * @disk_target: (nullable): which disk ("vda"), %NULL for the first
 * @autostart: start with the libvirt session (libvirt autostart)
 * @reset_on_shutdown: make every run disposable (`<transient/>` disks)
 * @cdrom: (nullable): a disc image to insert in the CD/DVD drive, "" to eject,
 *   %NULL to keep (applied live too when the guest runs)
 * @network: a NAT network card (QEMU user networking: reaches the outside,
 *   needs no root) or none (isolated); at the next start
 * @sound: an ICH9 sound card or none; at the next start
 * @video: (nullable): "qxl" (the SPICE default, 2D, best for old guests) or
 *   "virtio" (virtio-gpu: needs the guest driver, any resolution); at the next start
 * @shared_folder: (nullable): an absolute host folder to share with the guest
 *   (virtio-9p, mount tag "terrarium"), "" for none, %NULL to keep; at the
 *   next start
 */
typedef enum {
  TERRA_KEEP = 0, /* zero-initialised updates change nothing */
  TERRA_OFF,
  TERRA_ON,
} TerraTristate;

typedef struct {
  const char    *name;
  const char    *description;
  guint64        memory_mib;
  guint          vcpus;
  guint64        disk_gib;
  const char    *disk_target;
  TerraTristate  autostart;
  TerraTristate  reset_on_shutdown;
  const char    *cdrom;
  TerraTristate  network;
  TerraTristate  sound;
  const char    *video;
  const char    *shared_folder;
} TerraMachineUpdate;

gboolean   terra_machine_update_sync           (TerraMachine             *self,
                                                const TerraMachineUpdate *update,
                                                gboolean                 *applies_at_next_start,
                                                GError                  **error);

/**
 * TerraMachineDisk:
 * @target: the guest's name for it ("vda", "sda")
 * @path: (nullable): the image file, %NULL for an empty CD/DVD drive
 * @cdrom: a CD/DVD drive
 * @owned: Terrarium created it (deleting the machine deletes it)
 * @virtual_gib: its size as the guest sees it (GiB)
 * @allocation_gib: what it uses on the host now (GiB)
 */
typedef struct {
  char     *target;
  char     *path;
  gboolean  cdrom;
  gboolean  owned;
  double    virtual_gib;
  double    allocation_gib;
} TerraMachineDisk;

void       terra_machine_disk_free             (TerraMachineDisk *disk);
GPtrArray *terra_machine_list_disks_sync       (TerraMachine  *self,
                                                GError       **error);
gboolean   terra_machine_add_tablet_sync       (TerraMachine  *self,
                                               gboolean      *live,
                                               GError       **error);
char      *terra_machine_add_disk_sync         (TerraMachine  *self,
                                                guint64        gib,
                                                GError       **error);

GBytes    *terra_machine_screenshot_sync       (TerraMachine  *self,
                                                char         **mime_type,
                                                GError       **error);

/* Runs @func (one of the *_sync calls above, wrapped) in a worker thread. The
 * result is a pointer: non-%NULL on success. */
typedef gpointer (*TerraMachineOpFunc) (TerraMachine  *machine,
                                        gpointer       data,
                                        GError       **error);
void       terra_machine_op_async              (TerraMachine        *self,
                                                TerraMachineOpFunc   func,
                                                gpointer             data,
                                                GDestroyNotify       data_free,
                                                GDestroyNotify       result_free,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gpointer   terra_machine_op_finish             (TerraMachine        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

GPtrArray *terra_machine_save_all_running_sync (TerraConnection  *connection,
                                                GCancellable     *cancellable,
                                                GError          **error);

gboolean terra_machine_finish_install_sync (TerraMachine  *self,
                                            GError       **error);

G_END_DECLS
