/* test-lab-file.c — lab files: every problem with its position; a valid lab read
 * right; the lab's one budget verdict
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "terra-error.h"
#include "terra-lab.h"
#include "terra-lab-runner.h"

static char *tmpdir;

/* A folder with a real qcow2 (qemu-img), a qcow2 with a backing file, a
 * minimal ISO 9660 header and a file that only claims to be an ISO. */
static void
make_fixtures (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *fake = NULL;
  g_autofree char *base = NULL;
  g_autofree char *child = NULL;
  g_autofree char *iso_data = g_malloc0 (40000);
  int status = 0;

  tmpdir = g_dir_make_tmp ("terra-lab-XXXXXX", &error);
  g_assert_no_error (error);
  base = g_build_filename (tmpdir, "base.qcow2", NULL);
  child = g_build_filename (tmpdir, "child.qcow2", NULL);
  iso = g_build_filename (tmpdir, "install.iso", NULL);
  fake = g_build_filename (tmpdir, "fake.iso", NULL);

  {
    const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", base, "3G", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  {
    const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, child, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_cmpint (status, ==, 0);
  }
  memcpy (iso_data + 32769, "CD001", 5);
  g_assert_true (g_file_set_contents (iso, iso_data, 40000, NULL));
  g_assert_true (g_file_set_contents (fake, "not a disc", -1, NULL));
}

static void
remove_fixtures (void)
{
  const char *names[] = { "base.qcow2", "child.qcow2", "install.iso", "fake.iso", NULL };

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *p = g_build_filename (tmpdir, names[i], NULL);
      g_unlink (p);
    }
  g_rmdir (tmpdir);
}

static TerraLab *
load (const char  *yaml,
      GPtrArray  **problems)
{
  g_autofree char *path = g_build_filename (tmpdir, "lab.terrarium-lab.yaml", NULL);
  g_autoptr(GError) error = NULL;
  TerraLab *lab = terra_lab_load_from_data (yaml, -1, path, problems, &error);

  if (lab == NULL)
    g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB);
  else
    g_assert_no_error (error);
  return lab;
}

#define HEAD "format: 1\nname: lab1\n"

typedef struct {
  const char *name;
  const char *yaml;
  const char *expect[4];  /* "LINE:COLUMN: substring", one per problem, in order */
} BadCase;

