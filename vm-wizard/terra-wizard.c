/* terra-wizard.c — the create-a-VM window: media, review, create
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Steps on one GtkStack: pick the source (a file — installer ISO or a disk
 * image to import —, recent or downloaded media, or "Download an OS", also
 * a file handed in by drag and drop or the command line), look at it in a
 * worker (libosinfo for an ISO, qemu-img for a disk image), review the
 * pre-filled machine (OS, name, memory, vCPUs, disk, firmware, express
 * install, budget findings) and create it with a progress page. Every
 * libvirt, libosinfo and qemu-img call runs in a GTask worker of the core;
 * this file only shows results. A failure returns to the review page with
 * the values kept.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-budget.h"
#include "terra-disk-image.h"
#include "terra-download-page.h"
#include "terra-error.h"
#include "terra-express.h"
#include "terra-os-db.h"
#include "terra-settings.h"
#include "terra-machine-spec.h"
#include "terra-media-info.h"
#include "terra-vm-creator.h"
#include "terra-os-chooser.h"
#include "terra-wizard.h"

struct _TerraWizard
{
  AdwWindow         parent_instance;

  TerraConnection  *connection;
  GCancellable     *cancellable;
  GStrv             taken_names;
  gboolean          have_host;
  guint64           host_memory_mib;
  guint             host_cpus;
  TerraAccel        host_accel;
  TerraBudgetSnapshot *budget;   /* the host and the other VMs, for the findings */
  guint64           reserve_mib;  /* 0: automatic */
  gboolean          budget_warnings;
  gboolean          over;

  TerraMediaInfo   *media;       /* an installer ISO, or NULL */
  char             *import_path;  /* a disk image to import, or NULL */
  TerraDiskImageInfo *import_info;
  OsinfoOs         *import_os;    /* the OS the user says the image holds, or NULL */
  TerraMachineSpec *suggested;
  GtkFileChooserNative *chooser;

  GtkWidget        *stack;
  GtkWidget        *create_button;
  GtkWidget        *back_button;
  GtkWidget        *busy_label;
  GtkWidget        *busy_step;
  GtkWidget        *busy_progress;
  GtkWidget        *os_row;
  GtkWidget        *file_row;
  GtkWidget        *accel_row;
  GtkWidget        *name_row;
  GtkWidget        *memory_spin;
  GtkWidget        *vcpus_spin;
  GtkWidget        *disk_spin;
  GtkWidget        *memory_row;
  GtkWidget        *vcpus_row;
  GtkWidget        *disk_row;
  GtkWidget        *warning_label;
  GtkWidget        *findings_box;
  GtkWidget        *error_label;
  GtkWidget        *source_error_label;
  GtkWidget        *recent_group;
  GtkWidget        *download_page;
  GtkWidget        *firmware_row;
  GtkWidget        *tpm_row;
  GtkWidget        *tpm_switch;
  GtkWidget        *express_group;
  GtkWidget        *express_row;
  GtkWidget        *user_row;
  GtkWidget        *password_row;
  GtkWidget        *hostname_row;
  GtkWidget        *product_key_row;
};

G_DEFINE_FINAL_TYPE (TerraWizard, terra_wizard, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
set_page (TerraWizard *self,
          const char  *page)
{
  gboolean review = g_str_equal (page, "review");

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  gtk_widget_set_visible (self->create_button, review);
  gtk_widget_set_visible (self->back_button, review || g_str_equal (page, "download"));
  gtk_widget_set_sensitive (self->create_button, review);
  if (review)
    gtk_widget_grab_focus (self->name_row);
}

/* The spec as the user has edited it. */
static TerraMachineSpec *
spec_from_fields (TerraWizard *self)
{
  TerraMachineSpec *spec = terra_machine_spec_copy (self->suggested);

  g_free (spec->name);
  spec->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  spec->memory_mib = (guint64)gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->memory_spin));
  spec->vcpus = (guint)gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->vcpus_spin));
  spec->disk_gib = (guint64)gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->disk_spin));
  switch (adw_combo_row_get_selected (ADW_COMBO_ROW (self->firmware_row)))
    {
    case 0: spec->uefi = spec->secure_boot = FALSE; break;
    case 1: spec->uefi = TRUE; spec->secure_boot = FALSE; break;
    default: spec->uefi = spec->secure_boot = TRUE; break;
    }
  spec->tpm = gtk_switch_get_active (GTK_SWITCH (self->tpm_switch));
  terra_express_config_free (spec->express);
  spec->express = NULL;
  if (gtk_widget_get_visible (self->express_group) &&
      adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (self->express_row)))
    {
      spec->express = terra_express_config_new_for_host (spec->name);
      g_free (spec->express->user_login);
      spec->express->user_login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
      g_free (spec->express->user_realname);
      spec->express->user_realname = g_strdup (spec->express->user_login);
      g_free (spec->express->password);
      spec->express->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      g_free (spec->express->hostname);
      spec->express->hostname = terra_express_hostname_for (gtk_editable_get_text (GTK_EDITABLE (self->hostname_row)));
      if (gtk_widget_get_visible (self->product_key_row))
        spec->express->product_key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->product_key_row))));
    }
  return spec;
}

