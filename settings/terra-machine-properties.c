/* terra-machine-properties.c — one virtual machine's properties and snapshots
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three pages. General: name and description (each applied with its row's
 * apply button), OS, acceleration and firmware (shown, fixed after
 * creation). Resources: memory, vCPUs and disk size with the host budget's
 * findings as the values change, applied together with one define
 * (terra_machine_update_sync in a worker). Snapshots: take ("Try Safely"
 * names one for you), revert and delete. The window holds the machine (a
 * model) and follows its properties; every libvirt call runs in a worker.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-budget.h"
#include "terra-error.h"
#include "terra-machine-ops.h"
#include "terra-machine-properties.h"

struct _TerraMachineProperties
{
  AdwPreferencesWindow  parent_instance;

  TerraMachine         *machine;
  TerraSettings        *settings;
  GCancellable         *cancellable;
  TerraBudgetSnapshot  *budget;
  guint64               disk_gib;      /* current size of the first disk, 0 unknown */

  GtkWidget            *name_row;
  GtkWidget            *description_row;
  GtkWidget            *os_row;
  GtkWidget            *created_row;
  GtkWidget            *accel_row;
  GtkWidget            *firmware_row;
  GtkWidget            *autostart_switch;
  GtkWidget            *reset_switch;
  GtkWidget            *network_switch;
  GtkWidget            *sound_switch;
  GtkWidget            *video_row;
  GtkWidget            *share_row;
  GtkWidget            *unshare_button;
  GtkWidget            *disks_group;
  GPtrArray            *disk_rows;
  GtkWidget            *add_disk_spin;
  GtkFileChooserNative *chooser;
  gboolean              syncing;       /* setting switches from the model */
  GtkWidget            *memory_spin;
  GtkWidget            *vcpus_spin;
  GtkWidget            *disk_spin;
  GtkWidget            *findings_label;
  GtkWidget            *apply_button;
  GtkWidget            *next_start_label;
  GtkWidget            *snapshots_group;
  GtkWidget            *snapshot_name_row;
  GPtrArray            *snapshot_rows;
};

G_DEFINE_FINAL_TYPE (TerraMachineProperties, terra_machine_properties, ADW_TYPE_PREFERENCES_WINDOW)

static void refresh_snapshots (TerraMachineProperties *self);

static void
toast (TerraMachineProperties *self,
       const char             *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
toast_error (TerraMachineProperties *self,
             const GError           *error)
{
  g_autofree char *summary = terra_error_get_summary (error);
  AdwToast *t = adw_toast_new (summary);

  adw_toast_set_timeout (t, 8);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

/* --- general ------------------------------------------------------------------ */

static void
update_general (TerraMachineProperties *self)
{
  TerraMachine *m = self->machine;
  const char *os = terra_machine_get_os_name (m);

  gtk_window_set_title (GTK_WINDOW (self), terra_machine_get_name (m));
  if (!gtk_widget_has_focus (self->name_row))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), terra_machine_get_name (m));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row), os ? os : _("Unknown OS"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->accel_row),
                               terra_machine_get_accel (m) == TERRA_ACCEL_KVM
                               ? _("KVM: hardware virtualization")
                               : _("Emulated (TCG): KVM was not available when it was created; it is slow"));
  {
    const char *created = terra_machine_get_created (m);
    g_autoptr(GDateTime) utc = created ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
    g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
    /* Translators: a date and time, see g_date_time_format() */
    g_autofree char *text = local ? g_date_time_format (local, _("%e %B %Y, %H:%M")) : NULL;
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->created_row),
                                 text ? g_strstrip (text) : _("Not known (not created by Terrarium)"));
  }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->firmware_row),
                               terra_machine_get_uefi (m) ? _("UEFI (fixed after creation)")
                                                          : _("BIOS (fixed after creation)"));
  self->syncing = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->autostart_switch), terra_machine_get_autostart (m));
  gtk_switch_set_active (GTK_SWITCH (self->reset_switch), terra_machine_get_reset_on_shutdown (m));
  gtk_switch_set_active (GTK_SWITCH (self->network_switch), terra_machine_get_has_network (m));
  gtk_switch_set_active (GTK_SWITCH (self->sound_switch), terra_machine_get_has_sound (m));
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->video_row),
                              g_strcmp0 (terra_machine_get_video (m), "virtio") == 0 ? 1 : 0);
  {
    const char *shared = terra_machine_get_shared_folder (m);
    g_autofree char *sub = shared != NULL
      ? g_strdup_printf (_("%s — in the guest: mount -t 9p -o trans=virtio,version=9p2000.L terrarium /mnt"), shared)
      : g_strdup (_("None. A host folder the guest can mount (virtio-9p). At the next start."));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->share_row), sub);
    gtk_widget_set_visible (self->unshare_button, shared != NULL);
  }
  self->syncing = FALSE;
}

