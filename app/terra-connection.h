/* terra-connection.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/**
 * TerraConnectionState:
 * @TERRA_CONNECTION_DISCONNECTED: not connected (never, or given up)
 * @TERRA_CONNECTION_CONNECTING: an open is under way in a worker thread
 * @TERRA_CONNECTION_CONNECTED: connected; events flow
 * @TERRA_CONNECTION_LOST: the daemon went away; retrying every few seconds
 */
typedef enum {
  TERRA_CONNECTION_DISCONNECTED,
  TERRA_CONNECTION_CONNECTING,
  TERRA_CONNECTION_CONNECTED,
  TERRA_CONNECTION_LOST,
} TerraConnectionState;

#define TERRA_TYPE_CONNECTION (terra_connection_get_type ())
G_DECLARE_FINAL_TYPE (TerraConnection, terra_connection, TERRA, CONNECTION, GObject)

void                 terra_connection_init_libvirt   (void);
TerraConnection     *terra_connection_new            (const char           *uri);
const char          *terra_connection_get_uri        (TerraConnection      *self);
TerraConnectionState terra_connection_get_state      (TerraConnection      *self);
const GError        *terra_connection_get_last_error (TerraConnection      *self);
virConnectPtr        terra_connection_dup_handle     (TerraConnection      *self);
void                 terra_connection_open_async     (TerraConnection      *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean             terra_connection_open_finish    (TerraConnection      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
gboolean             terra_connection_open_sync      (TerraConnection      *self,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void                 terra_connection_run_async      (TerraConnection      *self,
                                                      GTaskThreadFunc       func,
                                                      gpointer              task_data,
                                                      GDestroyNotify        task_data_free,
                                                      gpointer              source_object,
                                                      gpointer              source_tag,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);

gboolean terra_connection_uri_is_local (const char *uri);
char    *terra_connection_uri_describe (const char *uri);

G_END_DECLS
