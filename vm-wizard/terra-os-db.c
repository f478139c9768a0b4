/* terra-os-db.c — the libosinfo database, loaded once
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-os-db"

#include "config.h"

#include <glib/gi18n.h>

#include "terra-error.h"
#include "terra-os-db.h"

static GMutex db_lock;
static OsinfoDb *db;
static GError *db_error;

/**
 * terra_os_db_get:
 * @error: %TERRA_ERROR_FAILED when osinfo-db cannot be loaded
 *
 * Loads the system osinfo-db (and the user's local additions) the first time
 * it is called, from any thread. Loading takes ~1 s, so call it from a worker.
 *
 * Returns: (transfer none) (nullable): the database, alive for the process
 */
OsinfoDb *
terra_os_db_get (GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&db_lock);

  if (db == NULL && db_error == NULL)
    {
      g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
      GError *local_error = NULL;

      osinfo_loader_process_default_path (loader, &local_error);
      if (local_error != NULL)
        {
          g_set_error (&db_error, TERRA_ERROR, TERRA_ERROR_FAILED,
                       _("The operating system database (osinfo-db) could not be loaded.\n\n%s"),
                       local_error->message);
          g_error_free (local_error);
        }
      else
        db = g_object_ref (osinfo_loader_get_db (loader));
    }

  if (db == NULL)
    {
      if (error != NULL)
        *error = g_error_copy (db_error);
      return NULL;
    }
  return db;
}

/**
 * terra_os_db_find_os:
 * @id_or_short_id: a libosinfo id URI ("http://debian.org/debian/11") or short id ("debian11")
 *
 * Returns: (transfer none) (nullable): the OS, or %NULL when unknown
 */
OsinfoOs *
terra_os_db_find_os (const char *id_or_short_id)
{
  OsinfoDb *osdb;
  g_autoptr(OsinfoOsList) list = NULL;
  OsinfoOs *found = NULL;

  g_return_val_if_fail (id_or_short_id != NULL, NULL);

  osdb = terra_os_db_get (NULL);
  if (osdb == NULL)
    return NULL;

  found = osinfo_db_get_os (osdb, id_or_short_id);
  if (found != NULL)
    return found;

  list = osinfo_db_get_os_list (osdb);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      if (g_strcmp0 (osinfo_product_get_short_id (OSINFO_PRODUCT (os)), id_or_short_id) == 0)
        return os;
    }
  return NULL;
}

static void
resources_from (OsinfoResources *res,
                TerraResources  *out)
{
  gint64 ram, storage;
  gint cpus;

  if (res == NULL || out == NULL)
    return;
  ram = osinfo_resources_get_ram (res);
  storage = osinfo_resources_get_storage (res);
  cpus = osinfo_resources_get_n_cpus (res);
  /* libosinfo gives bytes and -1 for "not set". */
  if (ram > 0 && out->memory_mib == 0)
    out->memory_mib = (guint64)ram / (1024 * 1024);
  if (storage > 0 && out->disk_gib == 0)
    out->disk_gib = ((guint64)storage + (G_GUINT64_CONSTANT (1) << 30) - 1) >> 30;
  if (cpus > 0 && out->vcpus == 0)
    out->vcpus = (guint)cpus;
}

static void
fill_from_list (OsinfoResourcesList *list,
                const char          *arch,
                TerraResources      *out)
{
  if (list == NULL || out == NULL)
    return;
  /* First the exact architecture, then "all". */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
      {
        OsinfoResources *res = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
        const char *res_arch = osinfo_resources_get_architecture (res);

        if ((pass == 0 && g_strcmp0 (res_arch, arch) == 0) ||
            (pass == 1 && g_strcmp0 (res_arch, OSINFO_ARCHITECTURE_ALL) == 0))
          resources_from (res, out);
      }
}

