/* terra-machine.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "terra-connection.h"

G_BEGIN_DECLS

/**
 * TerraMachineState:
 *
 * A guest's state as the collection shows it, mapped from virDomainState.
 * The nick is what `terrarium-ctl list --json` prints.
 */
typedef enum {
  TERRA_MACHINE_STATE_SHUTOFF,   /*< nick=shutoff >*/
  TERRA_MACHINE_STATE_RUNNING,   /*< nick=running >*/
  TERRA_MACHINE_STATE_PAUSED,    /*< nick=paused >*/
  TERRA_MACHINE_STATE_CRASHED,   /*< nick=crashed >*/
  TERRA_MACHINE_STATE_SUSPENDED, /*< nick=suspended >*/
  TERRA_MACHINE_STATE_OTHER,     /*< nick=other >*/
} TerraMachineState;

/**
 * TerraAccel:
 * @TERRA_ACCEL_KVM: hardware virtualization (domain type kvm)
 * @TERRA_ACCEL_TCG: emulation with QEMU's TCG (domain type qemu); slow
 */
typedef enum {
  TERRA_ACCEL_KVM, /*< nick=kvm >*/
  TERRA_ACCEL_TCG, /*< nick=tcg >*/
} TerraAccel;

#define TERRA_TYPE_MACHINE (terra_machine_get_type ())
G_DECLARE_FINAL_TYPE (TerraMachine, terra_machine, TERRA, MACHINE, GObject)

const char        *terra_machine_state_to_string   (TerraMachineState state);
const char        *terra_machine_state_to_label    (TerraMachineState state);
const char        *terra_accel_to_string           (TerraAccel accel);

TerraMachine      *terra_machine_new_sync          (TerraConnection     *connection,
                                                    virDomainPtr         domain,
                                                    GError             **error);
TerraConnection   *terra_machine_get_connection    (TerraMachine        *self);
const char        *terra_machine_get_name          (TerraMachine        *self);
const char        *terra_machine_get_uuid          (TerraMachine        *self);
const char        *terra_machine_get_os_id         (TerraMachine        *self);
const char        *terra_machine_get_os_name       (TerraMachine        *self);
const char        *terra_machine_get_media_path    (TerraMachine        *self);
const char        *terra_machine_get_lab           (TerraMachine        *self);
char              *terra_machine_dup_key           (TerraMachine        *self);
const char        *terra_machine_get_lab_file      (TerraMachine        *self);
const char        *terra_machine_get_shared_folder (TerraMachine        *self);
const char        *terra_machine_get_created       (TerraMachine        *self);
TerraMachineState  terra_machine_get_state         (TerraMachine        *self);
guint64            terra_machine_get_memory_mib    (TerraMachine        *self);
guint              terra_machine_get_vcpus         (TerraMachine        *self);
TerraAccel         terra_machine_get_accel         (TerraMachine        *self);
gboolean           terra_machine_get_can_start     (TerraMachine        *self);
gboolean           terra_machine_get_can_stop      (TerraMachine        *self);
gboolean           terra_machine_get_is_running    (TerraMachine        *self);
const char        *terra_machine_get_description   (TerraMachine        *self);
gboolean           terra_machine_get_saved         (TerraMachine        *self);
gboolean           terra_machine_get_disposable    (TerraMachine        *self);
gboolean           terra_machine_get_uefi          (TerraMachine        *self);
gboolean           terra_machine_get_installing    (TerraMachine        *self);
gboolean           terra_machine_get_autostart     (TerraMachine        *self);
gboolean           terra_machine_get_has_network   (TerraMachine        *self);
gboolean           terra_machine_get_has_sound     (TerraMachine        *self);
const char        *terra_machine_get_video         (TerraMachine        *self);
gboolean           terra_machine_get_reset_on_shutdown (TerraMachine    *self);
virDomainPtr       terra_machine_get_domain        (TerraMachine        *self);
void               _terra_machine_set_state        (TerraMachine        *self,
                                                    TerraMachineState    state);
gboolean           terra_machine_refresh_sync      (TerraMachine        *self,
                                                    GError             **error);
void               terra_machine_refresh_async     (TerraMachine        *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           terra_machine_refresh_finish    (TerraMachine        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/**
 * TerraMachineAction:
 *
 * The lifecycle actions of the collection; each runs in a worker thread.
 */
typedef enum {
  TERRA_MACHINE_ACTION_START,
  TERRA_MACHINE_ACTION_SHUTDOWN,  /* ACPI power button */
  TERRA_MACHINE_ACTION_FORCE_OFF, /* virDomainDestroy */
  TERRA_MACHINE_ACTION_DELETE,    /* force off, undefine, delete our volumes */
  TERRA_MACHINE_ACTION_REBOOT,    /* ACPI reboot, else reset */
  TERRA_MACHINE_ACTION_PAUSE,     /* virDomainSuspend */
  TERRA_MACHINE_ACTION_RESUME,    /* virDomainResume */
  TERRA_MACHINE_ACTION_SAVE,      /* managed save: the next start restores */
  TERRA_MACHINE_ACTION_START_DISPOSABLE, /* start with transient disks: changes are thrown away at stop */
} TerraMachineAction;

gboolean           terra_machine_run_action_sync   (TerraMachine        *self,
                                                    TerraMachineAction   action,
                                                    GCancellable        *cancellable,
                                                    GError             **error);
void               terra_machine_run_action_async  (TerraMachine        *self,
                                                    TerraMachineAction   action,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           terra_machine_run_action_finish (TerraMachine        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
int                terra_machine_open_graphics_fd_sync (TerraMachine    *self,
                                                        GError         **error);
void          terra_machine_provide_graphics_fd   (gpointer             machine,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void               terra_machine_open_graphics_fd_async (TerraMachine        *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
int                terra_machine_open_graphics_fd_finish (TerraMachine   *self,
                                                          GAsyncResult   *result,
                                                          GError        **error);

G_END_DECLS
