/* terra-machine-row.h — one virtual machine in the collection
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-machine.h"

G_BEGIN_DECLS

#define TERRA_TYPE_MACHINE_ROW (terra_machine_row_get_type ())
G_DECLARE_FINAL_TYPE (TerraMachineRow, terra_machine_row, TERRA, MACHINE_ROW, AdwActionRow)

/* Signals: "open" () — the user wants to see this machine (its display). Row
 * actions (row.start, row.shutdown, row.force-off, row.delete) activate the
 * window's win.machine-* actions with the machine's UUID. */
GtkWidget    *terra_machine_row_new         (TerraMachine    *machine);
TerraMachine *terra_machine_row_get_machine (TerraMachineRow *self);

void          terra_machine_row_set_thumbnail (TerraMachineRow *self,
                                               GdkPaintable    *paintable);

G_END_DECLS
