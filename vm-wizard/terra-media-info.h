/* terra-media-info.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

#include "terra-os-db.h"

G_BEGIN_DECLS

#define TERRA_TYPE_MEDIA_INFO (terra_media_info_get_type ())
G_DECLARE_FINAL_TYPE (TerraMediaInfo, terra_media_info, TERRA, MEDIA_INFO, GObject)

gboolean        terra_iso9660_probe             (const char          *path,
                                                 char               **volume_id,
                                                 GError             **error);
TerraMediaInfo *terra_media_info_detect_sync     (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void            terra_media_info_detect_async    (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
TerraMediaInfo *terra_media_info_detect_finish   (GAsyncResult        *result,
                                                  GError             **error);
const char     *terra_media_info_get_path        (TerraMediaInfo      *self);
gboolean        terra_media_info_get_identified  (TerraMediaInfo      *self);
OsinfoOs       *terra_media_info_get_os          (TerraMediaInfo      *self);
const char     *terra_media_info_get_os_id       (TerraMediaInfo      *self);
const char     *terra_media_info_get_os_short_id (TerraMediaInfo      *self);
const char     *terra_media_info_get_os_name     (TerraMediaInfo      *self);
const char     *terra_media_info_get_guess_name  (TerraMediaInfo      *self);
void            terra_media_info_choose_os       (TerraMediaInfo      *self,
                                                  OsinfoOs            *os);
gboolean        terra_media_info_get_chosen      (TerraMediaInfo      *self);
OsinfoOs       *terra_media_info_get_nearest_os  (TerraMediaInfo      *self);
const char     *terra_media_info_get_family      (TerraMediaInfo      *self);
const char     *terra_media_info_get_arch        (TerraMediaInfo      *self);
const char     *terra_media_info_get_volume_id   (TerraMediaInfo      *self);
gboolean        terra_media_info_get_installer   (TerraMediaInfo      *self);
gboolean        terra_media_info_get_live        (TerraMediaInfo      *self);
void            terra_media_info_get_recommended (TerraMediaInfo      *self,
                                                  TerraResources      *out);
void            terra_media_info_get_minimum     (TerraMediaInfo      *self,
                                                  TerraResources      *out);

G_END_DECLS
