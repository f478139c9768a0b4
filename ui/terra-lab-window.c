/* terra-lab-window.c — one lab: its notes, VMs, budget, and Up/Reset/Down
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window reads the lab file in a worker (terra_lab_load() runs
 * qemu-img), then shows the notes, one row per VM with its state, the
 * lab's one budget verdict and its networks. Up, Reset, Down, Baseline and
 * Delete run the core's lab runner in a worker; each VM's progress shows in
 * its row as it happens. A file with problems shows every problem with
 * its line and column, and Reload reads it again.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-error.h"
#include "terra-lab-runner.h"
#include "terra-lab-window.h"

#define STATUS_INTERVAL_S 3

typedef enum {
  OP_UP,
  OP_UP_FORCED,
  OP_RESET,
  OP_DOWN,
  OP_BASELINE,
  OP_DESTROY,
} Op;

struct _TerraLabWindow
{
  AdwWindow        parent_instance;

  TerraSettings   *settings;
  TerraConnection *connection;
  GFile           *file;
  char            *path;
  TerraLab        *lab;
  GCancellable    *cancellable;

  GtkWidget       *toasts;
  GtkWidget       *title;
  GtkWidget       *stack;           /* "loading" | "problems" | "lab" */
  GtkWidget       *problems_page;
  GtkWidget       *problems_label;
  GtkWidget       *lab_page;        /* AdwPreferencesPage, rebuilt on each load */
  GtkWidget       *budget_group;
  GPtrArray       *budget_rows;
  GHashTable      *vm_rows;         /* VM name → AdwActionRow */
  GHashTable      *state_labels;    /* VM name → GtkLabel */
  GtkWidget       *up_button;
  GtkWidget       *reset_button;
  GtkWidget       *down_button;
  GtkWidget       *spinner;
  GSimpleActionGroup *actions;    /* "lab.*" */
  guint            status_timer;
  gboolean         busy;
  gboolean         status_busy;
};

G_DEFINE_FINAL_TYPE (TerraLabWindow, terra_lab_window, ADW_TYPE_WINDOW)

static void refresh_status (TerraLabWindow *self);

/* --- loading ---------------------------------------------------------------- */

typedef struct {
  TerraLab          *lab;
  GPtrArray         *problems;
  TerraBudgetReport *report;
} LoadResult;