static gpointer
update_op (TerraMachine  *machine,
           gpointer       data,
           GError       **error)
{
  gboolean later = FALSE;

  if (!terra_machine_update_sync (machine, data, &later, error))
    return NULL;
  terra_machine_refresh_sync (machine, NULL);
  return GINT_TO_POINTER (later ? 2 : 1);
}

typedef struct {
  TerraMachineUpdate update;
  char              *name;
  char              *description;
  char              *cdrom;
  char              *shared_folder;
} UpdateData;

static void refresh_disks (TerraMachineProperties *self);

static void
update_data_free (UpdateData *d)
{
  g_free (d->name);
  g_free (d->cdrom);
  g_free (d->shared_folder);
  g_free (d->description);
  g_free (d);
}

static void
on_updated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer r = terra_machine_op_finish (TERRA_MACHINE (source), result, &error);

  gtk_widget_set_sensitive (self->apply_button, TRUE);
  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      /* The machine is as it was: show its values again. */
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), terra_machine_get_name (self->machine));
      return;
    }
  terra_machine_refresh_async (self->machine, NULL, NULL, NULL);
  refresh_disks (self);
  gtk_widget_set_visible (self->next_start_label, GPOINTER_TO_INT (r) == 2);
  toast (self, GPOINTER_TO_INT (r) == 2 ? _("Saved; memory and vCPUs apply at the next start") : _("Saved"));
}

static void
apply_update (TerraMachineProperties *self,
              UpdateData             *d)
{
  d->update.name = d->name;
  d->update.description = d->description;
  d->update.shared_folder = d->shared_folder;
  d->update.cdrom = d->cdrom;
  terra_machine_op_async (self->machine, update_op, d, (GDestroyNotify)update_data_free, NULL,
                          self->cancellable, on_updated, g_object_ref (self));
}

static void
on_name_apply (TerraMachineProperties *self)
{
  UpdateData *d = g_new0 (UpdateData, 1);

  d->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  apply_update (self, d);
}

static void
on_description_apply (TerraMachineProperties *self)
{
  UpdateData *d = g_new0 (UpdateData, 1);

  d->description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  apply_update (self, d);
}

static void
on_switch_toggled (TerraMachineProperties *self,
                   GParamSpec             *pspec,
                   GtkSwitch              *sw)
{
  UpdateData *d;
  TerraTristate value = gtk_switch_get_active (sw) ? TERRA_ON : TERRA_OFF;

  if (self->syncing)
    return;
  d = g_new0 (UpdateData, 1);
  if (GTK_WIDGET (sw) == self->autostart_switch)
    d->update.autostart = value;
  else if (GTK_WIDGET (sw) == self->network_switch)
    d->update.network = value;
  else if (GTK_WIDGET (sw) == self->sound_switch)
    d->update.sound = value;
  else
    d->update.reset_on_shutdown = value;
  apply_update (self, d);
}

static void
on_video_selected (TerraMachineProperties *self)
{
  UpdateData *d;

  if (self->syncing)
    return;
  d = g_new0 (UpdateData, 1);
  d->update.video = adw_combo_row_get_selected (ADW_COMBO_ROW (self->video_row)) == 1 ? "virtio" : "qxl";
  apply_update (self, d);
}

/* --- resources ---------------------------------------------------------------- */

