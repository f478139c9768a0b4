/* terra-budget.h — host resource budget: RAM, vCPUs and disk across all VMs
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-machine.h"

G_BEGIN_DECLS

/* What a new qcow2 volume takes on the host right away (GiB): its header and
 * tables, a few hundred KiB (qemu-img info on a fresh 20 GiB image: 196 KiB). */
#define TERRA_BUDGET_QCOW2_INITIAL_GIB 0.001

/**
 * TerraBudgetVerdict:
 * @TERRA_BUDGET_OK: fits
 * @TERRA_BUDGET_WARNING: allowed, but the user should know (slower host, overcommit)
 * @TERRA_BUDGET_OVER: refused unless the user explicitly overrides
 */
typedef enum {
  TERRA_BUDGET_OK,      /*< nick=ok >*/
  TERRA_BUDGET_WARNING, /*< nick=warning >*/
  TERRA_BUDGET_OVER,    /*< nick=over >*/
} TerraBudgetVerdict;

typedef enum {
  TERRA_RESOURCE_MEMORY, /*< nick=memory >*/
  TERRA_RESOURCE_VCPUS,  /*< nick=vcpus >*/
  TERRA_RESOURCE_DISK,   /*< nick=disk >*/
} TerraResource;

/**
 * TerraHostResources:
 * @memory_total_mib: host RAM (MiB)
 * @memory_available_mib: RAM free for use now (free + buffers + cache, MiB)
 * @cpus: host CPU threads
 * @accel: KVM or TCG
 * @pool_capacity_gib: the app's storage pool size (GiB); 0 when unknown (no pool yet)
 * @pool_free_gib: free space in it (GiB)
 * @pool_committed_gib: sum of the virtual capacities of its volumes (GiB)
 * @pool_allocated_gib: sum of what those volumes use on disk now (GiB)
 */
typedef struct {
  guint64    memory_total_mib;
  guint64    memory_available_mib;
  guint      cpus;
  TerraAccel accel;
  double     pool_capacity_gib;
  double     pool_free_gib;
  double     pool_committed_gib;
  double     pool_allocated_gib;
} TerraHostResources;

/**
 * TerraBudgetMachine:
 * @name: the machine's name
 * @memory_mib: its memory (MiB)
 * @vcpus: its vCPUs
 * @running: whether it uses host RAM and CPU now (running or paused)
 */
typedef struct {
  char     *name;
  guint64   memory_mib;
  guint     vcpus;
  gboolean  running;
} TerraBudgetMachine;

typedef enum {
  TERRA_PROPOSAL_NEW,    /*< nick=new >*/
  TERRA_PROPOSAL_CHANGE, /*< nick=change >*/
  TERRA_PROPOSAL_START,  /*< nick=start >*/
} TerraProposalKind;

/**
 * TerraProposal:
 * @kind: a new VM, a changed VM, or starting one
 * @name: (nullable): for CHANGE and START, the machine concerned (left out of
 *   the others' sums)
 * @memory_mib: its memory (MiB)
 * @vcpus: its vCPUs
 * @disk_gib: for NEW, the new disk's virtual size (GiB); 0 for none
 * @disk_initial_gib: what the new disk needs on the host right away (GiB;
 *   a qcow2 volume starts at a few hundred KiB)
 * @will_run: whether it runs afterwards (NEW with start, START, CHANGE of a
 *   running VM)
 * @os_name: (nullable): the OS, for the minimum findings
 * @os_min_memory_mib: libosinfo's minimum RAM for the OS (MiB), 0 for unknown
 * @os_min_disk_gib: libosinfo's minimum storage (GiB), 0 for unknown
 */
typedef struct {
  TerraProposalKind kind;
  const char       *name;
  guint64           memory_mib;
  guint             vcpus;
  double            disk_gib;
  double            disk_initial_gib;
  gboolean          will_run;
  const char       *os_name;
  guint64           os_min_memory_mib;
  guint64           os_min_disk_gib;
} TerraProposal;

/**
 * TerraBudgetFinding:
 * @resource: what it is about
 * @severity: %TERRA_BUDGET_WARNING or %TERRA_BUDGET_OVER
 * @rule: a stable id ("vm-memory-zone", "running-memory", …), see terra-budget.c
 * @message: a translated sentence with the numbers
 * @value: the amount the rule measured (MiB, vCPUs or GiB, by @resource)
 * @limit: the amount it was compared with (same unit)
 */
typedef struct {
  TerraResource       resource;
  TerraBudgetVerdict  severity;
  const char         *rule;
  char               *message;
  double              value;
  double              limit;
} TerraBudgetFinding;

/**
 * TerraBudgetReport:
 * @verdict: the worst severity among @findings (%TERRA_BUDGET_OK when none)
 * @findings: (element-type TerraBudgetFinding): what the rules found
 * @reserve_mib: the host reserve used (MiB)
 * @running_memory_mib: RAM of the running VMs, the proposal included when it will run
 * @running_vcpus: vCPUs of the running VMs, likewise
 */
typedef struct {
  TerraBudgetVerdict verdict;
  GPtrArray         *findings;
  guint64            reserve_mib;
  guint64            running_memory_mib;
  guint              running_vcpus;
} TerraBudgetReport;

/**
 * TerraBudgetSnapshot:
 * @host: the host's resources
 * @machines: (element-type TerraBudgetMachine): every defined VM
 */
typedef struct {
  TerraHostResources host;
  GArray            *machines;
} TerraBudgetSnapshot;

const char         *terra_budget_verdict_to_string  (TerraBudgetVerdict verdict);
const char         *terra_resource_to_string        (TerraResource      resource);
guint64             terra_budget_default_reserve_mib (guint64           memory_total_mib);
guint64             terra_budget_reserve_mib        (guint64            memory_total_mib,
                                                     guint64            configured_mib);
void                terra_budget_memory_zone        (guint64            memory_total_mib,
                                                     guint64           *warning_mib,
                                                     guint64           *over_mib);
TerraBudgetReport  *terra_budget_evaluate           (const TerraHostResources *host,
                                                     const TerraBudgetMachine *machines,
                                                     guint                     n_machines,
                                                     const TerraProposal      *proposal,
                                                     guint64                   reserve_mib);
void                terra_budget_report_free        (TerraBudgetReport *report);
char               *terra_budget_report_format      (const TerraBudgetReport *report);

TerraBudgetSnapshot *terra_budget_snapshot_query_sync   (TerraConnection     *connection,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void                 terra_budget_snapshot_query_async  (TerraConnection     *connection,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
TerraBudgetSnapshot *terra_budget_snapshot_query_finish (GAsyncResult        *result,
                                                         GError             **error);
void                 terra_budget_snapshot_free         (TerraBudgetSnapshot *snapshot);
guint64              terra_budget_snapshot_memory_left_mib (const TerraBudgetSnapshot *snapshot,
                                                            guint64                    memory_total_mib,
                                                            guint64                    reserve_mib);
TerraBudgetReport   *terra_budget_snapshot_evaluate     (const TerraBudgetSnapshot *snapshot,
                                                         const TerraProposal       *proposal,
                                                         guint64                    reserve_mib);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraBudgetReport, terra_budget_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraBudgetSnapshot, terra_budget_snapshot_free)

G_END_DECLS