/* The OS minimums for the findings: the media's, or the chosen OS's for
 * an imported disk. */
static void
get_minimum (TerraWizard    *self,
             TerraResources *min)
{
  TerraResources rec = { 0 };

  *min = (TerraResources) { 0 };
  if (self->media != NULL)
    terra_media_info_get_minimum (self->media, min);
  else if (self->import_os != NULL)
    terra_os_db_get_resources (self->import_os, "x86_64", &rec, min);
}

static gboolean
name_taken (TerraWizard *self,
            const char  *name)
{
  return self->taken_names != NULL && g_strv_contains ((const char * const *)self->taken_names, name);
}

/* Inline checks as the user types: validation errors block Create, host
 * warnings don't (the full budget is its own feature). */
static void
update_checks (TerraWizard *self)
{
  g_autoptr(TerraMachineSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) warning = g_string_new (NULL);
  gboolean ok;

  if (self->suggested == NULL)
    return;

  spec = spec_from_fields (self);
  ok = terra_machine_spec_validate (spec, &error);
  if (ok && spec->express != NULL && (spec->express->user_login[0] == '\0' || spec->express->password[0] == '\0'))
    {
      ok = FALSE;
      g_set_error (&error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("Express install: give a user name and a password (or switch it off)."));
    }
  if (ok && name_taken (self, spec->name))
    {
      ok = FALSE;
      g_set_error (&error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS,
                   _("A virtual machine named “%s” already exists. Choose another name."), spec->name);
    }

  gtk_label_set_text (GTK_LABEL (self->error_label), ok ? "" : error->message);
  gtk_widget_set_visible (self->error_label, !ok);
  if (ok)
    gtk_widget_remove_css_class (self->name_row, "error");
  else if (g_error_matches (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME) ||
           g_error_matches (error, TERRA_ERROR, TERRA_ERROR_NAME_EXISTS))
    gtk_widget_add_css_class (self->name_row, "error");
  gtk_widget_set_sensitive (self->create_button, ok);

  self->over = FALSE;
  gtk_widget_set_visible (self->findings_box, FALSE);
  if (self->budget != NULL)
    {
      TerraResources min = { 0 };
      TerraProposal proposal;
      g_autoptr(TerraBudgetReport) report = NULL;
      GtkWidget *child;

      get_minimum (self, &min);
      proposal = (TerraProposal) {
        .kind = TERRA_PROPOSAL_NEW,
        .name = spec->name,
        .memory_mib = spec->memory_mib,
        .vcpus = spec->vcpus,
        .disk_gib = spec->disk_gib,
        .disk_initial_gib = TERRA_BUDGET_QCOW2_INITIAL_GIB,
        .will_run = TRUE, /* the wizard starts what it creates */
        .os_name = spec->os_name,
        .os_min_memory_mib = min.memory_mib,
        .os_min_disk_gib = min.disk_gib,
      };
      report = terra_budget_snapshot_evaluate (self->budget, &proposal, self->reserve_mib);
      self->over = report->verdict == TERRA_BUDGET_OVER;

      while ((child = gtk_widget_get_first_child (self->findings_box)) != NULL)
        gtk_box_remove (GTK_BOX (self->findings_box), child);
      for (guint i = 0; i < report->findings->len; i++)
        {
          const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
          GtkWidget *row, *icon, *label;

          if (f->severity == TERRA_BUDGET_WARNING && !self->budget_warnings)
            continue;
          row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
          icon = gtk_image_new_from_icon_name (f->severity == TERRA_BUDGET_OVER ? "dialog-error-symbolic"
                                                                                : "dialog-warning-symbolic");
          gtk_widget_add_css_class (icon, f->severity == TERRA_BUDGET_OVER ? "error" : "warning");
          gtk_widget_set_valign (icon, GTK_ALIGN_START);
          label = gtk_label_new (f->message);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_set_hexpand (label, TRUE);
          gtk_box_append (GTK_BOX (row), icon);
          gtk_box_append (GTK_BOX (row), label);
          gtk_box_append (GTK_BOX (self->findings_box), row);
          gtk_widget_set_visible (self->findings_box, TRUE);
        }
      if (self->over)
        g_string_append (warning, _("This machine is over what the host can give. "
                                    "“Create Anyway” creates and starts it regardless."));
    }
  gtk_button_set_label (GTK_BUTTON (self->create_button), self->over ? _("Create _Anyway") : _("C_reate"));
  if (self->over)
    {
      gtk_widget_remove_css_class (self->create_button, "suggested-action");
      gtk_widget_add_css_class (self->create_button, "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (self->create_button, "destructive-action");
      gtk_widget_add_css_class (self->create_button, "suggested-action");
    }
  gtk_label_set_text (GTK_LABEL (self->warning_label), warning->str);
  gtk_widget_set_visible (self->warning_label, warning->len > 0);
}

/* The OS and file rows for a disk image to import. */
static void
fill_import_rows (TerraWizard *self)
{
  g_autofree char *basename = g_path_get_basename (self->import_path);
  g_autofree char *size = g_format_size_full (self->import_info->virtual_size, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *sub = NULL;

  if (self->import_os != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row),
                                     osinfo_product_get_name (OSINFO_PRODUCT (self->import_os)));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row), _("Chosen by you"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), _("Which system is on this disk?"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row),
                                   _("Choose it for the right devices and resources; generic settings until then"));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), basename);
  /* TRANSLATORS: e.g. "vmdk disk image of 20.0 GiB, copied into the images folder (the original is not changed)" */
  sub = g_strdup_printf (_("%s disk image of %s, copied into the images folder (the original is not changed)"),
                         self->import_info->format, size);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->file_row), sub);
}

