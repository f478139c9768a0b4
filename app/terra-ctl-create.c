/* terra-ctl-create.c — `terrarium-ctl create`: from installer media or a
 * disk image, with firmware, TPM and express install options
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terrarium-ctl"

#include "config.h"

#include <string.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "terra-disk-image.h"
#include "terra-error.h"
#include "terra-express.h"
#include "terra-host.h"
#include "terra-machine.h"
#include "terra-media-info.h"
#include "terra-os-db.h"
#include "terra-vm-creator.h"
#include "terra-ctl-private.h"

static void
replace_str (char       **field,
             const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* The first line of @path ("-": standard input), without its newline. */
static gboolean
read_password (const char  *path,
               char       **password,
               GError     **error)
{
  g_autofree char *text = NULL;
  char *nl;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
      text = g_data_input_stream_read_line_utf8 (data, NULL, NULL, error);
      if (text == NULL && (error == NULL || *error == NULL))
        text = g_strdup ("");
    }
  else if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  if (text == NULL)
    return FALSE;
  if ((nl = strpbrk (text, "\r\n")) != NULL)
    *nl = '\0';
  if (*text == '\0')
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT, _("The password file is empty."));
      return FALSE;
    }
  g_free (*password);
  *password = g_steal_pointer (&text);
  return TRUE;
}

/* --firmware: "bios", "uefi" or "uefi-secure"; NULL keeps the suggestion. */
static gboolean
apply_firmware (TerraMachineSpec *spec,
                const char       *firmware)
{
  if (firmware == NULL)
    return TRUE;
  if (g_str_equal (firmware, "bios"))
    spec->uefi = spec->secure_boot = FALSE;
  else if (g_str_equal (firmware, "uefi"))
    {
      spec->uefi = TRUE;
      spec->secure_boot = FALSE;
    }
  else if (g_str_equal (firmware, "uefi-secure"))
    spec->uefi = spec->secure_boot = TRUE;
  else
    return FALSE;
  return TRUE;
}

static void
on_ctl_create_progress (const char *step,
                        double      fraction,
                        gpointer    user_data)
{
  if (fraction >= 0)
    g_printerr ("%s: %d %%\n", step, (int)(fraction * 100));
  else
    g_printerr ("%s…\n", step);
}

