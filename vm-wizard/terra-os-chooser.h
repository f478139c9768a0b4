/* terra-os-chooser.h — a searchable list of every OS libosinfo knows
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

#define TERRA_TYPE_OS_CHOOSER (terra_os_chooser_get_type ())
G_DECLARE_FINAL_TYPE (TerraOsChooser, terra_os_chooser, TERRA, OS_CHOOSER, AdwWindow)

TerraOsChooser *terra_os_chooser_new (GtkWindow *parent);

G_END_DECLS
