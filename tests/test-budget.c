/* test-budget.c — every budget rule, table-driven, on hosts of 4, 16 and 128 GiB
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected numbers are worked out by hand from the rules' sources (see
 * app/terra-budget.c): VirtualBox's zones for 4 GiB (60 %/84 %), 16 GiB
 * (75 %/93 %) and 128 GiB (90 %/96 %) hosts; the default reserve
 * max(2 GiB, 20 %).
 */
#include "config.h"

#include "terra-budget.h"

#define GIB 1024

typedef struct {
  const char       *name;
  guint64           host_mib;
  guint             cpus;
  TerraAccel        accel;
  double            pool_free_gib;
  double            pool_growth_gib; /* committed − allocated of existing volumes */
  guint64           running_mib;     /* one other running VM with this much… */
  guint             running_vcpus;   /* …and this many vCPUs (0 MiB: none) */
  TerraProposalKind kind;
  guint64           memory_mib;
  guint             vcpus;
  double            disk_gib;
  double            disk_initial_gib;
  gboolean          will_run;
  guint64           os_min_memory_mib;
  guint64           os_min_disk_gib;
  guint64           reserve_mib;
  TerraBudgetVerdict expect;
  const char       *rules;           /* "rule=severity …", sorted */
} Case;

#define OK TERRA_BUDGET_OK
#define WARN TERRA_BUDGET_WARNING
#define OVER TERRA_BUDGET_OVER
#define KVM TERRA_ACCEL_KVM
#define TCG TERRA_ACCEL_TCG
#define NEW TERRA_PROPOSAL_NEW
#define START TERRA_PROPOSAL_START
#define CHANGE TERRA_PROPOSAL_CHANGE