static const BadCase bad_cases[] = {
  { "syntax", HEAD "vms: [\n  {name: a\n", { "5:1: YAML syntax error: did not find expected" } },
  { "unclosed-quote", HEAD "description: \"oops\nvms: []\n", { ": YAML syntax error" } },
  { "empty", "", { "1:1: the file is empty" } },
  { "not-a-mapping", "- a\n- b\n", { "1:1: a lab file must be a mapping" } },
  { "memory-2G", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    memory: 2G\n",
    { "6:13: memory must be a whole number of MiB, got \"2G\"" } },
  { "memory-quoted", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    memory: \"512\"\n",
    { "6:13: memory must be a whole number of MiB without quotes, got the text \"512\"" } },
  { "memory-too-small", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    memory: 64\n",
    { "6:13: memory must be between 128 and" } },
  { "vcpus-list", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    vcpus: [1]\n",
    { "6:12: vcpus must be a whole number of vCPUs, got a list" } },
  { "bool", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    nat: maybe\n",
    { "6:10: nat must be true or false, got \"maybe\"" } },
  { "unknown-key-typo", HEAD "vms:\n  - name: a\n    sorce: base.qcow2\n",
    { "4:5: VM “a” needs a “source”", "5:5: unknown key “sorce” in a VM; did you mean “source”?" } },
  { "unknown-top-key", HEAD "students: 12\nvms:\n  - name: a\n    source: base.qcow2\n",
    { "3:1: unknown key “students” in a lab file (known keys: format, name" } },
  { "missing-image", HEAD "vms:\n  - name: a\n    source: images/nothing.qcow2\n",
    { "5:13: source “images/nothing.qcow2” not found (looked for " } },
  { "fake-iso", HEAD "vms:\n  - name: a\n    source: fake.iso\n",
    { "5:13: source “fake.iso” is named .iso but is not an ISO 9660 disc image" } },
  { "backing-file", HEAD "vms:\n  - name: a\n    source: child.qcow2\n",
    { "5:13: source “child.qcow2” has a backing file" } },
  { "duplicate-names", HEAD "vms:\n  - name: a\n    source: base.qcow2\n  - name: a\n    source: base.qcow2\n",
    { "6:11: VM name “a” is used twice (first on line 4)" } },
  { "duplicate-key", HEAD "vms:\n  - name: a\n    name: b\n    source: base.qcow2\n",
    { "5:5: “name” is given twice (first on line 4)" } },
  { "undeclared-network", HEAD "networks: [lan]\nvms:\n  - name: a\n    source: base.qcow2\n    networks: [lan, dmz]\n",
    { "7:21: network “dmz” is not declared" } },
  { "bad-name", "format: 1\nname: my lab!\nvms:\n  - name: a\n    source: base.qcow2\n",
    { "2:7: lab name “my lab!” must start with a letter or digit" } },
  { "no-format", "name: x\nvms:\n  - name: a\n    source: base.qcow2\n", { "1:1: the file needs “format: 1”" } },
  { "future-format", "format: 2\nname: x\nvms:\n  - name: a\n    source: base.qcow2\n",
    { "1:9: this is lab format 2; this version of Terrarium reads format 1" } },
  { "no-vms", HEAD "vms: []\n", { "3:6: vms must be a list of at least one VM, got an empty list" } },
  { "shared-folder-missing", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    shared-folder: nowhere\n",
    { "6:20: shared-folder “nowhere” is not a folder" } },
  { "uefi-not-disposable", HEAD "vms:\n  - name: a\n    source: base.qcow2\n    firmware: uefi\n",
    { "6:15: a UEFI VM needs “disposable: true”" } },
  { "url-without-sha", HEAD "vms:\n  - name: a\n    source: {url: \"http://127.0.0.1/x.iso\"}\n",
    { "5:13: a url source needs “sha256”" } },
  { "url-bad-sha", HEAD "vms:\n  - name: a\n    source: {url: \"ftp://h/x.iso\", sha256: abc}\n",
    { "5:19: url must start with http:// or https://", "5:44: sha256 must be 64 hexadecimal digits" } },
  { "unknown-os", HEAD "vms:\n  - name: a\n    source: {os: notanos42}\n",
    { "5:18: os “notanos42” is not in the OS database" } },
  { "all-at-once", HEAD "vms:\n  - name: a\n    memory: lots\n    vcpus: -1\n    disk: 1.5\n",
    { "4:5: VM “a” needs a “source”", "5:13: memory must be a whole number", "6:12: vcpus must be a whole number",
      "7:11: disk must be a whole number" } },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TerraLab) lab = load (c->yaml, &problems);
  guint n = 0;

  g_assert_null (lab);
  g_assert_nonnull (problems);
  while (n < G_N_ELEMENTS (c->expect) && c->expect[n] != NULL)
    n++;
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = terra_lab_problem_format (g_ptr_array_index (problems, i));
      g_test_message ("%s", line);
    }
  g_assert_cmpuint (problems->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = terra_lab_problem_format (g_ptr_array_index (problems, i));
      /* FILE:LINE:COLUMN: message, the file named as given. */
      g_assert_true (g_str_has_prefix (line, tmpdir));
      if (strstr (line, c->expect[i]) == NULL)
        g_error ("expected “%s” in “%s”", c->expect[i], line);
    }
}

