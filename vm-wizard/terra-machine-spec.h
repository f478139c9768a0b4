/* terra-machine-spec.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "terra-express.h"

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
 * @base_image: (nullable): absolute path of a disk image (qcow2 or raw) the
 *   new disk is a qcow2 overlay of (a linked clone: the image is only read,
 *   never changed), or %NULL for a blank disk
 * @base_format: "qcow2" or "raw", the format of @base_image
 * @import_image: (nullable): absolute path of a disk image (qcow2, raw,
 *   vmdk, vdi, vhdx, vpc) copied into the pool as the new machine's disk
 *   (qemu-img convert; the image itself is only read), or %NULL
 * @import_format: qemu-img's format name of @import_image
 * @uefi: boot with UEFI firmware (libvirt picks OVMF; else BIOS)
 * @secure_boot: with @uefi, UEFI Secure Boot (OVMF's secure-boot build,
 *   SMM on); Windows 11 needs it
 * @tpm: an emulated TPM 2.0 (swtpm, `<tpm model='tpm-crb'>`); Windows 11
 *   needs it
 * @no_nat: %TRUE for no NAT network card (a lab VM that only sees its lab
 *   networks); the default %FALSE gives user-mode NAT
 * @lab_segments: (nullable) (array zero-terminated=1): lab network segments
 *   to attach, each "GROUP:PORT" of a multicast UDP socket network
 *   (QEMU `-netdev socket,mcast=`, libvirt `<interface type='mcast'>`)
 * @shared_folder: (nullable): absolute path of a host folder to share with
 *   the guest over virtio-9p (mount tag "terrarium"), or %NULL
 * @express: (nullable): answers for an express (unattended) install from
 *   @media_path, or %NULL to install by hand
 * @express_setup: (nullable): set by the VM creator once the install script
 *   is prepared (terra_express_prepare_sync()); the builder boots from it
 * @agent_socket: (nullable): where qemu-guest-agent's channel socket goes;
 *   %NULL lets libvirt choose, under the user's config folder with the
 *   domain's name in it, which passes the 107-byte limit of a socket path
 *   for long home folders and names (the creator sets a short one in
 *   $XDG_RUNTIME_DIR for local session connections)
 * @lab_name: (nullable): the lab this machine belongs to (our metadata)
 * @lab_file: (nullable): absolute path of that lab's file
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
  char    *base_image;
  char    *base_format;
  char    *import_image;
  char    *import_format;
  gboolean uefi;
  gboolean secure_boot;
  gboolean tpm;
  gboolean no_nat;
  char   **lab_segments;
  char    *shared_folder;
  TerraExpressConfig *express;
  TerraExpressSetup  *express_setup;
  char    *agent_socket;
  char    *lab_name;
  char    *lab_file;
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
