/* terra-window.c — the main window: collection and guest display
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-display-page.h"
#include "terra-ui-helpers.h"
#include "terra-budget.h"
#include "terra-error.h"
#include "terra-host-bar.h"
#include "terra-host.h"
#include "terra-lab.h"
#include "terra-lab-window.h"
#include "terra-machine-ops.h"
#include "terra-machine-properties.h"
#include "terra-machine-row.h"
#include "terra-window.h"
#include "terra-wizard.h"

struct _TerraWindow
{
  AdwApplicationWindow  parent_instance;

  TerraSettings        *settings;
  TerraMachineStore    *store;
  TerraConnection      *connection;
  TerraHostInfo        *host;
  GCancellable         *cancellable;

  GtkWidget            *toasts;
  GtkWidget            *main_stack;      /* "collection" | "display" */
  GtkWidget            *content_stack;   /* "loading" | "error" | "lost" | "empty" | "list" */
  GtkWidget            *error_page;
  GtkWidget            *lost_page;
  GtkWidget            *list;
  GtkWidget            *tcg_banner;
  GtkWidget            *tcg_label;
  GtkWidget            *host_bar;
  GListStore           *stores;          /* TerraMachineStore: the primary one first, then extra connections */
  GtkFlattenListModel  *all_machines;    /* every store's machines */
  GtkFilterListModel   *visible_machines; /* all machines minus those deleted with Undo pending */
  GtkSortListModel     *grouped_machines; /* …with machines of no lab first, then lab by lab */
  GtkFilter            *not_deleted;
  GHashTable           *pending_deletes;  /* uuid → TerraMachine, until the Undo toast goes */
  TerraBudgetSnapshot  *budget;          /* last snapshot, for the host bar */
  guint                 budget_timer;    /* 2 s refresh while the collection shows */
  guint                 thumbnail_timer; /* 5 s refresh of the running guests' thumbnails */
  gboolean              budget_busy;

  /* The display page. */
  GtkWidget            *display_page;   /* TerraDisplayPage */

  char                 *pending_open;    /* --open before the store loaded */
  guint                 pending_new_source; /* waiting for a just-created machine */
};

G_DEFINE_FINAL_TYPE (TerraWindow, terra_window, ADW_TYPE_APPLICATION_WINDOW)

static void show_machine (TerraWindow *self, TerraMachine *machine);
static TerraMachine *shown_machine (TerraWindow *self);

/* --- errors ---------------------------------------------------------------- */

static void
on_details_response (AdwToast    *toast,
                     TerraWindow *self)
{
  const char *summary = g_object_get_data (G_OBJECT (toast), "summary");
  const char *detail = g_object_get_data (G_OBJECT (toast), "detail");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), summary, detail);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * terra_window_show_error:
 * @self: a #TerraWindow
 * @error: the error; TERRA_ERROR messages are "summary\n\ndetail"
 *
 * Shows the summary in a toast with a "Details" button for the detail.
 */
void
terra_window_show_error (TerraWindow  *self,
                         const GError *error)
{
  g_autofree char *summary = terra_error_get_summary (error);
  g_autofree char *detail = terra_error_get_detail (error);
  AdwToast *toast = adw_toast_new (summary);

  adw_toast_set_timeout (toast, 8);
  if (detail != NULL && *detail != '\0')
    {
      adw_toast_set_button_label (toast, _("Details"));
      g_object_set_data_full (G_OBJECT (toast), "summary", g_strdup (summary), g_free);
      g_object_set_data_full (G_OBJECT (toast), "detail", g_strdup (detail), g_free);
      g_signal_connect (toast, "button-clicked", G_CALLBACK (on_details_response), self);
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), toast);
}

/* --- collection state ------------------------------------------------------ */

static void
update_content (TerraWindow *self)
{
  TerraConnectionState state = terra_connection_get_state (self->connection);
  const char *page = "loading";

  switch (state)
    {
    case TERRA_CONNECTION_CONNECTING:
      page = "loading";
      break;
    case TERRA_CONNECTION_LOST:
      page = "lost";
      break;
    case TERRA_CONNECTION_DISCONNECTED:
      {
        const GError *error = terra_connection_get_last_error (self->connection);
        g_autofree char *detail = error ? terra_error_get_detail (error) : NULL;
        g_autofree char *text = g_strdup_printf (
          _("Terrarium could not reach libvirt at %s. Check that libvirt-daemon and "
            "qemu-system-x86 are installed.\n\n%s"),
          terra_connection_get_uri (self->connection), detail ? detail : "");
        /* AdwStatusPage descriptions are Pango markup: libvirt's text may hold & or <. */
        g_autofree char *escaped = g_markup_escape_text (text, -1);
        adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), escaped);
        page = error != NULL ? "error" : "loading";
      }
      break;
    case TERRA_CONNECTION_CONNECTED:
      if (!terra_machine_store_get_loaded (self->store))
        page = "loading";
      else
        page = (self->visible_machines ? g_list_model_get_n_items (G_LIST_MODEL (self->visible_machines))
                                       : g_list_model_get_n_items (G_LIST_MODEL (self->store))) == 0 ? "empty" : "list";
      break;
    default:
      break;
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), page);
}

static TerraMachine *
find_machine (TerraWindow *self,
              const char  *name_or_uuid)
{
  guint n_stores = g_list_model_get_n_items (G_LIST_MODEL (self->stores));
  const char *newline = strchr (name_or_uuid, '\n');

  /* A key from terra_machine_dup_key(): that connection's machine. */
  if (newline != NULL)
    {
      g_autofree char *uri = g_strndup (name_or_uuid, newline - name_or_uuid);
      for (guint s = 0; s < n_stores; s++)
        {
          g_autoptr(TerraMachineStore) store = g_list_model_get_item (G_LIST_MODEL (self->stores), s);
          if (g_str_equal (terra_connection_get_uri (terra_machine_store_get_connection (store)), uri))
            return terra_machine_store_find (store, newline + 1);
        }
      return NULL;
    }

  /* The primary connection first: names are unique only per connection. */
  for (guint s = 0; s < n_stores; s++)
    {
      g_autoptr(TerraMachineStore) store = g_list_model_get_item (G_LIST_MODEL (self->stores), s);
      TerraMachine *m = terra_machine_store_find (store, name_or_uuid);
      guint n;

      if (m != NULL)
        return m;
      n = g_list_model_get_n_items (G_LIST_MODEL (store));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TerraMachine) item = g_list_model_get_item (G_LIST_MODEL (store), i);
          if (g_strcmp0 (terra_machine_get_uuid (item), name_or_uuid) == 0 ||
              g_strcmp0 (terra_machine_get_name (item), name_or_uuid) == 0)
            return item;
        }
    }
  return NULL;
}

