/* terra-ctl-lab.c — `terrarium-ctl lab …`
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terrarium-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "terra-ctl-private.h"
#include "terra-error.h"
#include "terra-lab.h"
#include "terra-lab-archive.h"
#include "terra-lab-runner.h"
#include "terra-settings.h"

static GMutex print_lock;

/* Progress from the runner's worker threads: one line per event, or (with
 * --json) collected per VM into @user_data, a table of VM → events. */
static void
print_progress (const char *vm,
                const char *message,
                gpointer    user_data)
{
  GHashTable *events = user_data;

  g_mutex_lock (&print_lock);
  if (events == NULL)
    g_print ("  %-16s %s\n", vm, message);
  else
    {
      GPtrArray *list = g_hash_table_lookup (events, vm);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (events, g_strdup (vm), list);
        }
      g_ptr_array_add (list, g_strdup (message));
    }
  g_mutex_unlock (&print_lock);
}

/* --json for up, reset, baseline, down and destroy: what happened to each
 * VM and the state it is in now. */
static void
print_run_json (Ctl          *ctl,
                TerraLab     *lab,
                const char   *verb,
                GHashTable   *events,
                const GError *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) status = terra_lab_status_sync (ctl->connection, lab, NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lab");
  json_builder_add_string_value (b, lab->name);
  json_builder_set_member_name (b, "command");
  json_builder_add_string_value (b, verb);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, error == NULL);
  json_builder_set_member_name (b, "error");
  if (error != NULL)
    json_builder_add_string_value (b, error->message);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "vms");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      GPtrArray *list = g_hash_table_lookup (events, vm->name);
      const TerraLabVmStatus *st = status != NULL && i < status->len ? g_ptr_array_index (status, i) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, vm->name);
      json_builder_set_member_name (b, "domain");
      json_builder_add_string_value (b, vm->domain_name);
      json_builder_set_member_name (b, "state");
      if (st != NULL)
        json_builder_add_string_value (b, st->exists ? terra_machine_state_to_string (st->state) : "absent");
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "events");
      json_builder_begin_array (b);
      for (guint j = 0; list != NULL && j < list->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (list, j));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  print_json (root);
}

static void
add_problems_json (JsonBuilder *b,
                   GPtrArray   *problems)
{
  json_builder_set_member_name (b, "problems");
  json_builder_begin_array (b);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const TerraLabProblem *p = g_ptr_array_index (problems, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, p->file);
      json_builder_set_member_name (b, "line");
      json_builder_add_int_value (b, p->line);
      json_builder_set_member_name (b, "column");
      json_builder_add_int_value (b, p->column);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, p->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_problems (GPtrArray *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      g_autofree char *line = terra_lab_problem_format (g_ptr_array_index (problems, i));
      g_printerr ("%s\n", line);
    }
}

/* `validate`: the file's own problems, then (when the daemon is reachable)
 * the lab's budget; over budget counts as a problem, at the VM's line. */
static int
lab_validate (Ctl        *ctl,
              const char *file,
              gboolean    json)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) budget_problems = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;
  g_autoptr(TerraLab) lab = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) budget_error = NULL;

  lab = terra_lab_load (file, &problems, &error);
  if (lab == NULL && problems == NULL)
    return fail (error);
  if (lab != NULL)
    {
      if (ensure_connected (ctl, &budget_error))
        report = terra_lab_budget_sync (ctl->connection, lab, ctl->reserve_mib, &budget_problems, NULL, &budget_error);
      if (budget_problems != NULL)
        for (guint i = 0; i < budget_problems->len; i++)
          g_ptr_array_add (problems, g_ptr_array_steal_index (budget_problems, i--));
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "valid");
      json_builder_add_boolean_value (b, problems->len == 0);
      add_problems_json (b, problems);
      if (report != NULL)
        {
          json_builder_set_member_name (b, "budget");
          json_builder_begin_object (b);
          add_report_json (b, report);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    {
      print_problems (problems);
      if (report != NULL)
        for (guint i = 0; i < report->findings->len; i++)
          {
            const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
            if (f->severity == TERRA_BUDGET_WARNING)
              g_printerr ("%s: %s: %s\n", file, _("warning"), f->message);
          }
      if (budget_error != NULL)
        g_printerr ("%s: %s: %s\n", file, _("note"), budget_error->message);
      if (problems->len == 0)
        {
          g_autofree char *vms = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u VM", "%u VMs", lab->vms->len),
                                                  lab->vms->len);
          g_autofree char *nets = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lab network", "%u lab networks",
                                                                lab->networks->len), lab->networks->len);
          g_print (_("%s: the lab “%s” is valid: %s, %s\n"), file, lab->name, vms, nets);
        }
    }
  return problems->len == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char *
