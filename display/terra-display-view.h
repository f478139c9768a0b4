/* terra-display-view.h — GTK 4 widget that shows a TerraDisplaySession and sends input
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "terra-display-session.h"

G_BEGIN_DECLS

#define TERRA_TYPE_DISPLAY_VIEW (terra_display_view_get_type ())
G_DECLARE_FINAL_TYPE (TerraDisplayView, terra_display_view, TERRA, DISPLAY_VIEW, GtkWidget)

/* Properties: "session" (TerraDisplaySession, read-write, nullable).
 * The view is focusable; while focused, key events go to the guest. It draws the guest
 * surface scaled to fit (aspect kept, letterboxed) and a "Connecting…" placeholder until
 * the session is READY. It never connects or disconnects the session itself. */
GtkWidget           *terra_display_view_new         (void);
TerraDisplaySession *terra_display_view_get_session (TerraDisplayView    *self);
gboolean             terra_display_view_get_keyboard_captured (TerraDisplayView *self);
void                 terra_display_view_set_session (TerraDisplayView    *self,
                                                     TerraDisplaySession *session);

G_END_DECLS
