/* terra-lab-runner.c — bring a lab up, reset it, take it down, remove it
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-lab"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "terra-domain-builder.h"
#include "terra-download.h"
#include "terra-error.h"
#include "terra-host.h"
#include "terra-lab-runner.h"
#include "terra-machine-ops.h"
#include "terra-machine.h"
#include "terra-vm-creator.h"

/*
 * Every operation works VM by VM in a pool of worker threads (as many as the
 * host has CPU threads, so booting guests under TCG do not starve each
 * other), reports progress per VM, and goes on with the other VMs when one
 * fails; the error then names every VM that failed. A domain is only ever
 * touched when our metadata says it belongs to this lab: a VM of the same
 * name made by hand is never started, reset or deleted.
 *
 * Must be called from a worker thread (they block on libvirt and wait).
 */

void
terra_lab_vm_status_free (TerraLabVmStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->name);
  g_free (status->domain_name);
  g_free (status->ip);
  g_free (status);
}

/* --- budget --------------------------------------------------------------- */

static gboolean
finding_same (const TerraBudgetFinding *a,
              const TerraBudgetFinding *b)
{
  return a->resource == b->resource && g_strcmp0 (a->rule, b->rule) == 0;
}

/**
 * terra_lab_evaluate_budget:
 * @snapshot: the host and its VMs now
 * @lab: a lab
 * @existing: (nullable) (array zero-terminated=1): domain names of the lab's
 *   VMs that exist already (they are started, not created)
 * @reserve_mib: RAM kept for the host (0 = automatic), as terra_budget_evaluate()
 * @first_over: (out) (optional): index in @lab->vms of the first VM that
 *   puts the lab over budget, or -1
 *
 * One verdict for the whole lab: its VMs are evaluated one after the other
 * with terra_budget_evaluate(), each counted as running (and its disk as
 * committed) for the ones after it, so the last evaluation sees the whole
 * lab running next to what already runs. A lab VM already running is not
 * counted twice. Findings of the same rule keep the last (largest) one; the
 * report's running totals are those with the whole lab running.
 * Pure: no I/O.
 *
 * Returns: (transfer full): the combined report
 */