/**
 * terra_os_db_get_resources:
 * @os: an OS from libosinfo
 * @arch: (nullable): architecture, "x86_64" when %NULL
 * @recommended: (out caller-allocates) (optional): libosinfo's recommended resources
 * @minimum: (out caller-allocates) (optional): libosinfo's minimum resources
 *
 * Reads the `<resources>` of @os (osinfo-db, including what it inherits
 * from the OS it derives from). Fields libosinfo leaves unset stay 0.
 * Memory in MiB, disk in GiB (rounded up).
 */
void
terra_os_db_get_resources (OsinfoOs       *os,
                           const char     *arch,
                           TerraResources *recommended,
                           TerraResources *minimum)
{
  g_return_if_fail (OSINFO_IS_OS (os));

  if (arch == NULL)
    arch = "x86_64";
  if (recommended != NULL)
    {
      g_autoptr(OsinfoResourcesList) rec = osinfo_os_get_recommended_resources (os);
      *recommended = (TerraResources) { 0 };
      fill_from_list (rec, arch, recommended);
    }
  if (minimum != NULL)
    {
      g_autoptr(OsinfoResourcesList) min = osinfo_os_get_minimum_resources (os);
      *minimum = (TerraResources) { 0 };
      fill_from_list (min, arch, minimum);
    }
}

/**
 * terra_os_db_supports_device:
 * @os: (nullable): an OS from libosinfo
 * @device_name: an osinfo device name, e.g. "virtio1.0-block", "virtio1.0-net", "qxl"
 *
 * Whether libosinfo says @os has a driver for the device (its `<devices>`,
 * including inherited ones). %FALSE for a %NULL or unknown OS.
 *
 * Returns: %TRUE when the device is supported
 */
gboolean
terra_os_db_supports_device (OsinfoOs   *os,
                             const char *device_name)
{
  g_autoptr(OsinfoDeviceList) devices = NULL;

  if (os == NULL)
    return FALSE;
  devices = osinfo_os_get_all_devices (os, NULL);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (devices)); i++)
    {
      OsinfoDevice *dev = OSINFO_DEVICE (osinfo_list_get_nth (OSINFO_LIST (devices), i));
      if (g_strcmp0 (osinfo_device_get_name (dev), device_name) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * terra_os_db_get_firmware_needs:
 * @os: (nullable): an OS from libosinfo
 * @uefi: (out): whether @os should boot with UEFI
 * @secure_boot: (out): whether it needs Secure Boot
 * @tpm: (out): whether it needs a TPM 2.0
 *
 * What firmware to give @os. libosinfo lists the firmware an OS supports
 * for each architecture (`<firmware arch="x86_64" type="bios"
 * supported="false"/>`): an OS that cannot boot with BIOS gets UEFI; the
 * others get BIOS, which every x86 guest boots and which keeps snapshots
 * with memory possible (libvirt 9.0 cannot take internal snapshots of a
 * UEFI guest's NVRAM). osinfo-db has no TPM or Secure Boot data, so
 * Windows 11 and later (UEFI-only Windows) get both, as Microsoft's
 * Windows 11 system requirements ask. An unknown OS gets BIOS.
 */
void
terra_os_db_get_firmware_needs (OsinfoOs *os,
                                gboolean *uefi,
                                gboolean *secure_boot,
                                gboolean *tpm)
{
  g_autoptr(OsinfoFirmwareList) list = NULL;
  gboolean bios_ok = TRUE, efi_ok = FALSE;

  *uefi = *secure_boot = *tpm = FALSE;
  if (os == NULL)
    return;
  list = osinfo_os_get_complete_firmware_list (os, NULL);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *arch = osinfo_firmware_get_architecture (fw);
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (arch != NULL && !g_str_equal (arch, "x86_64") && !g_str_equal (arch, "all"))
        continue;
      if (g_strcmp0 (type, "bios") == 0 && !osinfo_firmware_is_supported (fw))
        bios_ok = FALSE;
      if (g_strcmp0 (type, "efi") == 0 && osinfo_firmware_is_supported (fw))
        efi_ok = TRUE;
    }
  if (bios_ok || !efi_ok)
    return;
  *uefi = TRUE;
  if (g_strcmp0 (osinfo_os_get_family (os), "winnt") == 0)
    *secure_boot = *tpm = TRUE;
}
