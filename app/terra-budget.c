/* terra-budget.c — host resource budget: RAM, vCPUs and disk across all VMs
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hosted hypervisor shares the host's RAM, CPU threads and disk with the
 * host's own programs. terra_budget_evaluate() is pure: given the host, every
 * machine and a proposal (a new VM, a change, or starting one) it returns a
 * verdict and findings. The rules, each with its source:
 *
 * host-reserve (memory): RAM kept for the host: max(2 GiB, 20 % of RAM) by
 *   default, or the user's preference. Multipass advises leaving the host at
 *   least 4 GB and 2 threads on a desktop; GNOME Boxes leaves nothing and
 *   VirtualBox counts per VM only. 2 GiB is what a GNOME desktop session with
 *   a browser needs to stay responsive; 20 % scales it for big hosts whose
 *   owners run more beside their VMs.
 * vm-memory-zone (memory): one VM's memory against host RAM, in
 *   VirtualBox's zones (UIGuestRAMSlider::prepare(), VirtualBox 6):
 *   warning above 50–90 %, over above 75–96 % of host RAM, the percentages
 *   growing with the host (table below).
 * running-memory (memory): RAM of the running VMs plus the proposal: a
 *   warning above host RAM minus the reserve, over above host RAM.
 * vm-vcpus (vCPUs): one VM with more vCPUs than host threads is a warning,
 *   more than twice as many is over (QEMU runs one thread per vCPU; past 2×
 *   the guest spends its time waiting for its own vCPUs: libvirt's and
 *   Red Hat's tuning guides advise never more vCPUs than host threads).
 * running-vcpus (vCPUs): the running VMs' vCPUs above host threads is a
 *   warning: CPU overcommit is normal but slows every guest and the host.
 * tcg-vcpus (vCPUs): under TCG a guest gains little from more than 2 vCPUs
 *   (each is emulated; QEMU's multi-threaded TCG scales poorly past a few
 *   threads and competes with the host): a warning that recommends ≤ 2.
 * disk-growth (disk): qcow2 volumes are thin: when what all disks in the
 *   pool could still grow, plus the new disk, passes the pool's free space,
 *   a warning ("disks could grow past free space").
 * disk-initial (disk): a new disk whose initial allocation does not fit in
 *   the free space is over.
 * os-minimum-memory, os-minimum-disk: below libosinfo's minimum for the OS
 *   is a warning ("Debian 11 needs at least 1 GiB").
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "terra-budget.h"
#include "terra-error.h"
#include "terra-host.h"
#include "terra-storage.h"

#define MIB_PER_GIB 1024.0
#define RESERVE_MIN_MIB 2048
#define RESERVE_PERCENT 20
#define TCG_USEFUL_VCPUS 2

/* VirtualBox's per-VM memory zones (UIGuestRAMSlider::prepare()): for hosts
 * below @below_mib, more than @warning_pct % of host RAM for one VM is a
 * warning and more than @over_pct % is over. */
static const struct {
  guint64 below_mib;
  guint   warning_pct;
  guint   over_pct;
} memory_zones[] = {
  { 3072, 50, 75 },
  { 4096, 50, 80 },
  { 6144, 60, 84 },
  { 8192, 65, 88 },
  { 16384, 70, 90 },
  { 32768, 75, 93 },
  { 65536, 80, 94 },
  { 131072, 85, 95 },
  { G_MAXUINT64, 90, 96 },
};

/** terra_budget_verdict_to_string: Returns: "ok", "warning" or "over" */
const char *
terra_budget_verdict_to_string (TerraBudgetVerdict verdict)
{
  switch (verdict)
    {
    case TERRA_BUDGET_WARNING: return "warning";
    case TERRA_BUDGET_OVER: return "over";
    case TERRA_BUDGET_OK:
    default: return "ok";
    }
}

/** terra_resource_to_string: Returns: "memory", "vcpus" or "disk" */
const char *
terra_resource_to_string (TerraResource resource)
{
  switch (resource)
    {
    case TERRA_RESOURCE_VCPUS: return "vcpus";
    case TERRA_RESOURCE_DISK: return "disk";
    case TERRA_RESOURCE_MEMORY:
    default: return "memory";
    }
}

