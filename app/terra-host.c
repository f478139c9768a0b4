/* terra-host.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-host"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "terra-error.h"
#include "terra-host.h"

#define GUEST_ARCH    "x86_64"
#define GUEST_MACHINE "q35"

/*
 * The host as new guests see it: RAM, CPU threads and whether KVM can be
 * used. KVM is used when libvirt's domain capabilities for virt type "kvm"
 * exist (as virt-manager decides); otherwise guests run under TCG.
 * TERRARIUM_ACCEL=tcg forces TCG (for hosts where /dev/kvm exists but hangs).
 */

/**
 * terra_host_info_free:
 * @info: (transfer full): a #TerraHostInfo
 */
void
terra_host_info_free (TerraHostInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kvm_problem);
  g_clear_pointer (&info->caps, terra_guest_caps_free);
  g_free (info);
}

static char *
explain_kvm_problem (const char *libvirt_detail)
{
  if (!g_file_test ("/dev/kvm", G_FILE_TEST_EXISTS))
    return g_strdup (_("/dev/kvm does not exist: hardware virtualization is disabled in the "
                       "firmware (BIOS/UEFI) or the kvm module is not loaded."));
  if (access ("/dev/kvm", R_OK | W_OK) != 0)
    return g_strdup (_("You may not use /dev/kvm: add your user to the “kvm” group and log in again."));
  if (libvirt_detail != NULL)
    return g_strdup_printf (_("libvirt does not offer KVM: %s"), libvirt_detail);
  return g_strdup (_("libvirt does not offer KVM on this host."));
}

static TerraGuestCaps *
query_caps (virConnectPtr   conn,
            const char     *virt_type,
            GError        **error)
{
  g_autofree char *xml = NULL;

  xml = virConnectGetDomainCapabilities (conn, NULL, GUEST_ARCH, GUEST_MACHINE, virt_type, 0);
  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("The hypervisor offers no %s guests."), virt_type);
      return NULL;
    }
  return terra_guest_caps_new_from_xml (xml, error);
}

/**
 * terra_host_info_query_sync:
 * @connection: a connected #TerraConnection
 * @cancellable: (nullable): checked between calls
 * @error: %TERRA_ERROR_NOT_CONNECTED, or %TERRA_ERROR_LIBVIRT when even TCG
 *   guests are not offered
 *
 * Reads the host's resources (virNodeGetInfo, virNodeGetMemoryStats) and the
 * domain capabilities for x86_64 q35 guests, KVM first, then TCG. Blocking:
 * call from a worker thread.
 *
 * Returns: (transfer full): the host info
 */
TerraHostInfo *
terra_host_info_query_sync (TerraConnection  *connection,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(TerraHostInfo) info = g_new0 (TerraHostInfo, 1);
  virConnectPtr conn = terra_connection_dup_handle (connection);
  g_autoptr(GError) kvm_error = NULL;
  virNodeInfo node;
  int nparams = 0;

  if (conn == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED,
                   _("Not connected to the virtualization service."));
      return NULL;
    }

  if (virNodeGetInfo (conn, &node) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read the host’s resources."));
      virConnectClose (conn);
      return NULL;
    }
  info->memory_total_mib = node.memory / 1024; /* KiB → MiB */
  info->cpus = node.cpus;
  info->memory_free_mib = info->memory_total_mib;

  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &nparams, 0) == 0 && nparams > 0)
    {
      g_autofree virNodeMemoryStatsPtr params = g_new0 (virNodeMemoryStats, nparams);
      if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &nparams, 0) == 0)
        {
          guint64 avail = 0;
          for (int i = 0; i < nparams; i++)
            if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_FREE) ||
                g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) ||
                g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_CACHED))
              avail += params[i].value; /* KiB */
            else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_TOTAL) && params[i].value > 0)
              /* virNodeGetInfo() can report less than the host has (seen on a
               * VM host without NUMA nodes in sysfs: 4.8 GiB of 23.5 GiB);
               * the memory stats read /proc/meminfo's MemTotal. */
              info->memory_total_mib = params[i].value / 1024;
          info->memory_free_mib = avail / 1024;
        }
    }
  virResetLastError ();

  if (g_strcmp0 (g_getenv ("TERRARIUM_ACCEL"), "tcg") != 0)
    info->caps = query_caps (conn, "kvm", &kvm_error);
  else
    kvm_error = g_error_new_literal (TERRA_ERROR, TERRA_ERROR_NO_KVM,
                                     _("KVM is disabled by TERRARIUM_ACCEL=tcg."));

  if (info->caps != NULL)
    info->accel = TERRA_ACCEL_KVM;
  else
    {
      g_autofree char *detail = terra_error_get_detail (kvm_error);

      info->accel = TERRA_ACCEL_TCG;
      if (kvm_error->code == TERRA_ERROR_NO_KVM)
        info->kvm_problem = g_strdup (kvm_error->message);
      else
        info->kvm_problem = explain_kvm_problem (detail);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          virConnectClose (conn);
          return NULL;
        }
      info->caps = query_caps (conn, "qemu", error);
      if (info->caps == NULL)
        {
          virConnectClose (conn);
          return NULL;
        }
    }

  virConnectClose (conn);
  return g_steal_pointer (&info);
}

static void
query_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  TerraHostInfo *info = terra_host_info_query_sync (task_data, cancellable, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify)terra_host_info_free);
}

/**
 * terra_host_info_query_async:
 * @connection: a connected #TerraConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_host_info_query_sync() in a worker thread.
 */
void
terra_host_info_query_async (TerraConnection     *connection,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, terra_host_info_query_async);
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, query_worker);
}

/**
 * terra_host_info_query_finish:
 * @result: the result
 * @error: as terra_host_info_query_sync()
 *
 * Returns: (transfer full) (nullable): the host info
 */
TerraHostInfo *
terra_host_info_query_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