static void
update_findings (TerraMachineProperties *self)
{
  g_autoptr(TerraBudgetReport) report = NULL;
  g_autofree char *text = NULL;
  TerraProposal p = { 0 };

  if (self->budget == NULL)
    return;
  p.kind = TERRA_PROPOSAL_CHANGE;
  p.name = terra_machine_get_name (self->machine);
  p.memory_mib = (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->memory_spin));
  p.vcpus = (guint)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->vcpus_spin));
  p.will_run = terra_machine_get_is_running (self->machine);
  report = terra_budget_snapshot_evaluate (self->budget, &p, terra_settings_get_host_reserve_mib (self->settings));
  text = terra_budget_report_format (report);
  gtk_label_set_text (GTK_LABEL (self->findings_label), text);
  gtk_widget_set_visible (self->findings_label, *text != '\0');
  gtk_widget_remove_css_class (self->findings_label, "error");
  gtk_widget_remove_css_class (self->findings_label, "warning");
  gtk_widget_add_css_class (self->findings_label, report->verdict == TERRA_BUDGET_OVER ? "error" : "warning");
}

static void
on_apply_resources (TerraMachineProperties *self)
{
  UpdateData *d = g_new0 (UpdateData, 1);
  guint64 memory = (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->memory_spin));
  guint vcpus = (guint)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->vcpus_spin));
  guint64 disk = (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->disk_spin));

  if (memory != terra_machine_get_memory_mib (self->machine))
    d->update.memory_mib = memory;
  if (vcpus != terra_machine_get_vcpus (self->machine))
    d->update.vcpus = vcpus;
  if (self->disk_gib > 0 && disk != self->disk_gib)
    d->update.disk_gib = disk;
  gtk_widget_set_sensitive (self->apply_button, FALSE);
  apply_update (self, d);
}

static void
on_budget (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  TerraBudgetSnapshot *snap = terra_budget_snapshot_query_finish (result, NULL);

  if (snap == NULL)
    return;
  g_clear_pointer (&self->budget, terra_budget_snapshot_free);
  self->budget = snap;
  update_findings (self);
}

static gpointer
disk_size_op (TerraMachine  *machine,
              gpointer       data,
              GError       **error)
{
  guint64 gib = terra_machine_get_disk_gib_sync (machine, error);

  return gib ? g_memdup2 (&gib, sizeof gib) : NULL;
}

static void
on_disk_size (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autofree guint64 *gib = terra_machine_op_finish (TERRA_MACHINE (source), result, NULL);

  if (gib == NULL)
    {
      gtk_widget_set_sensitive (self->disk_spin, FALSE);
      return;
    }
  self->disk_gib = *gib;
  /* Grow only: the lower bound is the current size. */
  gtk_spin_button_set_range (GTK_SPIN_BUTTON (self->disk_spin), (double)*gib, 64 * 1024);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->disk_spin), (double)*gib);
}

/* --- snapshots ---------------------------------------------------------------- */

static gpointer
list_op (TerraMachine  *machine,
         gpointer       data,
         GError       **error)
{
  return terra_machine_list_snapshots_sync (machine, error);
}

typedef struct {
  char *verb; /* "create" | "revert" | "delete" */
  char *name;
} SnapData;

static void
snap_data_free (SnapData *d)
{
  g_free (d->verb);
  g_free (d->name);
  g_free (d);
}

static gpointer
snap_op (TerraMachine  *machine,
         gpointer       data,
         GError       **error)
{
  SnapData *d = data;
  gboolean ok;

  if (g_str_equal (d->verb, "create"))
    ok = terra_machine_create_snapshot_sync (machine, d->name, NULL, error);
  else if (g_str_equal (d->verb, "revert"))
    ok = terra_machine_revert_snapshot_sync (machine, d->name, error);
  else
    ok = terra_machine_delete_snapshot_sync (machine, d->name, error);
  return ok ? GINT_TO_POINTER (1) : NULL;
}

static void
on_snap_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autoptr(GError) error = NULL;

  if (terra_machine_op_finish (TERRA_MACHINE (source), result, &error) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
    }
  else
    toast (self, _("Done"));
  gtk_widget_set_sensitive (self->snapshots_group, TRUE);
  terra_machine_refresh_async (self->machine, NULL, NULL, NULL);
  refresh_snapshots (self);
}

static void
run_snap (TerraMachineProperties *self,
          const char             *verb,
          const char             *name)
{
  SnapData *d = g_new0 (SnapData, 1);

  d->verb = g_strdup (verb);
  d->name = g_strdup (name);
  gtk_widget_set_sensitive (self->snapshots_group, FALSE);
  terra_machine_op_async (self->machine, snap_op, d, (GDestroyNotify)snap_data_free, NULL,
                          self->cancellable, on_snap_done, g_object_ref (self));
}