/**
 * terra_budget_default_reserve_mib:
 * @memory_total_mib: host RAM (MiB)
 *
 * Returns: the RAM kept for the host by default: max(2 GiB, 20 % of RAM), in
 *   MiB, never more than the host has (rule host-reserve above)
 */
guint64
terra_budget_default_reserve_mib (guint64 memory_total_mib)
{
  guint64 reserve = MAX ((guint64)RESERVE_MIN_MIB, memory_total_mib * RESERVE_PERCENT / 100);
  return MIN (reserve, memory_total_mib);
}

/**
 * terra_budget_reserve_mib:
 * @memory_total_mib: host RAM (MiB)
 * @configured_mib: the user's host reserve (MiB), 0 for automatic
 *
 * Returns: the RAM kept for the host (MiB): @configured_mib, never more than
 *   the host has, or terra_budget_default_reserve_mib() when it is 0
 */
guint64
terra_budget_reserve_mib (guint64 memory_total_mib,
                          guint64 configured_mib)
{
  return configured_mib > 0 ? MIN (configured_mib, memory_total_mib)
                            : terra_budget_default_reserve_mib (memory_total_mib);
}

/**
 * terra_budget_memory_zone:
 * @memory_total_mib: host RAM (MiB)
 * @warning_mib: (out): one VM above this much memory is a warning
 * @over_mib: (out): one VM above this much is over
 *
 * VirtualBox's zones for a host of this size (see the table above).
 */
void
terra_budget_memory_zone (guint64  memory_total_mib,
                          guint64 *warning_mib,
                          guint64 *over_mib)
{
  guint i = 0;

  while (memory_total_mib >= memory_zones[i].below_mib)
    i++;
  *warning_mib = memory_total_mib * memory_zones[i].warning_pct / 100;
  *over_mib = memory_total_mib * memory_zones[i].over_pct / 100;
}

static void
finding_free (gpointer data)
{
  TerraBudgetFinding *f = data;
  g_free (f->message);
  g_free (f);
}

static void
add_finding (TerraBudgetReport  *report,
             TerraResource       resource,
             TerraBudgetVerdict  severity,
             const char         *rule,
             double              value,
             double              limit,
             char               *message /* transfer full */)
{
  TerraBudgetFinding *f = g_new0 (TerraBudgetFinding, 1);

  f->resource = resource;
  f->severity = severity;
  f->rule = rule;
  f->value = value;
  f->limit = limit;
  f->message = message;
  g_ptr_array_add (report->findings, f);
  report->verdict = MAX (report->verdict, severity);
}

static double
gib (guint64 mib)
{
  return mib / MIB_PER_GIB;
}