static void
fill_review (TerraWizard *self)
{
  TerraMachineSpec *spec = self->suggested;
  TerraMediaInfo *media = self->media;
  TerraResources rec = { 0 };
  TerraResources min = { 0 };
  g_autofree char *mem_sub = NULL;
  OsinfoOs *os = NULL;

  if (media == NULL)
    fill_import_rows (self);
  else if (terra_media_info_get_identified (media))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), terra_media_info_get_os_name (media));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row),
                                   terra_media_info_get_chosen (media) ? _("Chosen by you")
                                   : terra_media_info_get_live (media) ? _("Live image, identified by libosinfo")
                                                                       : _("Installer, identified by libosinfo"));
    }
  else
    {
      const char *family = terra_media_info_get_family (media);
      const char *guess = terra_media_info_get_guess_name (media);
      OsinfoOs *nearest = terra_media_info_get_nearest_os (media);
      g_autofree char *title = NULL;
      g_autofree char *sub = NULL;

      if (guess != NULL)
        {
          /* TRANSLATORS: %s is an OS release guessed from the disc, e.g. "Debian 12" */
          title = g_strdup_printf (_("Detected: probably %s"), guess);
          sub = nearest != NULL
                ? g_strdup_printf (_("Not in the OS database (from 2022); settings of %s, the nearest it knows"),
                                   osinfo_product_get_name (OSINFO_PRODUCT (nearest)))
                : g_strdup (_("Not in the OS database (from 2022); generic settings are used"));
        }
      else if (family != NULL)
        /* TRANSLATORS: %s is an OS family such as "linux" or "winnt" */
        sub = g_strdup_printf (_("Probably %s (not in the OS database); generic settings are used"), family);
      else if (terra_media_info_get_chosen (media))
        sub = g_strdup (_("Chosen by you: generic settings are used"));
      else
        sub = g_strdup (_("Not in the OS database; generic settings are used"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->os_row), title ? title : _("Unknown OS"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row), sub);
    }
  if (media != NULL)
    {
      g_autofree char *basename = g_path_get_basename (terra_media_info_get_path (media));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), basename);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->file_row), terra_media_info_get_path (media));
      os = terra_media_info_get_os (media) ? terra_media_info_get_os (media) : terra_media_info_get_nearest_os (media);
    }

  gtk_widget_set_visible (self->accel_row, self->have_host && self->host_accel == TERRA_ACCEL_TCG);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), spec->name);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->memory_spin), (double)spec->memory_mib);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->vcpus_spin), spec->vcpus);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->disk_spin), (double)spec->disk_gib);

  if (media != NULL)
    terra_media_info_get_recommended (media, &rec);
  else if (self->import_os != NULL)
    terra_os_db_get_resources (self->import_os, "x86_64", &rec, &min);
  get_minimum (self, &min);
  {
    g_autoptr(GString) sub = g_string_new (NULL);

    if (min.memory_mib > 0)
      g_string_append_printf (sub, _("Minimum %" G_GUINT64_FORMAT " MiB"), min.memory_mib);
    if (rec.memory_mib > 0)
      {
        if (sub->len > 0)
          g_string_append (sub, " · ");
        g_string_append_printf (sub, _("recommended %" G_GUINT64_FORMAT " MiB"), rec.memory_mib);
      }
    if (self->have_host)
      {
        guint64 warn_mib, over_mib;
        guint64 left = terra_budget_snapshot_memory_left_mib (self->budget, self->host_memory_mib, self->reserve_mib);

        terra_budget_memory_zone (self->host_memory_mib, &warn_mib, &over_mib);
        if (sub->len > 0)
          g_string_append (sub, "\n");
        /* Translators: the budget zones of the memory field */
        g_string_append_printf (sub, _("%" G_GUINT64_FORMAT " MiB left for running VMs · warning above %"
                                       G_GUINT64_FORMAT " MiB · over above %" G_GUINT64_FORMAT " MiB"),
                                left, warn_mib, over_mib);
      }
    mem_sub = g_string_free (g_steal_pointer (&sub), FALSE);
  }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->memory_row), mem_sub);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->memory_row), 3);
  if (self->have_host)
    {
      g_autofree char *cpu_sub = g_strdup_printf (ngettext ("Host has %u CPU thread", "Host has %u CPU threads",
                                                            self->host_cpus), self->host_cpus);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->vcpus_row), cpu_sub);
    }
  {
    g_autofree char *disk_sub = NULL;
    if (min.disk_gib > 0)
      disk_sub = g_strdup_printf (_("Grows as the guest writes (qcow2) · minimum %" G_GUINT64_FORMAT " GiB"), min.disk_gib);
    else
      disk_sub = g_strdup (_("Grows as the guest writes (qcow2)"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->disk_row), disk_sub);
  }

  /* Firmware: what the OS needs (libosinfo), changeable. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->firmware_row),
                              spec->secure_boot ? 2 : spec->uefi ? 1 : 0);
  gtk_switch_set_active (GTK_SWITCH (self->tpm_switch), spec->tpm);

  /* Express install: when libosinfo has a script for the OS. */
  gtk_widget_set_visible (self->express_group, media != NULL && terra_express_supported (os));
  if (media != NULL && os != NULL && terra_express_supported (os))
    {
      g_autoptr(TerraExpressConfig) defaults = terra_express_config_new_for_host (spec->name);
      g_autofree char *sub = NULL;
      g_autoptr(OsinfoInstallScript) script = terra_express_find_script (os, NULL);

      /* TRANSLATORS: %s is an OS name; the second sentence appears when the install needs the Internet */
      sub = g_strdup_printf (_("Installs %s without questions, with these answers; language, keyboard and time zone are this computer’s.%s"),
                             spec->os_name ? spec->os_name : osinfo_product_get_name (OSINFO_PRODUCT (os)),
                             script != NULL && osinfo_install_script_get_needs_internet (script)
                             ? _(" It downloads packages from the Internet.") : "");
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->express_row), sub);
      if (*gtk_editable_get_text (GTK_EDITABLE (self->user_row)) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->user_row), defaults->user_login);
      gtk_editable_set_text (GTK_EDITABLE (self->hostname_row), defaults->hostname);
      /* Windows asks for a product key; it may be left empty (Windows then
       * installs unactivated or asks itself). */
      gtk_widget_set_visible (self->product_key_row, g_strcmp0 (osinfo_os_get_family (os), "winnt") == 0);
    }

  gtk_widget_set_visible (self->error_label, FALSE);
  update_checks (self);
}

