/* terra-host-bar.c — compact host budget bar: RAM, vCPUs and disk
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three meters in one row. Memory: the bar is the running VMs' share of host
 * RAM, accent-coloured up to host RAM minus the reserve and warning-coloured
 * past it; the text says what running and stopped VMs are given, what the
 * host uses right now and what is free. vCPUs: running vCPUs over host
 * threads. Disk: the pool's use, and how far its thin (qcow2) disks could
 * grow. A "Details" popover lists each VM's share, biggest first.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-host-bar.h"

struct _TerraHostBar
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *memory_bar;
  GtkWidget *memory_label;
  GtkWidget *vcpus_bar;
  GtkWidget *vcpus_label;
  GtkWidget *disk_bar;
  GtkWidget *disk_label;
  GtkWidget *details_button;
  GtkWidget *details_grid;
};

G_DEFINE_FINAL_TYPE (TerraHostBar, terra_host_bar, GTK_TYPE_WIDGET)

static double
gib (guint64 mib)
{
  return mib / 1024.0;
}

static GtkWidget *
meter (TerraHostBar *self,
       const char   *title,
       GtkWidget   **bar,
       GtkWidget   **label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *heading = gtk_label_new (title);

  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  *bar = gtk_level_bar_new_for_interval (0, 1);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (*bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (*bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (*bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (*bar), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  *label = gtk_label_new (NULL);
  gtk_widget_add_css_class (*label, "caption");
  gtk_widget_add_css_class (*label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (*label), 0);
  gtk_label_set_wrap (GTK_LABEL (*label), TRUE);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), *bar);
  gtk_box_append (GTK_BOX (box), *label);
  gtk_widget_set_hexpand (box, TRUE);
  return box;
}

/* The bar is accent-coloured ("high") up to @ok_fraction and warning-coloured ("low") past it. */
static void
set_level (GtkWidget *bar,
           double     value,
           double     ok_fraction)
{
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH, CLAMP (ok_fraction, 0.0, 1.0));
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW, 1.0);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (value, 0.0, 1.0));
}

static int
compare_by_memory (gconstpointer a,
                   gconstpointer b)
{
  const TerraBudgetMachine *ma = *(const TerraBudgetMachine * const *)a;
  const TerraBudgetMachine *mb = *(const TerraBudgetMachine * const *)b;

  if (ma->running != mb->running)
    return ma->running ? -1 : 1;
  return ma->memory_mib < mb->memory_mib ? 1 : ma->memory_mib > mb->memory_mib ? -1 : 0;
}

static void
fill_details (TerraHostBar              *self,
              const TerraBudgetSnapshot *snap)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GtkWidget *child;
  GtkGrid *grid = GTK_GRID (self->details_grid);
  static const char *headings[] = { N_("Virtual machine"), N_("Memory"), N_("Share of RAM"), N_("vCPUs"), N_("State") };

  while ((child = gtk_widget_get_first_child (self->details_grid)) != NULL)
    gtk_grid_remove (grid, child);

  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    {
      GtkWidget *l = gtk_label_new (_(headings[c]));
      gtk_widget_add_css_class (l, "heading");
      gtk_label_set_xalign (GTK_LABEL (l), c == 0 ? 0 : 1);
      gtk_grid_attach (grid, l, c, 0, 1, 1);
    }

  for (guint i = 0; i < snap->machines->len; i++)
    g_ptr_array_add (sorted, &g_array_index (snap->machines, TerraBudgetMachine, i));
  g_ptr_array_sort (sorted, compare_by_memory);

  for (guint i = 0; i < sorted->len; i++)
    {
      const TerraBudgetMachine *m = g_ptr_array_index (sorted, i);
      g_autofree char *mem = g_strdup_printf (_("%.1f GiB"), gib (m->memory_mib));
      g_autofree char *share = g_strdup_printf ("%.0f %%", snap->host.memory_total_mib
                                                ? 100.0 * m->memory_mib / snap->host.memory_total_mib : 0.0);
      g_autofree char *vcpus = g_strdup_printf ("%u", m->vcpus);
      const char *cells[] = { m->name, mem, share, vcpus, m->running ? _("Running") : _("Off") };

      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          GtkWidget *l = gtk_label_new (cells[c]);
          gtk_label_set_xalign (GTK_LABEL (l), c == 0 ? 0 : 1);
          if (c == 0)
            gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
          if (!m->running)
            gtk_widget_add_css_class (l, "dim-label");
          gtk_grid_attach (grid, l, c, i + 1, 1, 1);
        }
    }
  if (sorted->len == 0)
    gtk_grid_attach (grid, gtk_label_new (_("No virtual machines yet.")), 0, 1, 5, 1);
}

/**
 * terra_host_bar_set_snapshot:
 * @self: a #TerraHostBar
 * @snapshot: the host and its machines (not kept)
 * @reserve_mib: RAM kept for the host (MiB); 0 for the automatic default
 */