TerraBudgetReport *
terra_lab_evaluate_budget (const TerraBudgetSnapshot *snapshot,
                           TerraLab                  *lab,
                           const char * const        *existing,
                           guint64                    reserve_mib,
                           int                       *first_over)
{
  g_autoptr(GArray) machines = g_array_new (FALSE, TRUE, sizeof (TerraBudgetMachine));
  TerraHostResources host = snapshot->host;
  TerraBudgetReport *combined = g_new0 (TerraBudgetReport, 1);

  if (first_over != NULL)
    *first_over = -1;

  for (guint i = 0; i < snapshot->machines->len; i++)
    {
      TerraBudgetMachine m = g_array_index (snapshot->machines, TerraBudgetMachine, i);
      m.name = g_strdup (m.name);
      g_array_append_val (machines, m);
    }

  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      gboolean exists = existing != NULL && g_strv_contains (existing, vm->domain_name);
      gboolean running = FALSE;
      g_autoptr(TerraBudgetReport) report = NULL;
      TerraProposal p;
      TerraBudgetMachine added = { 0 };

      for (guint j = 0; j < machines->len; j++)
        {
          TerraBudgetMachine *m = &g_array_index (machines, TerraBudgetMachine, j);
          if (g_strcmp0 (m->name, vm->domain_name) == 0)
            running = m->running;
        }
      if (running)
        continue;

      p = (TerraProposal) {
        .kind = exists ? TERRA_PROPOSAL_START : TERRA_PROPOSAL_NEW,
        .name = vm->domain_name,
        .memory_mib = vm->memory_mib,
        .vcpus = vm->vcpus,
        .disk_gib = exists ? 0 : vm->disk_gib,
        .disk_initial_gib = TERRA_BUDGET_QCOW2_INITIAL_GIB,
        .will_run = TRUE,
      };
      report = terra_budget_evaluate (&host, (const TerraBudgetMachine *)machines->data, machines->len,
                                      &p, reserve_mib);
      if (report->verdict == TERRA_BUDGET_OVER && first_over != NULL && *first_over < 0)
        *first_over = (int)i;
      combined->verdict = MAX (combined->verdict, report->verdict);
      combined->reserve_mib = report->reserve_mib;

      /* Move the findings over, replacing earlier ones of the same rule
       * (the arrays free their elements with the budget's own function). */
      if (combined->findings == NULL)
        {
          combined->findings = g_steal_pointer (&report->findings);
          report->findings = g_ptr_array_new ();
        }
      else
        while (report->findings->len > 0)
          {
            TerraBudgetFinding *f = g_ptr_array_steal_index (report->findings, 0);
            guint k;
            for (k = 0; k < combined->findings->len; k++)
              if (finding_same (g_ptr_array_index (combined->findings, k), f))
                break;
            if (k < combined->findings->len)
              {
                const TerraBudgetFinding *old = g_ptr_array_index (combined->findings, k);
                f->severity = MAX (f->severity, old->severity);
                g_ptr_array_remove_index (combined->findings, k);
                g_ptr_array_insert (combined->findings, k, f);
              }
            else
              g_ptr_array_add (combined->findings, f);
          }

      /* It runs (and holds its disk) for the VMs after it. */
      if (exists)
        {
          for (guint j = 0; j < machines->len; j++)
            {
              TerraBudgetMachine *m = &g_array_index (machines, TerraBudgetMachine, j);
              if (g_strcmp0 (m->name, vm->domain_name) == 0)
                m->running = TRUE;
            }
        }
      else
        {
          added.name = g_strdup (vm->domain_name);
          added.memory_mib = vm->memory_mib;
          added.vcpus = vm->vcpus;
          added.running = TRUE;
          g_array_append_val (machines, added);
          host.pool_committed_gib += vm->disk_gib;
          host.pool_free_gib = MAX (0.0, host.pool_free_gib - TERRA_BUDGET_QCOW2_INITIAL_GIB);
        }
    }

  /* Totals with the whole lab running, whether or not it needed evaluating. */
  combined->running_memory_mib = 0;
  combined->running_vcpus = 0;
  for (guint j = 0; j < machines->len; j++)
    {
      const TerraBudgetMachine *m = &g_array_index (machines, TerraBudgetMachine, j);
      if (m->running)
        {
          combined->running_memory_mib += m->memory_mib;
          combined->running_vcpus += m->vcpus;
        }
    }
  if (combined->reserve_mib == 0)
    combined->reserve_mib = terra_budget_reserve_mib (snapshot->host.memory_total_mib, reserve_mib);
  for (guint j = 0; j < machines->len; j++)
    g_free (g_array_index (machines, TerraBudgetMachine, j).name);

  if (combined->findings == NULL)
    combined->findings = g_ptr_array_new ();  /* nothing to evaluate: no findings */
  return combined;
}

/* --- domains of the lab ----------------------------------------------------- */

/* The lab VM's domain: NULL without error when it does not exist; an error
 * when a domain of that name exists but is not this lab's. */
static virDomainPtr
lookup_lab_domain (virConnectPtr  conn,
                   TerraLab      *lab,
                   TerraLabVm    *vm,
                   GError       **error)
{
  virDomainPtr dom = virDomainLookupByName (conn, vm->domain_name);
  g_autofree char *xml = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;

  if (dom == NULL)
    {
      virErrorPtr err = virGetLastError ();
      if (err != NULL && err->code != VIR_ERR_NO_DOMAIN)
        {
          terra_set_error_from_libvirt (error, _("Could not look up “%s”."), vm->domain_name);
          return NULL;
        }
      virResetLastError ();
      return NULL;
    }
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  md = xml ? terra_domain_metadata_parse (xml) : NULL;
  if (md == NULL || g_strcmp0 (md->lab_name, lab->name) != 0)
    {
      virDomainFree (dom);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                   _("A virtual machine named “%s” exists but is not part of the lab “%s”; rename or delete it, then try again."),
                   vm->domain_name, lab->name);
      return NULL;
    }
  return dom;
}

typedef struct _Job Job;
typedef gboolean (*JobFunc) (Job *job, TerraLabVm *vm, GError **error);