static void
try_pending_open (TerraWindow *self)
{
  TerraMachine *m;
  g_autofree char *name = NULL;

  if (self->pending_open == NULL || !terra_machine_store_get_loaded (self->store))
    return;
  m = find_machine (self, self->pending_open);
  /* A machine the wizard just created reaches the store with libvirt's
   * define event, which can come after the creator's reply: wait for it. */
  if (m == NULL && self->pending_new_source != 0)
    return;
  name = g_steal_pointer (&self->pending_open);
  g_clear_handle_id (&self->pending_new_source, g_source_remove);
  if (m == NULL)
    {
      g_autoptr(GError) error = g_error_new (TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                                             _("There is no virtual machine named “%s”."), name);
      terra_window_show_error (self, error);
      return;
    }
  show_machine (self, m);
}

static gboolean
pending_new_timeout (gpointer data)
{
  TerraWindow *self = data;

  self->pending_new_source = 0;
  try_pending_open (self);
  return G_SOURCE_REMOVE;
}

/* --- host budget bar --------------------------------------------------------- */

static void
on_budget (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TerraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TerraBudgetSnapshot *snap = terra_budget_snapshot_query_finish (result, &error);

  self->budget_busy = FALSE;
  if (snap == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("budget: %s", error->message);
      return;
    }
  g_clear_pointer (&self->budget, terra_budget_snapshot_free);
  self->budget = snap;
  terra_host_bar_set_snapshot (TERRA_HOST_BAR (self->host_bar), snap,
                               terra_settings_get_host_reserve_mib (self->settings));
  gtk_widget_set_visible (self->host_bar, TRUE);
}

static void
refresh_budget (TerraWindow *self)
{
  if (self->budget_busy || terra_connection_get_state (self->connection) != TERRA_CONNECTION_CONNECTED)
    return;
  self->budget_busy = TRUE;
  terra_budget_snapshot_query_async (self->connection, self->cancellable, on_budget, g_object_ref (self));
}

static gboolean
budget_tick (gpointer data)
{
  TerraWindow *self = data;

  /* Live use changes all the time: refresh while the collection is on screen. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "collection") == 0)
    refresh_budget (self);
  return G_SOURCE_CONTINUE;
}

/* --- thumbnails ---------------------------------------------------------------- */

static gpointer
screenshot_op (TerraMachine  *machine,
               gpointer       data,
               GError       **error)
{
  return terra_machine_screenshot_sync (machine, NULL, error);
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraMachineRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = terra_machine_op_finish (TERRA_MACHINE (source), result, &error);
  g_autoptr(GdkTexture) texture = NULL;

  if (bytes == NULL)
    return; /* it stopped in between, or QEMU could not: keep the icon */
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      g_debug ("thumbnail: %s", error->message);
      return;
    }
  if (terra_machine_get_is_running (TERRA_MACHINE (source)) ||
      terra_machine_get_state (TERRA_MACHINE (source)) == TERRA_MACHINE_STATE_PAUSED)
    terra_machine_row_set_thumbnail (row, GDK_PAINTABLE (texture));
}

static void refresh_thumbnails (TerraWindow *self);

/* Thumbnails switched off: the rows show their state icon again. */
static void
on_thumbnails_changed (TerraWindow *self)
{
  GtkListBoxRow *row;

  if (terra_settings_get_thumbnails (self->settings))
    {
      refresh_thumbnails (self);
      return;
    }
  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    terra_machine_row_set_thumbnail (TERRA_MACHINE_ROW (row), NULL);
}

static void
refresh_thumbnails (TerraWindow *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    {
      TerraMachine *m = terra_machine_row_get_machine (TERRA_MACHINE_ROW (row));
      if (terra_machine_get_is_running (m))
        terra_machine_op_async (m, screenshot_op, NULL, NULL, (GDestroyNotify)g_bytes_unref,
                                self->cancellable, on_thumbnail, g_object_ref (row));
    }
}

static gboolean
thumbnail_tick (gpointer data)
{
  TerraWindow *self = data;

  if (!terra_settings_get_thumbnails (self->settings))
    return G_SOURCE_CONTINUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "collection") == 0)
    refresh_thumbnails (self);
  return G_SOURCE_CONTINUE;
}

static void
on_store_changed (TerraWindow *self)
{
  refresh_budget (self);
  update_content (self);
  try_pending_open (self);
}

static void
on_host_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TerraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TerraHostInfo *info = terra_host_info_query_finish (result, &error);

  if (info == NULL)
    {
      g_debug ("host info: %s", error->message);
      return;
    }
  g_clear_pointer (&self->host, terra_host_info_free);
  self->host = info;
  if (info->accel == TERRA_ACCEL_TCG)
    {
      g_autofree char *text = g_strdup_printf (
        _("Hardware acceleration (KVM) is not available, so virtual machines run emulated and "
          "slowly. %s"), info->kvm_problem ? info->kvm_problem : "");
      gtk_label_set_label (GTK_LABEL (self->tcg_label), text);
    }
  gtk_widget_set_visible (self->tcg_banner, info->accel == TERRA_ACCEL_TCG);
}

static void
on_connection_state (TerraWindow *self)
{
  update_content (self);
  if (terra_connection_get_state (self->connection) == TERRA_CONNECTION_CONNECTED)
    {
      terra_host_info_query_async (self->connection, self->cancellable, on_host_info, g_object_ref (self));
      refresh_budget (self);
    }
  else
    gtk_widget_set_visible (self->host_bar, FALSE);
}

/* --- machine actions ------------------------------------------------------- */

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TerraWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!terra_machine_run_action_finish (TERRA_MACHINE (source), result, &error))
    terra_window_show_error (self, error);
}

/* ACPI shutdown is a request the guest may ignore: after the shutdown-timeout
 * preference (60 s), offer Force Off (virt-manager and GNOME Boxes leave the
 * user guessing). */

typedef struct {
  GWeakRef      window;
  TerraMachine *machine;
} ShutdownWatch;

static void
shutdown_watch_free (ShutdownWatch *w)
{
  g_weak_ref_clear (&w->window);
  g_object_unref (w->machine);
  g_free (w);
}

