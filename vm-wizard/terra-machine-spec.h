/* terra-machine-spec.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TerraMachineSpec:
 * @name: the machine's name as the user typed it (any UTF-8; escaped by the builder)
 * @media_path: absolute path of the installer media (ISO), or %NULL
 * @os_id: libosinfo OS id URI (e.g. "http://debian.org/debian/11"), or %NULL when unknown
 * @os_short_id: libosinfo short id (e.g. "debian11"), or %NULL
 * @os_name: human OS name ("Debian 11"), or %NULL
 * @memory_mib: RAM in MiB
 * @vcpus: number of vCPUs
 * @disk_gib: disk virtual size in GiB
 *
 * The user's choices: the only thing the wizard (or terrarium-ctl create)
 * hands to the VM creator.
 */
typedef struct {
  char    *name;
  char    *media_path;
  char    *os_id;
  char    *os_short_id;
  char    *os_name;
  guint64  memory_mib;
  guint    vcpus;
  guint64  disk_gib;
} TerraMachineSpec;

#define TERRA_TYPE_MACHINE_SPEC (terra_machine_spec_get_type ())
GType             terra_machine_spec_get_type (void) G_GNUC_CONST;
TerraMachineSpec *terra_machine_spec_new      (void);
TerraMachineSpec *terra_machine_spec_copy     (const TerraMachineSpec *spec);
void              terra_machine_spec_free     (TerraMachineSpec       *spec);
gboolean          terra_machine_spec_validate (const TerraMachineSpec *spec,
                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraMachineSpec, terra_machine_spec_free)

G_END_DECLS
