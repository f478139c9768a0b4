/* terra-ctl.c — terrarium-ctl, the command-line face of the core library
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terrarium-ctl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "terra-budget.h"
#include "terra-connection.h"
#include "terra-display-session.h"
#include "terra-error.h"
#include "terra-host.h"
#include "terra-machine.h"
#include "terra-machine-ops.h"
#include "terra-media-info.h"
#include "terra-settings.h"
#include "terra-vm-creator.h"
#include "terra-ctl-private.h"

typedef int (*CommandFunc) (Ctl *ctl, int argc, char **argv);

int
fail (const GError *error)
{
  g_autofree char *summary = terra_error_get_summary (error);
  g_autofree char *detail = terra_error_get_detail (error);
  g_autofree char *line = NULL;

  /* One line: the summary, and libvirt's detail after a colon. */
  line = detail != NULL ? g_strdup_printf ("%s (%s)", summary, detail) : g_strdup (summary);
  g_strdelimit (line, "\n", ' ');
  g_printerr ("terrarium-ctl: %s\n", line);
  return EXIT_FAIL;
}

int
usage_error (const char *message)
{
  g_printerr ("terrarium-ctl: %s\n", message);
  g_printerr ("%s\n", _("Try “terrarium-ctl --help”."));
  return EXIT_USAGE;
}

gboolean
ensure_connected (Ctl     *ctl,
                  GError **error)
{
  if (ctl->connection != NULL)
    return TRUE;
  ctl->connection = terra_connection_new (ctl->uri);
  if (!terra_connection_open_sync (ctl->connection, NULL, error))
    {
      g_clear_object (&ctl->connection);
      return FALSE;
    }
  return TRUE;
}

TerraMachine *
find_machine (Ctl         *ctl,
              const char  *name_or_uuid,
              GError     **error)
{
  virConnectPtr conn;
  virDomainPtr dom;
  TerraMachine *machine;

  if (!ensure_connected (ctl, error))
    return NULL;
  conn = terra_connection_dup_handle (ctl->connection);
  dom = virDomainLookupByName (conn, name_or_uuid);
  if (dom == NULL)
    dom = virDomainLookupByUUIDString (conn, name_or_uuid);
  virResetLastError ();
  virConnectClose (conn);
  if (dom == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                   _("There is no virtual machine named “%s”."), name_or_uuid);
      return NULL;
    }
  machine = terra_machine_new_sync (ctl->connection, dom, error);
  virDomainFree (dom);
  return machine;
}

void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

void
add_nullable_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
build_machine_json (JsonBuilder  *b,
                    TerraMachine *m)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, terra_machine_get_name (m));
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, terra_machine_get_uuid (m));
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, terra_machine_state_to_string (terra_machine_get_state (m)));
  json_builder_set_member_name (b, "memory_mib");
  json_builder_add_int_value (b, terra_machine_get_memory_mib (m));
  json_builder_set_member_name (b, "vcpus");
  json_builder_add_int_value (b, terra_machine_get_vcpus (m));
  add_nullable_string (b, "os_id", terra_machine_get_os_id (m));
  json_builder_set_member_name (b, "accel");
  json_builder_add_string_value (b, terra_accel_to_string (terra_machine_get_accel (m)));
  json_builder_set_member_name (b, "saved");
  json_builder_add_boolean_value (b, terra_machine_get_saved (m));
  json_builder_set_member_name (b, "installing");
  json_builder_add_boolean_value (b, terra_machine_get_installing (m));
  json_builder_set_member_name (b, "uefi");
  json_builder_add_boolean_value (b, terra_machine_get_uefi (m));
  json_builder_set_member_name (b, "disposable");
  json_builder_add_boolean_value (b, terra_machine_get_disposable (m));
  json_builder_set_member_name (b, "reset_on_shutdown");
  json_builder_add_boolean_value (b, terra_machine_get_reset_on_shutdown (m));
  json_builder_set_member_name (b, "autostart");
  json_builder_add_boolean_value (b, terra_machine_get_autostart (m));
  json_builder_set_member_name (b, "network");
  json_builder_add_boolean_value (b, terra_machine_get_has_network (m));
  json_builder_set_member_name (b, "sound");
  json_builder_add_boolean_value (b, terra_machine_get_has_sound (m));
  add_nullable_string (b, "video", terra_machine_get_video (m));
  add_nullable_string (b, "shared_folder", terra_machine_get_shared_folder (m));
  add_nullable_string (b, "lab", terra_machine_get_lab (m));
  add_nullable_string (b, "created", terra_machine_get_created (m));
  add_nullable_string (b, "description", terra_machine_get_description (m));
  json_builder_end_object (b);
}

void
print_machine_line (TerraMachine *m)
{
  g_print ("%-24s %-9s %6" G_GUINT64_FORMAT " MiB %3u vCPU  %-4s %s\n",
           terra_machine_get_name (m),
           terra_machine_state_to_string (terra_machine_get_state (m)),
           terra_machine_get_memory_mib (m),
           terra_machine_get_vcpus (m),
           terra_accel_to_string (terra_machine_get_accel (m)),
           terra_machine_get_os_id (m) ? terra_machine_get_os_id (m) : "-");
}