static void
check_memory (TerraBudgetReport        *report,
              const TerraHostResources *host,
              const TerraProposal      *p,
              guint64                   others_running_mib)
{
  guint64 warn_mib, over_mib;
  guint64 total = host->memory_total_mib;

  if (total == 0)
    return;

  terra_budget_memory_zone (total, &warn_mib, &over_mib);
  if (p->memory_mib > over_mib)
    add_finding (report, TERRA_RESOURCE_MEMORY, TERRA_BUDGET_OVER, "vm-memory-zone",
                 p->memory_mib, over_mib,
                 g_strdup_printf (_("This VM would take %.1f GiB of the host’s %.1f GiB of RAM; more than %.1f GiB "
                                    "(%u %%) leaves the host too little to run."),
                                  gib (p->memory_mib), gib (total), gib (over_mib),
                                  (guint)(over_mib * 100 / total + (over_mib * 100 % total ? 1 : 0))));
  else if (p->memory_mib > warn_mib)
    add_finding (report, TERRA_RESOURCE_MEMORY, TERRA_BUDGET_WARNING, "vm-memory-zone",
                 p->memory_mib, warn_mib,
                 g_strdup_printf (_("This VM would take %.1f GiB of the host’s %.1f GiB of RAM; above %.1f GiB the "
                                    "host may start swapping."),
                                  gib (p->memory_mib), gib (total), gib (warn_mib)));

  if (p->will_run)
    {
      guint64 sum = others_running_mib + p->memory_mib;
      guint64 usable = total - MIN (report->reserve_mib, total);

      if (sum > total)
        add_finding (report, TERRA_RESOURCE_MEMORY, TERRA_BUDGET_OVER, "running-memory", sum, total,
                     g_strdup_printf (_("Running VMs would use %.1f GiB of %.1f GiB RAM: more than the host has."),
                                      gib (sum), gib (total)));
      else if (sum > usable)
        add_finding (report, TERRA_RESOURCE_MEMORY, TERRA_BUDGET_WARNING, "running-memory", sum, usable,
                     g_strdup_printf (_("Running VMs would use %.1f GiB of %.1f GiB RAM; %.1f GiB is kept for the host."),
                                      gib (sum), gib (total), gib (report->reserve_mib)));
    }

  if (p->os_min_memory_mib > 0 && p->memory_mib < p->os_min_memory_mib)
    add_finding (report, TERRA_RESOURCE_MEMORY, TERRA_BUDGET_WARNING, "os-minimum-memory",
                 p->memory_mib, p->os_min_memory_mib,
                 p->os_name != NULL
                 ? g_strdup_printf (_("%s needs at least %.1f GiB of RAM; it may not install or run with %.1f GiB."),
                                    p->os_name, gib (p->os_min_memory_mib), gib (p->memory_mib))
                 : g_strdup_printf (_("This OS needs at least %.1f GiB of RAM; it may not install or run with %.1f GiB."),
                                    gib (p->os_min_memory_mib), gib (p->memory_mib)));
}

static void
check_vcpus (TerraBudgetReport        *report,
             const TerraHostResources *host,
             const TerraProposal      *p,
             guint                     others_running_vcpus)
{
  if (host->cpus > 0)
    {
      if (p->vcpus > 2 * host->cpus)
        add_finding (report, TERRA_RESOURCE_VCPUS, TERRA_BUDGET_OVER, "vm-vcpus", p->vcpus, 2.0 * host->cpus,
                     g_strdup_printf (_("%u vCPUs is more than twice the host’s %u CPU threads; the guest would spend its "
                                        "time waiting for its own vCPUs."), p->vcpus, host->cpus));
      else if (p->vcpus > host->cpus)
        add_finding (report, TERRA_RESOURCE_VCPUS, TERRA_BUDGET_WARNING, "vm-vcpus", p->vcpus, host->cpus,
                     g_strdup_printf (_("%u vCPUs is more than the host’s %u CPU threads; the guest will run slower, "
                                        "not faster."), p->vcpus, host->cpus));

      if (p->will_run && others_running_vcpus + p->vcpus > host->cpus)
        add_finding (report, TERRA_RESOURCE_VCPUS, TERRA_BUDGET_WARNING, "running-vcpus",
                     others_running_vcpus + p->vcpus, host->cpus,
                     g_strdup_printf (_("Running VMs would have %u vCPUs on %u host CPU threads. This CPU overcommit "
                                        "is normal but slows every guest and the host when they are all busy."),
                                      others_running_vcpus + p->vcpus, host->cpus));
    }

  if (host->accel == TERRA_ACCEL_TCG && p->vcpus > TCG_USEFUL_VCPUS)
    add_finding (report, TERRA_RESOURCE_VCPUS, TERRA_BUDGET_WARNING, "tcg-vcpus", p->vcpus, TCG_USEFUL_VCPUS,
                 g_strdup_printf (_("Without KVM every vCPU is emulated and more than %d gain little; "
                                    "%d vCPUs or fewer are recommended."), TCG_USEFUL_VCPUS, TCG_USEFUL_VCPUS));
}