struct _Job {
  TerraConnection  *connection;
  virConnectPtr     conn;
  TerraLab         *lab;
  TerraLabProgress  progress;
  gpointer          user_data;
  GCancellable     *cancellable;
  JobFunc           func;
  guint             timeout_s;  /* down */
  GMutex            lock;
  GPtrArray        *failures;   /* "VM: message" */
};

static void
say (Job        *job,
     TerraLabVm *vm,
     const char *message)
{
  if (job->progress != NULL)
    job->progress (vm->name, message, job->user_data);
}

static void
job_worker (gpointer data,
            gpointer user_data)
{
  Job *job = user_data;
  TerraLabVm *vm = data;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error) || !job->func (job, vm, &error))
    {
      g_autofree char *summary = terra_error_get_summary (error);
      g_autofree char *line = g_strdup_printf ("%s: %s", vm->name, summary);
      say (job, vm, line + strlen (vm->name) + 2);
      g_mutex_lock (&job->lock);
      g_ptr_array_add (job->failures, g_steal_pointer (&line));
      g_mutex_unlock (&job->lock);
    }
}

/* Runs @func for every VM of the lab, at most as many at once as the host
 * has CPU threads. */
static gboolean
run_jobs (TerraConnection  *connection,
          TerraLab         *lab,
          JobFunc           func,
          guint             timeout_s,
          TerraLabProgress  progress,
          gpointer          user_data,
          GCancellable     *cancellable,
          const char       *failed_summary,
          GError          **error)
{
  Job job = {
    .connection = connection, .lab = lab, .progress = progress, .user_data = user_data,
    .cancellable = cancellable, .func = func, .timeout_s = timeout_s,
  };
  GThreadPool *pool;
  guint threads = MAX (1u, MIN (g_get_num_processors (), lab->vms->len));
  gboolean ok;

  job.conn = terra_connection_dup_handle (connection);
  if (job.conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED, _("Not connected to the virtualization service."));
      return FALSE;
    }
  g_mutex_init (&job.lock);
  job.failures = g_ptr_array_new_with_free_func (g_free);

  pool = g_thread_pool_new (job_worker, &job, threads, TRUE, NULL);
  for (guint i = 0; i < lab->vms->len; i++)
    g_thread_pool_push (pool, g_ptr_array_index (lab->vms, i), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  ok = job.failures->len == 0;
  if (!ok)
    {
      g_ptr_array_add (job.failures, NULL);
      g_autofree char *detail = g_strjoinv ("\n", (char **)job.failures->pdata);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, "%s\n\n%s", failed_summary, detail);
    }
  g_ptr_array_unref (job.failures);
  g_mutex_clear (&job.lock);
  virConnectClose (job.conn);
  return ok;
}

static TerraMachine *
machine_for (Job           *job,
             virDomainPtr   dom,
             GError       **error)
{
  return terra_machine_new_sync (job->connection, dom, error);
}

/* The lab VM as a machine. When it does not exist: an error with
 * @required, else %NULL without one (the caller says so). */
static TerraMachine *
lab_machine (Job         *job,
             TerraLabVm  *vm,
             gboolean     required,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  virDomainPtr dom = lookup_lab_domain (job->conn, job->lab, vm, &local_error);
  TerraMachine *machine;

  if (dom == NULL)
    {
      if (local_error == NULL && required)
        g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND, _("It does not exist yet; bring the lab up first."));
      else if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  machine = machine_for (job, dom, error);
  virDomainFree (dom);
  return machine;
}

