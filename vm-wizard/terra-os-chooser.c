/* terra-os-chooser.c — a searchable list of every OS libosinfo knows
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For media the OS database does not know, or to correct it: every OS of
 * osinfo-db, grouped by family (Linux, Windows, BSD…), newest release first
 * in each, with a search over names and short ids, and "Unknown or other"
 * at the end for generic settings.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-os-chooser.h"
#include "terra-os-db.h"

struct _TerraOsChooser
{
  AdwWindow  parent_instance;

  GtkWidget *search;
  GtkWidget *list;
};

G_DEFINE_FINAL_TYPE (TerraOsChooser, terra_os_chooser, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *
family_label (const char *family)
{
  if (family == NULL)
    return _("Unknown or Other");
  if (g_str_equal (family, "linux"))
    return _("Linux");
  if (g_str_equal (family, "winnt") || g_str_equal (family, "win9x") || g_str_equal (family, "win16"))
    return _("Windows");
  if (g_str_has_suffix (family, "bsd"))
    return _("BSD");
  if (g_str_equal (family, "darwin"))
    return _("macOS");
  if (g_str_equal (family, "solaris"))
    return _("Solaris");
  return _("Other Systems");
}

/* Families in this order, the unknown row last. */
static int
family_rank (const char *family)
{
  const char *label = family_label (family);

  if (family == NULL)
    return 9;
  if (g_str_equal (label, _("Linux")))
    return 0;
  if (g_str_equal (label, _("Windows")))
    return 1;
  if (g_str_equal (label, _("BSD")))
    return 2;
  return 3;
}

static int
compare_os (gconstpointer a,
            gconstpointer b)
{
  OsinfoOs *oa = *(OsinfoOs **)a;
  OsinfoOs *ob = *(OsinfoOs **)b;
  int ra = family_rank (osinfo_os_get_family (oa)), rb = family_rank (osinfo_os_get_family (ob));
  const char *da = osinfo_product_get_release_date_string (OSINFO_PRODUCT (oa));
  const char *db = osinfo_product_get_release_date_string (OSINFO_PRODUCT (ob));

  if (ra != rb)
    return ra - rb;
  if (g_strcmp0 (da, db) != 0)
    return -g_strcmp0 (da, db);  /* newest first; undated last */
  return g_utf8_collate (osinfo_product_get_name (OSINFO_PRODUCT (oa)), osinfo_product_get_name (OSINFO_PRODUCT (ob)));
}

static const char *
row_family (GtkListBoxRow *row)
{
  OsinfoOs *os = g_object_get_data (G_OBJECT (row), "os");
  return family_label (os ? osinfo_os_get_family (os) : NULL);
}

static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const char *label = row_family (row);
  GtkWidget *header;

  if (before != NULL && g_str_equal (row_family (before), label))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (label);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "terra-group-header");
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_list_box_row_set_header (row, header);
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  TerraOsChooser *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  const char *haystack = g_object_get_data (G_OBJECT (row), "search");
  g_autofree char *needle = NULL;

  if (text == NULL || *text == '\0' || haystack == NULL)
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  return strstr (haystack, needle) != NULL;
}

static void
on_search_changed (TerraOsChooser *self)
{
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
  gtk_list_box_invalidate_headers (GTK_LIST_BOX (self->list));
}

static void
on_row_activated (TerraOsChooser *self,
                  GtkListBoxRow  *row)
{
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, g_object_get_data (G_OBJECT (row), "os"));
  gtk_window_close (GTK_WINDOW (self));
}

/* Enter in the search picks the first row that is shown. */
static void
on_search_activate (TerraOsChooser *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)))
      {
        on_row_activated (self, row);
        return;
      }
}

static GtkWidget *
os_row (OsinfoOs *os)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *search = NULL;
  g_autofree char *sub = NULL;

  if (os != NULL)
    {
      const char *name = osinfo_product_get_name (OSINFO_PRODUCT (os));
      const char *short_id = osinfo_product_get_short_id (OSINFO_PRODUCT (os));
      const char *date = osinfo_product_get_release_date_string (OSINFO_PRODUCT (os));
      g_autofree char *joined = g_strdup_printf ("%s %s", name, short_id ? short_id : "");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      sub = date ? g_strdup_printf ("%s · %s", short_id ? short_id : "", date) : g_strdup (short_id);
      search = g_utf8_casefold (joined, -1);
      g_object_set_data_full (G_OBJECT (row), "os", g_object_ref (os), g_object_unref);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Unknown or other operating system"));
      sub = g_strdup (_("Generic settings: 2 GiB of memory, 2 vCPUs, 20 GiB of disk"));
      search = g_utf8_casefold (_("Unknown or other operating system generic"), -1);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "search", g_steal_pointer (&search), g_free);
  return row;
}

static void
terra_os_chooser_class_init (TerraOsChooserClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * TerraOsChooser::chosen:
   * @self: the chooser
   * @os: (nullable): the OS picked, or %NULL for "unknown or other"
   */
  signals[SIGNAL_CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, OSINFO_TYPE_OS);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
terra_os_chooser_init (TerraOsChooser *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  OsinfoDb *db = terra_os_db_get (NULL);

  gtk_window_set_title (GTK_WINDOW (self), _("Choose the Operating System"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 600);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  self->search = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search, TRUE);
  g_object_set (self->search, "placeholder-text", _("Search, e.g. “debian” or “win10”"), NULL);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), self->search);
  gtk_box_append (GTK_BOX (box), header);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_widget_set_margin_top (self->list, 12);
  gtk_widget_set_margin_bottom (self->list, 12);
  gtk_widget_set_margin_start (self->list, 12);
  gtk_widget_set_margin_end (self->list, 12);
  gtk_widget_set_valign (self->list, GTK_ALIGN_START);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_row, self, NULL);
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), update_header, NULL, NULL);

  if (db != NULL)
    {
      g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (db);
      for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
        g_ptr_array_add (all, osinfo_list_get_nth (OSINFO_LIST (list), i));
      g_ptr_array_sort (all, compare_os);
      for (guint i = 0; i < all->len; i++)
        gtk_list_box_append (GTK_LIST_BOX (self->list), os_row (g_ptr_array_index (all, i)));
    }
  gtk_list_box_append (GTK_LIST_BOX (self->list), os_row (NULL));

  adw_clamp_set_child (ADW_CLAMP (clamp), self->list);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);

  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_widget_grab_focus (self->search);
}

/**
 * terra_os_chooser_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer full): a chooser; connect to "chosen" and present it
 */
TerraOsChooser *
terra_os_chooser_new (GtkWindow *parent)
{
  return g_object_new (TERRA_TYPE_OS_CHOOSER, "transient-for", parent, NULL);
}
