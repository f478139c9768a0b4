/* terra-settings.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-settings"

#include "config.h"

#include <unistd.h>

#include "terra-settings.h"

/*
 * A typed wrapper over the app's GSettings schema (GIO only: the CLI links
 * it too). When the schema is not installed (an uninstalled CLI run without
 * GSETTINGS_SCHEMA_DIR), it answers with the schema's defaults instead of
 * aborting as g_settings_new() would.
 */
struct _TerraSettings
{
  GObject    parent_instance;
  GSettings *settings; /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (TerraSettings, terra_settings, G_TYPE_OBJECT)

static void
terra_settings_finalize (GObject *object)
{
  TerraSettings *self = (TerraSettings *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (terra_settings_parent_class)->finalize (object);
}

static void
terra_settings_class_init (TerraSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = terra_settings_finalize;
}

static void
terra_settings_init (TerraSettings *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_debug ("Schema %s not installed; using defaults", SETTINGS_SCHEMA_ID);
}

/**
 * terra_settings_new:
 *
 * Returns: (transfer full): the app's settings, readable even when the
 *   schema is not installed (then every key has its default).
 */
TerraSettings *
terra_settings_new (void)
{
  return g_object_new (TERRA_TYPE_SETTINGS, NULL);
}

/**
 * terra_settings_get_is_persistent:
 * @self: a #TerraSettings
 *
 * Returns: %TRUE when backed by the installed GSettings schema.
 */
gboolean
terra_settings_get_is_persistent (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), FALSE);
  return self->settings != NULL;
}

/**
 * terra_settings_get_gsettings:
 * @self: a #TerraSettings
 *
 * Returns: (transfer none) (nullable): the underlying #GSettings for
 *   g_settings_bind(), or %NULL when the schema is not installed.
 */
GSettings *
terra_settings_get_gsettings (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), NULL);
  return self->settings;
}

/**
 * terra_settings_dup_connection_uri:
 * @self: a #TerraSettings
 *
 * The libvirt connection URI the GUI and terrarium-ctl use by default.
 * The environment variable `TERRARIUM_URI` overrides it (for tests).
 *
 * Returns: (transfer full): a libvirt URI, "qemu:///session" by default.
 */
char *
terra_settings_dup_connection_uri (TerraSettings *self)
{
  const char *env = g_getenv ("TERRARIUM_URI");
  g_autofree char *uri = NULL;

  g_return_val_if_fail (TERRA_IS_SETTINGS (self), NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (self->settings != NULL)
    uri = g_settings_get_string (self->settings, TERRA_SETTINGS_KEY_CONNECTION_URI);
  if (uri == NULL || *uri == '\0')
    return g_strdup (TERRA_SETTINGS_DEFAULT_URI);
  return g_steal_pointer (&uri);
}

/**
 * terra_settings_dup_images_dir:
 * @self: a #TerraSettings
 *
 * The directory of the app's storage pool, where new disk images go.
 *
 * Returns: (transfer full): an absolute path; `$XDG_DATA_HOME/terrarium/images`
 *   when the key is empty (the default); /var/lib/libvirt/images/terrarium
 *   for root.
 */
char *
terra_settings_dup_images_dir (TerraSettings *self)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (TERRA_IS_SETTINGS (self), NULL);

  if (self->settings != NULL)
    dir = g_settings_get_string (self->settings, TERRA_SETTINGS_KEY_IMAGES_DIR);
  if (dir == NULL || *dir == '\0' || !g_path_is_absolute (dir))
    {
      /* As root, qemu:///session is the system daemon, whose QEMU runs as
       * libvirt-qemu and cannot enter /root: use libvirt's images folder. */
      if (getuid () == 0)
        return g_strdup ("/var/lib/libvirt/images/terrarium");
      return g_build_filename (g_get_user_data_dir (), "terrarium", "images", NULL);
    }
  return g_steal_pointer (&dir);
}

