/* terra-preferences-window.h — the app's preferences
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-settings.h"

G_BEGIN_DECLS

#define TERRA_TYPE_PREFERENCES_WINDOW (terra_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TerraPreferencesWindow, terra_preferences_window, TERRA, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *terra_preferences_window_new (GtkWindow     *parent,
                                         TerraSettings *settings);

G_END_DECLS