static void show_suggestion (TerraWizard *self);

/* The user's choice of OS: the suggestion starts again from it. */
static void
on_os_chosen (TerraWizard *self,
              OsinfoOs    *os)
{
  if (self->media != NULL)
    terra_media_info_choose_os (self->media, os);
  else if (self->import_info != NULL)
    g_set_object (&self->import_os, os);
  else
    return;
  show_suggestion (self);
}

static void
choose_os (TerraWizard *self)
{
  TerraOsChooser *chooser = terra_os_chooser_new (GTK_WINDOW (self));

  g_signal_connect_object (chooser, "chosen", G_CALLBACK (on_os_chosen), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (chooser));
}

static void
show_suggestion (TerraWizard *self)
{
  TerraHostInfo host = {
    .memory_total_mib = self->host_memory_mib,
    .cpus = self->host_cpus,
    .accel = self->host_accel,
  };

  g_clear_pointer (&self->suggested, terra_machine_spec_free);
  if (self->media != NULL)
    self->suggested = terra_vm_creator_suggest_spec (self->media, self->have_host ? &host : NULL,
                                                     (const char * const *)self->taken_names);
  else
    self->suggested = terra_vm_creator_suggest_import_spec (self->import_path, self->import_info, self->import_os,
                                                            self->have_host ? &host : NULL,
                                                            (const char * const *)self->taken_names);
  if (self->budget != NULL)
    {
      /* Defaults that know the other VMs: no more than what is left in the
       * budget, but not below the OS minimum (a finding says so instead). */
      TerraResources min = { 0 };
      guint64 left = terra_budget_snapshot_memory_left_mib (self->budget, self->host_memory_mib, self->reserve_mib);

      get_minimum (self, &min);
      left -= left % 256;
      if (self->suggested->memory_mib > left)
        self->suggested->memory_mib = MAX (left, MAX (min.memory_mib, (guint64)256));
      /* Under TCG more than 2 vCPUs help little (rule tcg-vcpus). */
      if (self->host_accel == TERRA_ACCEL_TCG && self->suggested->vcpus > 2)
        self->suggested->vcpus = 2;
    }

  fill_review (self);
  set_page (self, "review");
}

static void
on_budget (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TerraWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  TerraBudgetSnapshot *snap = terra_budget_snapshot_query_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (snap != NULL)
    {
      g_clear_pointer (&self->budget, terra_budget_snapshot_free);
      self->budget = snap;
      self->have_host = TRUE;
      self->host_memory_mib = snap->host.memory_total_mib;
      self->host_cpus = snap->host.cpus;
      self->host_accel = snap->host.accel;
    }
  if ((self->media != NULL || self->import_info != NULL) && self->suggested == NULL)
    show_suggestion (self);
  else if (self->suggested != NULL && snap != NULL)
    fill_review (self);
}

static void
on_detected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TerraWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMediaInfo) media = terra_media_info_detect_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (media == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->source_error_label), error->message);
      gtk_widget_set_visible (self->source_error_label, TRUE);
      set_page (self, "source");
      return;
    }

  g_clear_pointer (&self->suggested, terra_machine_spec_free);
  g_set_object (&self->media, media);
  g_clear_pointer (&self->import_path, g_free);
  g_clear_pointer (&self->import_info, terra_disk_image_info_free);
  g_clear_object (&self->import_os);
  if (self->budget != NULL)
    show_suggestion (self);
  else
    /* The connection may not have been up when the wizard opened: ask again
     * now, and show the review once the host is known (or known unknowable). */
    terra_budget_snapshot_query_async (self->connection, self->cancellable, on_budget, g_object_ref (self));
}