/**
 * terra_settings_get_host_reserve_mib:
 * @self: a #TerraSettings
 *
 * The environment variable `TERRARIUM_HOST_RESERVE_MIB` overrides it (for
 * the CLI on machines without the schema, and tests).
 *
 * Returns: RAM kept for the host (MiB); 0 for the automatic default of
 *   terra_budget_default_reserve_mib()
 */
guint64
terra_settings_get_host_reserve_mib (TerraSettings *self)
{
  const char *env = g_getenv ("TERRARIUM_HOST_RESERVE_MIB");

  g_return_val_if_fail (TERRA_IS_SETTINGS (self), 0);
  if (env != NULL && *env != '\0')
    return g_ascii_strtoull (env, NULL, 10);
  if (self->settings != NULL)
    return g_settings_get_uint64 (self->settings, TERRA_SETTINGS_KEY_HOST_RESERVE);
  return 0;
}

/**
 * terra_settings_get_shutdown_timeout_s:
 * @self: a #TerraSettings
 *
 * Returns: seconds a guest gets to shut down (ACPI) before it is offered
 *   or made to force off; 60 without the schema
 */
guint
terra_settings_get_shutdown_timeout_s (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), 60);
  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, TERRA_SETTINGS_KEY_SHUTDOWN_TIMEOUT);
  return 60;
}

/**
 * terra_settings_dup_extra_connections:
 * @self: a #TerraSettings
 *
 * The environment variable `TERRARIUM_EXTRA_URIS` (URIs separated by
 * spaces) overrides it (tests, and machines without the schema).
 *
 * Returns: (transfer full) (array zero-terminated=1): more libvirt URIs the
 *   collection shows, each as a group; empty by default
 */
char **
terra_settings_dup_extra_connections (TerraSettings *self)
{
  const char *env = g_getenv ("TERRARIUM_EXTRA_URIS");

  g_return_val_if_fail (TERRA_IS_SETTINGS (self), NULL);
  if (env != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (env, " ", -1);
      GStrvBuilder *b = g_strv_builder_new ();
      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0')
          g_strv_builder_add (b, parts[i]);
      {
        char **result = g_strv_builder_end (b);
        g_strv_builder_unref (b);
        return result;
      }
    }
  if (self->settings != NULL)
    return g_settings_get_strv (self->settings, TERRA_SETTINGS_KEY_EXTRA_CONNECTIONS);
  return g_new0 (char *, 1);
}

/**
 * terra_settings_get_thumbnails:
 * @self: a #TerraSettings
 *
 * Returns: whether the collection shows running guests' thumbnails (%TRUE
 *   without the schema)
 */
gboolean
terra_settings_get_thumbnails (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), TRUE);
  return self->settings == NULL || g_settings_get_boolean (self->settings, TERRA_SETTINGS_KEY_THUMBNAILS);
}

/**
 * terra_settings_get_save_on_logout:
 * @self: a #TerraSettings
 *
 * Returns: whether running guests are saved (managed save) when the
 *   desktop session ends (%FALSE without the schema)
 */
gboolean
terra_settings_get_save_on_logout (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), FALSE);
  return self->settings != NULL && g_settings_get_boolean (self->settings, TERRA_SETTINGS_KEY_SAVE_ON_LOGOUT);
}

/**
 * terra_settings_get_budget_warnings:
 * @self: a #TerraSettings
 *
 * Returns: whether budget warnings are shown (refusals always are)
 */
gboolean
terra_settings_get_budget_warnings (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), TRUE);
  if (self->settings != NULL)
    return g_settings_get_boolean (self->settings, TERRA_SETTINGS_KEY_BUDGET_WARNINGS);
  return TRUE;
}

/**
 * terra_settings_dup_close_action:
 * @self: a #TerraSettings
 *
 * Returns: (transfer full): what closing the window does to the shown
 *   machine: "keep", "pause" or "save"
 */
char *
terra_settings_dup_close_action (TerraSettings *self)
{
  g_return_val_if_fail (TERRA_IS_SETTINGS (self), g_strdup ("keep"));
  if (self->settings != NULL)
    return g_settings_get_string (self->settings, TERRA_SETTINGS_KEY_CLOSE_ACTION);
  return g_strdup ("keep");
}
