/* terra-lab-runner.h — bring a lab up, reset it, take it down, remove it
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-budget.h"
#include "terra-connection.h"
#include "terra-lab.h"
#include "terra-machine.h"

G_BEGIN_DECLS

/**
 * TerraLabProgress:
 * @vm: the VM's name in the lab
 * @message: what just happened to it, for people ("created", "started"…)
 * @user_data: the caller's data
 *
 * Progress of one VM. Called from worker threads, several at once: the
 * callee must be thread-safe (the GUI marshals to the main thread).
 */
typedef void (*TerraLabProgress) (const char *vm,
                                  const char *message,
                                  gpointer    user_data);

/**
 * TerraLabVmStatus:
 * @name: the VM's name in the lab
 * @domain_name: its libvirt domain's name
 * @exists: whether the domain exists (and belongs to this lab)
 * @state: its state when it exists
 * @ip: (nullable): an IPv4 address the guest reported (needs qemu-guest-agent
 *   in the guest), or %NULL when unknown
 * @memory_mib: RAM in MiB (from the lab file when it does not exist yet)
 * @vcpus: vCPUs
 * @memory_share: @memory_mib as a fraction of the host's RAM (0…1)
 * @has_baseline: whether the `baseline` snapshot exists
 * @disposable: whether it runs disposable
 */
typedef struct {
  char              *name;
  char              *domain_name;
  gboolean           exists;
  TerraMachineState  state;
  char              *ip;
  guint64            memory_mib;
  guint              vcpus;
  double             memory_share;
  gboolean           has_baseline;
  gboolean           disposable;
} TerraLabVmStatus;

void               terra_lab_vm_status_free   (TerraLabVmStatus *status);

TerraBudgetReport *terra_lab_evaluate_budget  (const TerraBudgetSnapshot *snapshot,
                                               TerraLab                  *lab,
                                               const char * const        *existing,
                                               guint64                    reserve_mib,
                                               int                       *first_over);
TerraBudgetReport *terra_lab_budget_sync      (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               guint64           reserve_mib,
                                               GPtrArray       **problems,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean           terra_lab_up_sync          (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               guint64           reserve_mib,
                                               gboolean          force,
                                               TerraLabProgress  progress,
                                               gpointer          user_data,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean           terra_lab_reset_sync       (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               TerraLabProgress  progress,
                                               gpointer          user_data,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean           terra_lab_down_sync        (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               guint             timeout_s,
                                               TerraLabProgress  progress,
                                               gpointer          user_data,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean           terra_lab_destroy_sync     (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               TerraLabProgress  progress,
                                               gpointer          user_data,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean           terra_lab_baseline_sync    (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               TerraLabProgress  progress,
                                               gpointer          user_data,
                                               GCancellable     *cancellable,
                                               GError          **error);
GPtrArray         *terra_lab_status_sync      (TerraConnection  *connection,
                                               TerraLab         *lab,
                                               GCancellable     *cancellable,
                                               GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraLabVmStatus, terra_lab_vm_status_free)

G_END_DECLS