/* A disk image to import: checked in a worker (qemu-img, every file it
 * reads inside its folder). */
static void
inspect_worker (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  TerraDiskImageInfo *info = NULL;
  GError *error = NULL;

  if (!terra_disk_image_check_confined (path, dir, &info, cancellable, &error))
    g_task_return_error (task, error);
  else if (!terra_disk_image_format_importable (info->format))
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                               _("This is neither installer media (ISO) nor a disk image Terrarium can import "
                                 "(qcow2, raw, vmdk, vdi, vhdx, vpc); qemu-img says it is “%s”."), info->format);
      terra_disk_image_info_free (info);
    }
  else
    g_task_return_pointer (task, info, (GDestroyNotify)terra_disk_image_info_free);
}

static void
on_inspected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  TerraDiskImageInfo *info = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->source_error_label), error->message);
      gtk_widget_set_visible (self->source_error_label, TRUE);
      set_page (self, "source");
      return;
    }
  g_clear_pointer (&self->suggested, terra_machine_spec_free);
  g_clear_object (&self->media);
  g_clear_object (&self->import_os);
  g_clear_pointer (&self->import_info, terra_disk_image_info_free);
  g_free (self->import_path);
  self->import_path = g_strdup (g_task_get_task_data (G_TASK (result)));
  self->import_info = info;
  if (self->budget != NULL)
    show_suggestion (self);
  else
    terra_budget_snapshot_query_async (self->connection, self->cancellable, on_budget, g_object_ref (self));
}

/* ISO 9660 (terra_iso9660_probe()): installer media; anything else is
 * tried as a disk image to import. A file that cannot be opened goes to
 * detection, which says why. */
static gboolean
is_installer_media (const char *path)
{
  g_autoptr(GError) error = NULL;

  return terra_iso9660_probe (path, NULL, &error) || error != NULL || g_str_has_suffix (path, ".iso");
}

/**
 * terra_wizard_set_file:
 * @self: a #TerraWizard
 * @file: installer media (ISO) or a disk image to import; only local files
 *   can be used
 *
 * Starts detection of @file in a worker (libosinfo for an ISO, qemu-img for
 * a disk image, whose files must all be in its folder) and shows the review
 * page when it is done, or the first page with the error.
 */
void
terra_wizard_set_file (TerraWizard *self,
                       GFile       *file)
{
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (TERRA_IS_WIZARD (self));
  g_return_if_fail (G_IS_FILE (file));

  gtk_widget_set_visible (self->source_error_label, FALSE);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->source_error_label),
                          _("Only local files can be used as installer media. Copy the file to this computer first."));
      gtk_widget_set_visible (self->source_error_label, TRUE);
      set_page (self, "source");
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  label = g_strdup_printf (_("Looking at “%s”…"), path);
  gtk_label_set_text (GTK_LABEL (self->busy_label), label);
  gtk_label_set_text (GTK_LABEL (self->busy_step), "");
  gtk_widget_set_visible (self->busy_progress, FALSE);
  set_page (self, "busy");
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || is_installer_media (path))
    terra_media_info_detect_async (path, self->cancellable, on_detected, g_object_ref (self));
  else
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_inspected, g_object_ref (self));
      g_task_set_task_data (task, g_strdup (path), g_free);
      g_task_run_in_thread (task, inspect_worker);
    }
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     TerraWizard     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        terra_wizard_set_file (self, file);
    }
  g_clear_object (&self->chooser);
}

/* What the file chooser offers (shared-mime-info names, and suffixes for
 * files it does not type): installer discs and the disk images qemu-img
 * converts. */
static const char * const image_mime_types[] = {
  "application/x-cd-image", "application/x-iso9660-image", "application/x-raw-disk-image",
  "application/x-qemu-disk", "application/x-vmdk-disk", "application/x-vdi-disk",
  "application/x-vhd-disk", "application/x-vhdx-disk",
};
static const char * const image_suffixes[] = { "iso", "img", "raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx" };

