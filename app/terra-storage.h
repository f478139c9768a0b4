/* terra-storage.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

#define TERRA_STORAGE_POOL_NAME "terrarium"

virStoragePoolPtr terra_storage_ensure_pool   (virConnectPtr   conn,
                                               const char     *directory,
                                               GError        **error);
char             *terra_storage_free_volume_name (virStoragePoolPtr pool,
                                                  const char       *base_name,
                                                  GError          **error);
virStorageVolPtr  terra_storage_create_volume (virStoragePoolPtr pool,
                                               const char       *base_name,
                                               guint64           capacity_gib,
                                               const char       *backing_path,
                                               const char       *backing_format,
                                               GError          **error);
char             *terra_storage_volume_base_name (const char    *machine_name);

G_END_DECLS