static void
on_force_off_toast (AdwToast     *toast,
                    TerraMachine *machine)
{
  terra_machine_run_action_async (machine, TERRA_MACHINE_ACTION_FORCE_OFF, NULL, NULL, NULL);
}

static gboolean
shutdown_watch_timeout (gpointer data)
{
  ShutdownWatch *w = data;
  g_autoptr(TerraWindow) self = g_weak_ref_get (&w->window);

  if (self != NULL && terra_machine_get_can_stop (w->machine))
    {
      g_autofree char *title = g_strdup_printf (_("“%s” has not shut down after %d seconds; the guest may ignore the power button"),
                                                terra_machine_get_name (w->machine), terra_settings_get_shutdown_timeout_s (self->settings));
      AdwToast *toast = adw_toast_new (title);
      adw_toast_set_button_label (toast, _("_Force Off"));
      adw_toast_set_timeout (toast, 0);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_force_off_toast),
                             g_object_ref (w->machine), (GClosureNotify)(void (*)(void))g_object_unref, 0);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), toast);
    }
  return G_SOURCE_REMOVE;
}

static void
run_action (TerraWindow        *self,
            TerraMachine       *machine,
            TerraMachineAction  action)
{
  terra_machine_run_action_async (machine, action, self->cancellable, on_action_done, g_object_ref (self));
  if (action == TERRA_MACHINE_ACTION_SHUTDOWN)
    {
      ShutdownWatch *w = g_new0 (ShutdownWatch, 1);
      g_weak_ref_init (&w->window, self);
      w->machine = g_object_ref (machine);
      g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, terra_settings_get_shutdown_timeout_s (self->settings),
                                  shutdown_watch_timeout, w,
                                  (GDestroyNotify)shutdown_watch_free);
    }
}

/* --- starting within the budget ---------------------------------------------- */

typedef struct {
  TerraWindow  *self;
  TerraMachine *machine;
} StartData;

static void
start_data_free (StartData *d)
{
  g_object_unref (d->self);
  g_object_unref (d->machine);
  g_free (d);
}

static void
on_start_dialog_response (AdwMessageDialog *dialog,
                          const char       *response,
                          StartData        *d)
{
  if (g_strcmp0 (response, "start") == 0)
    run_action (d->self, d->machine, TERRA_MACHINE_ACTION_START);
}

static char *
biggest_running (const TerraBudgetSnapshot *snap,
                 const char                *except)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean used[64] = { FALSE };

  /* The three running VMs with the most memory, biggest first. */
  for (guint k = 0; k < 3; k++)
    {
      const TerraBudgetMachine *best = NULL;
      guint best_i = 0;
      for (guint i = 0; i < snap->machines->len && i < G_N_ELEMENTS (used); i++)
        {
          const TerraBudgetMachine *m = &g_array_index (snap->machines, TerraBudgetMachine, i);
          if (!m->running || used[i] || g_strcmp0 (m->name, except) == 0)
            continue;
          if (best == NULL || m->memory_mib > best->memory_mib)
            {
              best = m;
              best_i = i;
            }
        }
      if (best == NULL)
        break;
      used[best_i] = TRUE;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("%s (%.1f GiB)"), best->name, best->memory_mib / 1024.0);
    }
  return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

static void
on_start_budget (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StartData *d = user_data;
  TerraWindow *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraBudgetSnapshot) snap = terra_budget_snapshot_query_finish (result, &error);
  g_autoptr(TerraBudgetReport) report = NULL;
  gboolean warnings = terra_settings_get_budget_warnings (self->settings);
  gboolean memory_pressure = FALSE;
  TerraProposal p = { 0 };

  if (snap == NULL)
    {
      /* Without numbers there is nothing to warn about: start as asked. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        run_action (self, d->machine, TERRA_MACHINE_ACTION_START);
      start_data_free (d);
      return;
    }

  p.kind = TERRA_PROPOSAL_START;
  p.name = terra_machine_get_name (d->machine);
  p.memory_mib = terra_machine_get_memory_mib (d->machine);
  p.vcpus = terra_machine_get_vcpus (d->machine);
  p.will_run = TRUE;
  report = terra_budget_snapshot_evaluate (snap, &p, terra_settings_get_host_reserve_mib (self->settings));
  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      if (g_str_equal (f->rule, "running-memory"))
        memory_pressure = TRUE;
    }

  if (report->verdict == TERRA_BUDGET_OVER || (memory_pressure && warnings))
    {
      g_autofree char *findings = terra_budget_report_format (report);
      g_autofree char *biggest = biggest_running (snap, p.name);
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;
      AdwMessageDialog *dialog;

      heading = report->verdict == TERRA_BUDGET_OVER
                ? g_strdup_printf (_("Starting “%s” Would Overload the Host"), p.name)
                : g_strdup_printf (_("Start “%s”?"), p.name);
      if (biggest != NULL)
        body = g_strdup_printf (_("%s\n\nRunning VMs using the most memory: %s."), findings, biggest);
      else
        body = g_strdup (findings);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "start", _("Start _Anyway"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "start",
                                                  report->verdict == TERRA_BUDGET_OVER ? ADW_RESPONSE_DESTRUCTIVE
                                                                                       : ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect_data (dialog, "response", G_CALLBACK (on_start_dialog_response), d,
                             (GClosureNotify)(void (*)(void))start_data_free, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  run_action (self, d->machine, TERRA_MACHINE_ACTION_START);
  if (report->verdict == TERRA_BUDGET_WARNING && warnings)
    {
      g_autofree char *findings = terra_budget_report_format (report);
      AdwToast *toast = adw_toast_new (findings);
      adw_toast_set_timeout (toast, 8);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), toast);
    }
  start_data_free (d);
}

/* Starts @machine after checking the budget: over budget, or past the host
 * reserve, asks first ("Start Anyway"); other warnings start and say why. */
static void
start_machine (TerraWindow  *self,
               TerraMachine *machine)
{
  StartData *d;

  /* The budget is this computer's; a machine of another connection runs
   * on its own host. */
  if (terra_machine_get_connection (machine) != self->connection)
    {
      run_action (self, machine, TERRA_MACHINE_ACTION_START);
      return;
    }
  d = g_new0 (StartData, 1);
  d->self = g_object_ref (self);
  d->machine = g_object_ref (machine);
  terra_budget_snapshot_query_async (self->connection, self->cancellable, on_start_budget, d);
}

static TerraMachine *
machine_from_param (TerraWindow *self,
                    GVariant    *param)
{
  return find_machine (self, g_variant_get_string (param, NULL));
}

static void
machine_start (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  if (m != NULL)
    start_machine (self, m);
}

static void
machine_shutdown (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  if (m != NULL)
    run_action (self, m, TERRA_MACHINE_ACTION_SHUTDOWN);
}

static void
machine_force_off (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  if (m != NULL)
    run_action (self, m, TERRA_MACHINE_ACTION_FORCE_OFF);
}

static void
machine_open (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  if (m != NULL)
    show_machine (self, m);
}

static void
on_held_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GApplication *app = user_data;
  g_autoptr(GError) error = NULL;

  if (!terra_machine_run_action_finish (TERRA_MACHINE (source), result, &error))
    {
      GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (app));
      if (win != NULL && TERRA_IS_WINDOW (win))
        terra_window_show_error (TERRA_WINDOW (win), error);
      else
        g_warning ("%s", error->message);
    }
  g_application_release (app);
}

