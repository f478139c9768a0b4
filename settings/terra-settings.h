/* terra-settings.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERRA_SETTINGS_KEY_CONNECTION_URI "connection-uri"
#define TERRA_SETTINGS_KEY_IMAGES_DIR     "images-dir"
#define TERRA_SETTINGS_KEY_EXTRA_CONNECTIONS "extra-connections"
#define TERRA_SETTINGS_KEY_HOST_RESERVE    "host-reserve-mib"
#define TERRA_SETTINGS_KEY_BUDGET_WARNINGS "budget-warnings"
#define TERRA_SETTINGS_KEY_CLOSE_ACTION    "close-action"
#define TERRA_SETTINGS_KEY_SHUTDOWN_TIMEOUT "shutdown-timeout"
#define TERRA_SETTINGS_KEY_THUMBNAILS      "thumbnails"
#define TERRA_SETTINGS_KEY_SAVE_ON_LOGOUT  "save-on-logout"
#define TERRA_SETTINGS_DEFAULT_URI        "qemu:///session"

#define TERRA_TYPE_SETTINGS (terra_settings_get_type ())
G_DECLARE_FINAL_TYPE (TerraSettings, terra_settings, TERRA, SETTINGS, GObject)

TerraSettings *terra_settings_new                (void);
gboolean       terra_settings_get_is_persistent  (TerraSettings *self);
char          *terra_settings_dup_connection_uri (TerraSettings *self);
char          *terra_settings_dup_images_dir     (TerraSettings *self);
GSettings     *terra_settings_get_gsettings      (TerraSettings *self);
guint64        terra_settings_get_host_reserve_mib (TerraSettings *self);
gboolean       terra_settings_get_budget_warnings (TerraSettings *self);
guint          terra_settings_get_shutdown_timeout_s (TerraSettings *self);
gboolean       terra_settings_get_thumbnails      (TerraSettings *self);
char         **terra_settings_dup_extra_connections (TerraSettings *self);
gboolean       terra_settings_get_save_on_logout  (TerraSettings *self);
char          *terra_settings_dup_close_action   (TerraSettings *self);

G_END_DECLS