state_label (const TerraLabVmStatus *st)
{
  return st->exists ? terra_machine_state_to_string (st->state) : "absent";
}

static int
lab_status (Ctl      *ctl,
            TerraLab *lab,
            gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) status = NULL;

  if (!ensure_connected (ctl, &error))
    return fail (error);
  status = terra_lab_status_sync (ctl->connection, lab, NULL, &error);
  if (status == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "lab");
      json_builder_add_string_value (b, lab->name);
      json_builder_set_member_name (b, "vms");
      json_builder_begin_array (b);
      for (guint i = 0; i < status->len; i++)
        {
          const TerraLabVmStatus *st = g_ptr_array_index (status, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, st->name);
          json_builder_set_member_name (b, "domain");
          json_builder_add_string_value (b, st->domain_name);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, state_label (st));
          json_builder_set_member_name (b, "ip");
          if (st->ip != NULL)
            json_builder_add_string_value (b, st->ip);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "memory_mib");
          json_builder_add_int_value (b, st->memory_mib);
          json_builder_set_member_name (b, "vcpus");
          json_builder_add_int_value (b, st->vcpus);
          json_builder_set_member_name (b, "memory_share");
          json_builder_add_double_value (b, st->memory_share);
          json_builder_set_member_name (b, "baseline");
          json_builder_add_boolean_value (b, st->has_baseline);
          json_builder_set_member_name (b, "disposable");
          json_builder_add_boolean_value (b, st->disposable);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  g_print ("%-16s %-10s %-15s %8s %6s  %s\n", _("VM"), _("STATE"), _("IP"), _("MEMORY"), _("SHARE"), _("BASELINE"));
  for (guint i = 0; i < status->len; i++)
    {
      const TerraLabVmStatus *st = g_ptr_array_index (status, i);
      g_autofree char *mem = g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", st->memory_mib);
      g_autofree char *share = g_strdup_printf ("%.1f%%", st->memory_share * 100);
      g_print ("%-16s %-10s %-15s %8s %6s  %s\n", st->name, state_label (st), st->ip ? st->ip : "-", mem, share,
               st->disposable ? _("disposable") : st->has_baseline ? _("yes") : _("no"));
    }
  return EXIT_OK;
}

/**
 * terra_ctl_cmd_lab:
 * @ctl: the command line's state
 * @argc: arguments after "lab"'s own name
 * @argv: "lab" VERB FILE…
 *
 * `terrarium-ctl lab validate|up|down|reset|baseline|status|destroy FILE`,
 * `lab export FILE OUT.tar.gz`, `lab import ARCHIVE DIR`.
 *
 * Returns: the exit code
 */