static gboolean
has_baseline (virDomainPtr dom)
{
  virDomainSnapshotPtr snap = virDomainSnapshotLookupByName (dom, TERRA_LAB_BASELINE, 0);

  if (snap == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  virDomainSnapshotFree (snap);
  return TRUE;
}

/* Sleeps @seconds unless cancelled. */
static gboolean
wait_seconds (GCancellable  *cancellable,
              guint          seconds,
              GError       **error)
{
  for (guint i = 0; i < seconds * 10; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  return TRUE;
}

static gboolean
take_baseline (Job           *job,
               TerraLabVm    *vm,
               TerraMachine  *machine,
               GError       **error)
{
  if (!terra_machine_create_snapshot_sync (machine, TERRA_LAB_BASELINE,
                                           _("Taken by the lab; “reset” returns here."), error))
    return FALSE;
  say (job, vm, _("baseline snapshot taken"));
  return TRUE;
}

/* --- up ------------------------------------------------------------------- */

/* Downloads live next to the pool's folder, not in it: libvirt lists a
 * pool folder's subfolders as volumes. */
static char *
fetch_source (Job         *job,
              TerraLabVm  *vm,
              GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *message = NULL;

  if (vm->source_kind == TERRA_LAB_SOURCE_FILE)
    return g_strdup (vm->source);

  dir = g_build_filename (g_get_user_data_dir (), "terrarium", "downloads", NULL);
  message = g_strdup_printf (_("downloading %s"), vm->url);
  say (job, vm, message);
  return terra_download_sync (vm->url, dir, vm->sha256, NULL, NULL, job->cancellable, error);
}

static TerraMachineSpec *
spec_for (TerraLab   *lab,
          TerraLabVm *vm,
          const char *source_path)
{
  TerraMachineSpec *spec = terra_machine_spec_new ();
  g_autoptr(GPtrArray) segments = g_ptr_array_new ();

  spec->name = g_strdup (vm->domain_name);
  spec->memory_mib = vm->memory_mib;
  spec->vcpus = vm->vcpus;
  spec->disk_gib = vm->disk_gib;
  spec->uefi = vm->uefi;
  spec->no_nat = !vm->nat;
  spec->shared_folder = g_strdup (vm->shared_folder);
  if (vm->is_disk)
    {
      spec->base_image = g_strdup (source_path);
      spec->base_format = g_strdup (vm->disk_format);
    }
  else
    spec->media_path = g_strdup (source_path);
  for (guint i = 0; vm->networks[i] != NULL; i++)
    g_ptr_array_add (segments, g_strdup (terra_lab_find_network (lab, vm->networks[i])->segment));
  g_ptr_array_add (segments, NULL);
  spec->lab_segments = (char **)g_ptr_array_free (g_steal_pointer (&segments), FALSE);
  spec->lab_name = g_strdup (lab->name);
  spec->lab_file = g_strdup (lab->path);
  return spec;
}

static gboolean
up_one (Job         *job,
        TerraLabVm  *vm,
        GError     **error)
{
  virDomainPtr dom = lookup_lab_domain (job->conn, job->lab, vm, error);
  g_autoptr(TerraMachine) machine = NULL;
  gboolean created = FALSE;

  if (dom == NULL && error != NULL && *error != NULL)
    return FALSE;

  if (dom == NULL)
    {
      g_autofree char *source = fetch_source (job, vm, error);
      g_autoptr(TerraMachineSpec) spec = NULL;
      g_autofree char *uuid = NULL;

      if (source == NULL)
        return FALSE;
      spec = spec_for (job->lab, vm, source);
      uuid = terra_vm_creator_create_sync (job->connection, spec, FALSE, job->cancellable, error);
      if (uuid == NULL)
        return FALSE;
      dom = virDomainLookupByUUIDString (job->conn, uuid);
      if (dom == NULL)
        {
          terra_set_error_from_libvirt (error, _("The new virtual machine went away."));
          return FALSE;
        }
      created = TRUE;
      say (job, vm, vm->is_disk ? _("created (linked clone of its base image)") : _("created"));
    }

  machine = machine_for (job, dom, error);
  virDomainFree (dom);
  if (machine == NULL)
    return FALSE;

  /* A disk baseline: the fresh disk, before anything ran on it. */
  if (created && !vm->disposable && vm->baseline_disk_only && !take_baseline (job, vm, machine, error))
    return FALSE;

  if (terra_machine_get_is_running (machine))
    {
      say (job, vm, _("already running"));
      return TRUE;
    }
  if (!terra_machine_run_action_sync (machine, vm->disposable ? TERRA_MACHINE_ACTION_START_DISPOSABLE
                                                              : TERRA_MACHINE_ACTION_START,
                                      job->cancellable, error))
    return FALSE;
  say (job, vm, vm->disposable ? _("started (disposable)") : _("started"));

  if (created && !vm->disposable && !vm->baseline_disk_only)
    {
      if (!wait_seconds (job->cancellable, vm->baseline_after_s, error))
        return FALSE;
      if (!take_baseline (job, vm, machine, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
existing_domains (virConnectPtr   conn,
                  TerraLab       *lab,
                  GStrvBuilder   *names,
                  GPtrArray      *problems,
                  GError        **error)
{
  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      g_autoptr(GError) local_error = NULL;
      virDomainPtr dom = lookup_lab_domain (conn, lab, vm, &local_error);

      if (dom != NULL)
        {
          g_strv_builder_add (names, vm->domain_name);
          virDomainFree (dom);
        }
      else if (local_error != NULL && problems != NULL)
        {
          TerraLabProblem *p = g_new0 (TerraLabProblem, 1);
          p->file = g_strdup (lab->display_path);
          p->line = vm->line;
          p->column = vm->column;
          p->message = g_strdup (local_error->message);
          g_ptr_array_add (problems, p);
        }
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * terra_lab_budget_sync:
 * @connection: a connected #TerraConnection
 * @lab: a checked lab
 * @reserve_mib: RAM kept for the host (0 = automatic)
 * @problems: (out) (optional) (element-type TerraLabProblem) (transfer full):
 *   the budget's "over" findings as lab problems with @over_budget set (at
 *   the line of the VM that puts the lab over budget), and VMs whose name a
 *   VM outside the lab has; warnings are in the report only
 * @cancellable: (nullable): a #GCancellable
 * @error: as terra_budget_snapshot_query_sync()
 *
 * terra_lab_evaluate_budget() against the host now. Blocking.
 *
 * Returns: (transfer full) (nullable): the lab's budget report
 */
TerraBudgetReport *
terra_lab_budget_sync (TerraConnection  *connection,
                       TerraLab         *lab,
                       guint64           reserve_mib,
                       GPtrArray       **problems,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) existing = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_lab_problem_free);
  TerraBudgetReport *report;
  virConnectPtr conn;
  int over = -1;
  gboolean ok;

  conn = terra_connection_dup_handle (connection);
  if (conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED, _("Not connected to the virtualization service."));
      return NULL;
    }
  ok = existing_domains (conn, lab, names, found, error);
  virConnectClose (conn);
  if (!ok)
    return NULL;
  existing = g_strv_builder_end (names);

  snap = terra_budget_snapshot_query_sync (connection, cancellable, error);
  if (snap == NULL)
    return NULL;
  report = terra_lab_evaluate_budget (snap, lab, (const char * const *)existing, reserve_mib, &over);

  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      TerraLabVm *at = g_ptr_array_index (lab->vms, over >= 0 ? (guint)over : 0);
      TerraLabProblem *p;

      if (f->severity != TERRA_BUDGET_OVER)
        continue;
      p = g_new0 (TerraLabProblem, 1);
      p->file = g_strdup (lab->display_path);
      p->line = at->line;
      p->column = at->column;
      p->message = g_strdup_printf (_("over budget with VM “%s”: %s"), at->name, f->message);
      p->over_budget = TRUE;
      g_ptr_array_add (found, p);
    }
  if (problems != NULL)
    *problems = g_steal_pointer (&found);
  return report;
}

/**
 * terra_lab_up_sync:
 * @connection: a connected #TerraConnection
 * @lab: a checked lab (terra_lab_load())
 * @reserve_mib: RAM kept for the host (0 = automatic)
 * @force: go ahead even when the lab is over the host budget
 * @progress: (nullable) (scope call): per-VM progress, from worker threads
 * @user_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_NOT_ENOUGH_MEMORY (over the host budget without
 *   @force: the message lists each over-budget problem as
 *   "FILE:LINE:COLUMN: …"), %TERRA_ERROR_INVALID_LAB (a VM's name taken by a
 *   VM outside the lab; @force does not help); nothing is created then;
 *   %TERRA_ERROR_FAILED naming each VM that failed (the others are up),
 *   %TERRA_ERROR_NOT_CONNECTED
 *
 * Brings the lab up: first one budget verdict for all its VMs together
 * (terra_lab_budget_sync()), refusing "over" unless @force; then, in
 * parallel, creates each missing VM (a qcow2 overlay of its base image, or a
 * blank disk and the ISO on a CD-ROM; lab networks as multicast socket
 * cards), starts every VM that is not running (disposable ones with
 * transient disks), and, for a VM it created, takes the `baseline` snapshot:
 * of the fresh disk before the first start (`baseline: disk`), or with the
 * guest's memory baseline_after_s seconds after it (`baseline: memory`).
 *
 * Returns: %TRUE when every VM is up
 */
gboolean
terra_lab_up_sync (TerraConnection  *connection,
                   TerraLab         *lab,
                   guint64           reserve_mib,
                   gboolean          force,
                   TerraLabProgress  progress,
                   gpointer          user_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;

  report = terra_lab_budget_sync (connection, lab, reserve_mib, &problems, cancellable, error);
  if (report == NULL)
    return FALSE;
  if (problems->len > 0)
    {
      gboolean only_budget = TRUE;
      g_autofree char *text = NULL;

      for (guint i = 0; i < problems->len; i++)
        only_budget = only_budget && ((TerraLabProblem *)g_ptr_array_index (problems, i))->over_budget;
      /* Over budget may be forced; a name clash may not. */
      if (!(only_budget && force))
        {
          text = terra_lab_format_problems (problems);
          g_set_error (error, TERRA_ERROR, only_budget ? TERRA_ERROR_NOT_ENOUGH_MEMORY : TERRA_ERROR_INVALID_LAB,
                       "%s", text);
          return FALSE;
        }
    }
  return run_jobs (connection, lab, up_one, 0, progress, user_data, cancellable,
                   _("Some VMs of the lab could not be brought up."), error);
}

/* --- reset ---------------------------------------------------------------- */

static gboolean
reset_one (Job         *job,
           TerraLabVm  *vm,
           GError     **error)
{
  g_autoptr(TerraMachine) machine = lab_machine (job, vm, TRUE, error);
  virDomainSnapshotPtr snap;
  int rc;

  if (machine == NULL)
    return FALSE;
  if (vm->disposable)
    {
      /* Stopping throws the overlay away; the new run gets a fresh one. */
      if (terra_machine_get_is_running (machine) &&
          !terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_FORCE_OFF, NULL, error))
        return FALSE;
      if (!terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_START_DISPOSABLE, NULL, error))
        return FALSE;
      say (job, vm, _("restarted on a fresh overlay"));
      return TRUE;
    }

  snap = virDomainSnapshotLookupByName (terra_machine_get_domain (machine), TERRA_LAB_BASELINE, 0);
  if (snap == NULL)
    {
      virResetLastError ();
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                   _("It has no “%s” snapshot; take one with “terrarium-ctl lab baseline”."), TERRA_LAB_BASELINE);
      return FALSE;
    }
  /* Back to the baseline, running (a running baseline resumes where it
   * was; an offline one boots). FORCE: the baseline may be of another
   * state than the guest's now. */
  rc = virDomainRevertToSnapshot (snap, VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
  if (rc < 0)
    terra_set_error_from_libvirt (error, _("Could not return “%s” to its baseline."), vm->domain_name);
  virDomainSnapshotFree (snap);
  if (rc < 0)
    return FALSE;
  say (job, vm, _("back to baseline"));
  return TRUE;
}

