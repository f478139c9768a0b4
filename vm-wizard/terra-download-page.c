/* terra-download-page.c — the wizard's "Download an OS" page
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A searchable list of the OS releases libosinfo has x86_64 media URLs for
 * (terra_os_catalog_list(), newest first), and, once one is picked, its
 * download with libsoup (terra_download_sync() in a GTask worker) into the
 * images folder: a bar with bytes, rate and time left, Cancel (the part is
 * kept) and Resume, Retry on a network error. The list is built in a
 * worker too: loading osinfo-db takes a moment.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-download.h"
#include "terra-download-page.h"
#include "terra-os-catalog.h"
#include "terra-os-db.h"
#include "terra-settings.h"

struct _TerraDownloadPage
{
  GtkBox          parent_instance;

  GPtrArray      *releases;     /* TerraOsRelease */
  TerraOsRelease *current;      /* borrowed from @releases */
  GCancellable   *cancellable;  /* the running download, or NULL */
  gboolean        cancelled;

  GtkWidget      *search;
  GtkWidget      *list;
  GtkWidget      *list_stack;
  GtkWidget      *progress_box;
  GtkWidget      *progress_title;
  GtkWidget      *progress_bar;
  GtkWidget      *progress_detail;
  GtkWidget      *cancel_button;
  GtkWidget      *resume_button;
};

G_DEFINE_FINAL_TYPE (TerraDownloadPage, terra_download_page, GTK_TYPE_BOX)

enum { SIGNAL_DOWNLOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* "12.3 MiB of 2.0 GiB · 4.2 MiB/s · about 8 minutes left" */
static char *
progress_text (guint64 received,
               guint64 total,
               double  rate)
{
  g_autofree char *got = format_size (received);
  g_autoptr(GString) s = g_string_new (NULL);

  if (total > 0)
    {
      g_autofree char *of = format_size (total);
      /* TRANSLATORS: bytes downloaded of the whole, e.g. "12.3 MiB of 2.0 GiB" */
      g_string_append_printf (s, _("%s of %s"), got, of);
    }
  else
    g_string_append (s, got);
  if (rate > 0)
    {
      g_autofree char *speed = format_size ((guint64)rate);
      g_string_append_printf (s, _(" · %s/s"), speed);
      if (total > received)
        {
          guint left = (guint)((total - received) / rate + 0.5);
          if (left >= 120)
            g_string_append_printf (s, ngettext (" · about %u minute left", " · about %u minutes left", left / 60),
                                    left / 60);
          else
            g_string_append_printf (s, ngettext (" · %u second left", " · %u seconds left", left), left);
        }
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* --- progress from the worker ------------------------------------------- */

typedef struct {
  GWeakRef page;
  guint64  received;
  guint64  total;
  double   rate;
} Report;

static gboolean
show_report (gpointer data)
{
  Report *r = data;
  g_autoptr(TerraDownloadPage) self = g_weak_ref_get (&r->page);
  g_autofree char *text = NULL;

  if (self != NULL && self->cancellable != NULL)
    {
      text = progress_text (r->received, r->total, r->rate);
      gtk_label_set_text (GTK_LABEL (self->progress_detail), text);
      if (r->total > 0)
        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), (double)r->received / r->total);
      else
        gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress_bar));
    }
  g_weak_ref_clear (&r->page);
  g_free (r);
  return G_SOURCE_REMOVE;
}

static void
on_worker_progress (guint64  received,
                    guint64  total,
                    double   rate,
                    gpointer user_data)
{
  GTask *task = user_data;
  Report *r = g_new0 (Report, 1);

  g_weak_ref_init (&r->page, g_task_get_source_object (task));
  r->received = received;
  r->total = total;
  r->rate = rate;
  g_idle_add (show_report, r);
}

