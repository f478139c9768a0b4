/* terra-host.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-connection.h"
#include "terra-domain-builder.h"
#include "terra-machine.h"

G_BEGIN_DECLS

/**
 * TerraHostInfo:
 * @memory_total_mib: host RAM in MiB (virNodeGetInfo)
 * @memory_free_mib: host RAM available in MiB (virNodeGetMemoryStats: free + buffers + cached)
 * @cpus: host CPU threads
 * @accel: what new guests get: KVM when domain capabilities offer it, else TCG
 * @kvm_problem: (nullable): why KVM is unusable, in words for the user
 * @caps: the domain capabilities for @accel on x86_64
 */
typedef struct {
  guint64         memory_total_mib;
  guint64         memory_free_mib;
  guint           cpus;
  TerraAccel      accel;
  char           *kvm_problem;
  TerraGuestCaps *caps;
} TerraHostInfo;

TerraHostInfo *terra_host_info_query_sync  (TerraConnection      *connection,
                                            GCancellable         *cancellable,
                                            GError              **error);
void           terra_host_info_query_async (TerraConnection      *connection,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
TerraHostInfo *terra_host_info_query_finish (GAsyncResult        *result,
                                             GError             **error);
void           terra_host_info_free        (TerraHostInfo        *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraHostInfo, terra_host_info_free)

G_END_DECLS
