/* terra-preferences-window.c — the app's preferences
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row is bound to its GSettings key, so changes apply at once (GNOME
 * HIG: no Apply button). Without the installed schema the rows are shown
 * insensitive with a note.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "terra-preferences-window.h"

struct _TerraPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  TerraSettings        *settings;
  GtkWidget            *auto_switch;
  GtkWidget            *reserve_spin;
  GtkWidget            *reserve_row;
  GtkWidget            *images_row;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (TerraPreferencesWindow, terra_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* "Automatic" is the value 0 of host-reserve-mib. */
static void
on_auto_toggled (TerraPreferencesWindow *self)
{
  GSettings *gs = terra_settings_get_gsettings (self->settings);
  gboolean automatic = gtk_switch_get_active (GTK_SWITCH (self->auto_switch));

  gtk_widget_set_sensitive (self->reserve_row, !automatic);
  if (gs == NULL)
    return;
  if (automatic)
    g_settings_set_uint64 (gs, TERRA_SETTINGS_KEY_HOST_RESERVE, 0);
  else if (g_settings_get_uint64 (gs, TERRA_SETTINGS_KEY_HOST_RESERVE) == 0)
    g_settings_set_uint64 (gs, TERRA_SETTINGS_KEY_HOST_RESERVE,
                           (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->reserve_spin)));
}

static void
on_reserve_changed (TerraPreferencesWindow *self)
{
  GSettings *gs = terra_settings_get_gsettings (self->settings);

  if (gs != NULL && !gtk_switch_get_active (GTK_SWITCH (self->auto_switch)))
    g_settings_set_uint64 (gs, TERRA_SETTINGS_KEY_HOST_RESERVE,
                           (guint64)gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->reserve_spin)));
}

static void
update_images_row (TerraPreferencesWindow *self)
{
  g_autofree char *dir = terra_settings_dup_images_dir (self->settings);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->images_row), dir);
}

static void
on_folder_chosen (GtkNativeDialog        *dialog,
                  int                     response,
                  TerraPreferencesWindow *self)
{
  GSettings *gs = terra_settings_get_gsettings (self->settings);

  if (response == GTK_RESPONSE_ACCEPT && gs != NULL)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = dir ? g_file_get_path (dir) : NULL;
      if (path != NULL)
        g_settings_set_string (gs, TERRA_SETTINGS_KEY_IMAGES_DIR, path);
      update_images_row (self);
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder (TerraPreferencesWindow *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Disk Image Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), _("_Cancel"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_uri_apply (AdwEntryRow            *row,
              TerraPreferencesWindow *self)
{
  GSettings *gs = terra_settings_get_gsettings (self->settings);
  g_autofree char *uri = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (gs == NULL)
    return;
  if (strstr (uri, ":///") == NULL && strstr (uri, "://") == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("That is not a libvirt URI, e.g. qemu:///session")));
      return;
    }
  g_settings_set_string (gs, TERRA_SETTINGS_KEY_CONNECTION_URI, uri);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Terrarium connects there the next time it starts")));
}

static void
on_extra_apply (AdwEntryRow            *row,
                TerraPreferencesWindow *self)
{
  GSettings *gs = terra_settings_get_gsettings (self->settings);
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (row)), " ", -1);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) uris = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (b, parts[i]);
  uris = g_strv_builder_end (b);
  if (gs != NULL)
    g_settings_set_strv (gs, TERRA_SETTINGS_KEY_EXTRA_CONNECTIONS, (const char * const *)uris);
}

static void
on_close_action_selected (AdwComboRow            *row,
                          GParamSpec             *pspec,
                          TerraPreferencesWindow *self)
{
  static const char *values[] = { "keep", "pause", "save" };
  GSettings *gs = terra_settings_get_gsettings (self->settings);
  guint i = adw_combo_row_get_selected (row);

  if (gs != NULL && i < G_N_ELEMENTS (values))
    g_settings_set_string (gs, TERRA_SETTINGS_KEY_CLOSE_ACTION, values[i]);
}

static void
terra_preferences_window_finalize (GObject *object)
{
  TerraPreferencesWindow *self = TERRA_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (terra_preferences_window_parent_class)->finalize (object);
}

static void
terra_preferences_window_class_init (TerraPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = terra_preferences_window_finalize;
}

static void
terra_preferences_window_init (TerraPreferencesWindow *self)
{
}

static GtkWidget *
switch_row (const char *title,
            const char *subtitle,
            GtkWidget **switch_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  *switch_out = sw;
  return row;
}

/**
 * terra_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 * @settings: the app's settings
 *
 * Returns: (transfer none): a new preferences window, not shown yet
 */