static const Case cases[] = {
  /* Per-VM memory zones (not running: only the zone applies). 4 GiB host: 60 % = 2457 MiB, 84 % = 3440 MiB. */
  { "4G zone: at the warning mark", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 2457, 1, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "4G zone: one past the warning mark", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 2458, 1, 0, 0, FALSE, 0, 0, 0, WARN, "vm-memory-zone=warning" },
  { "4G zone: at the over mark", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 3440, 1, 0, 0, FALSE, 0, 0, 0, WARN, "vm-memory-zone=warning" },
  { "4G zone: one past the over mark", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 3441, 1, 0, 0, FALSE, 0, 0, 0, OVER, "vm-memory-zone=over" },
  /* 16 GiB host: 75 % = 12288 MiB, 93 % = 15237 MiB. */
  { "16G zone: at the warning mark", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 12288, 2, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "16G zone: one past", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 12289, 2, 0, 0, FALSE, 0, 0, 0, WARN, "vm-memory-zone=warning" },
  { "16G zone: at over", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 15237, 2, 0, 0, FALSE, 0, 0, 0, WARN, "vm-memory-zone=warning" },
  { "16G zone: one past over", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 15238, 2, 0, 0, FALSE, 0, 0, 0, OVER, "vm-memory-zone=over" },
  /* 128 GiB host: 90 % = 117964 MiB, 96 % = 125829 MiB. */
  { "128G zone: at warning", 128 * GIB, 32, KVM, 100, 0, 0, 0, NEW, 117964, 2, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "128G zone: one past", 128 * GIB, 32, KVM, 100, 0, 0, 0, NEW, 117965, 2, 0, 0, FALSE, 0, 0, 0, WARN, "vm-memory-zone=warning" },
  { "128G zone: one past over", 128 * GIB, 32, KVM, 100, 0, 0, 0, NEW, 125830, 2, 0, 0, FALSE, 0, 0, 0, OVER, "vm-memory-zone=over" },

  /* Running memory against host − reserve. 16 GiB: reserve max(2048, 3276) = 3276, usable 13108. */
  { "16G running: exactly usable", 16 * GIB, 8, KVM, 100, 0, 8192, 1, START, 4916, 1, 0, 0, TRUE, 0, 0, 0, OK, "" },
  { "16G running: one past usable", 16 * GIB, 8, KVM, 100, 0, 8192, 1, START, 4917, 1, 0, 0, TRUE, 0, 0, 0, WARN, "running-memory=warning" },
  { "16G running: exactly all RAM", 16 * GIB, 8, KVM, 100, 0, 12000, 1, START, 4384, 1, 0, 0, TRUE, 0, 0, 0, WARN, "running-memory=warning" },
  { "16G running: past all RAM", 16 * GIB, 8, KVM, 100, 0, 12000, 1, START, 4385, 1, 0, 0, TRUE, 0, 0, 0, OVER, "running-memory=over" },
  { "16G running: a new VM that will not start does not count", 16 * GIB, 8, KVM, 100, 0, 12000, 1, NEW, 4385, 1, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "16G running: custom reserve 1 GiB", 16 * GIB, 8, KVM, 100, 0, 8192, 1, START, 7168, 1, 0, 0, TRUE, 0, 0, 1024, OK, "" },
  { "16G running: custom reserve 1 GiB, one past", 16 * GIB, 8, KVM, 100, 0, 8192, 1, START, 7169, 1, 0, 0, TRUE, 0, 0, 1024, WARN, "running-memory=warning" },
  /* 4 GiB: reserve is the 2 GiB floor (20 % = 819). */
  { "4G running: floor reserve", 4 * GIB, 4, KVM, 100, 0, 1024, 1, START, 1024, 1, 0, 0, TRUE, 0, 0, 0, OK, "" },
  { "4G running: floor reserve, one past", 4 * GIB, 4, KVM, 100, 0, 1024, 1, START, 1025, 1, 0, 0, TRUE, 0, 0, 0, WARN, "running-memory=warning" },
  /* 128 GiB: reserve 20 % = 26214, usable 104858. */
  { "128G running: exactly usable", 128 * GIB, 32, KVM, 100, 0, 64 * GIB, 4, START, 39322, 4, 0, 0, TRUE, 0, 0, 0, OK, "" },
  { "128G running: one past usable", 128 * GIB, 32, KVM, 100, 0, 64 * GIB, 4, START, 39323, 4, 0, 0, TRUE, 0, 0, 0, WARN, "running-memory=warning" },
  /* Both memory rules at once, the verdict is the worst. */
  { "16G: zone over and running over", 16 * GIB, 8, KVM, 100, 0, 4096, 1, START, 15238, 1, 0, 0, TRUE, 0, 0, 0, OVER, "running-memory=over vm-memory-zone=over" },

  /* vCPUs: 4 threads; >4 warning, >8 over; running sum >4 warning. */
  { "vcpus: as many as threads", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 1024, 4, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "vcpus: one more than threads", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 1024, 5, 0, 0, FALSE, 0, 0, 0, WARN, "vm-vcpus=warning" },
  { "vcpus: twice the threads", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 1024, 8, 0, 0, FALSE, 0, 0, 0, WARN, "vm-vcpus=warning" },
  { "vcpus: past twice the threads", 4 * GIB, 4, KVM, 100, 0, 0, 0, NEW, 1024, 9, 0, 0, FALSE, 0, 0, 0, OVER, "vm-vcpus=over" },
  { "vcpus: running sum at threads", 16 * GIB, 8, KVM, 100, 0, 1024, 6, START, 1024, 2, 0, 0, TRUE, 0, 0, 0, OK, "" },
  { "vcpus: running sum past threads", 16 * GIB, 8, KVM, 100, 0, 1024, 6, START, 1024, 3, 0, 0, TRUE, 0, 0, 0, WARN, "running-vcpus=warning" },
  /* TCG: more than 2 vCPUs help little. */
  { "tcg: 2 vCPUs", 16 * GIB, 8, TCG, 100, 0, 0, 0, NEW, 1024, 2, 0, 0, FALSE, 0, 0, 0, OK, "" },
  { "tcg: 3 vCPUs", 16 * GIB, 8, TCG, 100, 0, 0, 0, NEW, 1024, 3, 0, 0, FALSE, 0, 0, 0, WARN, "tcg-vcpus=warning" },
  { "kvm: 3 vCPUs are fine", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 1024, 3, 0, 0, FALSE, 0, 0, 0, OK, "" },

  /* Disk: 10 GiB free, existing volumes could grow by 4 GiB. */
  { "disk: growth exactly fits", 16 * GIB, 8, KVM, 10, 4, 0, 0, NEW, 1024, 1, 6, 0, FALSE, 0, 0, 0, OK, "" },
  { "disk: growth past free space", 16 * GIB, 8, KVM, 10, 4, 0, 0, NEW, 1024, 1, 7, 0, FALSE, 0, 0, 0, WARN, "disk-growth=warning" },
  { "disk: initial allocation does not fit", 16 * GIB, 8, KVM, 10, 0, 0, 0, NEW, 1024, 1, 20, 11, FALSE, 0, 0, 0, OVER, "disk-initial=over" },
  { "disk: initial allocation exactly fits", 16 * GIB, 8, KVM, 10, 0, 0, 0, NEW, 1024, 1, 10, 10, FALSE, 0, 0, 0, OK, "" },
  { "disk: starting a VM has no disk rule", 16 * GIB, 8, KVM, 0.5, 40, 0, 0, START, 1024, 1, 0, 0, TRUE, 0, 0, 0, OK, "" },

  /* OS minimums (libosinfo): 1 GiB RAM, 10 GiB disk. */
  { "os: at the minimum", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 1024, 1, 10, 0, FALSE, 1024, 10, 0, OK, "" },
  { "os: below both minimums", 16 * GIB, 8, KVM, 100, 0, 0, 0, NEW, 1023, 1, 9, 0, FALSE, 1024, 10, 0, WARN, "os-minimum-disk=warning os-minimum-memory=warning" },

  /* START and CHANGE leave the machine itself out of the others' sums. */
  { "start: its own entry is not counted twice", 16 * GIB, 8, KVM, 100, 0, 0, 0, START, 8192, 2, 0, 0, TRUE, 0, 0, 0, OK, "" },
  { "change: a running VM grows past usable", 16 * GIB, 8, KVM, 100, 0, 8192, 1, CHANGE, 6000, 1, 0, 0, TRUE, 0, 0, 0, WARN, "running-memory=warning" },
};

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static char *
rules_of (const TerraBudgetReport *report)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      g_ptr_array_add (parts, g_strdup_printf ("%s=%s", f->rule, terra_budget_verdict_to_string (f->severity)));
      /* Every finding says something, with numbers in it. */
      g_assert_nonnull (f->message);
      g_assert_true (strpbrk (f->message, "0123456789") != NULL);
    }
  g_ptr_array_sort (parts, compare_strings);
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" ", (char **)parts->pdata);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  TerraHostResources host = {
    .memory_total_mib = c->host_mib,
    .memory_available_mib = c->host_mib,
    .cpus = c->cpus,
    .accel = c->accel,
    .pool_capacity_gib = 500,
    .pool_free_gib = c->pool_free_gib,
    .pool_committed_gib = c->pool_growth_gib + 1,
    .pool_allocated_gib = 1,
  };
  TerraBudgetMachine machines[3] = {
    { .name = (char *)"other", .memory_mib = c->running_mib, .vcpus = c->running_vcpus, .running = c->running_mib > 0 },
    { .name = (char *)"stopped", .memory_mib = 64 * GIB, .vcpus = 64, .running = FALSE },
    /* The proposal's own machine, running with big numbers: START and CHANGE must not count it. */
    { .name = (char *)"self", .memory_mib = 99 * GIB, .vcpus = 99, .running = c->kind != NEW },
  };
  TerraProposal p = {
    .kind = c->kind,
    .name = c->kind == NEW ? "new" : "self",
    .memory_mib = c->memory_mib,
    .vcpus = c->vcpus,
    .disk_gib = c->disk_gib,
    .disk_initial_gib = c->disk_initial_gib,
    .will_run = c->will_run,
    .os_name = c->os_min_memory_mib ? "Debian 11" : NULL,
    .os_min_memory_mib = c->os_min_memory_mib,
    .os_min_disk_gib = c->os_min_disk_gib,
  };
  g_autoptr(TerraBudgetReport) report = terra_budget_evaluate (&host, machines, G_N_ELEMENTS (machines), &p, c->reserve_mib);
  g_autofree char *rules = rules_of (report);
  g_autofree char *text = terra_budget_report_format (report);

  g_test_message ("%s: %s", c->name, text);
  g_assert_cmpstr (rules, ==, c->rules);
  g_assert_cmpint (report->verdict, ==, c->expect);
}

