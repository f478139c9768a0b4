/* terra-application.c — the Terrarium GUI application
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the long-lived models: settings, the libvirt connection (opened
 * asynchronously at startup, reopened by the connection itself when the
 * daemon comes back) and the machine store. Windows hold references to them;
 * the models know nothing of windows.
 *
 * Command line (handled in the primary instance, so a second `terrarium
 * --open demo` reuses the running window):
 *   terrarium                 open the window
 *   terrarium --open NAME     show that machine's display, starting it if off
 *   terrarium PATH            open the create flow with PATH as installer media
 *   terrarium LAB             open the lab window for LAB (*.terrarium-lab.yaml)
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-application.h"
#include "terra-connection.h"
#include "terra-machine-ops.h"
#include "terra-machine-store.h"
#include "terra-preferences-window.h"
#include "terra-settings.h"
#include "terra-lab.h"
#include "terra-window.h"

struct _TerraApplication
{
  AdwApplication     parent_instance;

  TerraSettings     *settings;
  TerraConnection   *connection;
  TerraMachineStore *store;
  GPtrArray         *extra_stores;  /* TerraMachineStore of the extra-connections, each a group */
};

G_DEFINE_FINAL_TYPE (TerraApplication, terra_application, ADW_TYPE_APPLICATION)

static const char app_css[] =
  ".terra-banner { background-color: alpha(@warning_bg_color, 0.6); padding: 6px 12px; }\n"
  ".terra-display { background-color: black; }\n"
  ".terra-thumbnail { background-color: black; border-radius: 4px; }\n"
  ".terra-badge { background-color: alpha(@accent_bg_color, 0.15); color: @accent_color; border-radius: 9999px;"
  " padding: 2px 10px; font-size: smaller; font-weight: bold; }\n"
  ".terra-lab-notes { padding: 12px; }\n"
  ".terra-group-header { padding: 10px 12px 6px 12px; background-color: alpha(@accent_bg_color, 0.08); }\n";

static void
on_open_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Failure is shown by the window from the connection's state and last error. */
  if (!terra_connection_open_finish (TERRA_CONNECTION (source), result, &error))
    g_debug ("Opening %s failed: %s", terra_connection_get_uri (TERRA_CONNECTION (source)), error->message);
}

static void
retry_connection (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  TerraApplication *self = user_data;

  if (terra_connection_get_state (self->connection) == TERRA_CONNECTION_DISCONNECTED)
    terra_connection_open_async (self->connection, NULL, on_open_done, NULL);
}

static TerraWindow *
get_window (TerraApplication *self)
{
  GtkWindow *window;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TERRA_IS_WINDOW (l->data))
      return TERRA_WINDOW (l->data);

  window = GTK_WINDOW (terra_window_new (GTK_APPLICATION (self), self->settings, self->store));
  for (guint i = 0; self->extra_stores != NULL && i < self->extra_stores->len; i++)
    terra_window_add_store (TERRA_WINDOW (window), g_ptr_array_index (self->extra_stores, i));
  return TERRA_WINDOW (window);
}

static void
show_about (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  TerraApplication *self = user_data;
  static const char *developers[] = { "The Terrarium authors", NULL };
  GtkWidget *about = adw_about_window_new ();
  g_autofree char *debug_info = NULL;

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Terrarium"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The Terrarium authors"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Create virtual machines, keep them within what your computer can give, "
                                   "and use them in a window."));
  debug_info = g_strdup_printf ("libvirt URI: %s\n", terra_connection_get_uri (self->connection));
  adw_about_window_set_debug_info (ADW_ABOUT_WINDOW (about), debug_info);
  gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (get_window (self)));
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_preferences (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  TerraApplication *self = user_data;
  GtkWidget *prefs = terra_preferences_window_new (GTK_WINDOW (get_window (self)), self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
quit_app (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Close the windows rather than g_application_quit(): a window finishes
   * what it must on close (deletes whose Undo toast is showing) and holds
   * the application until libvirt is done; the application ends when the
   * last window is gone and nothing holds it. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = show_about },
  { .name = "quit", .activate = quit_app },
  { .name = "preferences", .activate = show_preferences },
  { .name = "retry-connection", .activate = retry_connection },
};

/* --- the desktop session ends ---------------------------------------------- */

static void
save_all_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TerraApplication *self = source_object;
  GError *error = NULL;
  GPtrArray *saved = terra_machine_save_all_running_sync (self->connection, cancellable, &error);

  if (saved == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, saved, (GDestroyNotify)g_ptr_array_unref);
}

static void
on_saved_all (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TerraApplication *self = TERRA_APPLICATION (source);
  guint cookie = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = g_task_propagate_pointer (G_TASK (result), &error);

  if (saved == NULL)
    g_warning ("Saving the running virtual machines at logout: %s", error->message);
  else
    g_message ("Saved %u running virtual machine(s) at logout", saved->len);
  gtk_application_uninhibit (GTK_APPLICATION (self), cookie);
  g_application_release (G_APPLICATION (self));
}

/* The session manager asks before the session ends (register-session):
 * with the save-on-logout preference, hold the logout while every running
 * guest is saved (libvirt managed save), so it continues at its next start. */