static void
on_revert_response (AdwMessageDialog       *dialog,
                    const char             *response,
                    TerraMachineProperties *self)
{
  if (g_strcmp0 (response, "revert") == 0)
    run_snap (self, "revert", g_object_get_data (G_OBJECT (dialog), "snapshot"));
}

static void
on_revert_clicked (GtkButton              *button,
                   TerraMachineProperties *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "snapshot");
  g_autofree char *heading = g_strdup_printf (_("Revert to “%s”?"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("The machine goes back to how it was when the snapshot was "
                                                "taken. What changed since is lost, unless you take a "
                                                "snapshot of it first."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "revert", _("_Revert"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revert", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "snapshot", g_strdup (name), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_revert_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_delete_snapshot_clicked (GtkButton              *button,
                            TerraMachineProperties *self)
{
  run_snap (self, "delete", g_object_get_data (G_OBJECT (button), "snapshot"));
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *snapshot)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (b, "flat");
  g_object_set_data_full (G_OBJECT (b), "snapshot", g_strdup (snapshot), g_free);
  return b;
}

static void
on_snapshots (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snaps = terra_machine_op_finish (TERRA_MACHINE (source), result, &error);

  for (guint i = 0; i < self->snapshot_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->snapshots_group), g_ptr_array_index (self->snapshot_rows, i));
  g_ptr_array_set_size (self->snapshot_rows, 0);

  if (snaps == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      return;
    }
  if (snaps->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No snapshots yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Take one before you try something: you can go back to it in one click."));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->snapshots_group), row);
      g_ptr_array_add (self->snapshot_rows, row);
    }
  for (guint i = 0; i < snaps->len; i++)
    {
      TerraSnapshot *sn = g_ptr_array_index (snaps, i);
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (sn->created);
      g_autofree char *when = t ? g_date_time_format (t, "%x %X") : g_strdup ("");
      g_autofree char *sub = NULL;
      const char *state = g_str_equal (sn->state, "running") ? _("taken while running")
                          : g_str_equal (sn->state, "shutoff") ? _("taken while off") : sn->state;
      GtkWidget *b;

      sub = g_strdup_printf ("%s · %s%s%s%s", when, state, sn->current ? _(" · current") : "",
                             sn->description ? " · " : "", sn->description ? sn->description : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sn->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("camera-photo-symbolic"));
      b = row_button ("edit-undo-symbolic", _("Revert to this snapshot"), sn->name);
      g_signal_connect (b, "clicked", G_CALLBACK (on_revert_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
      b = row_button ("user-trash-symbolic", _("Delete this snapshot"), sn->name);
      g_signal_connect (b, "clicked", G_CALLBACK (on_delete_snapshot_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->snapshots_group), row);
      g_ptr_array_add (self->snapshot_rows, row);
    }
}

static void
refresh_snapshots (TerraMachineProperties *self)
{
  terra_machine_op_async (self->machine, list_op, NULL, NULL, (GDestroyNotify)g_ptr_array_unref,
                          self->cancellable, on_snapshots, g_object_ref (self));
}

static void
on_take_snapshot (TerraMachineProperties *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->snapshot_name_row))));

  if (*name == '\0')
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_free (name);
      name = g_date_time_format (now, _("Snapshot %Y-%m-%d %H.%M.%S"));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->snapshot_name_row), "");
  run_snap (self, "create", name);
}

static void
on_try_safely (TerraMachineProperties *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, _("Before trying %Y-%m-%d %H.%M.%S"));

  run_snap (self, "create", name);
}

/* --- storage ------------------------------------------------------------------ */

static gpointer
list_disks_op (TerraMachine  *machine,
               gpointer       data,
               GError       **error)
{
  return terra_machine_list_disks_sync (machine, error);
}

static void
on_cdrom_chosen (GtkNativeDialog        *dialog,
                 int                     response,
                 TerraMachineProperties *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      UpdateData *d = g_new0 (UpdateData, 1);
      d->cdrom = file ? g_file_get_path (file) : NULL;
      if (d->cdrom == NULL)
        {
          update_data_free (d);
          toast (self, _("Only local files can go in the CD/DVD drive."));
        }
      else
        apply_update (self, d);
    }
  g_clear_object (&self->chooser);
}

