/* terra-display-page.h — a guest's screen in the main window, with its header
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-machine.h"

G_BEGIN_DECLS

#define TERRA_TYPE_DISPLAY_PAGE (terra_display_page_get_type ())
G_DECLARE_FINAL_TYPE (TerraDisplayPage, terra_display_page, TERRA, DISPLAY_PAGE, GtkWidget)

GtkWidget    *terra_display_page_new         (void);
void          terra_display_page_show        (TerraDisplayPage *self,
                                              TerraMachine     *machine);
void          terra_display_page_close       (TerraDisplayPage *self);
TerraMachine *terra_display_page_get_machine (TerraDisplayPage *self);

G_END_DECLS