static void
download_worker (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  char **job = task_data;  /* url, directory */
  GError *error = NULL;
  char *path = terra_download_sync (job[0], job[1], NULL, on_worker_progress, task, cancellable, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
set_downloading (TerraDownloadPage *self,
                 gboolean           downloading)
{
  gtk_widget_set_visible (self->cancel_button, downloading);
  gtk_widget_set_visible (self->resume_button, !downloading);
  gtk_widget_set_sensitive (self->list, !downloading);
  gtk_widget_set_sensitive (self->search, !downloading);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TerraDownloadPage *self = TERRA_DOWNLOAD_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_object (&self->cancellable);
  set_downloading (self, FALSE);
  if (path != NULL)
    {
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 1.0);
      gtk_label_set_text (GTK_LABEL (self->progress_detail), _("Downloaded"));
      gtk_widget_set_visible (self->resume_button, FALSE);
      g_signal_emit (self, signals[SIGNAL_DOWNLOADED], 0, path);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_label_set_text (GTK_LABEL (self->progress_detail),
                          _("Paused. What was downloaded is kept: Resume goes on from there."));
      gtk_button_set_label (GTK_BUTTON (self->resume_button), _("_Resume"));
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (self->progress_detail), error->message);
      gtk_button_set_label (GTK_BUTTON (self->resume_button), _("_Retry"));
    }
}

static void
start_download (TerraDownloadPage *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TerraSettings) settings = terra_settings_new ();
  g_autofree char *title = NULL;
  char **job;

  if (self->current == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  job = g_new0 (char *, 3);
  job[0] = g_strdup (self->current->url);
  job[1] = terra_settings_dup_images_dir (settings);

  title = g_strdup_printf (_("Downloading %s"), self->current->name);
  gtk_label_set_text (GTK_LABEL (self->progress_title), title);
  gtk_label_set_text (GTK_LABEL (self->progress_detail), _("Connecting…"));
  gtk_widget_set_visible (self->progress_box, TRUE);
  set_downloading (self, TRUE);

  task = g_task_new (self, self->cancellable, on_downloaded, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)g_strfreev);
  g_task_run_in_thread (task, download_worker);
}

/**
 * terra_download_page_cancel:
 * @self: a #TerraDownloadPage
 *
 * Stops a running download (keeping what came, for Resume).
 */
void
terra_download_page_cancel (TerraDownloadPage *self)
{
  g_return_if_fail (TERRA_IS_DOWNLOAD_PAGE (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* --- the list ----------------------------------------------------------- */

static void
on_row_activated (TerraDownloadPage *self,
                  GtkListBoxRow     *row)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));

  if (self->releases == NULL || index >= self->releases->len)
    return;
  self->current = self->releases->pdata[index];
  start_download (self);
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  TerraDownloadPage *self = user_data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
  TerraOsRelease *r;
  g_autofree char *hay = NULL;
  g_autofree char *needle = NULL;

  if (query == NULL || *query == '\0' || self->releases == NULL || index >= self->releases->len)
    return TRUE;
  r = self->releases->pdata[index];
  hay = g_utf8_casefold (r->name, -1);
  needle = g_utf8_casefold (query, -1);
  return strstr (hay, needle) != NULL || strstr (r->key, query) != NULL;
}

static void
on_search_activate (TerraDownloadPage *self)
{
  /* Enter downloads the first match. */
  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child))
      {
        on_row_activated (self, GTK_LIST_BOX_ROW (child));
        return;
      }
}

static void
catalog_worker (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  OsinfoDb *db = terra_os_db_get (&error);

  if (db == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, terra_os_catalog_list (db, NULL, TRUE, NULL), (GDestroyNotify)g_ptr_array_unref);
}

