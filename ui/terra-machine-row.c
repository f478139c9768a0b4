/* terra-machine-row.c — one virtual machine in the collection
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-machine-row.h"

struct _TerraMachineRow
{
  AdwActionRow  parent_instance;

  TerraMachine *machine;
  GtkWidget    *start_button;
  GtkWidget    *open_button;
  GtkWidget    *state_icon;
  GtkWidget *badge;
  GtkWidget *thumbnail;
};

G_DEFINE_FINAL_TYPE (TerraMachineRow, terra_machine_row, ADW_TYPE_ACTION_ROW)

static void
update (TerraMachineRow *self)
{
  TerraMachine *m = self->machine;
  const char *os = terra_machine_get_os_name (m);
  g_autofree char *memory = g_strdup_printf (_("%" G_GUINT64_FORMAT " MiB"), terra_machine_get_memory_mib (m));
  g_autofree char *subtitle = NULL;
  g_autofree char *vcpus = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u vCPU", "%u vCPUs",
                                                         terra_machine_get_vcpus (m)),
                                            terra_machine_get_vcpus (m));

  /* Translators: OS name · state · memory · vCPUs, e.g. "Debian 11 · Running · 2048 MiB · 2 vCPUs" */
  subtitle = g_strdup_printf (_("%s · %s · %s · %s"), os ? os : _("Unknown OS"),
                              terra_machine_state_to_label (terra_machine_get_state (m)), memory, vcpus);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), terra_machine_get_name (m));
  if (terra_machine_get_accel (m) == TERRA_ACCEL_TCG)
    {
      /* Translators: appended to the row subtitle of a machine that runs under TCG */
      g_autofree char *with_accel = g_strdup_printf (_("%s · Emulated (no KVM)"), subtitle);
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_accel);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  gtk_widget_set_visible (self->start_button, terra_machine_get_can_start (m));
  gtk_widget_set_visible (self->open_button, terra_machine_get_is_running (m));
  if (!terra_machine_get_is_running (m) && terra_machine_get_state (m) != TERRA_MACHINE_STATE_PAUSED)
    terra_machine_row_set_thumbnail (self, NULL);
  gtk_widget_set_visible (self->state_icon, !gtk_widget_get_visible (self->thumbnail));
  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon),
                                terra_machine_get_is_running (m) ? "media-playback-start-symbolic"
                                                                 : "computer-symbolic");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.shutdown", terra_machine_get_can_stop (m));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.force-off", terra_machine_get_can_stop (m));
  {
    TerraMachineState st = terra_machine_get_state (m);
    gboolean off = terra_machine_get_can_start (m);
    gboolean running = st == TERRA_MACHINE_STATE_RUNNING;

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.start-disposable", off && !terra_machine_get_saved (m));
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.pause", running);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.resume", st == TERRA_MACHINE_STATE_PAUSED);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.reboot", running);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.save", (running || st == TERRA_MACHINE_STATE_PAUSED) &&
                                                                  !terra_machine_get_disposable (m));
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.clone", off);
  }
  /* Badges: a disposable run, or a saved state that the next start restores. */
  if (terra_machine_get_disposable (m))
    {
      gtk_label_set_text (GTK_LABEL (self->badge), _("Disposable"));
      gtk_widget_set_tooltip_text (self->badge, _("Changes to the disk are thrown away when this run stops"));
      gtk_widget_set_visible (self->badge, TRUE);
    }
  else if (terra_machine_get_saved (m))
    {
      gtk_label_set_text (GTK_LABEL (self->badge), _("Saved"));
      gtk_widget_set_tooltip_text (self->badge, _("Its state was saved; starting it continues where it was"));
      gtk_widget_set_visible (self->badge, TRUE);
    }
  else
    gtk_widget_set_visible (self->badge, FALSE);
}

static void
forward (TerraMachineRow *self,
         const char      *win_action)
{
  g_autofree char *key = terra_machine_dup_key (self->machine);

  /* The key, not the UUID: the same domain may be shown under two connections. */
  gtk_widget_activate_action (GTK_WIDGET (self), win_action, "s", key);
}