static void
test_reserve_and_zones (void)
{
  guint64 w, o;

  g_assert_cmpuint (terra_budget_default_reserve_mib (4 * GIB), ==, 2048);
  g_assert_cmpuint (terra_budget_default_reserve_mib (10240), ==, 2048);   /* 20 % = 2048 exactly */
  g_assert_cmpuint (terra_budget_default_reserve_mib (10245), ==, 2049);
  g_assert_cmpuint (terra_budget_default_reserve_mib (16 * GIB), ==, 3276);
  g_assert_cmpuint (terra_budget_default_reserve_mib (128 * GIB), ==, 26214);
  g_assert_cmpuint (terra_budget_default_reserve_mib (1024), ==, 1024);    /* never more than the host */
  g_assert_cmpuint (terra_budget_reserve_mib (16 * GIB, 0), ==, 3276);   /* automatic */
  g_assert_cmpuint (terra_budget_reserve_mib (16 * GIB, 1024), ==, 1024); /* the user's */
  g_assert_cmpuint (terra_budget_reserve_mib (4 * GIB, 8 * GIB), ==, 4 * GIB);

  terra_budget_memory_zone (2048, &w, &o);   /* < 3 GiB: 50/75 */
  g_assert_cmpuint (w, ==, 1024);
  g_assert_cmpuint (o, ==, 1536);
  terra_budget_memory_zone (3072, &w, &o);   /* 3 GiB: 50/80 */
  g_assert_cmpuint (o, ==, 2457);
  terra_budget_memory_zone (4 * GIB, &w, &o);
  g_assert_cmpuint (w, ==, 2457);
  g_assert_cmpuint (o, ==, 3440);
  terra_budget_memory_zone (16 * GIB - 1, &w, &o); /* 8–15 GiB: 70/90 */
  g_assert_cmpuint (w, ==, (16 * GIB - 1) * 70 / 100);
  terra_budget_memory_zone (128 * GIB, &w, &o);
  g_assert_cmpuint (w, ==, 117964);
  g_assert_cmpuint (o, ==, 125829);
}