GtkWidget *
terra_preferences_window_new (GtkWindow     *parent,
                              TerraSettings *settings)
{
  TerraPreferencesWindow *self = g_object_new (TERRA_TYPE_PREFERENCES_WINDOW,
                                               "transient-for", parent,
                                               "modal", TRUE,
                                               "title", _("Preferences"),
                                               "search-enabled", FALSE,
                                               NULL);
  GSettings *gs = terra_settings_get_gsettings (settings);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *warn_switch;
  GtkWidget *thumbs_switch;
  GtkWidget *logout_switch;
  GtkWidget *row;
  guint64 reserve = gs ? g_settings_get_uint64 (gs, TERRA_SETTINGS_KEY_HOST_RESERVE) : 0;

  self->settings = g_object_ref (settings);

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Host Resources"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "computer-symbolic");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Host Budget"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Running virtual machines share this computer’s memory and CPU with "
                                           "everything else on it. Terrarium warns before they would take what the "
                                           "host needs, and asks before going over what it has."));

  row = switch_row (_("Warn About Host Resources"),
                    _("Show warnings when creating or starting a virtual machine. "
                      "Going over what the host has always asks first."),
                    &warn_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = switch_row (_("Automatic Host Reserve"),
                    _("Keep the larger of 2 GiB and 20 % of the host’s memory free of running VMs"),
                    &self->auto_switch);
  gtk_switch_set_active (GTK_SWITCH (self->auto_switch), reserve == 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  self->reserve_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reserve_row), _("Memory Kept for the Host (MiB)"));
  self->reserve_spin = gtk_spin_button_new_with_range (256, 1024 * 1024, 256);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->reserve_spin), reserve > 0 ? (double)reserve : 2048);
  gtk_widget_set_valign (self->reserve_spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reserve_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Memory Kept for the Host (MiB)"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->reserve_row), self->reserve_spin);
  gtk_widget_set_sensitive (self->reserve_row, reserve > 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->reserve_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  {
    GtkWidget *vm_group = adw_preferences_group_new ();
    GtkWidget *uri_row = adw_entry_row_new ();
    GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose…"));
    GtkWidget *combo = adw_combo_row_new ();
    const char *choices[] = { _("Keep it running"), _("Pause it"), _("Save its state and stop"), NULL };
    g_autofree char *uri = terra_settings_dup_connection_uri (settings);
    g_autofree char *close_action = terra_settings_dup_close_action (settings);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (vm_group), _("Virtual Machines"));
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (uri_row), _("libvirt Connection (applies at next start)"));
    gtk_editable_set_text (GTK_EDITABLE (uri_row), uri);
    adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (uri_row), TRUE);
    g_signal_connect (uri_row, "apply", G_CALLBACK (on_uri_apply), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group), uri_row);
    {
      GtkWidget *extra_row = adw_entry_row_new ();
      g_auto(GStrv) extra = terra_settings_dup_extra_connections (settings);
      g_autofree char *joined = g_strjoinv (" ", extra);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (extra_row),
                                     _("More Connections, Shown as Groups (URIs separated by spaces; next start)"));
      gtk_editable_set_text (GTK_EDITABLE (extra_row), joined);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (extra_row), TRUE);
      g_signal_connect (extra_row, "apply", G_CALLBACK (on_extra_apply), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group), extra_row);
    }

    self->images_row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->images_row), _("Disk Image Folder"));
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    g_signal_connect_swapped (button, "clicked", G_CALLBACK (choose_folder), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self->images_row), button);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group), self->images_row);
    update_images_row (self);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Closing the Window"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (combo), _("What happens to the virtual machine on screen"));
    adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (gtk_string_list_new (choices)));
    adw_combo_row_set_selected (ADW_COMBO_ROW (combo), g_str_equal (close_action, "pause") ? 1
                                                       : g_str_equal (close_action, "save") ? 2 : 0);
    g_signal_connect (combo, "notify::selected", G_CALLBACK (on_close_action_selected), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group), combo);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group),
                               switch_row (_("Save Running Machines When I Log Out"),
                                           _("They continue where they were at their next start"), &logout_switch));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group),
                               switch_row (_("Thumbnails"),
                                           _("A small live picture of each running machine’s screen in the list"),
                                           &thumbs_switch));

    {
      GtkWidget *patience = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (5, 600, 5);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (patience), _("Shutdown Patience (seconds)"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (patience),
                                   _("How long a guest gets to shut down before it is offered to, or made to, force off"));
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Shutdown patience in seconds"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (patience), spin);
      if (gs != NULL)
        g_settings_bind (gs, TERRA_SETTINGS_KEY_SHUTDOWN_TIMEOUT, spin, "value", G_SETTINGS_BIND_DEFAULT);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (vm_group), patience);
    }
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (vm_group));
    gtk_widget_set_sensitive (vm_group, gs != NULL);
  }
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  if (gs != NULL)
    {
      g_settings_bind (gs, TERRA_SETTINGS_KEY_BUDGET_WARNINGS, warn_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (gs, TERRA_SETTINGS_KEY_THUMBNAILS, thumbs_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (gs, TERRA_SETTINGS_KEY_SAVE_ON_LOGOUT, logout_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_swapped (self->auto_switch, "notify::active", G_CALLBACK (on_auto_toggled), self);
      g_signal_connect_swapped (self->reserve_spin, "value-changed", G_CALLBACK (on_reserve_changed), self);
    }
  else
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Preferences cannot be saved: the settings schema of this build is "
                                               "not installed."));
      gtk_widget_set_sensitive (group, FALSE);
    }
  return GTK_WIDGET (self);
}
