/* terra-machine-properties.h — one virtual machine's properties and snapshots
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-machine.h"
#include "terra-settings.h"

G_BEGIN_DECLS

#define TERRA_TYPE_MACHINE_PROPERTIES (terra_machine_properties_get_type ())
G_DECLARE_FINAL_TYPE (TerraMachineProperties, terra_machine_properties, TERRA, MACHINE_PROPERTIES, AdwPreferencesWindow)

GtkWidget *terra_machine_properties_new (GtkWindow     *parent,
                                         TerraMachine  *machine,
                                         TerraSettings *settings);

G_END_DECLS
