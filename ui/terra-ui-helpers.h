/* terra-ui-helpers.h — small widget constructors the window's pages share
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* An AdwStatusPage; @description is Pango markup (escape what comes from
 * elsewhere), or NULL. */
static inline GtkWidget *
terra_status_page (const char *icon,
                   const char *title,
                   const char *description)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  if (description != NULL)
    adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  return page;
}

/* A centred pill button for a status page's one action (a mnemonic label). */
static inline GtkWidget *
terra_pill_button (const char *label,
                   const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

G_END_DECLS
