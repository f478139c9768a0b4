/* terra-display-clipboard.h — the host's clipboards and a guest's, kept in step
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "terra-display-session.h"

G_BEGIN_DECLS

#define TERRA_TYPE_DISPLAY_CLIPBOARD (terra_display_clipboard_get_type ())
G_DECLARE_FINAL_TYPE (TerraDisplayClipboard, terra_display_clipboard, TERRA, DISPLAY_CLIPBOARD, GObject)

TerraDisplayClipboard *terra_display_clipboard_new (TerraDisplaySession *session,
                                                    GdkClipboard        *clipboard,
                                                    GdkClipboard        *primary);

G_END_DECLS