static void
on_catalog (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TerraDownloadPage *self = TERRA_DOWNLOAD_PAGE (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *releases = g_task_propagate_pointer (G_TASK (result), &error);

  if (releases == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->progress_detail), error->message);
      gtk_widget_set_visible (self->progress_box, TRUE);
      return;
    }
  self->releases = releases;
  for (guint i = 0; i < releases->len; i++)
    {
      TerraOsRelease *r = releases->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("folder-download-symbolic");
      g_autoptr(GString) sub = g_string_new (NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (r->release_date != NULL)
        /* TRANSLATORS: %s is a date, YYYY-MM-DD */
        g_string_append_printf (sub, _("Released %s"), r->release_date);
      if (sub->len > 0)
        g_string_append (sub, " · ");
      g_string_append (sub, r->live ? _("live system") : _("installer"));
      /* Variants of one release can share a name ("Fedora Server 37" as
       * DVD and as netinst): libosinfo's variant id tells them apart. */
      if (strchr (r->key, ':') != NULL)
        g_string_append_printf (sub, " · %s", strchr (r->key, ':') + 1);
      if (r->eol)
        g_string_append (sub, _(" · past its end of life"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "list");
  gtk_widget_grab_focus (self->search);
}

static void
terra_download_page_dispose (GObject *object)
{
  TerraDownloadPage *self = TERRA_DOWNLOAD_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (terra_download_page_parent_class)->dispose (object);
}

static void
terra_download_page_finalize (GObject *object)
{
  TerraDownloadPage *self = TERRA_DOWNLOAD_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->releases, g_ptr_array_unref);
  G_OBJECT_CLASS (terra_download_page_parent_class)->finalize (object);
}

static void
terra_download_page_class_init (TerraDownloadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = terra_download_page_dispose;
  object_class->finalize = terra_download_page_finalize;

  /**
   * TerraDownloadPage::downloaded:
   * @path: the downloaded file, in the images folder
   */
  signals[SIGNAL_DOWNLOADED] = g_signal_new ("downloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
terra_download_page_init (TerraDownloadPage *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *loading = gtk_spinner_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autoptr(GTask) task = NULL;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_widget_set_margin_top (inner, 12);
  gtk_widget_set_margin_bottom (inner, 12);
  gtk_widget_set_margin_start (inner, 12);
  gtk_widget_set_margin_end (inner, 12);

  self->search = gtk_search_entry_new ();
  g_object_set (self->search, "placeholder-text", _("Search operating systems"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search operating systems"), -1);
  gtk_box_append (GTK_BOX (inner), self->search);

  /* Progress of the chosen download, above the list. */
  self->progress_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (self->progress_box, "card");
  gtk_widget_set_visible (self->progress_box, FALSE);
  self->progress_title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->progress_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->progress_title), 0);
  self->progress_bar = gtk_progress_bar_new ();
  self->progress_detail = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->progress_detail), 0);
  gtk_label_set_wrap (GTK_LABEL (self->progress_detail), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->progress_detail), TRUE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Pause"));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (terra_download_page_cancel), self);
  self->resume_button = gtk_button_new_with_mnemonic (_("_Resume"));
  gtk_widget_add_css_class (self->resume_button, "suggested-action");
  g_signal_connect_swapped (self->resume_button, "clicked", G_CALLBACK (start_download), self);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), self->cancel_button);
  gtk_box_append (GTK_BOX (buttons), self->resume_button);
  gtk_widget_set_margin_top (self->progress_title, 12);
  gtk_widget_set_margin_start (self->progress_title, 12);
  gtk_widget_set_margin_start (self->progress_bar, 12);
  gtk_widget_set_margin_end (self->progress_bar, 12);
  gtk_widget_set_margin_start (self->progress_detail, 12);
  gtk_widget_set_margin_end (self->progress_detail, 12);
  gtk_widget_set_margin_end (buttons, 12);
  gtk_widget_set_margin_bottom (buttons, 12);
  gtk_box_append (GTK_BOX (self->progress_box), self->progress_title);
  gtk_box_append (GTK_BOX (self->progress_box), self->progress_bar);
  gtk_box_append (GTK_BOX (self->progress_box), self->progress_detail);
  gtk_box_append (GTK_BOX (self->progress_box), buttons);
  gtk_box_append (GTK_BOX (inner), self->progress_box);

  self->list = gtk_list_box_new ();
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_row, self, NULL);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (gtk_list_box_invalidate_filter), self->list);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (on_search_activate), self);

  self->list_stack = gtk_stack_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (loading), TRUE);
  gtk_widget_set_size_request (loading, 32, 32);
  gtk_widget_set_valign (loading, GTK_ALIGN_START);
  gtk_stack_add_named (GTK_STACK (self->list_stack), loading, "loading");
  gtk_stack_add_named (GTK_STACK (self->list_stack), self->list, "list");
  gtk_box_append (GTK_BOX (inner), self->list_stack);

  adw_clamp_set_child (ADW_CLAMP (clamp), inner);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);

  task = g_task_new (self, NULL, on_catalog, NULL);
  g_task_run_in_thread (task, catalog_worker);
}

/**
 * terra_download_page_new:
 *
 * Returns: (transfer floating): a new page; it starts loading the list
 */
GtkWidget *
terra_download_page_new (void)
{
  return g_object_new (TERRA_TYPE_DOWNLOAD_PAGE, NULL);
}