void
terra_host_bar_set_snapshot (TerraHostBar              *self,
                             const TerraBudgetSnapshot *snapshot,
                             guint64                    reserve_mib)
{
  const TerraHostResources *h;
  guint64 run_mib = 0, stop_mib = 0, used_mib, reserve;
  guint run_vcpus = 0, stop_vcpus = 0;
  g_autofree char *mem_text = NULL;
  g_autofree char *cpu_text = NULL;
  g_autofree char *disk_text = NULL;

  g_return_if_fail (TERRA_IS_HOST_BAR (self));
  g_return_if_fail (snapshot != NULL);

  h = &snapshot->host;
  for (guint i = 0; i < snapshot->machines->len; i++)
    {
      const TerraBudgetMachine *m = &g_array_index (snapshot->machines, TerraBudgetMachine, i);
      if (m->running)
        {
          run_mib += m->memory_mib;
          run_vcpus += m->vcpus;
        }
      else
        {
          stop_mib += m->memory_mib;
          stop_vcpus += m->vcpus;
        }
    }
  reserve = terra_budget_reserve_mib (h->memory_total_mib, reserve_mib);
  used_mib = h->memory_total_mib > h->memory_available_mib ? h->memory_total_mib - h->memory_available_mib : 0;

  if (h->memory_total_mib > 0)
    set_level (self->memory_bar, (double)run_mib / h->memory_total_mib,
               (double)(h->memory_total_mib - reserve) / h->memory_total_mib);
  mem_text = g_strdup_printf (_("Running VMs %.1f GiB · stopped VMs %.1f GiB · host in use %.1f GiB · "
                                "free %.1f of %.1f GiB (%.1f GiB kept for the host)"),
                              gib (run_mib), gib (stop_mib), gib (used_mib), gib (h->memory_available_mib),
                              gib (h->memory_total_mib), gib (reserve));
  gtk_label_set_text (GTK_LABEL (self->memory_label), mem_text);

  if (h->cpus > 0)
    set_level (self->vcpus_bar, (double)run_vcpus / h->cpus, 1.0);
  cpu_text = g_strdup_printf (_("%u running vCPUs on %u host threads · %u more in stopped VMs"),
                              run_vcpus, h->cpus, stop_vcpus);
  gtk_label_set_text (GTK_LABEL (self->vcpus_label), cpu_text);

  if (h->pool_capacity_gib > 0)
    {
      double used = h->pool_capacity_gib - h->pool_free_gib;
      set_level (self->disk_bar, used / h->pool_capacity_gib,
                 1.0 - MAX (0.0, h->pool_committed_gib - h->pool_allocated_gib) / h->pool_capacity_gib);
      disk_text = g_strdup_printf (_("VM disks use %.1f GiB and may grow to %.1f GiB · %.1f GiB free"),
                                   h->pool_allocated_gib, h->pool_committed_gib, h->pool_free_gib);
    }
  else
    disk_text = g_strdup (_("Storage pool not available"));
  gtk_label_set_text (GTK_LABEL (self->disk_label), disk_text);

  fill_details (self, snapshot);
}

static void
terra_host_bar_dispose (GObject *object)
{
  TerraHostBar *self = TERRA_HOST_BAR (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (terra_host_bar_parent_class)->dispose (object);
}

static void
terra_host_bar_class_init (TerraHostBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terra_host_bar_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "terra-host-bar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
terra_host_bar_init (TerraHostBar *self)
{
  GtkWidget *popover = gtk_popover_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 6);

  gtk_box_append (GTK_BOX (self->box), meter (self, _("Memory"), &self->memory_bar, &self->memory_label));
  gtk_box_append (GTK_BOX (self->box), meter (self, _("vCPUs"), &self->vcpus_bar, &self->vcpus_label));
  gtk_box_append (GTK_BOX (self->box), meter (self, _("Disk"), &self->disk_bar, &self->disk_label));

  self->details_grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->details_grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (self->details_grid), 6);
  gtk_widget_set_margin_start (self->details_grid, 6);
  gtk_widget_set_margin_end (self->details_grid, 6);
  gtk_widget_set_margin_top (self->details_grid, 6);
  gtk_widget_set_margin_bottom (self->details_grid, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), self->details_grid);

  self->details_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->details_button), _("Details"));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->details_button), popover);
  gtk_widget_set_valign (self->details_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->details_button, _("Each virtual machine’s share of the host"));
  gtk_box_append (GTK_BOX (self->box), self->details_button);
}

/** terra_host_bar_new: Returns: (transfer floating): a new host bar */
GtkWidget *
terra_host_bar_new (void)
{
  return g_object_new (TERRA_TYPE_HOST_BAR, NULL);
}