static void
check_disk (TerraBudgetReport        *report,
            const TerraHostResources *host,
            const TerraProposal      *p)
{
  if (p->kind == TERRA_PROPOSAL_NEW && host->pool_capacity_gib > 0)
    {
      double growth = MAX (0.0, host->pool_committed_gib - host->pool_allocated_gib) + p->disk_gib - p->disk_initial_gib;

      if (p->disk_initial_gib > host->pool_free_gib)
        add_finding (report, TERRA_RESOURCE_DISK, TERRA_BUDGET_OVER, "disk-initial", p->disk_initial_gib,
                     host->pool_free_gib,
                     g_strdup_printf (_("The new disk needs %.1f GiB now but only %.1f GiB is free."),
                                      p->disk_initial_gib, host->pool_free_gib));
      else if (growth > host->pool_free_gib)
        add_finding (report, TERRA_RESOURCE_DISK, TERRA_BUDGET_WARNING, "disk-growth", growth, host->pool_free_gib,
                     g_strdup_printf (_("Disks could grow by %.1f GiB but only %.1f GiB is free: disks could grow "
                                        "past free space, and a full disk pauses the guests."),
                                      growth, host->pool_free_gib));
    }

  if (p->kind == TERRA_PROPOSAL_NEW && p->os_min_disk_gib > 0 && p->disk_gib > 0 && p->disk_gib < p->os_min_disk_gib)
    add_finding (report, TERRA_RESOURCE_DISK, TERRA_BUDGET_WARNING, "os-minimum-disk", p->disk_gib,
                 p->os_min_disk_gib,
                 p->os_name != NULL
                 ? g_strdup_printf (_("%s needs at least %" G_GUINT64_FORMAT " GiB of disk; %.0f GiB may be too small to install it."),
                                    p->os_name, p->os_min_disk_gib, p->disk_gib)
                 : g_strdup_printf (_("This OS needs at least %" G_GUINT64_FORMAT " GiB of disk; %.0f GiB may be too small to install it."),
                                    p->os_min_disk_gib, p->disk_gib));
}

/**
 * terra_budget_evaluate:
 * @host: the host's resources
 * @machines: (array length=n_machines) (nullable): every defined VM
 * @n_machines: their number
 * @proposal: what the user wants to do
 * @reserve_mib: RAM kept for the host (MiB); 0 for terra_budget_default_reserve_mib()
 *
 * Applies every rule (see the top of terra-budget.c for each one and its
 * source). Pure: no I/O, no libvirt.
 *
 * Returns: (transfer full): the verdict and findings, free with terra_budget_report_free()
 */
TerraBudgetReport *
terra_budget_evaluate (const TerraHostResources *host,
                       const TerraBudgetMachine *machines,
                       guint                     n_machines,
                       const TerraProposal      *proposal,
                       guint64                   reserve_mib)
{
  TerraBudgetReport *report = g_new0 (TerraBudgetReport, 1);
  guint64 others_mib = 0;
  guint others_vcpus = 0;

  g_return_val_if_fail (host != NULL && proposal != NULL, report);

  report->findings = g_ptr_array_new_with_free_func (finding_free);
  report->reserve_mib = terra_budget_reserve_mib (host->memory_total_mib, reserve_mib);

  for (guint i = 0; i < n_machines; i++)
    {
      if (!machines[i].running)
        continue;
      if (proposal->kind != TERRA_PROPOSAL_NEW && g_strcmp0 (machines[i].name, proposal->name) == 0)
        continue;
      others_mib += machines[i].memory_mib;
      others_vcpus += machines[i].vcpus;
    }
  report->running_memory_mib = others_mib + (proposal->will_run ? proposal->memory_mib : 0);
  report->running_vcpus = others_vcpus + (proposal->will_run ? proposal->vcpus : 0);

  check_memory (report, host, proposal, others_mib);
  check_vcpus (report, host, proposal, others_vcpus);
  check_disk (report, host, proposal);
  return report;
}

/** terra_budget_report_free: @report: (transfer full) (nullable): a report */
void
terra_budget_report_free (TerraBudgetReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->findings, g_ptr_array_unref);
  g_free (report);
}