static void
load_result_free (LoadResult *r)
{
  g_clear_pointer (&r->lab, terra_lab_free);
  g_clear_pointer (&r->problems, g_ptr_array_unref);
  g_clear_pointer (&r->report, terra_budget_report_free);
  g_free (r);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TerraLabWindow *self = source_object;
  LoadResult *r = g_new0 (LoadResult, 1);
  g_autoptr(GError) error = NULL;

  r->lab = terra_lab_load (self->path, &r->problems, &error);
  if (r->lab == NULL && r->problems == NULL)
    {
      load_result_free (r);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (r->lab != NULL)
    {
      g_autoptr(GPtrArray) budget_problems = NULL;
      r->report = terra_lab_budget_sync (self->connection, r->lab, terra_settings_get_host_reserve_mib (self->settings),
                                         &budget_problems, cancellable, NULL);
      /* Name clashes are problems of the file; over budget is shown in
       * the budget group (Up then asks). */
      for (guint i = 0; budget_problems != NULL && i < budget_problems->len; i++)
        {
          TerraLabProblem *p = g_ptr_array_index (budget_problems, i);
          if (!p->over_budget)
            g_ptr_array_add (r->problems, g_ptr_array_steal_index (budget_problems, i--));
        }
    }
  g_task_return_pointer (task, r, (GDestroyNotify)load_result_free);
}

static char *
vm_summary (TerraLab   *lab,
            TerraLabVm *vm)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *source = g_path_get_basename (vm->source ? vm->source : "");

  g_string_append_printf (s, _("%" G_GUINT64_FORMAT " MiB · %u vCPU · %" G_GUINT64_FORMAT " GiB"),
                          vm->memory_mib, vm->vcpus, vm->disk_gib);
  g_string_append_printf (s, " · %s", vm->source_kind == TERRA_LAB_SOURCE_FILE ? source : vm->source);
  for (guint i = 0; vm->networks[i] != NULL; i++)
    g_string_append_printf (s, " · %s", vm->networks[i]);
  if (!vm->nat)
    g_string_append_printf (s, " · %s", _("no NAT"));
  if (vm->disposable)
    g_string_append_printf (s, " · %s", _("disposable"));
  if (vm->shared_folder != NULL)
    {
      g_autofree char *folder = g_path_get_basename (vm->shared_folder);
      g_string_append (s, " · ");
      g_string_append_printf (s, _("shares %s"), folder);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
show_budget (TerraLabWindow          *self,
             const TerraBudgetReport *report)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self->budget_group);
  const char *icon, *title;
  GtkWidget *row;

  for (guint i = 0; i < self->budget_rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (self->budget_rows, i));
  g_ptr_array_set_size (self->budget_rows, 0);

  if (report == NULL)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The host’s resources could not be read"));
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->budget_rows, row);
      return;
    }
  switch (report->verdict)
    {
    case TERRA_BUDGET_OVER:
      icon = "dialog-error-symbolic";
      title = _("Over budget: the whole lab does not fit on this host");
      break;
    case TERRA_BUDGET_WARNING:
      icon = "dialog-warning-symbolic";
      title = _("Fits, with warnings");
      break;
    case TERRA_BUDGET_OK:
    default:
      icon = "emblem-ok-symbolic";
      title = _("The whole lab fits on this host");
      break;
    }
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  {
    g_autofree char *sub = g_strdup_printf (_("With the whole lab running, running VMs use %.1f GiB of RAM and %u vCPUs"),
                                            report->running_memory_mib / 1024.0, report->running_vcpus);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->budget_rows, row);

  for (guint i = 0; i < report->findings->len; i++)
    {
      const TerraBudgetFinding *f = g_ptr_array_index (report->findings, i);
      GtkWidget *label = gtk_label_new (f->message);

      row = adw_action_row_new ();
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      /* Prefixes are prepended: the text first, then its icon before it. */
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), label);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (f->severity == TERRA_BUDGET_OVER ? "dialog-error-symbolic"
                                                                                                : "dialog-warning-symbolic"));
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->budget_rows, row);
    }
}

static GtkWidget *
build_lab_page (TerraLabWindow *self)
{
  TerraLab *lab = self->lab;
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group, *row, *label;

  g_hash_table_remove_all (self->vm_rows);
  g_hash_table_remove_all (self->state_labels);

  if (lab->notes != NULL || lab->description != NULL)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Notes"));
      if (lab->description != NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), lab->description);
      if (lab->notes != NULL)
        {
          g_autofree char *notes = g_strstrip (g_strdup (lab->notes));
          label = gtk_label_new (notes);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "card");
          gtk_widget_add_css_class (label, "terra-lab-notes");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
        }
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Virtual Machines"));
  {
    g_autofree char *desc = g_strdup_printf (_("Named “%s-…” in the collection. Each disk is a small overlay on its source image (a linked clone); “Reset” returns every VM to its baseline snapshot."),
                                             lab->name);
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), desc);
  }
  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      g_autofree char *summary = vm_summary (lab, vm);
      GtkWidget *state = gtk_label_new (_("…"));

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vm->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("computer-symbolic"));
      gtk_widget_add_css_class (state, "terra-state");
      gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_object_set_data_full (G_OBJECT (row), "summary", g_strdup (summary), g_free);
      g_hash_table_insert (self->vm_rows, g_strdup (vm->name), row);
      g_hash_table_insert (self->state_labels, g_strdup (vm->name), state);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  self->budget_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->budget_group), _("Host Budget"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->budget_group),
                                         _("One verdict for all the lab’s VMs running together."));
  g_ptr_array_set_size (self->budget_rows, 0);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->budget_group));

  if (lab->networks->len > 0)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Lab Networks"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Private segments: VMs on one reach each other; no route to the host’s network."));
      for (guint i = 0; i < lab->networks->len; i++)
        {
          TerraLabNetwork *net = g_ptr_array_index (lab->networks, i);
          g_autofree char *sub = NULL;
          g_autoptr(GString) members = g_string_new (NULL);

          for (guint j = 0; j < lab->vms->len; j++)
            {
              TerraLabVm *vm = g_ptr_array_index (lab->vms, j);
              if (g_strv_contains ((const char * const *)vm->networks, net->name))
                g_string_append_printf (members, "%s%s", members->len ? ", " : "", vm->name);
            }
          sub = g_strdup_printf (_("%s — VMs: %s — multicast %s"), net->description ? net->description : net->name,
                                 members->len ? members->str : _("none"), net->segment);
          row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), net->name);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("network-wired-symbolic"));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }
  return page;
}