/* One machine, as `list` shows it: a JSON object (--json) or a line. */
void
print_machine (TerraMachine *m,
               gboolean      json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      build_machine_json (b, m);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    print_machine_line (m);
}

gboolean
parse_options (GOptionEntry   *entries,
               const char     *parameter_string,
               const char     *summary,
               int            *argc,
               char         ***argv,
               int             n_positional,
               int            *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = usage_error (error->message);
      return FALSE;
    }
  if (*argc - 1 != n_positional)
    {
      *exit_code = usage_error (_("Wrong number of arguments."));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_list (Ctl   *ctl,
          int    argc,
          char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func (g_object_unref);
  virDomainPtr *domains = NULL;
  virConnectPtr conn;
  int n, code;

  if (!parse_options (entries, NULL, _("List virtual machines"), &argc, &argv, 0, &code))
    return code;
  if (!ensure_connected (ctl, &error))
    return fail (error);

  conn = terra_connection_dup_handle (ctl->connection);
  n = virConnectListAllDomains (conn, &domains, 0);
  if (n < 0)
    {
      terra_set_error_from_libvirt (&error, _("Could not list virtual machines."));
      virConnectClose (conn);
      return fail (error);
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      TerraMachine *m = terra_machine_new_sync (ctl->connection, domains[i], &local_error);
      if (m != NULL)
        g_ptr_array_add (machines, m);
      virDomainFree (domains[i]);
    }
  free (domains);
  virConnectClose (conn);

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < machines->len; i++)
        build_machine_json (b, g_ptr_array_index (machines, i));
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    for (guint i = 0; i < machines->len; i++)
      print_machine_line (g_ptr_array_index (machines, i));

  return EXIT_OK;
}

static void
add_resources (JsonBuilder          *b,
               const char           *member,
               const TerraResources *r)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "memory_mib");
  if (r->memory_mib) json_builder_add_int_value (b, r->memory_mib); else json_builder_add_null_value (b);
  json_builder_set_member_name (b, "vcpus");
  if (r->vcpus) json_builder_add_int_value (b, r->vcpus); else json_builder_add_null_value (b);
  json_builder_set_member_name (b, "disk_gib");
  if (r->disk_gib) json_builder_add_int_value (b, r->disk_gib); else json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static int
cmd_detect (Ctl   *ctl,
            int    argc,
            char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMediaInfo) info = NULL;
  TerraResources rec, min;
  int code;

  if (!parse_options (entries, _("PATH"), _("Identify installer media with libosinfo"), &argc, &argv, 1, &code))
    return code;

  info = terra_media_info_detect_sync (argv[1], NULL, &error);
  if (info == NULL)
    return fail (error);

  /* Report only what libosinfo said: no generic defaults here. */
  memset (&rec, 0, sizeof rec);
  memset (&min, 0, sizeof min);
  if (terra_media_info_get_os (info) != NULL)
    terra_os_db_get_resources (terra_media_info_get_os (info), terra_media_info_get_arch (info), &rec, &min);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "identified");
      json_builder_add_boolean_value (b, terra_media_info_get_identified (info));
      add_nullable_string (b, "os_id", terra_media_info_get_os_short_id (info));
      add_nullable_string (b, "os_uri", terra_media_info_get_os_id (info));
      add_nullable_string (b, "os_name", terra_media_info_get_os_name (info));
      add_nullable_string (b, "family", terra_media_info_get_family (info));
      add_nullable_string (b, "guess", terra_media_info_get_guess_name (info));
      add_nullable_string (b, "nearest_os_id", terra_media_info_get_nearest_os (info)
                           ? osinfo_product_get_short_id (OSINFO_PRODUCT (terra_media_info_get_nearest_os (info))) : NULL);
      add_nullable_string (b, "arch", terra_media_info_get_arch (info));
      add_nullable_string (b, "volume_id", terra_media_info_get_volume_id (info));
      json_builder_set_member_name (b, "installer");
      json_builder_add_boolean_value (b, terra_media_info_get_installer (info));
      json_builder_set_member_name (b, "live");
      json_builder_add_boolean_value (b, terra_media_info_get_live (info));
      add_resources (b, "recommended", &rec);
      add_resources (b, "minimum", &min);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else if (terra_media_info_get_identified (info))
    g_print ("%s (%s)\n", terra_media_info_get_os_name (info), terra_media_info_get_os_short_id (info));
  else
    {
      if (terra_media_info_get_guess_name (info) != NULL)
        g_print (_("Probably %s (not in the OS database)\n"), terra_media_info_get_guess_name (info));
      else
        g_print (_("Unknown OS (family guess: %s)\n"),
                 terra_media_info_get_family (info) ? terra_media_info_get_family (info) : _("none"));
    }

  return EXIT_OK;
}


/* --- budget ---------------------------------------------------------------- */