/**
 * terra_budget_report_format:
 * @report: a report
 *
 * Returns: (transfer full): the findings' messages, one per line, worst first
 *   ("" when there are none)
 */
char *
terra_budget_report_format (const TerraBudgetReport *report)
{
  GString *s = g_string_new (NULL);

  for (int sev = TERRA_BUDGET_OVER; sev >= TERRA_BUDGET_WARNING; sev--)
    for (guint i = 0; i < report->findings->len; i++)
      {
        const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
        if ((int)f->severity != sev)
          continue;
        if (s->len > 0)
          g_string_append_c (s, '\n');
        g_string_append (s, f->message);
      }
  return g_string_free (s, FALSE);
}

/* --- snapshot of the host and its machines (worker thread) ---------------- */

static void
budget_machine_clear (gpointer data)
{
  TerraBudgetMachine *m = data;
  g_free (m->name);
}

/** terra_budget_snapshot_free: @snapshot: (transfer full) (nullable): a snapshot */
void
terra_budget_snapshot_free (TerraBudgetSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_clear_pointer (&snapshot->machines, g_array_unref);
  g_free (snapshot);
}

static void
query_pool (virConnectPtr       conn,
            TerraHostResources *host)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, TERRA_STORAGE_POOL_NAME);
  virStoragePoolInfo info;

  if (pool != NULL && virStoragePoolGetInfo (pool, &info) == 0 && info.state == VIR_STORAGE_POOL_RUNNING)
    {
      virStorageVolPtr *vols = NULL;
      int n;

      host->pool_capacity_gib = info.capacity / (MIB_PER_GIB * MIB_PER_GIB * 1024.0);
      host->pool_free_gib = info.available / (MIB_PER_GIB * MIB_PER_GIB * 1024.0);
      n = virStoragePoolListAllVolumes (pool, &vols, 0);
      for (int i = 0; i < n; i++)
        {
          virStorageVolInfo vinfo;
          if (virStorageVolGetInfo (vols[i], &vinfo) == 0)
            {
              host->pool_committed_gib += vinfo.capacity / (MIB_PER_GIB * MIB_PER_GIB * 1024.0);
              host->pool_allocated_gib += vinfo.allocation / (MIB_PER_GIB * MIB_PER_GIB * 1024.0);
            }
          virStorageVolFree (vols[i]);
        }
      g_free (vols);
    }
  else
    {
      /* No pool yet (before the first VM): the file system it will live on. */
      g_autoptr(GFile) dir = g_file_new_for_path (g_get_user_data_dir ());
      g_autoptr(GFileInfo) fs = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_SIZE ","
                                                              G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
      virResetLastError ();
      if (fs != NULL)
        {
          host->pool_capacity_gib = g_file_info_get_attribute_uint64 (fs, G_FILE_ATTRIBUTE_FILESYSTEM_SIZE) / (1024.0 * 1024 * 1024);
          host->pool_free_gib = g_file_info_get_attribute_uint64 (fs, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) / (1024.0 * 1024 * 1024);
        }
    }
  if (pool != NULL)
    virStoragePoolFree (pool);
}

/**
 * terra_budget_snapshot_query_sync:
 * @connection: a connected #TerraConnection
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_NOT_CONNECTED, or %TERRA_ERROR_LIBVIRT
 *
 * Reads what the budget needs: host RAM and threads (virNodeGetInfo,
 * virNodeGetMemoryStats via terra_host_info_query_sync()), the app's pool
 * (virStoragePoolGetInfo and its volumes' capacity and allocation) and every
 * domain's memory, vCPUs and state. Blocking: call it from a worker.
 *
 * Returns: (transfer full) (nullable): the snapshot
 */