/**
 * terra_lab_reset_sync:
 * @connection: a connected #TerraConnection
 * @lab: a lab that is up
 * @progress: (nullable) (scope call): per-VM progress, from worker threads
 * @user_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_FAILED naming each VM that could not be reset
 *
 * Every VM back to its start: reverted to its `baseline` snapshot and
 * running (libvirt VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING), or, for a disposable
 * VM, stopped (its overlay is thrown away) and started on a fresh overlay.
 *
 * Returns: %TRUE when every VM was reset
 */
gboolean
terra_lab_reset_sync (TerraConnection  *connection,
                      TerraLab         *lab,
                      TerraLabProgress  progress,
                      gpointer          user_data,
                      GCancellable     *cancellable,
                      GError          **error)
{
  return run_jobs (connection, lab, reset_one, 0, progress, user_data, cancellable,
                   _("Some VMs of the lab could not be reset."), error);
}

/* --- baseline ------------------------------------------------------------- */

static gboolean
baseline_one (Job         *job,
              TerraLabVm  *vm,
              GError     **error)
{
  g_autoptr(TerraMachine) machine = lab_machine (job, vm, TRUE, error);

  if (machine == NULL)
    return FALSE;
  if (vm->disposable)
    {
      say (job, vm, _("disposable: its baseline is its base image"));
      return TRUE;
    }
  if (has_baseline (terra_machine_get_domain (machine)) &&
      !terra_machine_delete_snapshot_sync (machine, TERRA_LAB_BASELINE, error))
    return FALSE;
  return take_baseline (job, vm, machine, error);
}

