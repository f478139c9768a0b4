/* terra-window.h — the main window: collection and guest display
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-connection.h"
#include "terra-machine-store.h"
#include "terra-settings.h"

G_BEGIN_DECLS

#define TERRA_TYPE_WINDOW (terra_window_get_type ())
G_DECLARE_FINAL_TYPE (TerraWindow, terra_window, TERRA, WINDOW, AdwApplicationWindow)

TerraWindow *terra_window_new              (GtkApplication    *application,
                                            TerraSettings     *settings,
                                            TerraMachineStore *store);
/* Shows @store's machines too (another connection), as a group. */
void         terra_window_add_store        (TerraWindow       *self,
                                            TerraMachineStore *store);
/* Shows @name_or_uuid's display as soon as the collection has it (now, or
 * when the store has loaded); a toast if it does not exist. */
void         terra_window_open_machine     (TerraWindow       *self,
                                            const char        *name_or_uuid);
/* Opens the create wizard, with @file pre-selected when not %NULL. */
void         terra_window_create_machine   (TerraWindow       *self,
                                            GFile             *file);
/* Shows the lab window for @file (a *.terrarium-lab.yaml). */
void         terra_window_open_lab         (TerraWindow       *self,
                                            GFile             *file);
/* Shows an error as a toast; the detail (e.g. libvirt's message) is one click away. */
void         terra_window_show_error       (TerraWindow       *self,
                                            const GError      *error);

G_END_DECLS
