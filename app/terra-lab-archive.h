/* terra-lab-archive.h — a lab and its images as one checked tarball
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "terra-lab.h"

G_BEGIN_DECLS

/** The checksum list inside a lab archive (sha256sum's format). */
#define TERRA_LAB_ARCHIVE_SUMS "SHA256SUMS"

gboolean  terra_lab_export_sync (TerraLab      *lab,
                                 const char    *archive_path,
                                 GCancellable  *cancellable,
                                 GError       **error);
char     *terra_lab_import_sync (const char    *archive_path,
                                 const char    *directory,
                                 GCancellable  *cancellable,
                                 GError       **error);

G_END_DECLS