/**
 * terra_lab_baseline_sync:
 * @connection: a connected #TerraConnection
 * @lab: a lab that is up
 * @progress: (nullable) (scope call): per-VM progress
 * @user_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_FAILED naming each VM that failed
 *
 * Takes the `baseline` snapshot of every VM again (for example after the
 * guests were installed), replacing the old one. Disposable VMs have none.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_lab_baseline_sync (TerraConnection  *connection,
                         TerraLab         *lab,
                         TerraLabProgress  progress,
                         gpointer          user_data,
                         GCancellable     *cancellable,
                         GError          **error)
{
  return run_jobs (connection, lab, baseline_one, 0, progress, user_data, cancellable,
                   _("Some VMs of the lab could not take a baseline."), error);
}

/* --- down ----------------------------------------------------------------- */

static gboolean
down_one (Job         *job,
          TerraLabVm  *vm,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TerraMachine) machine = lab_machine (job, vm, FALSE, &local_error);
  virDomainPtr dom;
  gint64 deadline;

  if (machine == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      say (job, vm, _("does not exist"));
      return TRUE;
    }
  if (!terra_machine_get_is_running (machine) && terra_machine_get_state (machine) != TERRA_MACHINE_STATE_PAUSED)
    {
      say (job, vm, _("already off"));
      return TRUE;
    }

  dom = terra_machine_get_domain (machine);
  if (terra_machine_get_state (machine) == TERRA_MACHINE_STATE_RUNNING &&
      terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_SHUTDOWN, NULL, NULL))
    {
      say (job, vm, _("asked to shut down"));
      deadline = g_get_monotonic_time () + (gint64)job->timeout_s * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline && virDomainIsActive (dom) == 1)
        g_usleep (G_USEC_PER_SEC / 4);
    }
  if (virDomainIsActive (dom) == 1)
    {
      if (virDomainDestroy (dom) < 0 && virDomainIsActive (dom) == 1)
        {
          terra_set_error_from_libvirt (error, _("Could not force “%s” off."), vm->domain_name);
          return FALSE;
        }
      say (job, vm, _("forced off (it did not shut down in time)"));
    }
  else
    say (job, vm, _("shut down"));
  virResetLastError ();
  return TRUE;
}

