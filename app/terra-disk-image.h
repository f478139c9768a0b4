/* terra-disk-image.h — inspecting, checking and importing disk images (qemu-img)
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TerraDiskImageInfo:
 * @format: qemu-img's name of the format ("qcow2", "raw", "vmdk", "vdi", …)
 * @virtual_size: the disk's size as the guest sees it, in bytes
 * @backing: (nullable): the backing file as the image records it
 * @backing_full: (nullable): that backing file resolved against the
 *   image's folder (qemu-img's "full-backing-filename")
 * @external_files: (array zero-terminated=1): other files the image reads
 *   besides its backing file — a VMDK descriptor's extents, a qcow2
 *   external data file — as absolute paths; empty when there are none
 *
 * What `qemu-img info` says about one image, without opening its backing
 * file.
 */
typedef struct {
  char    *format;
  guint64  virtual_size;
  char    *backing;
  char    *backing_full;
  char   **external_files;
} TerraDiskImageInfo;

/**
 * TerraDiskImageProgress:
 * @fraction: 0.0 … 1.0
 * @user_data: the caller's data
 *
 * Called from the converting thread as qemu-img reports progress.
 */
typedef void (*TerraDiskImageProgress) (double   fraction,
                                        gpointer user_data);

void                terra_disk_image_info_free      (TerraDiskImageInfo *info);
TerraDiskImageInfo *terra_disk_image_inspect_sync   (const char          *path,
                                                     gboolean             shared,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
gboolean            terra_disk_image_check_confined (const char          *path,
                                                     const char          *directory,
                                                     TerraDiskImageInfo **info_out,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
gboolean            terra_disk_image_convert_sync   (const char          *source,
                                                     const char          *source_format,
                                                     const char          *dest,
                                                     gboolean             into_existing,
                                                     TerraDiskImageProgress progress,
                                                     gpointer             user_data,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
gboolean            terra_disk_image_format_importable (const char       *format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraDiskImageInfo, terra_disk_image_info_free)

G_END_DECLS
