/* terra-machine-store.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-machine.h"

G_BEGIN_DECLS

#define TERRA_TYPE_MACHINE_STORE (terra_machine_store_get_type ())
G_DECLARE_FINAL_TYPE (TerraMachineStore, terra_machine_store, TERRA, MACHINE_STORE, GObject)

/* A GListModel of TerraMachine, sorted by name, fed by the connection:
 * filled when it connects, kept current by libvirt lifecycle events,
 * emptied (and refilled) when the daemon goes away (and comes back). */
TerraMachineStore *terra_machine_store_new            (TerraConnection   *connection);
TerraConnection   *terra_machine_store_get_connection (TerraMachineStore *self);
gboolean           terra_machine_store_get_loaded     (TerraMachineStore *self);
TerraMachine      *terra_machine_store_find           (TerraMachineStore *self,
                                                       const char        *name_or_uuid);

G_END_DECLS