void
add_report_json (JsonBuilder             *b,
                 const TerraBudgetReport *report)
{
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, terra_budget_verdict_to_string (report->verdict));
  json_builder_set_member_name (b, "reserve_mib");
  json_builder_add_int_value (b, report->reserve_mib);
  json_builder_set_member_name (b, "running_memory_mib");
  json_builder_add_int_value (b, report->running_memory_mib);
  json_builder_set_member_name (b, "running_vcpus");
  json_builder_add_int_value (b, report->running_vcpus);
  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "resource");
      json_builder_add_string_value (b, terra_resource_to_string (f->resource));
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, terra_budget_verdict_to_string (f->severity));
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, f->rule);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, f->message);
      json_builder_set_member_name (b, "value");
      json_builder_add_double_value (b, f->value);
      json_builder_set_member_name (b, "limit");
      json_builder_add_double_value (b, f->limit);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Prints the findings on stderr; returns FALSE (after saying why) when the
 * verdict is over and @force is not set. */
gboolean
budget_allows (const TerraBudgetReport *report,
               gboolean                 force,
               const char              *force_hint)
{
  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      g_printerr ("terrarium-ctl: %s: %s\n",
                  f->severity == TERRA_BUDGET_OVER ? _("over budget") : _("warning"), f->message);
    }
  if (report->verdict == TERRA_BUDGET_OVER && !force)
    {
      g_printerr ("terrarium-ctl: %s\n", force_hint);
      return FALSE;
    }
  return TRUE;
}

/* The same proposal the create flow makes: a new VM that is started at once. */
void
proposal_for_spec (TerraProposal          *p,
                   const TerraMachineSpec *spec,
                   TerraMediaInfo         *media,
                   gboolean                start)
{
  TerraResources min = { 0 };

  if (media != NULL)
    terra_media_info_get_minimum (media, &min);
  *p = (TerraProposal) {
    .kind = TERRA_PROPOSAL_NEW,
    .name = spec->name,
    .memory_mib = spec->memory_mib,
    .vcpus = spec->vcpus,
    .disk_gib = spec->disk_gib,
    .disk_initial_gib = TERRA_BUDGET_QCOW2_INITIAL_GIB,
    .will_run = start,
    .os_name = spec->os_name,
    .os_min_memory_mib = min.memory_mib,
    .os_min_disk_gib = min.disk_gib,
  };
}

static int
cmd_budget (Ctl   *ctl,
            int    argc,
            char **argv)
{
  gint64 memory = 2048, disk = 20;
  int vcpus = 2;
  gboolean json = FALSE, no_start = FALSE;
  GOptionEntry entries[] = {
    { "memory", 0, 0, G_OPTION_ARG_INT64, &memory, N_("RAM in MiB (default 2048)"), N_("MIB") },
    { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, N_("Number of vCPUs (default 2)"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_INT64, &disk, N_("Disk size in GiB (default 20)"), N_("GIB") },
    { "no-start", 0, 0, G_OPTION_ARG_NONE, &no_start, N_("The VM would only be defined, not started"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;
  TerraMachineSpec spec = { 0 };
  TerraProposal p;
  int code;

  if (!parse_options (entries, NULL, _("The budget verdict for a proposed new virtual machine"), &argc, &argv, 0, &code))
    return code;
  if (memory <= 0 || vcpus <= 0 || disk <= 0)
    return usage_error (_("Memory, vCPUs and disk size must be positive."));
  if (!ensure_connected (ctl, &error))
    return fail (error);
  snap = terra_budget_snapshot_query_sync (ctl->connection, NULL, &error);
  if (snap == NULL)
    return fail (error);

  spec.name = (char *)"";
  spec.memory_mib = memory;
  spec.vcpus = vcpus;
  spec.disk_gib = disk;
  proposal_for_spec (&p, &spec, NULL, !no_start);
  report = terra_budget_snapshot_evaluate (snap, &p, ctl->reserve_mib);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_object (b);
      add_report_json (b, report);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    {
      g_autofree char *text = terra_budget_report_format (report);
      g_print ("%s\n", terra_budget_verdict_to_string (report->verdict));
      if (*text != '\0')
        g_print ("%s\n", text);
    }
  return EXIT_OK;
}

static int
cmd_action (Ctl                *ctl,
            int                 argc,
            char              **argv,
            TerraMachineAction  action,
            const char         *summary)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  int code;

  if (!parse_options (entries, _("NAME"), summary, &argc, &argv, 1, &code))
    return code;
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  if (!terra_machine_run_action_sync (machine, action, NULL, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_start (Ctl   *ctl,
           int    argc,
           char **argv)
{
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Start it even when it is over the host budget"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;
  TerraProposal p = { 0 };
  gboolean finishing_install;
  int code;

  if (!parse_options (entries, _("NAME"), _("Start a virtual machine"), &argc, &argv, 1, &code))
    return code;
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  /* An express install whose installer rebooted (and so stopped): the
   * start boots the installed system (terra_machine_run_action_sync()). */
  finishing_install = terra_machine_get_installing (machine) && terra_machine_get_can_start (machine);
  if (terra_machine_get_can_start (machine))
    {
      snap = terra_budget_snapshot_query_sync (ctl->connection, NULL, &error);
      if (snap == NULL)
        return fail (error);
      p.kind = TERRA_PROPOSAL_START;
      p.name = terra_machine_get_name (machine);
      p.memory_mib = terra_machine_get_memory_mib (machine);
      p.vcpus = terra_machine_get_vcpus (machine);
      p.will_run = TRUE;
      report = terra_budget_snapshot_evaluate (snap, &p, ctl->reserve_mib);
      if (!budget_allows (report, force, _("Refused: starting it would go over the host budget. Use --force to start it anyway.")))
        return EXIT_FAIL;
    }
  if (!terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_START, NULL, &error))
    return fail (error);
  if (finishing_install)
    g_printerr (_("terrarium-ctl: the installer of “%s” has finished its first stage; it now starts from its disk.\n"),
                terra_machine_get_name (machine));
  return EXIT_OK;
}

static int
cmd_shutdown (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_SHUTDOWN,
                     _("Ask a virtual machine to shut down (ACPI power button)"));
}

static int
cmd_force_off (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_FORCE_OFF, _("Force a virtual machine off"));
}

static int
cmd_delete (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_DELETE,
                     _("Delete a virtual machine and the disk images Terrarium created for it"));
}


static int
cmd_save (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = NULL;

  if (argc != 2 || !g_str_equal (argv[1], "--all"))
    return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_SAVE,
                       _("Save a running virtual machine’s state and stop it; start restores it (--all: every running one)"));
  if (!ensure_connected (ctl, &error))
    return fail (error);
  saved = terra_machine_save_all_running_sync (ctl->connection, NULL, &error);
  if (saved == NULL)
    return fail (error);
  for (guint i = 0; i < saved->len; i++)
    g_print ("%s\n", (const char *)g_ptr_array_index (saved, i));
  return EXIT_OK;
}

static int
cmd_pause (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_PAUSE, _("Pause a running virtual machine"));
}