static void
update_sensitivity (TerraLabWindow *self)
{
  gboolean ready = self->lab != NULL && !self->busy;

  gtk_widget_set_sensitive (self->up_button, ready);
  gtk_widget_set_sensitive (self->reset_button, ready);
  gtk_widget_set_sensitive (self->down_button, ready);
  gtk_widget_set_visible (self->spinner, self->busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->busy);
  {
    GActionGroup *group = G_ACTION_GROUP (self->actions);
    const char *names[] = { "baseline", "destroy", "reload", NULL };
    for (guint i = 0; names[i] != NULL; i++)
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (group), names[i])),
                                   g_str_equal (names[i], "reload") ? !self->busy : ready);
  }
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TerraLabWindow *self = TERRA_LAB_WINDOW (source);
  g_autoptr(GError) error = NULL;
  LoadResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  if (r == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_title (ADW_STATUS_PAGE (self->problems_page), _("Cannot Open This Lab File"));
      gtk_label_set_text (GTK_LABEL (self->problems_label), error->message);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "problems");
      update_sensitivity (self);
      return;
    }

  if (r->problems != NULL && r->problems->len > 0)
    {
      g_autofree char *text = terra_lab_format_problems (r->problems);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "This Lab File Has a Problem",
                                                             "This Lab File Has %u Problems", r->problems->len),
                                                r->problems->len);
      g_clear_pointer (&self->lab, terra_lab_free);
      adw_status_page_set_title (ADW_STATUS_PAGE (self->problems_page), title);
      gtk_label_set_text (GTK_LABEL (self->problems_label), text);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "problems");
    }
  else
    {
      GtkWidget *old = gtk_stack_get_child_by_name (GTK_STACK (self->stack), "lab");

      g_clear_pointer (&self->lab, terra_lab_free);
      self->lab = g_steal_pointer (&r->lab);
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->title), self->lab->name);
      if (old != NULL)
        gtk_stack_remove (GTK_STACK (self->stack), old);
      self->lab_page = build_lab_page (self);
      gtk_stack_add_named (GTK_STACK (self->stack), self->lab_page, "lab");
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "lab");
      show_budget (self, r->report);
      refresh_status (self);
    }
  load_result_free (r);
  update_sensitivity (self);
}

static void
load (TerraLabWindow *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_loaded, NULL);

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "loading");
  g_task_set_source_tag (task, load);
  g_task_run_in_thread (task, load_worker);
}

/* --- status ----------------------------------------------------------------- */

static void
status_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TerraLabWindow *self = source_object;
  GError *error = NULL;
  GPtrArray *status = terra_lab_status_sync (self->connection, task_data, cancellable, &error);

  if (status == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, status, (GDestroyNotify)g_ptr_array_unref);
}

static const char *
state_text (const TerraLabVmStatus *st)
{
  if (!st->exists)
    return _("Not created");
  switch (st->state)
    {
    case TERRA_MACHINE_STATE_RUNNING: return st->disposable ? _("Running · disposable") : _("Running");
    case TERRA_MACHINE_STATE_PAUSED: return _("Paused");
    case TERRA_MACHINE_STATE_SHUTOFF: return _("Off");
    default: return terra_machine_state_to_label (st->state);
    }
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TerraLabWindow *self = TERRA_LAB_WINDOW (source);
  g_autoptr(GPtrArray) status = g_task_propagate_pointer (G_TASK (result), NULL);

  self->status_busy = FALSE;
  for (guint i = 0; status != NULL && i < status->len; i++)
    {
      const TerraLabVmStatus *st = g_ptr_array_index (status, i);
      GtkWidget *label = g_hash_table_lookup (self->state_labels, st->name);
      g_autofree char *text = NULL;

      if (label == NULL)
        continue;
      text = st->ip != NULL ? g_strdup_printf ("%s · %s", state_text (st), st->ip) : g_strdup (state_text (st));
      gtk_label_set_text (GTK_LABEL (label), text);
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, st->exists && st->state == TERRA_MACHINE_STATE_RUNNING ? "success" : "dim-label");
    }
}