TerraBudgetSnapshot *
terra_budget_snapshot_query_sync (TerraConnection  *connection,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  g_autoptr(TerraHostInfo) info = terra_host_info_query_sync (connection, cancellable, error);
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  virConnectPtr conn;
  virDomainPtr *doms = NULL;
  int n;

  if (info == NULL)
    return NULL;
  conn = terra_connection_dup_handle (connection);
  if (conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED, _("Not connected to the virtualization service."));
      return NULL;
    }

  snap = g_new0 (TerraBudgetSnapshot, 1);
  snap->machines = g_array_new (FALSE, TRUE, sizeof (TerraBudgetMachine));
  g_array_set_clear_func (snap->machines, budget_machine_clear);
  snap->host.memory_total_mib = info->memory_total_mib;
  snap->host.memory_available_mib = info->memory_free_mib;
  snap->host.cpus = info->cpus;
  snap->host.accel = info->accel;
  query_pool (conn, &snap->host);

  n = virConnectListAllDomains (conn, &doms, 0);
  if (n < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not list the virtual machines."));
      virConnectClose (conn);
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      virDomainInfo dinfo;
      if (virDomainGetInfo (doms[i], &dinfo) == 0)
        {
          TerraBudgetMachine m = {
            .name = g_strdup (virDomainGetName (doms[i])),
            .memory_mib = dinfo.maxMem / 1024,
            .vcpus = dinfo.nrVirtCpu,
            .running = dinfo.state == VIR_DOMAIN_RUNNING || dinfo.state == VIR_DOMAIN_PAUSED ||
                       dinfo.state == VIR_DOMAIN_BLOCKED || dinfo.state == VIR_DOMAIN_PMSUSPENDED,
          };
          g_array_append_val (snap->machines, m);
        }
      virDomainFree (doms[i]);
    }
  g_free (doms);
  virConnectClose (conn);
  return g_steal_pointer (&snap);
}

static void
snapshot_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  TerraBudgetSnapshot *snap = terra_budget_snapshot_query_sync (task_data, cancellable, &error);

  if (snap == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, snap, (GDestroyNotify)terra_budget_snapshot_free);
}

/**
 * terra_budget_snapshot_query_async:
 * @connection: a connected #TerraConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_budget_snapshot_query_sync() in a worker thread.
 */
void
terra_budget_snapshot_query_async (TerraConnection     *connection,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, terra_budget_snapshot_query_async);
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, snapshot_worker);
}

/**
 * terra_budget_snapshot_query_finish:
 * @result: the result
 * @error: as terra_budget_snapshot_query_sync()
 *
 * Returns: (transfer full) (nullable): the snapshot
 */
TerraBudgetSnapshot *
terra_budget_snapshot_query_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * terra_budget_snapshot_memory_left_mib:
 * @snapshot: (nullable): the host and its machines
 * @memory_total_mib: host RAM (MiB), used when @snapshot is %NULL
 * @reserve_mib: the user's host reserve (MiB), 0 for automatic
 *
 * Returns: the RAM (MiB) running VMs can still take before the host reserve:
 *   host RAM minus the reserve minus the running machines' memory, or 0
 */
guint64
terra_budget_snapshot_memory_left_mib (const TerraBudgetSnapshot *snapshot,
                                       guint64                    memory_total_mib,
                                       guint64                    reserve_mib)
{
  guint64 total = snapshot != NULL ? snapshot->host.memory_total_mib : memory_total_mib;
  guint64 used = terra_budget_reserve_mib (total, reserve_mib);

  for (guint i = 0; snapshot != NULL && i < snapshot->machines->len; i++)
    {
      const TerraBudgetMachine *m = &g_array_index (snapshot->machines, TerraBudgetMachine, i);
      if (m->running)
        used += m->memory_mib;
    }
  return total > used ? total - used : 0;
}

/**
 * terra_budget_snapshot_evaluate:
 * @snapshot: a snapshot
 * @proposal: the proposal
 * @reserve_mib: as terra_budget_evaluate()
 *
 * Returns: (transfer full): terra_budget_evaluate() over the snapshot
 */
TerraBudgetReport *
terra_budget_snapshot_evaluate (const TerraBudgetSnapshot *snapshot,
                                const TerraProposal       *proposal,
                                guint64                    reserve_mib)
{
  return terra_budget_evaluate (&snapshot->host, (const TerraBudgetMachine *)snapshot->machines->data,
                                snapshot->machines->len, proposal, reserve_mib);
}