static void
choose_file (TerraWizard *self)
{
  GtkFileFilter *filter;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose Installer Media or a Disk Image"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Installer media and disk images"));
  for (guint i = 0; i < G_N_ELEMENTS (image_mime_types); i++)
    gtk_file_filter_add_mime_type (filter, image_mime_types[i]);
  for (guint i = 0; i < G_N_ELEMENTS (image_suffixes); i++)
    gtk_file_filter_add_suffix (filter, image_suffixes[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);

  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TerraWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = terra_vm_creator_create_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (uuid == NULL)
    {
      g_autofree char *summary = terra_error_get_summary (error);
      g_autofree char *detail = terra_error_get_detail (error);
      g_autofree char *text = NULL;

      if (detail != NULL && g_strcmp0 (detail, summary) != 0)
        text = g_strdup_printf ("%s\n%s", summary, detail);
      else
        text = g_strdup (summary);
      set_page (self, "review");
      update_checks (self);
      gtk_label_set_text (GTK_LABEL (self->error_label), text);
      gtk_widget_set_visible (self->error_label, TRUE);
      return;
    }

  if (self->media != NULL || self->import_path != NULL)
    {
      /* Offered again under "Recent and Downloaded Media". */
      g_autofree char *uri = g_filename_to_uri (self->media ? terra_media_info_get_path (self->media)
                                                            : self->import_path, NULL, NULL);
      GtkRecentData data = {
        .display_name = NULL,
        .mime_type = (char *)(self->media ? "application/x-cd-image" : "application/octet-stream"),
        .app_name = (char *)g_get_application_name (),
        .app_exec = (char *)"terrarium %u",
        .groups = (char *[]) { (char *)"terrarium-media", NULL },
      };
      if (uri != NULL)
        gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, uuid);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* A step of the creation: its name under the title, a bar when it can
 * tell how far it is. */
static void
on_create_progress (const char *step,
                    double      fraction,
                    gpointer    user_data)
{
  TerraWizard *self = user_data;

  gtk_label_set_text (GTK_LABEL (self->busy_step), step);
  gtk_widget_set_visible (self->busy_progress, fraction >= 0);
  if (fraction >= 0)
    {
      g_autofree char *percent = g_strdup_printf (_("%.0f %%"), fraction * 100);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->busy_progress), fraction);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->busy_progress), percent);
    }
}

static void
create_machine (TerraWizard *self)
{
  g_autoptr(TerraMachineSpec) spec = NULL;
  g_autofree char *label = NULL;

  if (self->suggested == NULL || !gtk_widget_get_sensitive (self->create_button))
    return;
  update_checks (self);
  if (!gtk_widget_get_sensitive (self->create_button))
    return;

  spec = spec_from_fields (self);
  label = g_strdup_printf (_("Creating “%s”…"), spec->name);
  gtk_label_set_text (GTK_LABEL (self->busy_label), label);
  gtk_label_set_text (GTK_LABEL (self->busy_step), "");
  gtk_widget_set_visible (self->busy_progress, FALSE);
  set_page (self, "busy");
  /* The wizard's reference in user_data keeps it alive for the reports. */
  terra_vm_creator_create_async (self->connection, spec, TRUE, on_create_progress, self,
                                 self->cancellable, on_created, g_object_ref (self));
}

static GtkWidget *
spin_row (const char  *title,
          double       min,
          double       max,
          double       step,
          GtkWidget  **spin_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  *spin_out = spin;
  return row;
}

static void
on_recent_row (TerraWizard *self,
               GtkWidget   *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  terra_wizard_set_file (self, file);
}

static void
add_media_row (TerraWizard *self,
               GHashTable  *seen,
               const char  *path,
               const char  *where)
{
  GtkWidget *row;
  g_autofree char *name = NULL;
  g_autofree char *sub = NULL;

  if (g_hash_table_contains (seen, path) || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  g_hash_table_add (seen, g_strdup (path));
  name = g_path_get_basename (path);
  sub = g_strdup_printf ("%s · %s", where, path);
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("media-optical-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (path), g_free);
  g_signal_connect_swapped (row, "activated", G_CALLBACK (on_recent_row), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->recent_group), row);
  gtk_widget_set_visible (self->recent_group, TRUE);
}

/* Media used before (GtkRecentManager, what this app added) and installer
 * discs in the images folder (downloads land there), newest first. */
static void
fill_recent (TerraWizard *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TerraSettings) settings = terra_settings_new ();
  g_autofree char *images = terra_settings_dup_images_dir (settings);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint shown = 0;

  for (GList *l = items; l != NULL && shown < 5; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *path = NULL;

      if (!gtk_recent_info_has_application (info, g_get_application_name ()) &&
          !gtk_recent_info_has_group (info, "terrarium-media"))
        continue;
      path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      if (path != NULL)
        {
          add_media_row (self, seen, path, _("Used recently"));
          shown++;
        }
    }
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);

  dir = g_dir_open (images, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".iso"))
      {
        g_autofree char *path = g_build_filename (images, name, NULL);
        add_media_row (self, seen, path, _("In the images folder"));
      }
}

static void
on_downloaded (TerraWizard *self,
               const char  *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  terra_wizard_set_file (self, file);
}

static void
show_download_page (TerraWizard *self)
{
  if (self->download_page == NULL)
    {
      self->download_page = terra_download_page_new ();
      g_signal_connect_object (self->download_page, "downloaded", G_CALLBACK (on_downloaded), self, G_CONNECT_SWAPPED);
      gtk_stack_add_named (GTK_STACK (self->stack), self->download_page, "download");
    }
  set_page (self, "download");
}

static GtkWidget *
source_row (const char *icon,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static GtkWidget *
build_source_page (TerraWizard *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *errors = adw_preferences_group_new ();
  GtkWidget *row;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Create a Virtual Machine From"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("You can also drop a file on the main window."));
  row = source_row ("document-open-symbolic", _("_Installer or Disk Image File…"),
                    _("An ISO to install from, or a qcow2, raw, vmdk or vdi disk to import"));
  g_signal_connect_swapped (row, "activated", G_CALLBACK (choose_file), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = source_row ("folder-download-symbolic", _("_Download an Operating System…"),
                    _("Releases the OS database has installers for"));
  g_signal_connect_swapped (row, "activated", G_CALLBACK (show_download_page), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  self->recent_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->recent_group), _("Recent and Downloaded Media"));
  gtk_widget_set_visible (self->recent_group, FALSE);

  self->source_error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->source_error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->source_error_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->source_error_label), TRUE);
  gtk_widget_add_css_class (self->source_error_label, "error");
  gtk_widget_set_visible (self->source_error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (errors), self->source_error_label);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (errors));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->recent_group));
  return page;
}