static void
refresh_status (TerraLabWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->lab == NULL || self->status_busy)
    return;
  self->status_busy = TRUE;
  task = g_task_new (self, self->cancellable, on_status, NULL);
  g_task_set_task_data (task, self->lab, NULL);  /* the lab outlives the task: no reload while busy */
  g_task_run_in_thread (task, status_worker);
}

static gboolean
on_status_timer (gpointer user_data)
{
  TerraLabWindow *self = user_data;

  if (!self->busy)
    refresh_status (self);
  return G_SOURCE_CONTINUE;
}

/* --- operations --------------------------------------------------------------- */

typedef struct {
  GWeakRef window;
  char    *vm;
  char    *message;
} Progress;

static gboolean
show_progress (gpointer data)
{
  Progress *p = data;
  g_autoptr(TerraLabWindow) self = g_weak_ref_get (&p->window);

  if (self != NULL)
    {
      GtkWidget *row = g_hash_table_lookup (self->vm_rows, p->vm);
      if (row != NULL)
        {
          g_autofree char *sub = g_strdup_printf ("%s\n%s", (const char *)g_object_get_data (G_OBJECT (row), "summary"),
                                                  p->message);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
        }
    }
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *p = data;
  g_weak_ref_clear (&p->window);
  g_free (p->vm);
  g_free (p->message);
  g_free (p);
}

/* From the runner's workers: hand each message to the main thread. */
static void
on_progress (const char *vm,
             const char *message,
             gpointer    user_data)
{
  Progress *p = g_new0 (Progress, 1);

  g_weak_ref_init (&p->window, user_data);
  p->vm = g_strdup (vm);
  p->message = g_strdup (message);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_progress, p, progress_free);
}

static void
op_worker (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  TerraLabWindow *self = source_object;
  Op op = GPOINTER_TO_INT (task_data);
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (op)
    {
    case OP_UP:
    case OP_UP_FORCED:
      ok = terra_lab_up_sync (self->connection, self->lab, terra_settings_get_host_reserve_mib (self->settings),
                              op == OP_UP_FORCED, on_progress, self, cancellable, &error);
      break;
    case OP_RESET:
      ok = terra_lab_reset_sync (self->connection, self->lab, on_progress, self, cancellable, &error);
      break;
    case OP_DOWN:
      ok = terra_lab_down_sync (self->connection, self->lab, terra_settings_get_shutdown_timeout_s (self->settings),
                                on_progress, self, cancellable, &error);
      break;
    case OP_BASELINE:
      ok = terra_lab_baseline_sync (self->connection, self->lab, on_progress, self, cancellable, &error);
      break;
    case OP_DESTROY:
      ok = terra_lab_destroy_sync (self->connection, self->lab, on_progress, self, cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void run_op (TerraLabWindow *self, Op op);

static void
on_force_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  TerraLabWindow *self = user_data;

  if (g_str_equal (response, "force"))
    run_op (self, OP_UP_FORCED);
}

static void
show_failure (TerraLabWindow *self,
              Op              op,
              const GError   *error)
{
  g_autofree char *summary = terra_error_get_summary (error);
  g_autofree char *detail = terra_error_get_detail (error);
  AdwMessageDialog *dialog;
  gboolean over = op == OP_UP && g_error_matches (error, TERRA_ERROR, TERRA_ERROR_NOT_ENOUGH_MEMORY);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       over ? _("This Lab Is Over the Host Budget")
                                                            : _("Not Everything Went Through"),
                                                       NULL));
  adw_message_dialog_format_body (dialog, "%s%s%s", summary, detail ? "\n\n" : "", detail ? detail : "");
  adw_message_dialog_add_response (dialog, "close", over ? _("_Cancel") : _("_Close"));
  if (over)
    {
      adw_message_dialog_set_body (dialog, error->message);
      adw_message_dialog_add_response (dialog, "force", _("Bring Up _Anyway"));
      adw_message_dialog_set_response_appearance (dialog, "force", ADW_RESPONSE_DESTRUCTIVE);
      g_signal_connect (dialog, "response", G_CALLBACK (on_force_response), self);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_op_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TerraLabWindow *self = TERRA_LAB_WINDOW (source);
  Op op = GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)));
  g_autoptr(GError) error = NULL;
  const char *done = NULL;

  self->busy = FALSE;
  update_sensitivity (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, op, error);
    }
  else
    {
      switch (op)
        {
        case OP_UP: case OP_UP_FORCED: done = _("The lab is up"); break;
        case OP_RESET: done = _("Every VM is back at its baseline"); break;
        case OP_DOWN: done = _("The lab is down"); break;
        case OP_BASELINE: done = _("New baseline taken"); break;
        case OP_DESTROY: done = _("The lab’s VMs were deleted; the lab file and its images stay"); break;
        default: break;
        }
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (done));
    }
  refresh_status (self);
}

