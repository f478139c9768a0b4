/* terra-application.h — the Terrarium GUI application
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TERRA_TYPE_APPLICATION (terra_application_get_type ())
G_DECLARE_FINAL_TYPE (TerraApplication, terra_application, TERRA, APPLICATION, AdwApplication)

TerraApplication *terra_application_new (void);

G_END_DECLS