/* Deletes for real: the Undo toast went, or the window closes. The
 * application is held until libvirt is done, so quitting does not cut it off. */
static void
perform_delete (TerraWindow *self,
                const char  *uuid)
{
  g_autoptr(TerraMachine) m = NULL;
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (!g_hash_table_steal_extended (self->pending_deletes, uuid, NULL, (gpointer *)&m))
    return;
  if (app == NULL)
    app = g_application_get_default ();
  g_application_hold (app);
  terra_machine_run_action_async (m, TERRA_MACHINE_ACTION_DELETE, NULL, on_held_action_done, app);
}

static void
on_delete_toast_dismissed (AdwToast    *toast,
                           TerraWindow *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (toast), "uuid");

  if (self->pending_deletes != NULL)
    perform_delete (self, uuid);
}

static void
on_delete_undo (AdwToast    *toast,
                TerraWindow *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (toast), "uuid");

  /* Nothing was deleted yet: showing it again is all Undo needs. */
  g_hash_table_remove (self->pending_deletes, uuid);
  gtk_filter_changed (self->not_deleted, GTK_FILTER_CHANGE_LESS_STRICT);
}

static gboolean
machine_not_deleted (gpointer item,
                     gpointer user_data)
{
  TerraWindow *self = user_data;
  g_autofree char *key = terra_machine_dup_key (item);
  return !g_hash_table_contains (self->pending_deletes, key);
}

static void
machine_delete (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  g_autofree char *title = NULL;
  g_autofree char *key = NULL;
  AdwToast *toast;

  if (m == NULL)
    return;
  key = terra_machine_dup_key (m);
  if (g_hash_table_contains (self->pending_deletes, key))
    return;
  if (m == shown_machine (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);

  /* The machine goes from the list at once; libvirt deletes it (domain and
   * the disk images Terrarium made, never the installer) when the toast goes
   * without Undo, or when the window closes. */
  g_hash_table_insert (self->pending_deletes, g_strdup (key), g_object_ref (m));
  gtk_filter_changed (self->not_deleted, GTK_FILTER_CHANGE_MORE_STRICT);

  title = g_strdup_printf (_("“%s” deleted"), terra_machine_get_name (m));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 7);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "uuid", g_steal_pointer (&key), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_delete_undo), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), toast);
}

static void
flush_pending_deletes (TerraWindow *self)
{
  g_autofree gpointer *uuids = NULL;
  guint n = 0;

  if (self->pending_deletes == NULL)
    return;
  uuids = g_hash_table_get_keys_as_array (self->pending_deletes, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_strdup (uuids[i]);
      perform_delete (self, uuid);
    }
}

static gboolean
on_close_request (GtkWindow *window)
{
  TerraWindow *self = TERRA_WINDOW (window);
  g_autofree char *close_action = terra_settings_dup_close_action (self->settings);

  flush_pending_deletes (self);
  /* The preference for the machine on screen: keep it running (libvirt keeps
   * it), pause it, or save its state. Held like a delete, so quitting waits. */
  if (shown_machine (self) != NULL && terra_machine_get_is_running (shown_machine (self)) && !g_str_equal (close_action, "keep"))
    {
      GApplication *app = G_APPLICATION (gtk_window_get_application (window));
      TerraMachineAction action = g_str_equal (close_action, "pause") ? TERRA_MACHINE_ACTION_PAUSE
                                                                      : TERRA_MACHINE_ACTION_SAVE;
      if (terra_machine_get_disposable (shown_machine (self)) && action == TERRA_MACHINE_ACTION_SAVE)
        action = TERRA_MACHINE_ACTION_PAUSE;
      g_application_hold (app);
      terra_machine_run_action_async (shown_machine (self), action, NULL, on_held_action_done, app);
    }
  return FALSE;
}

/* --- more machine actions ---------------------------------------------------- */

static void machine_simple_action (GtkWidget *w, GVariant *param, TerraMachineAction action)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  if (m != NULL)
    run_action (self, m, action);
}
static void machine_pause (GtkWidget *w, const char *a, GVariant *p) { machine_simple_action (w, p, TERRA_MACHINE_ACTION_PAUSE); }
static void machine_resume (GtkWidget *w, const char *a, GVariant *p) { machine_simple_action (w, p, TERRA_MACHINE_ACTION_RESUME); }
static void machine_reboot (GtkWidget *w, const char *a, GVariant *p) { machine_simple_action (w, p, TERRA_MACHINE_ACTION_REBOOT); }

static void
machine_save (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);

  if (m == NULL)
    return;
  if (m == shown_machine (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
  run_action (self, m, TERRA_MACHINE_ACTION_SAVE);
}

/* Shows the display once the disposable run is up (showing it before would
 * start the machine normally, as the display page does for a machine that is off). */
static void
on_disposable_started (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TerraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TerraMachine *m = TERRA_MACHINE (source);

  if (!terra_machine_run_action_finish (m, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        terra_window_show_error (self, error);
      return;
    }
  _terra_machine_set_state (m, TERRA_MACHINE_STATE_RUNNING);
  show_machine (self, m);
}

static void
machine_start_disposable (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);

  if (m == NULL)
    return;
  terra_machine_run_action_async (m, TERRA_MACHINE_ACTION_START_DISPOSABLE, self->cancellable,
                                  on_disposable_started, g_object_ref (self));
}

static void
machine_properties (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);

  if (m != NULL)
    gtk_window_present (GTK_WINDOW (terra_machine_properties_new (GTK_WINDOW (self), m, self->settings)));
}