int
terra_ctl_cmd_create (Ctl   *ctl,
                      int    argc,
                      char **argv)
{
  g_autofree char *media = NULL;
  g_autofree char *import = NULL;
  g_autofree char *name = NULL;
  g_autofree char *os_id = NULL;
  g_autofree char *firmware = NULL;
  gint64 memory = 0, disk = 0;
  int vcpus = 0;
  gboolean start = FALSE, json = FALSE, force = FALSE, progress = FALSE, tpm = FALSE, express = FALSE;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *timezone = NULL;
  g_autofree char *language = NULL;
  g_autofree char *keyboard = NULL;
  g_autofree char *product_key = NULL;
  GOptionEntry entries[] = {
    { "media", 0, 0, G_OPTION_ARG_FILENAME, &media, N_("Installer ISO"), N_("PATH") },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import, N_("Disk image to copy in as the machine’s disk (qcow2, raw, vmdk, vdi, vhdx, vpc)"), N_("DISK") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the new machine"), N_("NAME") },
    { "os", 0, 0, G_OPTION_ARG_STRING, &os_id, N_("The OS (libosinfo short id or id; see “osinfo list”), overriding detection"), N_("OS_ID") },
    { "memory", 0, 0, G_OPTION_ARG_INT64, &memory, N_("RAM in MiB"), N_("MIB") },
    { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, N_("Number of vCPUs"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_INT64, &disk, N_("Disk size in GiB"), N_("GIB") },
    { "firmware", 0, 0, G_OPTION_ARG_STRING, &firmware, N_("bios, uefi or uefi-secure (Secure Boot); default: what the OS needs"), N_("FIRMWARE") },
    { "tpm", 0, 0, G_OPTION_ARG_NONE, &tpm, N_("Add an emulated TPM 2.0 (swtpm)"), NULL },
    { "express", 0, 0, G_OPTION_ARG_NONE, &express, N_("Install unattended with libosinfo’s install script (needs --password-file)"), NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Express install: the user’s login (default: yours)"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Express install: a file whose first line is the password (“-”: standard input); it is not stored"), N_("FILE") },
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &hostname, N_("Express install: the guest’s host name (default: from the name)"), N_("HOST") },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &timezone, N_("Express install: time zone (default: the host’s)"), N_("ZONE") },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language, N_("Express install: language, e.g. en_US (default: yours)"), N_("LOCALE") },
    { "keyboard", 0, 0, G_OPTION_ARG_STRING, &keyboard, N_("Express install: X11 keyboard layout (default: the host’s)"), N_("LAYOUT") },
    { "product-key", 0, 0, G_OPTION_ARG_STRING, &product_key, N_("Express install: Windows product key (optional)"), N_("KEY") },
    { "start", 0, 0, G_OPTION_ARG_NONE, &start, N_("Start it"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Create it even when it is over the host budget"), NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress, N_("Print each step (and a disk copy’s percentage) on stderr"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraBudgetSnapshot) snap = NULL;
  g_autoptr(TerraBudgetReport) report = NULL;
  TerraProposal proposal;
  g_autoptr(TerraMediaInfo) info = NULL;
  g_autoptr(TerraHostInfo) host = NULL;
  g_autoptr(TerraMachineSpec) spec = NULL;
  g_autoptr(TerraMachine) machine = NULL;
  g_autoptr(TerraDiskImageInfo) disk_info = NULL;
  OsinfoOs *os = NULL;
  g_autofree char *uuid = NULL;
  int code;

  if (!parse_options (entries, NULL, _("Create a virtual machine from installer media or a disk image"),
                      &argc, &argv, 0, &code))
    return code;
  if ((media == NULL) == (import == NULL))
    return usage_error (_("Give either --media PATH (installer media) or --import DISK (a disk image)."));
  if (memory < 0 || vcpus < 0 || disk < 0)
    return usage_error (_("Memory, vCPUs and disk size must be positive."));
  if (firmware != NULL && !g_strv_contains ((const char *[]){ "bios", "uefi", "uefi-secure", NULL }, firmware))
    return usage_error (_("--firmware takes “bios”, “uefi” or “uefi-secure”."));
  if (!express && (user || password_file || hostname || timezone || language || keyboard || product_key))
    return usage_error (_("--user, --password-file and the other express install options need --express."));
  if (express && media == NULL)
    return usage_error (_("--express needs --media (an installer)."));
  if (express && password_file == NULL)
    return usage_error (_("--express needs --password-file FILE (or “-” for standard input)."));
  if (os_id != NULL)
    {
      if (terra_os_db_get (&error) == NULL)
        return fail (error);
      os = terra_os_db_find_os (os_id);
      if (os == NULL)
        {
          g_set_error (&error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                       _("No OS “%s” in the OS database; “terrarium-ctl osinfo list” shows them."), os_id);
          return fail (error);
        }
    }

  if (media != NULL)
    {
      g_autofree char *abs_media = g_canonicalize_filename (media, NULL);
      info = terra_media_info_detect_sync (abs_media, NULL, &error);
      if (info == NULL)
        return fail (error);
      if (os != NULL)
        terra_media_info_choose_os (info, os);
    }
  else
    {
      g_autofree char *abs = g_canonicalize_filename (import, NULL);
      g_autofree char *dir = g_path_get_dirname (abs);
      if (!terra_disk_image_check_confined (abs, dir, &disk_info, NULL, &error))
        return fail (error);
      if (!terra_disk_image_format_importable (disk_info->format))
        {
          g_set_error (&error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                       _("“%s” is a %s image; Terrarium imports qcow2, raw, vmdk, vdi, vhdx and vpc images."),
                       import, disk_info->format);
          return fail (error);
        }
      g_free (import);
      import = g_steal_pointer (&abs);
    }
  if (!ensure_connected (ctl, &error))
    return fail (error);
  host = terra_host_info_query_sync (ctl->connection, NULL, &error);
  if (host == NULL)
    return fail (error);

  if (info != NULL)
    spec = terra_vm_creator_suggest_spec (info, host, NULL);
  else
    spec = terra_vm_creator_suggest_import_spec (import, disk_info, os, host, NULL);
  if (name != NULL)
    {
      g_free (spec->name);
      spec->name = g_steal_pointer (&name);
    }
  if (memory > 0)
    spec->memory_mib = memory;
  if (vcpus > 0)
    spec->vcpus = vcpus;
  if (disk > 0)
    spec->disk_gib = disk;
  apply_firmware (spec, firmware);
  if (tpm)
    spec->tpm = TRUE;
  if (express)
    {
      spec->express = terra_express_config_new_for_host (spec->name);
      if (!read_password (password_file, &spec->express->password, &error))
        return fail (error);
      if (user != NULL)
        replace_str (&spec->express->user_login, user);
      if (user != NULL)
        replace_str (&spec->express->user_realname, user);
      if (hostname != NULL)
        replace_str (&spec->express->hostname, hostname);
      if (timezone != NULL)
        replace_str (&spec->express->timezone, timezone);
      if (language != NULL)
        replace_str (&spec->express->language, language);
      if (keyboard != NULL)
        replace_str (&spec->express->keyboard, keyboard);
      if (product_key != NULL)
        replace_str (&spec->express->product_key, product_key);
    }

  if (!terra_machine_spec_validate (spec, &error))
    return fail (error);
  snap = terra_budget_snapshot_query_sync (ctl->connection, NULL, &error);
  if (snap == NULL)
    return fail (error);
  proposal_for_spec (&proposal, spec, info, start);
  report = terra_budget_snapshot_evaluate (snap, &proposal, ctl->reserve_mib);
  if (!budget_allows (report, force, _("Refused: this machine is over the host budget. Use --force to create it anyway.")))
    return EXIT_FAIL;
  if (host->accel == TERRA_ACCEL_TCG)
    g_printerr (_("terrarium-ctl: note: emulated: KVM is not available, the guest will be slow (%s)\n"),
                host->kvm_problem ? host->kvm_problem : "");

  uuid = terra_vm_creator_create_full (ctl->connection, spec, start,
                                       progress ? on_ctl_create_progress : NULL, NULL, NULL, &error);
  if (uuid == NULL)
    return fail (error);

  machine = find_machine (ctl, uuid, &error);
  if (machine == NULL)
    return fail (error);

  print_machine (machine, json);
  return EXIT_OK;
}
