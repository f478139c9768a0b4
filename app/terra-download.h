/* terra-download.h — downloading images over HTTP(S), checked and resumable
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TerraDownloadProgress:
 * @received: bytes on disk so far (including a resumed part)
 * @total: the full size in bytes, or 0 when the server did not say
 * @bytes_per_second: the recent rate
 * @user_data: the caller's data
 *
 * Called from the downloading thread about every half second.
 */
typedef void (*TerraDownloadProgress) (guint64  received,
                                       guint64  total,
                                       double   bytes_per_second,
                                       gpointer user_data);

char *terra_download_dup_target (const char *url,
                                 const char *directory);
char *terra_download_sync (const char             *url,
                           const char             *directory,
                           const char             *sha256,
                           TerraDownloadProgress   progress,
                           gpointer                user_data,
                           GCancellable           *cancellable,
                           GError                **error);

G_END_DECLS
