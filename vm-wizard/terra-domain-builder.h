/* terra-domain-builder.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libvirt-gconfig/libvirt-gconfig.h>
#include "terra-gconfig-autoptr.h"
#include <osinfo/osinfo.h>

#include "terra-machine-spec.h"

G_BEGIN_DECLS

/* The mount tag of a shared folder in the guest:
 * mount -t 9p -o trans=virtio,version=9p2000.L terrarium /mnt */
#define TERRA_SHARED_FOLDER_TAG "terrarium"

/* Our own <metadata> namespace in the domain XML. */
#define TERRA_METADATA_NS     "https://terrarium.github.io/xmlns/domain/1.0"
#define TERRA_METADATA_PREFIX "terrarium"
/* libosinfo's namespace, as virt-manager and GNOME Boxes write it. */
#define TERRA_LIBOSINFO_NS     "http://libosinfo.org/xmlns/libvirt/domain/1.0"
#define TERRA_LIBOSINFO_PREFIX "libosinfo"

/**
 * TerraGuestCaps:
 * What the hypervisor offers, parsed from virConnectGetDomainCapabilities()
 * XML (one <domainCapabilities> document for one arch and virt type).
 */
typedef struct {
  char     *domain_type;      /* "kvm" or "qemu" */
  char     *arch;             /* "x86_64" */
  char     *emulator;         /* "/usr/bin/qemu-system-x86_64" */
  char     *machine;          /* canonical machine, e.g. "pc-q35-7.2" */
  gboolean  is_q35;           /* machine is a q35 (no IDE bus) */
  gboolean  has_spice;
  gboolean  has_qxl;
  gboolean  has_virtio_video;
  gboolean  has_usb_tablet;
  guint     max_vcpus;        /* <vcpu max='N'/>, 0 when absent */
} TerraGuestCaps;

TerraGuestCaps *terra_guest_caps_new_from_xml (const char      *domcaps_xml,
                                               GError         **error);
void            terra_guest_caps_free         (TerraGuestCaps  *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraGuestCaps, terra_guest_caps_free)

/**
 * TerraDomainMetadata:
 * What our <terrarium:terrarium> metadata element records.
 */
typedef struct {
  char    *os_id;        /* libosinfo id URI or NULL */
  char    *os_short_id;  /* libosinfo short id or NULL */
  char    *os_name;      /* or NULL */
  char    *media_path;   /* the installer media, or NULL */
  char    *created;      /* ISO 8601 UTC, or NULL */
  char   **volumes;      /* NULL-terminated: storage volume paths the app created (delete removes these) */
  char    *base_image;   /* the image the disk is an overlay of (never deleted), or NULL */
  char    *lab_name;     /* the lab the machine belongs to, or NULL */
  char    *lab_file;     /* that lab's file, or NULL */
  char    *install;      /* "express" while an express install runs, "done" after, or NULL */
  char    *express_dir;  /* the express install's files (terra_express_remove_directory()), or NULL */
  char    *script_disc;  /* its script disc (attached while installing), or NULL */
} TerraDomainMetadata;

TerraDomainMetadata *terra_domain_metadata_parse (const char          *domain_xml);
void                 terra_domain_metadata_free  (TerraDomainMetadata *md);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraDomainMetadata, terra_domain_metadata_free)

GVirConfigDomain *terra_domain_builder_build   (const TerraMachineSpec *spec,
                                                const TerraGuestCaps   *caps,
                                                OsinfoOs               *os,
                                                const char             *disk_path,
                                                const char             *created_iso8601,
                                                GError                **error);
gboolean terra_domain_builder_uses_virtio_disk (const TerraMachineSpec *spec,
                                                OsinfoOs               *os);
gboolean terra_domain_metadata_apply        (GVirConfigDomain          *domain,
                                            const TerraDomainMetadata *md,
                                            GError                   **error);
gboolean terra_domain_xml_has_transient_disk (const char *domain_xml);
gboolean terra_domain_xml_uses_uefi          (const char *domain_xml);
char    *terra_domain_xml_make_disposable    (const char *domain_xml,
                                              GError    **error);
char    *terra_domain_xml_set_cdrom          (const char *domain_xml,
                                              const char *media_path,
                                              char      **disk_xml,
                                              GError    **error);
char    *terra_domain_xml_set_transient      (const char *domain_xml,
                                              gboolean    transient,
                                              GError    **error);

char    *terra_domain_xml_finish_install     (const char *domain_xml,
                                              GError    **error);
char    *terra_domain_xml_set_video          (const char *domain_xml,
                                              const char *model,
                                              GError    **error);
char    *terra_domain_xml_set_nat            (const char *domain_xml,
                                              gboolean    nat,
                                              GError    **error);
char    *terra_domain_xml_set_sound          (const char *domain_xml,
                                              gboolean    sound,
                                              GError    **error);
char    *terra_domain_xml_set_shared_folder  (const char *domain_xml,
                                              const char *folder,
                                              GError    **error);
char    *terra_domain_xml_shared_folder      (const char *domain_xml);
char    *terra_domain_xml_forget_macs        (const char *domain_xml,
                                              GError    **error);

GVirConfigStorageVol *terra_volume_builder_build (const char           *volume_name,
                                                  guint64               capacity_gib,
                                                  const char           *backing_path,
                                                  const char           *backing_format);

G_END_DECLS