static void
test_valid (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TerraLab) lab = NULL;
  g_autofree char *base = g_build_filename (tmpdir, "base.qcow2", NULL);
  g_autofree char *iso = g_build_filename (tmpdir, "install.iso", NULL);
  g_autofree char *seg = NULL;
  TerraLabVm *a, *b;

  lab = load ("format: 1\n"
              "name: net101\n"
              "description: two hosts\n"
              "notes: |\n  Ping the other host.\n"
              "networks:\n  - name: lan\n    description: private\n  - dmz\n"
              "vms:\n"
              "  - name: a\n    source: base.qcow2\n    memory: 512\n    vcpus: 2\n    disk: 1\n"
              "    networks: [lan, dmz]\n    nat: no\n    baseline: disk\n    shared-folder: .\n"
              "  - name: b\n    source: ./install.iso\n    disposable: true\n    firmware: uefi\n", &problems);
  g_assert_nonnull (lab);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpstr (lab->name, ==, "net101");
  g_assert_cmpstr (lab->notes, ==, "Ping the other host.\n");
  g_assert_cmpuint (lab->networks->len, ==, 2);
  g_assert_cmpuint (lab->vms->len, ==, 2);

  a = terra_lab_find_vm (lab, "a");
  g_assert_cmpstr (a->domain_name, ==, "net101-a");
  g_assert_cmpstr (a->source, ==, base);
  g_assert_true (a->is_disk);
  g_assert_cmpstr (a->disk_format, ==, "qcow2");
  g_assert_cmpuint (a->memory_mib, ==, 512);
  g_assert_cmpuint (a->vcpus, ==, 2);
  /* 1 GiB asked, but an overlay is at least its 3 GiB base. */
  g_assert_cmpuint (a->disk_gib, ==, 3);
  g_assert_false (a->nat);
  g_assert_true (a->baseline_disk_only);
  g_assert_cmpstr (a->shared_folder, ==, tmpdir);
  g_assert_cmpstrv (a->networks, ((const char *[]) { "lan", "dmz", NULL }));
  g_assert_cmpuint (a->line, ==, 11);

  b = terra_lab_find_vm (lab, "net101-b");
  g_assert_cmpstr (b->source, ==, iso);
  g_assert_false (b->is_disk);
  g_assert_true (b->nat);
  g_assert_true (b->disposable);
  g_assert_true (b->uefi);
  g_assert_cmpuint (b->memory_mib, ==, 1024);  /* the defaults */
  g_assert_cmpuint (b->vcpus, ==, 1);
  g_assert_cmpuint (b->disk_gib, ==, 10);
  g_assert_null (b->shared_folder);

  /* Segments: the same for the same names, different across labs. */
  seg = terra_lab_segment_for ("net101", "lan");
  g_assert_cmpstr (terra_lab_find_network (lab, "lan")->segment, ==, seg);
  g_assert_true (g_str_has_prefix (seg, "239.255."));
  g_assert_cmpstr (terra_lab_find_network (lab, "dmz")->segment, !=, seg);
  {
    g_autofree char *other = terra_lab_segment_for ("net102", "lan");
    g_assert_cmpstr (other, !=, seg);
  }
}

/* The example in data/examples/ stays valid (with a base image next to it). */
static void
test_example (void)
{
  g_autofree char *example = g_test_build_filename (G_TEST_DIST, "..", "data", "examples",
                                                    "networking-101.terrarium-lab.yaml", NULL);
  g_autofree char *images = g_build_filename (tmpdir, "images", NULL);
  g_autofree char *link = g_build_filename (images, "base.qcow2", NULL);
  g_autofree char *target = g_build_filename (tmpdir, "base.qcow2", NULL);
  g_autofree char *copy = g_build_filename (tmpdir, "example.terrarium-lab.yaml", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraLab) lab = NULL;

  g_assert_true (g_file_get_contents (example, &data, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, data, -1, NULL));
  g_mkdir_with_parents (images, 0755);
  g_assert_cmpint (symlink (target, link), ==, 0);
  lab = terra_lab_load (copy, &problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab->vms->len, ==, 3);
  g_assert_cmpuint (lab->networks->len, ==, 2);
  g_assert_true (terra_lab_find_vm (lab, "server")->disposable);
  g_unlink (link);
  g_rmdir (images);
  g_unlink (copy);
}