int
terra_ctl_cmd_lab (Ctl   *ctl,
                   int    argc,
                   char **argv)
{
  gboolean json = FALSE, force = FALSE;
  int timeout = -1;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON: the problems (validate), each VM's state (status), or what happened to each VM and its state (up, reset, baseline, down, destroy)"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Bring the lab up even when it is over the host budget"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds each guest gets to shut down before it is forced off (down; default: the shutdown-timeout preference, 60)"), N_("S") },
    { NULL }
  };
  static const char * const verbs[] = {
    "validate", "up", "down", "reset", "baseline", "status", "destroy", "export", "import", NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("validate|up|down|reset|baseline|status|destroy FILE | export FILE OUT.tar.gz | import ARCHIVE DIR"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TerraLab) lab = NULL;
  g_autoptr(GHashTable) events = NULL;
  const char *verb, *file;
  gboolean two_args, ok;

  g_option_context_set_summary (context, _("Labs: sets of VMs described by a *.terrarium-lab.yaml file"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc < 2)
    return usage_error (_("The lab command needs a verb: validate, up, down, reset, baseline, status, destroy, export or import."));
  verb = argv[1];
  if (!g_strv_contains (verbs, verb))
    return usage_error (_("The lab command is validate, up, down, reset, baseline, status, destroy, export or import."));
  two_args = g_str_equal (verb, "export") || g_str_equal (verb, "import");
  if (argc != (two_args ? 4 : 3))
    return usage_error (_("Wrong number of arguments."));
  if (timeout < -1)
    return usage_error (_("--timeout must be zero or more seconds."));
  if (timeout == -1)
    {
      g_autoptr(TerraSettings) settings = terra_settings_new ();
      timeout = (int)terra_settings_get_shutdown_timeout_s (settings);
    }
  file = argv[2];

  if (g_str_equal (verb, "validate"))
    return lab_validate (ctl, file, json);
  if (g_str_equal (verb, "import"))
    {
      g_autofree char *lab_path = terra_lab_import_sync (file, argv[3], NULL, &error);
      if (lab_path == NULL)
        return fail (error);
      g_print (_("Imported; every file matches its checksum. Open the lab with: terrarium-ctl lab up %s\n"), lab_path);
      return EXIT_OK;
    }

  lab = terra_lab_load (file, &problems, &error);
  if (lab == NULL)
    {
      if (problems == NULL)
        return fail (error);
      print_problems (problems);
      return EXIT_FAIL;
    }

  if (g_str_equal (verb, "export"))
    {
      if (!terra_lab_export_sync (lab, argv[3], NULL, &error))
        return fail (error);
      g_print (_("Exported the lab “%s” to %s\n"), lab->name, argv[3]);
      return EXIT_OK;
    }
  if (g_str_equal (verb, "status"))
    return lab_status (ctl, lab, json);

  if (!ensure_connected (ctl, &error))
    return fail (error);

  if (json)
    events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
#define SAY(...) G_STMT_START { if (!json) g_print (__VA_ARGS__); } G_STMT_END

  if (g_str_equal (verb, "up"))
    {
      g_autoptr(TerraBudgetReport) report = NULL;

      /* Warnings are shown; "over" refuses unless forced (in the runner). */
      report = terra_lab_budget_sync (ctl->connection, lab, ctl->reserve_mib, NULL, NULL, NULL);
      if (report != NULL)
        for (guint i = 0; i < report->findings->len; i++)
          {
            const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
            if (f->severity == TERRA_BUDGET_WARNING || force)
              g_printerr ("terrarium-ctl: %s: %s\n",
                          f->severity == TERRA_BUDGET_OVER ? _("over budget") : _("warning"), f->message);
          }
      SAY (g_dngettext (GETTEXT_PACKAGE, "Bringing the lab “%s” up (%u VM)…\n", "Bringing the lab “%s” up (%u VMs)…\n",
                        lab->vms->len), lab->name, lab->vms->len);
      ok = terra_lab_up_sync (ctl->connection, lab, ctl->reserve_mib, force, print_progress, events, NULL, &error);
      if (!ok && (g_error_matches (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB) ||
                  g_error_matches (error, TERRA_ERROR, TERRA_ERROR_NOT_ENOUGH_MEMORY)))
        {
          if (json)
            print_run_json (ctl, lab, verb, events, error);
          g_printerr ("%s\n", error->message);
          g_printerr ("terrarium-ctl: %s\n",
                      error->code == TERRA_ERROR_NOT_ENOUGH_MEMORY
                      ? _("Refused: nothing was created. Use --force to bring the lab up anyway.")
                      : _("Refused: nothing was created."));
          return EXIT_FAIL;
        }
      if (ok)
        SAY (_("The lab “%s” is up.\n"), lab->name);
    }
  else if (g_str_equal (verb, "reset"))
    {
      SAY (_("Resetting the lab “%s”…\n"), lab->name);
      ok = terra_lab_reset_sync (ctl->connection, lab, print_progress, events, NULL, &error);
    }
  else if (g_str_equal (verb, "baseline"))
    ok = terra_lab_baseline_sync (ctl->connection, lab, print_progress, events, NULL, &error);
  else if (g_str_equal (verb, "down"))
    {
      SAY (_("Taking the lab “%s” down…\n"), lab->name);
      ok = terra_lab_down_sync (ctl->connection, lab, timeout, print_progress, events, NULL, &error);
    }
  else
    {
      SAY (_("Deleting the VMs of the lab “%s” (its source images stay)…\n"), lab->name);
      ok = terra_lab_destroy_sync (ctl->connection, lab, print_progress, events, NULL, &error);
    }
#undef SAY

  if (json)
    print_run_json (ctl, lab, verb, events, ok ? NULL : error);
  if (!ok)
    {
      g_autofree char *summary = terra_error_get_summary (error);
      g_autofree char *detail = terra_error_get_detail (error);
      g_printerr ("terrarium-ctl: %s\n", summary);
      if (detail != NULL)
        g_printerr ("%s\n", detail);
      return EXIT_FAIL;
    }
  return EXIT_OK;
}