typedef struct {
  GWeakRef  toast;
  char     *name;
  double    fraction;
} CloneProgress;

static gboolean
show_clone_progress (gpointer data)
{
  CloneProgress *p = data;
  g_autoptr(AdwToast) toast = g_weak_ref_get (&p->toast);

  if (toast != NULL)
    {
      /* Translators: %s is the clone's name, %d a percentage */
      g_autofree char *title = g_strdup_printf (_("Copying the disks of “%s”… %d %%"), p->name, (int)(p->fraction * 100));
      adw_toast_set_title (toast, title);
    }
  return G_SOURCE_REMOVE;
}

static void
clone_progress_free (gpointer data)
{
  CloneProgress *p = data;
  g_weak_ref_clear (&p->toast);
  g_free (p->name);
  g_free (p);
}

typedef struct {
  char     *name;
  AdwToast *toast;  /* the progress toast, dismissed when done */
} CloneData;

static void
clone_data_free (gpointer data)
{
  CloneData *d = data;
  g_free (d->name);
  g_clear_object (&d->toast);
  g_free (d);
}

/* From the clone's watcher thread: to the toast, on the main thread. */
static void
on_clone_progress (double   fraction,
                   gpointer user_data)
{
  CloneData *d = user_data;
  CloneProgress *p = g_new0 (CloneProgress, 1);

  g_weak_ref_init (&p->toast, d->toast);
  p->name = g_strdup (d->name);
  p->fraction = fraction;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_clone_progress, p, clone_progress_free);
}

static gpointer
clone_op (TerraMachine  *machine,
          gpointer       data,
          GError       **error)
{
  CloneData *d = data;
  return terra_machine_clone_sync (machine, d->name, on_clone_progress, d, error);
}

static void
on_cloned (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TerraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = terra_machine_op_finish (TERRA_MACHINE (source), result, &error);
  AdwToast *progress = g_object_get_data (G_OBJECT (source), "clone-toast");

  if (progress != NULL)
    adw_toast_dismiss (progress);
  g_object_set_data (G_OBJECT (source), "clone-toast", NULL);
  if (uuid == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        terra_window_show_error (self, error);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (_("Clone created")));
}

static void
on_clone_response (AdwMessageDialog *dialog,
                   const char       *response,
                   TerraWindow      *self)
{
  TerraMachine *m = g_object_get_data (G_OBJECT (dialog), "machine");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  CloneData *d;
  g_autofree char *title = NULL;

  if (g_strcmp0 (response, "clone") != 0 || m == NULL)
    return;
  d = g_new0 (CloneData, 1);
  d->name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  title = g_strdup_printf (_("Copying the disks of “%s”… %d %%"), d->name, 0);
  d->toast = adw_toast_new (title);
  adw_toast_set_timeout (d->toast, 0);  /* until the copy is done */
  g_object_ref (d->toast);
  g_object_set_data_full (G_OBJECT (m), "clone-toast", g_object_ref (d->toast), g_object_unref);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), d->toast);
  terra_machine_op_async (m, clone_op, d, clone_data_free, g_free,
                          self->cancellable, on_cloned, g_object_ref (self));
}

static void
machine_clone (GtkWidget *w, const char *a, GVariant *param)
{
  TerraWindow *self = TERRA_WINDOW (w);
  TerraMachine *m = machine_from_param (self, param);
  g_autofree char *heading = NULL;
  g_autofree char *suggestion = NULL;
  GtkWidget *dialog, *entry;

  if (m == NULL)
    return;
  heading = g_strdup_printf (_("Clone “%s”"), terra_machine_get_name (m));
  /* Translators: the default name of a clone, %s is the original's */
  suggestion = g_strdup_printf (_("%s copy"), terra_machine_get_name (m));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("A full copy with its own disk, UUID and network address."));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), suggestion);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the clone"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "clone", _("C_lone"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clone", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "clone");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "machine", g_object_ref (m), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_clone_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- display page ------------------------------------------------------------ */

static void
show_machine (TerraWindow  *self,
              TerraMachine *machine)
{
  terra_display_page_show (TERRA_DISPLAY_PAGE (self->display_page), machine);
  if (!terra_machine_get_is_running (machine) && terra_machine_get_can_start (machine))
    start_machine (self, machine);
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "display");
}

static TerraMachine *
shown_machine (TerraWindow *self)
{
  return terra_display_page_get_machine (TERRA_DISPLAY_PAGE (self->display_page));
}

static void
win_back (GtkWidget *w, const char *a, GVariant *p)
{
  TerraWindow *self = TERRA_WINDOW (w);

  terra_display_page_close (TERRA_DISPLAY_PAGE (self->display_page));
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "collection");
  update_content (self);
}

static void
win_start_shown (GtkWidget *w, const char *a, GVariant *p)
{
  TerraWindow *self = TERRA_WINDOW (w);

  if (shown_machine (self) != NULL)
    start_machine (self, shown_machine (self));
}

static void
win_shown_action (TerraWindow *self, TerraMachineAction action)
{
  if (shown_machine (self) != NULL)
    run_action (self, shown_machine (self), action);
}
static void win_shutdown_shown (GtkWidget *w, const char *a, GVariant *p) { win_shown_action (TERRA_WINDOW (w), TERRA_MACHINE_ACTION_SHUTDOWN); }
static void win_force_off_shown (GtkWidget *w, const char *a, GVariant *p) { win_shown_action (TERRA_WINDOW (w), TERRA_MACHINE_ACTION_FORCE_OFF); }

static void
on_page_toast (TerraDisplayPage *page,
               AdwToast         *toast,
               TerraWindow      *self)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), g_object_ref (toast));
}

static void
on_page_error (TerraDisplayPage *page,
               const GError     *error,
               TerraWindow      *self)
{
  terra_window_show_error (self, error);
}

/* --- create ---------------------------------------------------------------- */

static void
on_wizard_created (TerraWizard *wizard,
                   const char  *uuid,
                   TerraWindow *self)
{
  g_free (self->pending_open);
  self->pending_open = g_strdup (uuid);
  g_clear_handle_id (&self->pending_new_source, g_source_remove);
  self->pending_new_source = g_timeout_add_seconds (10, pending_new_timeout, self);
  try_pending_open (self);
}

/**
 * terra_window_create_machine:
 * @self: a #TerraWindow
 * @file: (nullable): installer media to start from
 */
