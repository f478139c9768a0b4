/* terra-os-db.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/**
 * TerraResources:
 * @memory_mib: RAM in MiB, 0 when unknown
 * @vcpus: virtual CPUs, 0 when unknown
 * @disk_gib: disk size in GiB, 0 when unknown
 */
typedef struct {
  guint64 memory_mib;
  guint   vcpus;
  guint64 disk_gib;
} TerraResources;

OsinfoDb *terra_os_db_get                 (GError         **error);
OsinfoOs *terra_os_db_find_os             (const char      *id_or_short_id);
void      terra_os_db_get_resources       (OsinfoOs        *os,
                                           const char      *arch,
                                           TerraResources  *recommended,
                                           TerraResources  *minimum);
gboolean  terra_os_db_supports_device     (OsinfoOs        *os,
                                           const char      *device_name);
void      terra_os_db_get_firmware_needs  (OsinfoOs        *os,
                                           gboolean        *uefi,
                                           gboolean        *secure_boot,
                                           gboolean        *tpm);

G_END_DECLS
