/* terra-lab-window.h — one lab: its notes, VMs, budget, and Up/Reset/Down
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-connection.h"
#include "terra-settings.h"

G_BEGIN_DECLS

#define TERRA_TYPE_LAB_WINDOW (terra_lab_window_get_type ())
G_DECLARE_FINAL_TYPE (TerraLabWindow, terra_lab_window, TERRA, LAB_WINDOW, AdwWindow)

/* A window for the lab file @file; it reads the file in a worker and shows
 * its problems (file:line:column) or the lab. */
TerraLabWindow *terra_lab_window_new      (GtkApplication  *application,
                                           TerraSettings   *settings,
                                           TerraConnection *connection,
                                           GFile           *file);
/* The lab file's path. */
const char     *terra_lab_window_get_path (TerraLabWindow  *self);

G_END_DECLS