static void
on_folder_chosen (GtkNativeDialog        *dialog,
                  int                     response,
                  TerraMachineProperties *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      UpdateData *d = g_new0 (UpdateData, 1);
      d->shared_folder = file ? g_file_get_path (file) : NULL;
      if (d->shared_folder == NULL)
        {
          update_data_free (d);
          toast (self, _("Only a local folder can be shared."));
        }
      else
        apply_update (self, d);
    }
  g_clear_object (&self->chooser);
}

static void
on_share_folder (TerraMachineProperties *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Share a Folder With the Guest"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Share"), _("_Cancel"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_unshare_folder (TerraMachineProperties *self)
{
  UpdateData *d = g_new0 (UpdateData, 1);

  d->shared_folder = g_strdup ("");
  apply_update (self, d);
}

static void
on_change_cdrom (TerraMachineProperties *self)
{
  GtkFileFilter *filter;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose a Disc Image"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Insert"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Disc images (ISO)"));
  gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
  gtk_file_filter_add_suffix (filter, "iso");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_cdrom_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_eject (TerraMachineProperties *self)
{
  UpdateData *d = g_new0 (UpdateData, 1);

  d->cdrom = g_strdup ("");
  apply_update (self, d);
}

static void
on_disks (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autoptr(GPtrArray) disks = terra_machine_op_finish (TERRA_MACHINE (source), result, NULL);

  for (guint i = 0; i < self->disk_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->disks_group), g_ptr_array_index (self->disk_rows, i));
  g_ptr_array_set_size (self->disk_rows, 0);
  if (disks == NULL)
    return;
  for (guint i = 0; i < disks->len; i++)
    {
      TerraMachineDisk *d = g_ptr_array_index (disks, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *sub = NULL;

      if (d->cdrom)
        {
          g_autofree char *base = d->path ? g_path_get_basename (d->path) : NULL;
          GtkWidget *b;

          title = g_strdup_printf (_("CD/DVD drive (%s)"), d->target ? d->target : "?");
          sub = base ? g_strdup (base) : g_strdup (_("Empty"));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("media-optical-symbolic"));
          b = gtk_button_new_with_mnemonic (_("C_hange…"));
          gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
          g_signal_connect_swapped (b, "clicked", G_CALLBACK (on_change_cdrom), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
          if (d->path != NULL)
            {
              b = gtk_button_new_with_mnemonic (_("_Eject"));
              gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
              g_signal_connect_swapped (b, "clicked", G_CALLBACK (on_eject), self);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
            }
        }
      else
        {
          title = g_strdup_printf (_("Disk %s: %.1f GiB"), d->target ? d->target : "?", d->virtual_gib);
          sub = g_strdup_printf (_("%.2f GiB used on the host · %s%s"), d->allocation_gib, d->path ? d->path : "",
                                 d->owned ? "" : _(" · not made by Terrarium, kept when the machine is deleted"));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("drive-harddisk-symbolic"));
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->disks_group), row);
      g_ptr_array_add (self->disk_rows, row);
    }
}

static void
refresh_disks (TerraMachineProperties *self)
{
  terra_machine_op_async (self->machine, list_disks_op, NULL, NULL, (GDestroyNotify)g_ptr_array_unref,
                          self->cancellable, on_disks, g_object_ref (self));
}

static gpointer
add_disk_op (TerraMachine  *machine,
             gpointer       data,
             GError       **error)
{
  return terra_machine_add_disk_sync (machine, *(guint64 *)data, error);
}

static void
on_disk_added (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TerraMachineProperties) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = terra_machine_op_finish (TERRA_MACHINE (source), result, &error);

  if (target == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      return;
    }
  toast (self, _("Disk added; the guest sees it as a new, empty disk to partition"));
  refresh_disks (self);
}

static void
on_add_disk (TerraMachineProperties *self)
{
  guint64 gib = (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->add_disk_spin));

  terra_machine_op_async (self->machine, add_disk_op, g_memdup2 (&gib, sizeof gib), g_free, g_free,
                          self->cancellable, on_disk_added, g_object_ref (self));
}

/* --- construction ------------------------------------------------------------- */