static GtkWidget *
build_busy_page (TerraWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  self->busy_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->busy_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->busy_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (self->busy_label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_margin_start (self->busy_label, 24);
  gtk_widget_set_margin_end (self->busy_label, 24);
  self->busy_step = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->busy_step, "dim-label");
  self->busy_progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->busy_progress), TRUE);
  gtk_widget_set_size_request (self->busy_progress, 320, -1);
  gtk_widget_set_halign (self->busy_progress, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->busy_progress, FALSE);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), self->busy_label);
  gtk_box_append (GTK_BOX (box), self->busy_step);
  gtk_box_append (GTK_BOX (box), self->busy_progress);
  return box;
}

static GtkWidget *
build_review_page (TerraWizard *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *os_group = adw_preferences_group_new ();
  GtkWidget *machine_group = adw_preferences_group_new ();
  GtkWidget *notes_group = adw_preferences_group_new ();
  GtkWidget *devices_group = adw_preferences_group_new ();
  GtkWidget *icon;
  GtkWidget *row;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (os_group), _("Operating System"));
  self->os_row = adw_action_row_new ();
  icon = gtk_image_new_from_icon_name ("computer-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self->os_row), icon);
  row = gtk_button_new_with_mnemonic (_("Ch_oose…"));
  gtk_widget_set_valign (row, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (row, _("Choose the operating system yourself"));
  g_signal_connect_swapped (row, "clicked", G_CALLBACK (choose_os), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->os_row), row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (os_group), self->os_row);

  self->file_row = adw_action_row_new ();
  adw_action_row_add_prefix (ADW_ACTION_ROW (self->file_row), gtk_image_new_from_icon_name ("media-optical-symbolic"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->file_row), 2);
  row = gtk_button_new_with_mnemonic (_("C_hange…"));
  gtk_widget_set_valign (row, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (row, "clicked", G_CALLBACK (choose_file), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->file_row), row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (os_group), self->file_row);

  self->accel_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->accel_row),
                                 _("Emulated: KVM is not available, the guest will be slow"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->accel_row),
                               _("This computer cannot run guests with hardware virtualization, so QEMU emulates the CPU (TCG)."));
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self->accel_row), icon);
  gtk_widget_set_visible (self->accel_row, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (os_group), self->accel_row);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (machine_group), _("Virtual Machine"));
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Name"));
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (update_checks), self);
  g_signal_connect_swapped (self->name_row, "entry-activated", G_CALLBACK (create_machine), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (machine_group), self->name_row);

  self->memory_row = spin_row (_("_Memory (MiB)"), 128, 1024 * 1024, 256, &self->memory_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (machine_group), self->memory_row);
  self->vcpus_row = spin_row (_("_vCPUs"), 1, 255, 1, &self->vcpus_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (machine_group), self->vcpus_row);
  self->disk_row = spin_row (_("_Disk (GiB)"), 1, 64 * 1024, 1, &self->disk_spin);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->disk_row), _("Grows as the guest writes (qcow2)"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (machine_group), self->disk_row);
  {
    GtkStringList *model = gtk_string_list_new ((const char *[]) { _("BIOS"), _("UEFI"), _("UEFI with Secure Boot"), NULL });
    self->firmware_row = adw_combo_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->firmware_row), _("_Firmware"));
    adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->firmware_row), TRUE);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->firmware_row), _("What the OS needs, from the OS database"));
    adw_combo_row_set_model (ADW_COMBO_ROW (self->firmware_row), G_LIST_MODEL (model));
    g_object_unref (model);
    g_signal_connect_swapped (self->firmware_row, "notify::selected", G_CALLBACK (update_checks), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (devices_group), self->firmware_row);
  }
  self->tpm_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tpm_row), _("Emulated _TPM 2.0"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->tpm_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->tpm_row), _("Windows 11 needs one"));
  self->tpm_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->tpm_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->tpm_row), self->tpm_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->tpm_row), self->tpm_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (devices_group), self->tpm_row);

  self->express_group = adw_preferences_group_new ();
  self->express_row = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->express_row), _("_Express Install"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->express_row), TRUE);
  adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (self->express_row), TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self->express_row), FALSE);
  self->user_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->user_row), _("User Name"));
  self->password_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Password (not stored)"));
  self->hostname_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hostname_row), _("Host Name"));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self->express_row), self->user_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self->express_row), self->password_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self->express_row), self->hostname_row);
  self->product_key_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->product_key_row), _("Windows Product Key (optional)"));
  gtk_widget_set_visible (self->product_key_row, FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self->express_row), self->product_key_row);
  g_signal_connect_swapped (self->express_row, "notify::enable-expansion", G_CALLBACK (update_checks), self);
  g_signal_connect_swapped (self->user_row, "changed", G_CALLBACK (update_checks), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (update_checks), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->express_group), self->express_row);
  gtk_widget_set_visible (self->express_group, FALSE);

  g_signal_connect_swapped (self->memory_spin, "value-changed", G_CALLBACK (update_checks), self);
  g_signal_connect_swapped (self->vcpus_spin, "value-changed", G_CALLBACK (update_checks), self);
  g_signal_connect_swapped (self->disk_spin, "value-changed", G_CALLBACK (update_checks), self);

  self->warning_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->warning_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->warning_label), 0);
  gtk_widget_add_css_class (self->warning_label, "warning");
  gtk_widget_set_visible (self->warning_label, FALSE);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  self->findings_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_visible (self->findings_box, FALSE);
  gtk_box_append (GTK_BOX (box), self->findings_box);
  gtk_box_append (GTK_BOX (box), self->warning_label);
  gtk_box_append (GTK_BOX (box), self->error_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (notes_group), box);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (os_group));
  /* The budget's findings right under the resources they are about. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (devices_group), _("Boot and Security"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (machine_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (notes_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (devices_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->express_group));
  return page;
}

static void
on_back (TerraWizard *self)
{
  if (self->download_page != NULL)
    terra_download_page_cancel (TERRA_DOWNLOAD_PAGE (self->download_page));
  gtk_widget_set_visible (self->source_error_label, FALSE);
  set_page (self, "source");
}

static void
terra_wizard_dispose (GObject *object)
{
  TerraWizard *self = TERRA_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (terra_wizard_parent_class)->dispose (object);
}

static void
terra_wizard_finalize (GObject *object)
{
  TerraWizard *self = TERRA_WIZARD (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->media);
  g_clear_pointer (&self->import_path, g_free);
  g_clear_pointer (&self->import_info, terra_disk_image_info_free);
  g_clear_object (&self->import_os);
  g_clear_pointer (&self->suggested, terra_machine_spec_free);
  g_clear_pointer (&self->taken_names, g_strfreev);
  g_clear_pointer (&self->budget, terra_budget_snapshot_free);

  G_OBJECT_CLASS (terra_wizard_parent_class)->finalize (object);
}

static void
terra_wizard_class_init (TerraWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terra_wizard_dispose;
  object_class->finalize = terra_wizard_finalize;

  /**
   * TerraWizard::created:
   * @uuid: the new machine's UUID
   *
   * Emitted once the machine is defined and started.
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
terra_wizard_init (TerraWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new (_("New Virtual Machine"), NULL);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->cancellable = g_cancellable_new ();
  self->budget_warnings = TRUE;

  gtk_window_set_title (GTK_WINDOW (self), _("New Virtual Machine"));
  gtk_window_set_default_size (GTK_WINDOW (self), 580, 760);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);

  self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (self->back_button, _("Choose other media"));
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (on_back), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_button);

  self->create_button = gtk_button_new_with_mnemonic (_("C_reate"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_machine), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->create_button);

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), build_source_page (self), "source");
  gtk_stack_add_named (GTK_STACK (self->stack), build_busy_page (self), "busy");
  gtk_stack_add_named (GTK_STACK (self->stack), build_review_page (self), "review");

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), self->stack);
  adw_window_set_content (ADW_WINDOW (self), box);
  fill_recent (self);
  set_page (self, "source");
}

/**
 * terra_wizard_new:
 * @parent: (nullable): the window the wizard is modal to
 * @connection: the libvirt connection machines are created on
 * @host: (nullable): host facts for the suggestion and warnings; when %NULL
 *   the wizard queries them itself (in a worker)
 * @taken_names: (nullable) (array zero-terminated=1): names already in use
 *
 * Returns: (transfer none): a new, not yet shown, wizard window; it destroys
 *   itself when closed or after creating a machine
 */
