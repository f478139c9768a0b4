/* terra-vm-creator.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-disk-image.h"
#include "terra-host.h"
#include "terra-machine-spec.h"
#include "terra-media-info.h"

G_BEGIN_DECLS

/**
 * TerraCreateProgress:
 * @step: what is being done, for people ("Copying the disk image")
 * @fraction: 0.0 … 1.0 for a step that can tell, -1 when it cannot
 * @user_data: the caller's data
 *
 * Progress of a machine's creation.
 */
typedef void (*TerraCreateProgress) (const char *step,
                                     double      fraction,
                                     gpointer    user_data);

TerraMachineSpec *terra_vm_creator_suggest_spec (TerraMediaInfo          *media,
                                                 const TerraHostInfo     *host,
                                                 const char * const      *taken_names);
TerraMachineSpec *terra_vm_creator_suggest_import_spec (const char               *path,
                                                        const TerraDiskImageInfo *info,
                                                        OsinfoOs                 *os,
                                                        const TerraHostInfo      *host,
                                                        const char * const       *taken_names);
char             *terra_vm_creator_create_sync  (TerraConnection         *connection,
                                                 const TerraMachineSpec  *spec,
                                                 gboolean                 start,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);
char             *terra_vm_creator_create_full  (TerraConnection         *connection,
                                                 const TerraMachineSpec  *spec,
                                                 gboolean                 start,
                                                 TerraCreateProgress      progress,
                                                 gpointer                 user_data,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);
void              terra_vm_creator_create_async (TerraConnection         *connection,
                                                 const TerraMachineSpec  *spec,
                                                 gboolean                 start,
                                                 TerraCreateProgress      progress,
                                                 gpointer                 progress_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
char             *terra_vm_creator_create_finish (GAsyncResult           *result,
                                                  GError                **error);

G_END_DECLS