static void
on_query_end (TerraApplication *self)
{
  g_autoptr(GTask) task = NULL;
  guint cookie;

  if (self->settings == NULL || self->connection == NULL || !terra_settings_get_save_on_logout (self->settings))
    return;
  cookie = gtk_application_inhibit (GTK_APPLICATION (self), gtk_application_get_active_window (GTK_APPLICATION (self)),
                                    GTK_APPLICATION_INHIBIT_LOGOUT, _("Saving the running virtual machines"));
  g_application_hold (G_APPLICATION (self));
  task = g_task_new (self, NULL, on_saved_all, GUINT_TO_POINTER (cookie));
  g_task_run_in_thread (task, save_all_worker);
}

static void
terra_application_startup (GApplication *app)
{
  TerraApplication *self = TERRA_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autofree char *uri = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *back_accels[] = { "<Alt>Left", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (terra_application_parent_class)->startup (app);

  gtk_css_provider_load_from_data (css, app_css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new-machine", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.back", back_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);

  g_signal_connect (app, "query-end", G_CALLBACK (on_query_end), NULL);

  terra_connection_init_libvirt ();
  self->settings = terra_settings_new ();
  if (!terra_settings_get_is_persistent (self->settings))
    g_message ("The GSettings schema %s is not installed; settings will not be kept.", SETTINGS_SCHEMA_ID);
  uri = terra_settings_dup_connection_uri (self->settings);
  self->connection = terra_connection_new (uri);
  self->store = terra_machine_store_new (self->connection);
  terra_connection_open_async (self->connection, NULL, on_open_done, NULL);

  /* More connections, each shown as a group in the collection. */
  self->extra_stores = g_ptr_array_new_with_free_func (g_object_unref);
  {
    g_auto(GStrv) extra = terra_settings_dup_extra_connections (self->settings);
    for (guint i = 0; extra[i] != NULL; i++)
      {
        g_autoptr(TerraConnection) connection = NULL;
        if (g_str_equal (extra[i], uri))
          continue;
        connection = terra_connection_new (extra[i]);
        g_ptr_array_add (self->extra_stores, terra_machine_store_new (connection));
        terra_connection_open_async (connection, NULL, on_open_done, NULL);
      }
  }
}

static void
terra_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TERRA_APPLICATION (app))));
}

static int
terra_application_command_line (GApplication            *app,
                                GApplicationCommandLine *cmdline)
{
  TerraApplication *self = TERRA_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree char *open_name = NULL;
  g_auto(GStrv) files = NULL;
  TerraWindow *window;

  g_variant_dict_lookup (options, "open", "s", &open_name);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &files);

  if (open_name != NULL && files != NULL && files[0] != NULL)
    {
      g_application_command_line_printerr (cmdline, "%s\n",
                                           _("Use either --open NAME or a file to create a machine from, not both."));
      return 2;
    }
  if (files != NULL && files[0] != NULL && files[1] != NULL)
    {
      g_application_command_line_printerr (cmdline, "%s\n", _("Give one installer file at a time."));
      return 2;
    }

  window = get_window (self);
  gtk_window_present (GTK_WINDOW (window));

  if (open_name != NULL)
    terra_window_open_machine (window, open_name);
  else if (files != NULL && files[0] != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, files[0]);
      g_autofree char *name = g_file_get_basename (file);
      if (name != NULL && g_str_has_suffix (name, TERRA_LAB_SUFFIX))
        terra_window_open_lab (window, file);
      else
        terra_window_create_machine (window, file);
    }
  return 0;
}

static int
terra_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("terrarium %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
terra_application_shutdown (GApplication *app)
{
  TerraApplication *self = TERRA_APPLICATION (app);

  G_APPLICATION_CLASS (terra_application_parent_class)->shutdown (app);

  g_clear_object (&self->store);
  g_clear_pointer (&self->extra_stores, g_ptr_array_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);
}

static void
terra_application_class_init (TerraApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = terra_application_startup;
  app_class->activate = terra_application_activate;
  app_class->command_line = terra_application_command_line;
  app_class->handle_local_options = terra_application_handle_local_options;
  app_class->shutdown = terra_application_shutdown;
}

static void
terra_application_init (TerraApplication *self)
{
  static const GOptionEntry entries[] = {
    { "open", 'o', 0, G_OPTION_ARG_STRING, NULL, N_("Show the display of virtual machine NAME (or UUID), starting it if it is off"), N_("NAME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[INSTALLER.iso | DISK-IMAGE | LAB.terrarium-lab.yaml]") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[INSTALLER.iso | DISK-IMAGE | LAB.terrarium-lab.yaml]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Create and run virtual machines. With a file, opens the create flow for it."));
}

/**
 * terra_application_new:
 *
 * Returns: (transfer full): the application, id %APP_ID, handling its
 *   command line in the primary instance
 */
TerraApplication *
terra_application_new (void)
{
  return g_object_new (TERRA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       /* to hear "query-end" from the session manager (save-on-logout) */
                       "register-session", TRUE,
                       "resource-base-path", "/io/github/terrarium/Terrarium",
                       NULL);
}