static int
cmd_resume (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_RESUME, _("Resume a paused virtual machine"));
}

static int
cmd_reboot (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_REBOOT, _("Restart a running virtual machine"));
}

static int
cmd_run_disposable (Ctl *ctl, int argc, char **argv)
{
  return cmd_action (ctl, argc, argv, TERRA_MACHINE_ACTION_START_DISPOSABLE,
                     _("Start a disposable run: the guest’s disk changes are thrown away when it stops"));
}

static int
cmd_disk (Ctl   *ctl,
          int    argc,
          char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (for “list”)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("list NAME | add NAME GIB"));

  g_option_context_set_summary (context, _("A virtual machine’s disks"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc < 3 || (g_str_equal (argv[1], "list") && argc != 3) || (g_str_equal (argv[1], "add") && argc != 4) ||
      (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "add")))
    return usage_error (_("Use “disk list NAME” or “disk add NAME GIB”."));
  machine = find_machine (ctl, argv[2], &error);
  if (machine == NULL)
    return fail (error);

  if (g_str_equal (argv[1], "add"))
    {
      char *end = NULL;
      guint64 gib = g_ascii_strtoull (argv[3], &end, 10);
      g_autofree char *target = NULL;

      if (end == argv[3] || *end != '\0')
        return usage_error (_("GIB must be a whole number of GiB."));
      target = terra_machine_add_disk_sync (machine, gib, &error);
      if (target == NULL)
        return fail (error);
      g_print ("%s\n", target);
      return EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) disks = terra_machine_list_disks_sync (machine, &error);
    if (disks == NULL)
      return fail (error);
    if (json)
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;
        json_builder_begin_array (b);
        for (guint i = 0; i < disks->len; i++)
          {
            TerraMachineDisk *d = g_ptr_array_index (disks, i);
            json_builder_begin_object (b);
            add_nullable_string (b, "target", d->target);
            add_nullable_string (b, "path", d->path);
            json_builder_set_member_name (b, "device");
            json_builder_add_string_value (b, d->cdrom ? "cdrom" : "disk");
            json_builder_set_member_name (b, "owned");
            json_builder_add_boolean_value (b, d->owned);
            json_builder_set_member_name (b, "virtual_gib");
            json_builder_add_double_value (b, d->virtual_gib);
            json_builder_set_member_name (b, "allocation_gib");
            json_builder_add_double_value (b, d->allocation_gib);
            json_builder_end_object (b);
          }
        json_builder_end_array (b);
        root = json_builder_get_root (b);
        print_json (root);
      }
    else
      for (guint i = 0; i < disks->len; i++)
        {
          TerraMachineDisk *d = g_ptr_array_index (disks, i);
          if (d->cdrom)
            g_print ("%-5s cdrom  %s\n", d->target ? d->target : "?", d->path ? d->path : _("(empty)"));
          else
            g_print ("%-5s disk   %6.1f GiB, %6.2f GiB used  %s\n", d->target ? d->target : "?",
                     d->virtual_gib, d->allocation_gib, d->path ? d->path : "");
        }
  }
  return EXIT_OK;
}

