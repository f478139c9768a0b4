/* terra-lab.h — lab files (`*.terrarium-lab.yaml`): a set of VMs as one unit
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/** The lab file format this code reads (the file's `format:` key). */
#define TERRA_LAB_FORMAT 1
/** What lab files are called. */
#define TERRA_LAB_SUFFIX ".terrarium-lab.yaml"
/** The snapshot `up` takes and `reset` returns to. */
#define TERRA_LAB_BASELINE "baseline"

/**
 * TerraLabProblem:
 * @file: the lab file as the user named it
 * @line: 1-based line
 * @column: 1-based column
 * @message: what is wrong and, where it helps, what to write instead
 * @over_budget: the problem is the host budget's "over" verdict, which the
 *   user may override (`--force`, "Bring Up Anyway"); all others may not
 *
 * One problem in a lab file, printed like a compiler's
 * ("lab.yaml:14:9: memory must be a whole number of MiB, got \"2G\"").
 */
typedef struct {
  char  *file;
  guint  line;
  guint  column;
  char  *message;
  gboolean over_budget;
} TerraLabProblem;

void  terra_lab_problem_free   (TerraLabProblem *problem);
char *terra_lab_problem_format (const TerraLabProblem *problem);

typedef enum {
  TERRA_LAB_SOURCE_FILE, /*< nick=file >*/  /* a local ISO or disk image */
  TERRA_LAB_SOURCE_URL,  /*< nick=url >*/   /* downloaded, checked against a SHA-256 */
  TERRA_LAB_SOURCE_OS,   /*< nick=os >*/    /* libosinfo's installer media for an OS */
} TerraLabSourceKind;

/**
 * TerraLabVm:
 * @name: the VM's name in the lab ("client")
 * @domain_name: the libvirt domain's name: "LAB-VM" ("net101-client")
 * @source_kind: where the VM's system comes from
 * @source: absolute path (FILE), URL (URL) or libosinfo short id (OS)
 * @sha256: the URL's expected SHA-256 in hex, or %NULL
 * @url: the URL to download (URL and OS sources), or %NULL
 * @is_disk: the source is a disk image the VM's disk is a qcow2 overlay of
 *   (a linked clone); otherwise it is installer media on a CD-ROM and the
 *   VM gets a blank disk
 * @disk_format: "qcow2" or "raw" when @is_disk
 * @memory_mib: RAM in MiB
 * @vcpus: vCPUs
 * @disk_gib: disk size in GiB (for overlays at least the image's size)
 * @uefi: UEFI firmware (else BIOS)
 * @networks: (array zero-terminated=1): names of lab networks to attach
 * @nat: a user-mode NAT card to reach outside (the host's network)
 * @shared_folder: (nullable): absolute path of a host folder shared with the
 *   guest (virtio-9p, mount tag "terrarium"), or %NULL
 * @disposable: every run starts from the base: changes are thrown away at
 *   stop and `reset` restarts it on a fresh overlay
 * @baseline_disk_only: the `baseline` snapshot holds only the disk, taken
 *   before the first start (`baseline: disk`: costs almost no disk space;
 *   reset boots the guest again); otherwise (`baseline: memory`, the
 *   default) it is taken @baseline_after_s seconds after the first start
 *   with the guest's memory (reset resumes the booted guest at once; costs
 *   about the guest's used RAM in disk space per VM)
 * @baseline_after_s: seconds after the first start until a memory baseline
 *   is taken (so it holds a booted guest)
 * @line: 1-based line of the VM's entry
 * @column: its column
 *
 * One VM of a lab, checked.
 */
typedef struct {
  char               *name;
  char               *domain_name;
  TerraLabSourceKind  source_kind;
  char               *source;
  char               *sha256;
  char               *url;
  gboolean            is_disk;
  char               *disk_format;
  guint64             memory_mib;
  guint               vcpus;
  guint64             disk_gib;
  gboolean            uefi;
  char              **networks;
  gboolean            nat;
  char               *shared_folder;
  gboolean            disposable;
  gboolean            baseline_disk_only;
  guint               baseline_after_s;
  guint               line;
  guint               column;
} TerraLabVm;

/**
 * TerraLabNetwork:
 * @name: the network's name in the lab
 * @description: (nullable): what it is for
 * @segment: "GROUP:PORT" of the multicast UDP socket network that carries it
 *   (an administratively scoped 239.255.x.y group and a port, both derived
 *   from a SHA-256 of the lab's and the network's names)
 */
typedef struct {
  char *name;
  char *description;
  char *segment;
} TerraLabNetwork;

/**
 * TerraLab:
 * @path: the lab file's absolute path
 * @display_path: the file as the user named it (for messages)
 * @directory: the file's directory: relative sources are looked up here
 * @name: the lab's name (also the prefix of its VMs' names)
 * @description: (nullable): one line about the lab
 * @notes: (nullable): notes shown to students
 * @vms: (element-type TerraLabVm): the VMs, in file order
 * @networks: (element-type TerraLabNetwork): the lab networks
 */
typedef struct {
  char      *path;
  char      *display_path;
  char      *directory;
  char      *name;
  char      *description;
  char      *notes;
  GPtrArray *vms;
  GPtrArray *networks;
} TerraLab;

TerraLab        *terra_lab_load              (const char   *path,
                                              GPtrArray   **problems,
                                              GError      **error);
TerraLab        *terra_lab_load_from_data    (const char   *data,
                                              gssize        length,
                                              const char   *path,
                                              GPtrArray   **problems,
                                              GError      **error);
void             terra_lab_free              (TerraLab     *lab);
TerraLabVm      *terra_lab_find_vm           (TerraLab     *lab,
                                              const char   *name);
TerraLabNetwork *terra_lab_find_network      (TerraLab     *lab,
                                              const char   *name);
char            *terra_lab_segment_for       (const char   *lab_name,
                                              const char   *network_name);
char            *terra_lab_format_problems   (GPtrArray    *problems);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraLab, terra_lab_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraLabProblem, terra_lab_problem_free)

G_END_DECLS