/**
 * terra_lab_down_sync:
 * @connection: a connected #TerraConnection
 * @lab: a lab
 * @timeout_s: seconds to wait for each guest's own shutdown (ACPI) before
 *   forcing it off
 * @progress: (nullable) (scope call): per-VM progress
 * @user_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_FAILED naming each VM that is still on
 *
 * Shuts every VM of the lab down, in parallel. Disposable VMs lose their
 * changes as they stop.
 *
 * Returns: %TRUE when every VM is off
 */
gboolean
terra_lab_down_sync (TerraConnection  *connection,
                     TerraLab         *lab,
                     guint             timeout_s,
                     TerraLabProgress  progress,
                     gpointer          user_data,
                     GCancellable     *cancellable,
                     GError          **error)
{
  return run_jobs (connection, lab, down_one, timeout_s, progress, user_data, cancellable,
                   _("Some VMs of the lab are still on."), error);
}

/* --- destroy -------------------------------------------------------------- */

static gboolean
destroy_one (Job         *job,
             TerraLabVm  *vm,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TerraMachine) machine = lab_machine (job, vm, FALSE, &local_error);

  if (machine == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      say (job, vm, _("does not exist"));
      return TRUE;
    }
  /* DELETE forces off, undefines (with snapshots) and removes only the
   * volumes our metadata lists: the overlay, never the base image. */
  if (!terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_DELETE, NULL, error))
    return FALSE;
  say (job, vm, _("deleted"));
  return TRUE;
}