TerraWizard *
terra_wizard_new (GtkWindow           *parent,
                  TerraConnection     *connection,
                  const TerraHostInfo *host,
                  const char * const  *taken_names)
{
  TerraWizard *self;

  g_return_val_if_fail (TERRA_IS_CONNECTION (connection), NULL);

  self = g_object_new (TERRA_TYPE_WIZARD,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->connection = g_object_ref (connection);
  self->taken_names = g_strdupv ((char **)taken_names);
  if (host != NULL)
    {
      self->have_host = TRUE;
      self->host_memory_mib = host->memory_total_mib;
      self->host_cpus = host->cpus;
      self->host_accel = host->accel;
    }
  terra_budget_snapshot_query_async (connection, self->cancellable, on_budget, g_object_ref (self));
  return self;
}

/**
 * terra_wizard_set_budget_preferences:
 * @self: a #TerraWizard
 * @reserve_mib: RAM kept for the host (MiB); 0 for the automatic default
 * @warnings: whether to show budget warnings (refusals are always shown)
 */
void
terra_wizard_set_budget_preferences (TerraWizard *self,
                                     guint64      reserve_mib,
                                     gboolean     warnings)
{
  g_return_if_fail (TERRA_IS_WIZARD (self));
  self->reserve_mib = reserve_mib;
  self->budget_warnings = warnings;
  if (self->suggested != NULL)
    update_checks (self);
}
