/* terra-download-page.h — the wizard's "Download an OS" page
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TERRA_TYPE_DOWNLOAD_PAGE (terra_download_page_get_type ())
G_DECLARE_FINAL_TYPE (TerraDownloadPage, terra_download_page, TERRA, DOWNLOAD_PAGE, GtkBox)

/* Signals: "downloaded" (const char *path) when a download is complete and
 * checked. */
GtkWidget *terra_download_page_new    (void);
void       terra_download_page_cancel (TerraDownloadPage *self);

G_END_DECLS
