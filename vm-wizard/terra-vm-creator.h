/* terra-vm-creator.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-host.h"
#include "terra-machine-spec.h"
#include "terra-media-info.h"

G_BEGIN_DECLS

TerraMachineSpec *terra_vm_creator_suggest_spec (TerraMediaInfo          *media,
                                                 const TerraHostInfo     *host,
                                                 const char * const      *taken_names);
char             *terra_vm_creator_create_sync  (TerraConnection         *connection,
                                                 const TerraMachineSpec  *spec,
                                                 gboolean                 start,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);
void              terra_vm_creator_create_async (TerraConnection         *connection,
                                                 const TerraMachineSpec  *spec,
                                                 gboolean                 start,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
char             *terra_vm_creator_create_finish (GAsyncResult           *result,
                                                  GError                **error);

G_END_DECLS