static int
cmd_restore (Ctl   *ctl,
             int    argc,
             char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  int code;

  if (!parse_options (entries, _("NAME"), _("Start a virtual machine from its saved state"), &argc, &argv, 1, &code))
    return code;
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  if (!terra_machine_get_saved (machine))
    {
      g_autoptr(GError) e = g_error_new (TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                                         _("“%s” has no saved state. Use “start” to boot it."), argv[1]);
      return fail (e);
    }
  if (!terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_START, NULL, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_resize_disk (Ctl   *ctl,
                 int    argc,
                 char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  TerraMachineUpdate update = { 0 };
  char *end = NULL;
  guint64 gib;
  int code;

  if (!parse_options (entries, _("NAME DISK GIB"), _("Grow a disk (DISK: its target, e.g. vda) to GIB GiB"),
                      &argc, &argv, 3, &code))
    return code;
  gib = g_ascii_strtoull (argv[3], &end, 10);
  if (end == argv[3] || *end != '\0' || gib == 0)
    return usage_error (_("GIB must be a whole number of GiB."));
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  update.disk_gib = gib;
  update.disk_target = argv[2];
  if (!terra_machine_update_sync (machine, &update, NULL, &error))
    return fail (error);
  return EXIT_OK;
}

/* clone --progress: a line on stderr when the whole percentage changes. */
static void
print_copy_progress (double   fraction,
                     gpointer user_data)
{
  static int last = -1;
  int percent = (int)(fraction * 100);

  if (percent != last)
    g_printerr (_("copied: %d %%\n"), percent);
  last = percent;
}

static int
cmd_clone (Ctl   *ctl,
           int    argc,
           char **argv)
{
  gboolean json = FALSE, progress = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress, N_("Print how much of the disks is copied on stderr"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(TerraMachine) clone = NULL;
  g_autofree char *uuid = NULL;
  int code;

  if (!parse_options (entries, _("NAME NEW-NAME"), _("Copy a virtual machine, with its disks, under a new name"),
                      &argc, &argv, 2, &code))
    return code;
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  uuid = terra_machine_clone_sync (machine, argv[2], progress ? print_copy_progress : NULL, NULL, &error);
  if (uuid == NULL)
    return fail (error);
  clone = find_machine (ctl, uuid, &error);
  if (clone == NULL)
    return fail (error);
  print_machine (clone, json);
  return EXIT_OK;
}

/* A path option that may be "none": "" for none, else the absolute path
 * (which replaces *@arg, so it lives as long as the option); NULL when unset. */
static const char *
path_or_none (char **arg)
{
  char *abs;

  if (*arg == NULL)
    return NULL;
  if (g_str_equal (*arg, "none"))
    return "";
  abs = g_canonicalize_filename (*arg, NULL);
  g_free (*arg);
  *arg = abs;
  return abs;
}

static int
cmd_set (Ctl   *ctl,
         int    argc,
         char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *autostart = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *cdrom = NULL;
  g_autofree char *network = NULL;
  g_autofree char *sound = NULL;
  g_autofree char *video = NULL;
  g_autofree char *shared = NULL;
  gint64 memory = 0, disk = 0;
  int vcpus = 0;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("New name (the machine must be off)"), N_("NAME") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("Description (\"\" clears it)"), N_("TEXT") },
    { "memory", 0, 0, G_OPTION_ARG_INT64, &memory, N_("RAM in MiB"), N_("MIB") },
    { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, N_("Number of vCPUs"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_INT64, &disk, N_("Grow the disk to this size in GiB"), N_("GIB") },
    { "cdrom", 0, 0, G_OPTION_ARG_FILENAME, &cdrom, N_("Disc image for the CD/DVD drive, or “none” to eject"), N_("PATH|none") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network, N_("NAT network card: on or off (isolated)"), N_("on|off") },
    { "sound", 0, 0, G_OPTION_ARG_STRING, &sound, N_("Sound card: on or off"), N_("on|off") },
    { "video", 0, 0, G_OPTION_ARG_STRING, &video, N_("Video card: qxl or virtio"), N_("qxl|virtio") },
    { "shared-folder", 0, 0, G_OPTION_ARG_FILENAME, &shared, N_("Share a host folder with the guest (virtio-9p, mount tag “terrarium”), or “none”"), N_("PATH|none") },
    { "autostart", 0, 0, G_OPTION_ARG_STRING, &autostart, N_("Start with the session: on or off"), N_("on|off") },
    { "reset-on-shutdown", 0, 0, G_OPTION_ARG_STRING, &reset, N_("Throw disk changes away at every stop: on or off"), N_("on|off") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Apply even when over the host budget"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  TerraMachineUpdate update = { 0 };
  gboolean later = FALSE;
  int code;

  memory = -1;
  vcpus = -1;
  disk = -1;
  if (!parse_options (entries, _("NAME"), _("Change a virtual machine’s settings"), &argc, &argv, 1, &code))
    return code;
  if (memory == 0 || vcpus == 0 || disk == 0 || memory < -1 || vcpus < -1 || disk < -1)
    return usage_error (_("Memory, vCPUs and disk size must be positive."));
  if ((autostart != NULL && !g_str_equal (autostart, "on") && !g_str_equal (autostart, "off")) ||
      (reset != NULL && !g_str_equal (reset, "on") && !g_str_equal (reset, "off")))
    return usage_error (_("--autostart and --reset-on-shutdown take “on” or “off”."));
  if ((network != NULL && !g_str_equal (network, "on") && !g_str_equal (network, "off")) ||
      (sound != NULL && !g_str_equal (sound, "on") && !g_str_equal (sound, "off")))
    return usage_error (_("--network and --sound take “on” or “off”."));
  if (video != NULL && !g_str_equal (video, "qxl") && !g_str_equal (video, "virtio"))
    return usage_error (_("--video takes “qxl” or “virtio”."));
  update.video = video;
  update.shared_folder = path_or_none (&shared);
  update.network = network == NULL ? TERRA_KEEP : g_str_equal (network, "on") ? TERRA_ON : TERRA_OFF;
  update.sound = sound == NULL ? TERRA_KEEP : g_str_equal (sound, "on") ? TERRA_ON : TERRA_OFF;
  update.autostart = autostart == NULL ? TERRA_KEEP : g_str_equal (autostart, "on") ? TERRA_ON : TERRA_OFF;
  update.reset_on_shutdown = reset == NULL ? TERRA_KEEP : g_str_equal (reset, "on") ? TERRA_ON : TERRA_OFF;
  update.cdrom = path_or_none (&cdrom);
  machine = find_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  update.name = name;
  update.description = description;
  update.memory_mib = memory > 0 ? (guint64)memory : 0;
  update.vcpus = vcpus > 0 ? (guint)vcpus : 0;
  update.disk_gib = disk > 0 ? (guint64)disk : 0;

  if ((update.memory_mib != 0 || update.vcpus != 0))
    {
      g_autoptr(TerraBudgetSnapshot) snap = terra_budget_snapshot_query_sync (ctl->connection, NULL, &error);
      g_autoptr(TerraBudgetReport) report = NULL;
      TerraProposal p = {
        .kind = TERRA_PROPOSAL_CHANGE,
        .name = terra_machine_get_name (machine),
        .memory_mib = update.memory_mib ? update.memory_mib : terra_machine_get_memory_mib (machine),
        .vcpus = update.vcpus ? update.vcpus : terra_machine_get_vcpus (machine),
        .will_run = terra_machine_get_is_running (machine),
      };
      if (snap == NULL)
        return fail (error);
      report = terra_budget_snapshot_evaluate (snap, &p, ctl->reserve_mib);
      if (!budget_allows (report, force, _("Refused: this change is over the host budget. Use --force to apply it anyway.")))
        return EXIT_FAIL;
    }
  if (!terra_machine_update_sync (machine, &update, &later, &error))
    return fail (error);
  if (later)
    g_printerr ("terrarium-ctl: %s\n", _("note: memory, vCPU and device changes apply at the next start."));
  return EXIT_OK;
}

static void
print_snapshots (GPtrArray *snaps,
                 gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < snaps->len; i++)
        {
          TerraSnapshot *sn = g_ptr_array_index (snaps, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, sn->name);
          add_nullable_string (b, "description", sn->description);
          json_builder_set_member_name (b, "created");
          json_builder_add_int_value (b, sn->created);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, sn->state);
          json_builder_set_member_name (b, "current");
          json_builder_add_boolean_value (b, sn->current);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return;
    }
  for (guint i = 0; i < snaps->len; i++)
    {
      TerraSnapshot *sn = g_ptr_array_index (snaps, i);
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (sn->created);
      g_autofree char *when = t ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("?");
      g_print ("%-24s %s  %-8s%s %s\n", sn->name, when, sn->state, sn->current ? " *" : "  ",
               sn->description ? sn->description : "");
    }
}

static int
cmd_snapshot (Ctl   *ctl,
              int    argc,
              char **argv)
{
  g_autofree char *description = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("A note for “create”"), N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (for “list”)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("list NAME | create NAME SNAPSHOT | revert NAME SNAPSHOT | delete NAME SNAPSHOT"));
  const char *verb;
  gboolean ok = FALSE;

  g_option_context_set_summary (context, _("Snapshots of a virtual machine (internal qcow2 snapshots)"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc < 3)
    return usage_error (_("Wrong number of arguments."));
  verb = argv[1];
  if (!g_str_equal (verb, "list") && !g_str_equal (verb, "create") && !g_str_equal (verb, "revert") &&
      !g_str_equal (verb, "delete"))
    return usage_error (_("The snapshot command is list, create, revert or delete."));
  if (g_str_equal (verb, "list") ? argc != 3 : argc != 4)
    return usage_error (_("Wrong number of arguments."));

  machine = find_machine (ctl, argv[2], &error);
  if (machine == NULL)
    return fail (error);
  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) snaps = terra_machine_list_snapshots_sync (machine, &error);
      if (snaps == NULL)
        return fail (error);
      print_snapshots (snaps, json);
      return EXIT_OK;
    }
  if (g_str_equal (verb, "create"))
    ok = terra_machine_create_snapshot_sync (machine, argv[3], description, &error);
  else if (g_str_equal (verb, "revert"))
    ok = terra_machine_revert_snapshot_sync (machine, argv[3], &error);
  else
    ok = terra_machine_delete_snapshot_sync (machine, argv[3], &error);
  return ok ? EXIT_OK : fail (error);
}