void
terra_window_create_machine (TerraWindow *self,
                             GFile       *file)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  TerraWizard *wizard;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TerraMachine) m = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      g_ptr_array_add (names, (gpointer)g_intern_string (terra_machine_get_name (m)));
    }
  g_ptr_array_add (names, NULL);

  wizard = terra_wizard_new (GTK_WINDOW (self), self->connection, self->host,
                             (const char * const *)names->pdata);
  terra_wizard_set_budget_preferences (wizard, terra_settings_get_host_reserve_mib (self->settings),
                                       terra_settings_get_budget_warnings (self->settings));
  g_signal_connect (wizard, "created", G_CALLBACK (on_wizard_created), self);
  gtk_window_present (GTK_WINDOW (wizard));
  if (file != NULL)
    terra_wizard_set_file (wizard, file);
}

static void
win_new_machine (GtkWidget *w, const char *a, GVariant *p)
{
  terra_window_create_machine (TERRA_WINDOW (w), NULL);
}

static gboolean
is_lab_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  return name != NULL && g_str_has_suffix (name, TERRA_LAB_SUFFIX);
}

/**
 * terra_window_open_lab:
 * @self: a #TerraWindow
 * @file: a lab file (`*.terrarium-lab.yaml`)
 *
 * Shows the lab's window (the one already open for that file, or a new one).
 */
void
terra_window_open_lab (TerraWindow *self,
                       GFile       *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *path = g_file_get_path (file);
  TerraLabWindow *lab;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (TERRA_IS_LAB_WINDOW (l->data) && g_strcmp0 (terra_lab_window_get_path (l->data), path) == 0)
      {
        gtk_window_present (l->data);
        return;
      }
  lab = terra_lab_window_new (app, self->settings, self->connection, file);
  gtk_window_present (GTK_WINDOW (lab));
}

static void
on_lab_chosen (GtkNativeDialog *dialog,
               int              response,
               TerraWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        terra_window_open_lab (self, file);
    }
  g_object_unref (dialog);
}

static void
win_open_lab (GtkWidget *w, const char *a, GVariant *p)
{
  TerraWindow *self = TERRA_WINDOW (w);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Open a Lab"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Lab files"));
  gtk_file_filter_add_pattern (filter, "*" TERRA_LAB_SUFFIX);
  gtk_file_filter_add_mime_type (filter, "application/x-terrarium-lab");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_lab_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
machine_open_lab (GtkWidget *w, const char *a, GVariant *p)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (p, NULL));
  terra_window_open_lab (TERRA_WINDOW (w), file);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TerraWindow   *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);
      if (files != NULL && is_lab_file (files->data))
        {
          terra_window_open_lab (self, files->data);
          return TRUE;
        }
      if (files != NULL)
        {
          terra_window_create_machine (self, files->data);
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_extra_connection_state (TerraWindow     *self,
                           GParamSpec      *pspec,
                           TerraConnection *connection)
{
  const GError *error = terra_connection_get_last_error (connection);

  if (terra_connection_get_state (connection) == TERRA_CONNECTION_DISCONNECTED && error != NULL)
    terra_window_show_error (self, error);
}

/**
 * terra_window_add_store:
 * @self: a #TerraWindow
 * @store: the machines of another connection
 *
 * Shows @store's machines too, as a group under its connection's URI.
 */
void
terra_window_add_store (TerraWindow       *self,
                        TerraMachineStore *store)
{
  TerraConnection *connection = terra_machine_store_get_connection (store);

  g_list_store_append (self->stores, store);
  g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_extra_connection_state), self,
                           G_CONNECT_SWAPPED);
  on_extra_connection_state (self, NULL, connection);
  /* Group headers depend on how many connections there are. */
  gtk_list_box_invalidate_headers (GTK_LIST_BOX (self->list));
}

/**
 * terra_window_open_machine:
 * @self: a #TerraWindow
 * @name_or_uuid: a machine's name or UUID
 */
void
terra_window_open_machine (TerraWindow *self,
                           const char  *name_or_uuid)
{
  g_free (self->pending_open);
  self->pending_open = g_strdup (name_or_uuid);
  try_pending_open (self);
}

/* --- building ---------------------------------------------------------------- */

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TerraWindow *self = user_data;

  g_signal_connect_object (item, "notify::state", G_CALLBACK (refresh_budget), self, G_CONNECT_SWAPPED);
  return terra_machine_row_new (TERRA_MACHINE (item));
}

/* Which of the window's connections a machine is on: 0 is the primary. */
static guint
connection_index (TerraWindow  *self,
                  TerraMachine *machine)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->stores));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TerraMachineStore) store = g_list_model_get_item (G_LIST_MODEL (self->stores), i);
      if (terra_machine_store_get_connection (store) == terra_machine_get_connection (machine))
        return i;
    }
  return n;
}

/* Connection by connection (the primary first); in each, machines of no
 * lab first, then lab by lab (the sort is stable: the store's order within
 * a group). */
static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  TerraWindow *self = user_data;
  guint ca = connection_index (self, TERRA_MACHINE ((gpointer)a));
  guint cb = connection_index (self, TERRA_MACHINE ((gpointer)b));
  const char *la = terra_machine_get_lab (TERRA_MACHINE ((gpointer)a));
  const char *lb = terra_machine_get_lab (TERRA_MACHINE ((gpointer)b));

  if (ca != cb)
    return ca < cb ? -1 : 1;
  if (la == NULL || lb == NULL)
    return (la != NULL) - (lb != NULL);
  return g_utf8_collate (la, lb);
}

static GtkWidget *
group_heading (const char *text,
               const char *css_class)
{
  GtkWidget *title = gtk_label_new (text);

  gtk_widget_add_css_class (title, css_class);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (title, TRUE);
  return title;
}

/* With more than one connection, each connection's machines come under
 * its URI; a lab's machines are grouped under the lab's name with a button
 * that opens the lab's window. */