static void
test_memory_left (void)
{
  TerraBudgetSnapshot snap = { .host = { .memory_total_mib = 16 * GIB, .cpus = 8 } };
  TerraBudgetMachine m[2] = {
    { .name = (char *)"on", .memory_mib = 4096, .vcpus = 1, .running = TRUE },
    { .name = (char *)"off", .memory_mib = 8192, .vcpus = 1, .running = FALSE },
  };

  snap.machines = g_array_new (FALSE, FALSE, sizeof (TerraBudgetMachine));
  g_array_append_vals (snap.machines, m, 2);
  /* 16384 − 3276 reserve − 4096 running; the stopped VM does not count. */
  g_assert_cmpuint (terra_budget_snapshot_memory_left_mib (&snap, 0, 0), ==, 9012);
  g_assert_cmpuint (terra_budget_snapshot_memory_left_mib (&snap, 0, 1024), ==, 11264);
  g_assert_cmpuint (terra_budget_snapshot_memory_left_mib (&snap, 0, 15 * GIB), ==, 0);
  /* No snapshot yet: the host's RAM minus the reserve. */
  g_assert_cmpuint (terra_budget_snapshot_memory_left_mib (NULL, 16 * GIB, 0), ==, 13108);
  g_array_unref (snap.machines);
}

static void
test_message_numbers (void)
{
  /* The example: 14.5 GiB of 15.6 GiB with 2.0 GiB kept. */
  TerraHostResources host = { .memory_total_mib = 16000, .cpus = 8, .accel = KVM };
  TerraBudgetMachine m = { .name = (char *)"a", .memory_mib = 10240, .vcpus = 2, .running = TRUE };
  TerraProposal p = { .kind = NEW, .name = "b", .memory_mib = 4608, .vcpus = 2, .will_run = TRUE };
  g_autoptr(TerraBudgetReport) r = terra_budget_evaluate (&host, &m, 1, &p, 2048);
  g_autofree char *text = terra_budget_report_format (r);

  g_assert_cmpint (r->verdict, ==, WARN);
  g_assert_cmpstr (text, ==, "Running VMs would use 14.5 GiB of 15.6 GiB RAM; 2.0 GiB is kept for the host.");
  g_assert_cmpuint (r->running_memory_mib, ==, 14848);
  g_assert_cmpuint (r->running_vcpus, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/budget/reserve-and-zones", test_reserve_and_zones);
  g_test_add_func ("/budget/message-numbers", test_message_numbers);
  g_test_add_func ("/budget/memory-left", test_memory_left);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/budget/rules/%02u", i);
      g_test_add_data_func (path, &cases[i], run_case);
    }
  return g_test_run ();
}
