/* terra-machine-spec.c — what the user asked for when creating a machine
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-error.h"
#include "terra-machine-spec.h"

/* Limits. Memory and vCPU ceilings are QEMU/libvirt's practical ones for an
 * x86_64 q35 guest (libvirt rejects more than the machine type's max vCPUs,
 * 288 for q35 in QEMU 7.2; we stop at 255, the xAPIC limit without an IOMMU).
 * The name rule follows libvirt's: any UTF-8 except '/', and we add no
 * control characters and a length a list can show. */
#define MIN_MEMORY_MIB 128
#define MAX_MEMORY_MIB (G_GUINT64_CONSTANT (1024) * 1024) /* 1 TiB */
#define MAX_VCPUS      255
#define MIN_DISK_GIB   1
#define MAX_DISK_GIB   (G_GUINT64_CONSTANT (64) * 1024)   /* 64 TiB */
#define MAX_NAME_CHARS 100

G_DEFINE_BOXED_TYPE (TerraMachineSpec, terra_machine_spec, terra_machine_spec_copy, terra_machine_spec_free)

/**
 * terra_machine_spec_new:
 *
 * Returns: (transfer full): an empty spec (all fields zero/%NULL)
 */
TerraMachineSpec *
terra_machine_spec_new (void)
{
  return g_new0 (TerraMachineSpec, 1);
}

/**
 * terra_machine_spec_copy:
 * @spec: a spec
 *
 * Returns: (transfer full): a deep copy of @spec
 */
TerraMachineSpec *
terra_machine_spec_copy (const TerraMachineSpec *spec)
{
  TerraMachineSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_new0 (TerraMachineSpec, 1);
  copy->name = g_strdup (spec->name);
  copy->media_path = g_strdup (spec->media_path);
  copy->os_id = g_strdup (spec->os_id);
  copy->os_short_id = g_strdup (spec->os_short_id);
  copy->os_name = g_strdup (spec->os_name);
  copy->memory_mib = spec->memory_mib;
  copy->vcpus = spec->vcpus;
  copy->disk_gib = spec->disk_gib;
  copy->base_image = g_strdup (spec->base_image);
  copy->base_format = g_strdup (spec->base_format);
  copy->import_image = g_strdup (spec->import_image);
  copy->import_format = g_strdup (spec->import_format);
  copy->uefi = spec->uefi;
  copy->secure_boot = spec->secure_boot;
  copy->tpm = spec->tpm;
  copy->no_nat = spec->no_nat;
  copy->lab_segments = g_strdupv (spec->lab_segments);
  copy->shared_folder = g_strdup (spec->shared_folder);
  copy->express = spec->express ? terra_express_config_copy (spec->express) : NULL;
  copy->express_setup = spec->express_setup ? terra_express_setup_copy (spec->express_setup) : NULL;
  copy->agent_socket = g_strdup (spec->agent_socket);
  copy->lab_name = g_strdup (spec->lab_name);
  copy->lab_file = g_strdup (spec->lab_file);
  return copy;
}

/**
 * terra_machine_spec_free:
 * @spec: (nullable): a spec
 *
 * Frees @spec and its strings.
 */
void
terra_machine_spec_free (TerraMachineSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->media_path);
  g_free (spec->os_id);
  g_free (spec->os_short_id);
  g_free (spec->os_name);
  g_free (spec->base_image);
  g_free (spec->base_format);
  g_free (spec->import_image);
  g_free (spec->import_format);
  g_strfreev (spec->lab_segments);
  g_free (spec->shared_folder);
  terra_express_config_free (spec->express);
  terra_express_setup_free (spec->express_setup);
  g_free (spec->agent_socket);
  g_free (spec->lab_name);
  g_free (spec->lab_file);
  g_free (spec);
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || *(stripped = g_strstrip (g_strdup (name))) == '\0')
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                   _("Give the virtual machine a name."));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                   _("The name is not valid text."));
      return FALSE;
    }
  if (g_strcmp0 (stripped, name) != 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                   _("The name cannot start or end with spaces."));
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > MAX_NAME_CHARS)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                   _("The name is too long: use at most %d characters."), MAX_NAME_CHARS);
      return FALSE;
    }
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/')
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                       _("The name cannot contain “/”."));
          return FALSE;
        }
      if (g_unichar_iscntrl (c))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_NAME,
                       _("The name cannot contain control characters such as line breaks or tabs."));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * terra_machine_spec_validate:
 * @spec: a spec
 * @error: %TERRA_ERROR_INVALID_NAME for the name, %TERRA_ERROR_INVALID_ARGUMENT
 *   for memory (128 MiB … 1 TiB), vCPUs (1 … 255) or disk (1 GiB … 64 TiB),
 *   for a disk both imported and based on an image, or Secure Boot without
 *   UEFI
 *
 * Checks the values a user can type. Whether the host can give them is the
 * budget's business, not this function's.
 *
 * Returns: %TRUE when @spec can be created
 */
gboolean
terra_machine_spec_validate (const TerraMachineSpec  *spec,
                             GError                 **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!validate_name (spec->name, error))
    return FALSE;
  if (spec->memory_mib < MIN_MEMORY_MIB || spec->memory_mib > MAX_MEMORY_MIB)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("Memory must be between %d MiB and %d GiB, not %" G_GUINT64_FORMAT " MiB."),
                   MIN_MEMORY_MIB, (int)(MAX_MEMORY_MIB / 1024), spec->memory_mib);
      return FALSE;
    }
  if (spec->vcpus < 1 || spec->vcpus > MAX_VCPUS)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("The number of vCPUs must be between 1 and %d, not %u."), MAX_VCPUS, spec->vcpus);
      return FALSE;
    }
  if (spec->disk_gib < MIN_DISK_GIB || spec->disk_gib > MAX_DISK_GIB)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("The disk size must be between %d GiB and %d TiB, not %" G_GUINT64_FORMAT " GiB."),
                   MIN_DISK_GIB, (int)(MAX_DISK_GIB / 1024), spec->disk_gib);
      return FALSE;
    }
  if (spec->import_image != NULL && (spec->base_image != NULL || spec->import_format == NULL))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("An imported disk needs its format and cannot also be based on another image."));
      return FALSE;
    }
  if (spec->express != NULL && spec->media_path == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("An express install needs installer media."));
      return FALSE;
    }
  if (spec->secure_boot && !spec->uefi)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("Secure Boot needs UEFI firmware."));
      return FALSE;
    }
  return TRUE;
}