static TerraMachine *
find_running_machine (Ctl         *ctl,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(TerraMachine) machine = find_machine (ctl, name, error);

  if (machine == NULL)
    return NULL;
  if (!terra_machine_get_is_running (machine))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                   _("“%s” is not running. Start it first."), name);
      return NULL;
    }
  return g_steal_pointer (&machine);
}

static int
cmd_screenshot (Ctl   *ctl,
                int    argc,
                char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  int code;

  if (!parse_options (entries, _("NAME FILE.png"), _("Save the guest’s screen as PNG, through SPICE"),
                      &argc, &argv, 2, &code))
    return code;
  machine = find_running_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  if (!terra_display_capture_png_sync (terra_machine_provide_graphics_fd, machine, argv[2], SCREENSHOT_TIMEOUT_MS, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_type (Ctl   *ctl,
          int    argc,
          char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autofree char *text = NULL;
  int code;

  if (!parse_options (entries, _("NAME TEXT"),
                      _("Type text on the guest’s keyboard through SPICE (US layout; \\n is Enter)"),
                      &argc, &argv, 2, &code))
    return code;
  machine = find_running_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  text = g_strcompress (argv[2]);
  if (!terra_display_type_text_sync (terra_machine_provide_graphics_fd, machine, text, SCREENSHOT_TIMEOUT_MS, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_copy_to_guest (Ctl   *ctl,
                   int    argc,
                   char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(GFile) file = NULL;
  GFile *files[2] = { NULL, NULL };
  int code;

  if (!parse_options (entries, _("NAME FILE"),
                      _("Copy a file into the guest through its SPICE agent (spice-vdagent saves it in the guest "
                        "user’s Downloads folder), as dropping it on the display does"),
                      &argc, &argv, 2, &code))
    return code;
  if (!g_file_test (argv[2], G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (&error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT, _("“%s” is not a file."), argv[2]);
      return fail (error);
    }
  machine = find_running_machine (ctl, argv[1], &error);
  if (machine == NULL)
    return fail (error);
  file = g_file_new_for_commandline_arg (argv[2]);
  files[0] = file;
  if (!terra_display_copy_files_sync (terra_machine_provide_graphics_fd, machine, files, AGENT_TIMEOUT_MS, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_host (Ctl   *ctl,
          int    argc,
          char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraHostInfo) host = NULL;
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  guint64 run_mib = 0, all_mib = 0;
  guint run_vcpus = 0, all_vcpus = 0;
  guint64 reserve;
  int code;

  if (!parse_options (entries, NULL, _("Show the host’s resources and acceleration"), &argc, &argv, 0, &code))
    return code;
  if (!ensure_connected (ctl, &error))
    return fail (error);
  host = terra_host_info_query_sync (ctl->connection, NULL, &error);
  if (host == NULL)
    return fail (error);
  snap = terra_budget_snapshot_query_sync (ctl->connection, NULL, &error);
  if (snap == NULL)
    return fail (error);
  for (guint i = 0; i < snap->machines->len; i++)
    {
      const TerraBudgetMachine *m = &g_array_index (snap->machines, TerraBudgetMachine, i);
      all_mib += m->memory_mib;
      all_vcpus += m->vcpus;
      if (m->running)
        {
          run_mib += m->memory_mib;
          run_vcpus += m->vcpus;
        }
    }
  reserve = terra_budget_reserve_mib (host->memory_total_mib, ctl->reserve_mib);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "memory_total_mib");
      json_builder_add_int_value (b, host->memory_total_mib);
      json_builder_set_member_name (b, "memory_free_mib");
      json_builder_add_int_value (b, host->memory_free_mib);
      json_builder_set_member_name (b, "cpus");
      json_builder_add_int_value (b, host->cpus);
      json_builder_set_member_name (b, "accel");
      json_builder_add_string_value (b, terra_accel_to_string (host->accel));
      add_nullable_string (b, "kvm_problem", host->kvm_problem);
      json_builder_set_member_name (b, "reserve_mib");
      json_builder_add_int_value (b, reserve);
      json_builder_set_member_name (b, "allocated");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "memory_mib");
      json_builder_add_int_value (b, run_mib);
      json_builder_set_member_name (b, "vcpus");
      json_builder_add_int_value (b, run_vcpus);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "defined");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "memory_mib");
      json_builder_add_int_value (b, all_mib);
      json_builder_set_member_name (b, "vcpus");
      json_builder_add_int_value (b, all_vcpus);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "disk");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "pool_capacity_gib");
      json_builder_add_double_value (b, snap->host.pool_capacity_gib);
      json_builder_set_member_name (b, "pool_free_gib");
      json_builder_add_double_value (b, snap->host.pool_free_gib);
      json_builder_set_member_name (b, "committed_gib");
      json_builder_add_double_value (b, snap->host.pool_committed_gib);
      json_builder_end_object (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    {
      g_print (_("Memory: %" G_GUINT64_FORMAT " MiB total, %" G_GUINT64_FORMAT " MiB available\n"),
               host->memory_total_mib, host->memory_free_mib);
      g_print (_("Kept for the host: %" G_GUINT64_FORMAT " MiB\n"), reserve);
      g_print (_("Running VMs: %" G_GUINT64_FORMAT " MiB, %u vCPUs; all VMs: %" G_GUINT64_FORMAT " MiB, %u vCPUs\n"),
               run_mib, run_vcpus, all_mib, all_vcpus);
      g_print (_("Disk pool: %.1f GiB free of %.1f GiB; disks may grow to %.1f GiB\n"),
               snap->host.pool_free_gib, snap->host.pool_capacity_gib, snap->host.pool_committed_gib);
      g_print (_("CPU threads: %u\n"), host->cpus);
      if (host->accel == TERRA_ACCEL_KVM)
        g_print (_("Acceleration: KVM\n"));
      else
        g_print (_("Acceleration: none, guests are emulated (TCG): %s\n"), host->kvm_problem);
    }
  return EXIT_OK;
}

static const struct {
  const char  *name;
  CommandFunc  func;
  const char  *help;
} commands[] = {
  { "list", cmd_list, N_("List virtual machines [--json]") },
  { "detect", cmd_detect, N_("Identify installer media: detect PATH [--json]") },
  { "create", terra_ctl_cmd_create, N_("Create: --media PATH | --import DISK [--os OS_ID] [--name NAME] [--memory MIB] [--vcpus N] [--disk GIB] [--firmware bios|uefi|uefi-secure] [--tpm] [--start] [--force] [--progress] [--json]") },
  { "start", cmd_start, N_("Start: start NAME [--force]") },
  { "shutdown", cmd_shutdown, N_("Shut down (ACPI): shutdown NAME") },
  { "force-off", cmd_force_off, N_("Force off: force-off NAME") },
  { "delete", cmd_delete, N_("Delete with its disk images: delete NAME") },
  { "reboot", cmd_reboot, N_("Restart: reboot NAME") },
  { "pause", cmd_pause, N_("Pause: pause NAME") },
  { "resume", cmd_resume, N_("Resume: resume NAME") },
  { "save", cmd_save, N_("Save state and stop (start restores it): save NAME | save --all") },
  { "restore", cmd_restore, N_("Start from the saved state: restore NAME") },
  { "resize-disk", cmd_resize_disk, N_("Grow a disk: resize-disk NAME DISK GIB") },
  { "disk", cmd_disk, N_("Disks: disk list NAME [--json] | disk add NAME GIB") },
  { "run-disposable", cmd_run_disposable, N_("Start with changes thrown away at stop: run-disposable NAME") },
  { "clone", cmd_clone, N_("Full copy: clone NAME NEW-NAME [--progress] [--json]") },
  { "set", cmd_set, N_("Change: set NAME [--name N] [--description T] [--memory MIB] [--vcpus N] [--disk GIB] [--cdrom PATH|none] [--network on|off] [--sound on|off] [--video qxl|virtio] [--shared-folder PATH|none] [--autostart on|off] [--reset-on-shutdown on|off] [--force]") },
  { "snapshot", cmd_snapshot, N_("Snapshots: snapshot list|create|revert|delete NAME [SNAPSHOT] [--description T] [--json]") },
  { "screenshot", cmd_screenshot, N_("Save the screen: screenshot NAME FILE.png") },
  { "type", cmd_type, N_("Type on the guest’s keyboard: type NAME TEXT") },
  { "copy-to-guest", cmd_copy_to_guest, N_("Copy a file into the guest (needs its SPICE agent): copy-to-guest NAME FILE") },
  { "host", cmd_host, N_("Host resources: host [--json]") },
  { "osinfo", terra_ctl_cmd_osinfo, N_("The OS database: osinfo list [--family F] [--downloads] [--json]") },
  { "download", terra_ctl_cmd_download, N_("Download an OS’s installer: download OS_ID[:VARIANT] [--sha256 HEX] [--json]") },
  { "lab", terra_ctl_cmd_lab, N_("Labs: lab validate|up|down|reset|baseline|status|destroy FILE [--json] [--force] [--timeout S] | lab export FILE OUT.tar.gz | lab import ARCHIVE DIR") },
  { "budget", cmd_budget, N_("Budget verdict for a new VM: budget [--memory MIB] [--vcpus N] [--disk GIB] [--no-start] [--json]") },
};

static void
print_help (void)
{
  g_print ("%s\n\n", _("Usage: terrarium-ctl [--connect URI] COMMAND [ARGS…]"));
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-11s %s\n", commands[i].name, _(commands[i].help));
  g_print ("\n%s\n", _("Exit status: 0 success, 1 failure, 2 bad usage."));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TerraSettings) settings = NULL;
  g_autofree char *uri = NULL;
  Ctl ctl = { 0 };
  int i = 1, ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  settings = terra_settings_new ();
  uri = terra_settings_dup_connection_uri (settings);
  ctl.uri = uri;
  ctl.reserve_mib = terra_settings_get_host_reserve_mib (settings);

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("terrarium-ctl %s\n", PACKAGE_VERSION);
          return EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--connect") || g_str_equal (argv[i], "-c"))
        {
          if (++i >= argc)
            return usage_error (_("--connect needs a URI."));
          ctl.uri = argv[i];
        }
      else if (g_str_has_prefix (argv[i], "--connect="))
        ctl.uri = argv[i] + strlen ("--connect=");
      else
        {
          g_autofree char *msg = g_strdup_printf (_("Unknown option %s."), argv[i]);
          return usage_error (msg);
        }
    }

  if (i >= argc)
    return usage_error (_("No command given."));

  terra_connection_init_libvirt ();

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[i], commands[c].name))
      {
        ret = commands[c].func (&ctl, argc - i, argv + i);
        g_clear_object (&ctl.connection);
        return ret;
      }

  {
    g_autofree char *msg = g_strdup_printf (_("Unknown command “%s”."), argv[i]);
    return usage_error (msg);
  }
}