static void
update_group_header (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  TerraWindow *self = user_data;
  TerraMachine *machine = terra_machine_row_get_machine (TERRA_MACHINE_ROW (row));
  TerraMachine *prev_machine = before ? terra_machine_row_get_machine (TERRA_MACHINE_ROW (before)) : NULL;
  const char *lab = terra_machine_get_lab (machine);
  const char *prev = prev_machine ? terra_machine_get_lab (prev_machine) : NULL;
  gboolean several = g_list_model_get_n_items (G_LIST_MODEL (self->stores)) > 1;
  gboolean new_connection = several && (prev_machine == NULL ||
                                        terra_machine_get_connection (prev_machine) != terra_machine_get_connection (machine));
  gboolean new_lab = g_strcmp0 (lab, prev) != 0 || (new_connection && lab != NULL);
  GtkWidget *header, *line, *button;

  if (!new_connection && (!new_lab || (lab == NULL && before == NULL)))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (header, "terra-group-header");
  if (new_connection)
    {
      g_autofree char *uri = terra_connection_uri_describe (terra_connection_get_uri (terra_machine_get_connection (machine)));
      g_autofree char *text = connection_index (self, machine) == 0
                              ? g_strdup_printf (_("This computer — %s"), uri) : g_strdup (uri);
      gtk_box_append (GTK_BOX (header), group_heading (text, "heading"));
    }
  if (lab != NULL || (!new_connection && new_lab))
    {
      g_autofree char *text = lab != NULL ? g_strdup_printf (_("Lab “%s”"), lab) : g_strdup (_("Other Virtual Machines"));
      line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (line), group_heading (text, new_connection ? "caption-heading" : "heading"));
      if (lab != NULL && terra_machine_get_lab_file (machine) != NULL)
        {
          button = gtk_button_new_with_label (_("Open Lab"));
          gtk_widget_add_css_class (button, "flat");
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-lab-file");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", terra_machine_get_lab_file (machine));
          gtk_box_append (GTK_BOX (line), button);
        }
      gtk_box_append (GTK_BOX (header), line);
    }
  gtk_list_box_row_set_header (row, header);
}

static void
on_row_activated (GtkListBox    *box,
                  GtkListBoxRow *row,
                  TerraWindow   *self)
{
  show_machine (self, terra_machine_row_get_machine (TERRA_MACHINE_ROW (row)));
}

static GtkWidget *
build_collection (TerraWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *page, *spinner, *scrolled, *clamp, *loading;

  gtk_widget_set_tooltip_text (add, _("New Virtual Machine (Ctrl+N)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.new-machine");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), add);
  g_menu_append (menu, _("Open _Lab…"), "win.open-lab");
  g_menu_append (menu, _("_Preferences"), "app.preferences");
  g_menu_append (menu, _("_Keyboard Shortcuts"), "win.show-help-overlay");
  g_menu_append (menu, _("_About Terrarium"), "app.about");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_widget_set_tooltip_text (menu_button, _("Main Menu"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  gtk_box_append (GTK_BOX (box), header);

  /* No AdwBanner before libadwaita 1.3: a revealed box does the same job. */
  self->tcg_banner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->tcg_banner, "terra-banner");
  gtk_box_append (GTK_BOX (self->tcg_banner), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  self->tcg_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->tcg_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->tcg_label), 0);
  gtk_widget_set_hexpand (self->tcg_label, TRUE);
  gtk_box_append (GTK_BOX (self->tcg_banner), self->tcg_label);
  gtk_widget_set_visible (self->tcg_banner, FALSE);
  gtk_box_append (GTK_BOX (box), self->tcg_banner);

  self->host_bar = terra_host_bar_new ();
  gtk_widget_set_visible (self->host_bar, FALSE);
  gtk_box_append (GTK_BOX (box), self->host_bar);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->content_stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->content_stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_vexpand (self->content_stack, TRUE);

  loading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_box_append (GTK_BOX (loading), spinner);
  gtk_box_append (GTK_BOX (loading), gtk_label_new (_("Connecting to the virtualization service…")));
  gtk_stack_add_named (GTK_STACK (self->content_stack), loading, "loading");

  self->error_page = terra_status_page ("dialog-error-symbolic", _("Cannot Reach the Virtualization Service"), NULL);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->error_page), terra_pill_button (_("_Try Again"), "app.retry-connection"));
  gtk_stack_add_named (GTK_STACK (self->content_stack), self->error_page, "error");

  self->lost_page = terra_status_page ("network-offline-symbolic", _("Lost Connection to the Virtualization Service"),
                                 _("Your virtual machines keep running. Reconnecting…"));
  gtk_stack_add_named (GTK_STACK (self->content_stack), self->lost_page, "lost");

  page = terra_status_page ("computer-symbolic", _("No Virtual Machines"),
                      _("Create one from an installer image (ISO), or drop an image on this window."));
  adw_status_page_set_child (ADW_STATUS_PAGE (page), terra_pill_button (_("_Create a Virtual Machine"), "win.new-machine"));
  gtk_stack_add_named (GTK_STACK (self->content_stack), page, "empty");

  self->list = gtk_list_box_new ();
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->not_deleted = GTK_FILTER (gtk_custom_filter_new (machine_not_deleted, self, NULL));
  self->all_machines = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->stores)));
  self->visible_machines = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->all_machines)),
                                                      g_object_ref (self->not_deleted));
  g_signal_connect_swapped (self->visible_machines, "items-changed", G_CALLBACK (update_content), self);
  self->grouped_machines = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->visible_machines)),
                                                    GTK_SORTER (gtk_custom_sorter_new (compare_groups, self, NULL)));
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), G_LIST_MODEL (self->grouped_machines), create_row, self, NULL);
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), update_group_header, self, NULL);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_widget_set_valign (self->list, GTK_ALIGN_START);
  gtk_widget_set_margin_top (self->list, 24);
  gtk_widget_set_margin_bottom (self->list, 24);
  gtk_widget_set_margin_start (self->list, 12);
  gtk_widget_set_margin_end (self->list, 12);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 800);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->list);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_stack_add_named (GTK_STACK (self->content_stack), scrolled, "list");

  gtk_box_append (GTK_BOX (box), self->content_stack);
  return box;
}

static void
terra_window_dispose (GObject *object)
{
  TerraWindow *self = TERRA_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->display_page != NULL)
    terra_display_page_close (TERRA_DISPLAY_PAGE (self->display_page));
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->host, terra_host_info_free);
  g_clear_pointer (&self->pending_open, g_free);
  g_clear_handle_id (&self->pending_new_source, g_source_remove);
  g_clear_handle_id (&self->budget_timer, g_source_remove);
  g_clear_handle_id (&self->thumbnail_timer, g_source_remove);
  flush_pending_deletes (self);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_object (&self->grouped_machines);
  g_clear_object (&self->visible_machines);
  g_clear_object (&self->all_machines);
  g_clear_object (&self->stores);
  g_clear_object (&self->not_deleted);
  g_clear_pointer (&self->budget, terra_budget_snapshot_free);
  G_OBJECT_CLASS (terra_window_parent_class)->dispose (object);
}

