/* terra-display-gl.h — the guest's screen in one GL texture, updated where it changed
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "terra-display-damage.h"
#include "terra-display-geometry.h"

G_BEGIN_DECLS

typedef struct _TerraDisplayGl TerraDisplayGl;

TerraDisplayGl *terra_display_gl_new      (void);
void            terra_display_gl_free     (TerraDisplayGl *gl);
gboolean        terra_display_gl_realize  (TerraDisplayGl *gl,
                                           GdkGLContext   *context,
                                           GError        **error);
void            terra_display_gl_unrealize (TerraDisplayGl *gl);
guint64         terra_display_gl_render   (TerraDisplayGl        *gl,
                                           const guint8          *pixels,
                                           int                    width,
                                           int                    height,
                                           gsize                  stride,
                                           const TerraDamage     *damage,
                                           const TerraDisplayFit *fit,
                                           int                    area_width,
                                           int                    area_height,
                                           int                    scale_factor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraDisplayGl, terra_display_gl_free)

G_END_DECLS