static void
test_load_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_null (terra_lab_load ("/nonexistent/x.terrarium-lab.yaml", &problems, &error));
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND);
  g_assert_null (problems);
}

/* The lab's one verdict: each VM counted as running for those after it. */
static void
test_budget (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TerraLab) lab = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;
  TerraBudgetSnapshot snap = { 0 };
  int over = -2;

  lab = load (HEAD "vms:\n"
              "  - {name: a, source: base.qcow2, memory: 1536}\n"
              "  - {name: b, source: base.qcow2, memory: 1536}\n"
              "  - {name: c, source: base.qcow2, memory: 1536}\n", &problems);
  g_assert_nonnull (lab);

  /* A 4 GiB host with 2 threads: two running VMs (3 GiB) fit in its RAM
   * (a warning: past the reserve), all three (4.5 GiB) do not: over. */
  snap.host = (TerraHostResources) { .memory_total_mib = 4096, .memory_available_mib = 4096, .cpus = 2,
                                     .accel = TERRA_ACCEL_KVM, .pool_capacity_gib = 100, .pool_free_gib = 100 };
  snap.machines = g_array_new (FALSE, TRUE, sizeof (TerraBudgetMachine));
  report = terra_lab_evaluate_budget (&snap, lab, NULL, 0, &over);
  g_assert_cmpint (report->verdict, ==, TERRA_BUDGET_OVER);
  g_assert_cmpint (over, ==, 2);  /* the third VM tips it over */
  g_assert_cmpuint (report->running_memory_mib, ==, 4608);
  g_assert_cmpuint (report->running_vcpus, ==, 3);
  /* One finding per rule, not one per VM. */
  for (guint i = 0; i < report->findings->len; i++)
    for (guint j = i + 1; j < report->findings->len; j++)
      g_assert_cmpstr (((TerraBudgetFinding *)g_ptr_array_index (report->findings, i))->rule, !=,
                       ((TerraBudgetFinding *)g_ptr_array_index (report->findings, j))->rule);
  g_clear_pointer (&report, terra_budget_report_free);

  /* On a 16 GiB host the same lab is fine apart from CPU overcommit
   * (3 vCPUs on 2 threads). */
  snap.host.memory_total_mib = snap.host.memory_available_mib = 16384;
  report = terra_lab_evaluate_budget (&snap, lab, NULL, 0, &over);
  g_assert_cmpint (report->verdict, ==, TERRA_BUDGET_WARNING);
  g_assert_cmpint (over, ==, -1);
  g_clear_pointer (&report, terra_budget_report_free);

  /* Lab VMs already running are not counted twice. */
  {
    TerraBudgetMachine running[] = {
      { (char *)"lab1-a", 1536, 1, TRUE }, { (char *)"lab1-b", 1536, 1, TRUE }, { (char *)"lab1-c", 1536, 1, TRUE },
    };
    const char *existing[] = { "lab1-a", "lab1-b", "lab1-c", NULL };
    g_array_append_vals (snap.machines, running, 3);
    report = terra_lab_evaluate_budget (&snap, lab, existing, 0, &over);
    g_assert_cmpint (report->verdict, ==, TERRA_BUDGET_OK);
    g_assert_cmpuint (report->findings->len, ==, 0);
    /* The totals still say what the running lab uses. */
    g_assert_cmpuint (report->running_memory_mib, ==, 4608);
    g_assert_cmpuint (report->running_vcpus, ==, 3);
  }
  g_array_unref (snap.machines);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  make_fixtures ();
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lab/problems/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/lab/valid", test_valid);
  g_test_add_func ("/lab/missing-file", test_load_missing_file);
  g_test_add_func ("/lab/example", test_example);
  g_test_add_func ("/lab/budget", test_budget);
  ret = g_test_run ();
  remove_fixtures ();
  return ret;
}