static void
terra_window_class_init (TerraWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = terra_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = on_close_request;

  gtk_widget_class_install_action (widget_class, "win.new-machine", NULL, win_new_machine);
  gtk_widget_class_install_action (widget_class, "win.open-lab", NULL, win_open_lab);
  gtk_widget_class_install_action (widget_class, "win.open-lab-file", "s", machine_open_lab);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, win_back);
  gtk_widget_class_install_action (widget_class, "win.start-shown", NULL, win_start_shown);
  gtk_widget_class_install_action (widget_class, "win.shutdown-shown", NULL, win_shutdown_shown);
  gtk_widget_class_install_action (widget_class, "win.force-off-shown", NULL, win_force_off_shown);
  gtk_widget_class_install_action (widget_class, "win.machine-start", "s", machine_start);
  gtk_widget_class_install_action (widget_class, "win.machine-open", "s", machine_open);
  gtk_widget_class_install_action (widget_class, "win.machine-shutdown", "s", machine_shutdown);
  gtk_widget_class_install_action (widget_class, "win.machine-force-off", "s", machine_force_off);
  gtk_widget_class_install_action (widget_class, "win.machine-delete", "s", machine_delete);
  gtk_widget_class_install_action (widget_class, "win.machine-start-disposable", "s", machine_start_disposable);
  gtk_widget_class_install_action (widget_class, "win.machine-pause", "s", machine_pause);
  gtk_widget_class_install_action (widget_class, "win.machine-resume", "s", machine_resume);
  gtk_widget_class_install_action (widget_class, "win.machine-reboot", "s", machine_reboot);
  gtk_widget_class_install_action (widget_class, "win.machine-save", "s", machine_save);
  gtk_widget_class_install_action (widget_class, "win.machine-clone", "s", machine_clone);
  gtk_widget_class_install_action (widget_class, "win.machine-properties", "s", machine_properties);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-machine", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.open-lab", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static void
terra_window_init (TerraWindow *self)
{
  self->cancellable = g_cancellable_new ();
}

/* The Keyboard Shortcuts window (Ctrl+?). A UI definition, not domain XML;
 * GtkShortcutsWindow can only be filled through GtkBuilder in GTK 4.8. */
static GtkShortcutsWindow *
build_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GString) ui = g_string_new ("<interface><object class='GtkShortcutsWindow' id='w'><property name='modal'>1</property>"
                                        "<child><object class='GtkShortcutsSection'><property name='section-name'>main</property>");
  const struct { const char *group; const char *accel; const char *title; } items[] = {
    { N_("General"), "&lt;Control&gt;n", N_("New virtual machine") },
    { N_("General"), "&lt;Control&gt;l", N_("Open a lab") },
    { N_("General"), "&lt;Control&gt;comma", N_("Preferences") },
    { N_("General"), "&lt;Control&gt;q", N_("Quit") },
    { N_("General"), "&lt;Control&gt;question", N_("Keyboard shortcuts") },
    { N_("Guest Display"), "&lt;Alt&gt;Left", N_("Back to all virtual machines") },
  };
  const char *group = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autofree char *title = g_markup_escape_text (_(items[i].title), -1);
      if (g_strcmp0 (group, items[i].group) != 0)
        {
          g_autofree char *gtitle = g_markup_escape_text (_(items[i].group), -1);
          if (group != NULL)
            g_string_append (ui, "</object></child>");
          g_string_append_printf (ui, "<child><object class='GtkShortcutsGroup'><property name='title'>%s</property>", gtitle);
          group = items[i].group;
        }
      g_string_append_printf (ui, "<child><object class='GtkShortcutsShortcut'><property name='accelerator'>%s</property>"
                              "<property name='title'>%s</property></object></child>", items[i].accel, title);
    }
  g_string_append (ui, "</object></child></object></child></object></interface>");
  if (!gtk_builder_add_from_string (builder, ui->str, -1, &error))
    g_error ("shortcuts window: %s", error->message);
  /* GTK owns toplevel windows; the application window takes this one over. */
  return GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "w"));
}

/**
 * terra_window_new:
 * @application: the #GtkApplication
 * @settings: the app's settings
 * @store: the machines of the app's connection
 *
 * Returns: (transfer full): the main window
 */
TerraWindow *
terra_window_new (GtkApplication    *application,
                  TerraSettings     *settings,
                  TerraMachineStore *store)
{
  TerraWindow *self = g_object_new (TERRA_TYPE_WINDOW, "application", application, NULL);
  GtkDropTarget *drop;
  GSettings *gsettings;

  self->settings = g_object_ref (settings);
  self->store = g_object_ref (store);
  self->connection = g_object_ref (terra_machine_store_get_connection (store));
  self->stores = g_list_store_new (TERRA_TYPE_MACHINE_STORE);
  g_list_store_append (self->stores, store);

  gtk_window_set_title (GTK_WINDOW (self), _("Terrarium"));
  gtk_window_set_default_size (GTK_WINDOW (self), 960, 680);
  gsettings = terra_settings_get_gsettings (settings);
  if (gsettings != NULL)
    {
      g_settings_bind (gsettings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (gsettings, "changed::" TERRA_SETTINGS_KEY_THUMBNAILS,
                               G_CALLBACK (on_thumbnails_changed), self, G_CONNECT_SWAPPED);
      g_settings_bind (gsettings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (gsettings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->toasts = adw_toast_overlay_new ();
  self->main_stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->main_stack), GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  gtk_stack_add_named (GTK_STACK (self->main_stack), build_collection (self), "collection");
  self->display_page = terra_display_page_new ();
  g_signal_connect (self->display_page, "toast", G_CALLBACK (on_page_toast), self);
  g_signal_connect (self->display_page, "error", G_CALLBACK (on_page_error), self);
  gtk_stack_add_named (GTK_STACK (self->main_stack), self->display_page, "display");
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), self->main_stack);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), self->toasts);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect_swapped (self->connection, "notify::state", G_CALLBACK (on_connection_state), self);
  g_signal_connect_swapped (self->store, "items-changed", G_CALLBACK (on_store_changed), self);
  g_signal_connect_swapped (self->store, "notify::loaded", G_CALLBACK (on_store_changed), self);
  self->budget_timer = g_timeout_add_seconds (2, budget_tick, self);
  self->thumbnail_timer = g_timeout_add_seconds (5, thumbnail_tick, self);
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), build_shortcuts_window ());
  on_connection_state (self);
  return self;
}