/**
 * terra_lab_destroy_sync:
 * @connection: a connected #TerraConnection
 * @lab: a lab
 * @progress: (nullable) (scope call): per-VM progress
 * @user_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_FAILED naming each VM that is left
 *
 * Removes the lab's VMs with their snapshots and the volumes Terrarium made
 * for them. The lab's source images (and downloads) are kept.
 *
 * Returns: %TRUE when nothing of the lab's VMs is left
 */
gboolean
terra_lab_destroy_sync (TerraConnection  *connection,
                        TerraLab         *lab,
                        TerraLabProgress  progress,
                        gpointer          user_data,
                        GCancellable     *cancellable,
                        GError          **error)
{
  return run_jobs (connection, lab, destroy_one, 0, progress, user_data, cancellable,
                   _("Some VMs of the lab could not be deleted."), error);
}

/* --- status --------------------------------------------------------------- */

static char *
guest_ipv4 (virDomainPtr dom)
{
  virDomainInterfacePtr *ifaces = NULL;
  int n = virDomainInterfaceAddresses (dom, &ifaces, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0);
  char *ip = NULL;

  virResetLastError ();  /* no agent in the guest: the address is unknown */
  for (int i = 0; i < n; i++)
    {
      for (guint j = 0; ip == NULL && j < ifaces[i]->naddrs; j++)
        if (ifaces[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4 &&
            !g_str_has_prefix (ifaces[i]->addrs[j].addr, "127."))
          ip = g_strdup (ifaces[i]->addrs[j].addr);
      virDomainInterfaceFree (ifaces[i]);
    }
  free (ifaces);
  return ip;
}

/**
 * terra_lab_status_sync:
 * @connection: a connected #TerraConnection
 * @lab: a lab
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_NOT_CONNECTED, %TERRA_ERROR_LIBVIRT
 *
 * Each VM's state, guest IPv4 address (from qemu-guest-agent, when the guest
 * runs it), its share of the host's RAM and whether it has a baseline.
 * Blocking.
 *
 * Returns: (transfer full) (element-type TerraLabVmStatus): one entry per VM
 *   in file order
 */
GPtrArray *
terra_lab_status_sync (TerraConnection  *connection,
                       TerraLab         *lab,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_lab_vm_status_free);
  g_autoptr(TerraHostInfo) host = NULL;
  virConnectPtr conn;

  host = terra_host_info_query_sync (connection, cancellable, error);
  if (host == NULL)
    return NULL;
  conn = terra_connection_dup_handle (connection);

  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      TerraLabVmStatus *st = g_new0 (TerraLabVmStatus, 1);
      g_autoptr(GError) local_error = NULL;
      virDomainPtr dom = lookup_lab_domain (conn, lab, vm, &local_error);

      st->name = g_strdup (vm->name);
      st->domain_name = g_strdup (vm->domain_name);
      st->memory_mib = vm->memory_mib;
      st->vcpus = vm->vcpus;
      st->disposable = vm->disposable;
      if (dom != NULL)
        {
          g_autoptr(TerraMachine) machine = terra_machine_new_sync (connection, dom, NULL);
          st->exists = TRUE;
          if (machine != NULL)
            {
              st->state = terra_machine_get_state (machine);
              st->memory_mib = terra_machine_get_memory_mib (machine);
              st->vcpus = terra_machine_get_vcpus (machine);
              st->disposable = terra_machine_get_disposable (machine) || vm->disposable;
            }
          if (virDomainIsActive (dom) == 1)
            st->ip = guest_ipv4 (dom);
          st->has_baseline = has_baseline (dom);
          virDomainFree (dom);
        }
      st->memory_share = host->memory_total_mib > 0 ? (double)st->memory_mib / host->memory_total_mib : 0;
      g_ptr_array_add (out, st);
    }
  if (conn != NULL)
    virConnectClose (conn);
  return g_steal_pointer (&out);
}