static void row_start (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-start"); }
static void row_open (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-open"); }
static void row_shutdown (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-shutdown"); }
static void row_force_off (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-force-off"); }
static void row_delete (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-delete"); }
static void row_start_disposable (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-start-disposable"); }
static void row_pause (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-pause"); }
static void row_resume (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-resume"); }
static void row_reboot (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-reboot"); }
static void row_save (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-save"); }
static void row_clone (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-clone"); }
static void row_properties (GtkWidget *w, const char *a, GVariant *p) { forward (TERRA_MACHINE_ROW (w), "win.machine-properties"); }

static void
terra_machine_row_dispose (GObject *object)
{
  TerraMachineRow *self = TERRA_MACHINE_ROW (object);

  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  g_clear_object (&self->machine);
  G_OBJECT_CLASS (terra_machine_row_parent_class)->dispose (object);
}

static void
terra_machine_row_class_init (TerraMachineRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = terra_machine_row_dispose;
  gtk_widget_class_install_action (widget_class, "row.start", NULL, row_start);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, row_open);
  gtk_widget_class_install_action (widget_class, "row.shutdown", NULL, row_shutdown);
  gtk_widget_class_install_action (widget_class, "row.force-off", NULL, row_force_off);
  gtk_widget_class_install_action (widget_class, "row.delete", NULL, row_delete);
  gtk_widget_class_install_action (widget_class, "row.start-disposable", NULL, row_start_disposable);
  gtk_widget_class_install_action (widget_class, "row.pause", NULL, row_pause);
  gtk_widget_class_install_action (widget_class, "row.resume", NULL, row_resume);
  gtk_widget_class_install_action (widget_class, "row.reboot", NULL, row_reboot);
  gtk_widget_class_install_action (widget_class, "row.save", NULL, row_save);
  gtk_widget_class_install_action (widget_class, "row.clone", NULL, row_clone);
  gtk_widget_class_install_action (widget_class, "row.properties", NULL, row_properties);
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

static void
terra_machine_row_init (TerraMachineRow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *menu_button;

  self->state_icon = gtk_image_new ();
  gtk_widget_add_css_class (self->state_icon, "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), self->state_icon);
  /* The guest's screen, small, while it runs (set by the window). */
  self->thumbnail = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->thumbnail), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (self->thumbnail), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (self->thumbnail, 96, 54);
  gtk_widget_set_valign (self->thumbnail, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->thumbnail, "terra-thumbnail");
  gtk_widget_set_visible (self->thumbnail, FALSE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), self->thumbnail);

  self->badge = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->badge, "terra-badge");
  gtk_widget_set_valign (self->badge, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->badge, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->badge);

  self->start_button = icon_button ("media-playback-start-symbolic", _("Start"), "row.start");
  self->open_button = icon_button ("video-display-symbolic", _("Show the screen"), "row.open");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->start_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->open_button);

  g_autoptr(GMenu) run = g_menu_new ();
  g_autoptr(GMenu) stop = g_menu_new ();
  g_autoptr(GMenu) manage = g_menu_new ();

  g_menu_append (run, _("Run _Disposable Copy"), "row.start-disposable");
  g_menu_append (run, _("_Pause"), "row.pause");
  g_menu_append (run, _("_Resume"), "row.resume");
  g_menu_append (run, _("Re_start"), "row.reboot");
  g_menu_append (stop, _("Sa_ve State and Stop"), "row.save");
  g_menu_append (stop, _("_Shut Down"), "row.shutdown");
  g_menu_append (stop, _("_Force Off"), "row.force-off");
  g_menu_append (manage, _("_Properties and Snapshots"), "row.properties");
  g_menu_append (manage, _("_Clone…"), "row.clone");
  g_menu_append (manage, _("_Delete"), "row.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (run));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (stop));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage));
  menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (menu_button, _("More actions"));
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), menu_button);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
}

/**
 * terra_machine_row_new:
 * @machine: the machine to show; the row follows its properties
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
terra_machine_row_new (TerraMachine *machine)
{
  TerraMachineRow *self = g_object_new (TERRA_TYPE_MACHINE_ROW, NULL);

  self->machine = g_object_ref (machine);
  g_signal_connect_swapped (machine, "notify", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

/** terra_machine_row_get_machine: Returns: (transfer none): the row's machine */
TerraMachine *
terra_machine_row_get_machine (TerraMachineRow *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE_ROW (self), NULL);
  return self->machine;
}

/**
 * terra_machine_row_set_thumbnail:
 * @self: a #TerraMachineRow
 * @paintable: (nullable): the guest's screen, or %NULL for the state icon
 */
void
terra_machine_row_set_thumbnail (TerraMachineRow *self,
                                 GdkPaintable    *paintable)
{
  g_return_if_fail (TERRA_IS_MACHINE_ROW (self));
  gtk_picture_set_paintable (GTK_PICTURE (self->thumbnail), paintable);
  gtk_widget_set_visible (self->thumbnail, paintable != NULL);
  gtk_widget_set_visible (self->state_icon, paintable == NULL);
}
