/* terra-wizard.h — the create-a-VM window: media, review, create
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "terra-connection.h"
#include "terra-host.h"

G_BEGIN_DECLS

#define TERRA_TYPE_WIZARD (terra_wizard_get_type ())
G_DECLARE_FINAL_TYPE (TerraWizard, terra_wizard, TERRA, WIZARD, AdwWindow)

/* Signals: "created" (const char *uuid) once the machine is defined and started;
 * the wizard closes itself right after. */
TerraWizard *terra_wizard_new      (GtkWindow           *parent,
                                    TerraConnection     *connection,
                                    const TerraHostInfo *host,
                                    const char * const  *taken_names);
void         terra_wizard_set_file (TerraWizard         *self,
                                    GFile               *file);
void         terra_wizard_set_budget_preferences (TerraWizard *self,
                                                  guint64      reserve_mib,
                                                  gboolean     warnings);

G_END_DECLS