static GtkWidget *
info_row (const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static GtkWidget *
spin_row (const char *title,
          const char *subtitle,
          double      min,
          double      max,
          double      step,
          GtkWidget **spin_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  *spin_out = spin;
  return row;
}

static void
build (TerraMachineProperties *self)
{
  GtkWidget *page, *group, *row, *box, *button;

  /* General */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "computer-symbolic");
  group = adw_preferences_group_new ();
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Name"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->name_row), TRUE);
  g_signal_connect_swapped (self->name_row, "apply", G_CALLBACK (on_name_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  self->description_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->description_row), _("Description"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->description_row), TRUE);
  g_signal_connect_swapped (self->description_row, "apply", G_CALLBACK (on_description_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->description_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Running"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Start With My Session"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("libvirt starts it when your user session’s virtualization service starts"));
  self->autostart_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->autostart_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->autostart_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->autostart_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Reset on Shutdown"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Every run is disposable: what the guest writes to its disk is thrown away when it stops"));
  self->reset_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->reset_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->reset_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->reset_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Network (NAT)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Reaches the internet through the host; off isolates it. At the next start."));
  self->network_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->network_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->network_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->network_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Sound"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("An Intel HDA (ICH9) sound card. At the next start."));
  self->sound_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->sound_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->sound_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->sound_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  {
    const char *models[] = { _("QXL (works with every guest)"), _("virtio-gpu (needs the guest’s driver)"), NULL };
    self->video_row = adw_combo_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->video_row), _("Video Card"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->video_row), _("At the next start"));
    adw_combo_row_set_model (ADW_COMBO_ROW (self->video_row), G_LIST_MODEL (gtk_string_list_new (models)));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->video_row);
    g_signal_connect_swapped (self->video_row, "notify::selected", G_CALLBACK (on_video_selected), self);
  }
  {
    GtkWidget *choose = gtk_button_new_with_mnemonic (_("_Choose…"));
    self->share_row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->share_row), _("Shared Folder"));
    adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->share_row), 3);
    self->unshare_button = gtk_button_new_with_mnemonic (_("_Stop Sharing"));
    gtk_widget_set_valign (self->unshare_button, GTK_ALIGN_CENTER);
    gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self->share_row), self->unshare_button);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self->share_row), choose);
    g_signal_connect_swapped (choose, "clicked", G_CALLBACK (on_share_folder), self);
    g_signal_connect_swapped (self->unshare_button, "clicked", G_CALLBACK (on_unshare_folder), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->share_row);
  }
  g_signal_connect_swapped (self->network_switch, "notify::active", G_CALLBACK (on_switch_toggled), self);
  g_signal_connect_swapped (self->sound_switch, "notify::active", G_CALLBACK (on_switch_toggled), self);
  g_signal_connect_swapped (self->autostart_switch, "notify::active", G_CALLBACK (on_switch_toggled), self);
  g_signal_connect_swapped (self->reset_switch, "notify::active", G_CALLBACK (on_switch_toggled), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("System"));
  self->os_row = info_row (_("Operating system"));
  self->created_row = info_row (_("Created"));
  self->accel_row = info_row (_("Acceleration"));
  self->firmware_row = info_row (_("Firmware"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->os_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->accel_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->firmware_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->created_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  /* Resources */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Resources"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Resources"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Memory and vCPUs of a running machine change at its next start. "
                                           "A disk can grow, not shrink; the guest then needs to grow its partition."));
  row = spin_row (_("Memory (MiB)"), NULL, 128, 1024 * 1024, 256, &self->memory_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = spin_row (_("vCPUs"), NULL, 1, 255, 1, &self->vcpus_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = spin_row (_("Disk (GiB)"), _("Grow only"), 1, 64 * 1024, 1, &self->disk_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_signal_connect_swapped (self->memory_spin, "value-changed", G_CALLBACK (update_findings), self);
  g_signal_connect_swapped (self->vcpus_spin, "value-changed", G_CALLBACK (update_findings), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  group = adw_preferences_group_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->findings_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->findings_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->findings_label), 0);
  gtk_widget_set_visible (self->findings_label, FALSE);
  self->next_start_label = gtk_label_new (_("Changes to memory and vCPUs apply at the next start."));
  gtk_widget_add_css_class (self->next_start_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (self->next_start_label), 0);
  gtk_widget_set_visible (self->next_start_label, FALSE);
  self->apply_button = gtk_button_new_with_mnemonic (_("_Apply"));
  gtk_widget_add_css_class (self->apply_button, "suggested-action");
  gtk_widget_add_css_class (self->apply_button, "pill");
  gtk_widget_set_halign (self->apply_button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (on_apply_resources), self);
  gtk_box_append (GTK_BOX (box), self->findings_label);
  gtk_box_append (GTK_BOX (box), self->next_start_label);
  gtk_box_append (GTK_BOX (box), self->apply_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  /* Storage */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Storage"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "drive-harddisk-symbolic");
  self->disks_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->disks_group), _("Drives"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->disks_group),
                                         _("Disks are thin qcow2 images: they use on the host what the guest wrote. "
                                           "Grow the first disk on the Resources page."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->disks_group));
  group = adw_preferences_group_new ();
  row = spin_row (_("Add a Disk (GiB)"), _("A new empty disk in Terrarium’s storage pool"), 1, 64 * 1024, 1,
                  &self->add_disk_spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->add_disk_spin), 10);
  button = gtk_button_new_with_mnemonic (_("_Add"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_add_disk), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  /* Snapshots */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Snapshots"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "camera-photo-symbolic");
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Try Safely"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Take a snapshot, experiment, and revert to it in one click if it goes wrong."));
  self->snapshot_name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->snapshot_name_row), _("New snapshot name (optional)"));
  g_signal_connect_swapped (self->snapshot_name_row, "entry-activated", G_CALLBACK (on_take_snapshot), self);
  button = gtk_button_new_with_mnemonic (_("_Take Snapshot"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_take_snapshot), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->snapshot_name_row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->snapshot_name_row);
  button = gtk_button_new_with_mnemonic (_("Snapshot Now, _Try Safely"));
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_margin_top (button, 12);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_try_safely), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), button);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  self->snapshots_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->snapshots_group), _("Snapshots"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->snapshots_group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

static void
terra_machine_properties_dispose (GObject *object)
{
  TerraMachineProperties *self = TERRA_MACHINE_PROPERTIES (object);

  g_cancellable_cancel (self->cancellable);
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  G_OBJECT_CLASS (terra_machine_properties_parent_class)->dispose (object);
}

static void
terra_machine_properties_finalize (GObject *object)
{
  TerraMachineProperties *self = TERRA_MACHINE_PROPERTIES (object);

  g_clear_object (&self->machine);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->budget, terra_budget_snapshot_free);
  g_clear_pointer (&self->snapshot_rows, g_ptr_array_unref);
  g_clear_pointer (&self->disk_rows, g_ptr_array_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  G_OBJECT_CLASS (terra_machine_properties_parent_class)->finalize (object);
}

static void
terra_machine_properties_class_init (TerraMachinePropertiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = terra_machine_properties_dispose;
  object_class->finalize = terra_machine_properties_finalize;
}

static void
terra_machine_properties_init (TerraMachineProperties *self)
{
  self->cancellable = g_cancellable_new ();
  self->snapshot_rows = g_ptr_array_new ();
  self->disk_rows = g_ptr_array_new ();
}

/**
 * terra_machine_properties_new:
 * @parent: (nullable): the main window
 * @machine: the machine to show and change
 * @settings: the app's settings (host reserve for the budget)
 *
 * Returns: (transfer none): a new properties window, not shown yet
 */
GtkWidget *
terra_machine_properties_new (GtkWindow     *parent,
                              TerraMachine  *machine,
                              TerraSettings *settings)
{
  TerraMachineProperties *self = g_object_new (TERRA_TYPE_MACHINE_PROPERTIES,
                                               "transient-for", parent,
                                               "search-enabled", FALSE,
                                               "default-width", 640,
                                               "default-height", 640,
                                               NULL);
  const char *description;

  self->machine = g_object_ref (machine);
  self->settings = g_object_ref (settings);
  build (self);

  description = terra_machine_get_description (machine);
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), description ? description : "");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->memory_spin), (double)terra_machine_get_memory_mib (machine));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->vcpus_spin), terra_machine_get_vcpus (machine));
  update_general (self);
  g_signal_connect_swapped (machine, "notify", G_CALLBACK (update_general), self);

  terra_budget_snapshot_query_async (terra_machine_get_connection (machine), self->cancellable, on_budget,
                                     g_object_ref (self));
  terra_machine_op_async (machine, disk_size_op, NULL, NULL, g_free, self->cancellable, on_disk_size,
                          g_object_ref (self));
  refresh_snapshots (self);
  refresh_disks (self);
  return GTK_WIDGET (self);
}
