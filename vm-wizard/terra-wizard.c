/* terra-wizard.c — the create-a-VM window: media, review, create
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three steps on one GtkStack: pick installer media (file chooser, or a file
 * handed in by drag and drop or the command line), look at it with libosinfo
 * in a worker (spinner), review the pre-filled machine and create it. Every
 * libvirt and libosinfo call runs in a GTask worker of the core; this file only
 * shows results. A failure returns to the review page with the values kept.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-budget.h"
#include "terra-error.h"
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

  TerraMediaInfo   *media;
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
  gtk_widget_set_visible (self->back_button, review);
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
  return spec;
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

      terra_media_info_get_minimum (self->media, &min);
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

static void
fill_review (TerraWizard *self)
{
  TerraMachineSpec *spec = self->suggested;
  TerraMediaInfo *media = self->media;
  g_autofree char *basename = g_path_get_basename (terra_media_info_get_path (media));
  TerraResources rec = { 0 };
  TerraResources min = { 0 };
  g_autofree char *mem_sub = NULL;

  if (terra_media_info_get_identified (media))
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
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), basename);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->file_row), terra_media_info_get_path (media));

  gtk_widget_set_visible (self->accel_row, self->have_host && self->host_accel == TERRA_ACCEL_TCG);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), spec->name);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->memory_spin), (double)spec->memory_mib);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->vcpus_spin), spec->vcpus);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->disk_spin), (double)spec->disk_gib);

  terra_media_info_get_recommended (media, &rec);
  terra_media_info_get_minimum (media, &min);
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

  gtk_widget_set_visible (self->error_label, FALSE);
  update_checks (self);
}

static void show_suggestion (TerraWizard *self);

/* The user's choice of OS: the suggestion starts again from it. */
static void
on_os_chosen (TerraWizard *self,
              OsinfoOs    *os)
{
  if (self->media == NULL)
    return;
  terra_media_info_choose_os (self->media, os);
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
  self->suggested = terra_vm_creator_suggest_spec (self->media, self->have_host ? &host : NULL,
                                                   (const char * const *)self->taken_names);
  if (self->budget != NULL)
    {
      /* Defaults that know the other VMs: no more than what is left in the
       * budget, but not below the OS minimum (a finding says so instead). */
      TerraResources min = { 0 };
      guint64 left = terra_budget_snapshot_memory_left_mib (self->budget, self->host_memory_mib, self->reserve_mib);

      terra_media_info_get_minimum (self->media, &min);
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
  if (self->media != NULL && self->suggested == NULL)
    show_suggestion (self);
  else if (self->media != NULL && snap != NULL)
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
  if (self->budget != NULL)
    show_suggestion (self);
  else
    /* The connection may not have been up when the wizard opened: ask again
     * now, and show the review once the host is known (or known unknowable). */
    terra_budget_snapshot_query_async (self->connection, self->cancellable, on_budget, g_object_ref (self));
}

/**
 * terra_wizard_set_file:
 * @self: a #TerraWizard
 * @file: installer media; only local files can be used
 *
 * Starts detection of @file (libosinfo, in a worker) and shows the review
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
  set_page (self, "busy");
  terra_media_info_detect_async (path, self->cancellable, on_detected, g_object_ref (self));
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

static void
choose_file (TerraWizard *self)
{
  GtkFileFilter *filter;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose Installer Media"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Disc images (ISO)"));
  gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
  gtk_file_filter_add_mime_type (filter, "application/x-iso9660-image");
  gtk_file_filter_add_suffix (filter, "iso");
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

static GtkWidget *
build_source_page (TerraWizard *self)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose File…"));

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "media-optical-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Choose Installer Media"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Pick the ISO image of the operating system to install. "
                                     "You can also drop an ISO on the main window."));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (choose_file), self);

  self->source_error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->source_error_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->source_error_label), GTK_JUSTIFY_CENTER);
  gtk_label_set_selectable (GTK_LABEL (self->source_error_label), TRUE);
  gtk_widget_add_css_class (self->source_error_label, "error");
  gtk_widget_set_visible (self->source_error_label, FALSE);

  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), self->source_error_label);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), box);
  return status;
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
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (machine_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (notes_group));
  return page;
}

static void
on_back (TerraWizard *self)
{
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