static void
run_op (TerraLabWindow *self,
        Op              op)
{
  g_autoptr(GTask) task = NULL;

  if (self->lab == NULL || self->busy)
    return;
  self->busy = TRUE;
  update_sensitivity (self);
  task = g_task_new (self, self->cancellable, on_op_done, NULL);
  g_task_set_source_tag (task, run_op);
  g_task_set_task_data (task, GINT_TO_POINTER (op), NULL);
  g_task_run_in_thread (task, op_worker);
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  TerraLabWindow *self = user_data;
  Op op = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "op"));

  if (g_str_equal (response, "go"))
    run_op (self, op);
}

/* Reset and Delete throw work away: ask first. */
static void
confirm (TerraLabWindow *self,
         Op              op,
         const char     *heading,
         const char     *body,
         const char     *action)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", action, NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "op", GINT_TO_POINTER (op));
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_up (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  run_op (user_data, OP_UP);
}

static void
action_reset (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  confirm (user_data, OP_RESET, _("Reset the Lab?"),
           _("Every VM goes back to its baseline snapshot (disposable VMs to their base image). What changed in them since is lost."),
           _("_Reset"));
}

static void
action_down (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  run_op (user_data, OP_DOWN);
}

static void
action_baseline (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  confirm (user_data, OP_BASELINE, _("Take a New Baseline?"),
           _("Each VM’s baseline snapshot is replaced by its state now; later resets return here."), _("_Take Baseline"));
}

static void
action_destroy (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TerraLabWindow *self = user_data;
  g_autofree char *heading = g_strdup_printf (_("Delete the VMs of “%s”?"), self->lab ? self->lab->name : "");

  confirm (self, OP_DESTROY, heading,
           _("Their disks and snapshots are deleted. The lab file and its source images stay, so “Up” makes them again."),
           _("_Delete"));
}

static void
action_reload (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TerraLabWindow *self = user_data;

  if (!self->busy && !self->status_busy)
    load (self);
}

/* --- object ------------------------------------------------------------------ */

static void
terra_lab_window_dispose (GObject *object)
{
  TerraLabWindow *self = TERRA_LAB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->status_timer, g_source_remove);
  G_OBJECT_CLASS (terra_lab_window_parent_class)->dispose (object);
}

static void
terra_lab_window_finalize (GObject *object)
{
  TerraLabWindow *self = TERRA_LAB_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->connection);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->actions);
  g_free (self->path);
  g_clear_pointer (&self->lab, terra_lab_free);
  g_clear_pointer (&self->budget_rows, g_ptr_array_unref);
  g_clear_pointer (&self->vm_rows, g_hash_table_unref);
  g_clear_pointer (&self->state_labels, g_hash_table_unref);
  G_OBJECT_CLASS (terra_lab_window_parent_class)->finalize (object);
}

