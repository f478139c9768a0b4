/* terra-host-bar.h — compact host budget bar: RAM, vCPUs and disk
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "terra-budget.h"

G_BEGIN_DECLS

#define TERRA_TYPE_HOST_BAR (terra_host_bar_get_type ())
G_DECLARE_FINAL_TYPE (TerraHostBar, terra_host_bar, TERRA, HOST_BAR, GtkWidget)

GtkWidget *terra_host_bar_new          (void);
/* Shows @snapshot (not kept; copied into labels) with @reserve_mib kept for the host
 * (0 = automatic). */
void       terra_host_bar_set_snapshot (TerraHostBar              *self,
                                        const TerraBudgetSnapshot *snapshot,
                                        guint64                    reserve_mib);

G_END_DECLS