static void
terra_lab_window_class_init (TerraLabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terra_lab_window_dispose;
  object_class->finalize = terra_lab_window_finalize;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "lab.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
terra_lab_window_init (TerraLabWindow *self)
{
  static const GActionEntry actions[] = {
    { .name = "up", .activate = action_up },
    { .name = "reset", .activate = action_reset },
    { .name = "down", .activate = action_down },
    { .name = "baseline", .activate = action_baseline },
    { .name = "destroy", .activate = action_destroy },
    { .name = "reload", .activate = action_reload },
  };
  GSimpleActionGroup *group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *loading, *spinner, *scrolled;

  self->cancellable = g_cancellable_new ();
  self->budget_rows = g_ptr_array_new ();
  self->vm_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->state_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (group), actions, G_N_ELEMENTS (actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "lab", G_ACTION_GROUP (group));
  self->actions = group;  /* owned */

  gtk_window_set_default_size (GTK_WINDOW (self), 720, 640);
  self->title = adw_window_title_new (_("Lab"), NULL);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), self->title);

  self->up_button = gtk_button_new_with_mnemonic (_("_Up"));
  gtk_widget_add_css_class (self->up_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->up_button, _("Create what is missing and start every VM"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->up_button), "lab.up");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->up_button);
  self->reset_button = gtk_button_new_with_mnemonic (_("_Reset"));
  gtk_widget_set_tooltip_text (self->reset_button, _("Every VM back to its baseline"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reset_button), "lab.reset");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->reset_button);
  self->down_button = gtk_button_new_with_mnemonic (_("_Down"));
  gtk_widget_set_tooltip_text (self->down_button, _("Shut every VM down (forced off if it does not in time)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->down_button), "lab.down");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->down_button);

  g_menu_append (menu, _("Take New _Baseline"), "lab.baseline");
  g_menu_append (menu, _("Re_load Lab File"), "lab.reload");
  g_menu_append (menu, _("_Delete the Lab’s VMs…"), "lab.destroy");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (menu_button, _("Lab Menu"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  loading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_box_append (GTK_BOX (loading), spinner);
  gtk_box_append (GTK_BOX (loading), gtk_label_new (_("Reading the lab file and checking its images…")));
  gtk_stack_add_named (GTK_STACK (self->stack), loading, "loading");

  self->problems_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->problems_page), "dialog-error-symbolic");
  adw_status_page_set_description (ADW_STATUS_PAGE (self->problems_page),
                                   _("Fix these lines in the file, then reload it (Ctrl+R). Nothing was created."));
  self->problems_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->problems_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->problems_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->problems_label), 0);
  gtk_widget_add_css_class (self->problems_label, "monospace");
  {
    GtkWidget *reload = gtk_button_new_with_mnemonic (_("Re_load"));
    GtkWidget *pbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
    gtk_widget_add_css_class (reload, "pill");
    gtk_widget_set_halign (reload, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (reload), "lab.reload");
    gtk_box_append (GTK_BOX (pbox), self->problems_label);
    gtk_box_append (GTK_BOX (pbox), reload);
    adw_status_page_set_child (ADW_STATUS_PAGE (self->problems_page), pbox);
  }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->problems_page);
  gtk_stack_add_named (GTK_STACK (self->stack), scrolled, "problems");
  /* A status page scrolls itself; keep the name for the problems view. */
  gtk_box_append (GTK_BOX (box), self->stack);

  self->toasts = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), box);
  adw_window_set_content (ADW_WINDOW (self), self->toasts);
}

/**
 * terra_lab_window_new:
 * @application: the application
 * @settings: the app's settings (host reserve)
 * @connection: the libvirt connection
 * @file: a lab file
 *
 * Returns: (transfer full): a new lab window, reading @file
 */
TerraLabWindow *
terra_lab_window_new (GtkApplication  *application,
                      TerraSettings   *settings,
                      TerraConnection *connection,
                      GFile           *file)
{
  TerraLabWindow *self = g_object_new (TERRA_TYPE_LAB_WINDOW, "application", application, NULL);
  g_autofree char *basename = g_file_get_basename (file);

  self->settings = g_object_ref (settings);
  self->connection = g_object_ref (connection);
  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->title), basename);
  gtk_window_set_title (GTK_WINDOW (self), basename);
  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  update_sensitivity (self);
  load (self);
  self->status_timer = g_timeout_add_seconds (STATUS_INTERVAL_S, on_status_timer, self);
  return self;
}

/** terra_lab_window_get_path: Returns: (transfer none): the lab file's path */
const char *
terra_lab_window_get_path (TerraLabWindow *self)
{
  g_return_val_if_fail (TERRA_IS_LAB_WINDOW (self), NULL);
  return self->path;
}
